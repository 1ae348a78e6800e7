//! candle-nn's CPU `rope` (the `candle` feature): Hugging Face's layout `(1, heads, tokens,
//! head_dim)` with a `(tokens, head_dim / 2)` cos/sin cache built beforehand in `f32`, as
//! candle's models build theirs. It returns a new tensor (candle does not rotate in place).

use candle_core::{Device, Tensor};

use crate::rope::hf_inv_freq;

/// A query tensor and its cos/sin cache, made outside any timing.
#[derive(Debug)]
pub struct Candle {
    x: Tensor,
    cos: Tensor,
    sin: Tensor,
}

impl Candle {
    /// `x` of shape `(1, heads, tokens, head_dim)` holding `values`, positions `0 .. tokens`,
    /// base `theta`.
    ///
    /// # Panics
    /// When candle cannot make the tensors (a shape that does not match `values`).
    #[must_use]
    pub fn new(values: &[f32], heads: usize, tokens: usize, head_dim: usize, theta: f32) -> Candle {
        let device = Device::Cpu;
        let inv_freq = hf_inv_freq(theta, head_dim);
        let n = inv_freq.len();
        let mut cos = Vec::with_capacity(tokens * n);
        let mut sin = Vec::with_capacity(tokens * n);
        for t in 0..tokens {
            for &w in &inv_freq {
                let angle = t as f32 * w;
                cos.push(angle.cos());
                sin.push(angle.sin());
            }
        }
        let tensor = |v: Vec<f32>, shape: &[usize]| {
            Tensor::from_vec(v, shape, &device).expect("a candle tensor")
        };
        Candle {
            x: tensor(values.to_vec(), &[1, heads, tokens, head_dim]),
            cos: tensor(cos, &[tokens, n]),
            sin: tensor(sin, &[tokens, n]),
        }
    }

    /// candle-nn's `rope` of the query.
    ///
    /// # Panics
    /// When candle reports an error (it does not for the shapes [`Candle::new`] makes).
    #[must_use]
    pub fn rope(&self) -> Tensor {
        candle_nn::rotary_emb::rope(&self.x, &self.cos, &self.sin).expect("candle's rope")
    }

    /// The values of a rotated tensor, row-major.
    ///
    /// # Panics
    /// When the tensor is not a 4-dimensional `f32` one.
    #[must_use]
    pub fn values(rotated: &Tensor) -> Vec<f32> {
        rotated
            .flatten_all()
            .and_then(|t| t.to_vec1::<f32>())
            .expect("f32 values")
    }
}
