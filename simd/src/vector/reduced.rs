//! `f16` and `bf16` rows on the vector path: the `f32` kernels write a stack tile of `f32`
//! values, which is converted once to the reduced type (the SPEC's "the `f32` fast-path value
//! rounded once": within half an ulp at 1.0 plus 2^−23). The `f64` kernels are not needed.
//!
//! Tables take the `f32` recurrence, in tiles (up to `TABLE_TILE`) that start on its
//! anchors where a tile holds a period or more (a tile that starts between two anchors steps
//! from the earlier one), so a row's bits are those of the `f32` table row rounded, wherever a block is cut; single
//! rows and position lists take the direct `f32` kernel; `x + pe` is added in `f32` (the
//! `f32` add path on the widened `x`) and rounded once to the type.

use posenc_core::{Element, Rows};

use super::Isa;
use super::kernel::{Mode, Plan};
// Rows wider than the tile take the generic kernel (in `f64`, rounded once).
use crate::convert::{Reduced, TABLE_TILE, TILE, narrow, widen, with_tile};
use crate::tuning::{ANCHOR_ROWS, stream_bytes};

/// Rows `0..rows` of `out` at `position(t)`, written or added in `mode` through `f32` tiles,
/// where `T` is `f16` or `bf16`; `false` (nothing done) for the other types.
#[inline(always)]
pub(super) fn direct<T: Element>(
    isa: Isa,
    plan: &Plan<'_>,
    mode: Mode,
    rows: usize,
    position: impl Fn(usize) -> f64,
    out: &mut [T],
) -> bool {
    if T::MANTISSA_BITS >= f32::MANTISSA_DIGITS {
        return false;
    }
    let d = plan.d_model();
    if d == 0 || d > TILE {
        isa.run(plan, mode, rows, position, out);
        return true;
    }
    let how = isa.convert();
    with_tile((rows * d).min(TILE), |tile| {
        let per_tile = tile.len() / d;
        for (k, block) in out[..rows * d].chunks_mut(per_tile * d).enumerate() {
            let values = &mut tile[..block.len()];
            if mode == Mode::Add {
                widen(how, block, values);
            }
            let first = k * per_tile;
            isa.run(plan, mode, block.len() / d, |t| position(first + t), values);
            narrow(how, values, block);
        }
    });
    true
}

/// The rows of `rows` as a table in `f16`/`bf16`: the `f32` table's rows, rounded once.
#[inline(always)]
pub(super) fn table<R: Reduced>(isa: Isa, plan: &Plan<'_>, rows: &Rows<'_>, out: &mut [R]) {
    let d = plan.d_model();
    if d == 0 || d > TABLE_TILE {
        isa.run(plan, Mode::Write, rows.len(), |t| rows.position(t), out);
        return;
    }
    let how = isa.convert();
    // As the `f32` tables: non-temporal stores past the caches.
    let streaming = rows.values().saturating_mul(size_of::<R>()) >= stream_bytes();
    with_tile(rows.values().min(TABLE_TILE), |tile| {
        let per_tile = tile.len() / d;
        let mut done = 0;
        while done < rows.len() {
            // To the next anchor, then whole periods while they fit; a tile smaller than a
            // period takes what fits.
            let to_anchor = (ANCHOR_ROWS - rows.index(done) % ANCHOR_ROWS) as usize;
            let count = if per_tile >= to_anchor {
                to_anchor + (per_tile - to_anchor) / ANCHOR_ROWS as usize * ANCHOR_ROWS as usize
            } else {
                per_tile
            }
            .min(rows.len() - done);
            let values = &mut tile[..count * d];
            isa.table_f32(plan, &rows.chunk(done, count), values);
            let block = &mut out[done * d..(done + count) * d];
            if streaming {
                R::narrow_streamed(how, values, block);
            } else {
                R::narrow(how, values, block);
            }
            done += count;
        }
    });
    if streaming {
        super::stream::fence();
    }
}
