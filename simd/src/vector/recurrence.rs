//! `f32` tables by rotation: row `k + 1` is R(1)·row `k`, per pair
//! `sin(θ + φ) = sin θ·cos φ + cos θ·sin φ`, `cos(θ + φ) = cos θ·cos φ − sin θ·sin φ` with
//! `φ = c·ω_i`, in `f64`: two multiplications and two FMAs per four pairs instead of a reduction
//! and two polynomials.
//!
//! Anchors: every row whose GLOBAL index `k` is a multiple of [`PERIOD`] is evaluated directly
//! (the `f64` polynomials), and rows `k+1 … k+PERIOD−1` are stepped from it. A row's bits depend
//! only on the encoding, `start` and `k` (its anchor is `k − k mod PERIOD`, however the table is
//! cut into blocks), so tables written in any blocks, by any number of threads, are identical.
//! They are not the bits of [`encode_row`](crate::encode_row) at the same position, which
//! evaluates directly: both are within the `f32` bound of the exact value.
//!
//! # Accuracy
//! The anchor and R(1) are within about 2^−52 (plus ω's relative error times the angle, as for
//! every row); each step adds at most about 3·2^−53 to each value and turns the angle error of
//! R(1) into `j` times it, `j < PERIOD`. With PERIOD = 64 the stepping adds below 2^−44, and the
//! angle is `θ_anchor + j·φ`, whose error is ω's relative error times `|θ|` as before: the `f32`
//! error budget of the direct path (about 0.4 of 2^−23) is unchanged to 2^−40. `f64` output is
//! never stepped: 64 steps would cost up to 2^−45, more than its bound allows at small angles.

use posenc_core::{Encoding, Layout};

use super::frequency::{Exponent, Frequencies};
use super::lanes::Lanes;
use super::sincos::{MAX_ANGLE, sin_cos};
use crate::block::row_position;

/// Rows per anchor.
pub(crate) const PERIOD: u64 = 64;

/// Pairs per chunk: ω and R(1) for this many at a time, on the stack.
const CHUNK: usize = 64;
const VECTORS: usize = CHUNK / 4;

/// Rows `first_row..first_row + rows` of the `f32` table at `start`. Periods whose rows'
/// angles leave the vector range go through `direct` instead (rows `k..end` into the slice).
#[inline(always)]
pub(crate) fn table_f32<L: Lanes>(
    enc: &Encoding,
    exponent: Exponent,
    start: f64,
    first_row: u64,
    rows: usize,
    out: &mut [f32],
    mut direct: impl FnMut(u64, &mut [f32]),
) {
    let d = enc.d_model();
    let freq = Frequencies::<L>::new(exponent);
    let end = first_row + rows as u64;
    let mut k = first_row;
    let mut rest = &mut out[..rows * d];
    while k < end {
        let anchor = k - k % PERIOD;
        let period_end = end.min(anchor.saturating_add(PERIOD));
        let (tile, tail) = rest.split_at_mut((period_end - k) as usize * d);
        rest = tail;
        let scaled_anchor = enc.scale() * row_position(start, anchor);
        let scaled_last = enc.scale() * row_position(start, anchor + PERIOD - 1);
        if scaled_anchor.abs() <= MAX_ANGLE && scaled_last.abs() <= MAX_ANGLE {
            let skip = (k - anchor) as usize;
            period::<L>(enc, &freq, scaled_anchor, skip, tile);
        } else {
            direct(k, tile);
        }
        if enc.layout() != Layout::Interleaved && !d.is_multiple_of(2) {
            for row in tile.chunks_exact_mut(d) {
                row[d - 1] = 0.0;
            }
        }
        k = period_end;
    }
}

/// The rows of one period from row `skip` of the period on (the anchor is row 0).
#[inline(always)]
fn period<L: Lanes>(
    enc: &Encoding,
    freq: &Frequencies<L>,
    scaled_anchor: f64,
    skip: usize,
    tile: &mut [f32],
) {
    let (d, n) = (enc.d_model(), enc.pairs());
    let layout = enc.layout();
    let mut omega = [L::splat(0.0); VECTORS];
    let anchor = L::splat(scaled_anchor);
    let scale = L::splat(enc.scale());
    for first_pair in (0..n).step_by(CHUNK) {
        let len = CHUNK.min(n - first_pair);
        freq.omega64(first_pair, &mut omega);
        for (v, &w) in omega.iter().enumerate().take(len.div_ceil(4)) {
            let pair = first_pair + 4 * v;
            let count = 4.min(n - pair);
            let (mut sin, mut cos) = sin_cos::<L, false>(anchor * w);
            let (sin_step, cos_step) = sin_cos::<L, false>(scale * w);
            for _ in 0..skip {
                (sin, cos) = step(sin, cos, sin_step, cos_step);
            }
            for row in tile.chunks_exact_mut(d) {
                write(layout, d, n, pair, count, sin, cos, row);
                (sin, cos) = step(sin, cos, sin_step, cos_step);
            }
        }
    }
}

/// R(φ) applied to `(sin θ, cos θ)`.
#[inline(always)]
fn step<L: Lanes>(sin: L, cos: L, sin_step: L, cos_step: L) -> (L, L) {
    (
        sin.mul_add(cos_step, cos * sin_step),
        sin.mul_neg_add(sin_step, cos * cos_step),
    )
}

/// Writes pairs `pair..pair + count` (count ≤ 4) of one row.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn write<L: Lanes>(
    layout: Layout,
    d: usize,
    n: usize,
    pair: usize,
    count: usize,
    sin: L,
    cos: L,
    row: &mut [f32],
) {
    match layout {
        Layout::Interleaved => {
            let at = 2 * pair;
            if count == 4 && at + 8 <= d {
                row[at..at + 8].copy_from_slice(&L::interleave_f32(sin, cos));
            } else {
                let values = L::interleave_f32(sin, cos);
                let end = d.min(at + 2 * count);
                row[at..end].copy_from_slice(&values[..end - at]);
            }
        }
        Layout::SplitSinCos | Layout::SplitCosSin => {
            let (sin_at, cos_at) = if layout == Layout::SplitSinCos {
                (pair, n + pair)
            } else {
                (n + pair, pair)
            };
            row[sin_at..sin_at + count].copy_from_slice(&sin.to_f32()[..count]);
            row[cos_at..cos_at + count].copy_from_slice(&cos.to_f32()[..count]);
        }
    }
}
