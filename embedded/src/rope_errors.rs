//! Every error of the core's RoPE (builder, names, `frequency`, `cache_row`, `apply`,
//! `apply_heads`, `apply_inverse`) provoked on the target: each call must return exactly its
//! documented variant, and a refused `apply` must leave the vector untouched.

use posenc_core::Error::*;
use posenc_core::{Error, Llama3, LongRope, Pairing, Rope, RopeBuilder, RopePreset, Scaling};

use crate::errors::{expect, expect_matches};
use crate::Tally;

/// The error a builder gives, if any.
fn err(builder: RopeBuilder<'_>) -> Option<Error> {
    builder.build().err()
}

/// Every RoPE error path.
pub fn run(tally: &mut Tally) {
    let b = Rope::builder;
    expect_matches! { tally;
        "ZeroRotaryDim": err(b(64).rotary_dim(0)) => Some(ZeroRotaryDim),
        "ZeroRotaryDim (head 0)": err(b(0)) => Some(ZeroRotaryDim),
        "OddRotaryDim": err(b(64).rotary_dim(33)) => Some(OddRotaryDim { rotary_dim: 33 }),
        "RotaryDimExceedsHeadDim": err(b(64).rotary_dim(66))
            => Some(RotaryDimExceedsHeadDim { rotary_dim: 66, head_dim: 64 }),
        "InvalidTheta": err(b(8).theta(1.0)) => Some(InvalidTheta(_)),
        "InvalidTheta NaN": err(b(8).theta(f64::NAN)) => Some(InvalidTheta(_)),
        "InvalidScalingParameter": err(b(8).scaling(Scaling::Linear { factor: 0.0 }))
            => Some(InvalidScalingParameter { scaling: "linear", parameter: "factor", .. }),
        "BaseChangeNeedsRotaryDimAbove2": err(b(2).scaling(Scaling::Ntk { factor: 2.0 }))
            => Some(BaseChangeNeedsRotaryDimAbove2 { scaling: "ntk" }),
    }
    let llama3 = Llama3 {
        low_freq_factor: 4.0,
        high_freq_factor: 4.0,
        ..Llama3::new(8.0)
    };
    expect_matches! { tally;
        "FreqFactorsOutOfOrder": err(b(8).scaling(Scaling::Llama3(llama3)))
            => Some(FreqFactorsOutOfOrder { low: 4.0, high: 4.0 }),
    }
    let good = [1.0, 2.0, 3.0, 4.0];
    let bad = [1.0, 2.0, -0.5, 4.0];
    let lr =
        |s: &'static [f64], l: &'static [f64]| Scaling::LongRope(LongRope::new(s, l, 4096.0, 1.0));
    expect_matches! { tally;
        "FactorListLength": err(b(8).scaling(lr(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0, 4.0])))
            => Some(FactorListLength { list: "short_factors", expected: 4, actual: 3 }),
        "FactorListValue":
            err(b(8).scaling(Scaling::LongRope(LongRope::new(&good, &bad, 4096.0, 1.0))))
            => Some(FactorListValue { list: "long_factors", index: 2, value: -0.5 }),
        "InvalidAttentionFactor":
            err(b(8).attention_factor(-1.0)) => Some(InvalidAttentionFactor(_)),
    }
    // L0 ≤ 1 with f > 1: √(1 + ln f / ln L0) has no value.
    let no_attention = LongRope {
        factor: 4.0,
        ..LongRope::new(&good, &good, 1.0, 1.0)
    };
    expect_matches! { tally;
        "DerivedAttentionFactor": err(b(8).scaling(Scaling::LongRope(no_attention)))
            => Some(DerivedAttentionFactor { scaling: "longrope", .. }),
    }
    // 2 · 0.25^(4/2) = 0.125 < 1.
    expect_matches! { tally;
        "ScaledThetaOutOfRange": err(b(4).theta(2.0).scaling(Scaling::Ntk { factor: 0.25 }))
            => Some(ScaledThetaOutOfRange { scaling: "ntk", .. }),
        "UnknownPairing": "neox".parse::<Pairing>() => Err(UnknownPairing),
        "UnknownRopePreset": "nonesuch".parse::<RopePreset>() => Err(UnknownRopePreset),
    }

    let Ok(rope) = b(8).build() else {
        expect(tally, "Rope::builder(8)", false);
        return;
    };
    expect_matches! { tally;
        "PairOutOfRange (frequency)":
            rope.frequency(4) => Err(PairOutOfRange { pair: 4, pairs: 4 }),
        "PairOutOfRange (pair_columns)": rope.pair_columns(4) => Err(PairOutOfRange { .. }),
    }
    let (mut x, mut short_x, mut heads) = ([0.25f32; 8], [0.25f32; 7], [0.25f32; 12]);
    expect_matches! { tally;
        "BufferLength (cache_row)":
            rope.cache_row(1.0, &mut short_x) => Err(BufferLength { expected: 8, actual: 7 }),
        "BufferLength (apply)":
            rope.apply(1.0, &mut short_x) => Err(BufferLength { expected: 8, actual: 7 }),
        "BufferLength (apply_inverse)":
            rope.apply_inverse(1.0, &mut short_x) => Err(BufferLength { .. }),
        "NotWholeHeads":
            rope.apply_heads(1.0, &mut heads) => Err(NotWholeHeads { len: 12, head_dim: 8 }),
        "NonFinitePosition (apply)": rope.apply(f64::NAN, &mut x) => Err(NonFinitePosition(_)),
        "NonFinitePosition (cache_row)":
            rope.cache_row(f64::INFINITY, &mut x) => Err(NonFinitePosition(_)),
    }
    // An upper bound on every frequency, 1/1e-300: position 1e10 overflows its angle.
    let tiny = [1e-300, 1.0];
    match b(4)
        .scaling(Scaling::LongRope(LongRope::new(&tiny, &tiny, 4096.0, 1.0)))
        .build()
    {
        Ok(steep) => {
            let mut y = [0.25f64; 4];
            expect_matches! { tally;
                "RopeAngleOverflow (apply)":
                    steep.apply(1e10, &mut y) => Err(RopeAngleOverflow { .. }),
            }
            expect(tally, "refused apply leaves x", y == [0.25f64; 4]);
            expect_matches! { tally;
                "RopeAngleOverflow (apply_inverse)":
                    steep.apply_inverse(-1e10, &mut y) => Err(RopeAngleOverflow { .. }),
                "no RopeAngleOverflow at position 1": steep.apply(1.0, &mut y) => Ok(()),
            }
        }
        Err(_) => expect(tally, "longrope with a tiny factor builds", false),
    }
    expect(tally, "refused apply leaves x (f32)", x == [0.25f32; 8]);
}
