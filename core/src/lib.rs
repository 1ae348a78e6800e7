//! # posenc-core: the reference for sinusoidal positional encodings
//!
//! The sinusoidal positional encoding of Transformers,
//! `PE(pos, 2i) = sin(pos / 10000^(2i/d))`, `PE(pos, 2i+1) = cos(pos / 10000^(2i/d))`,
//! in its three layouts, with the rotation R(b) that turns PE(a) into PE(a + b).
//!
//! This crate is the specification in code. It is `#![no_std]`, needs no allocator and depends
//! on `libm` alone, so it runs on microcontrollers; the SIMD and parallel crates of the workspace
//! are checked against it.
//!
//! ## Why use this crate?
//! Most implementations form the angle `pos · ω` in `f32`. Its rounding error is `|θ|·2^−24`:
//! 0.006 at position 100 000, and no correct digit at all by 10^7. posenc forms the angle
//! with about 106 bits and rounds once, so every `f32` it writes is correctly rounded or next to
//! it (within 2^−24 of the exact value) for every `|c·p| ≤ 2^24`, every layout, base up to 10^7
//! and `d_model` up to 65 536; `f64` outputs are within 2^−48·(1 + |θ|).
//!
//! ## Example
//! ```
//! use posenc_core::{Encoding, Layout, Preset};
//!
//! // The paper's encoding, one position into a caller's buffer: no allocation.
//! let enc = Encoding::new(512)?;
//! let mut row = [0.0f32; 512];
//! enc.encode(42.0, &mut row)?;
//!
//! // R(b) advances a row by b positions.
//! let mut moved = [0.0f64; 512];
//! enc.encode(40.0, &mut moved)?;
//! enc.rotate(2.0, &mut moved)?;
//! assert!((moved[0] as f32 - row[0]).abs() < 1e-6);
//!
//! // Other libraries' conventions by name.
//! let whisper = Preset::Whisper.encoding(384)?;
//! assert_eq!(whisper.layout(), Layout::SplitSinCos);
//!
//! // Bad input is an error value, never a panic or a NaN.
//! assert!(Encoding::builder(512).base(1.0).build().is_err());
//! assert!(enc.encode(f64::INFINITY, &mut row).is_err());
//! # Ok::<(), posenc_core::Error>(())
//! ```
//!
//! ## What is in it
//! - [`Encoding`], built by [`Encoding::new`], [`Encoding::builder`] or a [`Preset`]: a validated
//!   configuration of `d_model`, base, [`Layout`], shift and scale.
//! - [`Encoding::encode`] writes one row into `&mut [f32]`, `&mut [f64]`, `&mut [f16]`
//!   or `&mut [bf16]` ([`Element`]; the reduced types rounded once from `f64`);
//!   [`Encoding::value`] gives one column; [`Encoding::frequency`] and [`Encoding::angle`] one pair.
//! - [`Encoding::rotate`] applies R(b) in place.
//! - [`Rows`] and [`Positions`]: the rows of a table (a range of row indices, or a list of
//!   positions), checked once, for the crates that write many rows.
//! - [`exact`]: the error-free arithmetic (Veltkamp, Dekker, Knuth) the angles are formed with.
//! - [`Rope`], rotary position embeddings, built by [`Rope::builder`] or a [`RopePreset`]:
//!   [`Pairing`], partial rotary, every [`Scaling`] of the SPEC ([`Yarn`], [`Llama3`],
//!   [`LongRope`] with borrowed factor lists), the attention factor; [`Rope::apply`] and
//!   [`Rope::apply_heads`] rotate in place, [`Rope::cache_row`] writes one cache row.
//! - [`Error`], the one error type, with `Display` and `core::error::Error`.
#![no_std]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

#[macro_use]
mod named;
#[macro_use]
mod setters;

mod angle;
mod element;
mod encode;
mod encoding;
mod error;
pub mod exact;
mod layout;
mod preset;
mod rope;
mod rotation;
mod rows;

pub use element::{Element, Row, RowMut};
pub use encoding::{DEFAULT_BASE, Encoding, EncodingBuilder};
pub use error::Error;
/// The reduced-precision element types, IEEE binary16 and bfloat16, of the `half` crate.
pub use half::{bf16, f16};
pub use layout::{Column, Columns, Layout};
pub use preset::Preset;
pub use rope::{Llama3, LongRope, Pairing, Rope, RopeBuilder, RopePreset, Scaling, Yarn};
pub use rows::{Positions, Rows, row_position};

// The README's examples are compiled and run as doctests, so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
