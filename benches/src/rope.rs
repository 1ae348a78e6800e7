//! Baselines for the RoPE benchmarks.
//!
//! - [`naive_rope`]: the Hugging Face recipe as plain loops (`LlamaRotaryEmbedding` then
//!   `apply_rotary_pos_emb`): `inv_freq = 1/θ^(2i/d)` in `f32`, the angle
//!   `position · inv_freq` in `f32`, std's `f32` `cos`/`sin` once per token into
//!   `cat(freqs, freqs)` tables, then `x·cos + rotate_half(x)·sin` for every head. Off by up to
//!   `|θ|·2^−24` in the angle.
//! - [`scale`]: every element multiplied in place by a constant, one read and one write of the
//!   same bytes: the floor for any in-place pass.

/// Hugging Face's `inv_freq` in `f32`: `1 / theta^(2i/dim)` for `i < dim/2`.
#[must_use]
pub fn hf_inv_freq(theta: f32, dim: usize) -> Vec<f32> {
    (0..dim / 2)
        .map(|i| 1.0 / theta.powf((2 * i) as f32 / dim as f32))
        .collect()
}

/// RoPE the Hugging Face way on `x` shaped `[heads, tokens, dim]` (`dim = 2·inv_freq.len()`),
/// token `t` at position `start + t`, in place.
pub fn naive_rope(inv_freq: &[f32], start: u32, heads: usize, x: &mut [f32]) {
    let n = inv_freq.len();
    let dim = 2 * n;
    let tokens = x.len() / (heads * dim).max(1);
    // cos, sin: [tokens, dim], emb = cat(freqs, freqs).
    let mut cos = vec![0.0f32; tokens * dim];
    let mut sin = vec![0.0f32; tokens * dim];
    for (t, (c, s)) in cos
        .chunks_exact_mut(dim)
        .zip(sin.chunks_exact_mut(dim))
        .enumerate()
    {
        let position = (start + t as u32) as f32;
        for (i, &w) in inv_freq.iter().enumerate() {
            let angle = position * w;
            (c[i], c[i + n]) = (angle.cos(), angle.cos());
            (s[i], s[i + n]) = (angle.sin(), angle.sin());
        }
    }
    // q·cos + rotate_half(q)·sin, rotate_half(q) = cat(−q2, q1).
    for head in x.chunks_exact_mut(tokens * dim) {
        for ((row, c), s) in head
            .chunks_exact_mut(dim)
            .zip(cos.chunks_exact(dim))
            .zip(sin.chunks_exact(dim))
        {
            for i in 0..n {
                let (u, v) = (row[i], row[i + n]);
                row[i] = u * c[i] - v * s[i];
                row[i + n] = v * c[i + n] + u * s[i + n];
            }
        }
    }
}

/// Multiplies every element of `x` by `factor` in place.
pub fn scale(factor: f32, x: &mut [f32]) {
    for v in x {
        *v *= factor;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_rope_turns_pair_zero_by_the_position() {
        let inv_freq = hf_inv_freq(10_000.0, 4);
        assert_eq!(inv_freq[0], 1.0);
        // One head, two tokens at positions 3 and 4, dim 4: pairs (x0, x2), (x1, x3).
        let mut x = [1.0f32, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0];
        naive_rope(&inv_freq, 3, 1, &mut x);
        assert_eq!((x[0], x[2]), (3f32.cos(), 3f32.sin()));
        assert_eq!((x[4], x[6]), (4f32.cos(), 4f32.sin()));
    }

    #[test]
    fn scale_multiplies() {
        let mut x = [1.0f32, -2.0];
        scale(0.5, &mut x);
        assert_eq!(x, [0.5, -1.0]);
    }
}
