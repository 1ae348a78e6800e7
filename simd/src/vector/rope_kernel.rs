//! RoPE's coefficients on the vector lanes: per token, `θ_i = p·ω_i` in quarter turns
//! (`ω'_i = ω_i·2/π`, made once per call from the core's ω), reduced exactly and evaluated by
//! `sincos`'s polynomials in `f64` (the short ones for `f32` data), times the attention
//! factor in `f64`, rounded once to the data's type. Tokens whose `|p|·max ω` passes
//! `sincos::MAX_ANGLE` take their coefficients from the core.
//!
//! Error of a coefficient, `|p·ω_0| ≤ 2^24`: the angle carries the core's ω (below an ulp),
//! the rounding of ω' and of `p·ω'` (an ulp each), so about `|θ|·3·2^−53 ≤ 2^−27.4`; the
//! polynomials 2^−34 (`f32`) or 2^−54.6 (`f64`); the product with `a` 2^−53·a; the rounding to
//! `f32` 2^−24·max(1, a). In all about 0.56 of the `f32` cache bound 2^−23·max(1, a), and for
//! `f64` about `2^−51·(1 + |θ|)·max(1, a)`, an eighth of its bound.

use core::marker::PhantomData;

use posenc_core::Element;
use wide::f64x4;

use super::Isa;
use super::lanes::Lanes;
use super::rope_lanes::RopeLanes;
use super::sincos::{MAX_ANGLE, sin_cos};
use crate::rope::Desc;
use crate::rope::sweep::{self, Angles, Coeff, Job};

/// Writes lanes of `L` as coefficients of type `Self`.
trait Put<L: Lanes>: Coeff {
    /// The four lanes to `out[..4]`.
    fn put4(v: L, out: &mut [Self]);
    /// `[a0, b0, a1, b1, a2, b2, a3, b3]` to `out[..8]`.
    fn put_pairs(a: L, b: L, out: &mut [Self]);
}

impl<L: Lanes> Put<L> for f32 {
    #[inline(always)]
    fn put4(v: L, out: &mut [f32]) {
        if let Some(out) = out.first_chunk_mut::<4>() {
            *out = v.to_f32();
        }
    }
    #[inline(always)]
    fn put_pairs(a: L, b: L, out: &mut [f32]) {
        if let Some(out) = out.first_chunk_mut::<8>() {
            *out = L::interleave_f32(a, b);
        }
    }
}

impl<L: Lanes> Put<L> for f64 {
    #[inline(always)]
    fn put4(v: L, out: &mut [f64]) {
        if let Some(out) = out.first_chunk_mut::<4>() {
            v.store(out);
        }
    }
    #[inline(always)]
    fn put_pairs(a: L, b: L, out: &mut [f64]) {
        if let Some(out) = out.first_chunk_mut::<8>() {
            *out = L::interleave_f64(a, b);
        }
    }
}

/// The coefficients of a token on lanes `L`.
struct Vector<L>(PhantomData<L>);

impl<L: RopeLanes, E: Put<L>> Angles<E> for Vector<L> {
    #[inline(always)]
    fn token(&self, desc: &Desc<'_>, position: f64, out: &mut [E]) {
        let reach = position.abs() * desc.max_omega;
        if reach.is_nan() || reach > MAX_ANGLE {
            sweep::Portable.token(desc, position, out);
            return;
        }
        let padded = desc.padded_pairs();
        let (p, a) = (L::splat(position), L::splat(desc.attention));
        let quarter = desc.quarter.chunks_exact(4).take(padded / 4);
        if desc.interleaved {
            let (c_out, s_out) = out.split_at_mut(2 * padded);
            let outs = c_out.chunks_exact_mut(8).zip(s_out.chunks_exact_mut(8));
            for (w, (c_out, s_out)) in quarter.zip(outs) {
                let (s, c) = sin_cos_of::<L, E>(p * L::new([w[0], w[1], w[2], w[3]]));
                let (c, s) = (c * a, s * a);
                E::put_pairs(c, c, c_out);
                E::put_pairs(-s, s, s_out);
            }
        } else {
            let (c_out, s_out) = out.split_at_mut(padded);
            let outs = c_out.chunks_exact_mut(4).zip(s_out.chunks_exact_mut(4));
            for (w, (c_out, s_out)) in quarter.zip(outs) {
                let (s, c) = sin_cos_of::<L, E>(p * L::new([w[0], w[1], w[2], w[3]]));
                E::put4(c * a, c_out);
                E::put4(s * a, s_out);
            }
        }
    }
}

/// `sincos` with the polynomials enough for `E`.
#[inline(always)]
fn sin_cos_of<L: Lanes, E: Coeff>(quarter_turns: L) -> (L, L) {
    if E::SHORT {
        sin_cos::<L, true>(quarter_turns)
    } else {
        sin_cos::<L, false>(quarter_turns)
    }
}

/// Runs `job` over `tokens` tokens (token `k` at `position(k)`) on the lanes `isa` names.
#[inline(always)]
pub(crate) fn run<T: Element>(
    isa: Isa,
    desc: &Desc<'_>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    job: Job<'_, '_, T>,
) {
    match isa {
        #[cfg(all(
            target_arch = "x86_64",
            not(all(target_feature = "avx2", target_feature = "fma"))
        ))]
        // SAFETY: an `Isa::Avx2` exists only where the CPU and the OS support AVX2 and FMA.
        Isa::Avx2 => unsafe { run_avx2(desc, tokens, position, job) },
        Isa::Wide => run_on::<f64x4, T>(desc, tokens, position, job),
    }
}

super::avx2_fma! {
    /// [`run`] compiled for AVX2+FMA.
    fn run_avx2<T: Element>(
        desc: &Desc<'_>,
        tokens: usize,
        position: impl Fn(usize) -> f64,
        job: Job<'_, '_, T>,
    ) {
        run_on::<super::lanes::Avx2, T>(desc, tokens, position, job);
    }
}

#[inline(always)]
fn run_on<L: RopeLanes, T: Element>(
    desc: &Desc<'_>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    job: Job<'_, '_, T>,
) {
    let angles = Vector::<L>(PhantomData);
    sweep::job::<L::F32, L, _, T>(desc, &angles, tokens, position, job);
}

#[cfg(test)]
mod tests {
    //! The `wide` lanes, which this machine's run-time dispatch does not take where it has
    //! AVX2+FMA, against the core (the verification suite covers the dispatched lanes).
    extern crate std;
    use std::vec::Vec;

    use super::*;
    use posenc_core::{Pairing, Rope, RopePreset};
    use posenc_testkit::rope_backend::{agree_pair_f32, agree_pair_f64};

    fn check<T: Element>(rope: &Rope<'_>, positions: &[f64]) {
        let (heads, hd) = (3, rope.head_dim());
        let x0: Vec<T> = (0..positions.len() * heads * hd)
            .map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 250.0 - 2.0))
            .collect();
        let mut x = x0.clone();
        let desc = Desc::new(rope).unwrap();
        let target = sweep::Target::TokensHeads { x: &mut x, heads };
        run_on::<f64x4, T>(&desc, positions.len(), |k| positions[k], Job::Apply(target));
        let a = rope.attention_factor();
        for (k, &p) in positions.iter().enumerate() {
            for h in 0..heads {
                let at = (k * heads + h) * hd;
                let mut reference: Vec<f64> = x0[at..at + hd].iter().map(|v| v.to_f64()).collect();
                rope.apply(p, &mut reference).unwrap();
                for pair in 0..rope.pairs() {
                    let (cu, cv) = rope.pair_columns(pair).unwrap();
                    let (u, v) = (x0[at + cu].to_f64(), x0[at + cv].to_f64());
                    let theta = p * rope.frequency(pair).unwrap();
                    let bound = if T::MANTISSA_BITS == 24 {
                        agree_pair_f32(theta, a, u, v)
                    } else {
                        agree_pair_f64(theta, a, u, v)
                    };
                    for c in [cu, cv] {
                        let error = (x[at + c].to_f64() - reference[c]).abs();
                        assert!(
                            error <= bound,
                            "{} p={p} pair {pair}: {error:e} > {bound:e}",
                            T::NAME
                        );
                    }
                }
                assert_eq!(
                    &x[at + rope.rotary_dim()..at + hd],
                    &x0[at + rope.rotary_dim()..at + hd]
                );
            }
        }
    }

    #[test]
    fn wide_lanes_agree_with_the_core() {
        let positions = [0.0, 3.5, -17.0, 100_003.0, 16_777_215.0, 3e9];
        let ropes = [
            RopePreset::Llama2.rope().unwrap(),
            RopePreset::GptJ6B.rope().unwrap(),
            RopePreset::GptNeoX20B.rope().unwrap(),
            RopePreset::Qwen25Yarn.rope().unwrap(),
            Rope::builder(7)
                .rotary_dim(6)
                .pairing(Pairing::Interleaved)
                .build()
                .unwrap(),
        ];
        for rope in &ropes {
            check::<f32>(rope, &positions);
            check::<f64>(rope, &positions);
        }
    }
}
