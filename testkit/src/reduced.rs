//! The SPEC's bounds for reduced-precision outputs ("Reduced-precision outputs: f16 and
//! bf16"): half an ulp of the type at 1.0, plus the `f32` fast-path bound, for values in
//! [−1, 1]; RoPE cache values scale by `max(1, a)`.

use crate::bounds::{self, pow2};

/// The significand bits of IEEE binary16 (`f16`), the implicit bit included.
pub const F16_MANTISSA_BITS: u32 = 11;

/// The significand bits of bfloat16 (`bf16`), the implicit bit included.
pub const BF16_MANTISSA_BITS: u32 = 8;

/// Every backend's bound for a value in [−1, 1] rounded to a type of `mantissa_bits`
/// (11 for `f16`, 8 for `bf16`): `2^−mantissa_bits + 2^−23` (half an ulp at 1.0 plus the
/// `f32` fast-path bound).
#[must_use]
pub fn value(mantissa_bits: u32) -> f64 {
    pow2(-(mantissa_bits as i32)) + pow2(-23)
}

/// The core's bound: half an ulp at 1.0 alone, `2^−mantissa_bits`.
#[must_use]
pub fn core_value(mantissa_bits: u32) -> f64 {
    pow2(-(mantissa_bits as i32))
}

/// Every backend's bound for a RoPE cache value `a·cos θ_i` or `a·sin θ_i`:
/// [`value`]`·max(1, a)`.
#[must_use]
pub fn cache(mantissa_bits: u32, attention: f64) -> f64 {
    value(mantissa_bits) * attention.max(1.0)
}

/// The core's bound for a RoPE cache value: [`core_value`]`·max(1, a)`.
#[must_use]
pub fn core_cache(mantissa_bits: u32, attention: f64) -> f64 {
    core_value(mantissa_bits) * attention.max(1.0)
}

/// A table value at angle `theta` and scaled position `scaled = c·p`: [`core_value`] for the
/// core, [`value`] for every other backend, inside the SPEC accuracy table's domain
/// (`|c·p| ≤ 2^24`); beyond it, plus the `f64` bound, as [`bounds::value`] lets every
/// element's error grow in proportion to `|θ|` there.
#[must_use]
pub fn table(mantissa_bits: u32, core: bool, theta: f64, scaled: f64) -> f64 {
    let at_one = if core {
        core_value(mantissa_bits)
    } else {
        value(mantissa_bits)
    };
    bounds::value(at_one, mantissa_bits, theta, scaled)
}

/// A RoPE pair of `f16`/`bf16` inputs `u`, `v` rotated by a fast path (arithmetic in `f32`,
/// then one rounding to the type), against the exact rotation.
///
/// Derivation: the `f32` result is within
/// [`pair_f32`](crate::rope_backend::pair_f32)`(a, u, v)` of exact (the SPEC's fast `f32`
/// bound); its rounding to the type adds half an ulp of the result, at most
/// `2^−mantissa_bits·|u'|` with `|u'| ≤ a·(|u| + |v|)`, or, near zero, half the smallest
/// subnormal ([`subnormal_half`]).
#[must_use]
pub fn pair(mantissa_bits: u32, attention: f64, u: f64, v: f64) -> f64 {
    crate::rope_backend::pair_f32(attention, u, v)
        + pow2(-(mantissa_bits as i32)) * attention * (u.abs() + v.abs())
        + subnormal_half(mantissa_bits)
}

/// A fast `f16`/`bf16` pair against the core's rotation of the same inputs in `f64`:
/// [`pair`] plus the core's [`pair_f64`](crate::rope_backend::pair_f64).
#[must_use]
pub fn agree_pair(mantissa_bits: u32, theta: f64, attention: f64, u: f64, v: f64) -> f64 {
    pair(mantissa_bits, attention, u, v) + crate::rope_backend::pair_f64(theta, attention, u, v)
}

/// A fast path's `f16`/`bf16` cache value against the core's `f64` one: [`cache`] plus the
/// core's `f64` bound [`cache_f64`](crate::rope_backend::cache_f64).
#[must_use]
pub fn agree_cache(mantissa_bits: u32, theta: f64, attention: f64) -> f64 {
    cache(mantissa_bits, attention) + crate::rope_backend::cache_f64(theta, attention)
}

/// Half the smallest subnormal of the type of `mantissa_bits`: 2^−25 for `f16`, 2^−134 for
/// `bf16` (the absolute floor of one rounding near zero).
#[must_use]
pub fn subnormal_half(mantissa_bits: u32) -> f64 {
    if mantissa_bits == F16_MANTISSA_BITS {
        pow2(-25)
    } else {
        pow2(-134)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_s_numbers() {
        assert_eq!(value(F16_MANTISSA_BITS), 1.0 / 2048.0 + 1.0 / 8_388_608.0);
        assert_eq!(value(BF16_MANTISSA_BITS), 1.0 / 256.0 + 1.0 / 8_388_608.0);
        assert_eq!(core_value(BF16_MANTISSA_BITS), 1.0 / 256.0);
        assert_eq!(
            cache(F16_MANTISSA_BITS, 2.0),
            2.0 * value(F16_MANTISSA_BITS)
        );
        assert_eq!(cache(F16_MANTISSA_BITS, 0.5), value(F16_MANTISSA_BITS));
        assert_eq!(core_cache(BF16_MANTISSA_BITS, 3.0), 3.0 / 256.0);
        assert_eq!(table(F16_MANTISSA_BITS, true, 5.0, 1e3), 1.0 / 2048.0);
        assert_eq!(
            table(F16_MANTISSA_BITS, false, 5.0, 1e3),
            value(F16_MANTISSA_BITS)
        );
        assert!(table(BF16_MANTISSA_BITS, true, 1e9, 1e9) > core_value(BF16_MANTISSA_BITS));
        assert_eq!(subnormal_half(F16_MANTISSA_BITS), 1.0 / 33_554_432.0);
    }
}
