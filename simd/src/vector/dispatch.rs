//! Run-time choice of the instruction set on x86-64, where a build for the baseline CPU
//! (SSE2, what `cargo build` gives without `RUSTFLAGS`) would leave AVX2 and FMA unused.
//!
//! `wide` fixes its register width when it is compiled, so a `#[target_feature]` wrapper
//! around `wide` code still runs SSE2 pairs; the AVX2 lanes of `lanes::Avx2` are what the
//! wrapper instantiates the kernel with. The CPU is asked once (CPUID, and XGETBV for the OS's
//! support of the YMM registers: `is_x86_feature_detected!` is std-only) and the answer cached.

use core::sync::atomic::{AtomicU8, Ordering};

use crate::tuning::cpuid;

const UNKNOWN: u8 = 0;
const ABSENT: u8 = 1;
const PRESENT: u8 = 2;

static AVX2_FMA: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether this CPU and OS run AVX2 and FMA instructions.
#[inline]
pub(crate) fn avx2_fma() -> bool {
    cached(&AVX2_FMA, detect)
}

static F16C: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether this CPU runs F16C's conversions, where it runs AVX2 and FMA (whose check includes
/// the OS's support of the YMM registers, which F16C's 256-bit forms need too).
#[inline]
pub(crate) fn f16c() -> bool {
    // CPUID.1:ECX: F16C is bit 29.
    cached(&F16C, || avx2_fma() && cpuid(1, 0).ecx & (1 << 29) != 0)
}

/// The answer of `detect`, asked once and kept in `flag`.
#[inline]
fn cached(flag: &AtomicU8, detect: impl FnOnce() -> bool) -> bool {
    match flag.load(Ordering::Relaxed) {
        PRESENT => true,
        ABSENT => false,
        _ => {
            let present = detect();
            flag.store(if present { PRESENT } else { ABSENT }, Ordering::Relaxed);
            present
        }
    }
}

fn detect() -> bool {
    // CPUID.1:ECX: FMA is bit 12, OSXSAVE bit 27, AVX bit 28.
    let leaf1 = cpuid(1, 0);
    let fma = leaf1.ecx & (1 << 12) != 0;
    let osxsave = leaf1.ecx & (1 << 27) != 0;
    let avx = leaf1.ecx & (1 << 28) != 0;
    if !(fma && osxsave && avx) {
        return false;
    }
    // SAFETY: OSXSAVE is set, so XGETBV is available.
    let xcr0 = unsafe { xcr0() };
    // The OS saves XMM (bit 1) and YMM (bit 2) state.
    if xcr0 & 0b110 != 0b110 {
        return false;
    }
    if cpuid(0, 0).eax < 7 {
        return false;
    }
    // CPUID.(7,0):EBX: AVX2 is bit 5.
    cpuid(7, 0).ebx & (1 << 5) != 0
}

/// XCR0, the OS's enabled register states.
///
/// # Safety
/// The CPU must support XGETBV (CPUID.1:ECX.OSXSAVE).
#[target_feature(enable = "xsave")]
unsafe fn xcr0() -> u64 {
    // SAFETY: the caller checked OSXSAVE.
    unsafe { core::arch::x86_64::_xgetbv(0) }
}

#[cfg(test)]
mod tests {
    extern crate std;

    #[test]
    fn detection_agrees_with_std() {
        let std_says =
            std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma");
        assert_eq!(super::avx2_fma(), std_says);
        // Cached: the same answer again.
        assert_eq!(super::avx2_fma(), std_says);
        let f16c = std_says && std::is_x86_feature_detected!("f16c");
        assert_eq!(super::f16c(), f16c);
        assert_eq!(super::f16c(), f16c);
    }
}
