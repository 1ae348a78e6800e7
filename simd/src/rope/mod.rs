//! Rotary position embeddings at memory speed: RoPE applied in place to blocks of query and
//! key vectors, and its cache tables, with every angle as exact as the core's.
//!
//! The angles of a token are shared by all its heads, so they are made once per token (for
//! `[heads, tokens, head_dim]` once per tile of tokens, into a stack buffer) and every head
//! is swept over them: their cost vanishes against the memory traffic. See `sweep` for the
//! arithmetic and its error, `vector::rope_kernel` for the angles.

mod reduced;
pub(crate) mod sweep;

use posenc_core::{Element, Error, Pairing, Rope};

use crate::Backend;
use posenc_core::row_position;
use sweep::{CacheOut, Job, One, Portable, Target};

/// Pairs the fast path covers (rotary_dim up to 512, every model's); wider configurations
/// take the core's row for every token.
pub(crate) const MAX_PAIRS: usize = 256;

/// One call's view of a configuration: its shape, ω'_i = ω_i·2/π (quarter turns) for the
/// vector path, and the core for the rest.
#[derive(Clone, Copy)]
pub(crate) struct Desc<'a> {
    pub(crate) pairs: usize,
    pub(crate) head_dim: usize,
    pub(crate) interleaved: bool,
    pub(crate) attention: f64,
    /// ω_i·2/π for `i < pairs`, then zeros.
    #[cfg_attr(feature = "scalar-math", allow(dead_code))]
    pub(crate) quarter: [f64; MAX_PAIRS],
    /// The largest ω_i: `|p|·max_omega` bounds every angle of a token.
    #[cfg_attr(feature = "scalar-math", allow(dead_code))]
    pub(crate) max_omega: f64,
    /// The configuration, for the coefficients the vector path does not make.
    pub(crate) rope: &'a Rope<'a>,
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

impl<'a> Desc<'a> {
    /// The description of `rope`, or `None` where the configuration is wider than the
    /// buffers ([`MAX_PAIRS`]).
    pub(crate) fn new(rope: &'a Rope<'a>) -> Option<Desc<'a>> {
        let pairs = rope.pairs();
        if pairs > MAX_PAIRS {
            return None;
        }
        let mut quarter = [0.0f64; MAX_PAIRS];
        let omega = quarter.get_mut(..pairs).unwrap_or_default();
        // `omega` has exactly one value per pair: the core cannot fail here.
        let _ = rope.frequencies(omega);
        let mut max_omega = 0.0f64;
        for w in omega {
            max_omega = max_omega.max(*w);
            *w *= core::f64::consts::FRAC_2_PI;
        }
        Some(Desc {
            pairs,
            head_dim: rope.head_dim(),
            interleaved: rope.pairing() == Pairing::Interleaved,
            attention: rope.attention_factor(),
            quarter,
            max_omega,
            rope,
        })
    }
}

/// A RoPE configuration with its frequencies fetched from the core once, for repeated calls:
/// decoding applies RoPE to one token per layer and step, where asking the core for every
/// ω_i (each a double-double `exp`) would cost more than the rotation itself. The free
/// functions ([`rope_apply`], [`rope_apply_heads`], [`rope_cache`]) make one per call.
///
/// ```
/// use posenc_simd::{HeadLayout, TokenPositions, PreparedRope, RopePreset};
///
/// let rope = RopePreset::Llama31.rope()?;
/// let prepared = PreparedRope::new(&rope);
/// let mut q = vec![0.5f32; 32 * 128]; // one token, 32 heads
/// for step in 0..4 {
///     let position = [100_000.0 + f64::from(step)];
///     prepared.apply(HeadLayout::TokensHeads, 32, TokenPositions::Each(&position), &mut q)?;
/// }
/// # Ok::<(), posenc_simd::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PreparedRope<'a> {
    rope: &'a Rope<'a>,
    backend: Backend,
    /// `None` for configurations wider than the buffers: every value through the core.
    desc: Option<Desc<'a>>,
}

impl<'a> PreparedRope<'a> {
    /// Fetches the frequencies of `rope`, for calls on [`Backend::detect`].
    #[must_use]
    pub fn new(rope: &'a Rope<'a>) -> PreparedRope<'a> {
        PreparedRope::with_backend(rope, Backend::detect())
    }

    /// Fetches the frequencies of `rope`, for calls on `backend`. Every backend meets the same
    /// bounds; one backend value always gives the same bits (see [`Backend`]).
    ///
    /// ```
    /// use posenc_simd::{Backend, HeadLayout, PreparedRope, RopePreset, TokenPositions};
    ///
    /// let rope = RopePreset::Llama2.rope()?;
    /// let (mut fast, mut reference) = (vec![0.5f32; 4 * 128], vec![0.5f32; 4 * 128]);
    /// let at = TokenPositions::from_start(4093.0);
    /// PreparedRope::new(&rope).apply(HeadLayout::TokensHeads, 1, at, &mut fast)?;
    /// PreparedRope::with_backend(&rope, Backend::portable())
    ///     .apply(HeadLayout::TokensHeads, 1, at, &mut reference)?;
    /// // Each within the bound 2^−22·a·(|u| + |v|) of the exact rotation (here a = 1, |u| + |v| ≤ 1).
    /// for (a, b) in fast.iter().zip(&reference) {
    ///     assert!((a - b).abs() <= 2.0 * 2f32.powi(-22));
    /// }
    /// # Ok::<(), posenc_simd::Error>(())
    /// ```
    #[must_use]
    pub fn with_backend(rope: &'a Rope<'a>, backend: Backend) -> PreparedRope<'a> {
        PreparedRope {
            rope,
            backend,
            desc: Desc::new(rope),
        }
    }

    /// The backend the calls run on.
    #[must_use]
    pub const fn backend(&self) -> Backend {
        self.backend
    }

    /// The configuration.
    #[must_use]
    pub const fn rope(&self) -> &'a Rope<'a> {
        self.rope
    }

    /// [`rope_apply`] with this configuration.
    ///
    /// # Errors
    /// As [`rope_apply`].
    pub fn apply<T: Element>(
        &self,
        layout: HeadLayout,
        heads: usize,
        positions: TokenPositions<'_>,
        x: &mut [T],
    ) -> Result<(), Error> {
        let tokens = check_rope_block(self.rope, layout, heads, positions, x.len())?;
        let target = match layout {
            HeadLayout::TokensHeads => Target::TokensHeads { x, heads },
            HeadLayout::HeadsTokens => Target::HeadsTokens { x, tokens },
        };
        self.run_apply(tokens, positions, target);
        Ok(())
    }

    /// [`rope_apply_heads`] with this configuration.
    ///
    /// # Errors
    /// As [`rope_apply_heads`].
    pub fn apply_heads<T: Element>(
        &self,
        positions: TokenPositions<'_>,
        heads: &mut [&mut [T]],
    ) -> Result<(), Error> {
        let tokens = check_rope_heads(self.rope, positions, heads)?;
        self.run_apply(tokens, positions, Target::Heads(heads));
        Ok(())
    }

    /// [`rope_cache`] with this configuration.
    ///
    /// # Errors
    /// As [`rope_cache`].
    pub fn cache<T: Element>(
        &self,
        layout: CacheLayout,
        positions: TokenPositions<'_>,
        first: &mut [T],
        second: &mut [T],
    ) -> Result<(), Error> {
        let tokens = check_rope_cache(self.rope, layout, positions, first.len(), second.len())?;
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
        match &self.desc {
            Some(desc) if reduced_data::<T>() => {
                reduced::cache(self.backend, desc, tokens, positions, out);
            }
            Some(desc) => run(self.backend, desc, tokens, positions, Job::Cache(out)),
            None => sweep::wide(self.rope, tokens, |k| positions.at(k), Job::Cache(out)),
        }
        Ok(())
    }

    /// Rotates a checked target.
    fn run_apply<T: Element>(
        &self,
        tokens: usize,
        positions: TokenPositions<'_>,
        target: Target<'_, '_, T>,
    ) {
        match &self.desc {
            Some(desc) if f32_coefficients_overflow::<T>(desc) => {
                sweep::wide(self.rope, tokens, |k| positions.at(k), Job::Apply(target));
            }
            Some(desc) if reduced_data::<T>() => {
                reduced::apply(self.backend, desc, tokens, positions, target);
            }
            Some(desc) => run(self.backend, desc, tokens, positions, Job::Apply(target)),
            None => sweep::wide(self.rope, tokens, |k| positions.at(k), Job::Apply(target)),
        }
    }
}

/// Whether data of `T` is rotated with `f32` coefficients (`f32`, `f16`, `bf16`) that would
/// overflow: an attention factor past `f32::MAX` makes `a·cos θ_i` infinite, and `0·∞` or
/// `∞ − ∞` would give NaN where the exact value is 0 or ±∞. The core rotates in `f64`, then
/// rounds once, so those calls take its path.
fn f32_coefficients_overflow<T: Element>(desc: &Desc<'_>) -> bool {
    // `a·|cos θ| ≤ a`, and rounding is monotonic: every coefficient is finite when `a` is.
    T::MANTISSA_BITS <= f32::MANTISSA_DIGITS && (desc.attention as f32).is_infinite()
}

/// Whether `T` is `f16` or `bf16`, which the `f32` path computes and rounds once (see
/// `reduced`).
const fn reduced_data<T: Element>() -> bool {
    T::MANTISSA_BITS < f32::MANTISSA_DIGITS
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
pub enum TokenPositions<'a> {
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

impl<'a> TokenPositions<'a> {
    /// Consecutive positions from `start` (token 0 at `start`).
    #[must_use]
    pub const fn from_start(start: f64) -> TokenPositions<'static> {
        TokenPositions::Consecutive { start, first: 0 }
    }

    /// The positions of tokens `at .. at + count` of these: a piece of a block, for a call on
    /// that piece alone (a list too short for the range gives an empty one).
    ///
    /// ```
    /// use posenc_simd::TokenPositions;
    ///
    /// let piece = TokenPositions::from_start(7.0).part(100, 20);
    /// assert_eq!(piece, TokenPositions::Consecutive { start: 7.0, first: 100 });
    /// let list = [1.0, 2.0, 3.0];
    /// assert_eq!(TokenPositions::Each(&list).part(1, 2), TokenPositions::Each(&list[1..]));
    /// ```
    #[must_use]
    pub fn part(self, at: usize, count: usize) -> TokenPositions<'a> {
        match self {
            TokenPositions::Consecutive { start, first } => TokenPositions::Consecutive {
                start,
                first: first.saturating_add(at as u64),
            },
            TokenPositions::Each(list) => TokenPositions::Each(
                at.checked_add(count)
                    .and_then(|end| list.get(at..end))
                    .unwrap_or_default(),
            ),
        }
    }

    /// The position of token `k`, for a call already checked.
    #[inline(always)]
    pub(crate) fn at(&self, k: usize) -> f64 {
        match *self {
            TokenPositions::Consecutive { start, first } => row_position(start, first + k as u64),
            TokenPositions::Each(positions) => positions.get(k).copied().unwrap_or(0.0),
        }
    }
}

/// Checks the positions of `tokens` tokens (or of the listed ones), once, before any work.
fn check_positions(
    rope: &Rope<'_>,
    positions: TokenPositions<'_>,
    tokens: usize,
) -> Result<(), Error> {
    match positions {
        TokenPositions::Each(list) => list.iter().try_for_each(|&p| rope.check_position(p)),
        TokenPositions::Consecutive { start, first } => {
            rope.check_position(start)?;
            if tokens == 0 {
                return Ok(());
            }
            let last = first
                .checked_add(tokens as u64 - 1)
                .ok_or(Error::RowIndexOverflow {
                    first_row: first,
                    rows: tokens,
                })?;
            // |p·ω| is largest at one end of the block, so the two ends decide for every token
            // (`start + k` is finite for every finite start and index).
            for k in [first, last] {
                rope.check_position(row_position(start, k))?;
            }
            Ok(())
        }
    }
}

/// The number of tokens of a block of `len` values in units of `unit` (one token's values),
/// and checks its positions.
fn check_tokens(
    rope: &Rope<'_>,
    positions: TokenPositions<'_>,
    unit: usize,
    len: usize,
) -> Result<usize, Error> {
    let tokens = match positions {
        TokenPositions::Each(list) => {
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
        TokenPositions::Consecutive { .. } if unit == 0 => {
            if len != 0 {
                return Err(Error::BufferLength {
                    expected: 0,
                    actual: len,
                });
            }
            0
        }
        TokenPositions::Consecutive { .. } => {
            if !len.is_multiple_of(unit) {
                return Err(Error::NotWholeRows { len, d_model: unit });
            }
            len / unit
        }
    };
    check_positions(rope, positions, tokens)?;
    Ok(tokens)
}

/// `heads · head_dim`, or [`Error::SizeOverflow`].
fn token_values(rope: &Rope<'_>, heads: usize) -> Result<usize, Error> {
    heads
        .checked_mul(rope.head_dim())
        .ok_or(Error::SizeOverflow {
            rows: heads,
            d_model: rope.head_dim(),
        })
}

/// Checks a block of `len` values of `heads` heads in `layout` as [`rope_apply`] does before
/// writing, and returns its number of tokens. Callers that split a block (the parallel crate)
/// validate the whole call with it once, so they report exactly the sequential call's error.
///
/// # Errors
/// As [`rope_apply`].
pub fn check_rope_block(
    rope: &Rope<'_>,
    layout: HeadLayout,
    heads: usize,
    positions: TokenPositions<'_>,
    len: usize,
) -> Result<usize, Error> {
    // Both layouts hold `tokens · heads · head_dim` values.
    let _ = layout;
    check_tokens(rope, positions, token_values(rope, heads)?, len)
}

/// Applies RoPE in place to a block `x` of query or key vectors: `tokens × heads` vectors of
/// `head_dim` values in `layout`, token `k` at the position `positions` gives it (for
/// [`TokenPositions::Consecutive`] the number of tokens is `x.len() / (heads · head_dim)`).
///
/// Every pair of the first `rotary_dim` dimensions turns by the angle of its token; the other
/// dimensions are not touched. The angles are formed in `f64` (never in `f32`) and shared by
/// all the heads of a token; each value is within the SPEC's backend bounds of the core's
/// ([`Rope::apply`]): a rotated `f32` pair within `2^−22·a·(|u| + |v|)`, an `f64` pair within
/// `2^−48·(1 + |θ|)·a·(|u| + |v|)`. Every value depends only on the configuration, its token's
/// position and its own pair, so a block cut into pieces (with [`TokenPositions::Consecutive`]'s
/// `first`) gives the bits of one call.
///
/// ```
/// use posenc_simd::{HeadLayout, TokenPositions, RopePreset, rope_apply};
///
/// // Llama 2, queries [heads 4, tokens 3, head_dim 128] (Hugging Face's layout) at
/// // positions 100 000 .. 100 003.
/// let rope = RopePreset::Llama2.rope()?;
/// let mut q = vec![0.25f32; 4 * 3 * 128];
/// rope_apply(&rope, HeadLayout::HeadsTokens, 4, TokenPositions::from_start(100_000.0), &mut q)?;
/// // The same as the core, vector by vector, within the bound.
/// let mut one = [0.25f32; 128];
/// rope.apply(100_002.0, &mut one)?;
/// let head_3_token_2 = &q[(3 * 3 + 2) * 128..][..128];
/// for (fast, core) in head_3_token_2.iter().zip(&one) {
///     assert!((fast - core).abs() <= 2f32.powi(-22) * 0.5);
/// }
/// # Ok::<(), posenc_simd::Error>(())
/// ```
///
/// # Errors
/// Checked once, before anything is written: [`Error::SizeOverflow`] when `heads · head_dim`
/// (or the listed positions times it) overflows; [`Error::NotWholeRows`] when `x` is not a
/// whole number of tokens, [`Error::BufferLength`] when it has not one token per listed
/// position; [`Error::NonFinitePosition`] or [`Error::RopeAngleOverflow`] for a position
/// (the first bad one of a list), [`Error::RowIndexOverflow`] when consecutive positions
/// pass the last index, `u64::MAX`. On error `x` is untouched.
pub fn rope_apply<T: Element>(
    rope: &Rope<'_>,
    layout: HeadLayout,
    heads: usize,
    positions: TokenPositions<'_>,
    x: &mut [T],
) -> Result<(), Error> {
    PreparedRope::new(rope).apply(layout, heads, positions, x)
}

/// Checks a block given as one `[tokens, head_dim]` slice per head as [`rope_apply_heads`]
/// does before writing; returns its number of tokens.
///
/// # Errors
/// As [`rope_apply_heads`].
pub fn check_rope_heads<T>(
    rope: &Rope<'_>,
    positions: TokenPositions<'_>,
    heads: &[&mut [T]],
) -> Result<usize, Error> {
    let hd = rope.head_dim();
    let first = heads.first().map_or(0, |h| h.len());
    let tokens = check_tokens(rope, positions, hd, first)?;
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

/// Applies RoPE in place to a `[heads, tokens, head_dim]` block given as one
/// `[tokens, head_dim]` slice per head (a range of tokens of every head of a larger block,
/// as the parallel crate hands them out). The same values as [`rope_apply`] with
/// [`HeadLayout::HeadsTokens`] on the heads put together.
///
/// # Errors
/// As [`rope_apply`], with [`Error::NotWholeRows`] or [`Error::BufferLength`] about the first
/// head, and [`Error::BufferLength`] for a later head whose length differs from the first's.
/// On error nothing is written.
pub fn rope_apply_heads<T: Element>(
    rope: &Rope<'_>,
    positions: TokenPositions<'_>,
    heads: &mut [&mut [T]],
) -> Result<(), Error> {
    PreparedRope::new(rope).apply_heads(positions, heads)
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

/// Checks cache tables of `first` and `second` values in `layout` as [`rope_cache`] does
/// before writing; returns the number of positions.
///
/// # Errors
/// As [`rope_cache`].
pub fn check_rope_cache(
    rope: &Rope<'_>,
    layout: CacheLayout,
    positions: TokenPositions<'_>,
    first: usize,
    second: usize,
) -> Result<usize, Error> {
    let (unit, second_unit) = layout.row_values(rope.pairs());
    let tokens = check_tokens(rope, positions, unit, first)?;
    let expected = tokens * second_unit; // at most `first` values: no overflow
    if second != expected {
        return Err(Error::BufferLength {
            expected,
            actual: second,
        });
    }
    Ok(tokens)
}

/// Writes RoPE's cache tables for a block of positions in `layout`: `first` (and `second`,
/// empty for [`CacheLayout::Vllm`]) get one row per token, token `k` at the position
/// `positions` gives it (for [`TokenPositions::Consecutive`] as many as `first` holds).
///
/// Values are `a·cos θ_i` and `a·sin θ_i` rounded once, within `2^−23·max(1, a)` in `f32` and
/// `2^−48·(1 + |θ|)·max(1, a)` in `f64`; they are exactly the coefficients [`rope_apply`]
/// rotates with.
///
/// ```
/// use posenc_simd::{CacheLayout, TokenPositions, RopePreset, rope_cache};
///
/// // vLLM's cos_sin_cache for Llama 3.1, positions 0 .. 4096: [4096, 128].
/// let rope = RopePreset::Llama31.rope()?;
/// let mut cache = vec![0.0f32; 4096 * 128];
/// rope_cache(&rope, CacheLayout::Vllm, TokenPositions::from_start(0.0), &mut cache, &mut [])?;
/// let mut row = [0.0f32; 128];
/// rope.cache_row(4095.0, &mut row)?;
/// for (fast, core) in cache[4095 * 128..].iter().zip(&row) {
///     assert!((fast - core).abs() <= 2f32.powi(-23));
/// }
/// # Ok::<(), posenc_simd::Error>(())
/// ```
///
/// # Errors
/// As [`rope_apply`] for the positions and for `first` in rows of `rotary_dim` values
/// (`rotary_dim / 2` for candle's); [`Error::BufferLength`] when `second` has not the rows
/// of `first`. On error nothing is written.
pub fn rope_cache<T: Element>(
    rope: &Rope<'_>,
    layout: CacheLayout,
    positions: TokenPositions<'_>,
    first: &mut [T],
    second: &mut [T],
) -> Result<(), Error> {
    PreparedRope::new(rope).cache(layout, positions, first, second)
}

/// Runs `job` on `backend`: its vector lanes, or (the portable backend) one lane with every
/// coefficient from the core.
fn run<T: Element>(
    backend: Backend,
    desc: &Desc<'_>,
    tokens: usize,
    positions: TokenPositions<'_>,
    job: Job<'_, '_, T>,
) {
    let position = |k| positions.at(k);
    #[cfg(not(feature = "scalar-math"))]
    if let Some(isa) = backend.isa() {
        crate::vector::rope_kernel::run(isa, desc, tokens, position, job);
        return;
    }
    let _ = backend; // with `scalar-math` every backend is the portable one
    sweep::job::<One<f32>, One<f64>, _, T>(desc, &Portable, tokens, position, job);
}
