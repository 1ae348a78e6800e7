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
