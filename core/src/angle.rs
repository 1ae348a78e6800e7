//! Frequencies and angles, formed with about 100 bits so that an output is rounded once.
//!
//! The accuracy of the whole project rests here, and it is the one frequency source of the
//! crate: the encoding and rotary position embeddings both take their frequencies and angles
//! from this file.
//!
//! `ω_i = b^(−i/D) = exp(−i·L)` with `L = ln b / D`. `ln b` ([`ln_dd`]) and `exp`
//! ([`exp_dd`]) are double-double (about 2^−100 relative), so the rounding of the exponent
//! `i/D`, which a plain `pow` turns into a relative error of up to `(i/D)·ln b` ulps of ω, never
//! happens: ω itself is a double-double, a hundred bits of the real `b^(−i/D)`. The angle
//! `p·ω_i` is then a double-double `hi + lo` to about 2^−100 relative, and
//! `sin(hi + lo) = sin(hi) + cos(hi)·lo` to far below an ulp. What remains is `libm`'s sub-ulp
//! `sin`/`cos` of `hi`: every output is rounded once from a value within about an `f64` ulp.

use crate::exact::{add_dd, div_dd, mul_dd, two_prod};
use crate::{Encoding, Error};

/// Beyond this `|θ|` the low part of an angle is no longer small against 1 and is dropped:
/// the error then grows in proportion to `|θ|` (at most about `|θ|·2^−52`), as the SPEC allows.
const LOW_PART_LIMIT: f64 = 1099511627776.0; // 2^40

/// ln 2 to 32 bits, so that `k·LN2_HI` is exact for every `|k| < 2^21`.
const LN2_HI: f64 = 0.693_147_180_601_954_5;
/// The next 53 bits of ln 2.
const LN2_MID: f64 = -4.200_915_072_681_084_6e-11;
/// The 53 bits after those.
const LN2_LO: f64 = -1.312_469_841_778_525_5e-27;
/// ln 2 rounded to `f64`, to choose the reduction's multiple.
const LN2: f64 = core::f64::consts::LN_2;

/// `1/j!` for j = 3 … 9 as pairs (j = 1, 2 are exact): the Taylor coefficients of `expm1`.
const INVERSE_FACTORIALS: [(f64, f64); 7] = [
    (0.166_666_666_666_666_66, 9.251_858_538_542_97e-18),
    (0.041_666_666_666_666_664, 2.312_964_634_635_742_7e-18),
    (0.008_333_333_333_333_333, 1.156_482_317_317_871_4e-19),
    (0.001_388_888_888_888_889, -5.300_543_954_373_577e-20),
    (0.000_198_412_698_412_698_4, 1.720_955_829_342_070_5e-22),
    (2.480_158_730_158_73e-5, 2.151_194_786_677_588_2e-23),
    (2.755_731_922_398_589_3e-6, -1.858_393_274_046_472e-22),
];

/// The reduced argument is divided by 2^SQUARINGS and the result squared back that often.
const SQUARINGS: i32 = 9;

/// `exp(hi + lo)` as a pair, to about 2^−100 relative; `(0, 0)` below −745 (and for NaN),
/// `(∞, 0)` above 709.
///
/// `x = k·ln 2 + r` with ln 2 in three parts (so `r` is exact to 2^−106), `r/2^9` goes through
/// the Taylor series of `expm1` to degree 9 (its remainder is below 2^−113), and
/// `expm1(2t) = expm1(t)·(expm1(t) + 2)` squares it back without losing the small values' bits.
pub(crate) fn exp_dd((hi, lo): (f64, f64)) -> (f64, f64) {
    if hi.is_nan() || hi <= -745.0 {
        return (0.0, 0.0);
    }
    if hi > 709.0 {
        return (f64::INFINITY, 0.0);
    }
    let k = libm::round(hi / LN2);
    let r = add_dd((hi, lo), (-k * LN2_HI, 0.0));
    let r = add_dd(r, two_prod(-k, LN2_MID));
    let r = add_dd(r, (-k * LN2_LO, 0.0));
    let scale = libm::ldexp(1.0, -SQUARINGS);
    let t = (r.0 * scale, r.1 * scale);
    let mut poly = INVERSE_FACTORIALS[INVERSE_FACTORIALS.len() - 1];
    for &c in INVERSE_FACTORIALS.iter().rev().skip(1) {
        poly = add_dd(mul_dd(poly, t), c);
    }
    poly = add_dd(mul_dd(poly, t), (0.5, 0.0));
    poly = add_dd(mul_dd(poly, t), (1.0, 0.0));
    let mut m1 = mul_dd(poly, t);
    for _ in 0..SQUARINGS {
        m1 = mul_dd(m1, add_dd(m1, (2.0, 0.0)));
    }
    let (e_hi, e_lo) = add_dd((1.0, 0.0), m1);
    // |k| ≤ 1075 here, so the conversion is exact.
    let k = k as i32;
    (libm::ldexp(e_hi, k), libm::ldexp(e_lo, k))
}

/// `ln x` as a pair `hi + lo`, to about 2^−100 absolute, for a finite `x > 0`.
///
/// One Newton step on `libm::log`: with `y = log(x)`, `x·exp(−y) = 1 + δ` and
/// `ln x = y + ln(1 + δ) = y + δ − δ²/2` (`|δ| < 2^−51`, so the next term is below 2^−150).
pub(crate) fn ln_dd(x: f64) -> (f64, f64) {
    let y = libm::log(x);
    let delta = add_dd(mul_dd((x, 0.0), exp_dd((-y, 0.0))), (-1.0, 0.0));
    add_dd((y, 0.0), (delta.0, delta.1 - 0.5 * delta.0 * delta.0))
}

/// `ln(hi + lo)` for a pair with `hi > 0` finite: `ln hi + ln(1 + lo/hi)`, where
/// `|lo/hi| ≤ 2^−53` leaves a second-order term below 2^−107.
pub(crate) fn ln_of_dd((hi, lo): (f64, f64)) -> (f64, f64) {
    add_dd(ln_dd(hi), (lo / hi, 0.0))
}

/// The frequencies `ω_i = b^(−i/D) = exp(−i·L)` of a base and denominator, as pairs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frequencies {
    /// `L = ln b / D` to about 2^−100 relative; `+∞` when the quotient overflows (every `ω_i`
    /// with `i > 0` is then 0). Never NaN, so that equality of configurations stays reflexive.
    per_index: (f64, f64),
}

impl Frequencies {
    /// The frequencies of base `exp(ln_base)` over the exponent denominator `denominator`
    /// (both pairs, `denominator > 0`).
    pub(crate) fn new(ln_base: (f64, f64), denominator: (f64, f64)) -> Frequencies {
        let quotient = ln_base.0 / denominator.0;
        let per_index = if quotient.is_finite() {
            div_dd(ln_base, denominator)
        } else {
            (quotient, 0.0)
        };
        let per_index = if per_index.0.is_finite() && per_index.1.is_finite() {
            per_index
        } else {
            (f64::INFINITY, 0.0)
        };
        Frequencies { per_index }
    }

    /// `ω_i = exp(−i·L)` as a pair; exactly 1 for `i = 0`.
    pub(crate) fn omega(&self, i: usize) -> (f64, f64) {
        if i == 0 {
            return (1.0, 0.0);
        }
        if self.per_index.0 == f64::INFINITY {
            return (0.0, 0.0);
        }
        let (x_hi, x_lo) = mul_dd((i as f64, 0.0), self.per_index);
        exp_dd((-x_hi, -x_lo))
    }
}

/// A position already multiplied by the scale, exactly: `c·p = hi + lo`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ScaledPosition {
    hi: f64,
    lo: f64,
}

impl ScaledPosition {
    /// A position used as it is (rotary embeddings scale frequencies, never positions).
    pub(crate) const fn unscaled(position: f64) -> ScaledPosition {
        ScaledPosition {
            hi: position,
            lo: 0.0,
        }
    }
}

/// `θ = c·p·ω` as `(hi, lo)`, for `ω` a pair: about 2^−100 relative below `|θ| = 2^40`.
#[inline]
pub(crate) fn angle_parts(scaled: ScaledPosition, omega: (f64, f64)) -> (f64, f64) {
    mul_dd((scaled.hi, scaled.lo), omega)
}

/// `(sin θ, cos θ)` of the angle `c·p·ω`, each within about an `f64` ulp of exact.
#[inline]
pub(crate) fn sin_cos_of(scaled: ScaledPosition, omega: (f64, f64)) -> (f64, f64) {
    sin_cos_parts(angle_parts(scaled, omega))
}

impl Encoding {
    /// `c·p` as an exact pair, or the error that makes it unusable.
    pub(crate) fn scaled_position(&self, position: f64) -> Result<ScaledPosition, Error> {
        if !position.is_finite() {
            return Err(Error::NonFinitePosition(position));
        }
        let (hi, lo) = two_prod(self.scale(), position);
        if !hi.is_finite() {
            return Err(Error::AngleOverflow {
                position,
                scale: self.scale(),
            });
        }
        Ok(ScaledPosition { hi, lo })
    }

    /// `ω_pair` as a pair, for a pair the caller has checked (1 for pair 0, and for the only
    /// pair when there is one, whatever D is).
    pub(crate) fn omega_parts(&self, pair: usize) -> (f64, f64) {
        if self.pairs() == 1 {
            return (1.0, 0.0);
        }
        self.frequencies.omega(pair)
    }

    /// `ω_pair` rounded to `f64`, for a pair the caller has checked.
    pub(crate) fn omega(&self, pair: usize) -> f64 {
        self.omega_parts(pair).0
    }

    /// The frequency `ω_pair = b^(−pair/D)` (1 for pair 0, and for the only pair when there is one).
    ///
    /// ```
    /// let enc = posenc_core::Encoding::new(512)?;
    /// assert_eq!(enc.frequency(0)?, 1.0);
    /// assert!((enc.frequency(128)? - 0.01).abs() < 1e-17); // 10000^(-128/256)
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`] when `pair` is not below [`pairs`](Encoding::pairs).
    pub fn frequency(&self, pair: usize) -> Result<f64, Error> {
        self.check_pair(pair)?;
        Ok(self.omega(pair))
    }

    /// The angle `θ_pair(p) = c·p·ω_pair`, rounded to `f64`. (The core's own outputs use the
    /// angle with its rounding error kept, so they are more accurate than `sin` of this.)
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`].
    pub fn angle(&self, pair: usize, position: f64) -> Result<f64, Error> {
        self.check_pair(pair)?;
        let scaled = self.scaled_position(position)?;
        let (hi, lo) = angle_parts(scaled, self.omega_parts(pair));
        Ok(hi + lo)
    }

    /// `(sin θ, cos θ)` of one pair at a scaled position, each within an ulp or so of exact.
    #[inline]
    pub(crate) fn sin_cos(&self, scaled: ScaledPosition, pair: usize) -> (f64, f64) {
        sin_cos_of(scaled, self.omega_parts(pair))
    }

    fn check_pair(&self, pair: usize) -> Result<(), Error> {
        if pair < self.pairs() {
            Ok(())
        } else {
            Err(Error::PairOutOfRange {
                pair,
                pairs: self.pairs(),
            })
        }
    }
}

/// `sin` and `cos` of `hi + lo`, clamped to [−1, 1] so that no rounding can leave the range.
#[inline]
fn sin_cos_parts((hi, lo): (f64, f64)) -> (f64, f64) {
    let (s, c) = libm::sincos(hi);
    let (s, c) = if hi.abs() < LOW_PART_LIMIT {
        (s + c * lo, c - s * lo)
    } else {
        (s, c)
    };
    (s.clamp(-1.0, 1.0), c.clamp(-1.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 0.01 − (the `f64` nearest 0.01), rounded to `f64` (mpmath at 200 bits).
    const LO_OF_0_01: f64 = -2.081_668_171_172_168_4e-19;

    #[test]
    fn exp_dd_of_one_is_e_to_a_hundred_bits() {
        // e = 2.718281828459045 + 1.4456468917292502e-16 (hi + lo of the real e).
        let (hi, lo) = exp_dd((1.0, 0.0));
        assert_eq!(hi, core::f64::consts::E);
        assert!((lo - 1.445_646_891_729_250_2e-16).abs() < 1e-31);
    }

    #[test]
    fn ln_dd_inverts_exp_dd() {
        for x in [1.5, 10_000.0, 500_000.0, 1.0e7, 3.0e-5, 1.0e200] {
            let l = ln_dd(x);
            let back = exp_dd(l);
            let rel = ((back.0 - x) + back.1) / x;
            assert!(
                rel.abs() < 1e-29,
                "x = {x}: exp(ln x) relative error {rel:e}"
            );
        }
        assert_eq!(ln_dd(1.0), (0.0, 0.0));
    }

    #[test]
    fn exp_dd_saturates_outside_the_range() {
        assert_eq!(exp_dd((-800.0, 0.0)), (0.0, 0.0));
        assert_eq!(exp_dd((f64::NAN, 0.0)), (0.0, 0.0));
        assert_eq!(exp_dd((710.0, 0.0)), (f64::INFINITY, 0.0));
    }

    #[test]
    fn frequencies_of_ten_thousand_over_two_halve_at_one() {
        // 10000^(−1/2) = 0.01 exactly in the reals; the pair must hold it to 2^−100.
        let f = Frequencies::new(ln_dd(10_000.0), (2.0, 0.0));
        let (hi, lo) = f.omega(1);
        assert_eq!(hi, 0.01);
        // 0.01 − (the f64 nearest 0.01), in the reals.
        assert!((lo - LO_OF_0_01).abs() < 1e-33, "lo = {lo:e}");
        assert_eq!(f.omega(0), (1.0, 0.0));
    }
}
