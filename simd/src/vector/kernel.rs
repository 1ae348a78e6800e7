//! Rows in tiles, frequencies in chunks: ω is computed once per chunk and tile, then every row
//! of the tile turns it into sines and cosines, which go to the row's columns in its layout.
//!
//! Every value depends only on the encoding and its row's position: lanes are independent,
//! so neither the tile a row falls in nor the lane a pair falls in changes a bit. That is what
//! lets the parallel crate cut a table anywhere.

use core::mem::MaybeUninit;

use posenc_core::{Columns, Element, Encoding, Layout, RowMut, Rows};

use super::frequency::{Exponent, Frequencies};
use super::lanes::Lanes;
use super::lanes32::Lanes32;
use super::recurrence;
use super::sincos::{MAX_ANGLE, sin_cos};
use super::sincos32;
use crate::scalar;

/// Pairs per chunk: ω' of this many pairs is made before any row uses it (a stack array of
/// this many `f64`), so that the latency chains of its `exp`s (one per 64 pairs) overlap rather
/// than stall each chunk; 256 covers a row of `d_model` 512 at once. Smaller where stacks are.
#[cfg(target_pointer_width = "64")]
const CHUNK: usize = 256;
#[cfg(not(target_pointer_width = "64"))]
const CHUNK: usize = 64;
const VECTORS: usize = CHUNK / 4;
/// Pairs per run of the general path (two stack arrays of this many `f64`).
const SCRATCH: usize = 64;
/// Rows per tile: ω's cost is shared by this many rows.
const TILE: usize = 32;

/// Whether the values are written or added to what is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Add,
}

/// One encoding's parameters for the vector path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan<'a> {
    enc: &'a Encoding,
    exponent: Exponent,
}

impl<'a> Plan<'a> {
    /// `None` where the vector path does not apply to this encoding.
    pub(crate) fn new(enc: &'a Encoding) -> Option<Plan<'a>> {
        Exponent::new(enc).map(|exponent| Plan { enc, exponent })
    }

    /// The encoding's `d_model`.
    pub(crate) fn d_model(&self) -> usize {
        self.enc.d_model()
    }

    /// Rows `0..rows` of `out` (`rows · d_model` values), row `t` at `position(t)`, on lanes `L`.
    #[inline(always)]
    pub(crate) fn run<L: Lanes, T: Element>(
        &self,
        mode: Mode,
        rows: usize,
        position: impl Fn(usize) -> f64,
        out: &mut [T],
    ) {
        let d = self.enc.d_model();
        let freq = Frequencies::<L>::new(self.exponent);
        for (tile_index, tile) in out[..rows * d].chunks_mut(TILE * d).enumerate() {
            let first = tile_index * TILE;
            let tile_rows = tile.len() / d;
            let mut scaled = [0.0f64; TILE];
            for (t, cp) in scaled.iter_mut().enumerate().take(tile_rows) {
                *cp = self.enc.scale() * position(first + t);
            }
            self.tile(&freq, mode, &scaled[..tile_rows], tile);
            // Rows whose angles the vector reduction does not cover go through the core.
            for (t, row) in tile.chunks_exact_mut(d).enumerate() {
                if !in_vector_range(scaled[t]) {
                    let p = position(first + t);
                    match mode {
                        Mode::Write => scalar::encode_row(self.enc, p, row),
                        Mode::Add => scalar::add_row(self.enc, p, row),
                    }
                }
            }
        }
    }

    /// `f32` table rows by rotation from anchors (see `recurrence`); periods out of the
    /// vector range are written directly, row by row.
    #[inline(always)]
    pub(crate) fn table_f32<L: Lanes>(&self, rows: &Rows<'_>, out: &mut [f32]) {
        recurrence::table_f32::<L>(self.exponent, rows, out, |chunk, tile| {
            self.run::<L, f32>(Mode::Write, chunk.len(), |t| chunk.position(t), tile);
        });
    }

    #[inline(always)]
    fn tile<L: Lanes, T: Element>(
        &self,
        freq: &Frequencies<L>,
        mode: Mode,
        scaled: &[f64],
        tile: &mut [T],
    ) {
        let (d, n) = (self.enc.d_model(), self.enc.pairs());
        let short = T::MANTISSA_BITS <= 24;
        // Not zeroed first (that was a fifth of a 512-column row's time): the slots each chunk
        // uses are written before they are read.
        let mut slots = [MaybeUninit::<L>::uninit(); VECTORS];
        for first_pair in (0..n).step_by(CHUNK) {
            let len = CHUNK.min(n - first_pair);
            let vectors = len.div_ceil(4);
            // 64 pairs at a time, or 16 for a last short group.
            let mut filled = 0;
            for part in slots.chunks_exact_mut(16) {
                if filled >= vectors {
                    break;
                }
                if vectors - filled > 4 {
                    freq.omega64(first_pair + 4 * filled, part);
                    filled += 16;
                } else {
                    freq.omega16(first_pair + 4 * filled, &mut part[..4]);
                    filled += 4;
                }
            }
            // SAFETY: slots `..filled` were just written (omega64 writes 16, omega16 4), and
            // `MaybeUninit<L>` has the layout of `L`.
            let omega: &[L] = unsafe { core::slice::from_raw_parts(slots.as_ptr().cast(), filled) };
            for (&cp, row) in scaled.iter().zip(tile.chunks_exact_mut(d)) {
                if !in_vector_range(cp) {
                    continue;
                }
                let cp = L::splat(cp);
                let fast = match (mode, T::as_row_mut(row)) {
                    (Mode::Write, RowMut::F32(row)) if L::NARROW_FUSED => {
                        self.write_f32(first_pair, len, omega, cp, row);
                        true
                    }
                    (Mode::Write, RowMut::F32(row)) => self.write_direct(
                        first_pair,
                        len,
                        omega,
                        cp,
                        row,
                        L::to_f32,
                        L::interleave_f32,
                    ),
                    (Mode::Write, RowMut::F64(row)) => self.write_direct(
                        first_pair,
                        len,
                        omega,
                        cp,
                        row,
                        |v: L| {
                            let mut out = [0.0; 4];
                            v.store(&mut out);
                            out
                        },
                        L::interleave_f64,
                    ),
                    _ => false,
                };
                if fast {
                    continue;
                }
                // Only here: zeroing them costs where the fast paths above do not need them.
                let mut sin = [[0.0f64; 4]; SCRATCH / 4];
                let mut cos = [[0.0f64; 4]; SCRATCH / 4];
                for (run, omega) in omega[..vectors].chunks(SCRATCH / 4).enumerate() {
                    for ((&w, s), c) in omega.iter().zip(&mut sin).zip(&mut cos) {
                        let (sv, cv) = if short {
                            sin_cos::<L, true>(cp * w)
                        } else {
                            sin_cos::<L, false>(cp * w)
                        };
                        sv.store(s);
                        cv.store(c);
                    }
                    let at = SCRATCH * run;
                    let run_len = SCRATCH.min(len - at);
                    let sin = &sin.as_flattened()[..run_len];
                    let cos = &cos.as_flattened()[..run_len];
                    self.emit(mode, first_pair + at, sin, cos, &mut *row);
                }
            }
        }
        if self.enc.layout() != Layout::Interleaved && !d.is_multiple_of(2) {
            for row in tile.chunks_exact_mut(d) {
                if let Columns::Split { pad, .. } = self.enc.layout().columns(row) {
                    pad.iter_mut().for_each(|p| put(mode, p, 0.0));
                }
            }
        }
    }

    /// Writes the `f32` values of pairs `first_pair..first_pair + len` by the `f32`
    /// polynomials of `sincos32`, eight pairs at a time, straight from the registers where
    /// eight pairs' columns are there to take them.
    #[inline(always)]
    fn write_f32<L: Lanes>(
        &self,
        first_pair: usize,
        len: usize,
        omega: &[L],
        cp: L,
        row: &mut [f32],
    ) {
        // Loops over pairs of ω vectors rather than a `map` over them: closures would not
        // inherit the caller's target features.
        match self.enc.layout().columns(row).run(first_pair, len) {
            // The lone last sine of an odd row is in the last, partial, chunk.
            Columns::Interleaved(columns) => {
                let mut whole = columns.chunks_exact_mut(16);
                let mut omega = omega.chunks_exact(2);
                for (out, w) in (&mut whole).zip(&mut omega) {
                    let (s, c) = sincos32::sin_cos(cp, [w[0], w[1]]);
                    if let Ok(out) = <&mut [f32; 16]>::try_from(out) {
                        L::Narrow::store_interleaved(s, c, out);
                    }
                }
                let out = whole.into_remainder();
                if let (false, Some(w)) = (out.is_empty(), omega.next()) {
                    let (s, c) = sincos32::sin_cos(cp, [w[0], w[1]]);
                    let mut all = [0.0; 16];
                    L::Narrow::store_interleaved(s, c, &mut all);
                    out.copy_from_slice(&all[..out.len()]);
                }
            }
            Columns::Split { sin, cos, .. } => {
                let runs = sin.chunks_mut(8).zip(cos.chunks_mut(8));
                for ((sin, cos), w) in runs.zip(omega.chunks_exact(2)) {
                    let (s, c) = sincos32::sin_cos(cp, [w[0], w[1]]);
                    store_f32(s, sin);
                    store_f32(c, cos);
                }
            }
        }
    }

    /// Writes a chunk of whole vectors straight from the registers, for a row of `f32` or
    /// `f64` (`E`); `false` (nothing written) when the chunk ends in a partial vector or the
    /// lone sine of an odd row, which the general [`emit`](Self::emit) handles.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn write_direct<L: Lanes, E: Copy, const N4: usize, const N8: usize>(
        &self,
        first_pair: usize,
        len: usize,
        omega: &[L],
        cp: L,
        row: &mut [E],
        four: impl Fn(L) -> [E; N4],
        eight: impl Fn(L, L) -> [E; N8],
    ) -> bool {
        let short = size_of::<E>() == 4;
        if !len.is_multiple_of(4) {
            return false;
        }
        let vectors = len / 4;
        match self.enc.layout().columns(row).run(first_pair, len) {
            Columns::Interleaved(columns) => {
                if columns.len() != 2 * len {
                    return false;
                }
                for (&w, out) in omega.iter().zip(columns.chunks_exact_mut(8)).take(vectors) {
                    let (s, c) = if short {
                        sin_cos::<L, true>(cp * w)
                    } else {
                        sin_cos::<L, false>(cp * w)
                    };
                    out.copy_from_slice(&eight(s, c));
                }
            }
            Columns::Split { sin, cos, .. } => {
                let runs = sin.chunks_exact_mut(4).zip(cos.chunks_exact_mut(4));
                for (&w, (sin, cos)) in omega.iter().zip(runs).take(vectors) {
                    let (s, c) = if short {
                        sin_cos::<L, true>(cp * w)
                    } else {
                        sin_cos::<L, false>(cp * w)
                    };
                    sin.copy_from_slice(&four(s));
                    cos.copy_from_slice(&four(c));
                }
            }
        }
        true
    }

    /// Writes the sines and cosines of pairs `first_pair..first_pair + sin.len()` to `row`.
    #[inline(always)]
    fn emit<T: Element>(
        &self,
        mode: Mode,
        first_pair: usize,
        sin: &[f64],
        cos: &[f64],
        row: &mut [T],
    ) {
        let len = sin.len();
        match self.enc.layout().columns(row).run(first_pair, len) {
            Columns::Interleaved(columns) => {
                let mut pairs = columns.chunks_exact_mut(2);
                for ((out, &s), &c) in (&mut pairs).zip(sin).zip(cos) {
                    put(mode, &mut out[0], s);
                    put(mode, &mut out[1], c);
                }
                // The lone last sine of an odd row.
                if let ([lone], Some(&s)) = (pairs.into_remainder(), sin.last()) {
                    put(mode, lone, s);
                }
            }
            Columns::Split {
                sin: sin_out,
                cos: cos_out,
                ..
            } => {
                for (out, &s) in sin_out.iter_mut().zip(sin) {
                    put(mode, out, s);
                }
                for (out, &c) in cos_out.iter_mut().zip(cos) {
                    put(mode, out, c);
                }
            }
        }
    }
}

/// Writes the first `out.len()` (at most 8) lanes of `values` to `out`.
#[inline(always)]
fn store_f32<S: Lanes32>(values: S, out: &mut [f32]) {
    if let Ok(out) = <&mut [f32; 8]>::try_from(&mut *out) {
        values.store(out);
    } else {
        let mut all = [0.0; 8];
        values.store(&mut all);
        out.copy_from_slice(&all[..out.len()]);
    }
}

/// Whether a row's `c·p` is within the vector reduction's range.
#[inline(always)]
fn in_vector_range(scaled: f64) -> bool {
    scaled.abs() <= MAX_ANGLE
}

/// Writes `value`, or adds it in `f64` and rounds once.
#[inline(always)]
fn put<T: Element>(mode: Mode, out: &mut T, value: f64) {
    *out = match mode {
        Mode::Write => T::from_f64(value),
        Mode::Add => T::from_f64(out.to_f64() + value),
    };
}
