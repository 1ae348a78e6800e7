//! Single positions: angles, one cache row, and the rotation of head vectors in place.

use super::Rope;
use crate::angle::{ScaledPosition, angle_parts, sin_cos_of};
use crate::exact::two_prod;
use crate::{Element, Error};

/// Which way a rotation turns: RoPE itself, or its exact inverse `(1/a)·R(−θ)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Inverse,
}

impl Rope<'_> {
    /// Checks that `position` can be used: finite, and `|position|·max_frequency` finite.
    ///
    /// ```
    /// let rope = posenc_core::Rope::builder(64).build()?;
    /// assert!(rope.check_position(-3.5).is_ok());
    /// assert!(rope.check_position(f64::NAN).is_err());
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::NonFinitePosition`], [`Error::RopeAngleOverflow`].
    pub fn check_position(&self, position: f64) -> Result<(), Error> {
        self.position(position).map(|_| ())
    }

    fn position(&self, position: f64) -> Result<ScaledPosition, Error> {
        if !position.is_finite() {
            return Err(Error::NonFinitePosition(position));
        }
        if !two_prod(position, self.max_frequency).0.is_finite() {
            return Err(Error::RopeAngleOverflow {
                position,
                frequency: self.max_frequency,
            });
        }
        Ok(ScaledPosition::unscaled(position))
    }

    /// The angle `θ_pair = p·ω_pair` as an unevaluated pair `hi + lo`: the double-double
    /// product of `p` and [`frequency_parts`](Rope::frequency_parts), about 2^−95 relative
    /// below `|θ| = 2^40`.
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`], [`Error::NonFinitePosition`], [`Error::RopeAngleOverflow`].
    pub fn angle_parts(&self, pair: usize, position: f64) -> Result<(f64, f64), Error> {
        let omega = self.frequency_parts(pair)?;
        Ok(angle_parts(self.position(position)?, omega))
    }

    /// `(sin θ_pair, cos θ_pair)` at `position`, without the attention factor, each within
    /// about an `f64` ulp of exact.
    ///
    /// # Errors
    /// [`Error::PairOutOfRange`], [`Error::NonFinitePosition`], [`Error::RopeAngleOverflow`].
    pub fn sin_cos(&self, pair: usize, position: f64) -> Result<(f64, f64), Error> {
        let omega = self.frequency_parts(pair)?;
        Ok(sin_cos_of(self.position(position)?, omega))
    }

    /// Writes the cache row of `position` into `out` (`rotary_dim` values): `a·cos θ_i` for
    /// every pair, then `a·sin θ_i` for every pair. That is vLLM's `cos_sin_cache` row, and
    /// with [`Scaling::None`](crate::Scaling::None) (and `a = 1`) it is bit for bit the
    /// encoding's row in [`Layout::SplitCosSin`](crate::Layout::SplitCosSin) with
    /// `d_model = rotary_dim` and base θ.
    ///
    /// ```
    /// use posenc_core::{Encoding, Layout, Rope};
    ///
    /// let rope = Rope::builder(128).rotary_dim(64).build()?;
    /// let mut cache = [0.0f32; 64];
    /// rope.cache_row(4095.0, &mut cache)?;
    /// let enc = Encoding::builder(64).layout(Layout::SplitCosSin).build()?;
    /// let mut row = [0.0f32; 64];
    /// enc.encode(4095.0, &mut row)?;
    /// assert_eq!(cache, row);
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `out.len() != rotary_dim`, [`Error::NonFinitePosition`],
    /// [`Error::RopeAngleOverflow`]. On error `out` is untouched.
    pub fn cache_row<T: Element>(&self, position: f64, out: &mut [T]) -> Result<(), Error> {
        crate::rows::check_buffer(self.rotary_dim, out.len())?;
        let scaled = self.position(position)?;
        let a = self.attention;
        let Some((cos_half, sin_half)) = out.split_at_mut_checked(self.pairs()) else {
            return Ok(());
        };
        let halves = cos_half.iter_mut().zip(sin_half.iter_mut());
        for ((c, s), omega) in halves.zip(self.omegas()) {
            let (sin, cos) = sin_cos_of(scaled, omega);
            *c = T::from_f64(a * cos);
            *s = T::from_f64(a * sin);
        }
        Ok(())
    }

    /// Applies RoPE at `position` to one head vector `x` (`head_dim` values) in place: pair i
    /// becomes `a·(u·cos θ_i − v·sin θ_i)`, `a·(v·cos θ_i + u·sin θ_i)`, computed in `f64`
    /// and rounded once; dimensions `rotary_dim..head_dim` are not touched. (An attention factor
    /// near the type's largest value can overflow results to ±∞; never to NaN.)
    ///
    /// ```
    /// use posenc_core::Rope;
    ///
    /// let rope = Rope::builder(4).build()?; // pairs (x0, x2) and (x1, x3)
    /// let mut x = [1.0f64, 0.0, 0.0, 0.0];
    /// rope.apply(1.0, &mut x)?; // pair 0 turns by 1 radian
    /// assert_eq!(x, [1.0f64.cos(), 0.0, 1.0f64.sin(), 0.0]);
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `x.len() != head_dim`, [`Error::NonFinitePosition`],
    /// [`Error::RopeAngleOverflow`]. On error `x` is untouched.
    pub fn apply<T: Element>(&self, position: f64, x: &mut [T]) -> Result<(), Error> {
        self.check_head(x.len())?;
        self.rotate(position, x, Direction::Forward)
    }

    /// Applies RoPE at `position` to every head of one token, `heads` being
    /// `[heads, head_dim]` row-major (any number of heads, 0 included); all heads share one
    /// set of angles, formed once.
    ///
    /// ```
    /// use posenc_core::RopePreset;
    ///
    /// let rope = RopePreset::GptJ6B.rope()?; // head_dim 256, rotary 64, interleaved
    /// let mut token = vec![0.125f32; 16 * 256]; // 16 heads
    /// rope.apply_heads(4096.0, &mut token)?;
    /// let mut one = vec![0.125f32; 256];
    /// rope.apply(4096.0, &mut one)?;
    /// assert!(token.chunks(256).all(|head| head == one.as_slice()));
    /// assert!(rope.apply_heads(4096.0, &mut token[..300]).is_err());
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::NotWholeHeads`] when the length is not a multiple of `head_dim`,
    /// [`Error::NonFinitePosition`], [`Error::RopeAngleOverflow`]. On error nothing is written.
    pub fn apply_heads<T: Element>(&self, position: f64, heads: &mut [T]) -> Result<(), Error> {
        self.check_heads(heads.len())?;
        self.rotate(position, heads, Direction::Forward)
    }

    /// Undoes [`apply`](Rope::apply): `(1/a)·R(−θ)`, so that `apply` then `apply_inverse`
    /// gives back `x` to within the rounding of the two steps.
    ///
    /// # Errors
    /// As [`apply`](Rope::apply).
    pub fn apply_inverse<T: Element>(&self, position: f64, x: &mut [T]) -> Result<(), Error> {
        self.check_head(x.len())?;
        self.rotate(position, x, Direction::Inverse)
    }

    /// Undoes [`apply_heads`](Rope::apply_heads).
    ///
    /// # Errors
    /// As [`apply_heads`](Rope::apply_heads).
    pub fn apply_heads_inverse<T: Element>(
        &self,
        position: f64,
        heads: &mut [T],
    ) -> Result<(), Error> {
        self.check_heads(heads.len())?;
        self.rotate(position, heads, Direction::Inverse)
    }

    /// Checks that a head vector has `head_dim` values.
    ///
    /// # Errors
    /// [`Error::BufferLength`] otherwise.
    pub fn check_head(&self, len: usize) -> Result<(), Error> {
        crate::rows::check_buffer(self.head_dim(), len)
    }

    /// Checks that a buffer is a whole number of heads of `head_dim` values.
    ///
    /// # Errors
    /// [`Error::NotWholeHeads`] otherwise.
    pub fn check_heads(&self, len: usize) -> Result<(), Error> {
        if len % self.head_dim == 0 {
            Ok(())
        } else {
            Err(Error::NotWholeHeads {
                len,
                head_dim: self.head_dim(),
            })
        }
    }

    /// Rotates every pair of every head of `heads` (a whole number of heads, checked).
    fn rotate<T: Element>(
        &self,
        position: f64,
        heads: &mut [T],
        direction: Direction,
    ) -> Result<(), Error> {
        let scaled = self.position(position)?;
        let a = self.attention;
        for (pair, omega) in self.omegas().take(self.pairs()).enumerate() {
            let (sin, cos) = sin_cos_of(scaled, omega);
            let (cu, cv) = self.pairing.columns(self.rotary_dim, pair);
            for head in heads.chunks_exact_mut(self.head_dim.get()) {
                let (Some(&u), Some(&v)) = (head.get(cu), head.get(cv)) else {
                    continue;
                };
                let (u, v) = (u.to_f64(), v.to_f64());
                let (nu, nv) = match direction {
                    Direction::Forward => ((u * cos - v * sin) * a, (v * cos + u * sin) * a),
                    Direction::Inverse => ((u * cos + v * sin) / a, (v * cos - u * sin) / a),
                };
                if let Some(slot) = head.get_mut(cu) {
                    *slot = T::from_f64(nu);
                }
                if let Some(slot) = head.get_mut(cv) {
                    *slot = T::from_f64(nv);
                }
            }
        }
        Ok(())
    }
}
