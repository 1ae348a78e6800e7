//! Huge pages for fresh tables, where they cost no stall.
//!
//! A new table's memory is mapped lazily: every page costs a fault and a zeroing by the kernel
//! on first write. With 4 KiB pages that is 32 768 faults for a 128 MiB table, more time than
//! writing the table (in this project's VM: about 150 ms against 30–40 ms with huge pages).
//! Asking for transparent huge pages (2 MiB on x86-64) before the first write cuts the faults
//! 512-fold.
//!
//! But huge pages can stall the first write where 4 KiB pages do not:
//!
//! - A huge-page fault the free memory cannot serve at once makes the kernel compact memory
//!   first, in the faulting thread, where its `defrag` setting says advised memory should
//!   (`always`, `madvise`, the default, and `defer+madvise`).
//! - In a virtual machine whose balloon reports free memory to the host in blocks of 2 MiB
//!   (free page reporting, `page_reporting_order` ≤ 9), free huge pages are exactly the memory
//!   the host has taken back, and each must be faulted in again on the host. Measured in this
//!   project's VM (`page_reporting_order` 9, `defrag` `madvise`, no compaction counted): the
//!   first 128 MiB table of a process, 20 processes, 2 threads, took a median 36 ms with the
//!   advice but up to 1.43 s (2 of 20 over 0.5 s), against a median 175 ms and at most
//!   0.26 s for `vec![0.0f32; n]` filled; repeated tables in one process 40 ms median, 0.85 s
//!   worst, against 178 / 291 ms.
//!
//! So the advice is given only where neither can happen: no free page reporting at 2 MiB,
//! and a `defrag` that never compacts in the fault (`defer`, `never`) or free lists that
//! already hold twice the table's huge pages (`/proc/buddyinfo`). Where it is not given, the
//! table's 4 KiB pages are populated before it is written, one contiguous part by each thread
//! of the pool (`MADV_POPULATE_WRITE`, Linux 5.14): one call instead of a fault per page
//! (measured as above: first table 120 ms median against 141 ms for `vec!`, repeated 83
//! against 102 ms). Linux only; elsewhere nothing is advised. The table is the same either way.
//!
//! All pages first, not each chunk's just before the chunk is written, which is how it was
//! first done: a chunk populated just before its writes still has its freshly zeroed lines in
//! the cache, which the non-temporal stores that follow have to evict first (the likely cause,
//! not measured directly). On the Ice Lake server VM of issue 14 (`fresh_table table T 20`,
//! medians of 20, interleaved series), one thread: repeated tables 39.9–42.9 ms (once 50.5)
//! against 44.2–45.1 (once 57.3) chunk by chunk, the first table of a process 40.2 against
//! 56.3 ms; two threads, first table 22.3 against 27.3 ms, repeated within noise.
//!
//! Measured again for issue 14 (`benches/examples/fresh_table.rs`, 128 MiB, medians / worst of
//! 20, three series on the same VM under load 5 to 7): with the advice tables took 14–55 ms in
//! median, five times less than with 4 KiB pages, but 3 of the 8 series had a worst of
//! 0.45–0.63 s, 2.8 to 3.6 times the worst of `vec![0.0f32; n]` filled in the same series;
//! `table` as chosen here (no advice on this VM, populated chunks) had medians within the
//! noise of `vec!`'s (1 thread: 59–139 ms against 90–148 ms; 2 threads: 92–146 ms against
//! 60–132 ms) and worsts of 71–234 ms against `vec!`'s 107–240 ms (once 520 against 231 ms,
//! in the noisiest series). The policy stands: where a huge-page fault can stall for half a
//! second, no advice.

/// The huge-page size the advice is aligned to (x86-64 and aarch64 with 4 KiB base pages).
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// Tables smaller than this keep ordinary pages: they are likely to come from reused heap
/// memory, and a huge page would be mostly outside them.
pub(crate) const MIN_BYTES: usize = 4 * HUGE_PAGE;

/// Advises the kernel to back the whole huge pages inside `[ptr, ptr + bytes)` with huge
/// pages, where that cannot stall the first write (module docs).
///
/// Only advice: a refusal (an old kernel, THP disabled) leaves ordinary pages, so the result
/// is ignored.
#[cfg(target_os = "linux")]
pub(crate) fn advise_huge(ptr: *mut u8, bytes: usize) {
    if bytes < MIN_BYTES {
        return;
    }
    let begin = (ptr as usize).next_multiple_of(HUGE_PAGE);
    let end = (ptr as usize + bytes) & !(HUGE_PAGE - 1);
    if end <= begin || !without_stall((end - begin) / HUGE_PAGE) {
        return;
    }
    // SAFETY: `[begin, end)` lies inside the caller's live allocation `[ptr, ptr + bytes)`
    // and is page-aligned; MADV_HUGEPAGE changes only how its future page faults are served,
    // never the contents or the validity of the memory.
    let _ = unsafe { libc::madvise(begin as *mut libc::c_void, end - begin, libc::MADV_HUGEPAGE) };
}

/// Elsewhere there is nothing to advise.
#[cfg(not(target_os = "linux"))]
pub(crate) fn advise_huge(_ptr: *mut u8, _bytes: usize) {}

/// Maps the whole pages of a fresh table's chunk `block` in one call, before its first write
/// (module docs). Only advice: an old kernel's refusal leaves the pages to be faulted in.
#[cfg(target_os = "linux")]
pub(crate) fn populate<T>(block: &mut [T]) {
    const PAGE: usize = 4096;
    let ptr = block.as_mut_ptr() as usize;
    let begin = ptr.next_multiple_of(PAGE);
    let end = (ptr + size_of_val(block)) & !(PAGE - 1);
    if end <= begin {
        return;
    }
    // SAFETY: `[begin, end)` lies inside `block`, which the caller holds exclusively, and is
    // page-aligned; MADV_POPULATE_WRITE maps its pages as a write fault would, never changing
    // the contents (zero pages stay zero, written pages keep their values).
    let _ = unsafe {
        libc::madvise(
            begin as *mut libc::c_void,
            end - begin,
            libc::MADV_POPULATE_WRITE,
        )
    };
}

/// Elsewhere pages are faulted in by the first write.
#[cfg(not(target_os = "linux"))]
pub(crate) fn populate<T>(_block: &mut [T]) {}

/// Whether `pages` huge-page faults of advised memory can be served without compacting memory
/// in the fault.
#[cfg(target_os = "linux")]
fn without_stall(pages: usize) -> bool {
    use std::sync::OnceLock;
    static POLICY: OnceLock<Policy> = OnceLock::new();
    let policy = *POLICY.get_or_init(|| {
        let read = |name| {
            std::fs::read_to_string(format!("/sys/kernel/mm/transparent_hugepage/{name}"))
                .unwrap_or_default()
        };
        let reporting = "/sys/module/page_reporting/parameters/page_reporting_order";
        let reported = std::fs::read_to_string(reporting)
            .ok()
            .and_then(|order| order.trim().parse::<u32>().ok())
            .is_some_and(|order| order <= HUGE_PAGE.trailing_zeros() - 12);
        if reported {
            return Policy::Off;
        }
        Policy::new(&read("enabled"), &read("defrag"))
    });
    match policy {
        Policy::Off => false,
        Policy::NoStall => true,
        Policy::WhenFree => std::fs::read_to_string("/proc/buddyinfo")
            .is_ok_and(|info| free_huge_pages(&info) >= pages.saturating_mul(2)),
    }
}

/// What the kernel's settings make of the advice.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// Huge pages are off (or the settings unreadable): the advice would do nothing.
    Off,
    /// Advised faults never compact in the fault: advice is free.
    NoStall,
    /// Advised faults compact where the free lists run out: advise only if they hold enough.
    WhenFree,
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
impl Policy {
    /// From the contents of `transparent_hugepage/enabled` and `defrag`, each listing the
    /// choices with the chosen one in brackets.
    fn new(enabled: &str, defrag: &str) -> Policy {
        let chosen = |setting: &str| {
            let (_, rest) = setting.split_once('[')?;
            let (choice, _) = rest.split_once(']')?;
            Some(choice.to_owned())
        };
        match (chosen(enabled).as_deref(), chosen(defrag).as_deref()) {
            (None | Some("never"), _) | (_, None) => Policy::Off,
            (_, Some("defer" | "never")) => Policy::NoStall,
            _ => Policy::WhenFree,
        }
    }
}

#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
/// The free huge pages of every zone in `/proc/buddyinfo` (counts of free blocks of order 0,
/// 1, … per line; a block of order 9 + k is 2^k huge pages of 2 MiB).
fn free_huge_pages(buddyinfo: &str) -> usize {
    let order = HUGE_PAGE.trailing_zeros() as usize - 12;
    buddyinfo
        .lines()
        .filter_map(|line| line.split_once("zone").map(|(_, rest)| rest))
        .flat_map(|rest| {
            rest.split_whitespace()
                .skip(1)
                .filter_map(|count| count.parse::<usize>().ok())
                .enumerate()
                .skip(order)
                .map(move |(k, count)| count.saturating_mul(1 << (k - order).min(20)))
        })
        .fold(0, usize::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_settings_choose_the_policy() {
        let madvise = "always defer defer+madvise [madvise] never\n";
        assert_eq!(
            Policy::new("always [madvise] never\n", madvise),
            Policy::WhenFree
        );
        assert_eq!(
            Policy::new("[always] madvise never", "[always] defer"),
            Policy::WhenFree
        );
        assert_eq!(
            Policy::new("[always] madvise never", "always [defer] never"),
            Policy::NoStall
        );
        assert_eq!(Policy::new("always madvise [never]", madvise), Policy::Off);
        assert_eq!(Policy::new("", madvise), Policy::Off);
    }

    #[test]
    fn free_huge_pages_counts_orders_nine_and_up() {
        let info = "Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      3 \n\
                    Node 0, zone   Normal    819    887   3024   1177    751    266     69     21     19     29      7 \n";
        // DMA: 1 + 3·2; Normal: 29 + 7·2.
        assert_eq!(free_huge_pages(info), 7 + 43);
        assert_eq!(free_huge_pages(""), 0);
    }
}
