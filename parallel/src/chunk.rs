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

/// The least a chunk of a table that stays in the cache holds (and the size of a RoPE task):
/// large enough that a rayon job and the kernel's per-call setup are a small fraction of it.
pub(crate) const CHUNK_BYTES: usize = 256 * 1024;

/// Chunks per thread a table that stays in the cache is cut into: each chunk pays the kernel's
/// per-call setup (ω and R(1) of every pair, about 40 000 instructions at `d_model` 512, a
/// sixth of a 128-row chunk's work), so as few as still let a thread that starts late, or is
/// descheduled, leave its share to the others.
pub(crate) const CHUNKS_PER_THREAD: usize = 2;

/// `f32` tables of at least this many bytes, three quarters of the shared cache (24 MiB on
/// this project's machine), are cut into chunks of [`stream_bytes`] (a quarter of it), so that
/// every chunk is streamed. Smaller tables keep chunks below half of it and ordinary stores,
/// which on that machine were as fast as streaming up to half the cache and well ahead of it
/// at 4–16 MiB on two threads, where streaming runs at memory's speed and ordinary stores at
/// the L3's; they also leave the table in the L3 for whoever reads it next.
pub(crate) fn streamed_table_bytes() -> usize {
    3 * stream_bytes()
}

/// Rows per chunk for an output of `values` values of `elem` bytes in rows of `d_model`
/// values shared by `threads` threads: a multiple of [`ANCHOR_ROWS`] of at least
/// [`stream_bytes`] where `streamable` (an `f32` table the kernel streams) and the output is at
/// least [`streamed_table_bytes`]; otherwise of about [`CHUNKS_PER_THREAD`] chunks a thread,
/// at least [`CHUNK_BYTES`] and at most half of [`stream_bytes`] (before the rounding to whole
/// periods).
pub(crate) fn rows_per_chunk(
    d_model: usize,
    elem: usize,
    values: usize,
    streamable: bool,
    threads: usize,
) -> usize {
    let row_bytes = d_model.saturating_mul(elem).max(1);
    let bytes = values.saturating_mul(elem);
    let target = if streamable && bytes >= streamed_table_bytes() {
        stream_bytes()
    } else {
        // `stream_bytes` is at least 1 MiB: the cap is above the floor.
        (bytes / CHUNKS_PER_THREAD.saturating_mul(threads).max(1))
            .min(stream_bytes() / 2)
            .max(CHUNK_BYTES)
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
