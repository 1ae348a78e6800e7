//! The vector path: four `f64` lanes across the frequencies of a row.
//!
//! - `lanes`: the few lane operations, for `wide`'s `f64x4` (every target; its register width is
//!   fixed when `wide` is compiled: two SSE2 registers in a default x86-64 build) and for AVX2+FMA
//!   registers, which `dispatch` picks at run time on x86-64 (CPUID, cached).
//! - `frequency`: ω = b^(−i/D) by our own `exp` with a double-double exponent, handed on as
//!   ω' = ω·2/π so that angles are in quarter turns.
//! - `sincos`: sin and cos of quarter turns (exact reduction) by msun's polynomials, in `f64`.
//! - `lanes32`, `sincos32`: for `f32` rows where the lanes fuse multiply-add (AVX2+FMA), the
//!   same reduction in `f64`, then short polynomials in `f32` on eight lanes.
//! - `kernel`: rows in tiles and frequencies in chunks, written in every layout.
//! - `recurrence`: `f32` tables stepped by the rotation R(1) from anchors every 64th row.
//! - `stream`: non-temporal stores for tables past the caches.
//!
//! # Accuracy
//! Every angle is formed and reduced in `f64`; no angle is ever held in `f32` (only the
//! reduced argument `|f| ≤ 1/2` quarter turn is, on the `sincos32` path).
//! For `|c·p| ≤ 2^24` (θ = c·p·ω, `|θ| ≤ 2^24`), the error of one output value is at most:
//!
//! | step | absolute error |
//! | --- | --- |
//! | `c·p`, then `·ω'`: two roundings (one where the reduction fuses the product) | `|θ|·2^−52` ≤ 2^−28 |
//! | ω' = ω·2/π, its own error at most about 6 ulp (see `frequency`) | `|θ|·6·2^−53` ≤ 2^−26.4 |
//! | reduction to `|f| ≤ 1/2` quarter turn (see `sincos`) | 0 (exact) |
//! | polynomial, `f64` output / `f32` output | 2^−54.6 / 2^−34 |
//! | `f32` tables only: 63 rotation steps at most (see `recurrence`) | 2^−44 |
//! | rounding to the output type, `f64` / `f32` | 2^−53 / 2^−25 |
//!
//! Sum for `f32` on the `f64` polynomials: below 2^−25 + 2^−26.4 + 2^−28, about 0.38 of the
//! bound 2^−23. `f32` rows on fused lanes (`sincos32`: `f` rounded to `f32`, polynomials in
//! `f32`) have their own budget there: at most 0.66 (sin) and 0.71 (cos) of 2^−23; the golden
//! file's worst is 0.45 (interleaved), 0.39 (split), against 0.25 for `f32` tables, which step
//! from anchors evaluated in `f64`. For `f64`: about `|θ|·2^−50 + 2^−52`, a
//! quarter of the bound 2^−48·(1 + |θ|) or less (golden worst: 0.13 of it). Beyond `|c·p| = 2^24` the first
//! two lines grow in proportion to `|θ|`; rows with `|c·p| > 2^30` go through the core, as do
//! encodings whose ω leave the normal range (`(n − 1)·ln b / D > 700`) or with more than 2^27
//! frequencies.
//!
//! FMA rounds once where separate instructions round twice, so the AVX2+FMA lanes and the
//! `wide` lanes may differ in the last bit; the choice is made once per process, so every call
//! of a process (and so every split of a table) gets the same bits.

#[cfg(all(
    target_arch = "x86_64",
    not(all(target_feature = "avx2", target_feature = "fma"))
))]
mod dispatch;
mod frequency;
mod kernel;
mod lanes;
mod lanes32;
mod recurrence;
pub(crate) mod rope_kernel;
mod rope_lanes;
mod sincos;
mod sincos32;
mod stream;

use posenc_core::{Element, Encoding, RowMut};
use wide::f64x4;

use crate::block::row_position;
use crate::scalar;
use kernel::{Mode, Plan};

/// Whether this build on this machine runs the kernel on AVX2+FMA lanes chosen at run time.
#[inline]
fn runtime_avx2() -> bool {
    #[cfg(all(
        target_arch = "x86_64",
        not(all(target_feature = "avx2", target_feature = "fma"))
    ))]
    return dispatch::avx2_fma();
    #[cfg(not(all(
        target_arch = "x86_64",
        not(all(target_feature = "avx2", target_feature = "fma"))
    )))]
    return false;
}

#[cfg(all(
    target_arch = "x86_64",
    not(all(target_feature = "avx2", target_feature = "fma"))
))]
pub(crate) use dispatch::disable as disable_runtime_dispatch;

/// Runs the kernel on the best lanes this machine has.
#[inline(always)]
fn run<T: Element>(
    plan: &Plan<'_>,
    mode: Mode,
    rows: usize,
    position: impl Fn(usize) -> f64,
    out: &mut [T],
) {
    #[cfg(all(
        target_arch = "x86_64",
        not(all(target_feature = "avx2", target_feature = "fma"))
    ))]
    if runtime_avx2() {
        // SAFETY: the CPU and the OS support AVX2 and FMA (CPUID and XGETBV, just checked).
        unsafe { run_avx2(plan, mode, rows, position, out) };
        return;
    }
    plan.run::<f64x4, T>(mode, rows, position, out);
}

/// `f32` table rows by rotation (see `recurrence`), on the best lanes this machine has.
#[inline(always)]
fn run_table_f32(plan: &Plan<'_>, start: f64, first_row: u64, rows: usize, out: &mut [f32]) {
    #[cfg(all(
        target_arch = "x86_64",
        not(all(target_feature = "avx2", target_feature = "fma"))
    ))]
    if runtime_avx2() {
        // SAFETY: the CPU and the OS support AVX2 and FMA (CPUID and XGETBV, just checked).
        unsafe { run_table_f32_avx2(plan, start, first_row, rows, out) };
        return;
    }
    plan.table_f32::<f64x4>(start, first_row, rows, out);
}

/// [`run_table_f32`] compiled for AVX2+FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(all(
    target_arch = "x86_64",
    not(all(target_feature = "avx2", target_feature = "fma"))
))]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_table_f32_avx2(
    plan: &Plan<'_>,
    start: f64,
    first_row: u64,
    rows: usize,
    out: &mut [f32],
) {
    plan.table_f32::<lanes::Avx2>(start, first_row, rows, out);
}

/// The kernel compiled for AVX2+FMA.
///
/// # Safety
/// The CPU must support AVX2 and FMA.
#[cfg(all(
    target_arch = "x86_64",
    not(all(target_feature = "avx2", target_feature = "fma"))
))]
#[target_feature(enable = "avx2,fma")]
unsafe fn run_avx2<T: Element>(
    plan: &Plan<'_>,
    mode: Mode,
    rows: usize,
    position: impl Fn(usize) -> f64,
    out: &mut [T],
) {
    plan.run::<lanes::Avx2, T>(mode, rows, position, out);
}

/// The vector path's name and instruction set, for [`crate::backend`].
pub(crate) fn name() -> &'static str {
    if runtime_avx2() {
        "vector (AVX2+FMA, chosen at run time)"
    } else if cfg!(all(target_feature = "avx2", target_feature = "fma")) {
        "vector (f64x4, AVX2+FMA)"
    } else if cfg!(target_feature = "avx") {
        "vector (f64x4, AVX)"
    } else if cfg!(target_feature = "sse2") {
        "vector (f64x4 as 2 x SSE2)"
    } else if cfg!(target_feature = "neon") {
        "vector (f64x4 as 2 x NEON)"
    } else {
        "vector (f64x4 emulated)"
    }
}

pub(crate) fn encode_row<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) {
    match Plan::new(enc) {
        Some(plan) => run(&plan, Mode::Write, 1, |_| position, out),
        None => scalar::encode_row(enc, position, out),
    }
}

pub(crate) fn encode_rows<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    rows: usize,
    out: &mut [T],
) {
    match (Plan::new(enc), T::as_row_mut(out)) {
        (Some(plan), RowMut::F32(out)) => run_table_f32(&plan, start, first_row, rows, out),
        (Some(plan), RowMut::F64(out)) => run(
            &plan,
            Mode::Write,
            rows,
            |t| row_position(start, first_row + t as u64),
            out,
        ),
        (None, _) => scalar::encode_rows(enc, start, first_row, rows, out),
    }
}

pub(crate) fn add_rows<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    rows: usize,
    inout: &mut [T],
) {
    match Plan::new(enc) {
        Some(plan) => run(
            &plan,
            Mode::Add,
            rows,
            |t| row_position(start, first_row + t as u64),
            inout,
        ),
        None => scalar::add_rows(enc, start, first_row, rows, inout),
    }
}

pub(crate) fn encode_positions<T: Element>(enc: &Encoding, positions: &[f64], out: &mut [T]) {
    match Plan::new(enc) {
        Some(plan) => run(&plan, Mode::Write, positions.len(), |t| positions[t], out),
        None => scalar::encode_positions(enc, positions, out),
    }
}
