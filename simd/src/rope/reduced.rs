//! RoPE on `f16`/`bf16` data: the `f32` path on a stack tile, then one rounding.
//!
//! Queries and keys are widened (exactly) to `f32`, rotated by the `f32` sweep with its
//! exact-angle `f32` coefficients, and rounded once back to their type; cache tables are the
//! `f32` cache values rounded once. Only the rotary part of a vector (`rotary_dim` values) is
//! copied: the rest is not touched. The tile holds whole vectors of a group of heads for a
//! run of tokens, laid out `[heads, tokens, rotary_dim]`, so that each token's angles are made
//! once for all the heads that fit (all of them for every model's shape). Every value depends
//! only on its token's position and its own pair, as on the `f32` path, so the bits do not
//! depend on how a call is cut.

use posenc_core::Element;

use super::sweep::{CacheOut, Job, Target};
use super::{CacheLayout, Desc, TokenPositions, run};
use crate::Backend;
use crate::convert::{TILE, narrow, widen, with_tile};

/// Vector `(head, token)` of a target with `head_dim` values per vector (empty where it does
/// not exist, which the callers never ask for).
fn vector<'a, T>(
    target: &'a mut Target<'_, '_, T>,
    head_dim: usize,
    head: usize,
    token: usize,
) -> &'a mut [T] {
    let index = match target {
        Target::TokensHeads { heads, .. } => token * *heads + head,
        Target::HeadsTokens { tokens, .. } => head * *tokens + token,
        Target::Heads(_) => token,
    };
    let at = index * head_dim..(index + 1) * head_dim;
    let data: &mut [T] = match target {
        Target::TokensHeads { x, .. } | Target::HeadsTokens { x, .. } => x,
        Target::Heads(heads) => heads.get_mut(head).map(|h| &mut **h).unwrap_or_default(),
    };
    data.get_mut(at).unwrap_or_default()
}

/// Rotates every vector of `target` (`tokens` tokens of `f16`/`bf16`) on the `f32` path.
pub(super) fn apply<T: Element>(
    backend: Backend,
    desc: &Desc<'_>,
    tokens: usize,
    positions: TokenPositions<'_>,
    mut target: Target<'_, '_, T>,
) {
    let (hd, r) = (desc.head_dim, 2 * desc.pairs);
    let heads = match &target {
        Target::TokensHeads { heads, .. } => *heads,
        Target::HeadsTokens { x, tokens } => x.len().checked_div(tokens * hd).unwrap_or(0),
        Target::Heads(heads) => heads.len(),
    };
    if heads == 0 || tokens == 0 || r == 0 {
        return;
    }
    // The tile's vectors hold the rotary part alone.
    let rotary = Desc {
        head_dim: r,
        ..*desc
    };
    let how = backend.conversions();
    with_tile((heads * tokens * r).min(TILE), |tile| {
        let vectors = tile.len() / r;
        let count = (vectors / heads).max(1);
        let group = heads.min(vectors / count);
        for first in (0..tokens).step_by(count) {
            let count = count.min(tokens - first);
            for h0 in (0..heads).step_by(group) {
                let group = group.min(heads - h0);
                let values = &mut tile[..group * count * r];
                let slots = values.chunks_exact_mut(r);
                for (i, slot) in slots.enumerate() {
                    let x = vector(&mut target, hd, h0 + i / count, first + i % count);
                    widen(how, x.get(..r).unwrap_or_default(), slot);
                }
                let part = Target::HeadsTokens {
                    x: &mut *values,
                    tokens: count,
                };
                run(
                    backend,
                    &rotary,
                    count,
                    positions.part(first, count),
                    Job::Apply(part),
                );
                for (i, slot) in values.chunks_exact(r).enumerate() {
                    let x = vector(&mut target, hd, h0 + i / count, first + i % count);
                    narrow(how, slot, x.get_mut(..r).unwrap_or_default());
                }
            }
        }
    });
}

/// Writes the cache tables of `tokens` tokens in `f16`/`bf16`: the `f32` values, rounded once.
pub(super) fn cache<T: Element>(
    backend: Backend,
    desc: &Desc<'_>,
    tokens: usize,
    positions: TokenPositions<'_>,
    out: CacheOut<'_, T>,
) {
    let (layout, first, second) = match out {
        CacheOut::Vllm(first) => (CacheLayout::Vllm, first, Default::default()),
        CacheOut::Candle { cos, sin } => (CacheLayout::Candle, cos, sin),
        CacheOut::HuggingFace { cos, sin } => (CacheLayout::HuggingFace, cos, sin),
    };
    let (u1, u2) = layout.row_values(desc.pairs);
    if u1 == 0 || tokens == 0 {
        return;
    }
    let how = backend.conversions();
    with_tile((tokens * (u1 + u2)).min(TILE), |tile| {
        let per_tile = tile.len() / (u1 + u2);
        for k in (0..tokens).step_by(per_tile) {
            let count = per_tile.min(tokens - k);
            let (t1, rest) = tile.split_at_mut(count * u1);
            let t2 = &mut rest[..count * u2];
            let part = match layout {
                CacheLayout::Vllm => CacheOut::Vllm(&mut *t1),
                CacheLayout::Candle => CacheOut::Candle {
                    cos: &mut *t1,
                    sin: &mut *t2,
                },
                CacheLayout::HuggingFace => CacheOut::HuggingFace {
                    cos: &mut *t1,
                    sin: &mut *t2,
                },
            };
            run(
                backend,
                desc,
                count,
                positions.part(k, count),
                Job::Cache(part),
            );
            let d1 = first.get_mut(k * u1..(k + count) * u1).unwrap_or_default();
            narrow(how, t1, d1);
            let d2 = second.get_mut(k * u2..(k + count) * u2).unwrap_or_default();
            narrow(how, t2, d2);
        }
    });
}
