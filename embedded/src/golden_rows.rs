//! The golden file on the target: for every group of rows (one configuration, one position),
//! the row by the `f64`-free path (`f32`), the core (`f32`, `f64`) and the SIMD crate's
//! `encode_row` (`f32`, `f64`), each value against its SPEC bound; then the core's R(1) applied
//! to the row at `p − 1`, against the exact row at `p`.

use cortex_m_semihosting::hprintln;
use posenc_core::{Column, Encoding, Error, Layout};
use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};

use crate::{Failure, Tally};

/// One configuration and position of the golden file, and where its values are in [`VALUES`].
pub struct Group {
    case: &'static str,
    layout: Layout,
    d_model: usize,
    base: f64,
    shift: f64,
    scale: f64,
    position: f64,
    first: usize,
    len: usize,
}

// `GROUPS`, `VALUES` and `MAX_D` (the widest row), written by build.rs from the file.
include!(concat!(env!("OUT_DIR"), "/golden.rs"));

// The SPEC's bounds, as `posenc_testkit::bounds` states them (that crate needs `std`).
/// Every backend's `f32` bound, 2^−23.
const BACKEND_F32: f64 = 1.0 / 8_388_608.0;
/// The core's `f32` bound, 2^−24.
const CORE_F32: f64 = 1.0 / 16_777_216.0;
/// The parsed golden value's own error, 2^−54.
const GOLDEN_PARSE: f64 = 1.0 / 18_014_398_509_481_984.0;
/// A handful of `f64` roundings on values in [−1, 1], 2^−50.
const F64_ARITH: f64 = 1.0 / 1_125_899_906_842_624.0;

/// The `f64` bound 2^−48·(1 + |θ|).
fn f64_bound(theta: f64) -> f64 {
    (1.0 + libm::fabs(theta)) / 281_474_976_710_656.0
}

/// R(b)·PE(a) against PE(a + b), as `bounds::rotation_f64` / `rotation_f32`.
fn rotation_bound(f32_output: bool, theta_max: f64) -> f64 {
    if f32_output {
        4.0 * CORE_F32 + 2.0 * f64_bound(theta_max) + F64_ARITH
    } else {
        5.0 * f64_bound(theta_max) + F64_ARITH
    }
}

/// Checks one value; returns its error.
fn value(
    tally: &mut Tally,
    what: &'static str,
    at: &'static str,
    out: f64,
    exact: f64,
    bound: f64,
) -> f64 {
    let error = libm::fabs(out - exact);
    tally.check(error + GOLDEN_PARSE <= bound, || Failure {
        what,
        at,
        value: error,
        bound,
    });
    error
}

/// A path that encodes a golden row in `f32` and `f64`, checked alike.
struct Path {
    /// The call's name, then the `f32` and the `f64` values', in a failure.
    what: (&'static str, &'static str, &'static str),
    /// The `f32` values' bound (the `f64` values': [`f64_bound`]).
    bound_f32: f64,
    /// Encodes the row at a position into both buffers.
    encode: EncodeBoth,
}

/// Encodes one row at a position into an `f32` and an `f64` buffer.
type EncodeBoth = fn(&Encoding, f64, &mut [f32], &mut [f64]) -> Result<(), Error>;

/// The core, and the SIMD crate's row (wide's lanes as emulated on this target).
const PATHS: [Path; 2] = [
    Path {
        what: ("core encode", "core f32", "core f64"),
        bound_f32: CORE_F32,
        encode: |enc, p, r32, r64| enc.encode(p, r32).and(enc.encode(p, r64)),
    },
    Path {
        what: ("simd encode_row", "simd f32", "simd f64"),
        bound_f32: BACKEND_F32,
        encode: |enc, p, r32, r64| {
            posenc_simd::encode_row(enc, p, r32).and(posenc_simd::encode_row(enc, p, r64))
        },
    },
];

/// Checks a row's golden `values` in `f32` (`r32`, each within `bounds.0`) and then in `f64`
/// (`r64`, column `j` within `bounds.1(j)`); returns the worst `f32` error in units of 2^−23.
fn row_values(
    tally: &mut Tally,
    (what_f32, what_f64): (&'static str, &'static str),
    at: &'static str,
    (r32, r64): (&[f32], &[f64]),
    values: &[(usize, f64)],
    (bound_f32, bound_f64): (f64, &dyn Fn(usize) -> f64),
) -> f64 {
    let mut worst: f64 = 0.0;
    for &(j, exact) in values {
        let error = value(tally, what_f32, at, f64::from(r32[j]), exact, bound_f32);
        worst = worst.max(error / BACKEND_F32);
        value(tally, what_f64, at, r64[j], exact, bound_f64(j));
    }
    worst
}

/// Every group, every path.
pub fn run(tally: &mut Tally) {
    // The worst f32 errors of the f64-free path and of `PATHS`, in units of 2^-23.
    let (mut worst_fixed, mut worst_paths): (f64, [f64; 2]) = (0.0, [0.0; 2]);
    let mut rates = [QuarterTurnRate::default(); MAX_D];
    let (mut r32, mut r64) = ([0.0f32; MAX_D], [0.0f64; MAX_D]);
    for g in &GROUPS {
        let built = Encoding::builder(g.d_model)
            .layout(g.layout)
            .base(g.base)
            .shift(g.shift)
            .scale(g.scale)
            .build();
        let Ok(enc) = built else {
            tally.require(false, "golden configuration", g.case);
            continue;
        };
        let d = g.d_model;
        let values = &VALUES[g.first..g.first + g.len];
        let theta = |j: usize| match enc.layout().column(d, j) {
            Some(Column::Sin(pair)) | Some(Column::Cos(pair)) => {
                enc.angle(pair, g.position).unwrap_or(f64::INFINITY)
            }
            _ => 0.0,
        };

        // The f64-free path.
        let ok = FixedEncoding::new(&enc, &mut rates[..enc.pairs()])
            .and_then(|fixed| fixed.encode_row(g.position, &mut r32[..d]));
        tally.require(ok.is_ok(), "fixed encode_row", g.case);
        for &(j, exact) in values {
            let out = f64::from(r32[j]);
            let error = value(tally, "fixed f32", g.case, out, exact, BACKEND_F32);
            worst_fixed = worst_fixed.max(error / BACKEND_F32);
        }

        // The core and the SIMD crate's row, f32 and f64.
        for (path, worst) in PATHS.iter().zip(&mut worst_paths) {
            let ok = (path.encode)(&enc, g.position, &mut r32[..d], &mut r64[..d]);
            tally.require(ok.is_ok(), path.what.0, g.case);
            let f64_bounds = |j| f64_bound(theta(j));
            let what = (path.what.1, path.what.2);
            let bounds = (path.bound_f32, &f64_bounds as &dyn Fn(usize) -> f64);
            let this = row_values(tally, what, g.case, (&r32, &r64), values, bounds);
            *worst = worst.max(this);
        }

        // Encode and rotate: R(1)·PE(p − 1) against PE(p), where R applies (not the lone sine
        // of an odd interleaved row, which `rotate` refuses; errors.rs checks that refusal).
        if g.layout == Layout::Interleaved && d % 2 == 1 {
            continue;
        }
        let before = g.position - 1.0;
        let ok = enc
            .encode(before, &mut r32[..d])
            .and(enc.rotate(1.0, &mut r32[..d]))
            .and(enc.encode(before, &mut r64[..d]))
            .and(enc.rotate(1.0, &mut r64[..d]));
        tally.require(ok.is_ok(), "core rotate", g.case);
        let theta_max = libm::fabs(g.scale) * (libm::fabs(g.position) + 1.0);
        row_values(
            tally,
            ("rotated f32", "rotated f64"),
            g.case,
            (&r32, &r64),
            values,
            (rotation_bound(true, theta_max), &|_| {
                rotation_bound(false, theta_max)
            }),
        );
    }
    hprintln!("golden: {} groups, {} values", GROUPS.len(), VALUES.len());
    hprintln!(
        "golden worst f32 error, of 2^-23: fixed (f64-free) {:.3}, simd encode_row {:.3}, core {:.3}",
        worst_fixed,
        worst_paths[1],
        worst_paths[0]
    );
}
