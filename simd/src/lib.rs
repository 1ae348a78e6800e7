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
//! use posenc_simd::{Encoding, Positions, Rows, encode_positions, encode_row, encode_rows};
//!
//! let enc = Encoding::new(512)?;
//! let mut row = [0.0f32; 512];
//! encode_row(&enc, 100_000.0, &mut row)?;
//!
//! // Rows 99 998 .. 100 002 of the table that starts at position 0, checked once.
//! let rows = Rows::new(&enc, 0.0, 99_998, 4)?;
//! let mut block = [0.0f32; 4 * 512];
//! encode_rows(&rows, &mut block)?;
//! // Row 100 000 of the table: f32 tables are stepped by recurrence from exact anchors, so the
//! // bits may differ from the single row's, both within 2^-23 of the exact values.
//! for (a, b) in block[2 * 512..3 * 512].iter().zip(&row) {
//!     assert!((a - b).abs() <= 2.0 * 2f32.powi(-23));
//! }
//!
//! // An explicit list of positions: each row has the single row's bits.
//! let positions = Positions::new(&enc, &[100_000.0, 0.5])?;
//! let mut listed = [0.0f32; 2 * 512];
//! encode_positions(&positions, &mut listed)?;
//! assert_eq!(&listed[..512], &row[..]);
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
//! - `f32` tables ([`encode_rows`]): rows stepped by a recurrence in `f64` (one FMA per value) from rows
//!   evaluated directly at every [`ANCHOR_ROWS`]th global row index, several times cheaper per
//!   value; blocks of [`stream_bytes`] or more (a quarter of the L3 cache) are written with
//!   non-temporal stores (as `memset` does), so that they do not first read the memory they
//!   overwrite.
//!
//! ## `f16` and `bf16`
//! Every function takes [`f16`](struct@f16) and [`bf16`] slices too: the `f32` kernels write
//! a stack tile and its values are rounded once to the type (F16C and AVX2 conversions where the AVX2 backend
//! runs, [`Backend::convert_f32`]), within the SPEC's 2^−11 + 2^−23 and 2^−8 + 2^−23; RoPE
//! widens queries and keys to `f32`, rotates them and rounds once back.
//!
//! ```
//! use posenc_simd::{Encoding, Rows, encode_rows, f16};
//!
//! let enc = Encoding::new(64)?;
//! let rows = Rows::new(&enc, 0.0, 0, 100)?;
//! let mut table = vec![f16::ZERO; rows.values()];
//! encode_rows(&rows, &mut table)?;
//! let mut exact = [0.0f64; 64];
//! enc.encode(99.0, &mut exact)?;
//! for (h, e) in table[99 * 64..].iter().zip(&exact) {
//!     assert!((h.to_f64() - e).abs() <= 2f64.powi(-11) + 2f64.powi(-23));
//! }
//! # Ok::<(), posenc_simd::Error>(())
//! ```
//!
//! ## Backends
//! The crate-root functions run [`Backend::detect`], the best path of this build on this
//! machine. A [`Backend`] is a value naming one path ([`Backend::portable`],
//! [`Backend::vector`], [`Backend::avx2_fma`]) with the same four functions as methods, for
//! tests, audits and benchmarks that compare paths in one process:
//!
//! ```
//! use posenc_simd::{Backend, Encoding, Rows};
//!
//! let enc = Encoding::new(64)?;
//! let rows = Rows::new(&enc, 0.0, 0, 100)?;
//! let mut reference = vec![0.0f64; rows.values()];
//! Backend::portable().encode_rows(&rows, &mut reference)?;
//! for backend in [Backend::vector(), Backend::avx2_fma()].into_iter().flatten() {
//!     let mut fast = vec![0.0f64; rows.values()];
//!     backend.encode_rows(&rows, &mut fast)?;
//!     for (a, b) in fast.iter().zip(&reference) {
//!         assert!((a - b).abs() <= 1e-12, "{}", backend.name());
//!     }
//! }
//! # Ok::<(), posenc_simd::Error>(())
//! ```
//!
//! ## Features
//! - `scalar-math`: the vector code is not compiled and [`Backend::detect`] is the portable
//!   path (every value from [`posenc_core`], one row at a time), as glam's feature of that
//!   name: for audits, and targets where the vector code is not wanted.
#![no_std]
#![deny(missing_docs)]

mod backend;
mod convert;
pub mod fixed;
mod rope;
mod scalar;
mod tuning;
#[cfg(not(feature = "scalar-math"))]
mod vector;

pub use posenc_core::{
    Column, Element, Encoding, Error, Layout, Positions, Preset, Rows, bf16, f16, row_position,
};

pub use backend::Backend;
pub use tuning::{ANCHOR_ROWS, stream_bytes};

pub use posenc_core::{Llama3, LongRope, Pairing, Rope, RopeBuilder, RopePreset, Scaling, Yarn};
pub use rope::{
    CacheLayout, HeadLayout, PreparedRope, TokenPositions, check_rope_block, check_rope_cache,
    check_rope_heads, rope_apply, rope_apply_heads, rope_cache,
};

/// Writes the encoding of `position` into `out` (exactly `d_model` values), on
/// [`Backend::detect`].
///
/// # Errors
/// [`Error::BufferLength`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`].
#[inline]
pub fn encode_row<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
    Backend::detect().encode_row(enc, position, out)
}

/// Writes `rows` into `out` (exactly [`rows.values()`](Rows::values) values), on
/// [`Backend::detect`]: see [`Backend::encode_rows`].
///
/// # Errors
/// [`Error::BufferLength`] when `out` does not hold exactly the rows.
#[inline]
pub fn encode_rows<T: Element>(rows: &Rows<'_>, out: &mut [T]) -> Result<(), Error> {
    Backend::detect().encode_rows(rows, out)
}

/// Adds the values [`encode_rows`] would write to `inout` (`x + pe[rows]`), on
/// [`Backend::detect`]: see [`Backend::add_rows`].
///
/// # Errors
/// As [`encode_rows`].
#[inline]
pub fn add_rows<T: Element>(rows: &Rows<'_>, inout: &mut [T]) -> Result<(), Error> {
    Backend::detect().add_rows(rows, inout)
}

/// Writes one row per position of `positions` into `out`, on [`Backend::detect`]: see
/// [`Backend::encode_positions`].
///
/// # Errors
/// [`Error::BufferLength`] when `out` has not exactly one row per position.
#[inline]
pub fn encode_positions<T: Element>(positions: &Positions<'_>, out: &mut [T]) -> Result<(), Error> {
    Backend::detect().encode_positions(positions, out)
}
