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
//! - `recurrence`: `f32` tables stepped by `x_{j+1} = 2cos φ·x_j − x_{j−1}` from anchors every
//!   64th row.
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
//! | `f32` tables only: 63 recurrence steps at most (see `recurrence`) | 2^−41 |
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

/// `unsafe fn $name`, a generic kernel compiled for AVX2+FMA, where the build does not target
/// them and `dispatch` may choose it at run time.
macro_rules! avx2_fma {
    ($(#[$doc:meta])* fn $name:ident $($signature_and_body:tt)*) => {
        #[cfg(all(
            target_arch = "x86_64",
            not(all(target_feature = "avx2", target_feature = "fma"))
        ))]
        $(#[$doc])*
        ///
        /// # Safety
        /// The CPU must support AVX2 and FMA.
        #[target_feature(enable = "avx2,fma")]
        unsafe fn $name $($signature_and_body)*
    };
}
pub(crate) use avx2_fma;

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
mod reduced;
pub(crate) mod rope_kernel;
mod rope_lanes;
mod sincos;
mod sincos32;
mod stream;

use posenc_core::{Element, Encoding, Positions, RowMut, Rows};
use wide::f64x4;

use crate::convert::Convert;
use crate::scalar;
use kernel::{Mode, Plan};

/// The lanes the kernel runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Isa {
    /// `wide`'s `f64x4`, for the instruction set the crate was compiled for.
    Wide,
    /// AVX2+FMA registers, chosen at run time. Made only by [`Isa::avx2_fma`], after CPUID and
    /// XGETBV said the CPU and the OS support them: that is what makes its kernels safe to call.
    #[cfg(all(
        target_arch = "x86_64",
        not(all(target_feature = "avx2", target_feature = "fma"))
    ))]
    Avx2,
}

impl Isa {
    /// The best lanes of this machine (the CPU is asked once, then the answer is cached).
    #[inline]
    pub(crate) fn detect() -> Isa {
        Isa::avx2_fma().unwrap_or(Isa::Wide)
    }

    /// Lanes that run AVX2 and FMA instructions, if this build and machine have them: `wide`'s
    /// own where the build targets AVX2+FMA, the run-time ones where the CPU has them.
    #[inline]
    pub(crate) fn avx2_fma() -> Option<Isa> {
        #[cfg(all(
            target_arch = "x86_64",
            not(all(target_feature = "avx2", target_feature = "fma"))
        ))]
        return dispatch::avx2_fma().then_some(Isa::Avx2);
        #[cfg(not(all(
            target_arch = "x86_64",
            not(all(target_feature = "avx2", target_feature = "fma"))
        )))]
        return cfg!(all(target_feature = "avx2", target_feature = "fma")).then_some(Isa::Wide);
    }

    /// The lanes' name and instruction set.
    pub(crate) fn name(self) -> &'static str {
        match self {
            #[cfg(all(
                target_arch = "x86_64",
                not(all(target_feature = "avx2", target_feature = "fma"))
            ))]
            Isa::Avx2 => "vector (AVX2+FMA, chosen at run time)",
            Isa::Wide if cfg!(all(target_feature = "avx2", target_feature = "fma")) => {
                "vector (f64x4, AVX2+FMA)"
            }
            Isa::Wide if cfg!(target_feature = "avx") => "vector (f64x4, AVX)",
            Isa::Wide if cfg!(target_feature = "sse2") => "vector (f64x4 as 2 x SSE2)",
            Isa::Wide if cfg!(target_feature = "neon") => "vector (f64x4 as 2 x NEON)",
            Isa::Wide => "vector (f64x4 emulated)",
        }
    }

    /// How blocks of `f32` are converted to `f16`/`bf16` with these lanes: F16C (and AVX2
    /// for `bf16`) where the CPU has it with AVX2+FMA, portable code otherwise.
    #[inline]
    pub(crate) fn convert(self) -> Convert {
        match self {
            #[cfg(all(
                target_arch = "x86_64",
                not(all(target_feature = "avx2", target_feature = "fma"))
            ))]
            Isa::Avx2 if dispatch::f16c() => Convert::F16c,
            #[cfg(all(
                target_arch = "x86_64",
                target_feature = "avx2",
                target_feature = "fma",
                target_feature = "f16c"
            ))]
            Isa::Wide => Convert::F16c,
            _ => Convert::Scalar,
        }
    }

    /// Runs the kernel on these lanes.
    #[inline(always)]
    fn run<T: Element>(
        self,
        plan: &Plan<'_>,
        mode: Mode,
        rows: usize,
        position: impl Fn(usize) -> f64,
        out: &mut [T],
    ) {
        match self {
            #[cfg(all(
                target_arch = "x86_64",
                not(all(target_feature = "avx2", target_feature = "fma"))
            ))]
            // SAFETY: an `Isa::Avx2` exists only where the CPU and the OS support AVX2 and FMA.
            Isa::Avx2 => unsafe { run_avx2(plan, mode, rows, position, out) },
            Isa::Wide => plan.run::<f64x4, T>(mode, rows, position, out),
        }
    }

    /// `f32` table rows by rotation (see `recurrence`) on these lanes.
    #[inline(always)]
    fn table_f32(self, plan: &Plan<'_>, rows: &Rows<'_>, out: &mut [f32]) {
        match self {
            #[cfg(all(
                target_arch = "x86_64",
                not(all(target_feature = "avx2", target_feature = "fma"))
            ))]
            // SAFETY: an `Isa::Avx2` exists only where the CPU and the OS support AVX2 and FMA.
            Isa::Avx2 => unsafe { table_f32_avx2(plan, rows, out) },
            Isa::Wide => plan.table_f32::<f64x4>(rows, out),
        }
    }

    /// One row; validated by the caller.
    pub(crate) fn encode_row<T: Element>(self, enc: &Encoding, position: f64, out: &mut [T]) {
        match Plan::new(enc) {
            Some(plan) if reduced::direct(self, &plan, Mode::Write, 1, |_| position, out) => {}
            Some(plan) => self.run(&plan, Mode::Write, 1, |_| position, out),
            None => scalar::encode_row(enc, position, out),
        }
    }

    /// Validated rows into a buffer of their length.
    pub(crate) fn encode_rows<T: Element>(self, rows: &Rows<'_>, out: &mut [T]) {
        match (Plan::new(rows.encoding()), T::as_row_mut(out)) {
            (Some(plan), RowMut::F32(out)) => self.table_f32(&plan, rows, out),
            (Some(plan), RowMut::F16(out)) => reduced::table(self, &plan, rows, out),
            (Some(plan), RowMut::Bf16(out)) => reduced::table(self, &plan, rows, out),
            (Some(plan), RowMut::F64(out)) => {
                self.run(&plan, Mode::Write, rows.len(), |t| rows.position(t), out);
            }
            (None, _) => scalar::encode_rows(rows, out),
        }
    }

    /// Validated rows added to a buffer of their length.
    pub(crate) fn add_rows<T: Element>(self, rows: &Rows<'_>, inout: &mut [T]) {
        let position = |t| rows.position(t);
        match Plan::new(rows.encoding()) {
            Some(plan) if reduced::direct(self, &plan, Mode::Add, rows.len(), position, inout) => {}
            Some(plan) => self.run(&plan, Mode::Add, rows.len(), position, inout),
            None => scalar::add_rows(rows, inout),
        }
    }

    /// Validated positions into a buffer of their length.
    pub(crate) fn encode_positions<T: Element>(self, positions: &Positions<'_>, out: &mut [T]) {
        let list = positions.as_slice();
        match Plan::new(positions.encoding()) {
            Some(plan)
                if reduced::direct(self, &plan, Mode::Write, list.len(), |t| list[t], out) => {}
            Some(plan) => self.run(&plan, Mode::Write, list.len(), |t| list[t], out),
            None => scalar::encode_positions(positions, out),
        }
    }
}

avx2_fma! {
    /// The kernel compiled for AVX2+FMA.
    fn run_avx2<T: Element>(
        plan: &Plan<'_>,
        mode: Mode,
        rows: usize,
        position: impl Fn(usize) -> f64,
        out: &mut [T],
    ) {
        plan.run::<lanes::Avx2, T>(mode, rows, position, out);
    }
}

avx2_fma! {
    /// `f32` table rows by rotation compiled for AVX2+FMA.
    fn table_f32_avx2(plan: &Plan<'_>, rows: &Rows<'_>, out: &mut [f32]) {
        plan.table_f32::<lanes::Avx2>(rows, out);
    }
}
