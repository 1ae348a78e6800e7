//! Blocks of `f32` values to `f16`/`bf16` (rounded once, to nearest even) and back (exact):
//! how the fast paths turn their `f32` values into the reduced element types.
//!
//! The SPEC lets every backend round its `f32` value (within 2^−23 of exact) once to the
//! reduced type, which bounds it by half an ulp at 1.0 plus 2^−23. The conversions are the
//! `half` crate's (`from_f32`, to nearest even, NaN kept quiet), or, bit for bit the same on
//! every value but NaN payloads, F16C's `vcvtps2ph`/`vcvtph2ps` eight lanes at a time on
//! x86-64 CPUs that have it (asked at run time with the AVX2 backend), and for `bf16` the
//! integer rounding `(bits + 0x7fff + lsb) >> 16` on whole vectors of eight, which the
//! compiler vectorises (AVX2 with the AVX2 backend).

use posenc_core::{Element, Row, RowMut, bf16, f16};

/// How a block is converted, chosen from the backend a call runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Convert {
    /// Portable code (`f16` one value at a time, `bf16` vectorised for the build's target).
    Scalar,
    /// F16C for `f16`, AVX2 for `bf16`. Made only where the CPU and the OS run AVX2 and
    /// F16C: that is what makes its functions safe to call.
    #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
    F16c,
}

/// `f32` values of the stack tiles the fast paths compute reduced outputs in: 64 KiB on
/// 64-bit targets (as the RoPE sweep's buffer), 8 KiB where stacks are small; every RoPE
/// configuration the fast path covers has a cache row and a rotary part of a vector that fit
/// (`4·MAX_PAIRS` values).
#[cfg(target_pointer_width = "64")]
pub(crate) const TILE: usize = 16384;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const TILE: usize = 2048;

/// The largest tile, for tables: a whole period of the recurrence
/// ([`ANCHOR_ROWS`](crate::ANCHOR_ROWS) rows) of `d_model` up to 1024 on 64-bit targets
/// (256 KiB), so that a tile starts on an anchor and steps no row twice. With [`TILE`]
/// (16 rows of 1024) a 32768 × 1024 `f16` table took 4.6 times the `f32` table's time: every
/// tile stepped from its period's anchor again, and made the period's ω and R(1) again.
#[cfg(target_pointer_width = "64")]
pub(crate) const TABLE_TILE: usize = 65536;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const TABLE_TILE: usize = TILE;

/// The tile for calls of a few values (one token, one row).
const SMALL_TILE: usize = 512;

/// Runs `f` on a zeroed tile of at least `need` values, or of [`TABLE_TILE`] where `need` is
/// larger: the smallest of 512, [`TILE`] and [`TABLE_TILE`] values that holds them, because
/// zeroing the large ones would cost more than converting one token or row.
#[inline(always)]
pub(crate) fn with_tile<T>(need: usize, f: impl FnOnce(&mut [f32]) -> T) -> T {
    if need <= SMALL_TILE {
        f(&mut [0.0f32; SMALL_TILE])
    } else if need <= TILE {
        f(&mut [0.0f32; TILE])
    } else {
        f(&mut [0.0f32; TABLE_TILE])
    }
}

/// `src` rounded once into `dst` of any element type (`f16`/`bf16` by [`Reduced::narrow`];
/// the others, which never take this path, by their `from_f64`).
#[inline]
pub(crate) fn narrow<T: Element>(how: Convert, src: &[f32], dst: &mut [T]) {
    match T::as_row_mut(dst) {
        RowMut::F16(dst) => f16::narrow(how, src, dst),
        RowMut::Bf16(dst) => bf16::narrow(how, src, dst),
        RowMut::F32(dst) => dst.iter_mut().zip(src).for_each(|(d, s)| *d = *s),
        RowMut::F64(dst) => dst
            .iter_mut()
            .zip(src)
            .for_each(|(d, s)| *d = f64::from(*s)),
    }
}

/// `src` of any element type widened into `dst` (exact for `f16`, `bf16`, `f32`).
#[inline]
pub(crate) fn widen<T: Element>(how: Convert, src: &[T], dst: &mut [f32]) {
    match T::as_row(src) {
        Row::F16(src) => f16::widen(how, src, dst),
        Row::Bf16(src) => bf16::widen(how, src, dst),
        Row::F32(src) => dst.iter_mut().zip(src).for_each(|(d, s)| *d = *s),
        Row::F64(src) => dst.iter_mut().zip(src).for_each(|(d, s)| *d = *s as f32),
    }
}

/// An element type the fast paths compute in `f32` and convert once: `f16` or `bf16`.
pub(crate) trait Reduced: Element {
    /// `dst[i] = src[i]` rounded to nearest even (the lengths are equal).
    fn narrow(how: Convert, src: &[f32], dst: &mut [Self]);
    /// `dst[i] = src[i]` widened, exactly (the lengths are equal).
    fn widen(how: Convert, src: &[Self], dst: &mut [f32]);
    /// [`narrow`](Reduced::narrow), with non-temporal stores where `how` is
    /// [`Convert::F16c`] (for tables past the caches, as the `f32` tables stream): the same
    /// bits. The caller orders the stores with an `sfence` before handing the data on.
    #[cfg_attr(feature = "scalar-math", allow(dead_code))]
    fn narrow_streamed(how: Convert, src: &[f32], dst: &mut [Self]) {
        Self::narrow(how, src, dst);
    }
}

/// Lanes per vector of the conversions: eight `f32`, one AVX register.
const LANES: usize = 8;

impl Reduced for f16 {
    #[inline]
    fn narrow(how: Convert, src: &[f32], dst: &mut [f16]) {
        match how {
            // SAFETY: a `Convert::F16c` exists only where the CPU runs F16C and AVX.
            #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
            Convert::F16c => unsafe { x86::narrow_f16(src, dst) },
            Convert::Scalar => {
                for (d, s) in dst.iter_mut().zip(src) {
                    *d = f16::from_f32(*s);
                }
            }
        }
    }

    #[inline]
    fn narrow_streamed(how: Convert, src: &[f32], dst: &mut [f16]) {
        match how {
            // SAFETY: as for `narrow`.
            #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
            Convert::F16c => unsafe { x86::streamed::<f16, false>(src, dst) },
            Convert::Scalar => f16::narrow(how, src, dst),
        }
    }

    #[inline]
    fn widen(how: Convert, src: &[f16], dst: &mut [f32]) {
        match how {
            // SAFETY: as for `narrow`.
            #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
            Convert::F16c => unsafe { x86::widen_f16(src, dst) },
            Convert::Scalar => {
                for (d, s) in dst.iter_mut().zip(src) {
                    *d = s.to_f32();
                }
            }
        }
    }
}

impl Reduced for bf16 {
    #[inline]
    fn narrow(how: Convert, src: &[f32], dst: &mut [bf16]) {
        match how {
            // SAFETY: a `Convert::F16c` exists only where the CPU runs AVX2.
            #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
            Convert::F16c => unsafe { x86::narrow_bf16(src, dst) },
            Convert::Scalar => narrow_bf16(src, dst),
        }
    }

    #[inline]
    fn narrow_streamed(how: Convert, src: &[f32], dst: &mut [bf16]) {
        match how {
            // SAFETY: as for `narrow`.
            #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
            Convert::F16c => unsafe { x86::streamed::<bf16, true>(src, dst) },
            Convert::Scalar => bf16::narrow(how, src, dst),
        }
    }

    #[inline]
    fn widen(_: Convert, src: &[bf16], dst: &mut [f32]) {
        // A shift: exact, and vectorised as it is.
        for (d, s) in dst.iter_mut().zip(src) {
            *d = f32::from_bits(u32::from(s.to_bits()) << 16);
        }
    }
}

/// `bits` of an `f32` rounded to `bf16` to nearest even, NaN kept (quieted): `half`'s
/// `bf16::from_f32` without its branches, so that whole vectors take it.
#[inline(always)]
fn bf16_bits(bits: u32) -> u16 {
    let rounded = bits.wrapping_add(0x7fff + ((bits >> 16) & 1)) >> 16;
    let nan = bits & 0x7fff_ffff > 0x7f80_0000;
    // The top 16 bits: the cast keeps them.
    (if nan { (bits >> 16) | 0x40 } else { rounded }) as u16
}

/// `bf16` narrowing, eight lanes at a time (the compiler's vectors), then the tail.
#[inline(always)]
fn narrow_bf16(src: &[f32], dst: &mut [bf16]) {
    let mut d = dst.chunks_exact_mut(LANES);
    let mut s = src.chunks_exact(LANES);
    for (d, s) in (&mut d).zip(&mut s) {
        for (d, s) in d.iter_mut().zip(s) {
            *d = bf16::from_bits(bf16_bits(s.to_bits()));
        }
    }
    for (d, s) in d.into_remainder().iter_mut().zip(s.remainder()) {
        *d = bf16::from_bits(bf16_bits(s.to_bits()));
    }
}

#[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
mod x86 {
    use core::arch::x86_64::{
        __m128i, _MM_FROUND_TO_NEAREST_INT, _mm_loadu_si128, _mm_storeu_si128, _mm_stream_si128,
        _mm256_add_epi32, _mm256_and_si256, _mm256_blendv_epi8, _mm256_castsi256_si128,
        _mm256_cmpgt_epi32, _mm256_cvtph_ps, _mm256_cvtps_ph, _mm256_loadu_ps, _mm256_loadu_si256,
        _mm256_or_si256, _mm256_packus_epi32, _mm256_permute4x64_epi64, _mm256_set1_epi32,
        _mm256_srli_epi32, _mm256_storeu_ps,
    };

    use super::{LANES, bf16, f16};

    /// # Safety
    /// The CPU must support F16C and AVX.
    #[target_feature(enable = "avx,f16c")]
    pub(super) unsafe fn narrow_f16(src: &[f32], dst: &mut [f16]) {
        let mut d = dst.chunks_exact_mut(LANES);
        let mut s = src.chunks_exact(LANES);
        for (d, s) in (&mut d).zip(&mut s) {
            // SAFETY: `s` holds 8 `f32` and `d` 8 `f16` (16 bytes, `f16` is a `u16`);
            // unaligned loads and stores.
            unsafe {
                let v = _mm256_loadu_ps(s.as_ptr());
                let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(v);
                _mm_storeu_si128(d.as_mut_ptr().cast(), h);
            }
        }
        for (d, s) in d.into_remainder().iter_mut().zip(s.remainder()) {
            *d = f16::from_f32(*s);
        }
    }

    /// # Safety
    /// The CPU must support F16C and AVX.
    #[target_feature(enable = "avx,f16c")]
    pub(super) unsafe fn widen_f16(src: &[f16], dst: &mut [f32]) {
        let mut d = dst.chunks_exact_mut(LANES);
        let mut s = src.chunks_exact(LANES);
        for (d, s) in (&mut d).zip(&mut s) {
            // SAFETY: as in `narrow_f16`.
            unsafe {
                let h = _mm_loadu_si128(s.as_ptr().cast());
                _mm256_storeu_ps(d.as_mut_ptr(), _mm256_cvtph_ps(h));
            }
        }
        for (d, s) in d.into_remainder().iter_mut().zip(s.remainder()) {
            *d = s.to_f32();
        }
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn narrow_bf16(src: &[f32], dst: &mut [bf16]) {
        let mut d = dst.chunks_exact_mut(LANES);
        let mut s = src.chunks_exact(LANES);
        for (d, s) in (&mut d).zip(&mut s) {
            if let Ok(s) = <&[f32; LANES]>::try_from(s) {
                // SAFETY: `d` holds 8 `bf16` (16 bytes, `bf16` is a `u16`); unaligned store.
                unsafe { _mm_storeu_si128(d.as_mut_ptr().cast(), bf16_lanes(s)) };
            }
        }
        super::narrow_bf16(s.remainder(), d.into_remainder());
    }

    /// Eight `f32` as eight `f16` bits in one register (F16C).
    ///
    /// # Safety
    /// The CPU must support F16C and AVX.
    #[inline]
    #[target_feature(enable = "avx,f16c")]
    unsafe fn f16_lanes(s: &[f32; LANES]) -> __m128i {
        // SAFETY: `s` holds 8 readable `f32`.
        _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(unsafe { _mm256_loadu_ps(s.as_ptr()) })
    }

    /// Eight `f32` as eight `bf16` bits in one register: `(bits + 0x7fff + lsb) >> 16` (to
    /// nearest even), a NaN's top half with its quiet bit set, packed to 16 bits.
    ///
    /// # Safety
    /// The CPU must support AVX2 (as every F16C backend's does).
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn bf16_lanes(s: &[f32; LANES]) -> __m128i {
        // SAFETY: `s` holds 8 readable `f32`.
        let bits = unsafe { _mm256_loadu_si256(s.as_ptr().cast()) };
        let high = _mm256_srli_epi32::<16>(bits);
        let lsb = _mm256_and_si256(high, _mm256_set1_epi32(1));
        let bias = _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7fff));
        let rounded = _mm256_srli_epi32::<16>(_mm256_add_epi32(bits, bias));
        let magnitude = _mm256_and_si256(bits, _mm256_set1_epi32(0x7fff_ffff));
        let nan = _mm256_cmpgt_epi32(magnitude, _mm256_set1_epi32(0x7f80_0000));
        let quiet = _mm256_or_si256(high, _mm256_set1_epi32(0x40));
        let halves = _mm256_blendv_epi8(rounded, quiet, nan);
        // Every lane is below 2^16, so the saturating pack keeps it; it packs within each
        // 128-bit half, so the halves' low quads are then brought together.
        let packed = _mm256_packus_epi32(halves, halves);
        _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b1000>(packed))
    }

    /// `dst` from `src` (`bf16` where `BF16`, else `f16`), eight values at a time stored with
    /// `movntdq` from the
    /// first 16-byte boundary of `dst` on, the head and tail by `half`'s `from_f32` (the same
    /// bits: see the tests).
    ///
    /// # Safety
    /// The CPU must support F16C and AVX2.
    #[target_feature(enable = "avx2,f16c")]
    pub(super) unsafe fn streamed<T: super::Reduced, const BF16: bool>(src: &[f32], dst: &mut [T]) {
        let head = dst.as_ptr().align_offset(16).min(dst.len());
        let (dst_head, dst_body) = dst.split_at_mut(head);
        let (src_head, src_body) = src.split_at(head.min(src.len()));
        T::narrow(super::Convert::Scalar, src_head, dst_head);
        let mut d = dst_body.chunks_exact_mut(LANES);
        let mut s = src_body.chunks_exact(LANES);
        for (d, s) in (&mut d).zip(&mut s) {
            if let Ok(s) = <&[f32; LANES]>::try_from(s) {
                // SAFETY: `d` holds 8 two-byte values (16 bytes) from a 16-byte boundary
                // (`head` reached it, and every chunk is 16 bytes); the caller's CPU runs
                // F16C and AVX2.
                unsafe {
                    let lanes = if BF16 { bf16_lanes(s) } else { f16_lanes(s) };
                    _mm_stream_si128(d.as_mut_ptr().cast(), lanes);
                }
            }
        }
        T::narrow(super::Convert::Scalar, s.remainder(), d.into_remainder());
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use super::*;

    /// Every way of converting this machine has, on values of every binade, specials,
    /// midpoints and tails: the bits of `half`'s `from_f32`/`to_f32`.
    #[test]
    fn every_conversion_is_half_s_bit_for_bit() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut values: Vec<f32> = (0..100_003)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                f32::from_bits((state >> 32) as u32)
            })
            .filter(|v| !v.is_nan())
            .collect();
        // Midpoints of f16 and bf16 neighbours near 1, either side, and the edges.
        for m in [
            1.0 + 2f32.powi(-11),
            1.0 + 2f32.powi(-8),
            1.0 + 3.0 * 2f32.powi(-11),
        ] {
            values.extend([
                m,
                -m,
                f32::from_bits(m.to_bits() + 1),
                f32::from_bits(m.to_bits() - 1),
            ]);
        }
        values.extend([
            0.0,
            -0.0,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::MAX,
            65520.0,
            6e-8,
        ]);
        #[allow(unused_mut)] // only x86-64 adds a way
        let mut ways = std::vec![Convert::Scalar];
        #[cfg(all(target_arch = "x86_64", not(feature = "scalar-math")))]
        if std::is_x86_feature_detected!("f16c") && std::is_x86_feature_detected!("avx2") {
            ways.push(Convert::F16c);
        }
        for &how in &ways {
            let mut h = std::vec![f16::ZERO; values.len()];
            f16::narrow(how, &values, &mut h);
            let mut b = std::vec![bf16::ZERO; values.len()];
            bf16::narrow(how, &values, &mut b);
            for ((v, h), b) in values.iter().zip(&h).zip(&b) {
                assert_eq!(
                    h.to_bits(),
                    f16::from_f32(*v).to_bits(),
                    "{how:?} f16 {v:e}"
                );
                assert_eq!(
                    b.to_bits(),
                    bf16::from_f32(*v).to_bits(),
                    "{how:?} bf16 {v:e}"
                );
            }
            // Streamed, from an odd start (a head before the 16-byte boundary).
            let mut hs = std::vec![f16::ZERO; values.len()];
            f16::narrow_streamed(how, &values[1..], &mut hs[1..]);
            assert!(hs[1..] == h[1..], "{how:?} f16 streamed");
            let mut bs = std::vec![bf16::ZERO; values.len()];
            bf16::narrow_streamed(how, &values[1..], &mut bs[1..]);
            assert!(bs[1..] == b[1..], "{how:?} bf16 streamed");
            let mut back = std::vec![0.0f32; values.len()];
            f16::widen(how, &h, &mut back);
            assert!(
                back.iter()
                    .zip(&h)
                    .all(|(w, h)| w.to_bits() == h.to_f32().to_bits())
            );
            bf16::widen(how, &b, &mut back);
            assert!(
                back.iter()
                    .zip(&b)
                    .all(|(w, b)| w.to_bits() == b.to_f32().to_bits())
            );
        }
        // NaN stays NaN (its payload is not promised), in the lanes and in the tail.
        for how in ways {
            let nans = [f32::NAN, -f32::NAN, f32::from_bits(0x7f80_0001)].repeat(3);
            let mut b = [bf16::ZERO; 9];
            bf16::narrow(how, &nans, &mut b);
            let mut h = [f16::ZERO; 9];
            f16::narrow(how, &nans, &mut h);
            assert!(
                b.iter().all(|b| b.is_nan()) && h.iter().all(|h| h.is_nan()),
                "{how:?}"
            );
        }
    }
}
