//! Rotary position embeddings (RoPE): the encoding's rotation applied to query and key
//! vectors, with every length-extrapolation scaling of the SPEC.
//!
//! A [`Rope`] is a validated configuration. Its frequencies come from the same source as the
//! encoding's (`crate::angle`): `ω_i^0 = b^(−2i/r) = exp(−i·ln b/(r/2))` as a double-double,
//! scaled per pair by the [`Scaling`]; the angle `θ_i = p·ω_i` is a double-double product, and
//! `sin`/`cos` of it are within about an `f64` ulp. Nothing is ever held in `f32` but the
//! caller's values.

mod apply;
mod builder;
mod pairing;
mod preset;
mod scaling;

use core::num::NonZeroUsize;

pub use builder::RopeBuilder;
pub use pairing::Pairing;
pub use preset::RopePreset;
pub use scaling::{Llama3, LongRope, Scaling, Yarn};

use crate::Error;
use crate::angle::Frequencies;
use scaling::Shape;

/// A validated rotary position embedding: `head_dim`, `rotary_dim` r, `theta` b, a
/// [`Pairing`], a [`Scaling`] and the attention factor `a`, as the SPEC defines them.
///
/// Pair `i < n = r/2` of a vector at position `p` turns by `θ_i = p·ω_i`:
/// `u' = a·(u·cos θ_i − v·sin θ_i)`, `v' = a·(v·cos θ_i + u·sin θ_i)`; dimensions `r..head_dim`
/// are left as they are (partial rotary). Only a builder ([`Rope::builder`]) or a
/// [`RopePreset`] makes one, so every value is valid and a method fails only on its own
/// arguments. The lifetime is that of `longrope`'s borrowed factor lists (`'static` otherwise).
///
/// Accuracy (the SPEC's core column, for `|p·ω_0| ≤ 2^24`): cache values `a·cos θ_i`,
/// `a·sin θ_i` within `2^−24·max(1, a)` in `f32` and `2^−48·(1 + |θ|)·max(1, a)` in `f64`; a
/// rotated `f32` pair within `2^−24·|exact| + 2^−48·a·(|u| + |v|)` (it is computed in `f64`
/// from the `f32` inputs and rounded once).
///
/// # Apply Llama 3.1's RoPE to a query at position 100 000
/// ```
/// use posenc_core::RopePreset;
///
/// let rope = RopePreset::Llama31.rope()?; // head_dim 128, θ 500 000, llama3 factor 8
/// let mut query = [0.5f32; 128];
/// rope.apply(100_000.0, &mut query)?;
/// // A rotation keeps each pair's norm (a = 1 for llama3).
/// let (u, v) = rope.pair_columns(5)?;
/// let norm = f64::from(query[u]).hypot(f64::from(query[v]));
/// assert!((norm - 0.5f64.hypot(0.5)).abs() < 1e-7);
/// // And the inverse brings the query back.
/// rope.apply_inverse(100_000.0, &mut query)?;
/// assert!(query.iter().all(|&x| (x - 0.5).abs() < 1e-6));
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rope<'a> {
    head_dim: NonZeroUsize,
    rotary_dim: usize,
    theta: f64,
    pairing: Pairing,
    scaling: Scaling<'a>,
    attention: f64,
    /// The attention factor the caller set, if any (for [`Rope::to_builder`]).
    explicit_attention: Option<f64>,
    /// `ω_i^0` of the base in use (b, or b' for `ntk` / `dynamic`).
    frequencies: Frequencies,
    /// `ln` of that base, rounded.
    ln_base: f64,
    shape: Shape<'a>,
    /// An upper bound on every `ω_i`, to refuse positions whose angle overflows.
    max_frequency: f64,
}

impl<'a> Rope<'a> {
    /// A builder for vectors of `head_dim` values, with every dimension rotating
    /// (`rotary_dim = head_dim`), θ 10 000, [`Pairing::Half`], no scaling.
    ///
    /// ```
    /// use posenc_core::{Pairing, Rope, Scaling};
    ///
    /// // GPT-J-6B: 64 of 256 dimensions rotate, interleaved.
    /// let gptj = Rope::builder(256).rotary_dim(64).pairing(Pairing::Interleaved).build()?;
    /// assert_eq!(gptj.pairs(), 32);
    /// // Position interpolation by 4.
    /// let pi = Rope::builder(64).scaling(Scaling::Linear { factor: 4.0 }).build()?;
    /// assert_eq!(pi.frequency(0)?, 0.25);
    /// assert!(Rope::builder(64).rotary_dim(63).build().is_err());
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    pub const fn builder(head_dim: usize) -> RopeBuilder<'a> {
        RopeBuilder::new(head_dim)
    }

    /// A builder that starts from this configuration's settings.
    pub const fn to_builder(&self) -> RopeBuilder<'a> {
        RopeBuilder::from_rope(self)
    }

    /// The vector length h.
    #[must_use]
    pub const fn head_dim(&self) -> usize {
        self.head_dim.get()
    }

    /// The number of leading dimensions that rotate, r (even, `2 ≤ r ≤ head_dim`).
    #[must_use]
    pub const fn rotary_dim(&self) -> usize {
        self.rotary_dim
    }

    /// The number of rotating pairs (and of frequencies), `n = r/2`.
    #[must_use]
    pub const fn pairs(&self) -> usize {
        self.rotary_dim / 2
    }

    /// The base θ (b) as given, before any `ntk` / `dynamic` base change.
    #[must_use]
    pub const fn theta(&self) -> f64 {
        self.theta
    }

    /// The base the default frequencies use: θ, or `θ·X^(r/(r−2))` for `ntk` / `dynamic`
    /// (rounded; the frequencies use its logarithm to about 2^−95).
    #[must_use]
    pub fn effective_theta(&self) -> f64 {
        libm::exp(self.ln_base)
    }

    /// Which dimensions rotate together.
    #[must_use]
    pub const fn pairing(&self) -> Pairing {
        self.pairing
    }

    /// The scaling, with its parameters as given.
    #[must_use]
    pub const fn scaling(&self) -> Scaling<'a> {
        self.scaling
    }

    /// The attention factor a that multiplies every rotated pair and every cache value: the
    /// explicit one if set, else the scaling's (YaRN's `mscale`, LongRoPE's), else 1.
    #[must_use]
    pub const fn attention_factor(&self) -> f64 {
        self.attention
    }

    /// An upper bound on every frequency `ω_i` (1 for the scalings that never raise one).
    /// A position `p` is refused exactly when `|p|·max_frequency` overflows.
    #[must_use]
    pub const fn max_frequency(&self) -> f64 {
        self.max_frequency
    }

    /// The columns `(u, v)` of pair `pair` in a head vector (see [`Pairing::columns`]).
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`] when `pair ≥ pairs()`.
    pub fn pair_columns(&self, pair: usize) -> Result<(usize, usize), Error> {
        self.check_pair(pair)?;
        Ok(self.pairing.columns(self.rotary_dim, pair))
    }

    /// The frequency `ω_pair`, rounded to `f64` (correctly rounded but for about 2^−95).
    ///
    /// ```
    /// use posenc_core::Rope;
    ///
    /// let rope = Rope::builder(128).build()?;
    /// assert_eq!(rope.frequency(0)?, 1.0);
    /// assert!((rope.frequency(32)? - 0.01).abs() < 1e-17); // 10000^(-64/128)
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`].
    pub fn frequency(&self, pair: usize) -> Result<f64, Error> {
        Ok(self.frequency_parts(pair)?.0)
    }

    /// The frequency `ω_pair` as an unevaluated pair `hi + lo` of about 100 bits, for paths
    /// that form angles themselves: the core's angle is the double-double product
    /// `p·(hi + lo)` (see [`angle_parts`](Rope::angle_parts)).
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`].
    pub fn frequency_parts(&self, pair: usize) -> Result<(f64, f64), Error> {
        self.check_pair(pair)?;
        Ok(self.omega(pair))
    }

    /// Writes `ω_i` of every pair, rounded to `f64`, into `out` (`pairs()` values).
    ///
    /// ```
    /// use posenc_core::{Rope, Scaling};
    ///
    /// let rope = Rope::builder(8).scaling(Scaling::Linear { factor: 2.0 }).build()?;
    /// let mut omega = [0.0; 4];
    /// rope.frequencies(&mut omega)?;
    /// assert_eq!(omega[0], 0.5);
    /// assert!((omega[2] - 0.005).abs() < 1e-18); // 10000^(-2/4) / 2
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `out.len() != pairs()`; `out` is then untouched.
    pub fn frequencies(&self, out: &mut [f64]) -> Result<(), Error> {
        if out.len() != self.pairs() {
            return Err(Error::BufferLength {
                expected: self.pairs(),
                actual: out.len(),
            });
        }
        for (w, omega) in out.iter_mut().zip(self.omegas()) {
            *w = omega.0;
        }
        Ok(())
    }

    /// `ω_pair` as a pair, for a pair the caller has checked.
    pub(crate) fn omega(&self, pair: usize) -> (f64, f64) {
        self.shape.apply(pair, self.frequencies.omega(pair))
    }

    /// `ω_0, ω_1, …` as pairs, the same bits as [`omega`](Rope::omega) of each: the default
    /// frequencies walked in order (one exp per few pairs), each scaled by the shape.
    pub(crate) fn omegas(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.frequencies
            .iter()
            .enumerate()
            .map(|(pair, omega0)| self.shape.apply(pair, omega0))
    }

    fn check_pair(&self, pair: usize) -> Result<(), Error> {
        crate::angle::check_pair(pair, self.pairs())
    }
}
