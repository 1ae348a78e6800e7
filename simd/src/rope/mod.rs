//! Rotary position embeddings at memory speed: RoPE applied in place to blocks of query and
//! key vectors, and its cache tables, with every angle as exact as the core's.
//!
//! The angles of a token are shared by all its heads, so they are made once per token (for
//! `[heads, tokens, head_dim]` once per tile of tokens, into a stack buffer) and every head
//! is swept over them: their cost vanishes against the memory traffic. See `sweep` for the
//! arithmetic and its error, `vector::rope_kernel` for the angles.

pub(crate) mod sweep;

use posenc_core::{Element, Error};

use crate::block::row_position;
use sweep::{CacheOut, Target};

/// Pairs the fast path covers (rotary_dim up to 512, every model's); wider configurations
/// take the core's row for every token.
pub(crate) const MAX_PAIRS: usize = 256;

/// What the sweep needs of a validated RoPE configuration.
pub(crate) trait Config {
    /// n = rotary_dim / 2.
    fn pairs(&self) -> usize;
    /// The length of a vector, h ≥ 2n.
    fn head_dim(&self) -> usize;
    /// Whether pair i is `(x_{2i}, x_{2i+1})` rather than `(x_i, x_{i+n})`.
    fn interleaved(&self) -> bool;
    /// The attention factor a.
    fn attention(&self) -> f64;
    /// ω_i, as the core forms it.
    fn omega(&self, pair: usize) -> f64;
    /// `a·cos θ_i` and `a·sin θ_i` of every pair at `position`, as the core forms them.
    fn exact_row(&self, position: f64, cos: &mut [f64], sin: &mut [f64]);
    /// Whether `position` is one the core accepts.
    fn check_position(&self, position: f64) -> Result<(), Error>;
}

/// One call's view of a configuration: its shape, ω'_i = ω_i·2/π (quarter turns) for the
/// vector path, and the core for the rest.
#[derive(Clone, Copy)]
pub(crate) struct Desc<'a> {
    pub(crate) pairs: usize,
    pub(crate) head_dim: usize,
    pub(crate) interleaved: bool,
    pub(crate) attention: f64,
    /// ω_i·2/π for `i < pairs`, then zeros.
    pub(crate) quarter: [f64; MAX_PAIRS],
    /// The largest ω_i: `|p|·max_omega` bounds every angle of a token.
    pub(crate) max_omega: f64,
    /// [`Config::exact_row`].
    pub(crate) exact: &'a dyn Fn(f64, &mut [f64], &mut [f64]),
}

impl core::fmt::Debug for Desc<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Desc")
            .field("pairs", &self.pairs)
            .field("head_dim", &self.head_dim)
            .field("interleaved", &self.interleaved)
            .field("attention", &self.attention)
            .finish_non_exhaustive()
    }
}

impl Desc<'_> {
    /// `pairs` rounded up to whole `f64` vectors of four.
    pub(crate) fn padded_pairs(&self) -> usize {
        self.pairs.next_multiple_of(4)
    }

    /// Coefficients per token (see `sweep`).
    pub(crate) fn stride(&self) -> usize {
        if self.interleaved {
            4 * self.padded_pairs()
        } else {
            2 * self.padded_pairs()
        }
    }
}

/// Runs `f` with the call's [`Desc`] of `config`.
fn with_desc<C: Config, R>(config: &C, f: impl FnOnce(&Desc<'_>) -> R) -> R {
    let exact = |p: f64, cos: &mut [f64], sin: &mut [f64]| config.exact_row(p, cos, sin);
    let pairs = config.pairs();
    let mut quarter = [0.0f64; MAX_PAIRS];
    let mut max_omega = 0.0f64;
    if pairs <= MAX_PAIRS {
        for (i, w) in quarter.iter_mut().enumerate().take(pairs) {
            let omega = config.omega(i);
            max_omega = max_omega.max(omega);
            *w = omega * core::f64::consts::FRAC_2_PI;
        }
    } else {
        // Wider than the buffers: every token through the core (`sweep::Portable`).
        max_omega = f64::INFINITY;
    }
    let desc = Desc {
        pairs,
        head_dim: config.head_dim(),
        interleaved: config.interleaved(),
        attention: config.attention(),
        quarter,
        max_omega,
        exact: &exact,
    };
    f(&desc)
}

/// How the query or key vectors of a block are laid out in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeadLayout {
    /// `[tokens, heads, head_dim]`: vLLM, llama.cpp, candle's `rope_thd`.
    TokensHeads,
    /// `[heads, tokens, head_dim]`: Hugging Face, candle's `rope`.
    HeadsTokens,
}

/// The positions of the tokens of a call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Positions<'a> {
    /// Token `k` at [`row_position`]`(start, first + k)`: a prompt, or a block of one cut
    /// into pieces (`first` is the piece's first token).
    Consecutive {
        /// The position of token 0 of the whole sequence.
        start: f64,
        /// The index of the call's first token in the sequence.
        first: u64,
    },
    /// Token `k` at `positions[k]`: batched decoding with different offsets.
    Each(&'a [f64]),
}

impl Positions<'_> {
    /// Consecutive positions from `start` (token 0 at `start`).
    #[must_use]
    pub const fn from_start(start: f64) -> Positions<'static> {
        Positions::Consecutive { start, first: 0 }
    }

    /// The position of token `k`, for a call already checked.
    #[inline(always)]
    pub(crate) fn at(&self, k: usize) -> f64 {
        match *self {
            Positions::Consecutive { start, first } => row_position(start, first + k as u64),
            Positions::Each(positions) => positions.get(k).copied().unwrap_or(0.0),
        }
    }
}

/// Checks the positions of `tokens` tokens (or of the listed ones), once, before any work.
fn check_positions<C: Config>(
    config: &C,
    positions: Positions<'_>,
    tokens: usize,
) -> Result<(), Error> {
    match positions {
        Positions::Each(list) => list.iter().try_for_each(|&p| config.check_position(p)),
        Positions::Consecutive { start, first } => {
            config.check_position(start)?;
            if tokens == 0 {
                return Ok(());
            }
            let last = first
                .checked_add(tokens as u64 - 1)
                .ok_or(Error::PositionRangeOverflow {
                    start,
                    rows: tokens,
                })?;
            // |p·ω| is largest at one end of the block, so the two ends decide for every token.
            for k in [first, last] {
                config
                    .check_position(row_position(start, k))
                    .map_err(|e| match e {
                        Error::NonFinitePosition(_) => Error::PositionRangeOverflow {
                            start,
                            rows: tokens,
                        },
                        other => other,
                    })?;
            }
            Ok(())
        }
    }
}

/// The number of tokens of a block of `len` values in units of `unit` (one token's values),
/// and checks its positions.
fn check_tokens<C: Config>(
    config: &C,
    positions: Positions<'_>,
    unit: usize,
    len: usize,
) -> Result<usize, Error> {
    let tokens = match positions {
        Positions::Each(list) => {
            let expected = list.len().checked_mul(unit).ok_or(Error::SizeOverflow {
                rows: list.len(),
                d_model: unit,
            })?;
            if len != expected {
                return Err(Error::BufferLength {
                    expected,
                    actual: len,
                });
            }
            list.len()
        }
        Positions::Consecutive { .. } if unit == 0 => {
            if len != 0 {
                return Err(Error::BufferLength {
                    expected: 0,
                    actual: len,
                });
            }
            0
        }
        Positions::Consecutive { .. } => {
            if !len.is_multiple_of(unit) {
                return Err(Error::NotWholeRows { len, d_model: unit });
            }
            len / unit
        }
    };
    check_positions(config, positions, tokens)?;
    Ok(tokens)
}

/// `heads · head_dim`, or [`Error::SizeOverflow`].
fn token_values<C: Config>(config: &C, heads: usize) -> Result<usize, Error> {
    heads
        .checked_mul(config.head_dim())
        .ok_or(Error::SizeOverflow {
            rows: heads,
            d_model: config.head_dim(),
        })
}

/// Checks a block `x` of `heads` heads in `layout`; returns its number of tokens.
pub(crate) fn check_block<C: Config>(
    config: &C,
    layout: HeadLayout,
    heads: usize,
    positions: Positions<'_>,
    len: usize,
) -> Result<usize, Error> {
    // Both layouts hold `tokens · heads · head_dim` values.
    let _ = layout;
    check_tokens(config, positions, token_values(config, heads)?, len)
}

/// Applies RoPE in place to `x`, `heads` heads in `layout`.
pub(crate) fn apply<C: Config, T: Element>(
    config: &C,
    layout: HeadLayout,
    heads: usize,
    positions: Positions<'_>,
    x: &mut [T],
) -> Result<(), Error> {
    let tokens = check_block(config, layout, heads, positions, x.len())?;
    let target = match layout {
        HeadLayout::TokensHeads => Target::TokensHeads { x, heads },
        HeadLayout::HeadsTokens => Target::HeadsTokens { x, tokens },
    };
    with_desc(config, |desc| backend::apply(desc, tokens, positions, target));
    Ok(())
}

/// Checks a `[heads][tokens, head_dim]` block given as one slice per head; returns its
/// number of tokens.
pub(crate) fn check_heads<C: Config, T>(
    config: &C,
    positions: Positions<'_>,
    heads: &[&mut [T]],
) -> Result<usize, Error> {
    let hd = config.head_dim();
    let first = heads.first().map_or(0, |h| h.len());
    let tokens = check_tokens(config, positions, hd, first)?;
    for head in heads {
        if head.len() != first {
            return Err(Error::BufferLength {
                expected: first,
                actual: head.len(),
            });
        }
    }
    Ok(tokens)
}

/// Applies RoPE in place to the tokens of every head slice of `heads`.
pub(crate) fn apply_heads<C: Config, T: Element>(
    config: &C,
    positions: Positions<'_>,
    heads: &mut [&mut [T]],
) -> Result<(), Error> {
    let tokens = check_heads(config, positions, heads)?;
    with_desc(config, |desc| {
        backend::apply(desc, tokens, positions, Target::Heads(heads));
    });
    Ok(())
}

/// The layout of RoPE cache tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CacheLayout {
    /// vLLM's `cos_sin_cache`: one `[positions, rotary_dim]` table, `a·cos θ_i` of every pair
    /// then `a·sin θ_i` (the second slice is empty).
    Vllm,
    /// candle's `cos` and `sin`, each `[positions, rotary_dim / 2]`.
    Candle,
    /// Hugging Face's `cos` and `sin`, each `[positions, rotary_dim]`: every pair's value
    /// twice (`cat(freqs, freqs)`), times the attention factor.
    HuggingFace,
}

impl CacheLayout {
    /// Values per position in the first table and in the second, for `n` pairs.
    const fn row_values(self, pairs: usize) -> (usize, usize) {
        match self {
            CacheLayout::Vllm => (2 * pairs, 0),
            CacheLayout::Candle => (pairs, pairs),
            CacheLayout::HuggingFace => (2 * pairs, 2 * pairs),
        }
    }
}

/// Checks cache tables `first` and `second` in `layout`; returns the number of positions.
pub(crate) fn check_cache<C: Config>(
    config: &C,
    layout: CacheLayout,
    positions: Positions<'_>,
    first: usize,
    second: usize,
) -> Result<usize, Error> {
    let (unit, second_unit) = layout.row_values(config.pairs());
    let tokens = check_tokens(config, positions, unit, first)?;
    let expected = tokens * second_unit; // at most `first` values: no overflow
    if second != expected {
        return Err(Error::BufferLength {
            expected,
            actual: second,
        });
    }
    Ok(tokens)
}

/// Writes cache tables in `layout` (`second` is empty for [`CacheLayout::Vllm`]).
pub(crate) fn cache<C: Config, T: Element>(
    config: &C,
    layout: CacheLayout,
    positions: Positions<'_>,
    first: &mut [T],
    second: &mut [T],
) -> Result<(), Error> {
    let tokens = check_cache(config, layout, positions, first.len(), second.len())?;
    let out = match layout {
        CacheLayout::Vllm => CacheOut::Vllm(first),
        CacheLayout::Candle => CacheOut::Candle {
            cos: first,
            sin: second,
        },
        CacheLayout::HuggingFace => CacheOut::HuggingFace {
            cos: first,
            sin: second,
        },
    };
    with_desc(config, |desc| backend::cache(desc, tokens, positions, out));
    Ok(())
}

/// The lanes a call runs on: the vector path's, or one lane with every coefficient from the
/// core (the `scalar-math` feature, and [`portable`]).
mod backend {
    use super::sweep::{CacheOut, Target};
    use super::{Desc, Positions};
    use posenc_core::Element;

    #[cfg(not(feature = "scalar-math"))]
    pub(super) fn apply<T: Element>(
        desc: &Desc<'_>,
        tokens: usize,
        positions: Positions<'_>,
        target: Target<'_, '_, T>,
    ) {
        use crate::vector::rope_kernel::{Job, run};
        run(desc, tokens, |k| positions.at(k), Job::Apply(target));
    }

    #[cfg(not(feature = "scalar-math"))]
    pub(super) fn cache<T: Element>(
        desc: &Desc<'_>,
        tokens: usize,
        positions: Positions<'_>,
        out: CacheOut<'_, T>,
    ) {
        use crate::vector::rope_kernel::{Job, run};
        run(desc, tokens, |k| positions.at(k), Job::Cache(out));
    }

    #[cfg(feature = "scalar-math")]
    pub(super) use super::portable::{apply, cache};
}

/// Every coefficient from the core, rotated one lane at a time.
pub(crate) mod portable {
    use super::sweep::{self, CacheOut, One, Portable, Target};
    use super::{Desc, Positions};
    use posenc_core::Element;

    pub(crate) fn apply<T: Element>(
        desc: &Desc<'_>,
        tokens: usize,
        positions: Positions<'_>,
        target: Target<'_, '_, T>,
    ) {
        let at = |k| positions.at(k);
        if T::MANTISSA_BITS == f32::MANTISSA_DIGITS {
            sweep::run::<One<f32>, T>(desc, &Portable, tokens, at, target);
        } else {
            sweep::run::<One<f64>, T>(desc, &Portable, tokens, at, target);
        }
    }

    pub(crate) fn cache<T: Element>(
        desc: &Desc<'_>,
        tokens: usize,
        positions: Positions<'_>,
        out: CacheOut<'_, T>,
    ) {
        let at = |k| positions.at(k);
        if T::MANTISSA_BITS == f32::MANTISSA_DIGITS {
            sweep::cache::<f32, T>(desc, &Portable, tokens, at, out);
        } else {
            sweep::cache::<f64, T>(desc, &Portable, tokens, at, out);
        }
    }
}
