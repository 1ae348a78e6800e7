//! The sizes the vector path is tuned by, public so that callers who cut tables into chunks
//! (the parallel crate) cut them where the kernel's own seams are, rather than keep copies.

/// `f32` tables are stepped by a recurrence in `f64` from rows evaluated directly at every global
/// row index `k` with `k % ANCHOR_ROWS == 0` (the anchors). A block that starts between two
/// anchors first steps from the earlier one to its first row, so chunks that start on anchors
/// do the least work. The bits never depend on where a block starts.
pub const ANCHOR_ROWS: u64 = 64;

/// `f32` table blocks of at least this many bytes are written with non-temporal stores, which
/// do not first read the memory they overwrite: about twice as fast for tables far larger than
/// the caches, slower for tables that would stay in them.
pub const STREAM_BYTES: usize = 16 << 20;
