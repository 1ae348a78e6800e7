//! The output types, `f32`, `f64`, `f16` and `bf16`, behind one sealed trait, and the one
//! place where an `f64` becomes an `f16` or `bf16` (rounded once).

use core::fmt::Debug;

use half::{bf16, f16};

/// A floating-point type posenc writes: `f32`, `f64`, or the reduced-precision
/// [`f16`](struct@f16) (IEEE binary16) and [`bf16`] (bfloat16) of the `half` crate. Sealed: no other type can
/// implement it.
///
/// Generic code over `Element` can still reach the concrete slice through
/// [`as_row_mut`](Element::as_row_mut), which is how the SIMD crate picks its kernel without
/// `unsafe` casts.
///
/// `f16` and `bf16` values are computed in `f64` and rounded **once** by
/// [`from_f64`](Element::from_f64) (the SPEC's "Reduced-precision outputs"):
///
/// ```
/// use posenc_core::{Element, Encoding, bf16, f16};
///
/// let enc = Encoding::new(8)?;
/// let mut row = [f16::ZERO; 8];
/// enc.encode(1.0, &mut row)?;
/// // sin 1 = 0.84147…, the nearest f16 0.84131 (ulp 2^-11 in [0.5, 1)).
/// assert_eq!(row[0].to_f64(), 0.84130859375);
/// assert!((row[0].to_f64() - 1.0f64.sin()).abs() <= 2f64.powi(-12));
///
/// // Just above a midpoint of two bf16 values whose nearest f32 is the midpoint itself:
/// // through f32 it would round (ties to even) down; rounded once, it goes up.
/// let value = 1.0 + 2f64.powi(-8) + 2f64.powi(-40);
/// assert_eq!(<bf16 as Element>::from_f64(value).to_f64(), 1.0 + 2f64.powi(-7));
/// assert_eq!(bf16::from_f32(value as f32).to_f64(), 1.0);
/// # Ok::<(), posenc_core::Error>(())
/// ```
pub trait Element:
    Copy + Default + PartialEq + PartialOrd + Debug + Send + Sync + 'static + sealed::Sealed
{
    /// The type's name as NumPy and the CLI spell it: `"f32"`, `"f64"`, `"f16"` or `"bf16"`.
    const NAME: &'static str;
    /// The number of significand bits, the implicit bit included: 24, 53, 11 or 8.
    const MANTISSA_BITS: u32;
    /// Rounds an `f64` to this type, once (to nearest, ties to even).
    fn from_f64(value: f64) -> Self;
    /// Widens this value to `f64` (exact).
    fn to_f64(self) -> f64;
    /// The slice as the concrete type it is.
    fn as_row_mut(row: &mut [Self]) -> RowMut<'_>;
    /// The slice as the concrete type it is.
    fn as_row(row: &[Self]) -> Row<'_>;
}

/// A mutable slice of one of the [`Element`] types, named by its concrete type.
#[derive(Debug)]
pub enum RowMut<'a> {
    /// An `f32` slice.
    F32(&'a mut [f32]),
    /// An `f64` slice.
    F64(&'a mut [f64]),
    /// An `f16` slice.
    F16(&'a mut [f16]),
    /// A `bf16` slice.
    Bf16(&'a mut [bf16]),
}

/// A shared slice of one of the [`Element`] types, named by its concrete type.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// An `f32` slice.
    F32(&'a [f32]),
    /// An `f64` slice.
    F64(&'a [f64]),
    /// An `f16` slice.
    F16(&'a [f16]),
    /// A `bf16` slice.
    Bf16(&'a [bf16]),
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
    impl Sealed for half::f16 {}
    impl Sealed for half::bf16 {}
}

/// `value` rounded to `f32` *to odd*: toward zero, with the last bit set when inexact.
///
/// Why: rounding an `f64` to `f32` to nearest and then to `f16`/`bf16` rounds twice, and a
/// value just off a midpoint of the narrow type can land on it and go the wrong way. Rounded
/// to odd, the `f32` keeps every bit that decides the final rounding (its last bit says
/// "inexact"), so the nearest-even rounding of `half`'s `from_f32` after it is one correct
/// rounding of the `f64`: `f32` has at least two more bits than `f16` and `bf16` in every
/// binade they have (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums: proved
/// algorithms using rounding to odd", 2008). Not `half`'s `from_f64` (2.7): with F16C it is
/// `as f32` then the conversion, two roundings; without, and for `bf16` always, it drops the
/// low 32 bits of the `f64` before rounding.
fn round_f32_to_odd(value: f64) -> f32 {
    let nearest = value as f32;
    if !value.is_finite() || f64::from(nearest) == value {
        return nearest;
    }
    let mut bits = nearest.to_bits();
    if f64::from(nearest).abs() > value.abs() {
        // One step toward zero (sign and magnitude: the magnitude's bits less one; from
        // infinity, the largest f32).
        bits -= 1;
    }
    f32::from_bits(bits | 1)
}

/// One `Element` impl: the type, its name, significand bits, `Row`/`RowMut` variant, and its
/// conversions from and to `f64`.
macro_rules! element {
    ($t:ty, $name:literal, $bits:literal, $variant:ident, $from:expr, $to:expr) => {
        impl Element for $t {
            const NAME: &'static str = $name;
            const MANTISSA_BITS: u32 = $bits;
            #[inline]
            fn from_f64(value: f64) -> Self {
                $from(value)
            }
            #[inline]
            fn to_f64(self) -> f64 {
                $to(self)
            }
            #[inline]
            fn as_row_mut(row: &mut [Self]) -> RowMut<'_> {
                RowMut::$variant(row)
            }
            #[inline]
            fn as_row(row: &[Self]) -> Row<'_> {
                Row::$variant(row)
            }
        }
    };
}

element!(f32, "f32", 24, F32, |v: f64| v as f32, f64::from);
element!(f64, "f64", 53, F64, |v: f64| v, |v: f64| v);
element!(
    f16,
    "f16",
    11,
    F16,
    |v: f64| f16::from_f32(round_f32_to_odd(v)),
    f16::to_f64
);
element!(
    bf16,
    "bf16",
    8,
    Bf16,
    |v: f64| bf16::from_f32(round_f32_to_odd(v)),
    bf16::to_f64
);

#[cfg(test)]
mod tests {
    use super::*;

    fn round_f16(x: f64) -> f64 {
        <f16 as Element>::from_f64(x).to_f64()
    }

    fn round_bf16(x: f64) -> f64 {
        <bf16 as Element>::from_f64(x).to_f64()
    }

    /// A value just above the midpoint of two bf16 neighbours, whose nearest f32 is the
    /// midpoint itself: through f32 it rounds (ties to even) down, wrongly; once, up. `half`'s
    /// `from_f64` gets it wrong too (it drops the low 32 bits of the f64).
    #[test]
    fn reduced_types_are_rounded_once_from_f64() {
        let low = 1.0f64; // bf16 neighbours 1 and 1 + 2^-7
        let midpoint = low + (-8f64).exp2();
        let value = midpoint + (-40f64).exp2();
        assert_eq!(f64::from(value as f32), midpoint);
        assert_eq!(bf16::from_f32(value as f32).to_f64(), low);
        assert_eq!(bf16::from_f64(value).to_f64(), low);
        assert_eq!(round_bf16(value), low + (-7f64).exp2());
        // The same for f16 (neighbours 1 and 1 + 2^-10).
        let value = 1.0 + (-11f64).exp2() + (-40f64).exp2();
        assert_eq!(f16::from_f32(value as f32).to_f64(), 1.0);
        assert_eq!(f16::from_f64(value).to_f64(), 1.0);
        assert_eq!(round_f16(value), 1.0 + (-10f64).exp2());
        // Below a midpoint by a little: down; exact ties: to even; negative values mirror.
        let below = 1.0 + (-11f64).exp2() - (-40f64).exp2();
        assert_eq!(round_f16(below), 1.0);
        assert_eq!(round_f16(1.0 + (-11f64).exp2()), 1.0);
        let odd_tie = 1.0 + 3.0 * (-11f64).exp2();
        assert_eq!(round_f16(odd_tie), 1.0 + 2.0 * (-10f64).exp2());
        assert_eq!(round_f16(-value), -(1.0 + (-10f64).exp2()));
        // Overflow, infinities and NaN.
        assert_eq!(round_f16(1e6), f64::INFINITY);
        assert_eq!(round_bf16(f64::NEG_INFINITY), f64::NEG_INFINITY);
        assert!(round_f16(f64::NAN).is_nan() && round_bf16(f64::NAN).is_nan());
    }

    /// Every rounding is to the nearest of the two neighbours of the result (ties to even),
    /// over values of every binade the types have, subnormals and overflow included.
    #[test]
    fn rounding_is_to_nearest_everywhere() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let bits = next();
            // Exponents 2^-30 .. 2^20 for f16, 2^-140 .. 2^130 for bf16.
            let mantissa = f64::from_bits((bits >> 12) | 0x3ff0_0000_0000_0000) - 1.0;
            let sign = if bits & 1 == 0 { 1.0 } else { -1.0 };
            let e16 = (bits >> 1) % 51;
            let x16 = sign * (1.0 + mantissa) * (e16 as f64 - 30.0).exp2();
            check_nearest(x16, f64::from(f16::MAX), round_f16, |v| {
                let h = f16::from_f64(v).to_bits(); // v is an f16 value: exact
                [
                    f16::from_bits(h.wrapping_sub(1)).to_f64(),
                    f16::from_bits(h + 1).to_f64(),
                ]
            });
            let eb = (bits >> 7) % 271;
            let xb = sign * (1.0 + mantissa) * (eb as f64 - 140.0).exp2();
            check_nearest(xb, f64::from(bf16::MAX), round_bf16, |v| {
                let h = bf16::from_f64(v).to_bits();
                [
                    bf16::from_bits(h.wrapping_sub(1)).to_f64(),
                    bf16::from_bits(h + 1).to_f64(),
                ]
            });
        }
    }

    fn check_nearest(
        x: f64,
        max: f64,
        round: impl Fn(f64) -> f64,
        neighbours: impl Fn(f64) -> [f64; 2],
    ) {
        let r = round(x);
        if x.abs() > max {
            assert!(r.abs() >= max, "{x:e} -> {r:e}");
            return;
        }
        if r == 0.0 {
            return; // below half the smallest subnormal or at it: checked by its neighbours
        }
        for n in neighbours(r) {
            if n.is_finite() && n.signum() == r.signum() {
                // |x − r| and |x − n| are exact (Sterbenz) or far apart.
                assert!(
                    (x - r).abs() <= (x - n).abs(),
                    "{x:e} -> {r:e}, nearer {n:e}"
                );
            }
        }
    }

    #[test]
    fn rows_name_their_type() {
        let mut h = [f16::ZERO; 2];
        assert!(matches!(f16::as_row_mut(&mut h), RowMut::F16(r) if r.len() == 2));
        let b = [bf16::ONE; 3];
        assert!(matches!(bf16::as_row(&b), Row::Bf16(r) if r.len() == 3));
        assert_eq!((f16::NAME, bf16::NAME), ("f16", "bf16"));
        assert_eq!((f16::MANTISSA_BITS, bf16::MANTISSA_BITS), (11, 8));
    }
}
