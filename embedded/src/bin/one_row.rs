//! The size probe: a firmware that prepares a d = 64 encoding and encodes one row by the
//! `f64`-free path, and nothing else (its `.text` + `.rodata` is the README's figure).
#![no_std]
#![no_main]

#[path = "../probe.rs"]
mod probe;

use cortex_m_rt::entry;
use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};

#[entry]
fn main() -> ! {
    let mut rates = [QuarterTurnRate::default(); 32];
    let mut row = [0.0f32; 64];
    let ok = posenc_core::Encoding::new(core::hint::black_box(64)).and_then(|enc| {
        FixedEncoding::new(&enc, &mut rates)?.encode_row(core::hint::black_box(100_000.0), &mut row)
    });
    core::hint::black_box(&row);
    probe::exit(ok.is_ok())
}
