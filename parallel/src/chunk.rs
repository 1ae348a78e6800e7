//! How a table is cut into chunks for the threads.
//!
//! Each chunk is a run of whole rows handed to one call of the SIMD row-block kernel. Rows
//! depend only on their index, so the cut never changes a bit of the output; it decides how
//! evenly the threads share the work, how well the kernel's per-call costs are amortised, and
//! whether the kernel streams its stores past the cache. Chunks start on posenc-simd's
//! anchors ([`ANCHOR_ROWS`]: a block that starts between two first steps from the earlier one)
//! and the chunks of large `f32` tables reach its [`stream_bytes`], so that every chunk is
//! streamed, while those of smaller ones stay below it, so that none is.

use posenc_simd::{ANCHOR_ROWS, stream_bytes};

/// The target size of a chunk of a table that stays in the cache: large enough that a rayon
/// job and the kernel's per-call setup are a small fraction of it, small enough that a 4 MiB
/// table still makes 16 chunks to share between the threads.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// `f32` tables of at least this many bytes, three quarters of the shared cache (24 MiB on
/// this project's machine), are cut into chunks of [`stream_bytes`] (a quarter of it), so that
/// every chunk is streamed. Smaller tables keep small chunks and ordinary stores, which on
/// that machine were as fast as streaming up to half the cache and well ahead of it at 4–16
/// MiB on two threads, where streaming runs at memory's speed and ordinary stores at the
/// L3's; they also leave the table in the L3 for whoever reads it next.
pub(crate) fn streamed_table_bytes() -> usize {
    3 * stream_bytes()
}

/// Rows per chunk for an output of `values` values of `elem` bytes in rows of `d_model`
/// values: a multiple of [`ANCHOR_ROWS`] of at least [`CHUNK_BYTES`], or, where `streamable`
/// (an `f32` table the kernel streams) and the output is at least [`streamed_table_bytes`],
/// of at least [`stream_bytes`].
pub(crate) fn rows_per_chunk(
    d_model: usize,
    elem: usize,
    values: usize,
    streamable: bool,
) -> usize {
    let row_bytes = d_model.saturating_mul(elem).max(1);
    let streamed = streamable && values.saturating_mul(elem) >= streamed_table_bytes();
    let target = if streamed {
        stream_bytes()
    } else {
        CHUNK_BYTES
    };
    // At most 64 MiB rows (`stream_bytes` is at most a quarter of 256 MiB), rounded up to 64:
    // no overflow.
    target
        .div_ceil(row_bytes)
        .next_multiple_of(ANCHOR_ROWS as usize)
}

/// Rows before the first multiple of [`ANCHOR_ROWS`] at or after `first_row`, at most `rows`.
pub(crate) fn rows_to_period(first_row: u64, rows: usize) -> usize {
    let to_next = (ANCHOR_ROWS - first_row % ANCHOR_ROWS) % ANCHOR_ROWS;
    usize::try_from(to_next).map_or(rows, |to_next| to_next.min(rows))
}
