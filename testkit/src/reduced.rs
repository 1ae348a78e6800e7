//! The SPEC's bounds for reduced-precision outputs ("Reduced-precision outputs: f16 and
//! bf16"): half an ulp of the type at 1.0, plus the `f32` fast-path bound, for values in
//! [−1, 1]; RoPE cache values scale by `max(1, a)`.

use crate::bounds::pow2;

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
    }
}
