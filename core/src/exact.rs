//! Error-free transformations: a product or sum as an unevaluated pair `hi + lo` that equals
//! the exact real result. They let the core form angles with about 106 bits, so that the only
//! rounding that reaches an output is the last one. Dekker's splitting needs no FMA, which
//! `no_std` targets may lack (and `libm::fma` emulates slowly).

/// Magnitudes above this would overflow in [`split`]; products of such numbers keep no low part.
const SPLIT_LIMIT: f64 = 1.0e300;

/// Splits `a` into two halves of 26 bits each, `a = hi + lo` exactly (Veltkamp).
#[inline]
fn split(a: f64) -> (f64, f64) {
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
pub(crate) fn two_prod(a: f64, b: f64) -> (f64, f64) {
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
pub(crate) fn div_dd((ah, al): (f64, f64), (bh, bl): (f64, f64)) -> (f64, f64) {
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
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
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
