//! Every error the `no_std` crates can return, provoked on the target: each call must return
//! exactly its documented variant (and never panic, which would end the run as a failure).
//! `AllocationFailed` is the one variant left out: only the allocating crates (parallel, CLI),
//! which need `std`, return it.

use posenc_core::{Encoding, Error, Layout, Positions, Preset, Rows};
use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};

use crate::Tally;

/// Positions for `encode_positions` whose count times a d_model of 2^20 overflows a 32-bit
/// `usize` (only the length is looked at: the error comes first).
static MANY_POSITIONS: [f64; 4096] = [0.0; 4096];

/// Counts one expected error.
pub fn expect(tally: &mut Tally, at: &'static str, ok: bool) {
    tally.require(ok, "error path", at);
}

/// Counts one expected outcome per `"name": call => pattern,` line: `call` must match `pattern`
/// (an `Err` of the documented variant, with its fields where the line names them; `Ok(())`
/// where the call must succeed).
macro_rules! expect_matches {
    ($tally:expr; $($at:literal: $call:expr => $expected:pat,)+) => {
        $(expect($tally, $at, matches!($call, $expected));)+
    };
}
pub(crate) use expect_matches;

/// Every error path.
pub fn run(tally: &mut Tally) {
    use Error::*;
    let b = Encoding::builder;
    expect_matches! { tally;
        "ZeroDModel": b(0).build() => Err(ZeroDModel),
        "InvalidBase": b(8).base(1.0).build() => Err(InvalidBase(_)),
        "InvalidBase NaN": b(8).base(f64::NAN).build() => Err(InvalidBase(_)),
        "NonFiniteShift": b(8).shift(f64::INFINITY).build() => Err(NonFiniteShift(_)),
        "InvalidScale": b(8).scale(0.0).build() => Err(InvalidScale(_)),
        "NonPositiveDenominator": b(8).shift(4.0).build() => Err(NonPositiveDenominator { .. }),
        "UnknownLayout": "diagonal".parse::<Layout>() => Err(UnknownLayout),
        "UnknownPreset": "nonesuch".parse::<Preset>() => Err(UnknownPreset),
    }

    let Ok(enc) = Encoding::new(8) else {
        expect(tally, "Encoding::new(8)", false);
        return;
    };
    let Ok(huge_scale) = b(8).scale(1e300).build() else {
        expect(tally, "scale 1e300", false);
        return;
    };
    let mut row = [0.0f32; 8];
    let mut short = [0.0f32; 7];
    expect_matches! { tally;
        "BufferLength (core)":
            enc.encode(1.0, &mut short) => Err(BufferLength { expected: 8, actual: 7 }),
        "NonFinitePosition (core)": enc.encode(f64::NAN, &mut row) => Err(NonFinitePosition(_)),
        "AngleOverflow (core)": huge_scale.encode(1e300, &mut row) => Err(AngleOverflow { .. }),
        "ColumnOutOfRange": enc.value(1.0, 8) => Err(ColumnOutOfRange { column: 8, d_model: 8 }),
        "PairOutOfRange": enc.frequency(4) => Err(PairOutOfRange { pair: 4, pairs: 4 }),
        "BufferLength (rotate)": enc.rotate(1.0, &mut short) => Err(BufferLength { .. }),
        "NonFinitePosition (rotate)":
            enc.rotate(f64::INFINITY, &mut row) => Err(NonFinitePosition(_)),
    }
    match Encoding::new(7) {
        Ok(odd) => expect(
            tally,
            "UnpairedColumn",
            matches!(
                odd.rotate(1.0, &mut short),
                Err(UnpairedColumn { d_model: 7 })
            ),
        ),
        Err(_) => expect(tally, "Encoding::new(7)", false),
    }

    // The SIMD crate.
    let mut rows = [0.0f32; 24];
    expect_matches! { tally;
        "BufferLength (simd)":
            posenc_simd::encode_row(&enc, 1.0, &mut short) => Err(BufferLength { .. }),
        "NonFinitePosition (simd)":
            posenc_simd::encode_row(&enc, f64::NAN, &mut row) => Err(NonFinitePosition(_)),
        "AngleOverflow (simd)":
            posenc_simd::encode_row(&huge_scale, 1e300, &mut row) => Err(AngleOverflow { .. }),
        "NotWholeRows":
            Rows::covering(&enc, 0.0, 0, 20) => Err(NotWholeRows { len: 20, d_model: 8 }),
        "RowIndexOverflow": Rows::new(&enc, 0.0, u64::MAX, 3) => Err(RowIndexOverflow { .. }),
    }
    match Encoding::new(1 << 20) {
        Ok(wide) => expect(
            tally,
            "SizeOverflow",
            matches!(
                Positions::new(&wide, &MANY_POSITIONS),
                Err(SizeOverflow { .. })
            ),
        ),
        Err(_) => expect(tally, "Encoding::new(2^20)", false),
    }
    match Rows::new(&enc, 0.0, 0, 3) {
        Ok(three) => {
            expect_matches! { tally;
                "BufferLength (simd encode_rows)": posenc_simd::encode_rows(&three, &mut rows[..16])
                    => Err(BufferLength { expected: 24, actual: 16 }),
                "BufferLength (simd add_rows)":
                    posenc_simd::add_rows(&three, &mut rows[..16]) => Err(BufferLength { .. }),
            }
        }
        Err(_) => expect(tally, "Rows::new(3)", false),
    }

    // The f64-free path: the same errors, found without f64 arithmetic.
    let mut rates = [QuarterTurnRate::default(); 4];
    expect_matches! { tally;
        "BufferLength (fixed rates)": FixedEncoding::new(&enc, &mut rates[..3])
            => Err(BufferLength { expected: 4, actual: 3 }),
    }
    match FixedEncoding::new(&enc, &mut rates) {
        Ok(fixed) => {
            expect_matches! { tally;
                "BufferLength (fixed row)": fixed.encode_row(1.0, &mut short)
                    => Err(BufferLength { expected: 8, actual: 7 }),
                "NonFinitePosition (fixed)":
                    fixed.encode_row(f64::NEG_INFINITY, &mut row) => Err(NonFinitePosition(_)),
            }
        }
        Err(_) => expect(tally, "FixedEncoding::new", false),
    }
    match FixedEncoding::new(&huge_scale, &mut rates) {
        Ok(fixed) => {
            expect_matches! { tally;
                "AngleOverflow (fixed)":
                    fixed.encode_row(-1e300, &mut row) => Err(AngleOverflow { .. }),
                "no AngleOverflow below the edge (fixed)": fixed.encode_row(1e7, &mut row) => Ok(()),
            }
        }
        Err(_) => expect(tally, "FixedEncoding::new (scale 1e300)", false),
    }
}
