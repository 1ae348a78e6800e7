//! The length-extrapolation scalings of RoPE's frequencies, as Hugging Face's
//! `rope_parameters` name them, and the per-pair frequency each one gives.
//!
//! Every scaling reduces to a frequency `ω_i` per pair plus one attention factor `a`. The
//! scalings that change the base (`ntk`, `dynamic`) do so through its logarithm, as a pair:
//! `ln b' = ln b + (r/(r−2))·ln X`. The others multiply the default `ω_i^0` by a factor `m_i`
//! formed as a pair too (`1/f`, a YaRN or Llama 3 ramp, `1/e_i`), so that no frequency is
//! off by more than about 2^−95 relative and no angle below `|θ| = 2^40` by more than that.

use crate::Error;
use crate::angle::{ln_dd, ln_of_dd};
use crate::exact::{add_dd, div_dd, mul_dd, two_sum};

/// 2π as a pair.
const TWO_PI: (f64, f64) = (core::f64::consts::TAU, 2.449_293_598_294_706_4e-16);

/// How RoPE's frequencies are scaled for contexts longer than those a model was trained on.
///
/// Names, parameters and defaults are Hugging Face's (`rope_type` and `rope_parameters`);
/// the SPEC's table gives each formula. `longrope` borrows its factor lists from the caller,
/// so a [`Rope`](crate::Rope) never allocates.
///
/// ```
/// use posenc_core::{Llama3, Scaling, Yarn};
///
/// let llama = Scaling::Llama3(Llama3::new(8.0)); // low 1, high 4, original 8192
/// assert_eq!(llama.name(), "llama3");
/// let qwen_long = Scaling::Yarn(Yarn::new(4.0, 32_768.0)); // beta 32 / 1, truncate
/// assert_eq!(qwen_long.name(), "yarn");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Scaling<'a> {
    /// The default frequencies `ω_i^0 = b^(−2i/r)`; `a = 1`.
    #[default]
    None,
    /// Position interpolation: `ω_i = ω_i^0 / factor`; `a = 1`.
    Linear {
        /// The factor f.
        factor: f64,
    },
    /// NTK-aware base change (bloc97's formula): the default with base `b·f^(r/(r−2))`; `a = 1`.
    /// Not vLLM's `NTKScalingRotaryEmbedding`, which also divides by `f^(2/r)`.
    Ntk {
        /// The factor f.
        factor: f64,
    },
    /// Dynamic NTK: the default with base `b·(f·max(L, L0)/L0 − (f − 1))^(r/(r−2))` for the
    /// sequence length `L`; `a = 1`.
    Dynamic {
        /// The factor f.
        factor: f64,
        /// The length the model was trained on, L0 (`original_max_position_embeddings`).
        original_max_len: f64,
        /// The current sequence length L.
        seq_len: f64,
    },
    /// YaRN: a ramp between interpolated and extrapolated frequencies, and an attention factor.
    Yarn(Yarn),
    /// Llama 3.1's smoothed interpolation of the low frequencies; `a = 1`.
    Llama3(Llama3),
    /// LongRoPE (Phi-3): one factor per pair from a short or a long list.
    LongRope(LongRope<'a>),
}

/// YaRN's parameters (Hugging Face `rope_type = "yarn"`).
///
/// `cd(x) = r·ln(L0/(2πx)) / (2·ln b)`; `low = ⌊cd(beta_fast)⌋`, `high = ⌈cd(beta_slow)⌉`
/// (unrounded when `truncate` is false), clamped to `[0, r − 1]`; the ramp
/// `clamp((i − low)/(high − low), 0, 1)` mixes `ω_i^0/f` (ramp 1) with `ω_i^0` (ramp 0).
/// `a = g(f, mscale)/g(f, mscale_all_dim)` when both are given, else `g(f, 1)`, with
/// `g(s, m) = 1` for `s ≤ 1`, else `0.1·m·ln s + 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Yarn {
    /// The factor f.
    pub factor: f64,
    /// The length the model was trained on, L0 (`original_max_position_embeddings`).
    pub original_max_len: f64,
    /// `beta_fast` (default 32).
    pub beta_fast: f64,
    /// `beta_slow` (default 1).
    pub beta_slow: f64,
    /// `mscale` (default none).
    pub mscale: Option<f64>,
    /// `mscale_all_dim` (default none).
    pub mscale_all_dim: Option<f64>,
    /// Whether `low` and `high` are rounded down and up (default true).
    pub truncate: bool,
}

impl Yarn {
    /// YaRN with Hugging Face's defaults: `beta_fast` 32, `beta_slow` 1, no `mscale`, truncate.
    #[must_use]
    pub const fn new(factor: f64, original_max_len: f64) -> Yarn {
        Yarn {
            factor,
            original_max_len,
            beta_fast: 32.0,
            beta_slow: 1.0,
            mscale: None,
            mscale_all_dim: None,
            truncate: true,
        }
    }
}

/// Llama 3.1's parameters (Hugging Face `rope_type = "llama3"`).
///
/// With `λ_i = 2π/ω_i^0`: `λ_i > L0/lf` gives `ω_i^0/f`, `λ_i < L0/hf` gives `ω_i^0`, and in
/// between, with `s = (L0/λ_i − lf)/(hf − lf)`, `ω_i = (1 − s)·ω_i^0/f + s·ω_i^0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Llama3 {
    /// The factor f.
    pub factor: f64,
    /// `low_freq_factor` lf (default 1).
    pub low_freq_factor: f64,
    /// `high_freq_factor` hf (default 4).
    pub high_freq_factor: f64,
    /// `original_max_position_embeddings` L0 (default 8192).
    pub original_max_len: f64,
}

impl Llama3 {
    /// Llama 3 scaling with Hugging Face's defaults: low 1, high 4, original 8192.
    #[must_use]
    pub const fn new(factor: f64) -> Llama3 {
        Llama3 {
            factor,
            low_freq_factor: 1.0,
            high_freq_factor: 4.0,
            original_max_len: 8192.0,
        }
    }
}

/// LongRoPE's parameters (Hugging Face `rope_type = "longrope"`), with the factor lists
/// borrowed from the caller.
///
/// `ω_i = ω_i^0 / e_i` with `e = long_factors` when `seq_len > original_max_len`, else
/// `short_factors`; `a = 1` if `factor ≤ 1`, else `√(1 + ln f / ln L0)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongRope<'a> {
    /// One factor per pair, for sequences up to `original_max_len`.
    pub short_factors: &'a [f64],
    /// One factor per pair, for longer sequences.
    pub long_factors: &'a [f64],
    /// L0 (`original_max_position_embeddings`).
    pub original_max_len: f64,
    /// The factor f of the attention factor (default 1: `a = 1`).
    pub factor: f64,
    /// The current sequence length L, which picks the list.
    pub seq_len: f64,
}

impl<'a> LongRope<'a> {
    /// LongRoPE with factor 1 (attention factor 1).
    #[must_use]
    pub const fn new(
        short_factors: &'a [f64],
        long_factors: &'a [f64],
        original_max_len: f64,
        seq_len: f64,
    ) -> LongRope<'a> {
        LongRope {
            short_factors,
            long_factors,
            original_max_len,
            factor: 1.0,
            seq_len,
        }
    }

    /// The list in use: `long_factors` when `seq_len > original_max_len`.
    #[must_use]
    pub const fn factors(&self) -> &'a [f64] {
        if self.seq_len > self.original_max_len {
            self.long_factors
        } else {
            self.short_factors
        }
    }
}

impl Scaling<'_> {
    /// The scaling's text name, as the SPEC and Hugging Face's `rope_type` spell it
    /// (`none` is Hugging Face's `default`, `ntk` its former `ntk` type).
    #[must_use]
    pub const fn name(&self) -> &'static str {
        match self {
            Scaling::None => "none",
            Scaling::Linear { .. } => "linear",
            Scaling::Ntk { .. } => "ntk",
            Scaling::Dynamic { .. } => "dynamic",
            Scaling::Yarn(_) => "yarn",
            Scaling::Llama3(_) => "llama3",
            Scaling::LongRope(_) => "longrope",
        }
    }
}

/// A parameter that must be finite and positive.
fn positive(scaling: &'static str, parameter: &'static str, value: f64) -> Result<f64, Error> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(Error::InvalidScalingParameter {
            scaling,
            parameter,
            value,
        })
    }
}

/// A factor list: one finite positive value per pair.
fn factor_list(list: &'static str, values: &[f64], pairs: usize) -> Result<(), Error> {
    if values.len() != pairs {
        return Err(Error::FactorListLength {
            list,
            expected: pairs,
            actual: values.len(),
        });
    }
    match values
        .iter()
        .enumerate()
        .find(|(_, v)| !(v.is_finite() && **v > 0.0))
    {
        Some((index, &value)) => Err(Error::FactorListValue { list, index, value }),
        None => Ok(()),
    }
}

/// What a validated scaling does to the default frequencies, formed once at build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Shape<'a> {
    /// `ω_i^0` of the (possibly changed) base.
    Plain,
    /// `ω_i^0 / f`.
    Divide(f64),
    /// YaRN: `ω_i^0 · (1 − ramp_i·(1 − 1/f))`, `ramp_i = clamp((i − low)/span, 0, 1)`.
    Ramp {
        low: (f64, f64),
        span: (f64, f64),
        factor: f64,
    },
    /// Llama 3: `ω_i^0 · (s/1 + (1 − s)/f)`, `s = clamp((L0·ω_i^0/(2π) − lf)/(hf − lf), 0, 1)`.
    Smooth {
        factor: f64,
        low_freq_factor: f64,
        /// `hf − lf` as a pair.
        width: (f64, f64),
        /// `L0 / (2π)` as a pair.
        per_wavelength: (f64, f64),
    },
    /// LongRoPE: `ω_i^0 / e_i`.
    Lists(&'a [f64]),
}

/// A scaling checked against the SPEC, with what it derives: the log of the base the
/// default frequencies use, the shape, the attention factor, and an upper bound on the
/// multiplier `ω_i / ω_i^0` over every pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Derived<'a> {
    pub(crate) ln_base: (f64, f64),
    pub(crate) shape: Shape<'a>,
    pub(crate) attention: f64,
    pub(crate) max_multiplier: f64,
}

impl<'a> Scaling<'a> {
    /// Validates the scaling for `rotary_dim` r and base `theta` (already checked) and derives
    /// what the frequencies need.
    pub(crate) fn derive(&self, rotary_dim: usize, theta: f64) -> Result<Derived<'a>, Error> {
        let name = self.name();
        let ln_theta = ln_dd(theta);
        let pairs = rotary_dim / 2;
        let plain = Derived {
            ln_base: ln_theta,
            shape: Shape::Plain,
            attention: 1.0,
            max_multiplier: 1.0,
        };
        match *self {
            Scaling::None => Ok(plain),
            Scaling::Linear { factor } => {
                let f = positive(name, "factor", factor)?;
                Ok(Derived {
                    shape: Shape::Divide(f),
                    max_multiplier: 1.0 / f,
                    ..plain
                })
            }
            Scaling::Ntk { factor } => {
                let f = positive(name, "factor", factor)?;
                base_change(name, rotary_dim, ln_theta, (f, 0.0), plain)
            }
            Scaling::Dynamic {
                factor,
                original_max_len,
                seq_len,
            } => {
                let f = positive(name, "factor", factor)?;
                let l0 = positive(name, "original_max_len", original_max_len)?;
                let l = positive(name, "seq_len", seq_len)?;
                // X = f·max(L, L0)/L0 − (f − 1), at least 1.
                let ratio = div_dd((l.max(l0), 0.0), (l0, 0.0));
                let fm1 = two_sum(f, -1.0);
                let x = add_dd(mul_dd(ratio, (f, 0.0)), (-fm1.0, -fm1.1));
                base_change(name, rotary_dim, ln_theta, x, plain)
            }
            Scaling::Yarn(y) => {
                let f = positive(name, "factor", y.factor)?;
                let l0 = positive(name, "original_max_len", y.original_max_len)?;
                let fast = positive(name, "beta_fast", y.beta_fast)?;
                let slow = positive(name, "beta_slow", y.beta_slow)?;
                let mscale = y.mscale.map(|m| positive(name, "mscale", m)).transpose()?;
                let all = y
                    .mscale_all_dim
                    .map(|m| positive(name, "mscale_all_dim", m))
                    .transpose()?;
                let (low, span) = yarn_ramp(rotary_dim, ln_theta, l0, fast, slow, y.truncate);
                let attention = match (mscale, all) {
                    (Some(m), Some(m_all)) => yarn_g(f, m) / yarn_g(f, m_all),
                    _ => yarn_g(f, 1.0),
                };
                Ok(Derived {
                    shape: Shape::Ramp {
                        low,
                        span,
                        factor: f,
                    },
                    attention,
                    max_multiplier: (1.0 / f).max(1.0),
                    ..plain
                })
            }
            Scaling::Llama3(l) => {
                let f = positive(name, "factor", l.factor)?;
                let lf = positive(name, "low_freq_factor", l.low_freq_factor)?;
                let hf = positive(name, "high_freq_factor", l.high_freq_factor)?;
                let l0 = positive(name, "original_max_len", l.original_max_len)?;
                if lf >= hf {
                    return Err(Error::FreqFactorsOutOfOrder { low: lf, high: hf });
                }
                Ok(Derived {
                    shape: Shape::Smooth {
                        factor: f,
                        low_freq_factor: lf,
                        width: two_sum(hf, -lf),
                        per_wavelength: div_dd((l0, 0.0), TWO_PI),
                    },
                    max_multiplier: (1.0 / f).max(1.0),
                    ..plain
                })
            }
            Scaling::LongRope(lr) => {
                let l0 = positive(name, "original_max_len", lr.original_max_len)?;
                let f = positive(name, "factor", lr.factor)?;
                positive(name, "seq_len", lr.seq_len)?;
                factor_list("short_factors", lr.short_factors, pairs)?;
                factor_list("long_factors", lr.long_factors, pairs)?;
                let factors = lr.factors();
                let smallest = factors.iter().fold(f64::INFINITY, |m, &e| m.min(e));
                let attention = if f <= 1.0 {
                    1.0
                } else {
                    libm::sqrt(1.0 + libm::log(f) / libm::log(l0))
                };
                Ok(Derived {
                    shape: Shape::Lists(factors),
                    attention,
                    max_multiplier: 1.0 / smallest,
                    ..plain
                })
            }
        }
    }
}

/// `ntk` / `dynamic`: the base `b·X^(r/(r−2))` through its log, `ln b + (r/(r−2))·ln X`.
fn base_change<'a>(
    name: &'static str,
    rotary_dim: usize,
    ln_theta: (f64, f64),
    x: (f64, f64),
    plain: Derived<'a>,
) -> Result<Derived<'a>, Error> {
    if rotary_dim == 2 {
        return Err(Error::BaseChangeNeedsRotaryDimAbove2 { scaling: name });
    }
    let r = rotary_dim as f64;
    let exponent = div_dd((r, 0.0), (r - 2.0, 0.0));
    let ln_base = add_dd(ln_theta, mul_dd(exponent, ln_of_dd(x)));
    // ln b' ≤ 0 means b' ≤ 1; ln b' beyond 709 means b' overflows.
    if !(ln_base.0 > 0.0 && ln_base.0 < 709.0) {
        return Err(Error::ScaledThetaOutOfRange {
            scaling: name,
            theta: libm::exp(ln_base.0),
        });
    }
    Ok(Derived { ln_base, ..plain })
}

/// YaRN's ramp start `low` and width `high − low` as pairs.
fn yarn_ramp(
    rotary_dim: usize,
    ln_theta: (f64, f64),
    original_max_len: f64,
    beta_fast: f64,
    beta_slow: f64,
    truncate: bool,
) -> ((f64, f64), (f64, f64)) {
    let pairs = (rotary_dim / 2) as f64;
    let ln_l0_over_2pi = add_dd(ln_dd(original_max_len), negate(ln_of_dd(TWO_PI)));
    // cd(x) = r·ln(L0/(2πx)) / (2·ln b) = (r/2)·(ln(L0/2π) − ln x) / ln b
    let cd = |beta: f64| {
        let ln_ratio = add_dd(ln_l0_over_2pi, negate(ln_dd(beta)));
        mul_dd((pairs, 0.0), div_dd(ln_ratio, ln_theta))
    };
    let (mut low, mut high) = (cd(beta_fast), cd(beta_slow));
    if truncate {
        low = (floor_dd(low), 0.0);
        high = (ceil_dd(high), 0.0);
    }
    if low.0 < 0.0 {
        low = (0.0, 0.0);
    }
    let top = (rotary_dim - 1) as f64;
    if high.0 > top || (high.0 == top && high.1 > 0.0) {
        high = (top, 0.0);
    }
    if low == high {
        high = add_dd(high, (0.001, 0.0));
    }
    (low, add_dd(high, negate(low)))
}

impl Shape<'_> {
    /// The scaled frequency of pair `i` from its default `omega0`.
    pub(crate) fn apply(&self, i: usize, omega0: (f64, f64)) -> (f64, f64) {
        match *self {
            Shape::Plain => omega0,
            Shape::Divide(f) => div_dd(omega0, (f, 0.0)),
            Shape::Ramp { low, span, factor } => {
                let ramp = clamp01(div_dd(add_dd((i as f64, 0.0), negate(low)), span));
                mul_dd(omega0, mix(ramp, factor))
            }
            Shape::Smooth {
                factor,
                low_freq_factor,
                width,
                per_wavelength,
            } => {
                let ratio = mul_dd(omega0, per_wavelength); // L0/λ_i
                let s = clamp01(div_dd(add_dd(ratio, (-low_freq_factor, 0.0)), width));
                // s weights ω^0, 1 − s weights ω^0/f: the mix with ramp 1 − s.
                mul_dd(omega0, mix(add_dd((1.0, 0.0), negate(s)), factor))
            }
            Shape::Lists(factors) => match factors.get(i) {
                Some(&e) => div_dd(omega0, (e, 0.0)),
                None => omega0,
            },
        }
    }
}

/// `1 − ramp + ramp/f`: ramp 1 interpolates (`1/f`), ramp 0 keeps the frequency.
fn mix(ramp: (f64, f64), factor: f64) -> (f64, f64) {
    add_dd(
        add_dd((1.0, 0.0), negate(ramp)),
        div_dd(ramp, (factor, 0.0)),
    )
}

fn negate((hi, lo): (f64, f64)) -> (f64, f64) {
    (-hi, -lo)
}

fn clamp01(x: (f64, f64)) -> (f64, f64) {
    if x.0 < 0.0 || x.0.is_nan() {
        (0.0, 0.0)
    } else if x.0 > 1.0 || (x.0 == 1.0 && x.1 > 0.0) {
        (1.0, 0.0)
    } else {
        x
    }
}

/// `⌊hi + lo⌋` for a pair.
fn floor_dd((hi, lo): (f64, f64)) -> f64 {
    let f = libm::floor(hi);
    if f == hi { f + libm::floor(lo) } else { f }
}

/// `⌈hi + lo⌉` for a pair.
fn ceil_dd((hi, lo): (f64, f64)) -> f64 {
    let c = libm::ceil(hi);
    if c == hi { c + libm::ceil(lo) } else { c }
}

/// YaRN's `g(s, m)`: 1 for `s ≤ 1`, else `0.1·m·ln s + 1`.
fn yarn_g(s: f64, m: f64) -> f64 {
    if s <= 1.0 {
        1.0
    } else {
        0.1 * m * libm::log(s) + 1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_ceil_of_pairs_look_at_the_low_part() {
        assert_eq!(floor_dd((3.0, -1e-20)), 2.0);
        assert_eq!(floor_dd((3.0, 1e-20)), 3.0);
        assert_eq!(ceil_dd((3.0, 1e-20)), 4.0);
        assert_eq!(ceil_dd((3.5, 0.0)), 4.0);
    }

    #[test]
    fn ramp_ends_give_the_two_frequencies() {
        assert_eq!(mix((0.0, 0.0), 4.0), (1.0, 0.0));
        assert_eq!(mix((1.0, 0.0), 4.0), (0.25, 0.0));
        assert_eq!(clamp01((1.5, 0.0)), (1.0, 0.0));
        assert_eq!(clamp01((-0.5, 0.0)), (0.0, 0.0));
    }
}
