//! The validated configuration: d_model, base, layout, shift and scale.

use crate::angle::{Frequencies, ln_dd};
use crate::exact::{div_dd, two_sum};
use crate::{Error, Layout};

/// The default base, the paper's 10 000.
pub const DEFAULT_BASE: f64 = 10_000.0;

/// A validated sinusoidal encoding: `d_model` columns, `base` b, [`Layout`], `shift` s and
/// `scale` c, as the SPEC defines them.
///
/// Column values are `sin θ_i(p)` and `cos θ_i(p)` with `θ_i(p) = c·p·ω_i` and
/// `ω_i = b^(−i/D)`, where `D = d/2 − s` (interleaved) or `⌊d/2⌋ − s` (split layouts).
/// An `Encoding` can only be made through [`Encoding::new`], [`Encoding::builder`] or a
/// [`Preset`](crate::Preset), so every value of the type is valid and the methods that take a
/// position fail only on that position or on a buffer's length.
///
/// ```
/// use posenc_core::{Encoding, Layout};
///
/// // PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d))
/// let enc = Encoding::new(512)?;
/// let mut row = [0.0f32; 512];
/// enc.encode(100_000.0, &mut row)?;
/// assert_eq!(row[0], (100_000.0f64).sin() as f32);
///
/// let custom = Encoding::builder(384)
///     .layout(Layout::SplitSinCos)
///     .shift(1.0)
///     .base(500_000.0)
///     .build()?;
/// assert_eq!(custom.pairs(), 192);
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Encoding {
    d_model: usize,
    base: f64,
    layout: Layout,
    shift: f64,
    scale: f64,
    pairs: usize,
    /// `D = denominator.0 + denominator.1` exactly.
    pub(crate) denominator: (f64, f64),
    pub(crate) ln_base: f64,
    /// `L = ln b / D` as a double-double, or `(∞, 0)` (see [`Encoding::ln_base_per_denominator`]).
    ln_base_per_denominator: (f64, f64),
    /// The frequencies `ω_i = exp(−i·ln b/D)`, the one source of every angle.
    pub(crate) frequencies: Frequencies,
}

/// Builds an [`Encoding`] from [`Encoding::builder`]: every setter is optional, and
/// [`build`](EncodingBuilder::build) validates them all at once.
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until .build() is called"]
pub struct EncodingBuilder {
    d_model: usize,
    base: f64,
    layout: Layout,
    shift: f64,
    scale: f64,
}

impl EncodingBuilder {
    setters! {
        /// The base b of the frequencies (default 10 000). Must be finite and greater than 1.
        base: f64;
        /// The column [`Layout`] (default [`Layout::Interleaved`]).
        layout: Layout;
        /// The shift s of the exponent denominator (default 0). `1` with a split layout gives
        /// tensor2tensor's frequencies, whose last is exactly `1/b`.
        shift: f64;
        /// The scale c that multiplies every position (default 1): position interpolation,
        /// timestep scaling. Must be finite and non-zero.
        scale: f64;
    }

    /// Validates the configuration.
    ///
    /// # Errors
    /// [`Error::ZeroDModel`], [`Error::InvalidBase`], [`Error::NonFiniteShift`],
    /// [`Error::InvalidScale`], or [`Error::NonPositiveDenominator`] when there is more than
    /// one frequency and `D ≤ 0`.
    pub fn build(self) -> Result<Encoding, Error> {
        let EncodingBuilder {
            d_model,
            base,
            layout,
            shift,
            scale,
        } = self;
        if d_model == 0 {
            return Err(Error::ZeroDModel);
        }
        if !(base.is_finite() && base > 1.0) {
            return Err(Error::InvalidBase(base));
        }
        if !shift.is_finite() {
            return Err(Error::NonFiniteShift(shift));
        }
        if !scale.is_finite() || scale == 0.0 {
            return Err(Error::InvalidScale(scale));
        }
        let half = match layout {
            Layout::Interleaved => d_model as f64 / 2.0,
            Layout::SplitSinCos | Layout::SplitCosSin => (d_model / 2) as f64,
        };
        let denominator = two_sum(half, -shift);
        let pairs = layout.pairs(d_model);
        // hi > 0 exactly when hi + lo > 0: |lo| is at most half an ulp of hi, and hi = 0 only
        // when the sum is exactly 0.
        if pairs > 1 && denominator.0 <= 0.0 {
            return Err(Error::NonPositiveDenominator {
                d_model,
                shift,
                denominator: denominator.0,
            });
        }
        let ln_base = ln_dd(base);
        Ok(Encoding {
            d_model,
            base,
            layout,
            shift,
            scale,
            pairs,
            denominator,
            ln_base: ln_base.0 + ln_base.1,
            ln_base_per_denominator: ln_base_per_denominator(ln_base, denominator),
            frequencies: Frequencies::new(ln_base, denominator),
        })
    }
}

impl Encoding {
    /// The paper's encoding of `d_model` columns: interleaved, base 10 000, shift 0, scale 1.
    ///
    /// # Errors
    /// [`Error::ZeroDModel`] when `d_model` is 0.
    pub fn new(d_model: usize) -> Result<Encoding, Error> {
        Encoding::builder(d_model).build()
    }

    /// A builder with the paper's defaults, to change any of them before
    /// [`build`](EncodingBuilder::build).
    pub const fn builder(d_model: usize) -> EncodingBuilder {
        EncodingBuilder {
            d_model,
            base: DEFAULT_BASE,
            layout: Layout::Interleaved,
            shift: 0.0,
            scale: 1.0,
        }
    }

    /// A builder that starts from this encoding's settings.
    pub const fn to_builder(&self) -> EncodingBuilder {
        EncodingBuilder {
            d_model: self.d_model,
            base: self.base,
            layout: self.layout,
            shift: self.shift,
            scale: self.scale,
        }
    }

    /// The number of columns of a row.
    #[must_use]
    pub const fn d_model(&self) -> usize {
        self.d_model
    }

    /// The base b.
    #[must_use]
    pub const fn base(&self) -> f64 {
        self.base
    }

    /// The column layout.
    #[must_use]
    pub const fn layout(&self) -> Layout {
        self.layout
    }

    /// The shift s.
    #[must_use]
    pub const fn shift(&self) -> f64 {
        self.shift
    }

    /// The scale c.
    #[must_use]
    pub const fn scale(&self) -> f64 {
        self.scale
    }

    /// The number of frequencies n: `⌈d/2⌉` interleaved, `⌊d/2⌋` split.
    #[must_use]
    pub const fn pairs(&self) -> usize {
        self.pairs
    }

    /// The exponent denominator D, rounded to `f64` (the core keeps it exactly).
    #[must_use]
    pub fn denominator(&self) -> f64 {
        self.denominator.0 + self.denominator.1
    }

    /// `ln b`, rounded to `f64`.
    #[must_use]
    pub const fn ln_base(&self) -> f64 {
        self.ln_base
    }

    /// `L = ln b / D` as an unevaluated pair `(hi, lo)` of about 100 bits, so that
    /// `ω_i = exp(−i·L)`; computed once here, for vector paths that build ω themselves.
    ///
    /// `ln b` is the core's double-double logarithm (about 2^−95 absolute), divided by the exact
    /// `D`: the same `L` the core's own frequencies `exp(−i·L)` use. Where `D` is not in `(0, 10^270)` (possible only with one frequency, or a shift
    /// that leaves `D` tiny) or the quotient does not fit an `f64`, the pair is `(∞, 0)`.
    ///
    /// ```
    /// use posenc_core::Encoding;
    ///
    /// let enc = Encoding::new(512)?;
    /// let (hi, lo) = enc.ln_base_per_denominator();
    /// assert!((hi - 10_000f64.ln() / 256.0).abs() < 1e-17);
    /// assert!(lo.abs() <= hi * f64::EPSILON);
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    #[must_use]
    pub const fn ln_base_per_denominator(&self) -> (f64, f64) {
        self.ln_base_per_denominator
    }
}

/// `ln b / D` as a pair (see [`Encoding::ln_base_per_denominator`]); never NaN, so that
/// `Encoding`'s equality stays reflexive.
fn ln_base_per_denominator(ln_base: (f64, f64), denominator: (f64, f64)) -> (f64, f64) {
    if !(denominator.0 > 0.0 && denominator.0 < 1e270) {
        return (f64::INFINITY, 0.0);
    }
    let (l1, l2) = div_dd(ln_base, denominator);
    if l1.is_finite() && l2.is_finite() {
        (l1, l2)
    } else {
        (f64::INFINITY, 0.0)
    }
}
