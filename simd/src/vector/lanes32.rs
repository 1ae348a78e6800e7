//! Eight `f32` lanes: the few operations the `f32` polynomials of `sincos32` need, for
//! `wide`'s `f32x8` and, on x86-64, for AVX2+FMA registers chosen at run time. A pair of
//! four-lane `f64` vectors narrows to one of these (`Lanes::narrow`).
//!
//! Integer operations act on the lanes' bits, as the quadrant fix-up needs them to read
//! `k mod 4`.

use core::ops::{Add, Mul};

use wide::{f32x8, u32x8};

use super::lanes::wide_methods;

/// Eight `f32` lanes.
pub(crate) trait Lanes32: Copy + Add<Output = Self> + Mul<Output = Self> {
    fn splat(x: f32) -> Self;
    /// `self·a + b`, fused (the lanes of the `Lanes` that hand these out always fuse).
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// The lanes of `if_odd` where the integer held in the low bits of `bits` is odd, else
    /// those of `if_even`.
    fn select_odd(bits: Self, if_odd: Self, if_even: Self) -> Self;
    fn splat_bits(bits: u32) -> Self;
    fn and(self, other: Self) -> Self;
    fn xor(self, other: Self) -> Self;
    /// Lane-wise left shift of the bits.
    fn shl_bits<const N: i32>(self) -> Self;
    fn store(self, out: &mut [f32; 8]);
    /// Writes `[s0, c0, s1, c1, …, s7, c7]`.
    fn store_interleaved(sin: Self, cos: Self, out: &mut [f32; 16]);
}

impl Lanes32 for f32x8 {
    wide_methods!(f32x8, float: f32, bits: u32 as u32x8);
    #[inline(always)]
    fn store(self, out: &mut [f32; 8]) {
        *out = self.to_array();
    }
    #[inline(always)]
    fn store_interleaved(sin: Self, cos: Self, out: &mut [f32; 16]) {
        let (s, c) = (sin.to_array(), cos.to_array());
        for (pair, (s, c)) in out.chunks_exact_mut(2).zip(s.into_iter().zip(c)) {
            pair[0] = s;
            pair[1] = c;
        }
    }
}

#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
pub(crate) use avx2::Avx2x8;

#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
mod avx2 {
    //! AVX2+FMA lanes of `f32`. As for `lanes::Avx2`, a value of [`Avx2x8`] is only ever made
    //! inside a function compiled with `#[target_feature(enable = "avx2,fma")]`, which
    //! `dispatch` calls only after CPUID said the CPU and the OS support both; that is the
    //! safety argument of every `unsafe` below.

    use core::arch::x86_64::*;
    use core::ops::{Add, Mul};

    use super::Lanes32;
    use crate::vector::lanes::{register_lanes, register_methods, register_op};

    register_lanes!(Avx2x8(__m256), add: _mm256_add_ps, mul: _mm256_mul_ps);

    impl Lanes32 for Avx2x8 {
        register_methods! {
            float: f32, bits: u32 as i32, sign: 31,
            splat: _mm256_set1_ps, splat_int: _mm256_set1_epi32, fmadd: _mm256_fmadd_ps,
            blendv: _mm256_blendv_ps, and: _mm256_and_ps, xor: _mm256_xor_ps,
            shift: _mm256_slli_epi32, to_int: _mm256_castps_si256, from_int: _mm256_castsi256_ps
        }
        #[inline(always)]
        fn store(self, out: &mut [f32; 8]) {
            // SAFETY: as for the `register_op!` operators; the pointer is to eight writable f32.
            unsafe { _mm256_storeu_ps(out.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn store_interleaved(sin: Self, cos: Self, out: &mut [f32; 16]) {
            // SAFETY: as for the `register_op!` operators; the pointers are to sixteen writable f32.
            unsafe {
                let low = _mm256_unpacklo_ps(sin.0, cos.0); // s0 c0 s1 c1 | s4 c4 s5 c5
                let high = _mm256_unpackhi_ps(sin.0, cos.0); // s2 c2 s3 c3 | s6 c6 s7 c7
                _mm256_storeu_ps(out.as_mut_ptr(), _mm256_permute2f128_ps::<0x20>(low, high));
                _mm256_storeu_ps(
                    out.as_mut_ptr().add(8),
                    _mm256_permute2f128_ps::<0x31>(low, high),
                );
            }
        }
    }
}
