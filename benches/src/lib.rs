//! Baselines for the posenc benchmarks: what posenc is compared against, kept beside the
//! benchmarks (as memchr's `benchmarks/` keeps its engines) so that every bench file uses the
//! same ones.
//!
//! - [`naive_row`] and [`naive_table`]: the loop most people write, transliterated from the
//!   PyTorch tutorial's `PositionalEncoding`: the angle `pos · div` formed in `f32`, std's
//!   `f32` `sin`/`cos`. Fast, and off by up to `|θ|·2^−24` (useless by position 10^6).
//! - [`memset`]: writing the same bytes with a constant, the floor for any table writer.
//! - [`rope`]: the RoPE baselines; with the `candle` feature, `candle`: candle-nn's CPU `rope`.

#[cfg(feature = "candle")]
pub mod candle;
pub mod rope;

use std::time::Duration;

use criterion::Criterion;

/// The criterion settings of a bench file: `samples` per benchmark, measured for
/// `measurement_secs` after a second's warm-up (the tables take milliseconds, so a few seconds
/// give every sample several iterations).
#[must_use]
pub fn config(samples: usize, measurement_secs: u64) -> Criterion {
    Criterion::default()
        .sample_size(samples)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(measurement_secs))
}

/// One interleaved row of the paper's encoding (base 10 000) at integer `position`, the naive
/// way: per pair `div = exp(−2i·ln(10000)/d)` and `a = pos · div` in `f32`, then `sin a`,
/// `cos a`. `out.len()` is `d_model` (even; an odd last column is left as it is).
pub fn naive_row(position: u32, out: &mut [f32]) {
    let d = out.len();
    let log_base_over_d = 10000f32.ln() / d as f32;
    for (i, pair) in out.chunks_exact_mut(2).enumerate() {
        let div = (-((2 * i) as f32) * log_base_over_d).exp();
        let a = position as f32 * div;
        pair[0] = a.sin();
        pair[1] = a.cos();
    }
}

/// The table `pe[pos, :]` for `pos in 0..rows` into `out` (`rows · d_model` values), the
/// tutorial's way: `div_term` computed once for the table, then `sin`/`cos` of the `f32`
/// products row after row.
pub fn naive_table(d_model: usize, out: &mut [f32]) {
    let log_base_over_d = 10000f32.ln() / d_model as f32;
    let div_term: Vec<f32> = (0..d_model / 2)
        .map(|i| (-((2 * i) as f32) * log_base_over_d).exp())
        .collect();
    for (position, row) in out.chunks_exact_mut(d_model).enumerate() {
        let position = position as f32;
        for (pair, &div) in row.chunks_exact_mut(2).zip(&div_term) {
            let a = position * div;
            pair[0] = a.sin();
            pair[1] = a.cos();
        }
    }
}

/// Writes `value` to every element: the same bytes a table writer writes, with no arithmetic.
pub fn memset(value: f32, out: &mut [f32]) {
    out.fill(value);
}

/// A buffer of `len` values whose pages are all mapped before any timing starts (a fresh
/// allocation is only reserved, and its first write would otherwise pay the page faults).
#[must_use]
pub fn prefaulted(len: usize) -> Vec<f32> {
    let mut buffer = vec![0.0f32; len];
    buffer.fill(1.0);
    buffer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_row_is_the_paper_at_small_positions() {
        let mut row = [0.0f32; 8];
        naive_row(3, &mut row);
        assert_eq!(row[0], 3f32.sin());
        assert_eq!(row[1], 3f32.cos());
        // sin(3 / 10000^(2/8)) = sin(0.3)
        assert!((row[2] - 0.3f32.sin()).abs() < 1e-6);
    }

    #[test]
    fn naive_table_rows_are_naive_rows() {
        let mut table = vec![0.0f32; 5 * 16];
        naive_table(16, &mut table);
        let mut row = [0.0f32; 16];
        naive_row(4, &mut row);
        for (a, b) in table[4 * 16..].iter().zip(&row) {
            assert!((a - b).abs() < 1e-6);
        }
    }

    #[test]
    fn memset_and_prefaulted_fill() {
        let mut buffer = prefaulted(10);
        assert!(buffer.iter().all(|&x| x == 1.0));
        memset(0.5, &mut buffer);
        assert!(buffer.iter().all(|&x| x == 0.5));
    }
}
