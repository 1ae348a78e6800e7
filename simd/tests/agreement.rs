//! Property tests: the crate root (the vector path, unless `scalar-math`) and the portable path
//! agree with the core within the SPEC's relation 1, for random `d_model` 1..=4096, every
//! layout, bases in (1, 10^7], shifts, scales and positions up to |c·p| = 2^24, fractional and
//! negative. `PROPTEST_CASES` raises the number of cases (default 64 per property).

use posenc_simd::{Column, Encoding, Layout};
use posenc_testkit::bounds::{AGREE_F32, agree_f64};
use proptest::prelude::*;

fn layout() -> impl Strategy<Value = Layout> {
    prop::sample::select(Layout::ALL.to_vec())
}

/// Bases log-uniform in (1, 10^7], with the edges and the common ones weighted in.
fn base() -> impl Strategy<Value = f64> {
    prop_oneof![
        Just(10_000.0),
        Just(10_000_000.0),
        Just(500_000.0),
        Just(1.000_001),
        (1e-6f64..16.118_095_650_958_32).prop_map(f64::exp),
    ]
}

fn shift() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), -8.0f64..8.0]
}

fn scale() -> impl Strategy<Value = f64> {
    prop_oneof![Just(1.0), Just(0.25), Just(-1.0), 1e-3f64..4.0]
}

/// A valid encoding (shifts that leave D ≤ 0 with more than one frequency are redrawn).
fn encoding() -> impl Strategy<Value = Encoding> {
    (1usize..=4096, layout(), base(), shift(), scale()).prop_filter_map(
        "D must be positive",
        |(d, layout, base, shift, scale)| {
            Encoding::builder(d)
                .layout(layout)
                .base(base)
                .shift(shift)
                .scale(scale)
                .build()
                .ok()
        },
    )
}

/// A position with |c·p| ≤ 2^24: integers, fractions and negatives, small and large.
fn position(scale: f64) -> impl Strategy<Value = f64> {
    let limit = 16_777_216.0 / scale.abs();
    prop_oneof![
        (0u32..4096).prop_map(f64::from),
        (-limit..limit),
        (-limit..limit).prop_map(f64::round),
        Just(limit.floor()),
        (-100.0f64..100.0),
    ]
}

fn case() -> impl Strategy<Value = (Encoding, f64)> {
    encoding().prop_flat_map(|enc| (Just(enc), position(enc.scale())))
}

/// The angle of `column`'s pair (0 for the zero column).
fn theta(enc: &Encoding, position: f64, column: usize) -> f64 {
    match enc.layout().column(enc.d_model(), column) {
        Some(Column::Sin(pair) | Column::Cos(pair)) => enc.angle(pair, position).unwrap(),
        _ => 0.0,
    }
}

fn check_agreement(
    enc: &Encoding,
    position: f64,
    encode32: impl Fn(&Encoding, f64, &mut [f32]),
    encode64: impl Fn(&Encoding, f64, &mut [f64]),
) -> Result<(), TestCaseError> {
    let d = enc.d_model();
    let (mut got32, mut want32) = (vec![0.0f32; d], vec![0.0f32; d]);
    let (mut got64, mut want64) = (vec![0.0f64; d], vec![0.0f64; d]);
    encode32(enc, position, &mut got32);
    encode64(enc, position, &mut got64);
    enc.encode(position, &mut want32).unwrap();
    enc.encode(position, &mut want64).unwrap();
    for column in 0..d {
        let err32 = (f64::from(got32[column]) - f64::from(want32[column])).abs();
        prop_assert!(
            err32 <= AGREE_F32,
            "f32 column {column}: {} vs core {} ({enc:?}, p={position})",
            got32[column],
            want32[column]
        );
        let bound = agree_f64(theta(enc, position, column));
        let err64 = (got64[column] - want64[column]).abs();
        prop_assert!(
            err64 <= bound,
            "f64 column {column}: {} vs core {}, {err64:e} > {bound:e} ({enc:?}, p={position})",
            got64[column],
            want64[column]
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn crate_root_agrees_with_the_core((enc, position) in case()) {
        check_agreement(
            &enc,
            position,
            |e, p, o| posenc_simd::encode_row(e, p, o).unwrap(),
            |e, p, o| posenc_simd::encode_row(e, p, o).unwrap(),
        )?;
    }

    #[test]
    fn portable_path_agrees_with_the_core((enc, position) in case()) {
        check_agreement(
            &enc,
            position,
            |e, p, o| posenc_simd::Backend::portable().encode_row(e, p, o).unwrap(),
            |e, p, o| posenc_simd::Backend::portable().encode_row(e, p, o).unwrap(),
        )?;
    }

    #[test]
    fn position_lists_agree_with_the_core((enc, position) in case()) {
        // A list of three positions; the middle one is checked.
        let list = |p: f64| [p * 0.5, p, -p];
        check_agreement(
            &enc,
            position,
            |e, p, o| {
                let mut rows = vec![0.0f32; 3 * o.len()];
                posenc_simd::Positions::new(e, &list(p)).and_then(|list| posenc_simd::encode_positions(&list, &mut rows)).unwrap();
                o.copy_from_slice(&rows[o.len()..2 * o.len()]);
            },
            |e, p, o| {
                let mut rows = vec![0.0f64; 3 * o.len()];
                posenc_simd::Positions::new(e, &list(p)).and_then(|list| posenc_simd::encode_positions(&list, &mut rows)).unwrap();
                o.copy_from_slice(&rows[o.len()..2 * o.len()]);
            },
        )?;
    }
}
