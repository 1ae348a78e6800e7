//! A link-time proof that posenc-core's hot functions cannot panic.
//!
//! Each wrapper below carries `#[no_panic]`: if the optimiser cannot remove every path to a
//! panic from the function (and from everything it calls, inlined under fat LTO), the link fails
//! with an error naming the function. `main` calls each one on inputs it cannot see through, so
//! that all of them are compiled and linked. Run: `cd verify/no-panic && cargo build --release`.
//! A debug build proves nothing: without optimisation every bounds check is still there.
//!
//! RoPE (`mod rope`): the builder, every preset, `apply`, `apply_heads`, `apply_inverse`,
//! `cache_row` and `frequency` are proven too: they index only through `get`, zipped halves
//! and `chunks_exact_mut` of a non-zero `head_dim`.
//!
//! Proven: building a configuration (builder, `new`, presets, diffusers' constructor), the
//! position check, `value`, `angle`, `frequency` (so the whole angle and `sin`/`cos` path, libm
//! included), `encode` and `rotate` into `f32` and `f64` rows (they write through the layout's
//! column map, `Layout::columns`, by iterators alone), and the text forms of layouts and
//! presets.

use std::hint::black_box;

use no_panic::no_panic;
use posenc_core::{Encoding, EncodingBuilder, Error, Layout, Preset, bf16, f16};

#[no_panic]
fn build(builder: EncodingBuilder) -> Result<Encoding, Error> {
    builder.build()
}

#[no_panic]
fn value(enc: &Encoding, position: f64, column: usize) -> Result<f64, Error> {
    enc.value(position, column)
}

#[no_panic]
fn angle(enc: &Encoding, pair: usize, position: f64) -> Result<f64, Error> {
    enc.angle(pair, position)
}

#[no_panic]
fn frequency(enc: &Encoding, pair: usize) -> Result<f64, Error> {
    enc.frequency(pair)
}

#[no_panic]
fn new(d_model: usize) -> Result<Encoding, Error> {
    Encoding::new(d_model)
}

#[no_panic]
fn preset(preset: Preset, d_model: usize) -> Result<Encoding, Error> {
    preset.encoding(d_model)
}

#[no_panic]
fn diffusion(d_model: usize, flip: bool, shift: f64) -> Result<Encoding, Error> {
    Encoding::diffusion_timestep(d_model, flip, shift)
}

#[no_panic]
fn check_position(enc: &Encoding, position: f64) -> Result<(), Error> {
    enc.check_position(position)
}

/// `#[no_panic]` wrappers of methods that take a position (or offset) and a row or head
/// vector: `name => method(element)` is `fn name(receiver, at, x: &mut [element])` calling
/// `receiver.method(at, x)`; each is named in the link error if it can panic.
macro_rules! vector_wrappers {
    ($vis:vis $recv:ident: $ty:ty; $($name:ident => $method:ident($elem:ty);)+) => {$(
        #[no_panic]
        $vis fn $name($recv: &$ty, at: f64, x: &mut [$elem]) -> Result<(), Error> {
            $recv.$method(at, x)
        }
    )+};
}

vector_wrappers! { enc: Encoding;
    encode_f32 => encode(f32);
    encode_f64 => encode(f64);
    encode_f16 => encode(f16);
    encode_bf16 => encode(bf16);
    rotate_f32 => rotate(f32);
    rotate_f64 => rotate(f64);
}

#[no_panic]
fn layout_from_str(text: &str) -> Result<Layout, Error> {
    text.parse()
}

#[no_panic]
fn preset_from_str(text: &str) -> Result<Preset, Error> {
    text.parse()
}

// --- Rotary position embeddings: the builder, the presets, apply (self-contained addition). ---

mod rope {
    use no_panic::no_panic;
    use posenc_core::{Error, Rope, RopeBuilder, RopePreset, bf16, f16};

    #[no_panic]
    pub fn build(builder: RopeBuilder<'_>) -> Result<Rope<'_>, Error> {
        builder.build()
    }

    #[no_panic]
    pub fn preset(preset: RopePreset) -> Result<Rope<'static>, Error> {
        preset.rope()
    }

    vector_wrappers! { pub rope: Rope<'_>;
        apply_f32 => apply(f32);
        apply_heads_f64 => apply_heads(f64);
        apply_inverse_f32 => apply_inverse(f32);
        cache_row_f32 => cache_row(f32);
        apply_bf16 => apply(bf16);
        cache_row_f16 => cache_row(f16);
    }

    #[no_panic]
    pub fn frequency(rope: &Rope<'_>, pair: usize) -> Result<f64, Error> {
        rope.frequency(pair)
    }

    #[no_panic]
    pub fn preset_from_str(text: &str) -> Result<RopePreset, Error> {
        text.parse()
    }
}

/// Calls every RoPE wrapper on inputs the optimiser cannot see through.
fn rope_main() -> bool {
    use posenc_core::{LongRope, Pairing, Rope, RopePreset, Scaling, Yarn};
    let lists = black_box([1.0f64; 32]);
    let scalings = [
        Scaling::Yarn(Yarn::new(black_box(4.0), black_box(32_768.0))),
        Scaling::LongRope(LongRope::new(
            &lists,
            &lists,
            black_box(4096.0),
            black_box(9e3),
        )),
        black_box(Scaling::Dynamic {
            factor: 2.0,
            original_max_len: 4096.0,
            seq_len: 9000.0,
        }),
    ];
    let mut ok = true;
    for scaling in scalings {
        let builder = Rope::builder(black_box(64))
            .rotary_dim(black_box(64))
            .theta(black_box(10_000.0))
            .pairing(black_box(Pairing::Interleaved))
            .scaling(scaling);
        let Ok(r) = rope::build(builder) else {
            return false;
        };
        let mut x = black_box([0.5f32; 64]);
        let mut heads = black_box([0.5f64; 256]);
        let p = black_box(100_000.0);
        ok &= rope::apply_f32(&r, p, &mut x).is_ok();
        ok &= rope::apply_heads_f64(&r, p, &mut heads).is_ok();
        ok &= rope::apply_inverse_f32(&r, p, &mut x).is_ok();
        ok &= rope::cache_row_f32(&r, p, &mut x).is_ok();
        ok &= rope::frequency(&r, black_box(3)).is_ok();
        let mut halves = black_box([posenc_core::f16::ZERO; 64]);
        let mut brains = black_box([posenc_core::bf16::ONE; 64]);
        ok &= rope::cache_row_f16(&r, p, &mut halves).is_ok();
        ok &= rope::apply_bf16(&r, p, &mut brains).is_ok();
        black_box((x, heads, halves, brains));
    }
    ok &= rope::preset(black_box(RopePreset::Llama31)).is_ok();
    ok &= rope::preset_from_str(black_box("deepseek-v3")).is_ok();
    ok
}

fn main() {
    black_box(rope_main());
    let d = black_box(64usize);
    let builder = Encoding::builder(d)
        .layout(black_box(Layout::SplitSinCos))
        .base(black_box(10_000.0))
        .shift(black_box(1.0))
        .scale(black_box(1.0));
    let Ok(enc) = build(builder) else {
        return;
    };
    let p = black_box(12_345.5);
    let mut row32 = vec![0.0f32; black_box(d)];
    let mut row64 = vec![0.0f64; black_box(d)];
    let mut row16 = vec![f16::ZERO; black_box(d)];
    let mut rowb16 = vec![bf16::ZERO; black_box(d)];
    let results = [
        encode_f16(&enc, p, &mut row16).is_ok(),
        encode_bf16(&enc, p, &mut rowb16).is_ok(),
        encode_f32(&enc, p, &mut row32).is_ok(),
        encode_f64(&enc, p, &mut row64).is_ok(),
        rotate_f32(&enc, black_box(2.0), &mut row32).is_ok(),
        rotate_f64(&enc, black_box(2.0), &mut row64).is_ok(),
        value(&enc, p, black_box(3)).is_ok(),
        angle(&enc, black_box(3), p).is_ok(),
        frequency(&enc, black_box(3)).is_ok(),
        check_position(&enc, p).is_ok(),
        new(d).is_ok(),
        preset(black_box(Preset::Whisper), d).is_ok(),
        diffusion(d, black_box(true), black_box(1.0)).is_ok(),
        layout_from_str(black_box("interleaved")).is_ok(),
        preset_from_str(black_box("whisper")).is_ok(),
    ];
    black_box((results, row32, row64, row16, rowb16));
}
