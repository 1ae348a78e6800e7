//! What the exact RoPE buys: on the golden cases, the error of cos θ_i and sin θ_i from the
//! Hugging Face recipe (f32 `inv_freq`, the angle `inv_freq · position` in f32, f32 cos/sin)
//! beside the core's `f32` values, at positions near 4k, 128k, 1M and 16M. Printed for the
//! README (`cargo test -p posenc-verify --test rope_hf_recipe -- --nocapture`).
//!
//! The recipe's `inv_freq` is `1 / base^(2i/r)` formed in f32 as Hugging Face forms it
//! (`base ** (arange(0, r, 2) / r)` with f32 exponents) for the default frequencies, and the
//! f32 rounding of the exact scaled frequency otherwise (kinder to the recipe than its own f32
//! arithmetic). Its positions are f32 (`position_ids.float()`), exact below 2^24.

use posenc_core::Scaling;
use posenc_testkit::bounds;
use posenc_testkit::rope_golden::cases;

/// The positions measured (all in the golden file).
const POSITIONS: [f64; 4] = [4095.0, 131_071.0, 1_000_000.0, 16_777_215.0];

#[test]
fn hugging_face_recipe_against_the_core() {
    let mut posenc = [0.0f64; 4];
    let mut recipe = [0.0f64; 4];
    let mut counts = [0usize; 4];
    for case in cases() {
        let rope = &case.rope;
        let r = rope.rotary_dim() as f32;
        for row in &case.rows {
            let Some(k) = POSITIONS.iter().position(|&p| p == row.position) else {
                continue;
            };
            let inv_freq = if rope.scaling() == Scaling::None {
                1.0 / libm::powf(rope.theta() as f32, (2 * row.pair) as f32 / r)
            } else {
                rope.frequency(row.pair).expect("pair") as f32
            };
            let angle = inv_freq * row.position as f32;
            let hf = [libm::cosf(angle), libm::sinf(angle)];
            let (sin, cos) = rope.sin_cos(row.pair, row.position).expect("sin_cos");
            let ours = [cos as f32, sin as f32];
            for ((h, o), exact) in hf.iter().zip(ours).zip([row.cos, row.sin]) {
                recipe[k] = recipe[k].max((f64::from(*h) - exact).abs());
                posenc[k] = posenc[k].max((f64::from(o) - exact).abs());
            }
            counts[k] += 1;
        }
    }
    println!("worst |error| of cos θ_i, sin θ_i over the golden pairs at each position:");
    println!(
        "{:>10} {:>6} {:>12} {:>14}",
        "position", "pairs", "posenc f32", "HF recipe f32"
    );
    for k in 0..4 {
        println!(
            "{:>10} {:>6} {:>12.2e} {:>14.2e}",
            POSITIONS[k], counts[k], posenc[k], recipe[k]
        );
        assert!(counts[k] > 0, "no golden rows at position {}", POSITIONS[k]);
        assert!(
            posenc[k] <= bounds::CORE_F32,
            "the core's f32 is off by {:e} at {}",
            posenc[k],
            POSITIONS[k]
        );
        // The recipe's f32 angle is off by up to |θ|·2^−24: far outside the core bound
        // from 4k on (the SPEC quotes 1.4e-4 at 4095 for r = 128, θ = 10^4).
        assert!(
            recipe[k] > 100.0 * bounds::CORE_F32,
            "the f32 recipe is unexpectedly accurate at {}: {:e}",
            POSITIONS[k],
            recipe[k]
        );
    }
}
