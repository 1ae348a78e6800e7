//! `sin` and `cos` of four `f64` angles at once, for angles up to 2^30.
//!
//! Reduction by quarter turns: `k = round(θ·2/π)`, `r = θ − k·π/2` with π/2 in three parts,
//! the first two of 23 bits so that `k·P1` and `k·P2` are exact for `|k| < 2^30`. θ − k·P1 is
//! then exact (Sterbenz: both are within a factor 2 once k ≠ 0), and each later step rounds
//! a number below 1 once: `r` is within about 2^−53 of `θ − k·π/2`, whatever θ, FMA or not.
//! The rest of π/2 (8·10^−32) times k stays below 10^−22.
//!
//! On `|r| ≤ π/4` the polynomials are minimax ones from FreeBSD's msun: for `f64` output
//! `k_sin.c`/`k_cos.c` (error below 2^−58), for `f32` output the shorter `k_sinf.c`/`k_cosf.c`
//! (below 2^−34.1, and `f32` rounding adds 2^−25). Both are evaluated in `f64`.

use super::lanes::Lanes;

use super::frequency::ROUNDER;

/// The vector path handles `|θ| ≤ |c·p| ≤ 2^30`; rows beyond go through the core.
pub(crate) const MAX_ANGLE: f64 = 1_073_741_824.0; // 2^30

const TWO_OVER_PI: f64 = core::f64::consts::FRAC_2_PI;
/// π/2 to 23 bits.
const P1: f64 = 1.570_796_251_296_997;
/// The next 23 bits of π/2.
const P2: f64 = 7.549_789_415_861_596e-8;
/// π/2 − P1 − P2, rounded.
const P3: f64 = 5.390_302_858_158_119e-15;

/// `sin r = r + r·z·S(z)`, z = r², |error| < 2^−58 (msun `k_sin.c`).
const SIN64: [f64; 6] = [
    -0.16666666666666632,
    0.00833333333332249,
    -0.0001984126982985795,
    2.7557313707070068e-06,
    -2.5050760253406863e-08,
    1.58969099521155e-10,
];
/// `cos r = 1 − z/2 + z²·C(z)`, |error| < 2^−58 (msun `k_cos.c`).
const COS64: [f64; 6] = [
    0.0416666666666666,
    -0.001388888888887411,
    2.480158728947673e-05,
    -2.7557314351390663e-07,
    2.087572321298175e-09,
    -1.1359647557788195e-11,
];
/// `sin r = r + r·z·S(z)`, |error| < 2^−37.5 relative (msun `k_sinf.c`).
const SIN32: [f64; 4] = [
    -0.166_666_666_416_265_24,
    0.008_333_329_385_889_463,
    -0.000_198_393_348_360_966_32,
    2.718_311_493_989_822e-6,
];
/// `cos r = 1 + C0·z + z²·C(z)`, |error| < 2^−34.1 (msun `k_cosf.c`).
const COS32_C0: f64 = -0.499_999_997_251_031;
const COS32: [f64; 3] = [
    0.041_666_623_323_739_06,
    -0.001_388_676_377_460_993,
    2.439_044_879_627_741e-5,
];

#[inline(always)]
fn horner<L: Lanes, const N: usize>(z: L, coefficients: &[f64; N]) -> L {
    let mut p = L::splat(coefficients[N - 1]);
    for &c in coefficients[..N - 1].iter().rev() {
        p = p.mul_add(z, L::splat(c));
    }
    p
}

/// `(sin θ, cos θ)` per lane for `|θ| ≤` [`MAX_ANGLE`]; `SHORT` selects the polynomials
/// that are enough for `f32` output.
#[inline(always)]
pub(crate) fn sin_cos<L: Lanes, const SHORT: bool>(theta: L) -> (L, L) {
    let rounded = theta.mul_add(L::splat(TWO_OVER_PI), L::splat(ROUNDER));
    let k = rounded - L::splat(ROUNDER);
    let r = k.mul_neg_add(L::splat(P1), theta);
    let r = k.mul_neg_add(L::splat(P2), r);
    let r = k.mul_neg_add(L::splat(P3), r);
    let z = r * r;
    let (sin, cos) = if SHORT {
        let sin = (r * z).mul_add(horner(z, &SIN32), r);
        let cos = (z * z).mul_add(
            horner(z, &COS32),
            z.mul_add(L::splat(COS32_C0), L::splat(1.0)),
        );
        (sin, cos)
    } else {
        let sin = (r * z).mul_add(horner(z, &SIN64), r);
        let cos = (z * z).mul_add(
            horner(z, &COS64),
            z.mul_neg_add(L::splat(0.5), L::splat(1.0)),
        );
        (sin, cos)
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
        let mut theta = -1.0e9;
        while theta < 1.0e9 {
            let lanes = [theta, theta * 0.5 + 0.25, theta * 1e-6, -theta * 1e-3];
            let (s, c) = sin_cos::<f64x4, false>(f64x4::new(lanes));
            let (s32, c32) = sin_cos::<f64x4, true>(f64x4::new(lanes));
            for (lane, &t) in lanes.iter().enumerate() {
                // std's sin/cos of an f64 are within an ulp; the reduction adds about 2^−53,
                // and f64 rounding of large θ is not in question here (θ is given exactly).
                let (es, ec) = (t.sin(), t.cos());
                worst[0] = worst[0].max((s.to_array()[lane] - es).abs());
                worst[0] = worst[0].max((c.to_array()[lane] - ec).abs());
                worst[1] = worst[1].max((s32.to_array()[lane] - es).abs());
                worst[1] = worst[1].max((c32.to_array()[lane] - ec).abs());
            }
            theta += 12_345.678_9;
        }
        assert!(worst[0] < 4.0 * f64::EPSILON, "f64 kernel: {:e}", worst[0]);
        assert!(worst[1] < 1e-10, "f32 kernel: {:e}", worst[1]);
    }
}
