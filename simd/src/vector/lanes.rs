//! Four `f64` lanes: the few operations the kernel needs, for `wide`'s `f64x4` (every target,
//! its width fixed at compile time) and, on x86-64, for AVX2+FMA registers chosen at run time.
//!
//! Integer operations act on the lanes' bits (`to_bits`), as the reductions need them to read
//! `k mod 4` and to build `2^−k`.

use core::ops::{Add, Mul, Neg, Sub};

use wide::{f32x8, f64x4, u32x8, u64x4};

use super::lanes32::Lanes32;

/// Four `f64` lanes.
pub(crate) trait Lanes:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Neg<Output = Self>
{
    fn splat(x: f64) -> Self;
    fn new(lanes: [f64; 4]) -> Self;
    fn store(self, out: &mut [f64; 4]);
    /// `self·a + b` (fused where the instruction set has FMA).
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `b − self·a` (fused where the instruction set has FMA).
    fn mul_neg_add(self, a: Self, b: Self) -> Self;
    /// `self·a − b` (fused where the instruction set has FMA).
    fn mul_sub(self, a: Self, b: Self) -> Self;
    /// The lanes of `if_odd` where the integer held in the low bits of `bits` is odd, else
    /// those of `if_even`.
    fn select_odd(bits: Self, if_odd: Self, if_even: Self) -> Self;
    /// The lane-wise minimum (of numbers, never NaN here).
    fn min(self, other: Self) -> Self;
    fn splat_bits(bits: u64) -> Self;
    fn and(self, other: Self) -> Self;
    fn xor(self, other: Self) -> Self;
    /// Lane-wise wrapping `u64` addition of the bits.
    fn add_bits(self, other: Self) -> Self;
    /// Lane-wise wrapping `u64` subtraction of the bits.
    fn sub_bits(self, other: Self) -> Self;
    /// Lane-wise left shift of the bits.
    fn shl_bits<const N: i32>(self) -> Self;
    /// The lanes rounded to `f32` (to nearest).
    fn to_f32(self) -> [f32; 4];
    /// `[s0, c0, s1, c1, s2, c2, s3, c3]`, rounded to `f32`.
    fn interleave_f32(sin: Self, cos: Self) -> [f32; 8];
    /// `[s0, c0, s1, c1, s2, c2, s3, c3]`.
    fn interleave_f64(sin: Self, cos: Self) -> [f64; 8];
    /// Eight `f32` lanes, what two of these narrow to.
    type Narrow: Lanes32;
    /// Whether [`Self::Narrow`]'s `mul_add` is fused, which the `f32` polynomials of
    /// `sincos32` need (their error budget counts one rounding per step).
    const NARROW_FUSED: bool;
    /// The lanes of `lo` then `hi`, rounded to `f32`.
    fn narrow(lo: Self, hi: Self) -> Self::Narrow;
    /// The low 32 bits of the lanes of `lo` then `hi`, as the bits of `f32` lanes.
    fn narrow_bits(lo: Self, hi: Self) -> Self::Narrow;
}

/// The lane methods that `Lanes` and `Lanes32` share, for `wide`'s types (`$wide` of `$float`,
/// its bits as `$uint` lanes of `$bits`), inside an `impl` of either.
macro_rules! wide_methods {
    ($wide:ident, float: $float:ty, bits: $bits:ty as $uint:ident) => {
        #[inline(always)]
        fn splat(x: $float) -> Self {
            $wide::splat(x)
        }
        #[inline(always)]
        fn mul_add(self, a: Self, b: Self) -> Self {
            $wide::mul_add(self, a, b)
        }
        #[inline(always)]
        fn select_odd(bits: Self, if_odd: Self, if_even: Self) -> Self {
            let odd = $uint::ZERO - (bits.to_bits() & $uint::ONE); // all ones where odd
            odd.select(if_odd, if_even)
        }
        #[inline(always)]
        fn splat_bits(bits: $bits) -> Self {
            $wide::from_bits($uint::splat(bits))
        }
        #[inline(always)]
        fn and(self, other: Self) -> Self {
            self & other
        }
        #[inline(always)]
        fn xor(self, other: Self) -> Self {
            self ^ other
        }
        #[inline(always)]
        fn shl_bits<const N: i32>(self) -> Self {
            $wide::from_bits(self.to_bits() << N as u32)
        }
    };
}
pub(crate) use wide_methods;

impl Lanes for f64x4 {
    wide_methods!(f64x4, float: f64, bits: u64 as u64x4);
    #[inline(always)]
    fn new(lanes: [f64; 4]) -> Self {
        f64x4::new(lanes)
    }
    #[inline(always)]
    fn store(self, out: &mut [f64; 4]) {
        *out = self.to_array();
    }
    #[inline(always)]
    fn mul_neg_add(self, a: Self, b: Self) -> Self {
        f64x4::mul_neg_add(self, a, b)
    }
    #[inline(always)]
    fn mul_sub(self, a: Self, b: Self) -> Self {
        f64x4::mul_sub(self, a, b)
    }
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        self.fast_min(other)
    }
    #[inline(always)]
    fn add_bits(self, other: Self) -> Self {
        f64x4::from_bits(self.to_bits() + other.to_bits())
    }
    #[inline(always)]
    fn sub_bits(self, other: Self) -> Self {
        f64x4::from_bits(self.to_bits() - other.to_bits())
    }
    #[inline(always)]
    fn to_f32(self) -> [f32; 4] {
        self.to_array().map(|x| x as f32)
    }
    #[inline(always)]
    fn interleave_f32(sin: Self, cos: Self) -> [f32; 8] {
        let (s, c) = (sin.to_f32(), cos.to_f32());
        [s[0], c[0], s[1], c[1], s[2], c[2], s[3], c[3]]
    }
    #[inline(always)]
    fn interleave_f64(sin: Self, cos: Self) -> [f64; 8] {
        let (s, c) = (sin.to_array(), cos.to_array());
        [s[0], c[0], s[1], c[1], s[2], c[2], s[3], c[3]]
    }
    type Narrow = f32x8;
    /// `wide` fuses `f32x8::mul_add` where it is compiled for AVX and FMA.
    const NARROW_FUSED: bool = cfg!(all(target_feature = "avx", target_feature = "fma"));
    #[inline(always)]
    fn narrow(lo: Self, hi: Self) -> f32x8 {
        let (lo, hi) = (lo.to_array(), hi.to_array());
        f32x8::new([
            lo[0] as f32,
            lo[1] as f32,
            lo[2] as f32,
            lo[3] as f32,
            hi[0] as f32,
            hi[1] as f32,
            hi[2] as f32,
            hi[3] as f32,
        ])
    }
    #[inline(always)]
    fn narrow_bits(lo: Self, hi: Self) -> f32x8 {
        let (lo, hi) = (lo.to_bits().to_array(), hi.to_bits().to_array());
        f32x8::from_bits(u32x8::new([
            lo[0] as u32,
            lo[1] as u32,
            lo[2] as u32,
            lo[3] as u32,
            hi[0] as u32,
            hi[1] as u32,
            hi[2] as u32,
            hi[3] as u32,
        ]))
    }
}

#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
pub(crate) use avx2::Avx2;

/// `impl $op for $lanes` by one AVX intrinsic on the wrapped registers, for the AVX2+FMA lane
/// types (here and in `lanes32`), whose values exist only where AVX is present.
#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
macro_rules! register_op {
    ($lanes:ident, $op:ident, $method:ident, $intrinsic:ident) => {
        impl $op for $lanes {
            type Output = Self;
            #[inline(always)]
            fn $method(self, other: Self) -> Self {
                // SAFETY: AVX is present wherever a value of these lanes exists (module docs).
                $lanes(unsafe { $intrinsic(self.0, other.0) })
            }
        }
    };
}
#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
pub(crate) use register_op;

/// An AVX2+FMA lane type wrapping one register, with `+` and `·` by `$add` and `$mul`: the
/// `f64` lanes here and the `f32` lanes of `lanes32`.
#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
macro_rules! register_lanes {
    ($(#[$doc:meta])* $lanes:ident($register:ty), add: $add:ident, mul: $mul:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        #[repr(transparent)]
        pub(crate) struct $lanes(pub(crate) $register);

        register_op!($lanes, Add, add, $add);
        register_op!($lanes, Mul, mul, $mul);
    };
}
#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
pub(crate) use register_lanes;

/// The lane methods that `Lanes` and `Lanes32` share, each one intrinsic (or two casts around
/// one) of the lane width's own, inside an `impl` of either for a [`register_lanes!`] type.
/// `$sign` is the bit the shift of `select_odd` moves bit 0 to, where `blendv` reads it.
#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
macro_rules! register_methods {
    (
        float: $float:ty, bits: $bits:ty as $signed:ty, sign: $sign:literal,
        splat: $splat:ident, splat_int: $splat_int:ident, fmadd: $fmadd:ident,
        blendv: $blendv:ident, and: $and:ident, xor: $xor:ident, shift: $shift:ident,
        to_int: $to_int:ident, from_int: $from_int:ident
    ) => {
        #[inline(always)]
        fn splat(x: $float) -> Self {
            // SAFETY: as for the `register_op!` operators.
            Self(unsafe { $splat(x) })
        }
        #[inline(always)]
        fn mul_add(self, a: Self, b: Self) -> Self {
            // SAFETY: FMA is present wherever a value of these lanes exists (module docs).
            Self(unsafe { $fmadd(self.0, a.0, b.0) })
        }
        #[inline(always)]
        fn select_odd(bits: Self, if_odd: Self, if_even: Self) -> Self {
            // blendv reads each lane's sign bit: move bit 0 there.
            let odd = bits.shl_bits::<$sign>();
            // SAFETY: as for the `register_op!` operators.
            Self(unsafe { $blendv(if_even.0, if_odd.0, odd.0) })
        }
        #[inline(always)]
        fn splat_bits(bits: $bits) -> Self {
            // SAFETY: as for the `register_op!` operators.
            Self(unsafe { $from_int($splat_int(bits as $signed)) })
        }
        #[inline(always)]
        fn and(self, other: Self) -> Self {
            // SAFETY: as for the `register_op!` operators.
            Self(unsafe { $and(self.0, other.0) })
        }
        #[inline(always)]
        fn xor(self, other: Self) -> Self {
            // SAFETY: as for the `register_op!` operators.
            Self(unsafe { $xor(self.0, other.0) })
        }
        #[inline(always)]
        fn shl_bits<const N: i32>(self) -> Self {
            // SAFETY: AVX2 is present wherever a value of these lanes exists (module docs).
            Self(unsafe { $from_int($shift::<N>($to_int(self.0))) })
        }
    };
}
#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
pub(crate) use register_methods;

#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
mod avx2 {
    //! AVX2+FMA lanes. A value of [`Avx2`] is only ever made inside a function compiled with
    //! `#[target_feature(enable = "avx2,fma")]`, which `dispatch` calls only after CPUID said
    //! the CPU and the OS support both; that is the safety argument of every `unsafe` below.

    use core::arch::x86_64::*;
    use core::ops::{Add, Mul, Neg, Sub};

    use super::Lanes;
    use crate::vector::lanes32::Avx2x8;

    register_lanes!(Avx2(__m256d), add: _mm256_add_pd, mul: _mm256_mul_pd);
    register_op!(Avx2, Sub, sub, _mm256_sub_pd);
    impl Neg for Avx2 {
        type Output = Self;
        #[inline(always)]
        fn neg(self) -> Self {
            self.xor(Self::splat_bits(1 << 63))
        }
    }

    impl Lanes for Avx2 {
        register_methods! {
            float: f64, bits: u64 as i64, sign: 63,
            splat: _mm256_set1_pd, splat_int: _mm256_set1_epi64x, fmadd: _mm256_fmadd_pd,
            blendv: _mm256_blendv_pd, and: _mm256_and_pd, xor: _mm256_xor_pd,
            shift: _mm256_slli_epi64, to_int: _mm256_castpd_si256, from_int: _mm256_castsi256_pd
        }
        #[inline(always)]
        fn new(lanes: [f64; 4]) -> Self {
            // SAFETY: as for the `register_op!` operators; the pointer is to four readable f64.
            Avx2(unsafe { _mm256_loadu_pd(lanes.as_ptr()) })
        }
        #[inline(always)]
        fn store(self, out: &mut [f64; 4]) {
            // SAFETY: as for the `register_op!` operators; the pointer is to four writable f64.
            unsafe { _mm256_storeu_pd(out.as_mut_ptr(), self.0) }
        }
        #[inline(always)]
        fn mul_neg_add(self, a: Self, b: Self) -> Self {
            // SAFETY: as for `mul_add`.
            Avx2(unsafe { _mm256_fnmadd_pd(self.0, a.0, b.0) })
        }
        #[inline(always)]
        fn mul_sub(self, a: Self, b: Self) -> Self {
            // SAFETY: as for `mul_add`.
            Avx2(unsafe { _mm256_fmsub_pd(self.0, a.0, b.0) })
        }
        #[inline(always)]
        fn min(self, other: Self) -> Self {
            // SAFETY: as for the `register_op!` operators.
            Avx2(unsafe { _mm256_min_pd(self.0, other.0) })
        }
        #[inline(always)]
        fn add_bits(self, other: Self) -> Self {
            // SAFETY: AVX2 is present wherever an Avx2 value exists (module docs).
            Avx2(unsafe {
                _mm256_castsi256_pd(_mm256_add_epi64(
                    _mm256_castpd_si256(self.0),
                    _mm256_castpd_si256(other.0),
                ))
            })
        }
        #[inline(always)]
        fn sub_bits(self, other: Self) -> Self {
            // SAFETY: as for `add_bits`.
            Avx2(unsafe {
                _mm256_castsi256_pd(_mm256_sub_epi64(
                    _mm256_castpd_si256(self.0),
                    _mm256_castpd_si256(other.0),
                ))
            })
        }
        #[inline(always)]
        fn to_f32(self) -> [f32; 4] {
            let mut out = [0.0f32; 4];
            // SAFETY: as for the `register_op!` operators; the pointer is to four writable f32.
            unsafe { _mm_storeu_ps(out.as_mut_ptr(), _mm256_cvtpd_ps(self.0)) };
            out
        }
        #[inline(always)]
        fn interleave_f32(sin: Self, cos: Self) -> [f32; 8] {
            let mut out = [0.0f32; 8];
            // SAFETY: as for the `register_op!` operators; the pointers are to eight writable f32.
            unsafe {
                let (s, c) = (_mm256_cvtpd_ps(sin.0), _mm256_cvtpd_ps(cos.0));
                _mm_storeu_ps(out.as_mut_ptr(), _mm_unpacklo_ps(s, c));
                _mm_storeu_ps(out.as_mut_ptr().add(4), _mm_unpackhi_ps(s, c));
            }
            out
        }
        #[inline(always)]
        fn interleave_f64(sin: Self, cos: Self) -> [f64; 8] {
            let mut out = [0.0f64; 8];
            // SAFETY: as for the `register_op!` operators; the pointers are to eight writable f64.
            unsafe {
                let low = _mm256_unpacklo_pd(sin.0, cos.0); // s0 c0 s2 c2
                let high = _mm256_unpackhi_pd(sin.0, cos.0); // s1 c1 s3 c3
                _mm256_storeu_pd(out.as_mut_ptr(), _mm256_permute2f128_pd::<0x20>(low, high));
                _mm256_storeu_pd(
                    out.as_mut_ptr().add(4),
                    _mm256_permute2f128_pd::<0x31>(low, high),
                );
            }
            out
        }
        type Narrow = Avx2x8;
        const NARROW_FUSED: bool = true;
        #[inline(always)]
        fn narrow(lo: Self, hi: Self) -> Avx2x8 {
            // SAFETY: as for the `register_op!` operators.
            Avx2x8(unsafe {
                _mm256_insertf128_ps::<1>(
                    _mm256_castps128_ps256(_mm256_cvtpd_ps(lo.0)),
                    _mm256_cvtpd_ps(hi.0),
                )
            })
        }
        #[inline(always)]
        fn narrow_bits(lo: Self, hi: Self) -> Avx2x8 {
            // SAFETY: as for `add_bits`.
            Avx2x8(unsafe {
                // The low halves: lo0 lo1 hi0 hi1 | lo2 lo3 hi2 hi3, then put in order by
                // 64-bit quarters (0, 2, 1, 3).
                let low_halves = _mm256_shuffle_ps::<0b10_00_10_00>(
                    _mm256_castpd_ps(lo.0),
                    _mm256_castpd_ps(hi.0),
                );
                _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(
                    low_halves,
                )))
            })
        }
    }
}
