//! Random configurations and positions for the suite, and the case counts.
//!
//! Positions are multiples of 2^−10 with `|p| ≤ 2^24`, so that every sum of two of them is exact
//! in `f64` (35 significant bits at most): the relations compare PE(a + b) with R(b)·PE(a), and a
//! rounded `a + b` would be a different position.

use posenc_core::{Encoding, Layout};
use proptest::prelude::*;
use proptest::test_runner::Config;

/// The proptest configuration for a property: `default_cases` cases, or `PROPTEST_CASES` when it
/// is set (for a deep run), as proptest's own default does.
#[must_use]
pub fn config(default_cases: u32) -> Config {
    scaled_config(default_cases, 1)
}

/// As [`config`] for a property whose case costs about `weight` ordinary ones (a large table in
/// several thread pools): `PROPTEST_CASES / weight` cases, never fewer than `default_cases`.
#[must_use]
pub fn scaled_config(default_cases: u32, weight: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .map_or(default_cases, |n| (n / weight.max(1)).max(default_cases));
    Config {
        cases,
        // Rejections come only from configurations whose D ≤ 0; allow plenty of them.
        max_global_rejects: cases.saturating_mul(64).max(1024),
        ..Config::default()
    }
}

/// What one property case works on: a valid encoding, positions `a` and `b` (also used as an
/// offset) and `t` (a common shift), and a block of rows.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// The configuration.
    pub enc: Encoding,
    /// A position (also the start of the block).
    pub a: f64,
    /// A second position, or the offset of a rotation.
    pub b: f64,
    /// A third position: a common shift, or a second offset.
    pub t: f64,
    /// The block's first row index.
    pub first_row: u64,
    /// The block's number of rows.
    pub rows: usize,
}

/// `d_model` in 1..=4096, mostly small (where the odd tails and the lone columns are).
pub fn d_model() -> impl Strategy<Value = usize> {
    prop_oneof![3 => 1usize..=24, 2 => 1usize..=600, 1 => 1usize..=4096]
}

/// Every layout.
pub fn layout() -> impl Strategy<Value = Layout> {
    prop::sample::select(Layout::ALL.to_vec())
}

/// Bases in (1, 10^7]: the paper's, log-uniform ones, and ones barely above 1.
pub fn base() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(10_000.0),
        Just(1.0e7),
        (0.001f64..=7.0).prop_map(|e| 10f64.powf(e)),
        (1.0e-9f64..1.0).prop_map(|x| 1.0 + x),
    ]
}

/// Shifts: the presets' 0 and 1, and any in [−4, 4] (configurations left with D ≤ 0 are
/// rejected).
pub fn shift() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), -4.0f64..4.0]
}

/// Scales of both signs, mostly 1.
pub fn scale() -> impl Strategy<Value = f64> {
    prop_oneof![
        2 => Just(1.0),
        1 => (1.0f64 / 1024.0..4.0, any::<bool>()).prop_map(|(c, neg)| if neg { -c } else { c }),
    ]
}

/// Valid encodings over the whole SPEC domain of the suite.
pub fn encoding() -> impl Strategy<Value = Encoding> {
    (d_model(), layout(), base(), shift(), scale()).prop_filter_map(
        "D <= 0 with more than one frequency",
        |(d, layout, base, shift, scale)| crate::build_encoding(d, layout, base, shift, scale).ok(),
    )
}

/// Positions: integers up to 2^24, fractions, small ones, negatives; all multiples of 2^−10.
pub fn position() -> impl Strategy<Value = f64> {
    const LIMIT: i64 = 1 << 24;
    prop_oneof![
        (-LIMIT..=LIMIT).prop_map(|p| p as f64),
        (-(LIMIT << 10)..=(LIMIT << 10)).prop_map(|q| q as f64 / 1024.0),
        (-(1i64 << 16)..=(1i64 << 16)).prop_map(|q| q as f64 / 1024.0),
        Just(0.0),
        Just((LIMIT - 1) as f64),
    ]
}

/// A whole case; the block has at most 8 rows and about 2048 values.
pub fn case() -> impl Strategy<Value = Case> {
    (
        encoding(),
        position(),
        position(),
        position(),
        prop_oneof![Just(0u64), 0u64..1 << 20],
        1usize..=8,
    )
        .prop_map(|(enc, a, b, t, first_row, rows)| Case {
            enc,
            a,
            b,
            t,
            first_row,
            rows: rows.min((2048 / enc.d_model()).max(1)),
        })
}
