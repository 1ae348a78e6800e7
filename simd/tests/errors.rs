//! Every error path of the four functions, on the crate root and the portable path: the error
//! value, and the output left untouched.

mod common;

use posenc_simd::{Encoding, Error};

const SENTINEL: f32 = 7.0;

/// Runs `f` on a buffer of `len` sentinels, expects `error` and an untouched buffer.
fn expect(name: &str, len: usize, error: Error, f: impl FnOnce(&mut [f32]) -> Result<(), Error>) {
    let mut buffer = vec![SENTINEL; len];
    assert_eq!(f(&mut buffer), Err(error), "{name}");
    assert!(
        buffer.iter().all(|&v| v == SENTINEL),
        "{name}: output touched on error"
    );
}

/// A `d`-column encoding whose scale, 10^300, overflows the angle of every position past 10^8.
fn overflowing(d: usize) -> Encoding {
    Encoding::builder(d).scale(1e300).build().unwrap()
}

#[test]
fn encode_row_errors() {
    let (enc, wide) = (Encoding::new(8).unwrap(), overflowing(8));
    for (path, api) in &common::paths::<f32>() {
        let short = |o: &mut [f32]| (api.row)(&enc, 1.0, o);
        expect(
            path,
            7,
            Error::BufferLength {
                expected: 8,
                actual: 7,
            },
            short,
        );
        let nan = |o: &mut [f32]| (api.row)(&enc, f64::NAN, o);
        let mut buffer = [SENTINEL; 8];
        assert!(matches!(nan(&mut buffer), Err(Error::NonFinitePosition(p)) if p.is_nan()));
        assert_eq!(buffer, [SENTINEL; 8]);
        let inf = Error::NonFinitePosition(f64::NEG_INFINITY);
        expect(path, 8, inf, |o| (api.row)(&enc, f64::NEG_INFINITY, o));
        let overflow = Error::AngleOverflow {
            position: 1e10,
            scale: 1e300,
        };
        expect(path, 8, overflow, |o| (api.row)(&wide, 1e10, o));
    }
}

#[test]
fn encode_rows_and_add_rows_errors() {
    let (enc, wide) = (Encoding::new(8).unwrap(), overflowing(8));
    for (path, api) in &common::paths::<f32>() {
        for f in [api.rows, api.add] {
            let not_whole = Error::NotWholeRows {
                len: 12,
                d_model: 8,
            };
            expect(path, 12, not_whole, |o| f(&enc, 0.0, 0, o));
            let inf = Error::NonFinitePosition(f64::INFINITY);
            expect(path, 16, inf, |o| f(&enc, f64::INFINITY, 0, o));
            let overflow = Error::AngleOverflow {
                position: 1e10,
                scale: 1e300,
            };
            expect(path, 16, overflow, |o| f(&wide, 1e10, 5, o));
            // The start is checked even for an empty block.
            expect(path, 0, inf, |o| f(&enc, f64::INFINITY, 0, o));
            // Row indices past u64::MAX.
            let past = Error::RowIndexOverflow {
                first_row: u64::MAX,
                rows: 2,
            };
            expect(path, 16, past, |o| f(&enc, 0.0, u64::MAX, o));
            // An empty block at a valid start is nothing to do.
            assert_eq!(f(&enc, 0.0, u64::MAX, &mut []), Ok(()), "{path}");
        }
    }
}

/// The last row of a block is checked too: its `c·p` may overflow where the first's does not.
#[test]
fn block_whose_last_row_overflows() {
    let enc = Encoding::builder(2).scale(f64::MAX).build().unwrap();
    for (path, api) in &common::paths::<f32>() {
        for f in [api.rows, api.add] {
            // c·0 and c·1 are finite; c·2, the third row's, is not.
            let overflow = Error::AngleOverflow {
                position: 2.0,
                scale: f64::MAX,
            };
            expect(path, 6, overflow, |o| f(&enc, 0.0, 0, o));
        }
    }
}

#[test]
fn encode_positions_errors() {
    let (enc, wide) = (Encoding::new(4).unwrap(), overflowing(4));
    for (path, api) in &common::paths::<f32>() {
        let len_error = Error::BufferLength {
            expected: 8,
            actual: 9,
        };
        expect(path, 9, len_error, |o| {
            (api.positions)(&enc, &[1.0, 2.0], o)
        });
        // The first bad position is reported and nothing is written, even the good rows.
        let bad = Error::NonFinitePosition(f64::INFINITY);
        expect(path, 12, bad, |o| {
            (api.positions)(&enc, &[1.0, f64::INFINITY, f64::NAN], o)
        });
        let overflow = Error::AngleOverflow {
            position: -1e10,
            scale: 1e300,
        };
        expect(path, 8, overflow, |o| {
            (api.positions)(&wide, &[0.0, -1e10], o)
        });
        // positions.len() · d_model overflows usize.
        let huge = Encoding::new(usize::MAX / 2 + 1).unwrap();
        let size = Error::SizeOverflow {
            rows: 3,
            d_model: usize::MAX / 2 + 1,
        };
        expect(path, 0, size, |o| (api.positions)(&huge, &[0.0; 3], o));
        assert_eq!((api.positions)(&enc, &[], &mut []), Ok(()), "{path}");
    }
}
