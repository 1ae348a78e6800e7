//! Huge pages for fresh tables.
//!
//! A new table's memory is mapped lazily: every page costs a fault and a zeroing by the kernel
//! on first write. With 4 KiB pages that is 32 768 faults for a 128 MiB table, more time than
//! writing the table. Asking for transparent huge pages (2 MiB on x86-64) before the first
//! write cuts the faults 512-fold. Linux only; elsewhere, and where the kernel's
//! `transparent_hugepage` setting is `never`, this does nothing, and the table is the same.

/// The huge-page size the advice is aligned to (x86-64 and aarch64 with 4 KiB base pages).
const HUGE_PAGE: usize = 2 * 1024 * 1024;

/// Tables smaller than this keep ordinary pages: they are likely to come from reused heap
/// memory, and a huge page would be mostly outside them.
pub(crate) const MIN_BYTES: usize = 4 * HUGE_PAGE;

/// Advises the kernel to back the whole huge pages inside `[ptr, ptr + bytes)` with huge pages.
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
    if end <= begin {
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
