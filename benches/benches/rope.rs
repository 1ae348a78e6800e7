//! RoPE against its baselines, Llama 2's configuration (head_dim 128, θ 10 000, `half`):
//!
//! - `rope_apply_4096x32x128_f32_1t`: queries `[heads 32, tokens 4096, head_dim 128]` (64 MiB,
//!   Hugging Face's layout) rotated in place on one thread: `posenc` (posenc-simd, every angle
//!   formed in the call), `scale` (every element multiplied in place by a constant: one read
//!   and one write of the same bytes), `naive` (the Hugging Face recipe as plain loops), and
//!   with the `candle` feature `candle` (candle-nn's CPU `rope` on a `(1, 32, 4096, 128)`
//!   tensor, its `(4096, 64)` cos/sin cache built outside the timing).
//! - `rope_apply_4096x32x128_f32`: the same on two threads: `posenc` (posenc-parallel), `scale`.
//! - `rope_decode_32x128_f32`: one token of 32 heads at position 100 003 (decoding):
//!   `posenc`, `posenc_prepared` (a [`PreparedRope`] made once: the frequencies fetched
//!   outside the timing, as a decoding loop would), `scale`, `naive`.
//! - `rope_cache_4096x128_f32`: the cache tables of positions 0 .. 4096 on one thread, vLLM's
//!   (`posenc_vllm`), candle's (`posenc_candle`) and Hugging Face's (`posenc_huggingface`),
//!   against `memset` of the same bytes (2 MiB, and 4 MiB for Hugging Face's two tables).
//!
//! Each group first checks posenc's output against the core within the SPEC's fast-path
//! bound, so a fast wrong kernel cannot be timed.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use posenc_benches::memset;
use posenc_benches::rope::{hf_inv_freq, naive_rope, scale};
use posenc_parallel::BatchPositions;
use posenc_simd::{
    CacheLayout, HeadLayout, PreparedRope, Rope, RopePreset, TokenPositions, rope_apply, rope_cache,
};
use posenc_testkit::rope_backend::agree_pair_f32;
use rayon::prelude::*;

const HEADS: usize = 32;
const TOKENS: usize = 4096;
const HEAD_DIM: usize = 128;
const DECODE_POSITION: f64 = 100_003.0;

/// Values in [−1, 1) from a seed (reproducible).
fn data(len: usize) -> Vec<f32> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// The vectors of `after` (`[heads, tokens, hd]`, token `t` at `start + t`) within the
/// fast-path bound of the core's rotation of `before`, on sampled tokens.
fn assert_agrees(rope: &Rope<'_>, start: f64, heads: usize, before: &[f32], after: &[f32]) {
    let hd = rope.head_dim();
    let tokens = before.len() / (heads * hd);
    for h in [0, heads - 1] {
        for t in (0..tokens).step_by(97).chain([tokens - 1]) {
            let at = (h * tokens + t) * hd;
            let p = start + t as f64;
            let mut reference: Vec<f64> =
                before[at..at + hd].iter().map(|&v| f64::from(v)).collect();
            rope.apply(p, &mut reference).unwrap();
            for pair in 0..rope.pairs() {
                let (cu, cv) = rope.pair_columns(pair).unwrap();
                let theta = p * rope.frequency(pair).unwrap();
                let (u, v) = (f64::from(before[at + cu]), f64::from(before[at + cv]));
                let bound = agree_pair_f32(theta, rope.attention_factor(), u, v);
                for c in [cu, cv] {
                    let error = (f64::from(after[at + c]) - reference[c]).abs();
                    assert!(
                        error <= bound,
                        "posenc disagrees with the core at p={p} column {c}"
                    );
                }
            }
        }
    }
}

/// posenc's call in every group: `x` (`HEADS` heads in `layout`) rotated in place.
fn posenc(rope: &Rope<'_>, layout: HeadLayout, positions: TokenPositions<'_>, x: &mut [f32]) {
    rope_apply(rope, layout, HEADS, positions, x).unwrap();
}

/// The `posenc` function of a group: [`posenc`] on `x`.
fn bench_posenc(
    group: &mut BenchmarkGroup<'_, WallTime>,
    rope: &Rope<'_>,
    layout: HeadLayout,
    positions: TokenPositions<'_>,
    x: &mut [f32],
) {
    group.bench_function("posenc", |b| {
        b.iter(|| posenc(rope, layout, black_box(positions), black_box(&mut *x)));
    });
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
}

fn rope_apply_4096x32x128_f32_1t(c: &mut Criterion) {
    let rope = RopePreset::Llama2.rope().unwrap();
    let before = data(HEADS * TOKENS * HEAD_DIM);
    let mut x = before.clone();
    posenc(
        &rope,
        HeadLayout::HeadsTokens,
        TokenPositions::from_start(0.0),
        &mut x,
    );
    assert_agrees(&rope, 0.0, HEADS, &before, &x);
    let inv_freq = hf_inv_freq(10_000.0, HEAD_DIM);

    let mut group = c.benchmark_group("rope_apply_4096x32x128_f32_1t");
    group.throughput(Throughput::Bytes((x.len() * 4) as u64));
    bench_posenc(
        &mut group,
        &rope,
        HeadLayout::HeadsTokens,
        TokenPositions::from_start(0.0),
        &mut x,
    );
    group.bench_function("scale", |b| {
        b.iter(|| scale(black_box(1.0), black_box(&mut x)))
    });
    group.bench_function("naive", |b| {
        b.iter(|| naive_rope(&inv_freq, black_box(0), HEADS, black_box(&mut x)));
    });
    #[cfg(feature = "candle")]
    {
        use posenc_benches::candle::Candle;
        let candle = Candle::new(&before, HEADS, TOKENS, HEAD_DIM, 10_000.0);
        // candle's rope is within the f32 recipe's error of posenc's (its angles are f32):
        // checked loosely, so that a wrong baseline is not timed.
        let rotated = Candle::values(&candle.rope());
        let mut ours = before.clone();
        posenc(
            &rope,
            HeadLayout::HeadsTokens,
            TokenPositions::from_start(0.0),
            &mut ours,
        );
        let worst = rotated
            .iter()
            .zip(&ours)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(
            worst < 1e-2,
            "candle's rope differs from posenc's by {worst}"
        );
        let one = pool(1);
        group.bench_function("candle", |b| {
            b.iter(|| one.install(|| black_box(candle.rope())))
        });
    }
    group.finish();
}

/// `scale` split into one part per thread of the current pool.
fn scale_parallel(x: &mut [f32]) {
    let part = x.len().div_ceil(rayon::current_num_threads()).max(1);
    x.par_chunks_mut(part)
        .for_each(|c| scale(black_box(1.0), c));
}

fn rope_apply_4096x32x128_f32(c: &mut Criterion) {
    let rope = RopePreset::Llama2.rope().unwrap();
    let pool = pool(2);
    let before = data(HEADS * TOKENS * HEAD_DIM);
    let mut x = before.clone();
    let starts = [0.0];
    let run = |x: &mut [f32]| {
        pool.install(|| {
            posenc_parallel::rope_apply_batch(
                &rope,
                HeadLayout::HeadsTokens,
                HEADS,
                TOKENS,
                BatchPositions::Starts(&starts),
                x,
            )
        })
        .unwrap();
    };
    run(&mut x);
    assert_agrees(&rope, 0.0, HEADS, &before, &x);

    let mut group = c.benchmark_group("rope_apply_4096x32x128_f32");
    group.throughput(Throughput::Bytes((x.len() * 4) as u64));
    group.bench_function("posenc", |b| b.iter(|| run(black_box(&mut x))));
    group.bench_function("scale", |b| {
        b.iter(|| pool.install(|| scale_parallel(black_box(&mut x))));
    });
    group.finish();
}

fn rope_decode_32x128_f32(c: &mut Criterion) {
    let rope = RopePreset::Llama2.rope().unwrap();
    let before = data(HEADS * HEAD_DIM);
    let mut x = before.clone();
    let positions = [DECODE_POSITION];
    posenc(
        &rope,
        HeadLayout::TokensHeads,
        TokenPositions::Each(&positions),
        &mut x,
    );
    // One token: [tokens, heads, hd] and [heads, tokens, hd] are the same bytes.
    assert_agrees(&rope, DECODE_POSITION, HEADS, &before, &x);
    let inv_freq = hf_inv_freq(10_000.0, HEAD_DIM);

    let mut group = c.benchmark_group("rope_decode_32x128_f32");
    group.throughput(Throughput::Bytes((x.len() * 4) as u64));
    bench_posenc(
        &mut group,
        &rope,
        HeadLayout::TokensHeads,
        TokenPositions::Each(black_box(&positions)),
        &mut x,
    );
    let prepared = PreparedRope::new(&rope);
    group.bench_function("posenc_prepared", |b| {
        b.iter(|| {
            prepared
                .apply(
                    HeadLayout::TokensHeads,
                    HEADS,
                    TokenPositions::Each(black_box(&positions)),
                    black_box(&mut x),
                )
                .unwrap();
        });
    });
    group.bench_function("scale", |b| {
        b.iter(|| scale(black_box(1.0), black_box(&mut x)))
    });
    group.bench_function("naive", |b| {
        b.iter(|| {
            naive_rope(
                &inv_freq,
                black_box(DECODE_POSITION as u32),
                HEADS,
                black_box(&mut x),
            )
        });
    });
    group.finish();
}

fn rope_cache_4096x128_f32(c: &mut Criterion) {
    let rope = RopePreset::Llama2.rope().unwrap();
    let (n, r) = (rope.pairs(), rope.rotary_dim());
    let mut vllm = vec![0.0f32; TOKENS * r];
    let (mut cos, mut sin) = (vec![0.0f32; TOKENS * n], vec![0.0f32; TOKENS * n]);
    let (mut hf_cos, mut hf_sin) = (vec![0.0f32; TOKENS * r], vec![0.0f32; TOKENS * r]);
    let from = TokenPositions::from_start(0.0);
    rope_cache(&rope, CacheLayout::Vllm, from, &mut vllm, &mut []).unwrap();
    let mut row = vec![0.0f32; r];
    for t in (0..TOKENS).step_by(97) {
        rope.cache_row(t as f64, &mut row).unwrap();
        for (a, b) in vllm[t * r..(t + 1) * r].iter().zip(&row) {
            assert!(
                (a - b).abs() <= 2f32.powi(-23) + 2f32.powi(-24),
                "cache disagrees at {t}"
            );
        }
    }

    let mut group = c.benchmark_group("rope_cache_4096x128_f32");
    group.throughput(Throughput::Bytes((vllm.len() * 4) as u64));
    group.bench_function("memset", |b| {
        b.iter(|| memset(black_box(0.5), black_box(&mut vllm)))
    });
    group.bench_function("posenc_vllm", |b| {
        b.iter(|| {
            rope_cache(
                &rope,
                CacheLayout::Vllm,
                from,
                black_box(&mut vllm),
                &mut [],
            )
            .unwrap()
        });
    });
    group.bench_function("posenc_candle", |b| {
        b.iter(|| {
            rope_cache(
                &rope,
                CacheLayout::Candle,
                from,
                black_box(&mut cos),
                black_box(&mut sin),
            )
            .unwrap()
        });
    });
    group.bench_function("memset_twice", |b| {
        b.iter(|| {
            memset(black_box(0.5), black_box(&mut hf_cos));
            memset(black_box(0.5), black_box(&mut hf_sin));
        });
    });
    group.bench_function("posenc_huggingface", |b| {
        b.iter(|| {
            rope_cache(
                &rope,
                CacheLayout::HuggingFace,
                from,
                black_box(&mut hf_cos),
                black_box(&mut hf_sin),
            )
            .unwrap();
        });
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = posenc_benches::config(20, 5);
    targets = rope_apply_4096x32x128_f32_1t, rope_apply_4096x32x128_f32, rope_decode_32x128_f32, rope_cache_4096x128_f32
}
criterion_main!(benches);
