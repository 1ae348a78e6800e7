//! The lanes RoPE rotates with: `f32` or `f64` vectors of the data's own type, with the few
//! operations a rotation needs (load, store, multiply, fused multiply-add and -subtract, and
//! the swap of adjacent lanes for the interleaved pairing).
//!
//! The angles are made on the `f64` lanes of `lanes` (every target: `wide`; x86-64: AVX2+FMA
//! chosen at run time); [`RopeLanes`] names, for each of those, the `f32` and `f64` vectors of
//! the same instruction set, so that one `#[target_feature]` wrapper compiles both.

use wide::{f32x8, f64x4};

use super::lanes::Lanes;
use super::lanes32::Lanes32;
use crate::rope::sweep::Rot;

/// The `f64` lanes the angles are made on (which rotate `f64` data themselves), and the `f32`
/// vector of the same instruction set.
pub(crate) trait RopeLanes: Lanes {
    type F32: Rot<Elem = f32>;
}

impl RopeLanes for f64x4 {
    type F32 = f32x8;
}

/// Every `f64` lane type rotates `f64` data with its own operations.
impl<L: Lanes> Rot for L {
    type Elem = f64;
    const N: usize = 4;
    #[inline(always)]
    fn load(x: &[f64]) -> Self {
        x.first_chunk::<4>().map_or(L::splat(0.0), |a| L::new(*a))
    }
    #[inline(always)]
    fn store(self, x: &mut [f64]) {
        if let Some(out) = x.first_chunk_mut::<4>() {
            Lanes::store(self, out);
        }
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Lanes::mul_add(self, a, b)
    }
    #[inline(always)]
    fn mul_sub(self, a: Self, b: Self) -> Self {
        Lanes::mul_sub(self, a, b)
    }
    #[inline(always)]
    fn swap_pairs(self) -> Self {
        let mut a = [0.0; 4];
        Lanes::store(self, &mut a);
        L::new([a[1], a[0], a[3], a[2]])
    }
}

impl Rot for f32x8 {
    type Elem = f32;
    const N: usize = 8;
    #[inline(always)]
    fn load(x: &[f32]) -> Self {
        x.first_chunk::<8>().map_or(f32x8::ZERO, |a| f32x8::new(*a))
    }
    #[inline(always)]
    fn store(self, x: &mut [f32]) {
        store8(self, x);
    }
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Lanes32::mul_add(self, a, b)
    }
    #[inline(always)]
    fn mul_sub(self, a: Self, b: Self) -> Self {
        f32x8::mul_sub(self, a, b)
    }
    #[inline(always)]
    fn swap_pairs(self) -> Self {
        let a = self.to_array();
        f32x8::new([a[1], a[0], a[3], a[2], a[5], a[4], a[7], a[6]])
    }
}

/// The eight lanes to the first eight values of `x` (nothing where it is shorter).
#[inline(always)]
fn store8<L: Lanes32>(lanes: L, x: &mut [f32]) {
    if let Some(out) = x.first_chunk_mut::<8>() {
        lanes.store(out);
    }
}

#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
mod avx2 {
    //! AVX2+FMA vectors. As for `lanes::Avx2`, a value of these types is only ever made inside
    //! a function compiled with `#[target_feature(enable = "avx2,fma")]`, which `dispatch`
    //! calls only after CPUID said the CPU and the OS support both; that is the safety
    //! argument of every `unsafe` below.

    use core::arch::x86_64::*;

    use super::{RopeLanes, Rot};
    use crate::vector::lanes::Avx2;
    use crate::vector::lanes32::Avx2x8;
    use crate::vector::lanes32::Lanes32;

    impl RopeLanes for Avx2 {
        type F32 = Avx2x8;
    }

    impl Rot for Avx2x8 {
        type Elem = f32;
        const N: usize = 8;
        #[inline(always)]
        fn load(x: &[f32]) -> Self {
            match x.first_chunk::<8>() {
                // SAFETY: AVX (module docs); the pointer is to eight readable f32.
                Some(a) => Avx2x8(unsafe { _mm256_loadu_ps(a.as_ptr()) }),
                // SAFETY: AVX (module docs).
                None => Avx2x8(unsafe { _mm256_setzero_ps() }),
            }
        }
        #[inline(always)]
        fn store(self, x: &mut [f32]) {
            super::store8(self, x);
        }
        #[inline(always)]
        fn mul_add(self, a: Self, b: Self) -> Self {
            Lanes32::mul_add(self, a, b)
        }
        #[inline(always)]
        fn mul_sub(self, a: Self, b: Self) -> Self {
            // SAFETY: FMA (module docs).
            Avx2x8(unsafe { _mm256_fmsub_ps(self.0, a.0, b.0) })
        }
        #[inline(always)]
        fn swap_pairs(self) -> Self {
            // SAFETY: AVX (module docs).
            Avx2x8(unsafe { _mm256_permute_ps::<0b10_11_00_01>(self.0) })
        }
    }
}
