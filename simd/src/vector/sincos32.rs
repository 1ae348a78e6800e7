//! `sin` and `cos` of eight angles at once for `f32` output: the angle formed and reduced in
//! `f64` (quarter turns, as in `sincos`), the short polynomials in `f32` on eight lanes.
//!
//! Per four lanes of `f64`: `rounded = c·p·ω' + 1.5·2^52` (one FMA: `k = round(c·p·ω')`, held
//! in the low bits of `rounded`) and `f = c·p·ω' − k` (a second FMA, from the exact product:
//! `|f| ≤ 1/2`, rounded once). Two such vectors narrow to eight `f32` lanes of `f` and of the
//! low bits of `k`; then `g = f²`,
//! `sin(π/2·f) = f·S0 + f·T(g)` (`S0` = π/2 rounded to `f32`, `T(g) = t0 + t1·g + t2·g² + t3·g³`
//! with `t0` close to π/2 − `S0`) and `cos(π/2·f) = 1 + g·Q(g)` (`Q` of degree 3), Horner's
//! scheme with FMA, each ending in one FMA whose rounding is the output's. The quadrant
//! `k mod 4` swaps and negates them as in `sincos`.
//!
//! The coefficients are minimax for the absolute error on `|f| ≤ 1/2`, rounded to `f32` one at
//! a time with the later ones refitted: in exact arithmetic `f·S0 + f·T(g)` is within 2^−29.5
//! of `sin(π/2·f)` and `1 + g·Q(g)` within 2^−31.1 of `cos(π/2·f)`.
//!
//! # Accuracy (with FMA in both widths; only such lanes take this path)
//! Absolute error of one `f32` value, `|c·p| ≤ 2^24`, in units of the SPEC's bound B = 2^−23:
//!
//! | step | sin | cos |
//! | --- | --- | --- |
//! | ω' (about 6 ulp relative, see `frequency`): `|θ|·6·2^−53` | 0.095 | 0.095 |
//! | `c·p` rounded (the product with ω' is not: it is fused into the reduction) | 0.016 | 0.016 |
//! | `f` rounded in `f64` (2^−54 quarter turns) | 0.000 | 0.000 |
//! | `f` rounded to `f32`: 2^−26 for `\|f\| ≥ 1/4` (2^−27 below), times the slope `π/2·cos(π/8)` / `π/2·sin(π/4)` | 0.181 | 0.139 |
//! | `g = f²` rounded (2^−27), times `\|∂/∂g\|` ≤ 0.33 / 1.24 | 0.020 | 0.077 |
//! | Horner's roundings before the last FMA (`f·T`: 2^−27 + 2^−28; `g·Q`: ¼·2^−24 + 2^−30) | 0.094 | 0.133 |
//! | polynomial (above) | 0.006 | 0.002 |
//! | the last FMA's rounding, the value's own (2^−25 at most: `\|value\| < 1`) | 0.250 | 0.250 |
//! | sum | 0.66 | 0.71 |
//!
//! Against 0.38 of B for the `f64` polynomials with one final rounding (`sincos`): that path
//! is kept for lanes without FMA, where each unfused step would round once more.

use super::frequency::ROUNDER;
use super::lanes::Lanes;
use super::lanes32::Lanes32;

/// π/2 rounded to `f32`: `sin(π/2·f) ≈ f·SIN_HEAD + f·T(g)`.
const SIN_HEAD: f32 = 1.570_796_4;
/// `T(g)`, from `g⁰`: its first coefficient is about π/2 − [`SIN_HEAD`].
const SIN_TAIL: [f32; 4] = [-6.542_12e-8, -0.645_962_95, 0.079_676_06, -0.004_592_684];
/// `Q(g)`, from `g⁰`: `cos(π/2·f) ≈ 1 + g·Q(g)`.
const COS_TAIL: [f32; 4] = [-1.233_700_5, 0.253_668_52, -0.020_855_254, 0.000_893_573_3];

#[inline(always)]
fn horner<S: Lanes32>(g: S, coefficients: &[f32; 4]) -> S {
    let mut p = S::splat(coefficients[3]);
    for &c in coefficients[..3].iter().rev() {
        p = p.mul_add(g, S::splat(c));
    }
    p
}

/// `(sin θ, cos θ)` in `f32` for the eight angles `θ = π/2·c·p·ω'`, `ω'` the four lanes of
/// `omega[0]` then those of `omega[1]`, `|c·p·ω'| ≤ 2^29`. For lanes whose `mul_add` is fused
/// in both widths (`Lanes::NARROW_FUSED`).
#[inline(always)]
pub(crate) fn sin_cos<L: Lanes>(cp: L, omega: [L; 2]) -> (L::Narrow, L::Narrow) {
    // Written out rather than by `map`: closures would not inherit the caller's target
    // features, and these must inline into it.
    let rounder = L::splat(ROUNDER);
    let rounded_lo = cp.mul_add(omega[0], rounder);
    let rounded_hi = cp.mul_add(omega[1], rounder);
    // `rounder − rounded` is −k exactly.
    let f_lo = cp.mul_add(omega[0], rounder - rounded_lo);
    let f_hi = cp.mul_add(omega[1], rounder - rounded_hi);
    let k = L::narrow_bits(rounded_lo, rounded_hi);
    let f = L::narrow(f_lo, f_hi);
    let g = f * f;
    let sin = f.mul_add(L::Narrow::splat(SIN_HEAD), f * horner(g, &SIN_TAIL));
    let cos = g.mul_add(horner(g, &COS_TAIL), L::Narrow::splat(1.0));
    // Quadrant k mod 4 (the low bits of `k`): 1 and 3 swap sine and cosine, 2 and 3 negate
    // the sine, 1 and 2 the cosine. The sine's sign is bit 1 of k, the cosine's bit 1 of
    // k + 1, which is bit 1 of k xor bit 0 of k: both moved to the sign bit.
    let bit0 = k.shl_bits::<31>(); // only the sign bit can be set
    let bit1 = k.shl_bits::<30>().and(L::Narrow::splat_bits(1 << 31));
    let sin_q = L::Narrow::select_odd(k, cos, sin);
    let cos_q = L::Narrow::select_odd(k, sin, cos);
    (sin_q.xor(bit1), cos_q.xor(bit1.xor(bit0)))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use wide::f64x4;

    /// The worst absolute error, against `f64` std, of the `f32` kernel on lanes `L` over
    /// angles up to 2^24·π/2 and every quadrant.
    fn worst<L: Lanes>(new: impl Fn([f64; 4]) -> L, store: impl Fn(L::Narrow) -> [f32; 8]) -> f64 {
        let mut worst: f64 = 0.0;
        let mut turns = 0.0;
        while turns < 1.6e7 {
            let lanes = [turns, turns * 0.5 + 0.25, turns * 1e-6, -turns * 1e-3];
            let more = [-turns, turns * 0.25 + 0.125, turns * 3e-3, turns + 0.5];
            let (s, c) = sin_cos::<L>(new([1.0; 4]), [new(lanes), new(more)]);
            let (s, c) = (store(s), store(c));
            for (lane, &t) in lanes.iter().chain(&more).enumerate() {
                // θ = t·π/2 in f64 is off by up to |θ|·2^−53, which std's sin passes on.
                let theta = t * core::f64::consts::FRAC_PI_2;
                let slack = theta.abs() * f64::EPSILON;
                let es = (f64::from(s[lane]) - theta.sin()).abs() - slack;
                let ec = (f64::from(c[lane]) - theta.cos()).abs() - slack;
                worst = worst.max(es).max(ec);
            }
            turns += 377.123_456_7;
        }
        worst
    }

    #[test]
    fn f32_kernel_is_within_its_budget_across_quadrants() {
        let bound = 2f64.powi(-23);
        if f64x4::NARROW_FUSED {
            let w = worst::<f64x4>(f64x4::new, |v| v.to_array());
            assert!(w < 0.75 * bound, "wide lanes: {}", w / bound);
        }
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: AVX2 and FMA were just detected.
            let w = unsafe { worst_avx2() };
            assert!(w < 0.75 * bound, "AVX2 lanes: {}", w / bound);
        }
    }

    /// [`worst`] on AVX2+FMA lanes.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn worst_avx2() -> f64 {
        use super::super::lanes::Avx2;
        worst::<Avx2>(Avx2::new, |v| {
            let mut out = [0.0f32; 8];
            v.store(&mut out);
            out
        })
    }
}
