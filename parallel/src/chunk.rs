//! How a table is cut into chunks for the threads.
//!
//! Each chunk is a run of whole rows handed to one call of the SIMD row-block kernel. Rows
//! depend only on their index, so the cut never changes a bit of the output; it only decides
//! how well the threads share the work and how the kernel's per-call setup is amortised.

/// The target size of one chunk in bytes: small enough that a chunk's output stays in the
/// core's L2 cache while it is written, large enough that the per-chunk cost (a rayon job and
/// the kernel's setup) is a small fraction of writing it.
pub(crate) const CHUNK_BYTES: usize = 64 * 1024;

/// Below this many bytes of output the call runs on the calling thread: a rayon job costs
/// more than writing the whole output.
pub(crate) const SEQUENTIAL_BYTES: usize = 32 * 1024;

/// Rows per chunk for rows of `d_model` values of `elem_bytes` bytes each (at least 1).
pub(crate) fn rows_per_chunk(d_model: usize, elem_bytes: usize) -> usize {
    let row_bytes = d_model.saturating_mul(elem_bytes).max(1);
    (CHUNK_BYTES / row_bytes).max(1)
}

/// Whether an output of `values` values of `elem_bytes` bytes is worth splitting.
pub(crate) fn is_parallel(values: usize, elem_bytes: usize) -> bool {
    values.saturating_mul(elem_bytes) >= SEQUENTIAL_BYTES
}
