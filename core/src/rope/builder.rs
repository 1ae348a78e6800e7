//! Building a [`Rope`]: every setter optional, every input checked at once.

use core::num::NonZeroUsize;

use super::{Pairing, Rope, Scaling};
use crate::angle::Frequencies;
use crate::{DEFAULT_BASE, Error};

/// Builds a [`Rope`] from [`Rope::builder`]: every setter is optional, and
/// [`build`](RopeBuilder::build) validates them all at once.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until .build() is called"]
pub struct RopeBuilder<'a> {
    head_dim: usize,
    rotary_dim: Option<usize>,
    theta: f64,
    pairing: Pairing,
    scaling: Scaling<'a>,
    attention_factor: Option<f64>,
}

impl<'a> RopeBuilder<'a> {
    pub(super) const fn new(head_dim: usize) -> RopeBuilder<'a> {
        RopeBuilder {
            head_dim,
            rotary_dim: None,
            theta: DEFAULT_BASE,
            pairing: Pairing::Half,
            scaling: Scaling::None,
            attention_factor: None,
        }
    }

    pub(super) const fn from_rope(rope: &Rope<'a>) -> RopeBuilder<'a> {
        RopeBuilder {
            head_dim: rope.head_dim.get(),
            rotary_dim: Some(rope.rotary_dim),
            theta: rope.theta,
            pairing: rope.pairing,
            scaling: rope.scaling,
            attention_factor: rope.explicit_attention,
        }
    }

    setters! {
        /// The number of leading dimensions that rotate, r (default `head_dim`): even, at least
        /// 2, at most `head_dim`. Hugging Face's `partial_rotary_factor` x gives
        /// `r = head_dim·x`.
        rotary_dim: usize => Some;
        /// The base θ of the frequencies (`rope_theta`, default 10 000): finite and above 1.
        theta: f64;
        /// Which dimensions rotate together (default [`Pairing::Half`], Hugging Face's).
        pairing: Pairing;
        /// The frequency scaling (default [`Scaling::None`]).
        scaling: Scaling<'a>;
        /// An explicit attention factor a (finite, > 0), replacing the scaling's.
        attention_factor: f64 => Some;
    }

    /// Validates the configuration.
    ///
    /// ```
    /// use posenc_core::{Error, Rope, Scaling};
    ///
    /// let err = Rope::builder(128).scaling(Scaling::Ntk { factor: 2.0 }).rotary_dim(2).build();
    /// assert_eq!(err, Err(Error::BaseChangeNeedsRotaryDimAbove2 { scaling: "ntk" }));
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::ZeroRotaryDim`], [`Error::OddRotaryDim`], [`Error::RotaryDimExceedsHeadDim`],
    /// [`Error::InvalidTheta`]; for the scaling [`Error::InvalidScalingParameter`],
    /// [`Error::BaseChangeNeedsRotaryDimAbove2`], [`Error::FreqFactorsOutOfOrder`],
    /// [`Error::FactorListLength`], [`Error::FactorListValue`],
    /// [`Error::ScaledThetaOutOfRange`], [`Error::DerivedAttentionFactor`]; and
    /// [`Error::InvalidAttentionFactor`] for an explicit attention factor.
    pub fn build(self) -> Result<Rope<'a>, Error> {
        let RopeBuilder {
            head_dim,
            rotary_dim,
            theta,
            pairing,
            scaling,
            attention_factor,
        } = self;
        let rotary_dim = match rotary_dim {
            Some(r) => r,
            None => head_dim,
        };
        if rotary_dim == 0 {
            return Err(Error::ZeroRotaryDim);
        }
        if !rotary_dim.is_multiple_of(2) {
            return Err(Error::OddRotaryDim { rotary_dim });
        }
        if rotary_dim > head_dim {
            return Err(Error::RotaryDimExceedsHeadDim {
                rotary_dim,
                head_dim,
            });
        }
        let Some(head) = NonZeroUsize::new(head_dim) else {
            return Err(Error::ZeroRotaryDim);
        };
        if !(theta.is_finite() && theta > 1.0) {
            return Err(Error::InvalidTheta(theta));
        }
        let derived = scaling.derive(rotary_dim, theta)?;
        let attention = match attention_factor {
            Some(a) if a.is_finite() && a > 0.0 => a,
            Some(a) => return Err(Error::InvalidAttentionFactor(a)),
            None if derived.attention.is_finite() && derived.attention > 0.0 => derived.attention,
            None => {
                return Err(Error::DerivedAttentionFactor {
                    scaling: scaling.name(),
                    value: derived.attention,
                });
            }
        };
        Ok(Rope {
            head_dim: head,
            rotary_dim,
            theta,
            pairing,
            scaling,
            attention,
            explicit_attention: attention_factor,
            frequencies: Frequencies::new(derived.ln_base, ((rotary_dim / 2) as f64, 0.0)),
            ln_base: derived.ln_base.0 + derived.ln_base.1,
            shape: derived.shape,
            max_frequency: derived.max_multiplier,
        })
    }
}
