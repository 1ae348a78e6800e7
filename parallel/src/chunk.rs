//! How a table is cut into chunks for the threads.
//!
//! Each chunk is a run of whole rows handed to one call of the SIMD row-block kernel. Rows
//! depend only on their index, so the cut never changes a bit of the output; it only decides
//! how well the threads share the work and how the kernel's per-call setup is amortised.

/// The target size of one chunk in bytes: small enough that a chunk's output stays in the
/// core's L2 cache while it is written, large enough that the per-chunk cost (a rayon job and
/// the kernel's setup) is a small fraction of writing it.
pub(crate) const CHUNK_BYTES: usize = 64 * 1024;

/// The target size of a chunk that is written to a buffer and then streamed out: the buffer
/// should stay in the L1 cache between the kernel's writes and the copy's reads.
pub(crate) const STAGED_CHUNK_BYTES: usize = 32 * 1024;

/// Below this many bytes of output the call runs on the calling thread: a rayon job costs
/// more than writing the whole output.
pub(crate) const SEQUENTIAL_BYTES: usize = 32 * 1024;

/// From this many bytes of output on, chunks are streamed out past the cache: the output
/// would not stay in the cache anyway (the L3 is typically 16 to 32 MiB), and skipping the
/// read of each line before writing it saves memory traffic.
pub(crate) const STREAM_BYTES: usize = 32 * 1024 * 1024;

/// Rows per chunk of `target` bytes for rows of `d_model` values of `elem` bytes (at least 1).
fn rows_for(target: usize, d_model: usize, elem: usize) -> usize {
    let row_bytes = d_model.saturating_mul(elem).max(1);
    (target / row_bytes).max(1)
}

/// Rows per chunk written in place.
pub(crate) fn rows_per_chunk(d_model: usize, elem: usize) -> usize {
    rows_for(CHUNK_BYTES, d_model, elem)
}

/// Rows per chunk written to a buffer and streamed out.
pub(crate) fn rows_per_staged_chunk(d_model: usize, elem: usize) -> usize {
    rows_for(STAGED_CHUNK_BYTES, d_model, elem)
}

/// Whether an output of `values` values of `elem` bytes is worth splitting.
pub(crate) fn is_parallel(values: usize, elem: usize) -> bool {
    values.saturating_mul(elem) >= SEQUENTIAL_BYTES
}

/// The longest row that is staged: the buffer holds at least one row, and must stay a small
/// constant beside the output and fit in the L2 cache.
pub(crate) const MAX_STAGED_ROW_BYTES: usize = 256 * 1024;

/// Whether an output of `values` values of `elem` bytes, in rows of `d_model` values, is
/// streamed out.
pub(crate) fn is_streamed(values: usize, d_model: usize, elem: usize) -> bool {
    values.saturating_mul(elem) >= STREAM_BYTES
        && d_model.saturating_mul(elem) <= MAX_STAGED_ROW_BYTES
}
