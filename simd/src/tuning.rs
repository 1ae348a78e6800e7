//! The sizes the vector path is tuned by, public so that callers who cut tables into chunks
//! (the parallel crate) cut them where the kernel's own seams are, rather than keep copies.

use core::sync::atomic::{AtomicUsize, Ordering};

/// `f32` tables are stepped by a recurrence in `f64` from rows evaluated directly at every global
/// row index `k` with `k % ANCHOR_ROWS == 0` (the anchors). A block that starts between two
/// anchors first steps from the earlier one to its first row, so chunks that start on anchors
/// do the least work. The bits never depend on where a block starts.
pub const ANCHOR_ROWS: u64 = 64;

/// The shared (last-level) cache assumed where the CPU cannot be asked: 32 MiB, the L3 of the
/// x86-64 machines this was measured on.
const FALLBACK_CACHE_BYTES: usize = 32 << 20;

/// The cache sizes believed: a hypervisor may report anything, and the tests write blocks of
/// [`stream_bytes`].
const MIN_CACHE_BYTES: usize = 4 << 20;
const MAX_CACHE_BYTES: usize = 256 << 20;

/// `f32` table blocks of at least this many bytes are written with non-temporal stores, which
/// do not first read the memory they overwrite: a quarter of the shared cache (the L3 on
/// x86-64, asked of the CPU once; 32 MiB assumed elsewhere), 8 MiB on this project's machine.
///
/// Ordinary stores leave the table in the caches for whoever reads it next, but each line they
/// write is first read for ownership. Measured on that machine (2 cores, 1 MiB L2 each, 32 MiB
/// L3; best of 15 or more, ordinary stores against non-temporal ones, one thread): 0.11 against
/// 0.12 ms at 4 MiB, 0.21 against 0.24 ms at 8 MiB, 0.39–0.47 against 0.44–0.48 ms at 16 MiB,
/// 1.1 against 0.7 ms at 24 MiB and 1.7 against 0.9 ms at 32 MiB; two threads alike. Blocks
/// of a quarter of the cache and more are streamed: there the two are within noise, and past
/// half of it streaming wins by up to two to one. A table cut into blocks for several threads
/// is streamed or not as a whole (the parallel crate cuts a table of at least
/// `3 · stream_bytes()` into blocks of this size, a smaller one into blocks too small to be
/// streamed).
#[must_use]
pub fn stream_bytes() -> usize {
    shared_cache_bytes() / 4
}

/// The shared cache's size, asked once and cached (0: not asked yet).
fn shared_cache_bytes() -> usize {
    static BYTES: AtomicUsize = AtomicUsize::new(0);
    match BYTES.load(Ordering::Relaxed) {
        0 => {
            let bytes = last_level_cache().map_or(FALLBACK_CACHE_BYTES, |b| {
                b.clamp(MIN_CACHE_BYTES, MAX_CACHE_BYTES)
            });
            BYTES.store(bytes, Ordering::Relaxed);
            bytes
        }
        bytes => bytes,
    }
}

/// The largest data or unified cache the CPU describes, in bytes: CPUID leaf 4 (Intel) or
/// 0x8000_001D (AMD), whose subleaves list the caches one by one in the same format.
#[cfg(target_arch = "x86_64")]
fn last_level_cache() -> Option<usize> {
    let max_basic = cpuid(0, 0).eax;
    let max_extended = cpuid(0x8000_0000, 0).eax;
    let leaf = if max_basic >= 4 && cpuid(4, 0).eax & 0x1f != 0 {
        4
    } else if max_extended >= 0x8000_001d {
        0x8000_001d
    } else {
        return None;
    };
    (0..16)
        .map(|subleaf| cpuid(leaf, subleaf))
        .take_while(|c| c.eax & 0x1f != 0)
        // Type 1 is data, 3 unified; 2 (instructions) is not where tables go.
        .filter(|c| matches!(c.eax & 0x1f, 1 | 3))
        .map(|c| {
            let ways = (c.ebx >> 22) as usize + 1;
            let partitions = ((c.ebx >> 12) & 0x3ff) as usize + 1;
            let line = (c.ebx & 0xfff) as usize + 1;
            let sets = c.ecx as usize + 1;
            // Saturating: a hypervisor's CPUID may say anything.
            ways.saturating_mul(partitions)
                .saturating_mul(line)
                .saturating_mul(sets)
        })
        .max()
}

/// Elsewhere the cache is not asked.
#[cfg(not(target_arch = "x86_64"))]
fn last_level_cache() -> Option<usize> {
    None
}

/// `CPUID(leaf, subleaf)`. Safe to call in recent Rust; `unsafe` for the older compilers of
/// the MSRV range.
#[cfg(target_arch = "x86_64")]
#[allow(unused_unsafe)]
pub(crate) fn cpuid(leaf: u32, subleaf: u32) -> core::arch::x86_64::CpuidResult {
    // SAFETY: CPUID exists on every x86-64 CPU.
    unsafe { core::arch::x86_64::__cpuid_count(leaf, subleaf) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The threshold is a quarter of a believable cache, the same at every call.
    #[test]
    fn stream_bytes_is_a_quarter_of_the_cache() {
        let bytes = stream_bytes();
        assert!((MIN_CACHE_BYTES / 4..=MAX_CACHE_BYTES / 4).contains(&bytes));
        assert_eq!(bytes, stream_bytes());
        assert_eq!(bytes, shared_cache_bytes() / 4);
    }
}
