//! The backends under test, each behind the same two operations: a block of table rows, and one
//! position. Every relation of the suite is written once against [`Backend`].

use posenc_core::{Element, Encoding, Error, Positions, Rows};

/// One way of computing encodings: the core, the SIMD crate's vector or portable path, the
/// parallel crate.
pub trait Backend {
    /// The backend's name in failure messages.
    const NAME: &'static str;

    /// Whether this is the reference itself (its `f32` values are within 2^−24 of exact, not
    /// only within the backends' 2^−23).
    const IS_CORE: bool = false;

    /// Writes rows `first_row ..` of the table whose row `k` is at `start + k` into `out`
    /// (a whole number of rows). By default one [`position`](Backend::position) a row, at the
    /// position the SIMD crate's [`row_position`](posenc_core::row_position) forms, so every
    /// backend encodes the same numbers.
    ///
    /// # Errors
    /// The backend's documented errors.
    fn rows<T: Element>(
        enc: &Encoding,
        start: f64,
        first_row: u64,
        out: &mut [T],
    ) -> Result<(), Error> {
        for (k, row) in out.chunks_exact_mut(enc.d_model()).enumerate() {
            Self::position(
                enc,
                posenc_core::row_position(start, first_row + k as u64),
                row,
            )?;
        }
        Ok(())
    }

    /// Writes the encoding of `position` into `out` (`d_model` values).
    ///
    /// # Errors
    /// The backend's documented errors.
    fn position<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error>;
}

/// `posenc-core`: one `encode` per row (the trait's default [`rows`](Backend::rows)).
#[derive(Debug)]
pub struct Core;

impl Backend for Core {
    const NAME: &'static str = "core";
    const IS_CORE: bool = true;

    fn position<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
        enc.encode(position, out)
    }
}

/// One of `posenc-simd`'s paths, chosen by a [`posenc_simd::Backend`] value: every such path is
/// a [`Backend`] through the one blanket impl below, which differs between them only in that
/// value.
pub trait SimdPath {
    /// The backend's name in failure messages.
    const NAME: &'static str;

    /// The path this backend runs.
    fn backend() -> posenc_simd::Backend;
}

impl<P: SimdPath> Backend for P {
    const NAME: &'static str = <P as SimdPath>::NAME;

    fn rows<T: Element>(
        enc: &Encoding,
        start: f64,
        first_row: u64,
        out: &mut [T],
    ) -> Result<(), Error> {
        P::backend().encode_rows(&Rows::covering(enc, start, first_row, out.len())?, out)
    }

    fn position<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
        P::backend().encode_row(enc, position, out)
    }
}

/// A unit type that is a [`SimdPath`]: its doc, name and the path it runs.
macro_rules! simd_path {
    ($(#[$doc:meta])* $path:ident = $name:literal, $backend:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $path;

        impl SimdPath for $path {
            const NAME: &'static str = $name;

            fn backend() -> posenc_simd::Backend {
                $backend
            }
        }
    };
}

simd_path! {
    /// `posenc-simd`'s crate root, `Backend::detect()`: the vector path (the portable one under
    /// `scalar-math`).
    Simd = "simd", posenc_simd::Backend::detect()
}

simd_path! {
    /// `posenc-simd`'s portable path, `posenc_simd::Backend::portable()`, whatever the features.
    Portable = "portable", posenc_simd::Backend::portable()
}

simd_path! {
    /// `posenc-simd`'s vector path on `wide`'s lanes, `posenc_simd::Backend::vector()`, even
    /// where the crate root runs AVX2+FMA registers: the lanes aarch64, wasm32 and baseline
    /// x86-64 builds run. Under `scalar-math`, which has no vector path, the portable one.
    Wide = "wide", posenc_simd::Backend::vector().unwrap_or(posenc_simd::Backend::portable())
}

/// `posenc-parallel` on the global rayon pool: `fill_rows`, and `encode_positions` of one
/// position.
#[derive(Debug)]
pub struct Parallel;

impl Backend for Parallel {
    const NAME: &'static str = "parallel";

    fn rows<T: Element>(
        enc: &Encoding,
        start: f64,
        first_row: u64,
        out: &mut [T],
    ) -> Result<(), Error> {
        posenc_parallel::fill_rows(&Rows::covering(enc, start, first_row, out.len())?, out)
    }

    fn position<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
        let list = [position];
        posenc_parallel::encode_positions(&Positions::new(enc, &list)?, out)
    }
}

/// The backend's row at `position`, allocated.
///
/// # Panics
/// When the backend fails on a valid position: the suite only asks for valid ones.
#[must_use]
pub fn row<B: Backend, T: Element>(enc: &Encoding, position: f64) -> Vec<T> {
    let mut out = vec![T::default(); enc.d_model()];
    B::position(enc, position, &mut out)
        .unwrap_or_else(|e| panic!("{} failed at position {position}: {e}", B::NAME));
    out
}

/// The backend's rows `first_row .. first_row + rows` of the table at `start`, allocated.
///
/// # Panics
/// When the backend fails on a valid block.
#[must_use]
pub fn rows<B: Backend, T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    rows: usize,
) -> Vec<T> {
    let mut out = vec![T::default(); rows * enc.d_model()];
    B::rows(enc, start, first_row, &mut out).unwrap_or_else(|e| {
        panic!(
            "{} failed on rows {first_row}+{rows} at {start}: {e}",
            B::NAME
        )
    });
    out
}
