//! `sin` and `cos` of four angles at once, given in quarter turns: `t = θ·2/π`, `|t| ≤ 2^29`.
//!
//! The frequencies arrive already multiplied by 2/π (see `frequency`), so `t = c·p·ω'` costs
//! no more than θ did, and the reduction is exact: `k = round(t)` and `f = t − k` (Sterbenz:
//! `t` and `k` are within a factor 2 once `k ≠ 0`), `|f| ≤ 1/2`. The only error of the angle
//! is then the rounding of `t` itself, `|t|·2^−53`, the same as that of θ = c·p·ω.
//!
//! `sin(π/2·f)` and `cos(π/2·f)` are FreeBSD msun's minimax polynomials on `|x| ≤ π/4`
//! (`k_sin.c`/`k_cos.c` for `f64` output, error below 2^−54.6 after the change of variable
//! `x = π/2·f` and the rounding of the new coefficients; `k_sinf.c`/`k_cosf.c` for `f32`
//! output, below 2^−34.1, to which `f32` rounding adds 2^−25), evaluated in `f64`.

use super::frequency::ROUNDER;
use super::lanes::Lanes;

/// The vector path handles `|θ| ≤ |c·p| ≤ 2^30`; rows beyond go through the core.
pub(crate) const MAX_ANGLE: f64 = 1_073_741_824.0; // 2^30

/// `sin(π/2·f) = f·S(f²)`: msun `k_sin.c` with `x = π/2·f`.
#[rustfmt::skip]
const SIN64: [f64; 7] = [
    core::f64::consts::FRAC_PI_2, -0.645964097506245, 0.07969262624606334,
    -0.0046817541326259334, 0.00016044115266738095, -3.598649570240692e-06,
    5.634704113884751e-08,
];
/// `cos(π/2·f) = C(f²)`: msun `k_cos.c` with `x = π/2·f`.
#[rustfmt::skip]
const COS64: [f64; 8] = [
    1.0, -1.2337005501361697, 0.25366950790104764,
    -0.02086348076333076, 0.0009192602743905533, -2.520203791691774e-05,
    4.710641505803502e-07, -6.32474667886607e-09,
];
/// `sin(π/2·f) = f·S(f²)`: msun `k_sinf.c` with `x = π/2·f`.
#[rustfmt::skip]
const SIN32: [f64; 5] = [
    core::f64::consts::FRAC_PI_2, -0.6459640965357443, 0.07969258849630677,
    -0.0046812975507077225, 0.00015826253387420152,
];
/// `cos(π/2·f) = C(f²)`: msun `k_cosf.c` with `x = π/2·f`.
#[rustfmt::skip]
const COS32: [f64; 5] = [
    1.0, -1.2337005433533608, 0.2536692440263492,
    -0.020860288479129675, 0.0009040216011693726,
];

#[inline(always)]
fn horner<L: Lanes, const N: usize>(z: L, coefficients: &[f64; N]) -> L {
    let mut p = L::splat(coefficients[N - 1]);
    for &c in coefficients[..N - 1].iter().rev() {
        p = p.mul_add(z, L::splat(c));
    }
    p
}

/// `(sin θ, cos θ)` per lane for `t = θ·2/π`, `|t| ≤ 2^29`; `SHORT` selects the polynomials
/// that are enough for `f32` output.
#[inline(always)]
pub(crate) fn sin_cos<L: Lanes, const SHORT: bool>(t: L) -> (L, L) {
    let rounded = t + L::splat(ROUNDER);
    let k = rounded - L::splat(ROUNDER);
    let f = t - k;
    let g = f * f;
    let (sin, cos) = if SHORT {
        (f * horner(g, &SIN32), horner(g, &COS32))
    } else {
        (f * horner(g, &SIN64), horner(g, &COS64))
    };
    // Quadrant k mod 4 (the low bits of `rounded`): 1 and 3 swap sine and cosine,
    // 2 and 3 negate the sine, 1 and 2 the cosine.
    let sign = L::splat_bits(1 << 63);
    let sin_q = L::select_odd(rounded, cos, sin);
    let cos_q = L::select_odd(rounded, sin, cos);
    let sin_sign = rounded.shl_bits::<62>().and(sign);
    let cos_sign = rounded
        .add_bits(L::splat_bits(1))
        .shl_bits::<62>()
        .and(sign);
    (sin_q.xor(sin_sign), cos_q.xor(cos_sign))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use wide::f64x4;

    #[test]
    fn matches_std_across_quadrants_and_large_angles() {
        let mut worst: [f64; 2] = [0.0; 2];
        let mut turns = -6.0e8;
        while turns < 6.0e8 {
            let lanes = [turns, turns * 0.5 + 0.25, turns * 1e-6, -turns * 1e-3];
            let (s, c) = sin_cos::<f64x4, false>(f64x4::new(lanes));
            let (s32, c32) = sin_cos::<f64x4, true>(f64x4::new(lanes));
            for (lane, &t) in lanes.iter().enumerate() {
                // θ = t·π/2 in f64 is off by up to |θ|·2^−53, which std's sin passes on:
                // the comparison allows for it.
                let theta = t * core::f64::consts::FRAC_PI_2;
                let slack = theta.abs() * f64::EPSILON;
                let (es, ec) = (theta.sin(), theta.cos());
                let out = [
                    s.to_array()[lane] - es,
                    c.to_array()[lane] - ec,
                    s32.to_array()[lane] - es,
                    c32.to_array()[lane] - ec,
                ];
                worst[0] = worst[0].max((out[0].abs() - slack).max(out[1].abs() - slack));
                worst[1] = worst[1].max((out[2].abs() - slack).max(out[3].abs() - slack));
            }
            turns += 7_654.321;
        }
        assert!(worst[0] < 4.0 * f64::EPSILON, "f64 kernel: {:e}", worst[0]);
        assert!(worst[1] < 1e-10, "f32 kernel: {:e}", worst[1]);
    }
}
