//! What the RoPE targets share: configurations drawn from raw bytes (every scaling, odd, zero
//! and oversized dimensions), and the oracles that compare a fast path's rotation and cache
//! tables with the core's in `f64`.

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use posenc_core::{Element, Llama3, LongRope, Pairing, Rope, RopeBuilder, Scaling, Yarn};
use posenc_testkit::bounds::pow2;
use posenc_testkit::rope_backend as bound;

use crate::number;

/// A scaling of any kind with arbitrary parameters; LongRoPE's factor lists are `lists` cut
/// at `split`.
pub fn scaling<'a>(
    u: &mut Unstructured<'_>,
    lists: &'a [f64],
    split: usize,
) -> Result<Scaling<'a>> {
    let (short, long) = lists.split_at(split.min(lists.len()));
    Ok(match u.int_in_range(0u8..=6)? {
        0 => Scaling::None,
        1 => Scaling::Linear { factor: number(u)? },
        2 => Scaling::Ntk { factor: number(u)? },
        3 => Scaling::Dynamic {
            factor: number(u)?,
            original_max_len: number(u)?,
            seq_len: number(u)?,
        },
        4 => Scaling::Yarn(Yarn {
            beta_fast: number(u)?,
            beta_slow: number(u)?,
            mscale: if u.arbitrary()? {
                Some(number(u)?)
            } else {
                None
            },
            mscale_all_dim: if u.arbitrary()? {
                Some(number(u)?)
            } else {
                None
            },
            truncate: u.arbitrary()?,
            ..Yarn::new(number(u)?, number(u)?)
        }),
        5 => Scaling::Llama3(Llama3 {
            low_freq_factor: number(u)?,
            high_freq_factor: number(u)?,
            original_max_len: number(u)?,
            ..Llama3::new(number(u)?)
        }),
        _ => Scaling::LongRope(LongRope {
            factor: number(u)?,
            ..LongRope::new(short, long, number(u)?, number(u)?)
        }),
    })
}

/// Up to 300 LongRoPE factors, mostly valid ones (quarters in (0, 16]), and where to split
/// them into the short and the long list.
pub fn factor_lists(u: &mut Unstructured<'_>) -> Result<(Vec<f64>, usize)> {
    let count = u.int_in_range(0usize..=300)?;
    let lists = (0..count)
        .map(|_| match u.int_in_range(0u8..=3).unwrap_or(0) {
            0 => number(u).unwrap_or(1.0),
            _ => f64::from(u.int_in_range(1u16..=64).unwrap_or(1)) / 4.0,
        })
        .collect();
    Ok((lists, u.int_in_range(0usize..=300).unwrap_or(0)))
}

/// A builder with `head_dim` up to `max_head_dim`, either pairing, any scaling, and sometimes
/// a `rotary_dim` (up to two past `max_head_dim`: odd, zero and oversized ones included), a
/// theta and an attention factor.
pub fn builder<'a>(
    u: &mut Unstructured<'_>,
    lists: &'a [f64],
    split: usize,
    max_head_dim: usize,
) -> Result<RopeBuilder<'a>> {
    let head_dim = u.int_in_range(0usize..=max_head_dim)?;
    let mut b = Rope::builder(head_dim)
        .pairing(if u.arbitrary()? {
            Pairing::Half
        } else {
            Pairing::Interleaved
        })
        .scaling(scaling(u, lists, split)?);
    if u.arbitrary()? {
        b = b.rotary_dim(u.int_in_range(0usize..=max_head_dim + 2)?);
    }
    if u.arbitrary()? {
        b = b.theta(number(u)?);
    }
    if u.arbitrary()? {
        b = b.attention_factor(number(u)?);
    }
    Ok(b)
}

/// A vector value: three times in four a small one (a multiple of 2^−12 in [−8, 8)), else any
/// `f64` (huge, tiny, subnormal, infinite and NaN included).
pub fn value(u: &mut Unstructured<'_>) -> f64 {
    if u.ratio(3u8, 4u8).unwrap_or(true) {
        f64::from(u.arbitrary::<i16>().unwrap_or(0)) / 4096.0
    } else {
        number(u).unwrap_or(0.5)
    }
}

/// Whether `x` stays finite in `T`.
fn finite_in<T: Element>(x: f64) -> bool {
    T::from_f64(x).to_f64().is_finite()
}

/// The smallest `a·|u|` (for a nonzero input `u`) and attention factor `a` for which the
/// SPEC's relative pair bounds can hold for data of `T`: below them a product of the
/// arithmetic type (`f32` for `f32`, `f16` and `bf16`) is subnormal and its absolute rounding
/// error is larger than the relative bound (the SPEC's table assumes normal results).
fn normal_floor<T: Element>() -> f64 {
    if T::MANTISSA_BITS > 24 {
        pow2(-900)
    } else {
        pow2(-90)
    }
}

/// The core's view of a configuration for the oracles: its frequencies fetched once.
#[derive(Debug)]
pub struct Oracle<'r> {
    rope: &'r Rope<'r>,
    omega: Vec<f64>,
}

impl<'r> Oracle<'r> {
    /// The oracle of `rope`.
    #[must_use]
    pub fn new(rope: &'r Rope<'r>) -> Oracle<'r> {
        let mut omega = vec![0.0; rope.pairs()];
        rope.frequencies(&mut omega)
            .expect("one frequency per pair");
        Oracle { rope, omega }
    }

    /// The largest `|p·ω_i|` at `position`: the SPEC's bounds hold up to 2^24.
    fn max_angle(&self, position: f64) -> f64 {
        self.omega
            .iter()
            .map(|w| (position * w).abs())
            .fold(0.0, f64::max)
    }

    /// Panics unless `after` (one vector of `T` data after a fast path rotated `before` at
    /// `position`) keeps the tail's bits, is finite wherever the inputs are finite and the
    /// exact result cannot overflow `T`, and agrees with the core's `f64` rotation within
    /// [`bound::agree_pair`] inside the SPEC's domain (`|p·ω_i| ≤ 2^24`, normal products).
    pub fn assert_rotated<T: Element>(
        &self,
        position: f64,
        before: &[T],
        after: &[T],
        what: &dyn Fn() -> String,
    ) {
        let rope = self.rope;
        let (r, a) = (rope.rotary_dim(), rope.attention_factor());
        let bits = |x: &[T]| x.iter().map(|v| v.to_f64().to_bits()).collect::<Vec<_>>();
        assert_eq!(
            bits(&after[r..]),
            bits(&before[r..]),
            "{}: the tail past rotary_dim changed",
            what()
        );
        let mut reference: Vec<f64> = before.iter().map(|v| v.to_f64()).collect();
        rope.apply(position, &mut reference)
            .expect("the fast path accepted this position and length");
        let in_domain = self.max_angle(position) <= pow2(24) && a >= normal_floor::<T>();
        for (pair, omega) in self.omega.iter().enumerate() {
            let (cu, cv) = rope
                .pair_columns(pair)
                .expect("a pair of the configuration");
            let (u, v) = (before[cu].to_f64(), before[cv].to_f64());
            if !(u.is_finite() && v.is_finite() && finite_in::<T>(4.0 * a * (u.abs() + v.abs()))) {
                continue;
            }
            let normal = [u, v]
                .iter()
                .all(|w| *w == 0.0 || a * w.abs() >= normal_floor::<T>());
            let b = bound::agree_pair(T::MANTISSA_BITS, position * omega, a, u, v);
            for column in [cu, cv] {
                let (got, exact) = (after[column].to_f64(), reference[column]);
                let error = (got - exact).abs();
                assert!(
                    got.is_finite() && (!(in_domain && normal) || error <= b),
                    "{}: p={position} pair {pair} ({u:e}, {v:e}) column {column}: {got:e} vs \
                     core {exact:e}, |err| {error:e}, bound {b:e}",
                    what()
                );
            }
        }
    }

    /// Panics unless a position's cache values (`a·cos θ_i` of every pair in `cos`, `a·sin θ_i`
    /// in `sin`, in `T`) are finite where `a` is finite in `T` and within
    /// [`bound::agree_cache`] of the core's `f64` cache row inside the SPEC's domain.
    pub fn assert_cache_row<T: Element>(
        &self,
        position: f64,
        cos: &[T],
        sin: &[T],
        what: &dyn Fn() -> String,
    ) {
        let (n, a) = (self.rope.pairs(), self.rope.attention_factor());
        let mut reference = vec![0.0f64; 2 * n];
        self.rope
            .cache_row(position, &mut reference)
            .expect("the fast path accepted this position");
        let finite = finite_in::<T>(4.0 * a);
        let in_domain = finite && self.max_angle(position) <= pow2(24);
        for (i, omega) in self.omega.iter().enumerate() {
            let b = bound::agree_cache(T::MANTISSA_BITS, position * omega, a);
            for (kind, got, exact) in [
                ("cos", cos[i], reference[i]),
                ("sin", sin[i], reference[n + i]),
            ] {
                let got = got.to_f64();
                let error = (got - exact).abs();
                assert!(
                    (!finite || got.is_finite()) && (!in_domain || error <= b),
                    "{}: p={position} {kind} {i}: {got:e} vs core {exact:e}, |err| {error:e}, \
                     bound {b:e}",
                    what()
                );
            }
        }
    }
}
