//! `f32` tables by rotation: row `k + 1` is R(1)·row `k`, per pair
//! `sin(θ + φ) = sin θ·cos φ + cos θ·sin φ`, `cos(θ + φ) = cos θ·cos φ − sin θ·sin φ` with
//! `φ = c·ω_i`, in `f64`: two multiplications and two FMAs per four pairs instead of a reduction
//! and two polynomials.
//!
//! Anchors: every row whose GLOBAL index `k` is a multiple of `PERIOD` ([`ANCHOR_ROWS`](crate::ANCHOR_ROWS)) is evaluated directly
//! (the `f64` polynomials), and rows `k+1 … k+PERIOD−1` are stepped from it. A row's bits depend
//! only on the encoding, `start` and `k` (its anchor is `k − k mod PERIOD`, however the table is
//! cut into blocks), so tables written in any blocks, by any number of threads, are identical.
//! They are not the bits of [`encode_row`](crate::encode_row) at the same position, which
//! evaluates directly: both are within the `f32` bound of the exact value.
//!
//! # Accuracy
//! The anchor and R(1) are evaluated with the `f64` polynomials, within about 2^−52 (plus ω's
//! relative error times the angle, as for every row); each step adds at most about 3·2^−53 to each value and turns the angle error of
//! R(1) into `j` times it, `j < PERIOD`. With PERIOD = 64 the stepping adds below 2^−44, and the
//! angle is `θ_anchor + j·φ`, whose error is ω's relative error times `|θ|` as before: the `f32`
//! error budget of the direct path (about 0.4 of 2^−23) is unchanged to 2^−40. `f64` output is
//! never stepped: 64 steps would cost up to 2^−45, more than its bound allows at small angles.

use posenc_core::{Columns, Encoding, Layout, Rows, row_position};

use super::frequency::{Exponent, Frequencies};
use super::lanes::Lanes;
use super::sincos::{MAX_ANGLE, sin_cos};
use super::stream;
use crate::tuning::{ANCHOR_ROWS as PERIOD, STREAM_BYTES};

/// The recurrence needs row `anchor + j` to be at the anchor's position plus `j`. With the start
/// and the row index both below this (2^52), `start + k` is rounded by at most half an ulp of
/// the sum, which is under 2^−29 wherever `|start + k| ≤ 2^24` (the accuracy range); with either
/// beyond, the index or the sum may be rounded by whole positions (found by fuzz/parallel_rows).
const EXACT_STEPS: f64 = 4_503_599_627_370_496.0;

/// Pairs per chunk (a multiple of 64): ω, R(1) and the state of this many at a time, on the
/// stack (about 7 KiB at 128; less where stacks are small). Longer runs along a row write
/// memory more sequentially; 128 measured as well as 256 or 512 for d = 1024.
#[cfg(target_pointer_width = "64")]
const CHUNK: usize = 128;
#[cfg(not(target_pointer_width = "64"))]
const CHUNK: usize = 64;
const VECTORS: usize = CHUNK / 4;

/// The rows of `rows` as an `f32` table into `out` (of their length). Periods whose rows'
/// angles leave the vector range go through `direct` instead (a sub-range into its slice).
#[inline(always)]
pub(crate) fn table_f32<L: Lanes>(
    exponent: Exponent,
    rows: &Rows<'_>,
    out: &mut [f32],
    mut direct: impl FnMut(&Rows<'_>, &mut [f32]),
) {
    let enc = rows.encoding();
    let (d, start, len) = (enc.d_model(), rows.start(), rows.len());
    let freq = Frequencies::<L>::new(exponent);
    let streaming = len.saturating_mul(d).saturating_mul(4) >= STREAM_BYTES;
    // Counted in rows of the range rather than up to an end index: the block may end on row
    // u64::MAX, and the index one past it does not exist (found by fuzz/parallel_rows).
    let mut done = 0;
    let mut rest = &mut out[..len * d];
    while done < len {
        let k = rows.index(done);
        let anchor = k - k % PERIOD;
        // At most PERIOD rows: the cast cannot truncate.
        let count = ((PERIOD - (k - anchor)) as usize).min(len - done);
        let (tile, tail) = rest.split_at_mut(count * d);
        rest = tail;
        let scaled_anchor = enc.scale() * row_position(start, anchor);
        let scaled_last = enc.scale() * row_position(start, anchor.saturating_add(PERIOD - 1));
        // Stepping by R(1) gives PE(anchor position + j): see EXACT_STEPS for when that is
        // row j's own position; other periods go through `direct`.
        let exact_steps = start.abs() < EXACT_STEPS && anchor < EXACT_STEPS as u64;
        if exact_steps && scaled_anchor.abs() <= MAX_ANGLE && scaled_last.abs() <= MAX_ANGLE {
            let skip = (k - anchor) as usize;
            period::<L>(enc, &freq, scaled_anchor, skip, streaming, tile);
        } else {
            direct(&rows.chunk(done, count), tile);
        }
        if enc.layout() != Layout::Interleaved && !d.is_multiple_of(2) {
            for row in tile.chunks_exact_mut(d) {
                if let Columns::Split { pad, .. } = enc.layout().columns(row) {
                    pad.fill(0.0);
                }
            }
        }
        done += count;
    }
    if streaming {
        stream::fence();
    }
}

/// The rows of one period from row `skip` of the period on (the anchor is row 0). Rows are
/// written whole chunk by chunk, in order, so that the stores run along each row: the state
/// `(sin, cos)` of a chunk's pairs lives on the stack between rows.
#[inline(always)]
fn period<L: Lanes>(
    enc: &Encoding,
    freq: &Frequencies<L>,
    scaled_anchor: f64,
    skip: usize,
    streaming: bool,
    tile: &mut [f32],
) {
    let (d, n) = (enc.d_model(), enc.pairs());
    let layout = enc.layout();
    let mut omega = [L::splat(0.0); VECTORS];
    let mut sin = [L::splat(0.0); VECTORS];
    let mut cos = [L::splat(0.0); VECTORS];
    let mut sin_step = [L::splat(0.0); VECTORS];
    let mut cos_step = [L::splat(0.0); VECTORS];
    let anchor = L::splat(scaled_anchor);
    let scale = L::splat(enc.scale());
    for first_pair in (0..n).step_by(CHUNK) {
        let len = CHUNK.min(n - first_pair);
        let vectors = len.div_ceil(4);
        for (quarter, omega) in omega.chunks_exact_mut(16).enumerate() {
            if let Ok(omega) = <&mut [L; 16]>::try_from(omega) {
                freq.omega64(first_pair + 64 * quarter, omega);
            }
        }
        for v in 0..vectors {
            let (mut s, mut c) = sin_cos::<L, false>(anchor * omega[v]);
            let (s1, c1) = sin_cos::<L, false>(scale * omega[v]);
            for _ in 0..skip {
                (s, c) = step(s, c, s1, c1);
            }
            (sin[v], cos[v], sin_step[v], cos_step[v]) = (s, c, s1, c1);
        }
        if streaming {
            // Two rows at a time (one load of the state for both), to the stack first, then to
            // the rows in whole lines.
            for group in tile.chunks_mut(2 * d) {
                let two = group.len() == 2 * d;
                let mut stage = [[0.0f32; 2 * CHUNK]; 2];
                for v in 0..vectors {
                    let (mut s, mut c) = (sin[v], cos[v]);
                    let (s1, c1) = (sin_step[v], cos_step[v]);
                    stage_vector(layout, v, s, c, &mut stage[0]);
                    (s, c) = step(s, c, s1, c1);
                    if two {
                        stage_vector(layout, v, s, c, &mut stage[1]);
                        (s, c) = step(s, c, s1, c1);
                    }
                    (sin[v], cos[v]) = (s, c);
                }
                for (row, stage) in group.chunks_exact_mut(d).zip(&stage) {
                    match layout.columns(row).run(first_pair, len) {
                        Columns::Interleaved(columns) => {
                            stream::copy(columns, &stage[..columns.len()]);
                        }
                        Columns::Split { sin, cos, .. } => {
                            stream::copy(sin, &stage[..len]);
                            stream::copy(cos, &stage[CHUNK..CHUNK + len]);
                        }
                    }
                }
            }
            continue;
        }
        for row in tile.chunks_exact_mut(d) {
            // Every row steps all `vectors` states: the runs below have exactly that many
            // pieces (4 pairs each, the last one shorter).
            // Whole vectors by fixed-size copies (plain stores), then the last, short one.
            match layout.columns(row).run(first_pair, len) {
                Columns::Interleaved(columns) => {
                    let mut whole = columns.chunks_exact_mut(8);
                    let mut v = 0;
                    for out in &mut whole {
                        out.copy_from_slice(&L::interleave_f32(sin[v], cos[v]));
                        (sin[v], cos[v]) = step(sin[v], cos[v], sin_step[v], cos_step[v]);
                        v += 1;
                    }
                    let out = whole.into_remainder();
                    if !out.is_empty() {
                        let values = L::interleave_f32(sin[v], cos[v]);
                        out.copy_from_slice(&values[..out.len()]);
                        (sin[v], cos[v]) = step(sin[v], cos[v], sin_step[v], cos_step[v]);
                    }
                }
                Columns::Split {
                    sin: sin_out,
                    cos: cos_out,
                    ..
                } => {
                    let mut whole = sin_out.chunks_exact_mut(4).zip(cos_out.chunks_exact_mut(4));
                    let mut v = 0;
                    for (sin_out, cos_out) in &mut whole {
                        sin_out.copy_from_slice(&sin[v].to_f32());
                        cos_out.copy_from_slice(&cos[v].to_f32());
                        (sin[v], cos[v]) = step(sin[v], cos[v], sin_step[v], cos_step[v]);
                        v += 1;
                    }
                    let count = len - 4 * v;
                    if count > 0 {
                        let at = 4 * v;
                        sin_out[at..].copy_from_slice(&sin[v].to_f32()[..count]);
                        cos_out[at..].copy_from_slice(&cos[v].to_f32()[..count]);
                        (sin[v], cos[v]) = step(sin[v], cos[v], sin_step[v], cos_step[v]);
                    }
                }
            }
        }
    }
}

/// Vector `v` of a chunk into the stage: interleaved at `8v`, or sines at `4v` and cosines at
/// `CHUNK + 4v`.
#[inline(always)]
fn stage_vector<L: Lanes>(layout: Layout, v: usize, sin: L, cos: L, stage: &mut [f32; 2 * CHUNK]) {
    match layout {
        Layout::Interleaved => {
            stage[8 * v..8 * v + 8].copy_from_slice(&L::interleave_f32(sin, cos));
        }
        Layout::SplitSinCos | Layout::SplitCosSin => {
            stage[4 * v..4 * v + 4].copy_from_slice(&sin.to_f32());
            stage[CHUNK + 4 * v..CHUNK + 4 * v + 4].copy_from_slice(&cos.to_f32());
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
