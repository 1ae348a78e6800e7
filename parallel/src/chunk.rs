//! How a table is cut into chunks for the threads.
//!
//! Each chunk is a run of whole rows handed to one call of the SIMD row-block kernel. Rows
//! depend only on their index, so the cut never changes a bit of the output; it only decides
//! how evenly the threads share the work and how well the per-call costs are amortised.

/// The target size of one chunk in bytes.
///
/// Large enough that a rayon job and the kernel's per-call setup are a small fraction of the
/// chunk (the kernel computes its frequencies once per tile of 32 rows; a chunk of 32 rows of
/// 1024 `f32`s needs 1.2 % fewer instructions than one of 16 rows, by callgrind), small enough
/// that a 4 MiB table still makes 32 chunks to share between the threads, and that a chunk
/// stays within a core's L2 cache while it is written.
pub(crate) const CHUNK_BYTES: usize = 128 * 1024;

/// Rows per chunk for rows of `d_model` values of `elem` bytes each (at least 1).
pub(crate) fn rows_per_chunk(d_model: usize, elem: usize) -> usize {
    let row_bytes = d_model.saturating_mul(elem).max(1);
    (CHUNK_BYTES / row_bytes).max(1)
}
