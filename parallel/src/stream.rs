//! Streaming (non-temporal) stores for outputs larger than the cache.
//!
//! An ordinary store to a line that is not in the cache first reads the line from memory (a
//! "read for ownership"), so writing a table much larger than the cache moves each byte over
//! the memory bus twice. Non-temporal stores write whole lines straight to memory without
//! reading them, as `memset` does for large sizes. The SIMD kernel writes each chunk into a
//! small buffer that stays in the L1/L2 cache, and this module copies it out with streaming
//! stores: the copy's reads hit the cache, and the output is written once.

use posenc_core::Element;

/// Copies `src` to `dst` (same length) with streaming stores where the target has them, and
/// makes them visible to other threads before returning.
#[cfg(target_arch = "x86_64")]
pub(crate) fn copy<T: Element>(src: &[T], dst: &mut [T]) {
    use core::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_sfence, _mm_stream_si128};

    const LANE: usize = size_of::<__m128i>();
    debug_assert_eq!(src.len(), dst.len(), "stream::copy of unequal lengths");
    let bytes = size_of_val(src).min(size_of_val(dst));
    let src = src.as_ptr().cast::<u8>();
    let dst = dst.as_mut_ptr().cast::<u8>();
    // Ordinary copies for the head up to the first 16-byte boundary of `dst` and for the tail.
    let head = dst.align_offset(LANE).min(bytes);
    let body = (bytes - head) / LANE * LANE;
    // SAFETY: `src` and `dst` are both valid for `bytes` bytes (the smaller of the two
    // slices) and do not overlap (`dst` is a unique borrow); every offset below is at
    // most `bytes`. `_mm_stream_si128` needs a 16-byte aligned destination, which `head`
    // gives; `_mm_loadu_si128` takes any alignment; SSE2 is part of x86-64. The fence orders
    // the weakly ordered streaming stores before everything after it, so a thread that learns
    // (through rayon's synchronisation) that this chunk is done also sees its values.
    unsafe {
        core::ptr::copy_nonoverlapping(src, dst, head);
        let mut offset = head;
        while offset < head + body {
            let v = _mm_loadu_si128(src.add(offset).cast::<__m128i>());
            _mm_stream_si128(dst.add(offset).cast::<__m128i>(), v);
            offset += LANE;
        }
        core::ptr::copy_nonoverlapping(src.add(offset), dst.add(offset), bytes - offset);
        _mm_sfence();
    }
}

/// Without streaming stores, an ordinary copy.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn copy<T: Element>(src: &[T], dst: &mut [T]) {
    dst.copy_from_slice(src);
}

/// Whether streaming pays on this target at all.
pub(crate) const AVAILABLE: bool = cfg!(target_arch = "x86_64");
