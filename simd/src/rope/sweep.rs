//! The sweep: tokens in tiles, the angles of a tile's tokens made once into a stack buffer of
//! coefficients, then every head of every token rotated from it.
//!
//! A coefficient is `a·cos θ_i` or `a·sin θ_i` rounded once to the data's type; for the
//! `Half` pairing a token's coefficients are `[C_0 … C_{n−1}, pad, S_0 … S_{n−1}, pad]`, for
//! `Interleaved` `[C_0, C_0, C_1, C_1, …, pad, −S_0, S_0, −S_1, S_1, …, pad]`, so that an
//! interleaved vector turns by `x·C + swap(x)·S` with no shuffle of the coefficients. The
//! coefficients of a token depend only on its position and the configuration, and every
//! element is rotated by the same arithmetic wherever it falls in a tile or a vector (tails
//! are padded to a whole vector), so a call cut into blocks of any sizes, on any number of
//! threads, gives the same bits as one call.
//!
//! # Accuracy of a rotated `f32` pair
//! With coefficients within `e = 2^−24·a` (one rounding, plus below 2^−28·a from the angle),
//! `u' = fl(u·C − fl(v·S))`: `|u|·e + |v|·e` from the coefficients, `2^−24·a·|v|` from the
//! product, `2^−24·|u'|` from the last rounding, so at most `3·2^−24·a·(|u| + |v|)` plus the
//! angle's share: about 0.8 of the backend bound `2^−22·a·(|u| + |v|)` (unfused lanes round
//! `u·C` too, and stay below 1.0).

use posenc_core::{Element, Rope, RowMut};

use super::{Desc, MAX_PAIRS};

/// Values of the coefficient buffer (64 KiB of `f32`, 128 KiB of `f64` on 64-bit targets;
/// a quarter where stacks are small); every configuration of up to [`MAX_PAIRS`] pairs fits
/// one token (`4·MAX_PAIRS` values). For `[heads, tokens, head_dim]` a tile's tokens are a
/// contiguous run of each head, so larger tiles mean fewer jumps between heads: on Llama 2's
/// `[32, 4096, 128]`, 4096 values (32 tokens) took about 1.8× `scale`, 16384 about 1.6×
/// (best of 15, on a loaded machine).
#[cfg(target_pointer_width = "64")]
pub(crate) const BUFFER: usize = 16384;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const BUFFER: usize = 4096;
/// Values of the buffer for calls of a few tokens.
const SMALL_BUFFER: usize = 512;

/// A vector of `Self::Elem` lanes, for rotating the data in place.
pub(crate) trait Rot: Copy {
    /// `f32` or `f64`.
    type Elem: Coeff;
    /// The number of lanes (at most 8).
    const N: usize;
    /// The first [`Self::N`] values of `x` (zero lanes where `x` is shorter, which callers
    /// never pass: they hand out exact chunks).
    fn load(x: &[Self::Elem]) -> Self;
    /// Writes the lanes to the first [`Self::N`] values of `x` (nothing where it is shorter).
    fn store(self, x: &mut [Self::Elem]);
    fn mul(self, other: Self) -> Self;
    /// `self·a + b` (one rounding where the lanes fuse; the portable lanes round twice).
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// `self·a − b` (one rounding where the lanes fuse).
    fn mul_sub(self, a: Self, b: Self) -> Self;
    /// `[x1, x0, x3, x2, …]`: each interleaved pair `(u, v)` becomes `(v, u)`.
    fn swap_pairs(self) -> Self;
}

/// The two data types, `f32` and `f64`, as the sweep needs them.
pub(crate) trait Coeff: Copy + Default + 'static {
    /// Whether the short polynomials are enough (`f32` output).
    #[cfg_attr(feature = "scalar-math", allow(dead_code))]
    const SHORT: bool;
    fn from_f64(x: f64) -> Self;
    /// The slice as this type, where it is of this type (always, by the caller's dispatch).
    fn from_row(row: RowMut<'_>) -> Option<&mut [Self]>;
}

impl Coeff for f32 {
    const SHORT: bool = true;
    #[inline(always)]
    fn from_f64(x: f64) -> f32 {
        x as f32
    }
    #[inline(always)]
    fn from_row(row: RowMut<'_>) -> Option<&mut [f32]> {
        match row {
            RowMut::F32(x) => Some(x),
            _ => None,
        }
    }
}

impl Coeff for f64 {
    const SHORT: bool = false;
    #[inline(always)]
    fn from_f64(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn from_row(row: RowMut<'_>) -> Option<&mut [f64]> {
        match row {
            RowMut::F64(x) => Some(x),
            _ => None,
        }
    }
}

/// `x` as the concrete type `E` it is (the caller dispatched on it); empty otherwise.
#[inline(always)]
fn concrete<T: Element, E: Coeff>(x: &mut [T]) -> &mut [E] {
    E::from_row(T::as_row_mut(x)).unwrap_or_default()
}

/// One lane, for the portable path: the sweep is the same, the lanes scalars.
#[cfg_attr(not(feature = "scalar-math"), allow(dead_code))]
#[derive(Debug, Clone, Copy)]
pub(crate) struct One<E>(pub(crate) E);

macro_rules! one {
    ($e:ty) => {
        impl Rot for One<$e> {
            type Elem = $e;
            const N: usize = 1;
            #[inline(always)]
            fn load(x: &[$e]) -> Self {
                One(x.first().copied().unwrap_or_default())
            }
            #[inline(always)]
            fn store(self, x: &mut [$e]) {
                if let Some(out) = x.first_mut() {
                    *out = self.0;
                }
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                One(self.0 * other.0)
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                One(self.0 * a.0 + b.0)
            }
            #[inline(always)]
            fn mul_sub(self, a: Self, b: Self) -> Self {
                One(self.0 * a.0 - b.0)
            }
            #[inline(always)]
            fn swap_pairs(self) -> Self {
                // Never called: one lane holds no pair (the portable path rotates interleaved
                // pairs through `rotate_interleaved_one`).
                self
            }
        }
    };
}
one!(f32);
one!(f64);

/// Where the vectors of a call are, by token and head.
#[derive(Debug)]
pub(crate) enum Target<'x, 'y, T> {
    /// `[tokens, heads, head_dim]` in one slice.
    TokensHeads { x: &'x mut [T], heads: usize },
    /// `[heads, tokens, head_dim]` in one slice, `tokens` per head.
    HeadsTokens { x: &'x mut [T], tokens: usize },
    /// One `[tokens, head_dim]` slice per head.
    Heads(&'x mut [&'y mut [T]]),
}

/// Makes the coefficients of one token.
pub(crate) trait Angles<E> {
    /// Writes the coefficients of the token at `position` (see the module docs) into `out`,
    /// which has [`Desc::stride`] values.
    fn token(&self, desc: &Desc<'_>, position: f64, out: &mut [E]);
}

/// Rotates every vector of `target` (`tokens` tokens, token `k` at `position(k)`) on lanes `R`,
/// with coefficients from `angles`.
#[inline(always)]
pub(crate) fn run<R: Rot, T: Element>(
    desc: &Desc<'_>,
    angles: &impl Angles<R::Elem>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    target: Target<'_, '_, T>,
) {
    // A small buffer where it is enough (one token of decoding): zeroing the whole one would
    // cost more than rotating that token.
    if tokens.saturating_mul(desc.stride()) <= SMALL_BUFFER {
        run_in::<R, T, SMALL_BUFFER>(desc, angles, tokens, position, target);
    } else {
        run_in::<R, T, BUFFER>(desc, angles, tokens, position, target);
    }
}

/// [`run`] with a buffer of `N` values.
#[inline(always)]
fn run_in<R: Rot, T: Element, const N: usize>(
    desc: &Desc<'_>,
    angles: &impl Angles<R::Elem>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    mut target: Target<'_, '_, T>,
) {
    let stride = desc.stride();
    let tile = (N / stride).max(1);
    let mut buffer = [R::Elem::default(); N];
    let mut first = 0;
    while first < tokens {
        let count = tile.min(tokens - first);
        for (k, out) in buffer.chunks_exact_mut(stride).take(count).enumerate() {
            angles.token(desc, position(first + k), out);
        }
        sweep::<R, T>(desc, &mut target, first, count, &buffer);
        first += count;
    }
}

/// Rotates the vectors of tokens `first .. first + count` with the coefficients in `buffer`.
#[inline(always)]
fn sweep<R: Rot, T: Element>(
    desc: &Desc<'_>,
    target: &mut Target<'_, '_, T>,
    first: usize,
    count: usize,
    buffer: &[R::Elem],
) {
    let (hd, stride) = (desc.head_dim, desc.stride());
    // Functions rather than closures throughout: a closure does not inherit the target
    // features of the function it is written in, so its lane operations would not inline.
    match target {
        Target::TokensHeads { x, heads } => {
            let unit = *heads * hd;
            if unit == 0 {
                return;
            }
            let tokens = x.chunks_exact_mut(unit).skip(first).take(count);
            for (token, coeffs) in tokens.zip(buffer.chunks_exact(stride)) {
                for row in concrete::<T, R::Elem>(token).chunks_exact_mut(hd) {
                    rotate::<R>(desc, row, coeffs);
                }
            }
        }
        Target::HeadsTokens { x, tokens } => {
            if *tokens == 0 {
                return;
            }
            for head in x.chunks_exact_mut(*tokens * hd) {
                head_part::<R, T>(desc, head, first, count, buffer);
            }
        }
        Target::Heads(heads) => {
            for head in heads.iter_mut() {
                head_part::<R, T>(desc, head, first, count, buffer);
            }
        }
    }
}

/// Rotates tokens `first .. first + count` of one head's `[tokens, head_dim]` slice.
#[inline(always)]
fn head_part<R: Rot, T: Element>(
    desc: &Desc<'_>,
    head: &mut [T],
    first: usize,
    count: usize,
    buffer: &[R::Elem],
) {
    let (hd, stride) = (desc.head_dim, desc.stride());
    let part = head
        .get_mut(first * hd..(first + count) * hd)
        .unwrap_or_default();
    let rows = concrete::<T, R::Elem>(part).chunks_exact_mut(hd);
    for (row, coeffs) in rows.zip(buffer.chunks_exact(stride)) {
        rotate::<R>(desc, row, coeffs);
    }
}

/// Rotates the first `rotary_dim` values of one vector.
#[inline(always)]
fn rotate<R: Rot>(desc: &Desc<'_>, row: &mut [R::Elem], coeffs: &[R::Elem]) {
    let (n, padded) = (desc.pairs, desc.padded_pairs());
    if desc.interleaved {
        let (c, s) = coeffs.split_at(2 * padded);
        let x = row.get_mut(..2 * n).unwrap_or_default();
        if R::N == 1 {
            rotate_interleaved_one::<R>(x, c, s);
        } else {
            rotate_interleaved::<R>(x, c, s);
        }
    } else {
        let (c, s) = coeffs.split_at(padded);
        let (u, rest) = row.split_at_mut(n.min(row.len()));
        let v = rest.get_mut(..n).unwrap_or_default();
        rotate_half::<R>(u, v, c, s);
    }
}

/// `Half` pairs: `u' = u·C − v·S`, `v' = v·C + u·S`, lane by lane.
#[inline(always)]
fn rotate_half<R: Rot>(u: &mut [R::Elem], v: &mut [R::Elem], c: &[R::Elem], s: &[R::Elem]) {
    let n = u.len();
    let whole = n - n % R::N;
    let (u_body, u_tail) = u.split_at_mut(whole);
    let (v_body, v_tail) = v.split_at_mut(whole.min(v.len()));
    let lanes = u_body
        .chunks_exact_mut(R::N)
        .zip(v_body.chunks_exact_mut(R::N))
        .zip(c.chunks_exact(R::N).zip(s.chunks_exact(R::N)));
    for ((u, v), (c, s)) in lanes {
        half_step::<R>(u, v, c, s);
    }
    if !u_tail.is_empty() {
        // The tail in whole vectors padded with zeros: the same arithmetic as every other pair.
        let mut lanes = [[R::Elem::default(); 8]; 4];
        let rest = u_tail.len();
        let [pu, pv, pc, ps] = &mut lanes;
        pu[..rest].copy_from_slice(u_tail);
        pv[..rest].copy_from_slice(v_tail);
        pc[..rest].copy_from_slice(c.get(whole..n).unwrap_or_default());
        ps[..rest].copy_from_slice(s.get(whole..n).unwrap_or_default());
        half_step::<R>(pu, pv, pc, ps);
        u_tail.copy_from_slice(&pu[..rest]);
        v_tail.copy_from_slice(&pv[..rest]);
    }
}

#[inline(always)]
fn half_step<R: Rot>(u: &mut [R::Elem], v: &mut [R::Elem], c: &[R::Elem], s: &[R::Elem]) {
    let (uu, vv, cc, ss) = (R::load(u), R::load(v), R::load(c), R::load(s));
    uu.mul_sub(cc, vv.mul(ss)).store(u);
    vv.mul_add(cc, uu.mul(ss)).store(v);
}

/// `Interleaved` pairs: `x' = x·C + swap(x)·S` with `C = [c, c, …]`, `S = [−s, s, …]`.
#[inline(always)]
fn rotate_interleaved<R: Rot>(x: &mut [R::Elem], c: &[R::Elem], s: &[R::Elem]) {
    let len = x.len();
    let whole = len - len % R::N;
    let (body, tail) = x.split_at_mut(whole);
    let lanes = body
        .chunks_exact_mut(R::N)
        .zip(c.chunks_exact(R::N).zip(s.chunks_exact(R::N)));
    for (x, (c, s)) in lanes {
        interleaved_step::<R>(x, c, s);
    }
    if !tail.is_empty() {
        let mut lanes = [[R::Elem::default(); 8]; 3];
        let rest = tail.len();
        let [px, pc, ps] = &mut lanes;
        px[..rest].copy_from_slice(tail);
        pc[..rest].copy_from_slice(c.get(whole..len).unwrap_or_default());
        ps[..rest].copy_from_slice(s.get(whole..len).unwrap_or_default());
        interleaved_step::<R>(px, pc, ps);
        tail.copy_from_slice(&px[..rest]);
    }
}

#[inline(always)]
fn interleaved_step<R: Rot>(x: &mut [R::Elem], c: &[R::Elem], s: &[R::Elem]) {
    let (xx, cc, ss) = (R::load(x), R::load(c), R::load(s));
    xx.mul_add(cc, xx.swap_pairs().mul(ss)).store(x);
}

/// `Interleaved` pairs one at a time, for one-lane vectors (which cannot swap): each pair as
/// a `Half` step, which is the same arithmetic as [`interleaved_step`] (`S = [−s, s]`).
#[inline(always)]
fn rotate_interleaved_one<R: Rot>(x: &mut [R::Elem], c: &[R::Elem], s: &[R::Elem]) {
    for ((pair, c), s) in x
        .chunks_exact_mut(2)
        .zip(c.chunks_exact(2))
        .zip(s.chunks_exact(2))
    {
        let (u, v) = pair.split_at_mut(1);
        half_step::<R>(u, v, &c[..1], &s[1..]);
    }
}

/// The coefficients of a token from the core (`a·cos θ_i`, `a·sin θ_i` in `f64`), rounded
/// once: the portable path, and the vector path's tokens beyond its reduction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Portable;

impl<E: Coeff> Angles<E> for Portable {
    fn token(&self, desc: &Desc<'_>, position: f64, out: &mut [E]) {
        let (c_out, s_out) = out.split_at_mut(out.len() / 2);
        for pair in 0..desc.pairs {
            let (c, s) = exact(desc.rope, pair, position);
            if desc.interleaved {
                if let (Some(c_out), Some(s_out)) = (
                    c_out.get_mut(2 * pair..2 * pair + 2),
                    s_out.get_mut(2 * pair..2 * pair + 2),
                ) {
                    c_out.fill(E::from_f64(c));
                    s_out[0] = E::from_f64(-s);
                    s_out[1] = E::from_f64(s);
                }
            } else if let (Some(c_out), Some(s_out)) = (c_out.get_mut(pair), s_out.get_mut(pair)) {
                *c_out = E::from_f64(c);
                *s_out = E::from_f64(s);
            }
        }
    }
}

/// `(a·cos θ_pair, a·sin θ_pair)` in `f64`, as the core forms them (its cache values before
/// their rounding), for a position and pair already checked.
#[inline]
fn exact(rope: &Rope<'_>, pair: usize, position: f64) -> (f64, f64) {
    let (sin, cos) = rope.sin_cos(pair, position).unwrap_or((0.0, 0.0));
    let a = rope.attention_factor();
    (a * cos, a * sin)
}

/// Configurations wider than the buffers ([`MAX_PAIRS`]): every vector through the core.
pub(crate) fn wide_apply<T: Element>(
    rope: &Rope<'_>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    target: Target<'_, '_, T>,
) {
    let hd = rope.head_dim();
    // Validated by the caller: the core cannot fail here.
    let head = |head: &mut [T]| {
        for (k, row) in head.chunks_exact_mut(hd).enumerate().take(tokens) {
            let _ = rope.apply(position(k), row);
        }
    };
    match target {
        Target::TokensHeads { x, heads } if heads > 0 => {
            for (k, token) in x.chunks_exact_mut(heads * hd).enumerate().take(tokens) {
                let _ = rope.apply_heads(position(k), token);
            }
        }
        Target::TokensHeads { .. } => {}
        Target::HeadsTokens { x, tokens } if tokens > 0 => {
            x.chunks_exact_mut(tokens * hd).for_each(head);
        }
        Target::HeadsTokens { .. } => {}
        Target::Heads(heads) => heads.iter_mut().for_each(|h| head(h)),
    }
}

/// Cache tables of configurations wider than the buffers, value by value from the core.
pub(crate) fn wide_cache<T: Element>(
    rope: &Rope<'_>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    out: CacheOut<'_, T>,
) {
    let n = rope.pairs();
    let position = &position;
    let values = |k: usize| (0..n).map(move |i| exact(rope, i, position(k)));
    let put = |row: &mut [T], values: &mut dyn Iterator<Item = (f64, f64)>, sin: bool| {
        for (o, (c, s)) in row.iter_mut().zip(values) {
            *o = T::from_f64(if sin { s } else { c });
        }
    };
    match out {
        CacheOut::Vllm(out) => {
            for (k, row) in out.chunks_exact_mut(2 * n).enumerate().take(tokens) {
                let (c, s) = row.split_at_mut(n);
                put(c, &mut values(k), false);
                put(s, &mut values(k), true);
            }
        }
        CacheOut::Candle { cos, sin } => {
            let rows = cos.chunks_exact_mut(n).zip(sin.chunks_exact_mut(n));
            for (k, (c, s)) in rows.enumerate().take(tokens) {
                put(c, &mut values(k), false);
                put(s, &mut values(k), true);
            }
        }
        CacheOut::HuggingFace { cos, sin } => {
            let rows = cos.chunks_exact_mut(2 * n).zip(sin.chunks_exact_mut(2 * n));
            for (k, (c, s)) in rows.enumerate().take(tokens) {
                for half in c.chunks_exact_mut(n) {
                    put(half, &mut values(k), false);
                }
                for half in s.chunks_exact_mut(n) {
                    put(half, &mut values(k), true);
                }
            }
        }
    }
}

/// Where a call writes cache tables, `tokens` rows each.
#[derive(Debug)]
pub(crate) enum CacheOut<'x, T> {
    /// vLLM's `cos_sin_cache`: `[tokens, rotary_dim]`, `a·cos` of every pair, then `a·sin`.
    Vllm(&'x mut [T]),
    /// candle's two `[tokens, rotary_dim / 2]` tables.
    Candle { cos: &'x mut [T], sin: &'x mut [T] },
    /// Hugging Face's two `[tokens, rotary_dim]` tables, each pair's value twice
    /// (`cat(freqs, freqs)`).
    HuggingFace { cos: &'x mut [T], sin: &'x mut [T] },
}

/// Writes the cache rows of `tokens` tokens (token `k` at `position(k)`) in `E`, the type of
/// `T`.
#[inline(always)]
pub(crate) fn cache<E: Coeff, T: Element>(
    desc: &Desc<'_>,
    angles: &impl Angles<E>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    out: CacheOut<'_, T>,
) {
    // Cache rows list the pairs in order: the `Half` form of the coefficients.
    let half = Desc {
        interleaved: false,
        ..*desc
    };
    let (n, padded) = (half.pairs, half.padded_pairs());
    let mut buffer = [E::default(); 2 * MAX_PAIRS];
    let coefficients = buffer.get_mut(..2 * padded).unwrap_or_default();
    // Loops rather than closures: a closure does not inherit the target features of the
    // function it is written in, so the vector angles would not inline into it.
    match out {
        CacheOut::Vllm(out) => {
            let rows = concrete::<T, E>(out).chunks_exact_mut(2 * n);
            for (k, row) in rows.enumerate().take(tokens) {
                angles.token(&half, position(k), coefficients);
                let (c, s) = coefficients.split_at(padded);
                let (row_c, row_s) = row.split_at_mut(n);
                row_c.copy_from_slice(&c[..n]);
                row_s.copy_from_slice(&s[..n]);
            }
        }
        CacheOut::Candle { cos, sin } => {
            let rows = concrete::<T, E>(cos)
                .chunks_exact_mut(n)
                .zip(concrete::<T, E>(sin).chunks_exact_mut(n));
            for (k, (row_c, row_s)) in rows.enumerate().take(tokens) {
                angles.token(&half, position(k), coefficients);
                let (c, s) = coefficients.split_at(padded);
                row_c.copy_from_slice(&c[..n]);
                row_s.copy_from_slice(&s[..n]);
            }
        }
        CacheOut::HuggingFace { cos, sin } => {
            let rows = concrete::<T, E>(cos)
                .chunks_exact_mut(2 * n)
                .zip(concrete::<T, E>(sin).chunks_exact_mut(2 * n));
            for (k, (row_c, row_s)) in rows.enumerate().take(tokens) {
                angles.token(&half, position(k), coefficients);
                let (c, s) = coefficients.split_at(padded);
                for half in row_c.chunks_exact_mut(n) {
                    half.copy_from_slice(&c[..n]);
                }
                for half in row_s.chunks_exact_mut(n) {
                    half.copy_from_slice(&s[..n]);
                }
            }
        }
    }
}
