//! The RoPE size probe: a firmware that builds the Llama-2 preset (head_dim 128, θ = 10^4) and
//! applies it to one `f32` head by the core's `Rope::apply`, and nothing else (its `.text` +
//! `.rodata` is the README's figure).
#![no_std]
#![no_main]

#[path = "../probe.rs"]
mod probe;

use cortex_m_rt::entry;
use posenc_core::RopePreset;

#[entry]
fn main() -> ! {
    let mut head = [0.5f32; 128];
    let ok = core::hint::black_box(RopePreset::Llama2)
        .rope()
        .and_then(|rope| rope.apply(core::hint::black_box(100_000.0), &mut head));
    core::hint::black_box(&head);
    probe::exit(ok.is_ok())
}
