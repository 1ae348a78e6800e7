//! Veltkamp's splitting (as in the core, which keeps its own private): a number as an
//! unevaluated pair `hi + lo` of short halves. It needs no FMA, so the results are the same on
//! every target.

/// Splits `a` into `hi + lo` exactly, each with at most 26 significant bits (Veltkamp).
#[inline]
pub(crate) fn split(a: f64) -> (f64, f64) {
    const FACTOR: f64 = 134_217_729.0; // 2^27 + 1
    let t = FACTOR * a;
    let hi = t - (t - a);
    (hi, a - hi)
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
        assert_eq!(libm::fma(hi, k, -(hi * k)), 0.0);
        assert_eq!(libm::fma(lo, k, -(lo * k)), 0.0);
    }
}
