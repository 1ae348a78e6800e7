//! The frequencies `ω_i = b^(−i/D)`, four at a time, to about an ulp, with no `pow` call.
//!
//! `ω_i = exp(−x_i)` with `x_i = i·L` and `L = ln b / D`. Forming `x_i` in plain `f64` would
//! round it by up to `|x|·2^−53` (`|x|` reaches 16 at b = 10^7), which `exp` passes on as a
//! relative error of ω and so of θ. Instead `L` is kept as a double-double `L = a1 + a2 + l2`
//! with `a1`, `a2` of 26 bits each, so that `i·a1` and `i·a2` are exact for every `i < 2^27`;
//! `L` comes from the encoding, which forms it once ([`Encoding::ln_base_per_denominator`]):
//! `ln b` as `e·ln 2 + ln m` (`b = m·2^e`, `m ∈ [√½, √2)`), whose only error is `libm`'s
//! sub-ulp `log` of a number below 0.35, an absolute 2^−54, divided by the exact `D`.
//!
//! `exp(−x) = 2^−k·exp(−r)` with `k = round(x/ln 2)`, `r = x − k·ln 2` (ln 2 in two parts, the
//! first of 32 bits so `k·LN2_HI` is exact), `|r| ≤ ln 2 / 2`; `exp(−r)` is Taylor's polynomial
//! of degree 13, whose truncation error is below 2^−57, evaluated as `1 + (u + u²·P(u))` with
//! `P = A + u⁶·B` (two Horner chains of degree 5 side by side: the kernel waits on this
//! latency before its first sine); `2^−k` is built from its bits.
//!
//! Error of ω, relative: the reduction's roundings (2 × 2^−54 absolute in `r`), the
//! polynomial's evaluation (about half an ulp, the terms after the first being below 0.35) and
//! its last rounding: about 1.5 ulp in all, plus `q·2^−54` (q = i/D) from `ln b`. For θ = c·p·ω
//! with `|c·p| ≤ 2^24` that is below 2^−28 absolute, against the f32 bound's 2^−23.
//!
//! To spend one `exp` on 16 frequencies rather than one, and to hand `sincos` its angles in
//! quarter turns, the kernel gets `ω'_{16a+4b+c} = ω_{16a}·((2/π·ω_{4b})·ω_c)`: the 16 values in
//! brackets once per call (two `exp`s), one `ω_{16a}` per 16 pairs (four lanes of one `exp` per
//! 64 pairs), and the products, whose three roundings bring the relative error to at most
//! about 6 ulp (`|θ|·6·2^−53 ≤ 2^−26.4` at `|θ| = 2^24`).
//! Every ω comes from the same formula whatever the call, so rows never differ between calls.

use core::mem::MaybeUninit;

use super::lanes::Lanes;
use posenc_core::Encoding;
use posenc_core::exact::{LN2_HI, LN2_LO, split};

/// Above this exponent `ω = e^−x` would leave the normal range (2^−k is built from its bits):
/// such encodings (a tiny D from a large shift) take the portable path.
const MAX_EXPONENT: f64 = 700.0;

/// `i·a1` must be exact: `i` below 2^27 (d_model below 2^28); wider rows take the portable path.
const MAX_PAIRS: usize = 1 << 27;

/// `1.5·2^52`: adding it rounds an `f64` below 2^51 to an integer, held in the low bits.
pub(crate) const ROUNDER: f64 = 6_755_399_441_055_744.0;

const INV_LN2: f64 = core::f64::consts::LOG2_E;

/// `1/j!` for j = 2..=13, Taylor's coefficients of exp.
const INV_FACTORIAL: [f64; 12] = [
    0.5,
    0.166_666_666_666_666_66,
    0.041_666_666_666_666_664,
    0.008_333_333_333_333_333,
    0.001_388_888_888_888_889,
    0.000_198_412_698_412_698_4,
    2.480_158_730_158_73e-5,
    2.755_731_922_398_589_3e-6,
    2.755_731_922_398_589e-7,
    2.505_210_838_544_172e-8,
    2.087_675_698_786_81e-9,
    1.605_904_383_682_161_3e-10,
];

/// Frequencies are made in groups of this many: `ω_{GROUP·a + j} = ω_{GROUP·a}·ω_j`.
pub(crate) const GROUP: usize = 16;

/// `L = ln b / D` as `a1 + a2 + l2` (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exponent {
    a1: f64,
    a2: f64,
    l2: f64,
    /// The last pair, `n − 1`: padding lanes past it are clamped to it, so that they stay in
    /// range without asking the encoding for headroom.
    last: f64,
}

/// The frequency parameters of one encoding, for the vector path: `L` and `ω_0..ω_15`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frequencies<L> {
    exponent: Exponent,
    low: [L; GROUP / 4],
}

impl<L: Lanes> Frequencies<L> {
    /// The 16 low frequencies in quarter turns, `ω'_j = (2/π·ω_{4a})·ω_b` (j = 4a + b), from
    /// two `exp`s.
    #[inline(always)]
    pub(crate) fn new(exponent: Exponent) -> Frequencies<L> {
        let mut fours = [0.0f64; 4];
        (exponent.omega4::<L>(0, 4) * L::splat(core::f64::consts::FRAC_2_PI)).store(&mut fours);
        let ones = exponent.omega4::<L>(0, 1);
        // A loop, not `fours.map(..)`: the closure would not inherit the caller's target
        // features, and LLVM may leave it (and the AVX operations in it) out of line.
        let mut low = [ones; GROUP / 4];
        for (low, &four) in low.iter_mut().zip(&fours) {
            *low = L::splat(four) * ones;
        }
        Frequencies { exponent, low }
    }

    /// ω' = ω·2/π (quarter turns per unit of `c·p`) for the 16 pairs `first..first + 16`
    /// (`first` a multiple of 16), as four vectors.
    /// Pairs at or past `n` are padding: computed, never written.
    #[inline(always)]
    pub(crate) fn omega16(&self, first: usize, out: &mut [impl Slot<L>]) {
        let high = self.exponent.omega4::<L>(first, 0);
        for (w, &low) in out.iter_mut().zip(&self.low) {
            w.put(high * low);
        }
    }

    /// ω' for the 64 pairs `first..first + 64` (`first` a multiple of 16) into the first 16
    /// vectors of `out`: one `exp` for the four group heads at once.
    #[inline(always)]
    pub(crate) fn omega64(&self, first: usize, out: &mut [impl Slot<L>]) {
        let mut heads = [0.0f64; 4];
        self.exponent.omega4::<L>(first, GROUP).store(&mut heads);
        for (group, &head) in out.chunks_exact_mut(GROUP / 4).zip(&heads) {
            let head = L::splat(head);
            for (w, &low) in group.iter_mut().zip(&self.low) {
                w.put(head * low);
            }
        }
    }
}

/// Where [`Frequencies`] writes ω': a vector, or the uninitialised slot of one (the kernel
/// does not zero its buffer first).
pub(crate) trait Slot<L> {
    fn put(&mut self, value: L);
}

impl<L: Lanes> Slot<L> for L {
    #[inline(always)]
    fn put(&mut self, value: L) {
        *self = value;
    }
}

impl<L: Lanes> Slot<L> for MaybeUninit<L> {
    #[inline(always)]
    fn put(&mut self, value: L) {
        self.write(value);
    }
}

impl Exponent {
    /// The parameters, or `None` where the vector path does not apply (the caller then uses
    /// the portable path for the whole call).
    pub(crate) fn new(enc: &Encoding) -> Option<Exponent> {
        let n = enc.pairs();
        if n > MAX_PAIRS {
            return None;
        }
        if n <= 1 {
            // ω_0 = 1 whatever D is (and with no pair at all, a split row of one column, there
            // is nothing to compute: `n − 1` below would overflow).
            return Some(Exponent {
                a1: 0.0,
                a2: 0.0,
                l2: 0.0,
                last: 0.0,
            });
        }
        // Computed once with the encoding rather than on every call (a `log` and a division);
        // `(∞, 0)` where D ≤ 0, D is tiny or huge, which the test below turns away.
        let (l1, l2) = enc.ln_base_per_denominator();
        let last = (n - 1) as f64;
        if !(last * l1 <= MAX_EXPONENT && l2.is_finite()) {
            return None;
        }
        let (a1, a2) = split(l1);
        Some(Exponent { a1, a2, l2, last })
    }

    /// `ω_i = exp(−i·L)` for the four pairs `i = first + stride·lane`, each to about 1.5 ulp.
    #[inline(always)]
    pub(crate) fn omega4<L: Lanes>(&self, first: usize, stride: usize) -> L {
        let s = stride as f64;
        let i = L::splat(first as f64) + L::new([0.0, s, 2.0 * s, 3.0 * s]);
        let i = i.min(L::splat(self.last));
        let x_hi = i * L::splat(self.a1); // exact
        let x_mid = i * L::splat(self.a2); // exact
        let x_lo = i * L::splat(self.l2);
        let rounded = (x_hi + x_mid).mul_add(L::splat(INV_LN2), L::splat(ROUNDER));
        let k = rounded - L::splat(ROUNDER);
        let t1 = k.mul_neg_add(L::splat(LN2_HI), x_hi);
        let r = t1 + (k.mul_neg_add(L::splat(LN2_LO), x_mid) + x_lo);
        let u = -r;
        // exp(u) = 1 + (u + u²·(A(u) + u⁶·B(u))), A and B of degree 5 side by side: half the
        // latency of one Horner chain of degree 13.
        let u2 = u * u;
        let u6 = u2 * u2 * u2;
        let mut a = L::splat(INV_FACTORIAL[5]);
        let mut b = L::splat(INV_FACTORIAL[11]);
        for j in (0..5).rev() {
            a = a.mul_add(u, L::splat(INV_FACTORIAL[j]));
            b = b.mul_add(u, L::splat(INV_FACTORIAL[j + 6]));
        }
        let p = u6.mul_add(b, a);
        let exp_u = u2.mul_add(p, u) + L::splat(1.0);
        // 2^−k from its bits: the low bits of `rounded` hold k, 0 ≤ k ≤ 1010.
        let bias = L::splat_bits(1023 + ROUNDER.to_bits());
        let scale = bias.sub_bits(rounded).shl_bits::<52>();
        exp_u * scale
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wide::f64x4;

    fn ulps(a: f64, b: f64) -> f64 {
        (a - b).abs() / (b.abs() * f64::EPSILON)
    }

    #[test]
    fn omega_is_within_seven_ulps_of_the_core() {
        for (d, base, shift) in [
            (512, 10_000.0, 0.0),
            (4096, 1e7, 0.0),
            (384, 10_000.0, 1.0),
            (64, 1.000_1, 0.0),
            (9, 2.0, -3.5),
            (20, 500_000.0, 9.5),
        ] {
            let enc = Encoding::builder(d)
                .base(base)
                .shift(shift)
                .build()
                .unwrap();
            let exponent = Exponent::new(&enc).unwrap();
            let freq = Frequencies::<f64x4>::new(exponent);
            for first in (0..enc.pairs()).step_by(GROUP) {
                let mut lanes = [f64x4::ZERO; 4];
                freq.omega16(first, &mut lanes);
                let mut wide = [f64x4::ZERO; 16];
                freq.omega64(first, &mut wide);
                assert_eq!(lanes, wide[..4], "omega16 and omega64 disagree");
                let lanes = lanes.iter().flat_map(|v| v.to_array());
                for (lane, omega) in lanes.enumerate() {
                    let pair = first + lane;
                    if pair < enc.pairs() {
                        let exact = enc.frequency(pair).unwrap();
                        let single = exponent.omega4::<f64x4>(pair, 1).to_array()[0];
                        assert!(ulps(single, exact) <= 2.0, "single exp at pair {pair}");
                        // ω' = ω·2/π; the core's ω times 2/π adds up to an ulp itself.
                        let exact = exact * core::f64::consts::FRAC_2_PI;
                        assert!(
                            ulps(omega, exact) <= 7.0,
                            "d={d} b={base} s={shift} pair {pair}: {omega:e} vs {exact:e}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn pair_zero_turns_by_two_over_pi() {
        for enc in [
            Encoding::new(8).unwrap(),
            Encoding::builder(2).shift(5.0).build().unwrap(),
        ] {
            let freq = Frequencies::<f64x4>::new(Exponent::new(&enc).unwrap());
            let mut lanes = [f64x4::ZERO; 4];
            freq.omega16(0, &mut lanes);
            assert_eq!(lanes[0].to_array()[0], core::f64::consts::FRAC_2_PI);
        }
    }

    #[test]
    fn tiny_denominators_take_the_portable_path() {
        let enc = Encoding::builder(8).shift(3.999).build().unwrap();
        assert!(Exponent::new(&enc).is_none());
    }
}
