//! The sizes the vector path is tuned by, public so that callers who cut tables into chunks
//! (the parallel crate) cut them where the kernel's own seams are, rather than keep copies.

/// `f32` tables are stepped by a recurrence in `f64` from rows evaluated directly at every global
/// row index `k` with `k % ANCHOR_ROWS == 0` (the anchors). A block that starts between two
/// anchors first steps from the earlier one to its first row, so chunks that start on anchors
/// do the least work. The bits never depend on where a block starts.
pub const ANCHOR_ROWS: u64 = 64;

/// `f32` table blocks of at least this many bytes are written with non-temporal stores, which
/// do not first read the memory they overwrite. Ordinary stores leave the table in the caches
/// for whoever reads it next, and are as fast while it fits in a core's L2 and its share of the
/// L3; past that their reads for ownership cost more than the table's own writes. Measured on
/// one thread of this project's machine (2 MiB L2 per core, 32 MiB L3): non-temporal stores
/// 0.5 ms against 1.2 to 2.0 ms for a 16 MiB table, a tie at 8 MiB (0.3 ms), 10–20 % slower at
/// 4 MiB: a quarter of a 32 MiB L3.
pub const STREAM_BYTES: usize = 8 << 20;
