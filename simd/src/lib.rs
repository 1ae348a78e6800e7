//! # posenc-simd: the fast single-thread path
//!
//! Encodes rows of the sinusoidal positional encoding with SIMD across the dimensions of a
//! row, as accurate as the SPEC asks of every backend, checked against [`posenc_core`] and the
//! SPEC's golden file.
//!
//! `#![no_std]`, no allocation. Every function validates its input and returns
//! `Result<_, Error>`; none panics.
//!
//! ```
//! use posenc_simd::{Encoding, encode_row, encode_rows};
//!
//! let enc = Encoding::new(512)?;
//! let mut row = [0.0f32; 512];
//! encode_row(&enc, 100_000.0, &mut row)?;
//!
//! // Rows start + first_row .. start + first_row + 4 of a table.
//! let mut block = [0.0f32; 4 * 512];
//! encode_rows(&enc, 0.0, 99_998, &mut block)?;
//! // Row 100 000 of the table: f32 tables are stepped by rotation from exact anchors, so the
//! // bits may differ from the single row's, both within 2^-23 of the exact values.
//! for (a, b) in block[2 * 512..3 * 512].iter().zip(&row) {
//!     assert!((a - b).abs() <= 2.0 * 2f32.powi(-23));
//! }
//! # Ok::<(), posenc_simd::Error>(())
//! ```
//!
//! ## Why use this crate?
//! Fast sinusoidal encodings usually form the angle `pos · ω` in `f32` and call a vectorised
//! `sin` of unspecified precision: off by `|θ|·2^−24`, useless by position 10^6. Here every angle
//! is formed and reduced in `f64` by our own vectorised `exp` (for ω) and `sin`/`cos`, so every
//! `f32` value is within 2^−23 of the exact one and every `f64` value within
//! 2^−48·(1 + |θ|), for `|c·p| ≤ 2^24`, every layout, base up to 10^7 and `d_model` up to
//! 65 536. The error budget is in the `vector` module's source docs; the tests print the worst
//! error per layout against the golden file.
//!
//! ## Speed, and what to enable
//! Nothing. On x86-64 the crate asks the CPU once (CPUID) and runs its kernel on AVX2+FMA
//! registers where they exist, on SSE2 (`wide`'s lanes) elsewhere; the speed does not depend on
//! `RUSTFLAGS`, and a binary built for the baseline CPU stays portable. Building with
//! `-C target-cpu=native` (or `target-feature=+avx2,+fma`) compiles `wide` itself for AVX2+FMA
//! and skips the check, for the same speed. Other targets (aarch64, wasm32, thumbv7em) use
//! `wide`'s lanes for the target as built.
//!
//! - One row ([`encode_row`], [`encode_positions`]): every pair evaluated directly.
//! - `f32` tables ([`encode_rows`]): rows stepped by the rotation R(1) in `f64` from rows
//!   evaluated directly at every 64th global row index, several times cheaper per value; blocks
//!   of 16 MiB or more are written with non-temporal stores (as `memset` does), so that they do
//!   not first read the memory they overwrite.
//!
//! ## Features
//! - `scalar-math`: the crate-root functions take the portable path (every value from
//!   [`posenc_core`], one row at a time), as glam's feature of that name: for audits, and
//!   targets where the vector code is not wanted. [`portable`] is that path in every build, so
//!   that one test build checks both.
#![no_std]
#![deny(missing_docs)]

mod block;
#[cfg(not(feature = "scalar-math"))]
mod exact;
pub mod portable;
mod rope;
mod scalar;
#[cfg(not(feature = "scalar-math"))]
mod vector;

#[cfg(feature = "scalar-math")]
use scalar as backend;
#[cfg(not(feature = "scalar-math"))]
use vector as backend;

pub use posenc_core::{Column, Element, Encoding, Error, Layout, Preset};

pub use block::{check_block, check_positions, row_position};
pub use posenc_core::{Llama3, LongRope, Pairing, Rope, RopeBuilder, RopePreset, Scaling, Yarn};
pub use rope::{
    CacheLayout, HeadLayout, Positions, PreparedRope, check_rope_block, check_rope_cache,
    check_rope_heads, rope_apply, rope_apply_heads, rope_cache,
};

/// The path the crate-root functions take in this build on this machine: `"portable"` with the
/// `scalar-math` feature, otherwise the vector path and the instruction set it runs on.
#[must_use]
pub fn backend() -> &'static str {
    #[cfg(feature = "scalar-math")]
    return "portable (scalar-math)";
    #[cfg(not(feature = "scalar-math"))]
    return vector::name();
}

/// Makes the vector path use `wide`'s lanes (the instruction set the crate was compiled for)
/// from now on, even where AVX2+FMA was found at run time: for tests and benchmarks that
/// compare the two, in a process of their own. Results stay within the same bounds, but their
/// last bits may change (FMA rounds once), so call it before any encoding whose bits matter.
#[doc(hidden)]
pub fn disable_runtime_dispatch() {
    #[cfg(all(
        target_arch = "x86_64",
        not(feature = "scalar-math"),
        not(all(target_feature = "avx2", target_feature = "fma"))
    ))]
    vector::disable_runtime_dispatch();
}

/// Writes the encoding of `position` into `out` (exactly `d_model` values).
///
/// # Errors
/// [`Error::BufferLength`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`].
pub fn encode_row<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
    enc.check_row(out.len())?;
    enc.check_position(position)?;
    backend::encode_row(enc, position, out);
    Ok(())
}

/// Writes rows `first_row .. first_row + out.len() / d_model` of the table whose row `k` is at
/// position [`row_position`]`(start, k)` into `out`, row after row.
///
/// Every row's values depend only on the encoding, `start` and the row's index `k`, never on
/// where a block starts or ends: a table written in blocks of any sizes is bit-identical to the
/// table written in one call. This is the kernel the parallel crate runs per chunk.
///
/// `f32` tables on the vector path are stepped by the rotation R(1) in `f64` from rows
/// evaluated directly at every 64th GLOBAL row index (`k % 64 == 0`), which is several times
/// faster; each value is within 2^−23 of exact like every other, but may differ in its last bit
/// from [`encode_row`] at the same position. `f64` tables are evaluated row by row, with the
/// bits of [`encode_row`].
///
/// # Errors
/// [`Error::NotWholeRows`] when `out.len()` is not a multiple of `d_model`;
/// [`Error::NonFinitePosition`] or [`Error::AngleOverflow`] when a row's position is not usable;
/// [`Error::PositionRangeOverflow`] when the row indices pass `u64::MAX`.
pub fn encode_rows<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    out: &mut [T],
) -> Result<(), Error> {
    let rows = block::check_block(enc, start, first_row, out.len())?;
    backend::encode_rows(enc, start, first_row, rows, out);
    Ok(())
}

/// Adds the rows that [`encode_rows`] would write to `inout` (`x + pe[first_row..]`), for
/// embeddings shaped `[rows, d_model]`.
///
/// The encoding is evaluated row by row in `f64` (never stepped), added in `f64` and rounded once.
///
/// # Errors
/// As [`encode_rows`].
pub fn add_rows<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    inout: &mut [T],
) -> Result<(), Error> {
    let rows = block::check_block(enc, start, first_row, inout.len())?;
    backend::add_rows(enc, start, first_row, rows, inout);
    Ok(())
}

/// Writes one row per position of `positions` into `out` (`positions.len() · d_model` values),
/// for fractional timesteps and other explicit position lists.
///
/// # Errors
/// [`Error::BufferLength`] when `out` has not exactly one row per position;
/// [`Error::NonFinitePosition`] or [`Error::AngleOverflow`] for the first bad position (then
/// `out` is untouched).
pub fn encode_positions<T: Element>(
    enc: &Encoding,
    positions: &[f64],
    out: &mut [T],
) -> Result<(), Error> {
    block::check_positions(enc, positions, out.len())?;
    backend::encode_positions(enc, positions, out);
    Ok(())
}
