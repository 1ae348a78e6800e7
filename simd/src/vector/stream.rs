//! Non-temporal stores for tables much larger than the caches.
//!
//! A plain store to a line that is not in the cache first reads the line from memory (to own
//! it), so writing a 128 MiB table moves 256 MiB; `memset` avoids that with non-temporal
//! stores, and so does this. They pay off only when the table would not stay in the caches
//! anyway: below [`STREAM_BYTES`](crate::STREAM_BYTES) ordinary stores leave the table hot for whoever reads it
//! next. The choice changes how values are stored, never their bits.

/// Copies `src` into `dst` (of the same length) with non-temporal stores where the target has
/// them (x86-64: `movntps`, part of its baseline SSE), ordinary ones elsewhere. Call [`fence`]
/// before the data is handed to anyone.
#[inline(always)]
pub(crate) fn copy(dst: &mut [f32], src: &[f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_mm_loadu_ps, _mm_stream_ps};
        let len = dst.len().min(src.len());
        // Elements before the first 16-byte boundary (at most 3 for an f32 pointer).
        let head = dst.as_ptr().align_offset(16).min(len);
        dst[..head].copy_from_slice(&src[..head]);
        let body = (len - head) / 4 * 4;
        let (dst_body, src_body) = (&mut dst[head..head + body], &src[head..head + body]);
        for (d, s) in dst_body.chunks_exact_mut(4).zip(src_body.chunks_exact(4)) {
            // SAFETY: SSE is part of x86-64's baseline; `d` is 4 writable f32 starting on a
            // 16-byte boundary (`head` aligned the first, and each chunk is 16 bytes), `s` 4
            // readable f32.
            unsafe { _mm_stream_ps(d.as_mut_ptr(), _mm_loadu_ps(s.as_ptr())) };
        }
        dst[head + body..len].copy_from_slice(&src[head + body..len]);
    }
    #[cfg(not(target_arch = "x86_64"))]
    dst.copy_from_slice(src);
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
