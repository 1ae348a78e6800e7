//! Angles in quarter turns as integers: `c·ω_i·2/π` as a 64-bit mantissa (formed once), its
//! product with a position's 53-bit mantissa (exact, 117 bits), and the reduction modulo four
//! quarter turns (exact: the bits of the product above the window are whole turns).

/// 2/π·2^64, rounded to nearest: `c·ω·2/π` is formed from it in integers.
const TWO_OVER_PI_Q64: u64 = 0xA2F9_836E_4E44_152A;

/// `c·ω_i·2/π`, the angle of one frequency per unit position in quarter turns, as
/// `mantissa·2^exponent` (relative error below 2^−62 against the `f64` values of `c` and
/// `ω_i`). Formed by [`FixedEncoding::new`](super::FixedEncoding::new) into a table the caller
/// provides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QuarterTurnRate {
    mantissa: u64,
    exponent: i32,
}

/// A finite `f64` as `(m, e)` with `|x| = m·2^e`, `m < 2^53`: bit operations only.
#[inline]
pub(super) const fn decompose(abs_bits: u64) -> (u64, i32) {
    let biased = (abs_bits >> 52) as i32;
    let fraction = abs_bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

/// The top 64 bits of a nonzero `value` and the power of two they are scaled by:
/// `value ≈ top·2^shift`, truncated (relative error below 2^−63).
const fn top64(value: u128) -> (u64, i32) {
    let lz = value.leading_zeros();
    ((value << lz >> 64) as u64, 64 - lz as i32)
}

impl QuarterTurnRate {
    /// No angle at all (ω = 0 after underflow, or a zero scale).
    pub(super) const ZERO: Self = Self {
        mantissa: 0,
        exponent: 0,
    };

    /// `|c|·ω·2/π` from the bits of the two `f64` values (both finite, `ω ≥ 0`), in integers.
    pub(super) const fn new(scale_abs_bits: u64, omega_bits: u64) -> Self {
        let (mc, ec) = decompose(scale_abs_bits);
        let (mw, ew) = decompose(omega_bits);
        let product = mc as u128 * mw as u128;
        if product == 0 {
            return Self::ZERO;
        }
        let (top, shift) = top64(product);
        let (mantissa, shift2) = top64(top as u128 * TWO_OVER_PI_Q64 as u128);
        // value = top·2^(shift + ec + ew) · TWO_OVER_PI_Q64·2^−64
        Self {
            mantissa,
            exponent: ec + ew + shift + shift2 - 64,
        }
    }

    /// `(|p|·rate mod 4)·2^62`, from `|p| = m·2^e` (`m < 2^53`): the low 64 bits at and
    /// above 2^−62 of the exact 117-bit product, truncated below.
    #[inline]
    pub(super) fn quarter_turns(self, m: u64, e: i32) -> u64 {
        let product = u128::from(m) * u128::from(self.mantissa);
        // product·2^(e + exponent) quarter turns, so the window is product·2^shift.
        let shift = e + self.exponent + 62;
        if shift >= 0 {
            if shift >= 64 {
                0 // a whole number of turns
            } else {
                (product as u64) << shift
            }
        } else if shift > -128 {
            (product >> -shift) as u64
        } else {
            0 // below 2^−62 quarter turns
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;

    /// `(|p|·c·ω·2/π mod 4)` in `f64`, for positions small enough that `f64` holds it well.
    fn reference(p: f64, c: f64, omega: f64) -> f64 {
        (p * c * omega * core::f64::consts::FRAC_2_PI).rem_euclid(4.0)
    }

    #[test]
    fn quarter_turns_match_f64_where_f64_is_exact_enough() {
        for &(p, c, omega) in &[
            (1.0, 1.0, 1.0),
            (3.0, 1.0, 0.01),
            (0.5, 2.0, 1e-4),
            (12345.678, 1.0, 0.316_227_766),
            (1e-300, 1.0, 1.0),
            (5e-324, 3.0, 0.5),
        ] {
            let rate = QuarterTurnRate::new(f64::to_bits(c), f64::to_bits(omega));
            let (m, e) = decompose(f64::to_bits(p));
            let x = rate.quarter_turns(m, e) as f64 / 2f64.powi(62);
            let want = reference(p, c, omega);
            assert!(
                (x - want).abs() <= 1e-12 * (1.0 + p * c * omega),
                "{p} {c} {omega}: {x} vs {want}"
            );
        }
    }

    #[test]
    fn whole_turns_vanish_and_huge_positions_do_not_overflow() {
        // Past the window's top every bit is a whole turn; below its bottom, nothing is left.
        let rate = QuarterTurnRate::new(f64::to_bits(1.0), f64::to_bits(1.0));
        let (m, e) = decompose(f64::to_bits(f64::MAX));
        assert_eq!(rate.quarter_turns(m, e), 0);
        let (m, e) = decompose(f64::to_bits(f64::MIN_POSITIVE * 1e-10));
        assert_eq!(rate.quarter_turns(m, e), 0);
        assert_eq!(
            QuarterTurnRate::new(0, f64::to_bits(1.0)),
            QuarterTurnRate::ZERO
        );
    }
}
