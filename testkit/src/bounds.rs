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

// ---------------------------------------------------------------------------------------------
// The verification suite (`posenc-verify`) and the fuzz targets: every backend, `f32` and `f64`.
// ---------------------------------------------------------------------------------------------

/// The SPEC's accuracy table holds for `|c·p|` up to 2^24.
pub const ACCURATE_SCALED_POSITION: f64 = 16777216.0; // 2^24

/// The SPEC's accuracy table holds for bases up to 10^7.
pub const ACCURATE_MAX_BASE: f64 = 1.0e7;

/// The SPEC's accuracy table holds for `d_model` up to 65 536.
pub const ACCURATE_MAX_D_MODEL: usize = 65_536;

/// Whether a configuration and a scaled position `c·p` are inside the domain of the SPEC's
/// accuracy table. Outside it only the range [−1, 1] is promised by the table (beyond 2^24 the
/// error may grow in proportion to `|θ|`, see [`agree`]).
#[must_use]
pub fn in_accuracy_domain(base: f64, d_model: usize) -> bool {
    base <= ACCURATE_MAX_BASE && d_model <= ACCURATE_MAX_D_MODEL
}

/// A backend's value bound against exact for an element of `mantissa_bits` (24 for `f32`, 53 for
/// `f64`) at angle `theta` and scaled position `scaled = c·p` (SPEC accuracy table).
///
/// `f32`: [`BACKEND_F32`] while `|c·p| ≤ 2^24`; beyond, the SPEC lets the error grow "no more
/// than in proportion to |θ|", which we take as the `f64` bound [`f64_bound`] added on top (it is
/// itself proportional to `|θ|`, and continuous with the table at 2^24). `f64`: [`f64_bound`],
/// which is proportional to `|θ|` everywhere.
#[must_use]
pub fn backend_value(mantissa_bits: u32, theta: f64, scaled: f64) -> f64 {
    if mantissa_bits > 24 {
        f64_bound(theta)
    } else if scaled.abs() <= ACCURATE_SCALED_POSITION {
        BACKEND_F32
    } else {
        BACKEND_F32 + f64_bound(theta)
    }
}

/// SPEC relation 1 for one value: a backend against the core, both of `mantissa_bits`, at angle
/// `theta` and scaled position `scaled`. `f32`: [`AGREE_F32`] (the two bounds added) while
/// `|c·p| ≤ 2^24`, beyond it plus [`agree_f64`] (the proportional growth, both sides);
/// `f64`: [`agree_f64`].
#[must_use]
pub fn agree(mantissa_bits: u32, theta: f64, scaled: f64) -> f64 {
    if mantissa_bits > 24 {
        agree_f64(theta)
    } else if scaled.abs() <= ACCURATE_SCALED_POSITION {
        AGREE_F32
    } else {
        AGREE_F32 + agree_f64(theta)
    }
}

/// Half an ulp at 1 of an element of `mantissa_bits`: the rounding of a value in [−1, 1] to it,
/// 2^−24 for `f32`, 2^−53 for `f64`.
#[must_use]
pub fn half_ulp_at_one(mantissa_bits: u32) -> f64 {
    pow2(-(mantissa_bits as i32))
}

/// `x + PE` from a backend's add path (`out`) against `x + PE_core`, for an element of
/// `mantissa_bits`, measured as `|(out − x) − PE_core|` in `f64`: the encoding's [`agree`]
/// bound, plus one rounding of the sum to the element type, half an ulp of `|x| + 1` (at most
/// `(|x| + 1)·2^−mantissa_bits`), plus the measurement's own rounding: `out − x` is exact when
/// `|x| ≥ 2` (Sterbenz: `out` is within a factor 2 of `x`), else one rounding of a value below 3,
/// and the last subtraction rounds a value below the bound; both within [`F64_ARITH`]. (Forming
/// `x + PE_core` in `f64` instead would add half an ulp of `x`, as large as the bound itself.)
/// A backend that rounds the encoding first and then the sum has its first rounding inside its
/// value bound already.
#[must_use]
pub fn add_to(mantissa_bits: u32, x: f64, theta: f64, scaled: f64) -> f64 {
    agree(mantissa_bits, theta, scaled)
        + (x.abs() + 1.0) * pow2(-(mantissa_bits as i32))
        + F64_ARITH
}

/// Rotation (SPEC relation 3) on a backend's row: the core's R(b) applied to the backend's
/// PE(a), against the backend's PE(a + b), with `a + b` exact in `f64` and every angle
/// `|θ| ≤ theta_max`.
///
/// Derivation: each rotated value is `s·cos φ + c·sin φ` (or `c·cos φ − s·sin φ`), formed in
/// `f64`. The errors of the backend's `s` and `c` (each within `value`, the backend's bound at
/// `theta_max`) reach it with weights `|cos φ| + |sin φ| ≤ √2 < 2`: `2·value`. The errors of the
/// core's `cos φ` and `sin φ` (each within [`f64_bound`]) reach it with weights `|s|, |c| ≤ 1`:
/// `2·f64_bound`. The two products and the sum round in `f64`: within [`F64_ARITH`]. The result is
/// rounded to the row's type once: `round` (half an ulp at 1). PE(a + b) is itself within `value`
/// of exact. Total: `3·value + round + 2·f64_bound(theta_max) + F64_ARITH`. With the core's
/// bounds this is [`rotation_f64`] and [`rotation_f32`] again.
#[must_use]
pub fn rotation(value: f64, round: f64, theta_max: f64) -> f64 {
    3.0 * value + round + 2.0 * f64_bound(theta_max) + F64_ARITH
}

/// R(a)·R(b)·v against R(a + b)·v (SPEC relation 3) for any `f64` row `v` whose values are in
/// [−1, 1], with `a + b` exact and every angle `|θ| ≤ theta_max`; `ε` = [`f64_bound`]`(theta_max)`.
///
/// Derivation: per (x, y) pair, `|x| + |y| ≤ 2` holds before and after a rotation (the pair's
/// norm is at most √2 and is kept). One rotation of exact inputs is off by at most `2ε` (the sine
/// and cosine errors, weights `|x|, |y|`) plus its `f64` rounding, under [`F64_ARITH`]. R(b)·v is
/// so off by `2ε + F64_ARITH`; R(a) passes that error on with weights `|cos| + |sin| ≤ √2 < 2`
/// and adds its own, `2ε + F64_ARITH`: `6ε + 3·F64_ARITH` (the products of two errors, near
/// 2^−96, vanish in the slack of `F64_ARITH`). R(a + b)·v adds `2ε + F64_ARITH`:
/// `8ε + 4·F64_ARITH` in all.
#[must_use]
pub fn rotation_composition_f64(theta_max: f64) -> f64 {
    8.0 * f64_bound(theta_max) + 4.0 * F64_ARITH
}

/// R(b) keeps the norm (SPEC relation 3), per (x, y) pair of an `f64` row with `|x|, |y| ≤ 1`, at
/// angle `|θ| ≤ theta`: `x'² + y'² = (x² + y²)·(cos² + sin²)` in real arithmetic, and the core's
/// `cos² + sin²` is within [`pair_norm_f64`] of 1, times `x² + y² ≤ 2`. Each of `x'`, `y'` is
/// rounded within `2^−51` (two products and a sum, magnitudes ≤ 2): `2·|x'|·2^−51 ≤ 2√2·2^−51`
/// each on the squared norm, and the squares and sums of both norms round within `12·2^−53`;
/// together below `9·2^−51 < 5·`[`F64_ARITH`].
#[must_use]
pub fn rotation_pair_norm_f64(theta: f64) -> f64 {
    2.0 * pair_norm_f64(theta) + 5.0 * F64_ARITH
}

/// The squared norm of a backend's (sin, cos) pair against 1 (SPEC relation 5), each value within
/// `value` of exact: `(s+ε)² + (c+δ)² − 1 = 2sε + 2cδ + ε² + δ²`, at most `2√2·value` (< 3) plus
/// the `f64` rounding of the squares and the sum (values widened to `f64` exactly).
#[must_use]
pub fn pair_norm(value: f64) -> f64 {
    3.0 * value + F64_ARITH
}

/// Relative position (SPEC relation 4) on a backend's rows: `PE(a)·PE(b)` against
/// `PE(a+t)·PE(b+t)` over `pairs` (sin, cos) pairs, every value within `value` of exact. As
/// [`relative_position_f64`]: `m = 2·pairs` products of values in [−1, 1] each move by at most
/// `2·value + value²`, the `f64` sum adds `m` roundings of at most `2^−53·m`; two such dots.
#[must_use]
pub fn relative_position(pairs: usize, value: f64) -> f64 {
    let m = 2.0 * pairs as f64;
    2.0 * (m * (2.0 * value + value * value) + m * m * pow2(-53))
}

/// Uniqueness (SPEC relation 6): distinct integer positions `p ≠ q` give distinct rows, in `f32`
/// and in `f64`, from every backend, for every layout with at least one full (sin, cos) pair
/// (`d_model ≥ 2`), any base and shift, scale 1, `|p|, |q| ≤ 2^24`, whenever
/// `|p − q| < UNIQUE_SPAN`.
///
/// Proof from pair 0 alone, whose frequency is 1: its values are (sin p, cos p). Two points of the
/// unit circle at angular distance δ (mod 2π) differ by the chord `2·sin(δ/2)`, so in one
/// coordinate by at least `chord/√2`. The smallest δ = dist(k, 2πℤ) over `1 ≤ k < UNIQUE_SPAN`
/// is at `k = 4 272 943` (a numerator of a convergent of 2π: these are the record
/// approaches of `k` to `2πℤ`), δ = 5.4958e−7, so one coordinate differs by more than 3.88e−7. Each
/// computed value is within 2^−23 = 1.19e−7 of exact (f32; f64 within 2^−48·(1 + 2^24) ≈ 5.96e−8),
/// so the computed coordinates still differ by more than 3.88e−7 − 2·1.19e−7 > 0. The next
/// convergent, `k = 10 838 702` = `UNIQUE_SPAN`, comes within δ = 7.64e−8 of 2π·1 725 033, where
/// pair 0 no longer separates `f32` rows (other pairs usually still do; no proof covers them for
/// every configuration). A lone sine (`d_model = 1`) does not separate positions: sin p = sin(π − p).
pub const UNIQUE_SPAN: u64 = 10_838_702;

/// The position difference `k < UNIQUE_SPAN` at which pair 0's angles come nearest, and that
/// distance (5.4958e−7, rounded down), as [`UNIQUE_SPAN`] derives them.
pub const UNIQUE_WORST_OFFSET: u64 = 4_272_943;

/// The angular distance of [`UNIQUE_WORST_OFFSET`] to 2πℤ, rounded down to 4 digits.
pub const UNIQUE_WORST_DISTANCE: f64 = 5.495e-7;

/// Long-range decay (SPEC relation 7): the SPEC quotes the window means of PE(0)·PE(k) for
/// d = 512, base 10^4 as "about 202, 132, 68, 7", integers; a computed mean must round to them,
/// so lie within one half of each.
pub const DECAY_FIGURE: f64 = 0.5;

/// `add_rows` into `f32` (the SIMD crate): the sum `x + pe` is formed in `f64` and rounded once,
/// so it is within the backend's [`BACKEND_F32`] of `x + exact` plus half an `f32` ulp of the sum
/// (`|sum|·2^−24`, at least the smallest normal's).
#[must_use]
pub fn add_f32(sum: f64) -> f64 {
    BACKEND_F32 + sum.abs().max(f64::from(f32::MIN_POSITIVE)) * pow2(-24)
}

/// Two `f32` outputs of backends for the same position, each within [`BACKEND_F32`] of exact,
/// are within twice it of each other: in the SIMD crate, an `f32` table row stepped by rotation
/// from its anchor and the same row evaluated directly by `encode_row`.
pub const BETWEEN_BACKENDS_F32: f64 = 2.0 * BACKEND_F32;

/// R(b) keeps the norm, per pair, for a row of an element of `mantissa_bits` rotated in `f64`
/// and rounded back: [`rotation_pair_norm_f64`] plus the final rounding of the two values, each
/// moved by at most half an ulp at 1 (`h`), which moves a squared norm ≤ 2 by at most
/// `2·(|x'| + |y'|)·h + 2h² ≤ 2·2·√2·h + 2h² < 6h`. For `f64` that is below [`F64_ARITH`]'s slack
/// already; it is added all the same.
#[must_use]
pub fn rotation_pair_norm(mantissa_bits: u32, theta: f64) -> f64 {
    rotation_pair_norm_f64(theta) + 6.0 * half_ulp_at_one(mantissa_bits)
}

/// PE(p)·PE(p) over a row with `pairs` full pairs, each value within `value` of exact: the sum of
/// `pairs` squared pair norms, each within [`pair_norm`]`(value)` of 1.
#[must_use]
pub fn self_dot(pairs: usize, value: f64) -> f64 {
    pairs as f64 * pair_norm(value)
}

// ---------------------------------------------------------------------------------------------
// Rotary position embeddings (SPEC "Rotary position embeddings (RoPE)").
// ---------------------------------------------------------------------------------------------

/// A RoPE cache value `a·cos θ_i` or `a·sin θ_i` in `f32` from the core: `2^−24·max(1, a)`
/// (SPEC). Half an `f32` ulp of a value of magnitude up to `a` is at most `2^−24·a`.
#[must_use]
pub fn rope_cache_f32(attention: f64) -> f64 {
    CORE_F32 * attention.max(1.0)
}

/// A RoPE cache value in `f64`: `2^−48·(1 + |θ|)·max(1, a)` (SPEC).
#[must_use]
pub fn rope_cache_f64(theta: f64, attention: f64) -> f64 {
    f64_bound(theta) * attention.max(1.0)
}

/// How far the golden file's exact `a·cos θ` (or `a·sin θ`) can be from its evaluation in
/// `f64` from the parsed cells: `cos` is within [`GOLDEN_PARSE`] (2^−54) of its 60-digit value,
/// weighted by `a`; `a` within half an ulp (2^−53 relative), weighted by `|cos| ≤ 1`; the
/// product rounds by 2^−53 of `a`. Together under `2^−51·max(1, a)`. The checks subtract it from
/// the SPEC's bound, so they are never looser than the SPEC.
#[must_use]
pub fn rope_golden_cache(attention: f64) -> f64 {
    pow2(-51) * attention.max(1.0)
}

/// A frequency `ω_i` against the golden file's, relative: the core's is the `f64` nearest a
/// value within about 2^−100 of exact (half an ulp, 2^−53 relative), the file's is parsed to
/// the nearest `f64` (another 2^−53): 2^−52 relative.
pub const ROPE_FREQUENCY: f64 = 1.0 / 4503599627370496.0; // 2^-52

/// An attention factor against the golden file's, relative: the core forms it from `libm`'s
/// `log` and `sqrt` (each under an ulp) and at most four further `f64` operations, and the
/// file's value is parsed to the nearest `f64`: under 8 ulps, 2^−50 relative.
pub const ROPE_ATTENTION: f64 = 1.0 / 1125899906842624.0; // 2^-50

/// A rotated pair `u', v'` from `f32` inputs, the core (SPEC):
/// `2^−24·|exact| + 2^−48·a·(|u| + |v|)`.
#[must_use]
pub fn rope_pair_f32(exact: f64, attention: f64, u: f64, v: f64) -> f64 {
    CORE_F32 * exact.abs() + pow2(-48) * attention * (u.abs() + v.abs())
}

/// A rotated pair from `f64` inputs (SPEC): `2^−48·(1 + |θ|)·a·(|u| + |v|)`.
#[must_use]
pub fn rope_pair_f64(theta: f64, attention: f64, u: f64, v: f64) -> f64 {
    f64_bound(theta) * attention * (u.abs() + v.abs())
}

/// How far the exact rotated value `a·(u·cos θ − v·sin θ)` can be from its `f64` evaluation
/// from the golden file's parsed cells: `cos`, `sin` within 2^−54 each, weighted by `|u|, |v|`;
/// `a` within 2^−53 relative of a value at most `a·(|u| + |v|)`; two products, a difference
/// and the product by `a`, each rounding by at most 2^−53 of a value under `a·(|u| + |v|)`:
/// `(2^−54 + 2^−53 + 4·2^−53)·a·(|u| + |v|) < 2^−50·a·(|u| + |v|)`. Subtracted from the bounds.
#[must_use]
pub fn rope_golden_pair(attention: f64, u: f64, v: f64) -> f64 {
    pow2(-50) * attention * (u.abs() + v.abs())
}

/// The largest error of one rotated component of a vector with values in [−1, 1], at the
/// SPEC's pair bound: `f32`: `2^−24·|exact| + 2^−48·a·2` with `|exact| ≤ a·√2`;
/// `f64`: `2^−48·(1 + |θ|)·a·2`.
#[must_use]
pub fn rope_component(mantissa_bits: u32, theta_max: f64, attention: f64) -> f64 {
    if mantissa_bits > 24 {
        2.0 * f64_bound(theta_max) * attention
    } else {
        CORE_F32 * attention * core::f64::consts::SQRT_2 + pow2(-47) * attention
    }
}

/// RoPE's relative position (SPEC relation 8): `⟨rope(q, m), rope(k, n)⟩` against
/// `a·⟨rope(q, m − n), k⟩` over the `2·pairs` rotating dimensions of vectors with values in
/// [−1, 1], each rotated component within `component` ([`rope_component`]) of exact.
///
/// Rotated components are at most `a·√2` in magnitude. The left dot's `2·pairs` products
/// each move by at most `2·a·√2·component + component²`; the right's (one side exact, `|k| ≤ 1`)
/// by `component`, times `a`. Each `f64` sum of `m = 2·pairs` terms of magnitude at most `2a²`
/// rounds by at most `m·(m·2a²)·2^−53` (a crude bound on the running sum's ulp), and the right
/// side's product by `a` adds 2^−53 of a value under `m·2a²`.
#[must_use]
pub fn rope_relative_position(pairs: usize, attention: f64, component: f64) -> f64 {
    let m = 2.0 * pairs as f64;
    let a = attention;
    let left = m * (2.0 * core::f64::consts::SQRT_2 * a * component + component * component);
    let right = m * a * component;
    let sums = 2.0 * m * m * 2.0 * a * a * pow2(-53) + m * 2.0 * a * a * pow2(-53);
    left + right + sums
}
