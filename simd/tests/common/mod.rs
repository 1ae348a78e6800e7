//! What the SIMD crate's integration tests share: the entry points of the crate root and of
//! the portable path as values, so that every test runs over both.
#![allow(dead_code, unreachable_pub)] // each test file uses a different part of this module

use posenc_simd::{Element, Encoding, Error};

/// `encode_row`.
pub type RowFn<T> = fn(&Encoding, f64, &mut [T]) -> Result<(), Error>;
/// `encode_rows` or `add_rows` of the rows from a first row of the table at a start that cover
/// the buffer.
pub type RowsFn<T> = fn(&Encoding, f64, u64, &mut [T]) -> Result<(), Error>;
/// `encode_positions`.
pub type PositionsFn<T> = fn(&Encoding, &[f64], &mut [T]) -> Result<(), Error>;

/// One path's four entry points, for one element type.
pub struct Api<T: 'static> {
    /// `encode_row`.
    pub row: RowFn<T>,
    /// `encode_rows`.
    pub rows: RowsFn<T>,
    /// `add_rows`.
    pub add: RowsFn<T>,
    /// `encode_positions`.
    pub positions: PositionsFn<T>,
}

/// The [`Api`] whose calls are `$($callee)* encode_row(..)` and so on: the crate root's with
/// `posenc_simd::`, a backend's with `posenc_simd::Backend::portable().`.
macro_rules! api {
    ($($callee:tt)+) => {
        Api {
            row: |e, p, o| $($callee)+ encode_row(e, p, o),
            rows: |e, s, f, o| {
                posenc_simd::Rows::covering(e, s, f, o.len())
                    .and_then(|rows| $($callee)+ encode_rows(&rows, o))
            },
            add: |e, s, f, o| {
                posenc_simd::Rows::covering(e, s, f, o.len())
                    .and_then(|rows| $($callee)+ add_rows(&rows, o))
            },
            positions: |e, p, o| {
                posenc_simd::Positions::new(e, p)
                    .and_then(|list| $($callee)+ encode_positions(&list, o))
            },
        }
    };
}

/// The crate root's functions (the detected path).
pub fn root<T: Element>() -> Api<T> {
    api!(posenc_simd::)
}

/// The portable path's, `Backend::portable()`, whatever the features.
pub fn portable<T: Element>() -> Api<T> {
    api!(posenc_simd::Backend::portable().)
}

/// Both paths, named.
pub fn paths<T: Element>() -> [(&'static str, Api<T>); 2] {
    [("root", root()), ("portable", portable())]
}
