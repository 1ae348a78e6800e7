//! Which dimensions of a vector rotate together.

use crate::Error;

/// How RoPE groups the first `rotary_dim` dimensions of a vector into the pairs it rotates.
///
/// The text names (used by [`FromStr`](core::str::FromStr) and [`Display`](core::fmt::Display)) are those of the SPEC.
///
/// ```
/// use posenc_core::Pairing;
///
/// assert_eq!("half".parse::<Pairing>()?, Pairing::Half);
/// assert_eq!(Pairing::Interleaved.to_string(), "interleaved");
/// // Pair 3 of a rotary dimension of 8: (x_3, x_7) for half, (x_6, x_7) for interleaved.
/// assert_eq!(Pairing::Half.columns(8, 3), (3, 7));
/// assert_eq!(Pairing::Interleaved.columns(8, 3), (6, 7));
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Pairing {
    /// Pair i is `(x_i, x_{i+n})`, `n = rotary_dim/2`: GPT-NeoX, Hugging Face Llama, Qwen,
    /// Mistral, Gemma, Phi (`rotate_half`), vLLM's and ggml's "neox" style.
    #[default]
    Half,
    /// Pair i is `(x_{2i}, x_{2i+1})`: GPT-J, Meta's reference Llama, GLM, DeepSeek-V3,
    /// ggml's "normal" style, burn.
    Interleaved,
}

impl Pairing {
    /// Both pairings, in the SPEC's order.
    pub const ALL: [Pairing; 2] = [Pairing::Half, Pairing::Interleaved];

    /// The pairing's name in text form, as [`FromStr`](core::str::FromStr) reads it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Pairing::Half => "half",
            Pairing::Interleaved => "interleaved",
        }
    }

    /// The columns `(u, v)` of pair `pair` when the first `rotary_dim` dimensions rotate: the
    /// rotation writes `u' = a·(u·cos θ − v·sin θ)`, `v' = a·(v·cos θ + u·sin θ)`. Meaningful for
    /// `pair < rotary_dim / 2`; [`Rope::pair_columns`](crate::Rope::pair_columns) checks it.
    #[must_use]
    pub const fn columns(self, rotary_dim: usize, pair: usize) -> (usize, usize) {
        match self {
            Pairing::Half => (pair, pair + rotary_dim / 2),
            Pairing::Interleaved => (2 * pair, 2 * pair + 1),
        }
    }
}

named_value!(Pairing, Error::UnknownPairing);
