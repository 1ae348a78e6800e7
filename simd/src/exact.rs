//! Error-free transformations (as in the core, which keeps its own private): a sum or product
//! as an unevaluated pair `hi + lo` equal to the exact result. Dekker's splitting needs no FMA,
//! so the results are the same on every target.

/// Magnitudes above this would overflow in [`split`].
const SPLIT_LIMIT: f64 = 1.0e300;

/// Splits `a` into `hi + lo` exactly, each with at most 26 significant bits (Veltkamp).
#[inline]
pub(crate) fn split(a: f64) -> (f64, f64) {
    const FACTOR: f64 = 134_217_729.0; // 2^27 + 1
    let t = FACTOR * a;
    let hi = t - (t - a);
    (hi, a - hi)
}

/// `a · b = hi + lo` exactly (Dekker); the low part is 0 for operands beyond 10^300.
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

/// `a + b = hi + lo` exactly (Knuth).
#[inline]
pub(crate) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let hi = a + b;
    let bb = hi - a;
    let lo = (a - (hi - bb)) + (b - bb);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_halves_are_exact_and_short() {
        let a = core::f64::consts::PI;
        let (hi, lo) = split(a);
        assert_eq!(hi + lo, a);
        // 26 bits: the product of a half with any integer below 2^27 is exact.
        let k = 134_217_727.0;
        assert_eq!(two_prod(hi, k).1, 0.0);
        assert_eq!(two_prod(lo, k).1, 0.0);
    }

    #[test]
    fn div_dd_recovers_a_third() {
        let (hi, lo) = div_dd((1.0, 0.0), (3.0, 0.0));
        assert_eq!(hi, 1.0 / 3.0);
        // 1/3 − hi is exactly (1 − 3·hi)/3, and 1 − 3·hi = 2^−54 here.
        assert_eq!(lo, libm::ldexp(1.0, -54) / 3.0);
    }
}
