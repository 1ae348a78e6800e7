//! Non-temporal stores for tables much larger than the caches.
//!
//! A plain store to a line that is not in the cache first reads the line from memory (to own
//! it), so writing a 128 MiB table moves 256 MiB; `memset` avoids that with non-temporal
//! stores, and so does this. They pay off only when the table would not stay in the caches
//! anyway (see [`stream_bytes`](crate::stream_bytes)): smaller tables keep ordinary stores, which
//! leave the table hot for whoever reads it next. The choice changes how values are stored,
//! never their bits.
//!
//! A line is sent to memory whole only when all its 64 bytes are stored in a row: the kernel
//! streams the lines a row's run covers whole, and stores the few lines it shares with the
//! neighbouring run with ordinary stores.

/// The bytes of a cache line, the unit non-temporal stores reach memory in.
pub(crate) const LINE: usize = 64;

/// Stores the four vectors of `values` into the line `dst` with non-temporal stores where the
/// target has them (x86-64: `movntps`, part of its baseline SSE), ordinary ones elsewhere.
/// Call [`fence`] before the data is handed to anyone.
///
/// # Safety
/// `dst` must be 16-byte aligned.
#[inline(always)]
pub(crate) unsafe fn store_line(dst: &mut [f32; 16], values: [[f32; 4]; 4]) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_loadu_ps, _mm_stream_ps};
        let line = dst.as_mut_ptr();
        for (k, values) in values.iter().enumerate() {
            // SAFETY: SSE is part of x86-64's baseline; `line` points to 16 writable f32 on a
            // 16-byte boundary (the caller's promise), so `line + 4k` (k < 4) to 4 of them on
            // one too; `values` are 4 readable f32.
            unsafe { _mm_stream_ps(line.add(4 * k), _mm_loadu_ps(values.as_ptr())) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (dst, values) in dst.as_chunks_mut::<4>().0.iter_mut().zip(values) {
        *dst = values;
    }
}

/// Asks for the line at `ptr` to be brought into L1 ahead of the ordinary stores that will
/// write it. The kernel writes each line of a row a strip of rows later, an order the hardware
/// prefetchers do not follow. Never faults, whatever `ptr` points to.
///
/// The hint asks for the line to be owned (`_MM_HINT_ET0`), but without the `prfchw` target
/// feature (not in the AVX2 kernel's set) the compiler emits `prefetcht0`, a read prefetch.
/// A real `prefetchw` (through `asm!`) measured no faster on an Ice Lake server (4 MiB tables
/// on two threads, 1.28–1.36× `memset` against 1.25–1.28× with `prefetcht0`, interleaved
/// runs): a line read into L1 by one core that no other core holds arrives owned anyway.
#[inline(always)]
pub(crate) fn prefetch_for_write(ptr: *const f32) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint: it never faults and changes no memory, whatever the
    // address.
    unsafe {
        use core::arch::x86_64::{_MM_HINT_ET0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_ET0>(ptr.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// Orders the non-temporal stores before every later store (x86-64 `sfence`).
#[inline]
pub(crate) fn fence() {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of x86-64's baseline.
    unsafe {
        core::arch::x86_64::_mm_sfence()
    };
}
