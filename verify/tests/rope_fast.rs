//! posenc-simd's RoPE (apply in place, cache tables) against the core (relation 11): every
//! rotated pair and every cache value within the SPEC's fast-path bounds of the core's, the
//! dimensions past `rotary_dim` bit for bit unchanged (relation 10), the same bits however a
//! block is cut, laid out or its positions given, and nothing written by an invalid call.
//! The worst fraction of each bound is printed (`--nocapture`).

use std::cell::Cell;

use posenc_core::{Element, Llama3, Pairing, Rope, RopePreset, Scaling, Yarn, bf16, f16};
use posenc_simd::{
    CacheLayout, Error, HeadLayout, TokenPositions, rope_apply, rope_apply_heads, rope_cache,
};
use posenc_testkit::reduced;
use posenc_testkit::rope_backend as bound;
use proptest::prelude::*;

/// Values in [−2, 2) that `f32` holds exactly, from a seed (a small LCG: reproducible).
fn data<T: Element>(len: usize, seed: u64) -> Vec<T> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (state >> 40) as f32 / (1u64 << 24) as f32;
            T::from_f64(f64::from(4.0 * unit - 2.0))
        })
        .collect()
}

/// The index of head `h` of token `k` in a block.
fn row_start(
    layout: HeadLayout,
    heads: usize,
    tokens: usize,
    hd: usize,
    k: usize,
    h: usize,
) -> usize {
    match layout {
        HeadLayout::TokensHeads => (k * heads + h) * hd,
        HeadLayout::HeadsTokens => (h * tokens + k) * hd,
    }
}

/// The worst fraction of its bound over the values checked.
#[derive(Debug, Default)]
struct Worst(Cell<f64>);

impl Worst {
    fn see(&self, error: f64, bound: f64, what: impl FnOnce() -> String) {
        let fraction = if bound > 0.0 {
            error / bound
        } else if error == 0.0 {
            0.0
        } else {
            f64::INFINITY
        };
        assert!(
            fraction <= 1.0,
            "{}: error {error:e}, bound {bound:e}",
            what()
        );
        self.0.set(self.0.get().max(fraction));
    }
    fn get(&self) -> f64 {
        self.0.get()
    }
}

/// The agreement bound of a rotated pair of `T` data with the core's `f64` rotation.
fn pair_bound<T: Element>(theta: f64, a: f64, u: f64, v: f64) -> f64 {
    bound::agree_pair(T::MANTISSA_BITS, theta, a, u, v)
}

/// The agreement bound of a cache value of type `T` with the core's `f64` one.
fn cache_bound<T: Element>(theta: f64, a: f64) -> f64 {
    bound::agree_cache(T::MANTISSA_BITS, theta, a)
}

/// Applies RoPE to `x0` with posenc-simd and checks every vector against the core's rotation
/// of the same inputs in `f64`.
fn check_apply<T: Element>(
    rope: &Rope<'_>,
    layout: HeadLayout,
    heads: usize,
    positions: &[f64],
    given: TokenPositions<'_>,
    x0: &[T],
    worst: &Worst,
) -> Vec<T> {
    let (hd, tokens, a) = (rope.head_dim(), positions.len(), rope.attention_factor());
    let mut x = x0.to_vec();
    rope_apply(rope, layout, heads, given, &mut x).unwrap();
    for (k, &p) in positions.iter().enumerate() {
        for h in 0..heads {
            let at = row_start(layout, heads, tokens, hd, k, h);
            let (before, after) = (&x0[at..at + hd], &x[at..at + hd]);
            let mut reference: Vec<f64> = before.iter().map(|v| v.to_f64()).collect();
            rope.apply(p, &mut reference).unwrap();
            for pair in 0..rope.pairs() {
                let (cu, cv) = rope.pair_columns(pair).unwrap();
                let theta = p * rope.frequency(pair).unwrap();
                let (u, v) = (before[cu].to_f64(), before[cv].to_f64());
                let b = pair_bound::<T>(theta, a, u, v);
                for column in [cu, cv] {
                    let error = (after[column].to_f64() - reference[column]).abs();
                    worst.see(error, b, || {
                        format!(
                            "{} {layout:?} p={p} pair {pair} head {h} column {column}",
                            T::NAME
                        )
                    });
                }
            }
            // Relation 10: the dimensions past rotary_dim are the caller's bits.
            assert_eq!(&after[rope.rotary_dim()..], &before[rope.rotary_dim()..]);
        }
    }
    x
}

/// Writes the caches of `positions` in every layout and checks every value against the
/// core's `f64` cache row.
fn check_cache<T: Element>(rope: &Rope<'_>, positions: &[f64], worst: &Worst) {
    let (n, r, a) = (rope.pairs(), rope.rotary_dim(), rope.attention_factor());
    let tokens = positions.len();
    let each = TokenPositions::Each(positions);
    let cache = |layout: CacheLayout, first_width: usize, second_width: usize| {
        let mut first = vec![T::default(); tokens * first_width];
        let mut second = vec![T::default(); tokens * second_width];
        rope_cache(rope, layout, each, &mut first, &mut second).unwrap();
        (first, second)
    };
    let (vllm, _) = cache(CacheLayout::Vllm, r, 0);
    let (candle_cos, candle_sin) = cache(CacheLayout::Candle, n, n);
    let (hf_cos, hf_sin) = cache(CacheLayout::HuggingFace, r, r);
    let mut reference = vec![0.0f64; r];
    for (k, &p) in positions.iter().enumerate() {
        rope.cache_row(p, &mut reference).unwrap();
        for i in 0..n {
            let theta = p * rope.frequency(i).unwrap();
            let b = cache_bound::<T>(theta, a);
            let (c, s) = (reference[i], reference[n + i]);
            let cell = |what: &str, got: T, exact: f64| {
                worst.see((got.to_f64() - exact).abs(), b, || {
                    format!("{} cache {what} p={p} pair {i}", T::NAME)
                });
            };
            cell("vllm cos", vllm[k * r + i], c);
            cell("vllm sin", vllm[k * r + n + i], s);
            // The three layouts hold the same values.
            assert_eq!(candle_cos[k * n + i], vllm[k * r + i]);
            assert_eq!(candle_sin[k * n + i], vllm[k * r + n + i]);
            for half in [0, n] {
                assert_eq!(hf_cos[k * r + half + i], vllm[k * r + i]);
                assert_eq!(hf_sin[k * r + half + i], vllm[k * r + n + i]);
            }
        }
    }
}

/// Configurations beside the presets: partial rotary with pair counts that leave vector
/// tails, both pairings, an explicit attention factor, YaRN with `mscale`.
fn customs() -> Vec<(&'static str, Rope<'static>)> {
    let b = Rope::builder;
    vec![
        ("half r6 h10", b(10).rotary_dim(6).build().unwrap()),
        (
            "interleaved r6 h7",
            b(7).rotary_dim(6)
                .pairing(Pairing::Interleaved)
                .build()
                .unwrap(),
        ),
        (
            "interleaved r2 h2",
            b(2).pairing(Pairing::Interleaved).build().unwrap(),
        ),
        ("half r2 h3", b(3).rotary_dim(2).build().unwrap()),
        (
            "half r40 h64 a 1.7",
            b(64).rotary_dim(40).attention_factor(1.7).build().unwrap(),
        ),
        (
            "interleaved r72 yarn mscale",
            b(72)
                .pairing(Pairing::Interleaved)
                .scaling(Scaling::Yarn(Yarn {
                    mscale: Some(1.0),
                    mscale_all_dim: Some(0.5),
                    ..Yarn::new(16.0, 4096.0)
                }))
                .build()
                .unwrap(),
        ),
        (
            "half r128 llama3 x32",
            b(128)
                .theta(500_000.0)
                .scaling(Scaling::Llama3(Llama3::new(32.0)))
                .build()
                .unwrap(),
        ),
        (
            "half r22 linear a 0.5",
            b(22)
                .scaling(Scaling::Linear { factor: 3.0 })
                .attention_factor(0.5)
                .build()
                .unwrap(),
        ),
        // Wider than the fast path's buffers: every value through the core.
        ("half r1024", b(1024).build().unwrap()),
        (
            "interleaved r600 h602",
            b(602)
                .rotary_dim(600)
                .pairing(Pairing::Interleaved)
                .build()
                .unwrap(),
        ),
    ]
}

fn all_configs() -> Vec<(String, Rope<'static>)> {
    let mut configs: Vec<(String, Rope<'static>)> = RopePreset::ALL
        .iter()
        .map(|p| (p.name().to_string(), p.rope().unwrap()))
        .collect();
    configs.extend(customs().into_iter().map(|(n, r)| (n.to_string(), r)));
    configs
}

/// TokenPositions of every kind: 0, small, fractional, negative, around 10^5 and 2^24, and beyond
/// the vector reduction (2^31), which go through the core.
const POSITIONS: [f64; 9] = [
    0.0,
    1.0,
    37.5,
    -12.25,
    4095.0,
    100_000.0,
    131_071.0,
    16_777_215.0,
    2_147_483_648.5,
];

/// The worst fractions of the four types, as a report's columns.
fn fractions(worst: &[Worst; 4]) -> String {
    let [w32, w64, w16, wb16] = worst.each_ref().map(Worst::get);
    format!("f32 {w32:.3}  f64 {w64:.3}  f16 {w16:.3}  bf16 {wb16:.3}")
}

/// [`check_apply`] on data of type `T` at every one of [`POSITIONS`].
fn apply_at_positions<T: Element>(rope: &Rope<'_>, layout: HeadLayout, heads: usize, w: &Worst) {
    let len = POSITIONS.len() * heads * rope.head_dim();
    let each = TokenPositions::Each(&POSITIONS);
    check_apply(rope, layout, heads, &POSITIONS, each, &data::<T>(len, 7), w);
}

#[test]
fn apply_agrees_with_the_core_in_every_layout() {
    let mut report = Vec::new();
    for (name, rope) in all_configs() {
        let w: [Worst; 4] = Default::default();
        for layout in [HeadLayout::TokensHeads, HeadLayout::HeadsTokens] {
            apply_at_positions::<f32>(&rope, layout, 3, &w[0]);
            apply_at_positions::<f64>(&rope, layout, 3, &w[1]);
            apply_at_positions::<f16>(&rope, layout, 3, &w[2]);
            apply_at_positions::<bf16>(&rope, layout, 3, &w[3]);
        }
        report.push(format!("{name:>30}: {}", fractions(&w)));
    }
    println!(
        "rotated pairs, worst fraction of the agreement bound:\n{}",
        report.join("\n")
    );
}

#[test]
fn caches_agree_with_the_core_in_every_layout() {
    let mut report = Vec::new();
    for (name, rope) in all_configs() {
        let w: [Worst; 4] = Default::default();
        check_cache::<f32>(&rope, &POSITIONS, &w[0]);
        check_cache::<f64>(&rope, &POSITIONS, &w[1]);
        check_cache::<f16>(&rope, &POSITIONS, &w[2]);
        check_cache::<bf16>(&rope, &POSITIONS, &w[3]);
        report.push(format!("{name:>30}: {}", fractions(&w)));
    }
    println!(
        "cache values, worst fraction of the agreement bound:\n{}",
        report.join("\n")
    );
}

/// One block applied at once, in pieces, with its positions listed, in the other layout and
/// as head slices: the same bits every way.
#[test]
fn the_bits_do_not_depend_on_how_a_block_is_given() {
    bits_do_not_depend_on_how_a_block_is_given::<f32>();
    bits_do_not_depend_on_how_a_block_is_given::<f16>();
    bits_do_not_depend_on_how_a_block_is_given::<bf16>();
}

fn bits_do_not_depend_on_how_a_block_is_given<T: Element>() {
    for (name, rope) in all_configs() {
        let (heads, tokens, hd) = (4, 37, rope.head_dim());
        let start = 99_990.5;
        let x0 = data::<T>(heads * tokens * hd, 11);
        let mut whole = x0.clone();
        rope_apply(
            &rope,
            HeadLayout::TokensHeads,
            heads,
            TokenPositions::from_start(start),
            &mut whole,
        )
        .unwrap();
        // In pieces of 1, 16 and 20 tokens.
        let mut pieces = x0.clone();
        let mut first = 0;
        for count in [1, 16, 20] {
            let part = &mut pieces[first * heads * hd..(first + count) * heads * hd];
            let given = TokenPositions::Consecutive {
                start,
                first: first as u64,
            };
            rope_apply(&rope, HeadLayout::TokensHeads, heads, given, part).unwrap();
            first += count;
        }
        assert!(whole == pieces, "{name} {}: pieces differ", T::NAME);
        // Listed positions.
        let listed: Vec<f64> = (0..tokens)
            .map(|k| posenc_simd::row_position(start, k as u64))
            .collect();
        let mut each = x0.clone();
        rope_apply(
            &rope,
            HeadLayout::TokensHeads,
            heads,
            TokenPositions::Each(&listed),
            &mut each,
        )
        .unwrap();
        assert!(whole == each, "{name}: listed positions differ");
        // [heads, tokens, head_dim], as one block and as head slices.
        let transpose = |x: &[T]| {
            let mut out = vec![T::default(); x.len()];
            for k in 0..tokens {
                for h in 0..heads {
                    let from = row_start(HeadLayout::TokensHeads, heads, tokens, hd, k, h);
                    let to = row_start(HeadLayout::HeadsTokens, heads, tokens, hd, k, h);
                    out[to..to + hd].copy_from_slice(&x[from..from + hd]);
                }
            }
            out
        };
        let mut htd = transpose(&x0);
        rope_apply(
            &rope,
            HeadLayout::HeadsTokens,
            heads,
            TokenPositions::from_start(start),
            &mut htd,
        )
        .unwrap();
        assert!(htd == transpose(&whole), "{name}: the layouts differ");
        let mut sliced = transpose(&x0);
        let mut slices: Vec<&mut [T]> = sliced.chunks_exact_mut(tokens * hd).collect();
        rope_apply_heads(&rope, TokenPositions::from_start(start), &mut slices).unwrap();
        assert!(sliced == htd, "{name}: head slices differ");
    }
}

/// Every invalid call is a precise error and writes nothing.
#[test]
fn invalid_calls_write_nothing() {
    let rope = RopePreset::Llama2.rope().unwrap(); // head_dim 128
    let x0 = data::<f32>(2 * 3 * 128, 3);
    let apply = |heads: usize, given: TokenPositions<'_>, len: usize| {
        let mut x = x0[..len].to_vec();
        let result = rope_apply(&rope, HeadLayout::HeadsTokens, heads, given, &mut x);
        assert!(x == x0[..len], "written by an invalid call: {result:?}");
        result
    };
    let from = TokenPositions::from_start;
    assert_eq!(
        apply(2, from(0.0), 2 * 3 * 128 - 1),
        Err(Error::NotWholeRows {
            len: 767,
            d_model: 256
        })
    );
    assert_eq!(
        apply(2, from(f64::NAN), 768).map_err(|e| matches!(e, Error::NonFinitePosition(_))),
        Err(true)
    );
    assert_eq!(
        apply(
            2,
            TokenPositions::Consecutive {
                start: 0.0,
                first: u64::MAX - 1
            },
            768
        ),
        Err(Error::RowIndexOverflow {
            first_row: u64::MAX - 1,
            rows: 3
        })
    );
    assert_eq!(
        apply(2, TokenPositions::Each(&[1.0, 2.0]), 768),
        Err(Error::BufferLength {
            expected: 512,
            actual: 768
        })
    );
    assert_eq!(
        apply(2, TokenPositions::Each(&[1.0, f64::INFINITY, 3.0]), 768),
        Err(Error::NonFinitePosition(f64::INFINITY))
    );
    assert_eq!(
        apply(usize::MAX, from(0.0), 768),
        Err(Error::SizeOverflow {
            rows: usize::MAX,
            d_model: 128
        })
    );
    assert_eq!(
        apply(0, from(0.0), 128),
        Err(Error::BufferLength {
            expected: 0,
            actual: 128
        })
    );
    // A listed position whose angle overflows, after good ones.
    let huge = Rope::builder(8)
        .scaling(Scaling::Linear { factor: 1e-300 })
        .build()
        .unwrap();
    let mut x = vec![1.0f64; 16];
    let result = rope_apply(
        &huge,
        HeadLayout::TokensHeads,
        1,
        TokenPositions::Each(&[1.0, 1e300]),
        &mut x,
    );
    assert!(
        matches!(result, Err(Error::RopeAngleOverflow { .. })),
        "{result:?}"
    );
    assert!(x.iter().all(|&v| v == 1.0));
    // Head slices of different lengths.
    let (mut a, mut b) = (x0[..256].to_vec(), x0[..128].to_vec());
    let result = rope_apply_heads(&rope, from(0.0), &mut [&mut a[..], &mut b[..]]);
    assert_eq!(
        result,
        Err(Error::BufferLength {
            expected: 256,
            actual: 128
        })
    );
    assert_eq!((&a[..], &b[..]), (&x0[..256], &x0[..128]));
    // Caches: the second table of the wrong length, the first not whole rows.
    let (mut cos, mut sin) = (vec![0.5f32; 3 * 64], vec![0.5f32; 2 * 64]);
    let result = rope_cache(&rope, CacheLayout::Candle, from(0.0), &mut cos, &mut sin);
    assert_eq!(
        result,
        Err(Error::BufferLength {
            expected: 192,
            actual: 128
        })
    );
    let result = rope_cache(&rope, CacheLayout::Vllm, from(0.0), &mut cos, &mut []);
    assert_eq!(
        result,
        Err(Error::NotWholeRows {
            len: 192,
            d_model: 128
        })
    );
    assert!(cos.iter().chain(&sin).all(|&v| v == 0.5));
}

fn scaling() -> impl Strategy<Value = Scaling<'static>> {
    prop_oneof![
        Just(Scaling::None),
        (1.0f64..64.0).prop_map(|factor| Scaling::Linear { factor }),
        (1.0f64..64.0).prop_map(|factor| Scaling::Ntk { factor }),
        (1.0f64..64.0, 1024.0f64..8192.0, 1.0f64..100_000.0).prop_map(
            |(factor, original_max_len, seq_len)| Scaling::Dynamic {
                factor,
                original_max_len,
                seq_len
            }
        ),
        (1.0f64..64.0, 1024.0f64..65536.0).prop_map(|(f, l)| Scaling::Yarn(Yarn::new(f, l))),
        (1.0f64..64.0).prop_map(|f| Scaling::Llama3(Llama3::new(f))),
    ]
}

prop_compose! {
    fn config()(
        pairs in 2usize..80,
        extra in 0usize..5,
        interleaved in any::<bool>(),
        theta in 2.0f64..1e7,
        scaling in scaling(),
        attention in prop::option::of(0.25f64..4.0),
    ) -> Option<Rope<'static>> {
        let mut builder = Rope::builder(2 * pairs + extra)
            .rotary_dim(2 * pairs)
            .theta(theta)
            .pairing(if interleaved { Pairing::Interleaved } else { Pairing::Half })
            .scaling(scaling);
        if let Some(a) = attention {
            builder = builder.attention_factor(a);
        }
        // ntk / dynamic need r > 2, which pairs ≥ 2 gives; every other input is valid.
        builder.build().ok()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn random_configurations_agree_with_the_core(
        rope in config(),
        heads in 1usize..5,
        tokens in 1usize..40,
        start in prop_oneof![-1e4f64..1e4, 0.0f64..16_777_216.0],
        seed in any::<u64>(),
        heads_tokens in any::<bool>(),
    ) {
        let Some(rope) = rope else { return Ok(()) };
        let layout = if heads_tokens { HeadLayout::HeadsTokens } else { HeadLayout::TokensHeads };
        let positions: Vec<f64> = (0..tokens).map(|k| posenc_simd::row_position(start, k as u64)).collect();
        let len = tokens * heads * rope.head_dim();
        let w = Worst::default();
        check_apply(&rope, layout, heads, &positions, TokenPositions::from_start(start), &data::<f32>(len, seed), &w);
        check_apply(&rope, layout, heads, &positions, TokenPositions::from_start(start), &data::<f64>(len, seed), &w);
        check_cache::<f32>(&rope, &positions, &w);
        check_cache::<f64>(&rope, &positions, &w);
    }
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// Relation 11's second half: posenc-parallel's batches and caches are the sequential
/// posenc-simd calls' bits on pools of 1, 2, 3 and 7 threads.
#[test]
fn parallel_is_sequential_simd_bit_for_bit_on_any_pool() {
    parallel_is_sequential_simd::<f32>(300);
    // The reduced types on fewer tokens (a debug build): still several tasks.
    parallel_is_sequential_simd::<f16>(100);
    parallel_is_sequential_simd::<bf16>(100);
}

fn parallel_is_sequential_simd<T: Element>(tokens: usize) {
    use posenc_parallel::BatchPositions;
    // (configuration, heads, tokens per sequence, cache positions): every call of the presets
    // cut into several tasks in both layouts (posenc-parallel's tasks are about 2 MiB of
    // vectors, or 256 KiB of cache tables); the configuration wider than
    // posenc-simd's buffers goes through the core, which is slow in a debug build, so it gets
    // a small batch (one task) and a cache of several tasks.
    let configs = [
        (RopePreset::Llama2.rope().unwrap(), 32, tokens, 5000),
        (RopePreset::GptJ6B.rope().unwrap(), 32, tokens, 5000),
        (RopePreset::GptNeoX20B.rope().unwrap(), 32, tokens, 5000),
        (Rope::builder(1024).build().unwrap(), 1, 4, 600),
    ];
    for (rope, heads, tokens, positions) in configs {
        let (batch, hd) = (3, rope.head_dim());
        let sequence = heads * tokens * hd;
        let x0 = data::<T>(batch * sequence, 5);
        let starts = [0.0, 4096.5, 1e6];
        let listed: Vec<f64> = (0..batch * tokens)
            .map(|i| (i * 37 % 1000) as f64 * 101.25)
            .collect();
        for layout in [HeadLayout::TokensHeads, HeadLayout::HeadsTokens] {
            let mut by_start = x0.clone();
            let mut by_list = x0.clone();
            for b in 0..batch {
                let xb = b * sequence..(b + 1) * sequence;
                rope_apply(
                    &rope,
                    layout,
                    heads,
                    TokenPositions::from_start(starts[b]),
                    &mut by_start[xb.clone()],
                )
                .unwrap();
                let each = TokenPositions::Each(&listed[b * tokens..(b + 1) * tokens]);
                rope_apply(&rope, layout, heads, each, &mut by_list[xb]).unwrap();
            }
            for threads in [1, 2, 3, 7] {
                let pool = pool(threads);
                for (positions, expected, kind) in [
                    (BatchPositions::Starts(&starts), &by_start, "starts"),
                    (BatchPositions::Each(&listed), &by_list, "listed"),
                ] {
                    let mut x = x0.clone();
                    pool.install(|| {
                        posenc_parallel::rope_apply_batch(
                            &rope, layout, heads, tokens, positions, &mut x,
                        )
                    })
                    .unwrap();
                    assert!(
                        x == *expected,
                        "{} {layout:?} {kind}, {threads} threads",
                        T::NAME
                    );
                }
            }
        }
        let (n, r) = (rope.pairs(), rope.rotary_dim());
        for (layout, first_len, second_len) in [
            (CacheLayout::Vllm, r, 0),
            (CacheLayout::Candle, n, n),
            (CacheLayout::HuggingFace, r, r),
        ] {
            let given = TokenPositions::Consecutive {
                start: 0.5,
                first: 7,
            };
            let mut want = (
                vec![T::default(); positions * first_len],
                vec![T::default(); positions * second_len],
            );
            rope_cache(&rope, layout, given, &mut want.0, &mut want.1).unwrap();
            for threads in [1, 2, 3, 7] {
                let mut got = (
                    vec![T::default(); positions * first_len],
                    vec![T::default(); positions * second_len],
                );
                pool(threads)
                    .install(|| {
                        posenc_parallel::rope_cache(&rope, layout, given, &mut got.0, &mut got.1)
                    })
                    .unwrap();
                assert!(got == want, "{layout:?} cache, {threads} threads");
            }
        }
    }
}

/// An invalid batch is the error of the first bad part and writes nothing.
#[test]
fn invalid_batches_write_nothing() {
    use posenc_parallel::BatchPositions;
    let rope = RopePreset::Llama2.rope().unwrap();
    let x0 = data::<f32>(2 * 3 * 4 * 128, 9);
    let call = |tokens: usize, positions: BatchPositions<'_>| {
        let mut x = x0.clone();
        let result = posenc_parallel::rope_apply_batch(
            &rope,
            HeadLayout::HeadsTokens,
            4,
            tokens,
            positions,
            &mut x,
        );
        assert!(x == x0, "written: {result:?}");
        result
    };
    assert_eq!(
        call(3, BatchPositions::Starts(&[0.0])),
        Err(Error::BufferLength {
            expected: 2,
            actual: 1
        })
    );
    assert_eq!(
        call(5, BatchPositions::Starts(&[0.0, 1.0])),
        Err(Error::NotWholeRows {
            len: 3072,
            d_model: 2560
        })
    );
    assert_eq!(
        call(3, BatchPositions::Each(&[0.0; 5])),
        Err(Error::BufferLength {
            expected: 6,
            actual: 5
        })
    );
    assert_eq!(
        call(
            3,
            BatchPositions::Each(&[0.0, 1.0, 2.0, 3.0, f64::NAN, 5.0])
        )
        .map_err(|e| matches!(e, Error::NonFinitePosition(_))),
        Err(true)
    );
    assert_eq!(
        call(3, BatchPositions::Starts(&[0.0, f64::INFINITY])),
        Err(Error::NonFinitePosition(f64::INFINITY))
    );
}

/// The golden file through posenc-simd: every (position, pair) of every case as a cache value
/// (f32 and f64) and as the rotation of the unit pair (1, 0), in both pairings, within the
/// SPEC's fast-path bounds of the exact values; the worst fraction per scaling is printed.
#[test]
fn golden_rows_are_within_the_fast_path_bounds() {
    use posenc_testkit::rope_golden::cases;
    use std::collections::BTreeMap;
    // scaling → worst fractions [cache f32, cache f64, pair f32, pair f64].
    let mut worst: BTreeMap<String, [f64; 4]> = BTreeMap::new();
    let mut rows = 0;
    for case in cases() {
        let mut positions: Vec<f64> = case.rows.iter().map(|r| r.position).collect();
        positions.dedup();
        let (n, r) = (case.rope.pairs(), case.rope.rotary_dim());
        let each = TokenPositions::Each(&positions);
        let mut c32 = vec![0.0f32; positions.len() * r];
        rope_cache(&case.rope, CacheLayout::Vllm, each, &mut c32, &mut []).unwrap();
        let mut c64 = vec![0.0f64; positions.len() * r];
        rope_cache(&case.rope, CacheLayout::Vllm, each, &mut c64, &mut []).unwrap();
        let entry = worst.entry(case.scaling.clone()).or_default();
        for pairing in [Pairing::Half, Pairing::Interleaved] {
            let rope = case.rope.to_builder().pairing(pairing).build().unwrap();
            // One vector per (position, pair): (u, v) = (1, 0) on pair `pair`, 0 elsewhere.
            let mut x32 = vec![0.0f32; case.rows.len() * r];
            let mut x64 = vec![0.0f64; case.rows.len() * r];
            let mut listed = Vec::with_capacity(case.rows.len());
            for (k, row) in case.rows.iter().enumerate() {
                let (u, _) = rope.pair_columns(row.pair).unwrap();
                x32[k * r + u] = 1.0;
                x64[k * r + u] = 1.0;
                listed.push(row.position);
            }
            let given = TokenPositions::Each(&listed);
            rope_apply(&rope, HeadLayout::TokensHeads, 1, given, &mut x32).unwrap();
            rope_apply(&rope, HeadLayout::TokensHeads, 1, given, &mut x64).unwrap();
            for (k, row) in case.rows.iter().enumerate() {
                let (u, v) = rope.pair_columns(row.pair).unwrap();
                let theta = row.position * row.omega;
                let a = row.attention;
                let (ec, es) = (a * row.cos, a * row.sin);
                let see = |slot: &mut f64, error: f64, bound: f64, what: &str| {
                    let fraction = error / bound;
                    assert!(
                        fraction <= 1.0,
                        "{} {what}: p={} pair {}: {fraction}",
                        case.name,
                        row.position,
                        row.pair
                    );
                    *slot = slot.max(fraction);
                };
                see(
                    &mut entry[2],
                    (f64::from(x32[k * r + u]) - ec).abs(),
                    bound::pair_f32(a, 1.0, 0.0),
                    "f32 u'",
                );
                see(
                    &mut entry[2],
                    (f64::from(x32[k * r + v]) - es).abs(),
                    bound::pair_f32(a, 1.0, 0.0),
                    "f32 v'",
                );
                see(
                    &mut entry[3],
                    (x64[k * r + u] - ec).abs(),
                    bound::pair_f64(theta, a, 1.0, 0.0),
                    "f64 u'",
                );
                see(
                    &mut entry[3],
                    (x64[k * r + v] - es).abs(),
                    bound::pair_f64(theta, a, 1.0, 0.0),
                    "f64 v'",
                );
                if pairing == Pairing::Half {
                    rows += 1;
                    let t = positions.iter().position(|&p| p == row.position).unwrap();
                    let (i, cn) = (row.pair, t * r);
                    see(
                        &mut entry[0],
                        (f64::from(c32[cn + i]) - ec).abs(),
                        bound::cache_f32(a),
                        "f32 cos",
                    );
                    see(
                        &mut entry[0],
                        (f64::from(c32[cn + n + i]) - es).abs(),
                        bound::cache_f32(a),
                        "f32 sin",
                    );
                    see(
                        &mut entry[1],
                        (c64[cn + i] - ec).abs(),
                        bound::cache_f64(theta, a),
                        "f64 cos",
                    );
                    see(
                        &mut entry[1],
                        (c64[cn + n + i] - es).abs(),
                        bound::cache_f64(theta, a),
                        "f64 sin",
                    );
                }
            }
        }
    }
    assert!(rows > 0, "no golden rows");
    println!("posenc-simd RoPE vs golden ({rows} rows), worst fraction of the fast-path bound:");
    println!(
        "{:>10}  cache f32  cache f64  pair f32  pair f64",
        "scaling"
    );
    for (scaling, w) in &worst {
        println!(
            "{scaling:>10}  {:9.3}  {:9.3}  {:8.3}  {:8.3}",
            w[0], w[1], w[2], w[3]
        );
    }
}

/// The `rope.csv` rows through posenc-simd in `f16` and `bf16`: cache values within the SPEC's
/// reduced bound ([`reduced::cache`]), and the pair (1, 0) rotated within [`reduced::pair`].
#[test]
fn golden_rows_are_within_the_reduced_bounds() {
    fn check<T: Element>() -> [f64; 2] {
        let mut worst = [0.0f64; 2];
        for case in posenc_testkit::rope_golden::cases() {
            let mut positions: Vec<f64> = case.rows.iter().map(|r| r.position).collect();
            positions.dedup();
            let (n, r) = (case.rope.pairs(), case.rope.rotary_dim());
            let mut cache = vec![T::default(); positions.len() * r];
            let each = TokenPositions::Each(&positions);
            rope_cache(&case.rope, CacheLayout::Vllm, each, &mut cache, &mut []).unwrap();
            let mut x = vec![T::default(); case.rows.len() * r];
            let listed: Vec<f64> = case.rows.iter().map(|row| row.position).collect();
            for (k, row) in case.rows.iter().enumerate() {
                x[k * r + row.pair] = T::from_f64(1.0); // the Half pairing's u
            }
            let given = TokenPositions::Each(&listed);
            rope_apply(&case.rope, HeadLayout::TokensHeads, 1, given, &mut x).unwrap();
            for (k, row) in case.rows.iter().enumerate() {
                let a = row.attention;
                let (ec, es) = (a * row.cos, a * row.sin);
                let t = positions.iter().position(|&p| p == row.position).unwrap();
                let (i, m) = (row.pair, T::MANTISSA_BITS);
                let what = || format!("{} {} p={} pair {i}", T::NAME, case.name, row.position);
                let cached = [cache[t * r + i], cache[t * r + n + i]];
                let rotated = [x[k * r + i], x[k * r + n + i]];
                for (slot, got, bound) in [
                    (0, cached, reduced::cache(m, a)),
                    (1, rotated, reduced::pair(m, a, 1.0, 0.0)),
                ] {
                    for (got, exact) in got.iter().zip([ec, es]) {
                        let fraction = (got.to_f64() - exact).abs() / bound;
                        assert!(fraction <= 1.0, "{}: {fraction}", what());
                        worst[slot] = worst[slot].max(fraction);
                    }
                }
            }
        }
        worst
    }
    let (h, b) = (check::<f16>(), check::<bf16>());
    println!(
        "posenc-simd RoPE vs golden, worst fraction of the reduced bound: \
         cache f16 {:.3} bf16 {:.3}, pair f16 {:.3} bf16 {:.3}",
        h[0], b[0], h[1], b[1]
    );
}
