//! Every invalid input of the SPEC is an error value: the right variant, a message that names
//! the problem, and untouched outputs.

use posenc_core::{Encoding, Error, Layout, Preset};

use posenc_testkit::build_encoding as build;

#[test]
fn configuration_errors() {
    let ok = |d, layout, shift| build(d, layout, 1e4, shift, 1.0);
    assert_eq!(Encoding::new(0), Err(Error::ZeroDModel));
    for base in [
        1.0,
        0.5,
        0.0,
        -10.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        let err = build(8, Layout::Interleaved, base, 0.0, 1.0).unwrap_err();
        assert!(
            matches!(err, Error::InvalidBase(b) if b.to_bits() == base.to_bits()),
            "{base}"
        );
    }
    assert!(build(8, Layout::Interleaved, 1.0 + f64::EPSILON, 0.0, 1.0).is_ok());
    for shift in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = build(8, Layout::Interleaved, 1e4, shift, 1.0).unwrap_err();
        assert!(matches!(err, Error::NonFiniteShift(_)));
    }
    for scale in [0.0, -0.0, f64::NAN, f64::INFINITY] {
        let err = build(8, Layout::Interleaved, 1e4, 0.0, scale).unwrap_err();
        assert!(matches!(err, Error::InvalidScale(_)), "{scale}");
    }
    assert!(build(8, Layout::Interleaved, 1e4, 0.0, -2.5).is_ok());
    // D = d/2 − s ≤ 0 with n > 1.
    assert_eq!(
        ok(8, Layout::Interleaved, 4.0),
        Err(Error::NonPositiveDenominator {
            d_model: 8,
            shift: 4.0,
            denominator: 0.0
        })
    );
    assert!(matches!(
        ok(9, Layout::SplitSinCos, 4.5),
        Err(Error::NonPositiveDenominator { d_model: 9, .. })
    ));
    assert!(ok(9, Layout::Interleaved, 4.4).is_ok()); // D = 0.1
    // With one frequency, D does not matter: ω_0 = 1.
    assert!(ok(2, Layout::Interleaved, 100.0).is_ok());
    assert!(ok(3, Layout::SplitCosSin, 1.0).is_ok());
    assert!(ok(1, Layout::SplitSinCos, 7.0).is_ok());
}

#[test]
fn position_and_buffer_errors_leave_the_output_untouched() {
    let enc = Encoding::new(6).unwrap();
    let mut row = [7.0f32; 6];
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = enc.encode(bad, &mut row).unwrap_err();
        assert!(matches!(err, Error::NonFinitePosition(_)));
        assert!(matches!(
            enc.value(bad, 0),
            Err(Error::NonFinitePosition(_))
        ));
        assert!(matches!(
            enc.angle(0, bad),
            Err(Error::NonFinitePosition(_))
        ));
        assert!(matches!(
            enc.rotate(bad, &mut row),
            Err(Error::NonFinitePosition(_))
        ));
    }
    let big = enc.to_builder().scale(1e300).build().unwrap();
    assert_eq!(
        big.encode(1e10, &mut row),
        Err(Error::AngleOverflow {
            position: 1e10,
            scale: 1e300
        })
    );
    assert_eq!(
        enc.encode(1.0, &mut [0.0f64; 5]),
        Err(Error::BufferLength {
            expected: 6,
            actual: 5
        })
    );
    assert_eq!(
        enc.rotate(1.0, &mut [0.0f64; 7]),
        Err(Error::BufferLength {
            expected: 6,
            actual: 7
        })
    );
    assert_eq!(row, [7.0; 6]);
}

#[test]
fn index_errors() {
    let enc = Encoding::new(5).unwrap();
    assert_eq!(
        enc.value(0.0, 5),
        Err(Error::ColumnOutOfRange {
            column: 5,
            d_model: 5
        })
    );
    assert_eq!(
        enc.frequency(3),
        Err(Error::PairOutOfRange { pair: 3, pairs: 3 })
    );
    assert!(matches!(
        enc.angle(usize::MAX, 1.0),
        Err(Error::PairOutOfRange { .. })
    ));
    assert_eq!(
        enc.rotate(1.0, &mut [0.0f32; 5]),
        Err(Error::UnpairedColumn { d_model: 5 })
    );
    // The split layouts pad an odd row with a zero, which R(b) keeps.
    let split = enc
        .to_builder()
        .layout(Layout::SplitSinCos)
        .build()
        .unwrap();
    let mut row = [0.0f64; 5];
    split.encode(3.0, &mut row).unwrap();
    split.rotate(2.0, &mut row).unwrap();
    assert_eq!(row[4], 0.0);
}

#[test]
fn names_that_do_not_parse() {
    assert_eq!("interleave".parse::<Layout>(), Err(Error::UnknownLayout));
    assert_eq!("Paper".parse::<Preset>(), Err(Error::UnknownPreset));
    for preset in Preset::ALL {
        assert_eq!(preset.name().parse::<Preset>(), Ok(preset));
        assert!(preset.encoding(1).is_ok() && preset.encoding(1024).is_ok());
        assert_eq!(preset.encoding(0), Err(Error::ZeroDModel));
    }
}

#[test]
fn messages_name_the_problem() {
    let cases: [(Error, &str); 8] = [
        (Error::ZeroDModel, "d_model must be at least 1"),
        (Error::InvalidBase(0.5), "greater than 1, got 0.5"),
        (Error::InvalidScale(0.0), "non-zero, got 0"),
        (Error::NonFinitePosition(f64::NAN), "finite, got NaN"),
        (
            Error::BufferLength {
                expected: 6,
                actual: 5,
            },
            "buffer has 5 values but the call needs 6",
        ),
        (Error::UnpairedColumn { d_model: 5 }, "odd d_model 5"),
        (
            Error::UnknownLayout,
            "interleaved, split-sin-cos or split-cos-sin",
        ),
        (Error::UnknownPreset, "tensor2tensor"),
    ];
    for (err, needle) in cases {
        let text = err.to_string();
        assert!(text.contains(needle), "{text:?} lacks {needle:?}");
    }
    let _: &dyn core::error::Error = &Error::ZeroDModel;
}
