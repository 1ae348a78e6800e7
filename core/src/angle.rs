//! Frequencies and angles, formed with about 95 bits so that an output is rounded once.
//!
//! The accuracy of the whole project rests here, and it is the one frequency source of the
//! crate: the encoding and rotary position embeddings both take their frequencies and angles
//! from this file.
//!
//! `ω_i = b^(−i/D) = exp(−i·L)` with `L = ln b / D`. `ln b` ([`ln_dd`]) and
//! `exp` ([`exp_dd`]) are double-double, about 2^−95 relative, so the rounding of the exponent
//! `i/D`, which a plain `pow` turns into a relative error of up to `(i/D)·ln b` ulps of ω, never
//! happens: ω itself is a double-double, within about 2^−95 of the real `b^(−i/D)`. A row
//! walks its frequencies ([`Frequencies::iter`]): one `exp_dd` every eight pairs and a
//! product with a stored `exp(−j·L)` between, the same bits as a lookup of one pair. The angle
//! `p·ω_i` is then a double-double `hi + lo` to about 2^−95 relative, and
//! `sin(hi + lo) = sin(hi) + cos(hi)·lo` to far below an ulp. What remains is `libm`'s sub-ulp
//! `sin`/`cos` of `hi`: every output is rounded once from a value within about an `f64` ulp.

use crate::exact::{LN2_HI, LN2_LO, LN2_TAIL, add_dd, div_dd, mul_dd, two_prod, two_sum};
use crate::{Encoding, Error};

/// Beyond this `|θ|` the low part of an angle is no longer small against 1 and is dropped:
/// the error then grows in proportion to `|θ|` (at most about `|θ|·2^−52`), as the SPEC allows.
const LOW_PART_LIMIT: f64 = 1099511627776.0; // 2^40

/// ln 2 rounded to `f64`, to choose the reduction's multiple.
const LN2: f64 = core::f64::consts::LN_2;

/// `1/j!` for j = 3 … 10 as pairs (the exact rationals, rounded twice): `expm1`'s series from
/// its cubic term. [`exp_dd`] keeps the first two as pairs and sums the rest in `f64`; the
/// frequencies' step ratio keeps three (see [`exp_with`]).
const RECIPROCAL_FACTORIALS: [(f64, f64); 8] = [
    (0.166_666_666_666_666_66, 9.251_858_538_542_97e-18),
    (0.041_666_666_666_666_664, 2.312_964_634_635_742_7e-18),
    (0.008_333_333_333_333_333, 1.156_482_317_317_871_4e-19),
    (0.001_388_888_888_888_889, -5.300_543_954_373_577e-20),
    (0.000_198_412_698_412_698_4, 1.720_955_829_342_070_5e-22),
    (2.480_158_730_158_73e-5, 2.151_194_786_677_588_2e-23),
    (2.755_731_922_398_589_3e-6, -1.858_393_274_046_472e-22),
    (2.755_731_922_398_589e-7, 2.376_771_462_225_029_7e-23),
];

/// `2^(j/64)` for j = 0 … 63 as pairs (mpmath, 300 bits).
const EXP2_SIXTY_FOURTHS: [(f64, f64); 64] = [
    (1.0, 0.0),
    (1.0108892860517005, -1.5234778603368577e-17),
    (1.0218971486541166, 5.109225028973444e-17),
    (1.0330248790212284, 7.600838874027088e-18),
    (1.0442737824274138, 8.551889705537965e-17),
    (1.0556451783605572, 1.759325738772092e-18),
    (1.0671404006768237, -7.899853966841582e-17),
    (1.0787607977571199, -6.656660436056593e-17),
    (1.0905077326652577, -3.046782079812471e-17),
    (1.102382583307841, 5.2660368715706944e-17),
    (1.1143867425958924, 1.0410278456845571e-16),
    (1.1265216186082418, 5.165856758795457e-17),
    (1.1387886347566916, 8.912812676025408e-17),
    (1.1511892299529827, 3.250710218863827e-17),
    (1.1637248587775775, 3.8292048369240935e-17),
    (1.1763969916502812, 5.554203254218079e-17),
    (1.189207115002721, 3.982015231465646e-17),
    (1.202156731452703, 6.644981499252301e-17),
    (1.215247359980469, -7.712630692681488e-17),
    (1.22848053610687, -1.89878163130253e-17),
    (1.241857812073484, 4.658027591836937e-17),
    (1.255380757024691, -6.7113898212968784e-18),
    (1.2690509571917332, 2.667932131342186e-18),
    (1.2828700160787783, 1.713594918243561e-17),
    (1.2968395546510096, 2.5382502794888315e-17),
    (1.3109612115247644, -7.181536135519454e-17),
    (1.3252366431597413, -2.8587312100388614e-17),
    (1.339667524053303, 8.927282594831732e-17),
    (1.3542555469368927, 7.70094837980299e-17),
    (1.3690024229745905, 9.593797919118849e-17),
    (1.383909881963832, -6.770511658794786e-17),
    (1.3989796725383112, -9.614213209051323e-17),
    (core::f64::consts::SQRT_2, -9.667293313452913e-17),
    (1.42961333839197, -1.2031642489053655e-17),
    (1.4451808069770467, -3.0237581349939873e-17),
    (1.460917794180647, -5.600377186075216e-17),
    (1.4768261459394993, -3.483994556892796e-17),
    (1.4929077282912648, 1.4192920154284036e-17),
    (1.5091644275934228, -1.016455327754295e-16),
    (1.5255981507445384, -1.1024941712342561e-16),
    (1.5422108254079407, 7.949834809697621e-17),
    (1.559004400237837, 3.7812070533575275e-17),
    (1.5759808451078865, -1.0136916471278304e-17),
    (1.593142151342267, -1.0094406542311964e-16),
    (1.6104903319492543, 2.4707192569797888e-17),
    (1.6280274218573478, -6.712955084707084e-17),
    (1.645755478153965, -1.0125679913674773e-16),
    (1.6636765803267364, 5.8909926967131e-17),
    (1.681792830507429, 8.199010020581497e-17),
    (1.7001063537185235, -8.0237193703977e-18),
    (1.718619298122478, -1.851380418263111e-17),
    (1.7373338352737062, 3.164389299292957e-17),
    (1.7562521603732995, 2.960140695448873e-17),
    (1.7753764925265212, 6.429731796556572e-17),
    (1.7947090750031072, 1.8227458427912087e-17),
    (1.8142521755003989, -9.969531538920349e-17),
    (1.8340080864093424, 3.283107224245627e-17),
    (1.8539791250833855, 9.761887490727594e-17),
    (1.8741676341103, -6.122763413004143e-17),
    (1.8945759815869656, 3.4034035352165297e-17),
    (1.9152065613971474, -1.0619946056195963e-16),
    (1.9360617934922943, 1.0332385960676326e-16),
    (1.9571441241754002, 8.960767791036668e-17),
    (1.978456026387951, 4.0388753109278167e-17),
];

/// `exp(hi + lo)` as a pair, to about 2^−95 relative; `(0, 0)` below −745 (and for NaN),
/// `(∞, 0)` above 709.
///
/// `x = (64m + j)·(ln 2/64) + r` with ln 2 in three parts (so `r` is exact to 2^−106) and
/// `|r| ≤ ln 2/128`; then `exp x = 2^m · 2^(j/64) · (1 + expm1 r)`, the table value a pair and
/// `expm1 r` its Taylor series to degree 10 (remainder below 2^−107): the terms from `r^5` on
/// (under 4·10^−14) summed in `f64`, whose rounding stays under 2^−96, the first four as pairs.
pub(crate) fn exp_dd(x: (f64, f64)) -> (f64, f64) {
    exp_with::<2>(x)
}

/// `exp(hi + lo)` as [`exp_dd`], but with the first `PAIRS` terms of
/// [`RECIPROCAL_FACTORIALS`] (from `r^3`) kept as pairs and the rest summed in `f64`.
///
/// `PAIRS = 2` is [`exp_dd`]. `PAIRS = 3` also keeps `r^5/5!` (under 4·10^−14) as a pair, so
/// that the `f64` part starts at `r^6/6!` (under 4·10^−17) and its rounding stays under
/// 2^−108: then the table pairs (2^−107), the reduction and the double-double steps (each
/// about 2^−104) leave about 2^−102 — for the ratios of [`Frequencies`], formed once.
fn exp_with<const PAIRS: usize>((hi, lo): (f64, f64)) -> (f64, f64) {
    if hi.is_nan() || hi <= -745.0 {
        return (0.0, 0.0);
    }
    if hi > 709.0 {
        return (f64::INFINITY, 0.0);
    }
    // |n| ≤ 64·1075 < 2^17, so n·LN2_HI/64 (32 + 17 bits) is exact. And |scaled| < 2^17,
    // so `scaled ± 1/2` is exact and truncation (`as`) rounds half away from zero, as
    // `libm::round` would, for a fraction of its cost.
    let scaled = hi * (64.0 / LN2);
    let n = if scaled < 0.0 {
        scaled - 0.5
    } else {
        scaled + 0.5
    } as i32;
    let (index, n) = (n, f64::from(n));
    let step = 1.0 / 64.0;
    // hi − n·LN2_HI/64 is exact (Sterbenz: |hi − n·LN2_HI/64| < ln 2/128 + 2^−23 is at most
    // half of |n·LN2_HI/64| for n ≠ 0), so adding lo to it is one exact sum, the same pair as
    // the double-double sum of (hi, lo) and (−n·LN2_HI/64, 0).
    let r = two_sum(hi - n * (LN2_HI * step), lo);
    let r = add_dd(r, two_prod(-n, LN2_LO * step));
    let r = add_dd(r, (-n * (LN2_TAIL * step), 0.0));
    let t = r.0;
    let (pairs, singles) = RECIPROCAL_FACTORIALS.split_at(PAIRS.min(RECIPROCAL_FACTORIALS.len()));
    let tail = singles.iter().rev().fold(0.0, |acc, &(c, _)| acc * t + c);
    // expm1 r = r·(1 + r·(1/2 + r·(1/6 + r·(1/24 + …)))), the inner terms pairs down to PAIRS.
    let mut poly = (tail, 0.0);
    for &c in pairs.iter().rev() {
        poly = add_dd(mul_dd(poly, r), c);
    }
    poly = add_dd(mul_dd(poly, r), (0.5, 0.0));
    poly = add_dd(mul_dd(poly, r), (1.0, 0.0));
    let m1 = mul_dd(poly, r);
    // In two's complement n & 63 is n mod 64 and n >> 6 is ⌊n / 64⌋, negative n included.
    let table = EXP2_SIXTY_FOURTHS[(index & 63) as usize];
    let m = index >> 6;
    let (e_hi, e_lo) = add_dd(table, mul_dd(table, m1));
    (times_power_of_two(e_hi, m), times_power_of_two(e_lo, m))
}

/// `x·2^m` for `m ≤ 1023`, rounded once, as `libm::ldexp`: in the normal range one product
/// by the exact power of two (built from its bits), below it `ldexp` itself.
#[inline]
fn times_power_of_two(x: f64, m: i32) -> f64 {
    if m >= -1022 {
        // 1 ≤ m + 1023 ≤ 2046: the biased exponent of 2^m, with a zero significand.
        x * f64::from_bits(((m + 1023) as u64) << 52)
    } else {
        libm::ldexp(x, m)
    }
}

/// `ln x` as a pair `hi + lo`, to about 2^−95 absolute, for a finite `x > 0`.
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

/// Pairs from one direct evaluation of `ω` to the next: the anchors `ω_{aK}` are `exp_dd`,
/// the `K − 1` pairs after each a product with a stored power of `exp(−L)` (see
/// [`Frequencies`]).
const ANCHOR_EVERY: usize = 8;

/// The frequencies `ω_i = b^(−i/D) = exp(−i·L)` of a base and denominator, as pairs.
///
/// Every `K`-th frequency (`K` = [`ANCHOR_EVERY`]), the anchor `ω_{aK} = exp_dd(−aK·L)`, is
/// evaluated directly; the `K − 1` after it are `ω_{aK+j} = ω_{aK}·ρ_j`, one double-double
/// product each, with the ratios `ρ_j = exp(−j·L)` formed once, to about 2^−102. That is the
/// definition of `ω_i` everywhere — the walk over a row ([`Frequencies::iter`]) and the
/// lookup of one pair ([`Frequencies::omega`]) give the same bits, at the cost of one product
/// more than an `exp_dd` — and it costs a row one `exp_dd` per `K` pairs instead of one per
/// pair.
///
/// The error, against the exact `exp(−i·L)` of the stored `L`: the anchor is within
/// `ε_a ≈ 2^−95` (`exp_dd`), the ratio within `|η| ≤ 2^−102` and the product's rounding
/// within `|μ| ≤ 2^−104` ([`mul_dd`]), so `ω_{aK+j} = exp(−i·L)·(1 + ε_a)(1 + η)(1 + μ)`:
/// within `2^−95 + 2^−102 + 2^−104 < 2^−94.9`, whatever `i` (each `ρ_j` is evaluated on its
/// own, not stepped, so nothing builds up). The SPEC's bounds need far less: 2^−60 relative
/// keeps every angle below `2^24` within 2^−36, far below an `f64` ulp of its sine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Frequencies {
    /// `L = ln b / D` to about 2^−95 relative; `+∞` when the quotient overflows (every `ω_i`
    /// with `i > 0` is then 0). Never NaN, so that equality of configurations stays reflexive.
    per_index: (f64, f64),
    /// `ρ_j = exp(−j·L)` for `j = 1 … K − 1`, to about 2^−102 (0 when `L` is `+∞`).
    ratios: [(f64, f64); ANCHOR_EVERY - 1],
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
        let ratios = core::array::from_fn(|k| {
            if per_index.0 == f64::INFINITY {
                return (0.0, 0.0);
            }
            let (x_hi, x_lo) = mul_dd(((k + 1) as f64, 0.0), per_index);
            exp_with::<3>((-x_hi, -x_lo))
        });
        Frequencies { per_index, ratios }
    }

    /// `ω_i` as a pair; exactly 1 for `i = 0`. The same bits as the `i`-th item of
    /// [`iter`](Frequencies::iter).
    pub(crate) fn omega(&self, i: usize) -> (f64, f64) {
        let j = i % ANCHOR_EVERY;
        self.after(self.anchor(i - j), j)
    }

    /// `ω_0, ω_1, ω_2, …` (without end: the caller takes as many as it has pairs), one
    /// `exp_dd` per [`ANCHOR_EVERY`] items and a double-double product for the others.
    pub(crate) fn iter(&self) -> Omegas<'_> {
        Omegas {
            frequencies: self,
            next: 0,
            anchor: (1.0, 0.0),
        }
    }

    /// `exp(−i·L)` evaluated directly; exactly 1 for `i = 0`.
    fn anchor(&self, i: usize) -> (f64, f64) {
        if i == 0 {
            return (1.0, 0.0);
        }
        if self.per_index.0 == f64::INFINITY {
            return (0.0, 0.0);
        }
        let (x_hi, x_lo) = mul_dd((i as f64, 0.0), self.per_index);
        exp_dd((-x_hi, -x_lo))
    }

    /// `ω_{aK+j}` from the anchor `ω_{aK}`, for `j < K`.
    #[inline]
    fn after(&self, anchor: (f64, f64), j: usize) -> (f64, f64) {
        match self.ratios.get(j.wrapping_sub(1)) {
            Some(&ratio) => mul_dd(anchor, ratio),
            None => anchor,
        }
    }
}

/// The frequencies of a [`Frequencies`] in order, from `ω_0` ([`Frequencies::iter`]).
#[derive(Debug, Clone)]
pub(crate) struct Omegas<'a> {
    frequencies: &'a Frequencies,
    /// The index of the next item.
    next: usize,
    /// The anchor at or below the next item, once that is past an anchor.
    anchor: (f64, f64),
}

impl Iterator for Omegas<'_> {
    type Item = (f64, f64);

    #[inline]
    fn next(&mut self) -> Option<(f64, f64)> {
        let j = self.next % ANCHOR_EVERY;
        if j == 0 {
            self.anchor = self.frequencies.anchor(self.next);
        }
        // Wrapping: no row has 2^64 pairs, and the no_panic proof must see no overflow.
        self.next = self.next.wrapping_add(1);
        Some(self.frequencies.after(self.anchor, j))
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

/// `θ = c·p·ω` as `(hi, lo)`, for `ω` a pair: about 2^−95 relative below `|θ| = 2^40`.
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

    /// `ω_0, ω_1, …` as pairs, the same bits as [`omega_parts`](Encoding::omega_parts) of
    /// each: for the loops over a row's pairs.
    pub(crate) fn omegas(&self) -> Omegas<'_> {
        self.frequencies.iter()
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
        check_pair(pair, self.pairs())
    }
}

/// `Ok` when `pair` is one of `0 .. pairs`, else [`Error::PairOutOfRange`]: the one check of a
/// pair index, for the sinusoidal and the RoPE frequencies alike.
pub(crate) fn check_pair(pair: usize, pairs: usize) -> Result<(), Error> {
    if pair < pairs {
        Ok(())
    } else {
        Err(Error::PairOutOfRange { pair, pairs })
    }
}

/// `sin` and `cos` of `hi + lo`, clamped to [−1, 1] so that no rounding can leave the range.
///
/// `sin(hi + lo) = sin hi·(1 − lo²/2) + cos hi·lo` and its cosine twin, to third order in
/// `lo`: below `|θ| = 2^24` the second-order term (under 2^−59) hardly matters, but up to
/// [`LOW_PART_LIMIT`] `lo` reaches 2^−13 and without it the pair's norm would drift by `lo²/2`.
#[inline]
fn sin_cos_parts((hi, lo): (f64, f64)) -> (f64, f64) {
    let (s, c) = libm::sincos(hi);
    let (s, c) = if hi.abs() < LOW_PART_LIMIT {
        let half_square = 0.5 * lo * lo;
        (
            (s - s * half_square) + c * lo,
            (c - c * half_square) - s * lo,
        )
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
    fn exp_dd_of_one_is_e_to_95_bits() {
        // e = 2.718281828459045 + 1.4456468917292502e-16 (hi + lo of the real e).
        let (hi, lo) = exp_dd((1.0, 0.0));
        assert_eq!(hi, core::f64::consts::E);
        let error = (lo - 1.445_646_891_729_250_2e-16).abs() / core::f64::consts::E;
        assert!(error < libm::ldexp(1.0, -95), "relative error {error:e}");
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

    /// `2·ln 10 = ln(10000)/2` as a pair (mpmath, 300 bits).
    const TWO_LN_10: (f64, f64) = (4.605_170_185_988_092, -4.341_512_446_764_498_7e-16);

    /// `10^(−2j)` for j = 1 … 7 as pairs (exact rationals, rounded twice).
    const HUNDREDTHS: [(f64, f64); 7] = [
        (0.01, LO_OF_0_01),
        (0.0001, -4.792_173_602_385_93e-21),
        (1e-6, 4.525_188_817_411_374e-23),
        (1e-8, -2.092_256_083_012_847e-25),
        (1e-10, -3.643_219_731_549_774e-27),
        (1e-12, 2.011_335_237_074_438_5e-29),
        (1e-14, 1.180_690_645_440_101_3e-32),
    ];

    /// `|(a − b)/b|` of two pairs.
    fn relative((a_hi, a_lo): (f64, f64), (b_hi, b_lo): (f64, f64)) -> f64 {
        (((a_hi - b_hi) + (a_lo - b_lo)) / b_hi).abs()
    }

    #[test]
    fn ratios_are_exp_of_minus_j_l_to_101_bits() {
        // L = 2 ln 10 exactly (to the pair), so ρ_j = 10^(−2j).
        let f = Frequencies::new(TWO_LN_10, (1.0, 0.0));
        for (j, (&ratio, &exact)) in f.ratios.iter().zip(&HUNDREDTHS).enumerate() {
            let error = relative(ratio, exact);
            assert!(
                error < libm::ldexp(1.0, -101),
                "ρ_{}: relative error {error:e}",
                j + 1
            );
        }
    }

    #[test]
    fn anchors_and_ratios_stay_within_2_pow_minus_94() {
        // ln 2 as a pair to 2^−106 (its three parts), so ω_i = 2^−i exactly.
        let ln2 = add_dd(two_sum(LN2_HI, LN2_LO), (LN2_TAIL, 0.0));
        let f = Frequencies::new(ln2, (1.0, 0.0));
        for (i, omega) in f.iter().take(1000).enumerate() {
            let exact = libm::ldexp(1.0, -(i as i32));
            let error = relative(omega, (exact, 0.0));
            assert!(
                error < libm::ldexp(1.0, -94),
                "ω_{i}: relative error {error:e}"
            );
        }
        // And with a reduced argument that is not tiny: L = 2 ln 10, ω_i = 10^(−2i).
        let f = Frequencies::new(TWO_LN_10, (1.0, 0.0));
        for (i, (omega, exact)) in f.iter().skip(1).zip(&HUNDREDTHS).enumerate() {
            let error = relative(omega, *exact);
            assert!(
                error < libm::ldexp(1.0, -94),
                "ω_{}: relative error {error:e}",
                i + 1
            );
        }
    }

    #[test]
    fn the_walk_and_the_lookup_give_the_same_bits() {
        let cases = [
            Frequencies::new(ln_dd(10_000.0), (256.0, 0.0)),
            Frequencies::new(ln_dd(500_000.0), (64.0, 0.0)),
            Frequencies::new(ln_dd(1.0e7), (3.0, 0.0)),
            Frequencies::new(ln_dd(1.5), (1.0e300, 0.0)),
            Frequencies::new(ln_dd(1.0e7), (1.0e-310, 0.0)), // L = +∞
        ];
        for f in cases {
            for (i, omega) in f.iter().take(300).enumerate() {
                let single = f.omega(i);
                assert_eq!(
                    (omega.0.to_bits(), omega.1.to_bits()),
                    (single.0.to_bits(), single.1.to_bits()),
                    "{f:?} ω_{i}"
                );
            }
        }
        let infinite = Frequencies::new(ln_dd(1.0e7), (1.0e-310, 0.0));
        assert_eq!(infinite.omega(0), (1.0, 0.0));
        assert_eq!(infinite.omega(5), (0.0, 0.0));
        assert_eq!(infinite.omega(16), (0.0, 0.0));
    }

    #[test]
    fn frequencies_of_ten_thousand_over_two_halve_at_one() {
        // 10000^(−1/2) = 0.01 exactly in the reals; the pair must hold it to 2^−95.
        let f = Frequencies::new(ln_dd(10_000.0), (2.0, 0.0));
        let (hi, lo) = f.omega(1);
        assert_eq!(hi, 0.01);
        // 0.01 − (the f64 nearest 0.01), in the reals.
        let error = (lo - LO_OF_0_01).abs() / 0.01;
        assert!(
            error < libm::ldexp(1.0, -95),
            "lo = {lo:e}: relative error {error:e}"
        );
        assert_eq!(f.omega(0), (1.0, 0.0));
    }
}
