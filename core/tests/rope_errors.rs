//! Every invalid RoPE input of the SPEC is a precise error value, with a message naming it,
//! and a failed call leaves its buffer untouched.

use posenc_core::{Error, Llama3, LongRope, Pairing, Rope, RopeBuilder, RopePreset, Scaling, Yarn};

fn err(builder: RopeBuilder<'_>) -> Error {
    builder.build().expect_err("the configuration is invalid")
}

#[test]
fn rotary_dim_must_be_even_positive_and_fit_the_head() {
    assert_eq!(err(Rope::builder(64).rotary_dim(0)), Error::ZeroRotaryDim);
    assert_eq!(err(Rope::builder(0)), Error::ZeroRotaryDim);
    assert_eq!(
        err(Rope::builder(64).rotary_dim(33)),
        Error::OddRotaryDim { rotary_dim: 33 }
    );
    assert_eq!(err(Rope::builder(7)), Error::OddRotaryDim { rotary_dim: 7 });
    assert_eq!(
        err(Rope::builder(64).rotary_dim(66)),
        Error::RotaryDimExceedsHeadDim {
            rotary_dim: 66,
            head_dim: 64
        }
    );
    assert!(Rope::builder(64).rotary_dim(2).build().is_ok());
    assert!(Rope::builder(65).rotary_dim(64).build().is_ok());
}

#[test]
fn theta_must_be_finite_and_above_one() {
    for b in [1.0, 0.5, 0.0, -3.0, f64::NAN, f64::INFINITY] {
        match err(Rope::builder(8).theta(b)) {
            Error::InvalidTheta(got) => assert!(got == b || (got.is_nan() && b.is_nan())),
            other => panic!("theta {b}: {other:?}"),
        }
    }
}

#[test]
fn every_scaling_parameter_must_be_finite_and_positive() {
    let bad = [0.0, -1.0, f64::NAN, f64::INFINITY];
    let list = [1.0; 4];
    for v in bad {
        let cases: Vec<(Scaling<'_>, &str, &str)> = vec![
            (Scaling::Linear { factor: v }, "linear", "factor"),
            (Scaling::Ntk { factor: v }, "ntk", "factor"),
            (
                Scaling::Dynamic {
                    factor: v,
                    original_max_len: 4096.0,
                    seq_len: 100.0,
                },
                "dynamic",
                "factor",
            ),
            (
                Scaling::Dynamic {
                    factor: 2.0,
                    original_max_len: v,
                    seq_len: 100.0,
                },
                "dynamic",
                "original_max_len",
            ),
            (
                Scaling::Dynamic {
                    factor: 2.0,
                    original_max_len: 4096.0,
                    seq_len: v,
                },
                "dynamic",
                "seq_len",
            ),
            (Scaling::Yarn(Yarn::new(v, 4096.0)), "yarn", "factor"),
            (Scaling::Yarn(Yarn::new(4.0, v)), "yarn", "original_max_len"),
            (
                Scaling::Yarn(Yarn {
                    beta_fast: v,
                    ..Yarn::new(4.0, 4096.0)
                }),
                "yarn",
                "beta_fast",
            ),
            (
                Scaling::Yarn(Yarn {
                    beta_slow: v,
                    ..Yarn::new(4.0, 4096.0)
                }),
                "yarn",
                "beta_slow",
            ),
            (
                Scaling::Yarn(Yarn {
                    mscale: Some(v),
                    ..Yarn::new(4.0, 4096.0)
                }),
                "yarn",
                "mscale",
            ),
            (
                Scaling::Yarn(Yarn {
                    mscale_all_dim: Some(v),
                    ..Yarn::new(4.0, 4096.0)
                }),
                "yarn",
                "mscale_all_dim",
            ),
            (Scaling::Llama3(Llama3::new(v)), "llama3", "factor"),
            (
                Scaling::Llama3(Llama3 {
                    low_freq_factor: v,
                    ..Llama3::new(8.0)
                }),
                "llama3",
                "low_freq_factor",
            ),
            (
                Scaling::Llama3(Llama3 {
                    high_freq_factor: v,
                    ..Llama3::new(8.0)
                }),
                "llama3",
                "high_freq_factor",
            ),
            (
                Scaling::Llama3(Llama3 {
                    original_max_len: v,
                    ..Llama3::new(8.0)
                }),
                "llama3",
                "original_max_len",
            ),
            (
                Scaling::LongRope(LongRope::new(&list, &list, v, 10.0)),
                "longrope",
                "original_max_len",
            ),
            (
                Scaling::LongRope(LongRope::new(&list, &list, 4096.0, v)),
                "longrope",
                "seq_len",
            ),
            (
                Scaling::LongRope(LongRope {
                    factor: v,
                    ..LongRope::new(&list, &list, 4096.0, 10.0)
                }),
                "longrope",
                "factor",
            ),
        ];
        for (scaling, name, parameter) in cases {
            match err(Rope::builder(8).scaling(scaling)) {
                Error::InvalidScalingParameter {
                    scaling: s,
                    parameter: p,
                    value,
                } => {
                    assert_eq!((s, p), (name, parameter), "{scaling:?}");
                    assert!(value == v || (value.is_nan() && v.is_nan()));
                }
                other => panic!("{scaling:?}: {other:?}"),
            }
        }
    }
}

#[test]
fn base_changes_need_rotary_dim_above_two() {
    assert_eq!(
        err(Rope::builder(2).scaling(Scaling::Ntk { factor: 2.0 })),
        Error::BaseChangeNeedsRotaryDimAbove2 { scaling: "ntk" }
    );
    let dynamic = Scaling::Dynamic {
        factor: 2.0,
        original_max_len: 4096.0,
        seq_len: 8192.0,
    };
    assert_eq!(
        err(Rope::builder(8).rotary_dim(2).scaling(dynamic)),
        Error::BaseChangeNeedsRotaryDimAbove2 { scaling: "dynamic" }
    );
}

#[test]
fn ntk_that_takes_the_base_to_one_or_below_is_refused() {
    // 2 · 0.25^(4/2) = 0.125 < 1.
    match err(Rope::builder(4)
        .theta(2.0)
        .scaling(Scaling::Ntk { factor: 0.25 }))
    {
        Error::ScaledThetaOutOfRange { scaling, theta } => {
            assert_eq!(scaling, "ntk");
            assert!((theta - 0.125).abs() < 1e-15, "{theta}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn llama3_needs_low_below_high() {
    for (low, high) in [(4.0, 4.0), (5.0, 4.0)] {
        let l = Llama3 {
            low_freq_factor: low,
            high_freq_factor: high,
            ..Llama3::new(8.0)
        };
        assert_eq!(
            err(Rope::builder(8).scaling(Scaling::Llama3(l))),
            Error::FreqFactorsOutOfOrder { low, high }
        );
    }
}

#[test]
fn longrope_lists_hold_one_positive_value_per_pair() {
    let good = [1.0, 2.0, 3.0, 4.0];
    let short = [1.0, 2.0, 3.0];
    assert_eq!(
        err(Rope::builder(8).scaling(Scaling::LongRope(LongRope::new(&short, &good, 4096.0, 1.0)))),
        Error::FactorListLength {
            list: "short_factors",
            expected: 4,
            actual: 3
        }
    );
    assert_eq!(
        err(Rope::builder(8).scaling(Scaling::LongRope(LongRope::new(&good, &short, 4096.0, 1.0)))),
        Error::FactorListLength {
            list: "long_factors",
            expected: 4,
            actual: 3
        }
    );
    let bad = [1.0, 2.0, -0.5, 4.0];
    assert_eq!(
        err(Rope::builder(8).scaling(Scaling::LongRope(LongRope::new(&good, &bad, 4096.0, 1.0)))),
        Error::FactorListValue {
            list: "long_factors",
            index: 2,
            value: -0.5
        }
    );
    // L0 ≤ 1 with f > 1: √(1 + ln f / ln L0) has no value.
    let lr = LongRope {
        factor: 4.0,
        ..LongRope::new(&good, &good, 1.0, 1.0)
    };
    assert!(matches!(
        err(Rope::builder(8).scaling(Scaling::LongRope(lr))),
        Error::DerivedAttentionFactor {
            scaling: "longrope",
            ..
        }
    ));
    // An explicit attention factor replaces the derived one, so the same lists then build.
    assert!(
        Rope::builder(8)
            .scaling(Scaling::LongRope(lr))
            .attention_factor(1.0)
            .build()
            .is_ok()
    );
}

#[test]
fn attention_factor_must_be_finite_and_positive() {
    for a in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        match err(Rope::builder(8).attention_factor(a)) {
            Error::InvalidAttentionFactor(got) => {
                assert!(got == a || (got.is_nan() && a.is_nan()));
            }
            other => panic!("{a}: {other:?}"),
        }
    }
}

#[test]
fn calls_refuse_bad_buffers_and_positions_and_leave_them_untouched() {
    let rope = Rope::builder(8).rotary_dim(4).build().unwrap();
    let (mut x, mut heads, mut cache) = ([0.5f32; 7], [0.5f64; 12], [0.5f32; 8]);
    let short = Error::BufferLength {
        expected: 8,
        actual: 7,
    };
    let not_whole = Error::NotWholeHeads {
        len: 12,
        head_dim: 8,
    };
    let cache_length = Error::BufferLength {
        expected: 4,
        actual: 8,
    };
    for (call, got, expected) in [
        ("apply", rope.apply(1.0, &mut x), short),
        ("apply_inverse", rope.apply_inverse(1.0, &mut x), short),
        ("apply_heads", rope.apply_heads(1.0, &mut heads), not_whole),
        (
            "apply_heads_inverse",
            rope.apply_heads_inverse(1.0, &mut heads),
            not_whole,
        ),
        ("cache_row", rope.cache_row(1.0, &mut cache), cache_length),
    ] {
        assert_eq!(got, Err(expected), "{call}");
    }
    let mut ok = [0.5f32; 8];
    for p in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(matches!(
            rope.apply(p, &mut ok),
            Err(Error::NonFinitePosition(_))
        ));
        assert!(matches!(
            rope.cache_row(p, &mut ok[..4]),
            Err(Error::NonFinitePosition(_))
        ));
    }
    assert_eq!(ok, [0.5f32; 8]);
    assert_eq!(x, [0.5f32; 7]);
    assert_eq!(heads, [0.5f64; 12]);
    assert_eq!(cache, [0.5f32; 8]);
    assert_eq!(
        rope.frequency(2),
        Err(Error::PairOutOfRange { pair: 2, pairs: 2 })
    );
    assert_eq!(
        rope.pair_columns(2),
        Err(Error::PairOutOfRange { pair: 2, pairs: 2 })
    );
    let mut omega = [9.0f64; 3];
    assert_eq!(
        rope.frequencies(&mut omega),
        Err(Error::BufferLength {
            expected: 2,
            actual: 3
        })
    );
    assert_eq!(omega, [9.0; 3]);
    // Zero heads is a whole number of heads.
    assert_eq!(rope.apply_heads(1.0, &mut [0.0f32; 0]), Ok(()));
}

#[test]
fn angles_that_overflow_are_refused() {
    let tiny = [1e-300, 1.0];
    let lr = Scaling::LongRope(LongRope::new(&tiny, &tiny, 4096.0, 1.0));
    let rope = Rope::builder(4).scaling(lr).build().unwrap();
    // An upper bound on every frequency: ω_0 ≤ 1/e_0 (ω_0^0 = 1).
    let top = 1.0 / 1e-300;
    assert_eq!(rope.max_frequency(), top);
    let mut x = [0.25f64; 4];
    assert_eq!(
        rope.apply(1e10, &mut x),
        Err(Error::RopeAngleOverflow {
            position: 1e10,
            frequency: top
        })
    );
    assert_eq!(x, [0.25f64; 4]);
    assert!(rope.apply(1.0, &mut x).is_ok());
}

#[test]
fn names_parse_and_unknown_names_are_errors() {
    for p in Pairing::ALL {
        assert_eq!(p.name().parse::<Pairing>(), Ok(p));
    }
    assert_eq!("neox".parse::<Pairing>(), Err(Error::UnknownPairing));
    for p in RopePreset::ALL {
        assert_eq!(p.name().parse::<RopePreset>(), Ok(p));
        assert!(p.rope().is_ok(), "{p}");
    }
    assert_eq!("llama".parse::<RopePreset>(), Err(Error::UnknownRopePreset));
}

#[test]
fn messages_name_the_values() {
    let cases = [
        (Error::OddRotaryDim { rotary_dim: 33 }, "33"),
        (
            Error::RotaryDimExceedsHeadDim {
                rotary_dim: 66,
                head_dim: 64,
            },
            "66",
        ),
        (Error::InvalidTheta(0.5), "0.5"),
        (
            Error::InvalidScalingParameter {
                scaling: "yarn",
                parameter: "beta_fast",
                value: -2.0,
            },
            "yarn scaling: beta_fast must be finite and greater than 0, got -2",
        ),
        (
            Error::FactorListLength {
                list: "short_factors",
                expected: 4,
                actual: 3,
            },
            "short_factors has 3 values but there are 4 pairs",
        ),
        (
            Error::FactorListValue {
                list: "long_factors",
                index: 2,
                value: -0.5,
            },
            "long_factors[2]",
        ),
        (
            Error::FreqFactorsOutOfOrder {
                low: 4.0,
                high: 1.0,
            },
            "low_freq_factor 4 must be below high_freq_factor 1",
        ),
        (Error::InvalidAttentionFactor(-1.0), "-1"),
        (
            Error::NotWholeHeads {
                len: 12,
                head_dim: 8,
            },
            "12 values",
        ),
        (Error::UnknownPairing, "half or interleaved"),
    ];
    for (e, part) in cases {
        let text = e.to_string();
        assert!(text.contains(part), "{e:?}: {text:?} lacks {part:?}");
    }
}
