//! Every error bound and tolerance of the test suites, in one place, each with its reason.
//!
//! The SPEC states bounds on `|out − exact|`. Tests see `exact` only through the golden file,
//! whose 60-digit values are parsed to the nearest `f64`: that adds up to [`GOLDEN_PARSE`], which
//! the checks subtract from the allowance instead of adding it, so they are never looser than
//! the SPEC.

/// 2^e as an `f64`.
#[must_use]
pub fn pow2(e: i32) -> f64 {
    f64::from(e).exp2()
}

/// Half an `f64` ulp at 1: how far the nearest `f64` to a golden value in [−1, 1] can be from it.
pub const GOLDEN_PARSE: f64 = 1.0 / 18014398509481984.0; // 2^-54

/// The core's `f32` bound, 2^−24: half an `f32` ulp at 1, "correctly rounded or next to it".
pub const CORE_F32: f64 = 1.0 / 16777216.0; // 2^-24

/// Every backend's `f32` bound, 2^−23 (the SPEC's table).
pub const BACKEND_F32: f64 = 1.0 / 8388608.0; // 2^-23

/// The SPEC's `f64` bound for every backend and the core, 2^−48·(1 + |θ|): the rounding of the
/// exponent `(i/D)·ln b` becomes a relative error of ω, and so of θ.
#[must_use]
pub fn f64_bound(theta: f64) -> f64 {
    pow2(-48) * (1.0 + theta.abs())
}

/// Agreement of a backend's `f32` with the core's `f32` (SPEC relation 1): each is within its
/// own bound of exact, so they are within the sum of the two bounds of each other.
pub const AGREE_F32: f64 = BACKEND_F32 + CORE_F32;

/// Agreement of a backend's `f64` with the core's `f64` (SPEC relation 1): both within
/// [`f64_bound`], so within twice it of each other.
#[must_use]
pub fn agree_f64(theta: f64) -> f64 {
    2.0 * f64_bound(theta)
}

/// Rounding of a few `f64` operations on values in [−1, 1]: a handful of half-ulps at 1.
pub const F64_ARITH: f64 = 1.0 / 1125899906842624.0; // 2^-50

/// Rotation (SPEC relation 3), `f64`: R(b)·PE(a) against PE(a+b), where every angle involved has
/// `|θ| ≤ theta_max`.
///
/// Each rotated value is `s·cos φ + c·sin φ` (or the cosine's twin): the errors of `s` and `c`
/// (each within [`f64_bound`]) reach it with weights `|cos φ|, |sin φ| ≤ 1`, those of `cos φ` and
/// `sin φ` (each within `f64_bound`) with weights `|s|, |c| ≤ 1`, so at most 4 bounds; PE(a+b) adds
/// its own bound; the products and the sum add [`F64_ARITH`].
#[must_use]
pub fn rotation_f64(theta_max: f64) -> f64 {
    5.0 * f64_bound(theta_max) + F64_ARITH
}

/// The same for a row of `f32` values rotated in `f64` and rounded back: the two `f32` inputs
/// (each within [`CORE_F32`]) with weights at most 1, the rotation's `f64` errors, the final
/// rounding to `f32` (half an ulp, [`CORE_F32`]) and PE(a+b)'s own [`CORE_F32`].
#[must_use]
pub fn rotation_f32(theta_max: f64) -> f64 {
    4.0 * CORE_F32 + 2.0 * f64_bound(theta_max) + F64_ARITH
}

/// The squared norm of a (sin, cos) pair against 1, `f64`: `(s+ε)² + (c+δ)² − 1 ≈ 2sε + 2cδ`,
/// at most `2√2` bounds (< 3), plus the rounding of the squares and their sum.
#[must_use]
pub fn pair_norm_f64(theta: f64) -> f64 {
    3.0 * f64_bound(theta) + F64_ARITH
}

/// The same for `f32` values (each within [`CORE_F32`] of exact, widened exactly to `f64`).
pub const PAIR_NORM_F32: f64 = 3.0 * CORE_F32 + F64_ARITH;

/// Relative position (SPEC relation 4): `PE(a)·PE(b)` against `PE(a+t)·PE(b+t)` over `pairs`
/// pairs, with every `|θ| ≤ theta_max`. A dot product of `m = 2·pairs` terms `x·y` with `x`, `y`
/// in [−1, 1] each within `ε` moves by at most `2ε + ε²` a term, and summing adds `m` roundings
/// of at most 2^−53·m (a crude bound on the running sum's ulp, which is ≤ m); two such dots.
#[must_use]
pub fn relative_position_f64(pairs: usize, theta_max: f64) -> f64 {
    let m = 2.0 * pairs as f64;
    let eps = f64_bound(theta_max);
    2.0 * (m * (2.0 * eps + eps * eps) + m * m * pow2(-53))
}
