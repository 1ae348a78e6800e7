//! `sin` and `cos` of `π/2·(k + f)` from a reduced angle in integers: `f` in Q32 (`|f| ≤ 1/2`
//! quarter turn), short polynomials in Q30 fixed point (32×32 → 64-bit products, which the
//! Cortex-M4 does in one instruction), then one conversion to `f32`, whose rounding is the
//! value's only rounding at `f32` precision.
//!
//! `sin(π/2·f) = f·P(f²)` and `cos(π/2·f) = 1 + f²·Q(f²)`, `P` and `Q` of degree 3, fitted for
//! the least maximum absolute error on `|f| ≤ 1/2` (Lawson's iteration on 4000 Chebyshev
//! points), then rounded to Q30: within 2^−29.6 (sin) and 2^−34.1 (cos) of exact.
//!
//! # Accuracy
//! Absolute error of one `f32` value, in units of the SPEC's bound B = 2^−23:
//!
//! | step | sin | cos |
//! | --- | --- | --- |
//! | the angle: `ω`'s own error (about an ulp, the core's `frequency`), `\|θ\| ≤ 2^24` | 0.016 | 0.016 |
//! | `c·ω·2/π` and the product with `p` (integers, truncated at 2^−62) | 0.000 | 0.000 |
//! | `f` truncated to Q32: 2^−32 quarter turn times the slope π/2 | 0.003 | 0.003 |
//! | polynomial (above) | 0.007 | 0.000 |
//! | Horner's steps, each rounded to Q30 (to nearest): about 1.5·2^−31 | 0.006 | 0.006 |
//! | the conversion to `f32`, the value's own rounding (2^−25 at most: `\|value\| ≤ 1`) | 0.250 | 0.250 |
//! | sum | 0.28 | 0.28 |

/// `P`, from `g⁰`, in Q30: `sin(π/2·f) ≈ f·P(f²)`.
const SIN_Q30: [i64; 4] = [1_686_629_690, -693_597_424, 85_551_350, -4_930_934];
/// `Q`, from `g⁰`, in Q30: `cos(π/2·f) ≈ 1 + f²·Q(f²)`.
const COS_Q30: [i64; 4] = [-1_324_675_872, 272_375_277, -22_398_564, 970_684];
/// 1 in Q30.
const ONE_Q30: i64 = 1 << 30;
/// 2^−30: a Q30 integer converted to `f32` times this is its value (exactly: a power of two,
/// and the results are normal or zero).
const Q30_TO_F32: f32 = 1.0 / 1_073_741_824.0;

/// `a·b·2^−32`, rounded to nearest (ties up): the product of a Q32 and a Q30 number in Q30.
#[inline(always)]
fn mul_q32(a: i64, b: i64) -> i64 {
    (a * b + (1 << 31)) >> 32
}

/// `P(g)` or `Q(g)` by Horner's scheme, `g` in Q32, the result in Q30.
#[inline(always)]
fn horner(g: i64, coefficients: &[i64; 4]) -> i64 {
    let mut acc = coefficients[3];
    for &c in coefficients[..3].iter().rev() {
        acc = c + mul_q32(acc, g);
    }
    acc
}

/// `(sin θ, cos θ)` in `f32` for `θ = π/2·x·2^−62` (`x` the quarter turns modulo four in Q62,
/// as [`QuarterTurnRate::quarter_turns`](super::turns::QuarterTurnRate::quarter_turns) gives
/// them). Integer arithmetic, then one `i32 → f32` conversion per value: no `f64`.
#[inline]
pub(super) fn sin_cos(x: u64) -> (f32, f32) {
    // The nearest quadrant k (x + 1/2 quarter turn, top two bits), and f = x − k in Q32: the
    // low 62 bits moved to the top of a signed word, which wraps them to [−1/2, 1/2).
    let k = x.wrapping_add(1 << 61) >> 62;
    let f = i64::from(((x << 2) >> 32) as u32 as i32);
    let g = (f * f + (1 << 31)) >> 32; // f² in Q32, at most 2^30
    let sin = mul_q32(f, horner(g, &SIN_Q30));
    let cos = ONE_Q30 + mul_q32(g, horner(g, &COS_Q30));
    // Quadrant k: 1 and 3 swap sine and cosine, 2 and 3 negate the sine, 1 and 2 the cosine.
    let (sin, cos) = match k {
        0 => (sin, cos),
        1 => (cos, -sin),
        2 => (-sin, -cos),
        _ => (-cos, sin),
    };
    (to_f32(sin), to_f32(cos))
}

/// A Q30 value in [−1, 1] as `f32`: one rounding, in the conversion.
#[inline(always)]
fn to_f32(q30: i64) -> f32 {
    (q30 as i32 as f32) * Q30_TO_F32
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// Over every quadrant and a dense sweep of `f`, against `f64` std.
    #[test]
    fn within_the_budget_over_a_whole_turn() {
        let bound = 2f64.powi(-23);
        let mut worst: f64 = 0.0;
        let steps: u64 = 1 << 20;
        for i in 0..steps {
            // Odd multiples spread over all four quadrants, plus both ends of each.
            let x = (i * (u64::MAX / steps)) | 1;
            let (s, c) = sin_cos(x);
            let theta = (x as f64) * 2f64.powi(-62) * core::f64::consts::FRAC_PI_2;
            worst = worst
                .max((f64::from(s) - theta.sin()).abs())
                .max((f64::from(c) - theta.cos()).abs());
        }
        assert!(worst <= 0.27 * bound, "worst {} of 2^-23", worst / bound);
    }

    #[test]
    fn exact_at_the_quadrant_points() {
        assert_eq!(sin_cos(0), (0.0, 1.0));
        assert_eq!(sin_cos(1 << 62), (1.0, 0.0));
        assert_eq!(sin_cos(2 << 62), (0.0, -1.0));
        assert_eq!(sin_cos(3 << 62), (-1.0, 0.0));
    }
}
