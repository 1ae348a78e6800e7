//! How a table is cut into chunks for the threads.
//!
//! Each chunk is a run of whole rows handed to one call of the SIMD row-block kernel. Rows
//! depend only on their index, so the cut never changes a bit of the output; it decides how
//! evenly the threads share the work, how well the kernel's per-call costs are amortised, and
//! whether the kernel streams its stores past the cache. Chunks start on posenc-simd's
//! anchors ([`ANCHOR_ROWS`]: a block that starts between two first steps from the earlier one)
//! and large `f32` chunks reach its [`STREAM_BYTES`], so that every chunk is streamed.

use posenc_simd::{ANCHOR_ROWS, STREAM_BYTES};

/// The target size of a chunk of a table that stays in the cache: large enough that a rayon
/// job and the kernel's per-call setup are a small fraction of it, small enough that a 4 MiB
/// table still makes 16 chunks to share between the threads.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// `f32` tables of at least this many bytes are cut into chunks of [`STREAM_BYTES`], so
/// that every chunk is streamed, and two threads have a chunk each. Smaller tables keep small
/// chunks and ordinary stores: they split better between the threads, and stay in the L3 cache
/// for whoever reads them next.
pub(crate) const STREAMED_TABLE_BYTES: usize = 2 * STREAM_BYTES;

/// Rows per chunk for an output of `values` values of `elem` bytes in rows of `d_model`
/// values: a multiple of [`ANCHOR_ROWS`] of at least [`CHUNK_BYTES`], or, where `streamable`
/// (an `f32` table the kernel streams) and the output is at least [`STREAMED_TABLE_BYTES`],
/// of at least [`STREAM_BYTES`].
pub(crate) fn rows_per_chunk(
    d_model: usize,
    elem: usize,
    values: usize,
    streamable: bool,
) -> usize {
    let row_bytes = d_model.saturating_mul(elem).max(1);
    let streamed = streamable && values.saturating_mul(elem) >= STREAMED_TABLE_BYTES;
    let target = if streamed { STREAM_BYTES } else { CHUNK_BYTES };
    // At most 16 MiB rows, rounded up to 64: no overflow.
    target
        .div_ceil(row_bytes)
        .next_multiple_of(ANCHOR_ROWS as usize)
}

/// Rows before the first multiple of [`ANCHOR_ROWS`] at or after `first_row`, at most `rows`.
pub(crate) fn rows_to_period(first_row: u64, rows: usize) -> usize {
    let to_next = (ANCHOR_ROWS - first_row % ANCHOR_ROWS) % ANCHOR_ROWS;
    usize::try_from(to_next).map_or(rows, |to_next| to_next.min(rows))
}
