//! Regression (found by the `simd_rope` fuzz target): an attention factor past `f32::MAX`
//! made the `f32` coefficients `a·cos θ_i` infinite, and the fast path turned zeros into NaN
//! (`0·∞`) and large values into NaN (`∞ − ∞`) where the core gives 0 and ±∞. Such calls now
//! take the core's path: the core's bits on every backend, for `f32`, `f16` and `bf16`.

use posenc_simd::{
    Backend, Element, HeadLayout, PreparedRope, Rope, TokenPositions, bf16, f16, row_position,
};

fn check<T: Element>(backend: Backend, rope: &Rope<'_>) {
    let (hd, heads, tokens) = (rope.head_dim(), 5, 3);
    // Zeros (exact result 0), ones (±∞ after rounding) and a mix.
    let x0: Vec<T> = (0..tokens * heads * hd)
        .map(|i| T::from_f64([0.0, 1.0, -0.5][i % 3]))
        .collect();
    for layout in [HeadLayout::TokensHeads, HeadLayout::HeadsTokens] {
        let mut x = x0.clone();
        PreparedRope::with_backend(rope, backend)
            .apply(layout, heads, TokenPositions::from_start(7.0), &mut x)
            .unwrap();
        for (v, (after, before)) in x.chunks_exact(hd).zip(x0.chunks_exact(hd)).enumerate() {
            let k = match layout {
                HeadLayout::TokensHeads => v / heads,
                HeadLayout::HeadsTokens => v % tokens,
            };
            let mut core = before.to_vec();
            rope.apply(row_position(7.0, k as u64), &mut core).unwrap();
            let bits = |x: &[T]| x.iter().map(|e| e.to_f64().to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(after),
                bits(&core),
                "{} {} {layout:?} vector {v}",
                backend.name(),
                T::NAME
            );
        }
    }
}

#[test]
fn an_attention_factor_past_f32_max_gives_the_core_s_values_not_nan() {
    let rope = Rope::builder(38).attention_factor(4.8e279).build().unwrap();
    let mut backends = vec![Backend::detect(), Backend::portable()];
    backends.extend(Backend::vector());
    backends.extend(Backend::avx2_fma());
    for backend in backends {
        check::<f32>(backend, &rope);
        check::<f16>(backend, &rope);
        check::<bf16>(backend, &rope);
    }
}
