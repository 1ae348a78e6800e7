//! Error-free transformations: a product or sum as an unevaluated pair `hi + lo` that equals
//! the exact real result. They let the core form angles with about 106 bits, so that the only
//! rounding that reaches an output is the last one. Dekker's splitting needs no FMA, which
//! `no_std` targets may lack (and `libm::fma` emulates slowly).
//!
//! Public so that the vector paths of the workspace (posenc-simd's `exp`) build on the same
//! arithmetic and constants rather than copies of them.
//!
//! ```
//! use posenc_core::exact::{split, two_prod, two_sum};
//!
//! let (hi, lo) = split(core::f64::consts::PI);
//! assert_eq!(hi + lo, core::f64::consts::PI);
//! let a = 1.0 + f64::EPSILON;
//! assert_eq!(two_prod(a, a), (1.0 + 2.0 * f64::EPSILON, f64::EPSILON * f64::EPSILON));
//! assert_eq!(two_sum(1.0, 1e-30), (1.0, 1e-30));
//! ```

/// ln 2 to 32 bits, so that `e·LN2_HI` is exact for every integer `|e| < 2^21` (every binary
/// exponent of an `f64`).
pub const LN2_HI: f64 = 0.693_147_180_601_954_5;
/// ln 2 − [`LN2_HI`], to 53 bits (the rest, [`LN2_TAIL`], is far below any `e·2^−53`).
pub const LN2_LO: f64 = -4.200_915_072_681_084_6e-11;
/// ln 2 − [`LN2_HI`] − [`LN2_LO`], to 53 bits: for reductions kept to about 2^−100.
pub const LN2_TAIL: f64 = -1.312_469_841_778_525_5e-27;

/// Magnitudes above this would overflow in [`split`]; products of such numbers keep no low part.
const SPLIT_LIMIT: f64 = 1.0e300;

/// Splits `a` into `hi + lo` exactly, each with at most 26 significant bits (Veltkamp), so
/// that the product of a half with any integer below 2^27 is exact. For `|a|` up to about
/// 10^300 (beyond, `2^27·a` overflows).
#[inline]
#[must_use]
pub fn split(a: f64) -> (f64, f64) {
    const FACTOR: f64 = 134_217_729.0; // 2^27 + 1
    let t = FACTOR * a;
    let hi = t - (t - a);
    (hi, a - hi)
}

/// `a · b = hi + lo` exactly, where `hi` is the rounded product (Dekker).
///
/// For operands beyond 10^300 the low part is 0: such products are far outside the range in
/// which accuracy is promised, and splitting them would overflow.
#[inline]
#[must_use]
pub fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let hi = a * b;
    if !(a.abs() < SPLIT_LIMIT && b.abs() < SPLIT_LIMIT && hi.is_finite()) {
        return (hi, 0.0);
    }
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let lo = ((ah * bh - hi) + ah * bl + al * bh) + al * bl;
    (hi, lo)
}

/// `(ah + al) / (bh + bl)` as a pair, to about 2^−100 relative.
#[inline]
#[must_use]
pub fn div_dd((ah, al): (f64, f64), (bh, bl): (f64, f64)) -> (f64, f64) {
    let q1 = ah / bh;
    let (p, pe) = two_prod(q1, bh);
    let remainder = (((ah - p) - pe) + al) - q1 * bl;
    two_sum(q1, remainder / bh)
}

/// `(ah + al) · (bh + bl)` as a pair, to about 2^−104 relative.
#[inline]
pub(crate) fn mul_dd((ah, al): (f64, f64), (bh, bl): (f64, f64)) -> (f64, f64) {
    let (p, pe) = two_prod(ah, bh);
    two_sum(p, pe + (ah * bl + al * bh))
}

/// `(ah + al) + (bh + bl)` as a pair, to about 2^−104 relative (of the larger operand).
#[inline]
pub(crate) fn add_dd((ah, al): (f64, f64), (bh, bl): (f64, f64)) -> (f64, f64) {
    let (s, se) = two_sum(ah, bh);
    let (t, te) = two_sum(al, bl);
    let (s, se) = two_sum(s, se + t);
    two_sum(s, se + te)
}

/// `a + b = hi + lo` exactly, where `hi` is the rounded sum (Knuth).
#[inline]
#[must_use]
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let hi = a + b;
    let bb = hi - a;
    let lo = (a - (hi - bb)) + (b - bb);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_prod_is_exact_on_a_known_case() {
        // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60: the last term is below an f64 ulp of 1.
        let a = 1.0 + libm::ldexp(1.0, -30);
        let (hi, lo) = two_prod(a, a);
        assert_eq!(hi, 1.0 + libm::ldexp(1.0, -29));
        assert_eq!(lo, libm::ldexp(1.0, -60));
    }

    #[test]
    fn split_halves_are_exact_and_short() {
        let a = core::f64::consts::PI;
        let (hi, lo) = split(a);
        assert_eq!(hi + lo, a);
        // 26 bits: the product of a half with any integer below 2^27 is exact.
        let k = 134_217_727.0;
        assert_eq!(libm::fma(hi, k, -(hi * k)), 0.0);
        assert_eq!(libm::fma(lo, k, -(lo * k)), 0.0);
    }

    #[test]
    fn two_sum_is_exact_on_a_known_case() {
        let (hi, lo) = two_sum(1.0, libm::ldexp(1.0, -60));
        assert_eq!((hi, lo), (1.0, libm::ldexp(1.0, -60)));
    }

    #[test]
    fn huge_products_keep_no_low_part() {
        assert_eq!(two_prod(1e301, 3.0), (3e301, 0.0));
        assert_eq!(two_prod(1e200, 1e200), (f64::INFINITY, 0.0));
    }

    #[test]
    fn mul_dd_and_add_dd_keep_the_low_parts() {
        let third = div_dd((1.0, 0.0), (3.0, 0.0));
        let one = mul_dd(third, (3.0, 0.0));
        assert_eq!(one.0, 1.0);
        assert!(one.1.abs() < libm::ldexp(1.0, -100));
        let sum = add_dd(third, (-1.0 / 3.0, 0.0));
        assert_eq!(sum, (third.1, 0.0));
    }

    #[test]
    fn div_dd_recovers_a_third() {
        let (hi, lo) = div_dd((1.0, 0.0), (3.0, 0.0));
        assert_eq!(hi, 1.0 / 3.0);
        // 1/3 − hi is exactly (1 − 3·hi)/3, and 1 − 3·hi = 2^−54 here.
        assert_eq!(lo, libm::ldexp(1.0, -54) / 3.0);
    }
}
