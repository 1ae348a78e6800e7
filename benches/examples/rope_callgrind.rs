//! One RoPE call of the `rope` benchmarks' shapes, for instruction counts under callgrind
//! (timings on a loaded machine are noise; instruction counts are not):
//!
//! ```text
//! cargo build --release -p posenc-benches --example rope_callgrind
//! valgrind --tool=callgrind --toggle-collect=rope_callgrind::measured \
//!     target/release/examples/rope_callgrind posenc
//! ```
//!
//! Modes: `posenc`, `scale`, `naive` (`[32, 4096, 128]`, Llama 2), `decode`,
//! `decode_prepared` (its frequencies fetched outside the measurement), `decode_naive` (one
//! token of 32 heads), `cache_vllm` (positions 0 .. 4096).

use std::hint::black_box;

use posenc_benches::rope::{hf_inv_freq, naive_rope, scale};
use posenc_simd::{
    CacheLayout, HeadLayout, Positions, PreparedRope, RopePreset, rope_apply, rope_cache,
};

#[inline(never)]
fn measured(mode: &str, prepared: &PreparedRope<'_>, inv_freq: &[f32], x: &mut [f32]) {
    let rope = prepared.rope();
    match mode {
        "posenc" => {
            rope_apply(
                rope,
                HeadLayout::HeadsTokens,
                32,
                Positions::from_start(0.0),
                x,
            )
            .unwrap();
        }
        "scale" => scale(black_box(1.0), x),
        "naive" => naive_rope(inv_freq, 0, 32, x),
        "decode" => {
            let p = [100_003.0];
            rope_apply(
                rope,
                HeadLayout::TokensHeads,
                32,
                Positions::Each(&p),
                &mut x[..32 * 128],
            )
            .unwrap();
        }
        "decode_prepared" => {
            let p = [100_003.0];
            prepared
                .apply(
                    HeadLayout::TokensHeads,
                    32,
                    Positions::Each(&p),
                    &mut x[..32 * 128],
                )
                .unwrap();
        }
        "decode_naive" => naive_rope(inv_freq, 100_003, 32, &mut x[..32 * 128]),
        "cache_vllm" => {
            rope_cache(
                rope,
                CacheLayout::Vllm,
                Positions::from_start(0.0),
                &mut x[..4096 * 128],
                &mut [],
            )
            .unwrap();
        }
        other => panic!("unknown mode {other}"),
    }
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "posenc".into());
    let mut x = vec![0.5f32; 32 * 4096 * 128];
    let rope = RopePreset::Llama2.rope().unwrap();
    let prepared = PreparedRope::new(&rope);
    let inv_freq = hf_inv_freq(10_000.0, 128);
    measured(&mode, &prepared, &inv_freq, black_box(&mut x));
    println!("{}", x[12345]);
}
