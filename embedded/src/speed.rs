//! Instructions per d = 64 row at positions near 10^5: the `f64`-free path against the naive
//! loop (the angle `p·ω_i` in `f32`, `libm::sinf`/`cosf`), and, for the README, the core's
//! `encode` and the SIMD crate's `encode_row` in `f32`.

use core::hint::black_box;

use cortex_m_semihosting::hprintln;
use posenc_core::Encoding;
use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};

use crate::{count, Failure, Tally};

/// Columns of the measured rows.
const D: usize = 64;
/// Rows per measurement.
const ROWS: u32 = 8;
/// The first position.
const FIRST: u32 = 100_000;

/// The naive row: `f32` angle, `libm`'s `f32` sine and cosine, interleaved.
#[inline(never)]
fn naive_row(omega: &[f32; D / 2], position: f32, out: &mut [f32; D]) {
    for (i, w) in omega.iter().enumerate() {
        let theta = position * w;
        out[2 * i] = libm::sinf(theta);
        out[2 * i + 1] = libm::cosf(theta);
    }
}

#[inline(never)]
fn fixed_row(fixed: &FixedEncoding<'_>, position: f64, out: &mut [f32; D]) -> bool {
    fixed.encode_row(position, out).is_ok()
}

#[inline(never)]
fn core_row(enc: &Encoding, position: f64, out: &mut [f32; D]) -> bool {
    enc.encode(position, out).is_ok()
}

#[inline(never)]
fn simd_row(enc: &Encoding, position: f64, out: &mut [f32; D]) -> bool {
    posenc_simd::encode_row(enc, position, out).is_ok()
}

/// Instructions per row of `row` over `ROWS` rows.
fn per_row(ratio: u32, mut row: impl FnMut(u32, &mut [f32; D]) -> bool) -> (u32, bool) {
    let mut out = [0.0f32; D];
    let mut ok = true;
    let ticks = count::ticks(|| {
        for k in 0..ROWS {
            ok &= row(black_box(k), &mut out);
        }
    });
    black_box(&out);
    (ticks * ratio / ROWS, ok)
}

/// Measures and prints; checks that the `f64`-free path takes at most a quarter of the naive
/// loop's instructions.
pub fn run(tally: &mut Tally) {
    let ratio = count::calibrate();
    hprintln!(
        "SysTick: {} instructions per tick (calibrated on a loop of 2e6)",
        ratio
    );
    tally.check(ratio == 40, || Failure {
        what: "SysTick calibration",
        at: "instructions per tick",
        value: f64::from(ratio),
        bound: 40.0,
    });
    let Ok(enc) = Encoding::new(D) else {
        tally.require(false, "Encoding::new(64)", "speed");
        return;
    };
    let mut rates = [QuarterTurnRate::default(); D / 2];
    let Ok(fixed) = FixedEncoding::new(&enc, &mut rates) else {
        tally.require(false, "FixedEncoding::new", "speed");
        return;
    };
    let mut omega = [0.0f32; D / 2];
    for (i, w) in omega.iter_mut().enumerate() {
        *w = enc.frequency(i).unwrap_or(0.0) as f32;
    }
    // Positions converted before the clock runs: the conversions are not part of a row.
    let mut p64 = [0.0f64; ROWS as usize];
    let mut p32 = [0.0f32; ROWS as usize];
    for k in 0..ROWS as usize {
        p64[k] = f64::from(FIRST + k as u32);
        p32[k] = (FIRST + k as u32) as f32;
    }
    let (posenc, ok_fixed) = per_row(ratio, |k, out| fixed_row(&fixed, p64[k as usize], out));
    let (naive, _) = per_row(ratio, |k, out| {
        naive_row(&omega, p32[k as usize], out);
        true
    });
    let (core, ok_core) = per_row(ratio, |k, out| core_row(&enc, p64[k as usize], out));
    let (simd, ok_simd) = per_row(ratio, |k, out| simd_row(&enc, p64[k as usize], out));
    tally.require(ok_fixed && ok_core && ok_simd, "speed rows", "encode");
    hprintln!(
        "instructions per d=64 row: posenc {}, naive {}",
        posenc,
        naive
    );
    hprintln!(
        "instructions per d=64 row: core encode {}, simd encode_row {}",
        core,
        simd
    );
    tally.check(4 * posenc <= naive, || Failure {
        what: "f64-free path at most a quarter of the naive loop",
        at: "instructions per d=64 row",
        value: f64::from(posenc),
        bound: f64::from(naive) / 4.0,
    });
}
