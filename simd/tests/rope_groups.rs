//! The RoPE sweep's group loop (four heads through raw pointers, then the remaining heads one
//! at a time) on groups of 1 to 5 heads, both layouts and head slices, both pairings, partial
//! rotary, `f32`, `f64` and `f16`, 1 to 3 tokens, on every backend of the build: every value
//! within the verify suite's fast-path bound of the core's `f64` rotation and the tail's bits
//! kept. Small on purpose: it is also the test Miri runs over the unsafe code
//! (`cargo +nightly miri test -p posenc-simd --features scalar-math --test rope_groups`).

use posenc_simd::{
    Backend, Element, HeadLayout, Pairing, PreparedRope, Rope, TokenPositions, f16, row_position,
};
use posenc_testkit::rope_backend::agree_pair;

fn backends() -> Vec<Backend> {
    // Miri cannot run `cpuid` (detection): there the portable and the `wide` lanes.
    let mut all = vec![Backend::portable()];
    all.extend(Backend::vector());
    if !cfg!(miri) {
        all.push(Backend::detect());
        all.extend(Backend::avx2_fma());
    }
    all
}

/// Partial rotary with pair counts that leave vector tails (3, 5 and 6 pairs), both pairings.
fn configs() -> Vec<Rope<'static>> {
    let b = Rope::builder;
    let mut all = vec![
        b(10).rotary_dim(6).build().unwrap(),
        b(7).rotary_dim(6)
            .pairing(Pairing::Interleaved)
            .build()
            .unwrap(),
        b(12).rotary_dim(10).attention_factor(1.5).build().unwrap(),
        b(12).pairing(Pairing::Interleaved).build().unwrap(),
    ];
    // Under Miri one configuration of each pairing, both partial.
    all.truncate(if cfg!(miri) { 2 } else { 4 });
    all
}

/// Distinct values in [−2, 2) that every type holds exactly (multiples of 1/64).
fn data<T: Element>(len: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64(((i * 37 + 11) % 256) as f64 / 64.0 - 2.0))
        .collect()
}

/// Checks one vector against the core's `f64` rotation at `position`.
fn check_vector<T: Element>(rope: &Rope<'_>, position: f64, before: &[T], after: &[T], what: &str) {
    let r = rope.rotary_dim();
    assert_eq!(&after[r..], &before[r..], "{what}: tail changed");
    let mut reference: Vec<f64> = before.iter().map(|v| v.to_f64()).collect();
    rope.apply(position, &mut reference).unwrap();
    let a = rope.attention_factor();
    for pair in 0..rope.pairs() {
        let (cu, cv) = rope.pair_columns(pair).unwrap();
        let theta = position * rope.frequency(pair).unwrap();
        let (u, v) = (before[cu].to_f64(), before[cv].to_f64());
        let bound = agree_pair(T::MANTISSA_BITS, theta, a, u, v);
        for column in [cu, cv] {
            let error = (after[column].to_f64() - reference[column]).abs();
            assert!(
                error <= bound,
                "{what}: pair {pair} column {column}: {:?} vs {}, bound {bound:e}",
                after[column],
                reference[column]
            );
        }
    }
}

fn check<T: Element>(backend: Backend, rope: &Rope<'_>, heads: usize, tokens: usize) {
    let hd = rope.head_dim();
    let start = 1000.5;
    let given = TokenPositions::from_start(start);
    let prepared = PreparedRope::with_backend(rope, backend);
    let x0 = data::<T>(tokens * heads * hd);
    let what = |layout: &str| {
        format!(
            "{} {} {rope:?} {layout} heads {heads} tokens {tokens}",
            backend.name(),
            T::NAME
        )
    };
    // [tokens, heads, hd]: vector (k, h) at (k·heads + h)·hd.
    let mut th = x0.clone();
    prepared
        .apply(HeadLayout::TokensHeads, heads, given, &mut th)
        .unwrap();
    // [heads, tokens, hd], the same values as one block and as head slices.
    let mut ht = x0.clone();
    prepared
        .apply(HeadLayout::HeadsTokens, heads, given, &mut ht)
        .unwrap();
    let mut sliced = x0.clone();
    let mut slices: Vec<&mut [T]> = sliced.chunks_exact_mut(tokens * hd).collect();
    prepared.apply_heads(given, &mut slices).unwrap();
    assert_eq!(sliced, ht, "{}: head slices differ", what("slices"));
    // Miri checks the sweep's memory accesses; the core's reference rotations would take it
    // most of an hour.
    if cfg!(miri) {
        return;
    }
    for k in 0..tokens {
        let p = row_position(start, k as u64);
        for h in 0..heads {
            for (layout, at, out) in [
                ("tokens-heads", (k * heads + h) * hd, &th),
                ("heads-tokens", (h * tokens + k) * hd, &ht),
            ] {
                let range = at..at + hd;
                check_vector(rope, p, &x0[range.clone()], &out[range], &what(layout));
            }
        }
    }
}

#[test]
fn groups_of_one_to_five_heads_agree_with_the_core() {
    for backend in backends() {
        for rope in configs() {
            for heads in 1..=5 {
                for tokens in 1..=3 {
                    check::<f32>(backend, &rope, heads, tokens);
                    check::<f64>(backend, &rope, heads, tokens);
                    check::<f16>(backend, &rope, heads, tokens);
                }
            }
        }
    }
}
