//! Instructions per RoPE head on the target: one Llama-2 head (head_dim 128, θ = 10^4, `f32`)
//! at positions near 10^5, by the core's `Rope::apply` and the SIMD crate's
//! `PreparedRope::apply` (one token, one head; its `wide` lanes emulated on this target).

use core::hint::black_box;

use cortex_m_semihosting::hprintln;
use posenc_core::{Rope, RopePreset};
use posenc_simd::{HeadLayout, PreparedRope, TokenPositions};

use crate::{count, Tally};

/// Values of the measured head.
const HEAD: usize = 128;
/// Heads per measurement.
const HEADS: u32 = 4;
/// The first position.
const FIRST: u32 = 100_000;

#[inline(never)]
fn core_head(rope: &Rope<'_>, position: f64, x: &mut [f32; HEAD]) -> bool {
    rope.apply(position, x).is_ok()
}

#[inline(never)]
fn simd_head(prepared: &PreparedRope<'_>, position: &[f64], x: &mut [f32; HEAD]) -> bool {
    prepared
        .apply(
            HeadLayout::TokensHeads,
            1,
            TokenPositions::Each(position),
            x,
        )
        .is_ok()
}

/// Instructions per head of `head` over `HEADS` heads.
fn per_head(ratio: u32, mut head: impl FnMut(usize, &mut [f32; HEAD]) -> bool) -> (u32, bool) {
    let mut x = [0.5f32; HEAD];
    let mut ok = true;
    let ticks = count::ticks(|| {
        for k in 0..HEADS as usize {
            ok &= head(black_box(k), &mut x);
        }
    });
    black_box(&x);
    (ticks * ratio / HEADS, ok)
}

/// Measures and prints (the SysTick ratio calibrated by `speed::run`).
pub fn run(tally: &mut Tally) {
    let ratio = count::calibrate();
    let Ok(rope) = RopePreset::Llama2.rope() else {
        tally.require(false, "RopePreset::Llama2", "rope speed");
        return;
    };
    let prepared = PreparedRope::new(&rope);
    let mut positions = [0.0f64; HEADS as usize];
    for (k, p) in positions.iter_mut().enumerate() {
        *p = f64::from(FIRST + k as u32);
    }
    let (core, ok_core) = per_head(ratio, |k, x| core_head(&rope, positions[k], x));
    let (simd, ok_simd) = per_head(ratio, |k, x| simd_head(&prepared, &positions[k..=k], x));
    tally.require(ok_core && ok_simd, "rope speed heads", "apply");
    hprintln!(
        "instructions per Llama-2 head (head_dim 128, f32): core apply {}, simd PreparedRope::apply {}",
        core,
        simd
    );
}
