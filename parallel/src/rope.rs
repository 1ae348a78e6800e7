//! RoPE over batches on every core: `[batch, tokens, heads, head_dim]` and
//! `[batch, heads, tokens, head_dim]` cut into runs of tokens of one sequence (for the second
//! layout, the run of every head), each handed to one [`posenc_simd`] call; cache tables cut
//! into runs of positions.
//!
//! posenc-simd's values depend only on the configuration, a token's position and the pair
//! (never on where a call starts or ends), so every function here gives the bits of the
//! sequential posenc-simd calls, whatever the threads.

use rayon::prelude::*;

use posenc_core::{Element, Error, Rope};
use posenc_simd::{CacheLayout, HeadLayout, PreparedRope, TokenPositions};

use crate::chunk::CHUNK_BYTES;

/// The positions of a batch of sequences of `tokens` tokens each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BatchPositions<'a> {
    /// Token `k` of sequence `b` at [`row_position`](crate::row_position)`(starts[b], k)`:
    /// one offset per sequence (a prompt each, or one step of decoding with a KV cache).
    Starts(&'a [f64]),
    /// Token `k` of sequence `b` at `positions[b · tokens + k]`.
    Each(&'a [f64]),
}

/// Bytes of query or key vectors per task: posenc-simd sweeps a `[heads, tokens, head_dim]`
/// block in tiles of 128 tokens (Llama 2's shape, `f32`), each a contiguous run of every
/// head, so a task of fewer tokens would cut its runs short; 2 MiB is one tile of each of the
/// 32 heads, and still makes 32 tasks of a `[32, 4096, 128]` `f32` block.
const APPLY_TASK_BYTES: usize = 2 << 20;

/// Tokens per task: about `bytes` of `token_values` values each (at least one), so that a
/// rayon job and posenc-simd's per-call setup are a small fraction of it.
fn tokens_per_task<T>(bytes: usize, token_values: usize) -> usize {
    (bytes / token_values.saturating_mul(size_of::<T>()).max(1)).max(1)
}

/// Checks a batch once, before any thread starts; returns the values of one sequence.
fn check_batch(
    rope: &Rope<'_>,
    layout: HeadLayout,
    heads: usize,
    tokens: usize,
    positions: BatchPositions<'_>,
    len: usize,
) -> Result<usize, Error> {
    let hd = rope.head_dim();
    let overflow = Error::SizeOverflow {
        rows: tokens,
        d_model: heads.saturating_mul(hd),
    };
    let sequence = heads
        .checked_mul(hd)
        .and_then(|v| v.checked_mul(tokens))
        .ok_or(overflow)?;
    let batch = if sequence == 0 {
        if len != 0 {
            return Err(Error::BufferLength {
                expected: 0,
                actual: len,
            });
        }
        match positions {
            BatchPositions::Starts(starts) => starts.len(),
            BatchPositions::Each(_) => 0,
        }
    } else {
        if !len.is_multiple_of(sequence) {
            return Err(Error::NotWholeRows {
                len,
                d_model: sequence,
            });
        }
        len / sequence
    };
    match positions {
        BatchPositions::Starts(starts) => {
            if starts.len() != batch {
                return Err(Error::BufferLength {
                    expected: batch,
                    actual: starts.len(),
                });
            }
            for &start in starts {
                posenc_simd::check_rope_block(
                    rope,
                    layout,
                    heads,
                    TokenPositions::from_start(start),
                    sequence,
                )?;
            }
        }
        BatchPositions::Each(list) => {
            let expected = batch * tokens; // at most `len` values: no overflow
            if sequence != 0 && list.len() != expected {
                return Err(Error::BufferLength {
                    expected,
                    actual: list.len(),
                });
            }
            list.iter().try_for_each(|&p| rope.check_position(p))?;
        }
    }
    Ok(sequence)
}

/// The positions of tokens `first .. first + count` of sequence `b`.
fn task_positions<'a>(
    positions: BatchPositions<'a>,
    tokens: usize,
    b: usize,
    first: usize,
    count: usize,
) -> TokenPositions<'a> {
    match positions {
        BatchPositions::Starts(starts) => {
            TokenPositions::from_start(starts.get(b).copied().unwrap_or(0.0)).part(first, count)
        }
        BatchPositions::Each(list) => TokenPositions::Each(list).part(b * tokens + first, count),
    }
}

/// Applies RoPE in place to a batch `x` of query or key vectors in `layout` per sequence:
/// `[batch, tokens, heads, head_dim]` ([`HeadLayout::TokensHeads`]) or
/// `[batch, heads, tokens, head_dim]` ([`HeadLayout::HeadsTokens`]), `batch` being
/// `x.len() / (tokens · heads · head_dim)`, on every thread of the current rayon pool.
///
/// Bit-identical to `posenc_simd::rope_apply(rope, layout, heads, positions_b, x_b)` on each
/// sequence `x_b`, whatever the threads.
///
/// ```
/// use posenc_parallel::{BatchPositions, HeadLayout, RopePreset, rope_apply_batch};
///
/// // Batched decoding: 3 sequences, one new token each at different offsets, 32 heads.
/// let rope = RopePreset::Llama31.rope()?;
/// let mut q = vec![0.5f32; 3 * 32 * 128];
/// let starts = [17.0, 4096.0, 100_000.0];
/// rope_apply_batch(&rope, HeadLayout::TokensHeads, 32, 1, BatchPositions::Starts(&starts), &mut q)?;
/// # Ok::<(), posenc_parallel::Error>(())
/// ```
///
/// # Errors
/// Checked once, before any thread starts, so that nothing is written: [`Error::SizeOverflow`]
/// when a sequence's size overflows; [`Error::NotWholeRows`] when `x` is not a whole number of
/// sequences; [`Error::BufferLength`] when there is not one start per sequence, or not one
/// listed position per token; the position errors of `posenc_simd::rope_apply`.
pub fn rope_apply_batch<T: Element>(
    rope: &Rope<'_>,
    layout: HeadLayout,
    heads: usize,
    tokens: usize,
    positions: BatchPositions<'_>,
    x: &mut [T],
) -> Result<(), Error> {
    let sequence = check_batch(rope, layout, heads, tokens, positions, x.len())?;
    if sequence == 0 {
        return Ok(());
    }
    let hd = rope.head_dim();
    let per_task = tokens_per_task::<T>(APPLY_TASK_BYTES, heads * hd);
    // The frequencies once for every task.
    let prepared = PreparedRope::new(rope);
    x.par_chunks_mut(sequence)
        .enumerate()
        .try_for_each(|(b, xb)| match layout {
            HeadLayout::TokensHeads => xb
                .par_chunks_mut(per_task * heads * hd)
                .enumerate()
                .try_for_each(|(c, part)| {
                    let first = c * per_task;
                    let count = part.len() / (heads * hd);
                    let given = task_positions(positions, tokens, b, first, count);
                    prepared.apply(layout, heads, given, part)
                }),
            HeadLayout::HeadsTokens => {
                // Task c gets tokens c·per_task .. of every head.
                let tasks = tokens.div_ceil(per_task);
                let mut slices: Vec<Vec<&mut [T]>> =
                    (0..tasks).map(|_| Vec::with_capacity(heads)).collect();
                for head in xb.chunks_exact_mut(tokens * hd) {
                    for (task, part) in slices.iter_mut().zip(head.chunks_mut(per_task * hd)) {
                        task.push(part);
                    }
                }
                slices
                    .into_par_iter()
                    .enumerate()
                    .try_for_each(|(c, mut task)| {
                        let first = c * per_task;
                        let count = task.first().map_or(0, |h| h.len() / hd);
                        let given = task_positions(positions, tokens, b, first, count);
                        prepared.apply_heads(given, &mut task)
                    })
            }
        })
}

/// Writes RoPE's cache tables for a block of positions in `layout` on every thread of the
/// current rayon pool: the tables of `posenc_simd::rope_cache`, bit for bit.
///
/// ```
/// use posenc_parallel::{CacheLayout, TokenPositions, RopePreset, rope_cache};
///
/// // candle's cos and sin for Qwen2.5 with YaRN, positions 0 .. 131 072.
/// let rope = RopePreset::Qwen25Yarn.rope()?;
/// let (mut cos, mut sin) = (vec![0.0f32; 131_072 * 64], vec![0.0f32; 131_072 * 64]);
/// rope_cache(&rope, CacheLayout::Candle, TokenPositions::from_start(0.0), &mut cos, &mut sin)?;
/// # Ok::<(), posenc_parallel::Error>(())
/// ```
///
/// # Errors
/// As `posenc_simd::rope_cache`, checked before any thread starts.
pub fn rope_cache<T: Element>(
    rope: &Rope<'_>,
    layout: CacheLayout,
    positions: TokenPositions<'_>,
    first: &mut [T],
    second: &mut [T],
) -> Result<(), Error> {
    let tokens = posenc_simd::check_rope_cache(rope, layout, positions, first.len(), second.len())?;
    if tokens == 0 {
        return Ok(());
    }
    let (unit, second_unit) = (first.len() / tokens, second.len() / tokens);
    let per_task = tokens_per_task::<T>(CHUNK_BYTES, unit + second_unit);
    let prepared = PreparedRope::new(rope);
    let task = |c: usize, first_part: &mut [T], second_part: &mut [T]| {
        let given = positions.part(c * per_task, first_part.len() / unit);
        prepared.cache(layout, given, first_part, second_part)
    };
    let firsts = first.par_chunks_mut(per_task * unit);
    if second_unit == 0 {
        firsts
            .enumerate()
            .try_for_each(|(c, part)| task(c, part, &mut []))
    } else {
        firsts
            .zip(second.par_chunks_mut(per_task * second_unit))
            .enumerate()
            .try_for_each(|(c, (a, b))| task(c, a, b))
    }
}
