//! The RoPE configurations of models people run, by name.

use super::{Llama3, Pairing, Rope, Scaling, Yarn};
use crate::Error;

/// A model's RoPE configuration, as its published `config.json` (and its Hugging Face
/// modelling code) sets it. Each variant names the values it reproduces.
///
/// ```
/// use posenc_core::{Pairing, RopePreset, Scaling};
///
/// let neox = RopePreset::GptNeoX20B.rope()?;
/// assert_eq!((neox.head_dim(), neox.rotary_dim()), (96, 24));
/// let deepseek: RopePreset = "deepseek-v3".parse()?;
/// let rope = deepseek.rope()?;
/// assert_eq!(rope.pairing(), Pairing::Interleaved);
/// assert!(matches!(rope.scaling(), Scaling::Yarn(_)));
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RopePreset {
    /// Llama 2 (7B/13B/70B): `head_dim` 128 (`hidden_size / num_attention_heads`),
    /// `rope_theta` 10 000, no `rope_scaling`; half pairing (Hugging Face's checkpoints).
    Llama2,
    /// Llama 3.1 (8B/70B/405B): `head_dim` 128, `rope_theta` 500 000, `rope_scaling`
    /// `{rope_type: llama3, factor: 8, low_freq_factor: 1, high_freq_factor: 4,
    /// original_max_position_embeddings: 8192}`; half.
    Llama31,
    /// Llama 3.2 1B: `head_dim` 64 (2048 / 32 heads), `rope_theta` 500 000, `rope_scaling`
    /// `{rope_type: llama3, factor: 32, low_freq_factor: 1, high_freq_factor: 4,
    /// original_max_position_embeddings: 8192}`; half. (The 3B model has `head_dim` 128: use
    /// [`Rope::to_builder`] to change it.)
    Llama32,
    /// Mistral 7B v0.1: `head_dim` 128, `rope_theta` 10 000; half.
    Mistral7BV01,
    /// Mistral 7B v0.2 and later (v0.3, Instruct): `head_dim` 128, `rope_theta` 1 000 000; half.
    Mistral7B,
    /// Qwen2.5 (7B and others with `head_dim` 128): `rope_theta` 1 000 000, no scaling; half.
    Qwen25,
    /// Qwen2.5 for long context, as its model card sets it: `rope_scaling`
    /// `{type: yarn, factor: 4, original_max_position_embeddings: 32768}` (`beta_fast` 32,
    /// `beta_slow` 1 by default), `rope_theta` 1 000 000, `head_dim` 128; half.
    Qwen25Yarn,
    /// Gemma (2B/7B): `head_dim` 256, `rope_theta` 10 000; half.
    Gemma,
    /// GPT-NeoX-20B: `head_dim` 96 (6144 / 64 heads), `rotary_pct` 0.25 so `rotary_dim` 24,
    /// `rotary_emb_base` 10 000; half.
    GptNeoX20B,
    /// Phi-2: `head_dim` 80 (2560 / 32 heads), `partial_rotary_factor` 0.4 so `rotary_dim` 32,
    /// `rope_theta` 10 000; half.
    Phi2,
    /// GPT-J-6B: `head_dim` 256 (4096 / 16 heads), `rotary_dim` 64, base 10 000; interleaved
    /// (`rotate_every_two`).
    GptJ6B,
    /// DeepSeek-V3: the rotary part of each head, `qk_rope_head_dim` 64, `rope_theta` 10 000,
    /// `rope_scaling` `{type: yarn, factor: 40, original_max_position_embeddings: 4096,
    /// beta_fast: 32, beta_slow: 1, mscale: 1, mscale_all_dim: 1}` (so `a = 1`); interleaved
    /// (Hugging Face's `rope_interleave`, DeepSeek's own code de-interleaves before
    /// `rotate_half`).
    DeepSeekV3,
}

impl RopePreset {
    /// Every preset.
    pub const ALL: [RopePreset; 12] = [
        RopePreset::Llama2,
        RopePreset::Llama31,
        RopePreset::Llama32,
        RopePreset::Mistral7BV01,
        RopePreset::Mistral7B,
        RopePreset::Qwen25,
        RopePreset::Qwen25Yarn,
        RopePreset::Gemma,
        RopePreset::GptNeoX20B,
        RopePreset::Phi2,
        RopePreset::GptJ6B,
        RopePreset::DeepSeekV3,
    ];

    /// The preset's name in text form, as [`FromStr`](core::str::FromStr) reads it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            RopePreset::Llama2 => "llama2",
            RopePreset::Llama31 => "llama3.1",
            RopePreset::Llama32 => "llama3.2",
            RopePreset::Mistral7BV01 => "mistral-7b-v0.1",
            RopePreset::Mistral7B => "mistral-7b",
            RopePreset::Qwen25 => "qwen2.5",
            RopePreset::Qwen25Yarn => "qwen2.5-yarn",
            RopePreset::Gemma => "gemma",
            RopePreset::GptNeoX20B => "gpt-neox-20b",
            RopePreset::Phi2 => "phi-2",
            RopePreset::GptJ6B => "gpt-j-6b",
            RopePreset::DeepSeekV3 => "deepseek-v3",
        }
    }

    /// The preset's configuration.
    ///
    /// # Errors
    /// None in practice (every preset is valid, which the tests check); the builder's
    /// errors otherwise.
    pub fn rope(self) -> Result<Rope<'static>, Error> {
        let b = Rope::builder;
        let builder = match self {
            RopePreset::Llama2 => b(128),
            RopePreset::Llama31 => b(128)
                .theta(500_000.0)
                .scaling(Scaling::Llama3(Llama3::new(8.0))),
            RopePreset::Llama32 => b(64)
                .theta(500_000.0)
                .scaling(Scaling::Llama3(Llama3::new(32.0))),
            RopePreset::Mistral7BV01 => b(128),
            RopePreset::Mistral7B | RopePreset::Qwen25 => b(128).theta(1_000_000.0),
            RopePreset::Qwen25Yarn => b(128)
                .theta(1_000_000.0)
                .scaling(Scaling::Yarn(Yarn::new(4.0, 32_768.0))),
            RopePreset::Gemma => b(256),
            RopePreset::GptNeoX20B => b(96).rotary_dim(24),
            RopePreset::Phi2 => b(80).rotary_dim(32),
            RopePreset::GptJ6B => b(256).rotary_dim(64).pairing(Pairing::Interleaved),
            RopePreset::DeepSeekV3 => {
                b(64)
                    .pairing(Pairing::Interleaved)
                    .scaling(Scaling::Yarn(Yarn {
                        mscale: Some(1.0),
                        mscale_all_dim: Some(1.0),
                        ..Yarn::new(40.0, 4096.0)
                    }))
            }
        };
        builder.build()
    }
}

named_value!(RopePreset, Error::UnknownRopePreset);
