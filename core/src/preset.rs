//! Named configurations that reproduce the encodings of well-known libraries.

use crate::{Encoding, EncodingBuilder, Error, Layout};

/// A configuration known by the library or paper that uses it. Each one gives the same numbers as
/// that library's code (up to that code's own rounding) for the same `d_model`.
///
/// ```
/// use posenc_core::{Layout, Preset};
///
/// let whisper = Preset::Whisper.encoding(384)?;
/// assert_eq!(whisper.layout(), Layout::SplitSinCos);
/// assert_eq!(whisper.shift(), 1.0);
/// assert_eq!("stable-diffusion".parse::<Preset>()?, Preset::StableDiffusion);
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preset {
    /// Vaswani et al., "Attention Is All You Need" (2017), and the code that copies it: the
    /// PyTorch tutorial's `PositionalEncoding`, Hugging Face's sinusoidal embeddings.
    /// Interleaved, base 10 000, shift 0.
    Paper,
    /// tensor2tensor's `get_timing_signal_1d`: sines then cosines, `log_timescale_increment =
    /// ln(10 000) / (n − 1)`, so shift 1. Odd `d_model` is padded with a zero column.
    Tensor2Tensor,
    /// fairseq's `SinusoidalPositionalEmbedding`: the same numbers as tensor2tensor. (fairseq
    /// starts positions at `padding_idx + 1`; pass that as the position.)
    Fairseq,
    /// OpenAI Whisper's `sinusoids(length, channels)`: sines then cosines,
    /// `ln(10 000) / (channels/2 − 1)`, so shift 1.
    Whisper,
    /// DDPM's timestep embedding, and diffusers' `get_timestep_embedding` with its defaults
    /// (`flip_sin_to_cos=False`, `downscale_freq_shift=1`): sines then cosines, shift 1.
    Ddpm,
    /// Stable Diffusion's UNet timestep embedding, diffusers' `get_timestep_embedding` with
    /// `flip_sin_to_cos=True, downscale_freq_shift=0`: cosines then sines, shift 0.
    StableDiffusion,
}

impl Preset {
    /// Every preset.
    pub const ALL: [Preset; 6] = [
        Preset::Paper,
        Preset::Tensor2Tensor,
        Preset::Fairseq,
        Preset::Whisper,
        Preset::Ddpm,
        Preset::StableDiffusion,
    ];

    /// The preset's name in text form, as [`FromStr`](core::str::FromStr) reads it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Preset::Paper => "paper",
            Preset::Tensor2Tensor => "tensor2tensor",
            Preset::Fairseq => "fairseq",
            Preset::Whisper => "whisper",
            Preset::Ddpm => "ddpm",
            Preset::StableDiffusion => "stable-diffusion",
        }
    }

    /// A builder with this preset's settings, to change a setting (the scale, say) before
    /// building.
    pub const fn builder(self, d_model: usize) -> EncodingBuilder {
        let (layout, shift) = match self {
            Preset::Paper => (Layout::Interleaved, 0.0),
            Preset::Tensor2Tensor | Preset::Fairseq | Preset::Whisper | Preset::Ddpm => {
                (Layout::SplitSinCos, 1.0)
            }
            Preset::StableDiffusion => (Layout::SplitCosSin, 0.0),
        };
        Encoding::builder(d_model).layout(layout).shift(shift)
    }

    /// This preset's encoding for `d_model` columns.
    ///
    /// # Errors
    /// [`Error::ZeroDModel`] when `d_model` is 0. Every other `d_model` is valid for every
    /// preset: with shift 1 the denominator `⌊d/2⌋ − 1` is positive whenever there are two
    /// frequencies or more.
    pub fn encoding(self, d_model: usize) -> Result<Encoding, Error> {
        self.builder(d_model).build()
    }
}

impl Encoding {
    /// The timestep embedding of diffusers' `get_timestep_embedding(t, d_model, flip_sin_to_cos,
    /// downscale_freq_shift)`: split layout (cosines first when `flip_sin_to_cos`) with shift
    /// `downscale_freq_shift`.
    ///
    /// # Errors
    /// As [`EncodingBuilder::build`].
    pub fn diffusion_timestep(
        d_model: usize,
        flip_sin_to_cos: bool,
        downscale_freq_shift: f64,
    ) -> Result<Encoding, Error> {
        let layout = if flip_sin_to_cos {
            Layout::SplitCosSin
        } else {
            Layout::SplitSinCos
        };
        Encoding::builder(d_model)
            .layout(layout)
            .shift(downscale_freq_shift)
            .build()
    }
}

named_value!(Preset, Error::UnknownPreset);
