//! The SPEC's RoPE bounds for the fast paths (the "every backend" column of the RoPE
//! accuracy table), and the agreement of a fast path with the core that follows from them
//! (relation 11: the two bounds added, as relation 1 does for the encoding).

use crate::bounds::pow2;

/// A cache value `a·cos θ_i` or `a·sin θ_i` in `f32`: `2^−23·max(1, a)`.
#[must_use]
pub fn cache_f32(attention: f64) -> f64 {
    pow2(-23) * attention.max(1.0)
}

/// A cache value in `f64`: `2^−48·(1 + |θ|)·max(1, a)` (the core's bound too).
#[must_use]
pub fn cache_f64(theta: f64, attention: f64) -> f64 {
    pow2(-48) * (1.0 + theta.abs()) * attention.max(1.0)
}

/// A rotated pair from `f32` inputs `u`, `v`: `2^−22·a·(|u| + |v|)`.
#[must_use]
pub fn pair_f32(attention: f64, u: f64, v: f64) -> f64 {
    pow2(-22) * attention * (u.abs() + v.abs())
}

/// A rotated pair from `f64` inputs: `2^−48·(1 + |θ|)·a·(|u| + |v|)` (the core's bound too).
#[must_use]
pub fn pair_f64(theta: f64, attention: f64, u: f64, v: f64) -> f64 {
    pow2(-48) * (1.0 + theta.abs()) * attention * (u.abs() + v.abs())
}

/// A fast `f32` pair against the core's rotation of the same inputs in `f64`: the fast
/// bound plus the core's `f64` one.
#[must_use]
pub fn agree_pair_f32(theta: f64, attention: f64, u: f64, v: f64) -> f64 {
    pair_f32(attention, u, v) + pair_f64(theta, attention, u, v)
}

/// A fast `f64` pair against the core's: both within [`pair_f64`] of exact.
#[must_use]
pub fn agree_pair_f64(theta: f64, attention: f64, u: f64, v: f64) -> f64 {
    2.0 * pair_f64(theta, attention, u, v)
}

/// A fast `f32` cache value against the core's `f64` one: [`cache_f32`] plus the core's
/// `f64` bound.
#[must_use]
pub fn agree_cache_f32(theta: f64, attention: f64) -> f64 {
    cache_f32(attention) + cache_f64(theta, attention)
}

/// A fast `f64` cache value against the core's: both within [`cache_f64`] of exact.
#[must_use]
pub fn agree_cache_f64(theta: f64, attention: f64) -> f64 {
    2.0 * cache_f64(theta, attention)
}

/// A fast pair of data with `mantissa_bits` significand bits (24 `f32`, 53 `f64`, 11 `f16`,
/// 8 `bf16`) against the core's rotation of the same inputs in `f64`: [`agree_pair_f32`],
/// [`agree_pair_f64`] or [`reduced::agree_pair`](crate::reduced::agree_pair).
#[must_use]
pub fn agree_pair(mantissa_bits: u32, theta: f64, attention: f64, u: f64, v: f64) -> f64 {
    match mantissa_bits {
        24 => agree_pair_f32(theta, attention, u, v),
        53 => agree_pair_f64(theta, attention, u, v),
        m => crate::reduced::agree_pair(m, theta, attention, u, v),
    }
}

/// A fast cache value of a type of `mantissa_bits` against the core's `f64` one:
/// [`agree_cache_f32`], [`agree_cache_f64`] or
/// [`reduced::agree_cache`](crate::reduced::agree_cache).
#[must_use]
pub fn agree_cache(mantissa_bits: u32, theta: f64, attention: f64) -> f64 {
    match mantissa_bits {
        24 => agree_cache_f32(theta, attention),
        53 => agree_cache_f64(theta, attention),
        m => crate::reduced::agree_cache(m, theta, attention),
    }
}
