//! The golden file on the target: for every group of rows (one configuration, one position),
//! the row by the `f64`-free path (`f32`), the core (`f32`, `f64`) and the SIMD crate's
//! `encode_row` (`f32`, `f64`), each value against its SPEC bound; then the core's R(1) applied
//! to the row at `p − 1`, against the exact row at `p`.

use cortex_m_semihosting::hprintln;
use posenc_core::{Column, Encoding, Layout};
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

include!(concat!(env!("OUT_DIR"), "/golden.rs"));

/// The widest golden row.
const MAX_D: usize = 512;

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

/// Every group, every path.
pub fn run(tally: &mut Tally) {
    // The worst f32 errors of the three paths, in units of 2^-23.
    let (mut worst_fixed, mut worst_core, mut worst_simd): (f64, f64, f64) = (0.0, 0.0, 0.0);
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
            tally.check(false, || Failure {
                what: "golden configuration",
                at: g.case,
                value: 0.0,
                bound: 0.0,
            });
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
        tally.check(ok.is_ok(), || Failure {
            what: "fixed encode_row",
            at: g.case,
            value: 0.0,
            bound: 0.0,
        });
        for &(j, exact) in values {
            let out = f64::from(r32[j]);
            let error = value(tally, "fixed f32", g.case, out, exact, BACKEND_F32);
            worst_fixed = worst_fixed.max(error / BACKEND_F32);
        }

        // The core, f32 and f64.
        let ok = enc
            .encode(g.position, &mut r32[..d])
            .and(enc.encode(g.position, &mut r64[..d]));
        tally.check(ok.is_ok(), || Failure {
            what: "core encode",
            at: g.case,
            value: 0.0,
            bound: 0.0,
        });
        for &(j, exact) in values {
            worst_core = worst_core.max(
                value(
                    tally,
                    "core f32",
                    g.case,
                    f64::from(r32[j]),
                    exact,
                    CORE_F32,
                ) / BACKEND_F32,
            );
            value(
                tally,
                "core f64",
                g.case,
                r64[j],
                exact,
                f64_bound(theta(j)),
            );
        }

        // The SIMD crate's row (wide's lanes as emulated on this target), f32 and f64.
        let ok = posenc_simd::encode_row(&enc, g.position, &mut r32[..d])
            .and(posenc_simd::encode_row(&enc, g.position, &mut r64[..d]));
        tally.check(ok.is_ok(), || Failure {
            what: "simd encode_row",
            at: g.case,
            value: 0.0,
            bound: 0.0,
        });
        for &(j, exact) in values {
            worst_simd = worst_simd.max(
                value(
                    tally,
                    "simd f32",
                    g.case,
                    f64::from(r32[j]),
                    exact,
                    BACKEND_F32,
                ) / BACKEND_F32,
            );
            value(
                tally,
                "simd f64",
                g.case,
                r64[j],
                exact,
                f64_bound(theta(j)),
            );
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
        tally.check(ok.is_ok(), || Failure {
            what: "core rotate",
            at: g.case,
            value: 0.0,
            bound: 0.0,
        });
        let theta_max = libm::fabs(g.scale) * (libm::fabs(g.position) + 1.0);
        for &(j, exact) in values {
            value(
                tally,
                "rotated f32",
                g.case,
                f64::from(r32[j]),
                exact,
                rotation_bound(true, theta_max),
            );
            value(
                tally,
                "rotated f64",
                g.case,
                r64[j],
                exact,
                rotation_bound(false, theta_max),
            );
        }
    }
    hprintln!("golden: {} groups, {} values", GROUPS.len(), VALUES.len());
    hprintln!(
        "golden worst f32 error, of 2^-23: fixed (f64-free) {:.3}, simd encode_row {:.3}, core {:.3}",
        worst_fixed,
        worst_simd,
        worst_core
    );
}
