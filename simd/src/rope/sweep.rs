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

use core::ops::Mul;
use core::slice;

use posenc_core::{Element, Rope, RowMut};

use super::{Desc, MAX_PAIRS};

/// Values of the coefficient buffer (72 KiB of `f32`, 144 KiB of `f64` on 64-bit targets;
/// 16 KiB of `f32` where stacks are small); every configuration of up to [`MAX_PAIRS`] pairs
/// fits one token (`4·MAX_PAIRS` values). For `[heads, tokens, head_dim]` a tile's tokens are
/// a contiguous run of each head. With four heads sharing the coefficients (see [`GROUP`]),
/// the tile's length matters little: on Llama 2's `[32, 4096, 128]` with the coefficients
/// precomputed, tiles of 64, 128 and 256 tokens took 1.17×, 1.06× and 1.02× `scale` (one head
/// at a time: 2.2×, 2.2×, 2.1×). 128 tokens of Llama 2 (a [`slot`] of 144 values) fill it:
/// posenc-parallel's tasks are of 128 tokens.
#[cfg(target_pointer_width = "64")]
pub(crate) const BUFFER: usize = 128 * 144;
#[cfg(not(target_pointer_width = "64"))]
pub(crate) const BUFFER: usize = 4096;
/// Values of the buffer for calls of a few tokens.
const SMALL_BUFFER: usize = 512;

/// A vector of `Self::Elem` lanes, for rotating the data in place.
pub(crate) trait Rot: Copy + Mul<Output = Self> {
    /// `f32` or `f64`.
    type Elem: Coeff;
    /// The number of lanes (at most 8).
    const N: usize;
    /// The first [`Self::N`] values of `x` (zero lanes where `x` is shorter, which callers
    /// never pass: they hand out exact chunks).
    fn load(x: &[Self::Elem]) -> Self;
    /// Writes the lanes to the first [`Self::N`] values of `x` (nothing where it is shorter).
    fn store(self, x: &mut [Self::Elem]);
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
        impl Mul for One<$e> {
            type Output = Self;
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                One(self.0 * other.0)
            }
        }

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

/// What a call does.
#[derive(Debug)]
pub(crate) enum Job<'x, 'y, T> {
    /// Rotate the vectors of a target.
    Apply(Target<'x, 'y, T>),
    /// Write cache tables.
    Cache(CacheOut<'x, T>),
}

/// Runs `job` over `tokens` tokens (token `k` at `position(k)`) with coefficients from
/// `angles`, rotating `f32` data on lanes `F` and `f64` data on lanes `D`.
#[inline(always)]
pub(crate) fn job<F, D, A, T>(
    desc: &Desc<'_>,
    angles: &A,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    job: Job<'_, '_, T>,
) where
    F: Rot<Elem = f32>,
    D: Rot<Elem = f64>,
    A: Angles<f32> + Angles<f64>,
    T: Element,
{
    let f32_data = T::MANTISSA_BITS == f32::MANTISSA_DIGITS;
    match job {
        Job::Apply(target) if f32_data => run::<F, T>(desc, angles, tokens, position, target),
        Job::Apply(target) => run::<D, T>(desc, angles, tokens, position, target),
        Job::Cache(out) if f32_data => cache::<f32, T>(desc, angles, tokens, position, out),
        Job::Cache(out) => cache::<f64, T>(desc, angles, tokens, position, out),
    }
}

/// Rotates every vector of `target` (`tokens` tokens, token `k` at `position(k)`) on lanes `R`,
/// with coefficients from `angles`.
#[inline(always)]
fn run<R: Rot, T: Element>(
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
    let slot = slot::<R::Elem>(desc, N);
    let tile = (N / slot).max(1);
    let mut buffer = [R::Elem::default(); N];
    let mut first = 0;
    while first < tokens {
        let count = tile.min(tokens - first);
        for (k, out) in buffer.chunks_exact_mut(slot).take(count).enumerate() {
            let out = out.get_mut(..desc.stride()).unwrap_or_default();
            angles.token(desc, position(first + k), out);
        }
        sweep::<R, T>(
            desc,
            &mut target,
            first,
            count,
            Tile {
                buffer: &buffer,
                slot,
            },
        );
        first += count;
    }
}

/// The values a token's coefficients take in a buffer of `n`: [`Desc::stride`] and a cache
/// line more where there is room. With exactly a vector's bytes per token (Llama 2's 128
/// values), a coefficient and the value it turns keep one distance modulo 4 KiB through a
/// whole tile, and where that distance is small a coefficient's load waits on the store of
/// a value just turned (4K aliasing); the extra line moves the distance on by 64 bytes a
/// token.
#[inline(always)]
fn slot<E>(desc: &Desc<'_>, n: usize) -> usize {
    let padded = desc.stride() + 64 / size_of::<E>();
    if padded <= n { padded } else { desc.stride() }
}

/// A tile's coefficients: token `k`'s [`Desc::stride`] values at `buffer[k·slot..]`.
#[derive(Clone, Copy)]
struct Tile<'b, E> {
    buffer: &'b [E],
    slot: usize,
}

impl<'b, E> Tile<'b, E> {
    /// The coefficients of the tile's tokens, in order.
    #[inline(always)]
    fn tokens(self, stride: usize) -> impl Iterator<Item = &'b [E]> {
        self.buffer
            .chunks_exact(self.slot.max(1))
            .map(move |c| c.get(..stride).unwrap_or_default())
    }
}

/// Vectors rotated together: they share a token's coefficients, each lane of coefficients
/// loaded once for all of them. Swept one head's run of a tile after another, Llama 2's
/// `[32, 4096, 128]` took about 2.2× `scale` even with the coefficients precomputed; four
/// heads at a time, each loading the coefficients again (from L1), 1.6×; four heads sharing
/// every coefficient load 1.06–1.14×, two 1.2–1.3× (medians of 41 runs of each variant
/// interleaved, 128-token tiles, on a loaded machine). A tile's coefficients are as many bytes
/// as a head's run and come from L2; shared, they cost a quarter of that traffic, and four
/// heads' runs stream at once.
const GROUP: usize = 4;

/// Rotates the vectors of tokens `first .. first + count` with the coefficients in `buffer`.
#[inline(always)]
fn sweep<R: Rot, T: Element>(
    desc: &Desc<'_>,
    target: &mut Target<'_, '_, T>,
    first: usize,
    count: usize,
    tile: Tile<'_, R::Elem>,
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
            for (token, coeffs) in tokens.zip(tile.tokens(stride)) {
                let mut groups = concrete::<T, R::Elem>(token).chunks_exact_mut(GROUP * hd);
                for group in groups.by_ref() {
                    let base = group.as_mut_ptr();
                    let rows = core::array::from_fn(|j| base.wrapping_add(j * hd));
                    // SAFETY: the group's `GROUP` vectors of `hd` values, disjoint, borrowed
                    // mutably by this call.
                    unsafe { rotate::<R, GROUP>(desc, rows, coeffs) };
                }
                for row in groups.into_remainder().chunks_exact_mut(hd) {
                    // SAFETY: as above, one vector.
                    unsafe { rotate::<R, 1>(desc, [row.as_mut_ptr()], coeffs) };
                }
            }
        }
        Target::HeadsTokens { x, tokens } => {
            let unit = *tokens * hd;
            if unit == 0 {
                return;
            }
            let mut groups = x.chunks_exact_mut(GROUP * unit);
            for group in groups.by_ref() {
                heads_part::<R, T, GROUP>(desc, split(group, unit), first, count, tile);
            }
            for head in groups.into_remainder().chunks_exact_mut(unit) {
                heads_part::<R, T, 1>(desc, [head], first, count, tile);
            }
        }
        Target::Heads(heads) => {
            let mut groups = heads.chunks_exact_mut(GROUP);
            for group in groups.by_ref() {
                let mut each = group.iter_mut();
                let group = core::array::from_fn(|_| each.next().map(|h| &mut **h));
                heads_part::<R, T, GROUP>(
                    desc,
                    group.map(Option::unwrap_or_default),
                    first,
                    count,
                    tile,
                );
            }
            for head in groups.into_remainder() {
                heads_part::<R, T, 1>(desc, [head], first, count, tile);
            }
        }
    }
}

/// `x` cut into its first `G` pieces of `len` values (empty ones where it is shorter, which
/// callers never pass: they hand out exact chunks).
#[inline(always)]
fn split<E, const G: usize>(x: &mut [E], len: usize) -> [&mut [E]; G] {
    let mut pieces = x.chunks_exact_mut(len.max(1));
    core::array::from_fn(|_| pieces.next().unwrap_or_default())
}

/// Rotates tokens `first .. first + count` of `G` heads' `[tokens, head_dim]` slices.
#[inline(always)]
fn heads_part<R: Rot, T: Element, const G: usize>(
    desc: &Desc<'_>,
    heads: [&mut [T]; G],
    first: usize,
    count: usize,
    tile: Tile<'_, R::Elem>,
) {
    let (hd, stride) = (desc.head_dim, desc.stride());
    let (from, to) = (first * hd, (first + count) * hd);
    let mut rows = [core::ptr::null_mut(); G];
    for (row, head) in rows.iter_mut().zip(heads) {
        match head.get_mut(from..to) {
            Some(part) => *row = concrete::<T, R::Elem>(part).as_mut_ptr(),
            None => return, // never: the caller checked every head's length
        }
    }
    for coeffs in tile.tokens(stride).take(count) {
        // SAFETY: each pointer is to the first of the `hd` values of this token in its head's
        // part (`count · hd` values, checked above, of a slice borrowed mutably by this call);
        // the heads are distinct slices.
        unsafe { rotate::<R, G>(desc, rows, coeffs) };
        for row in &mut rows {
            *row = row.wrapping_add(hd);
        }
    }
}

/// Rotates the first `rotary_dim` values of `G` vectors of one token.
///
/// Raw pointers rather than slices: with every slice's bounds checked in the lane loop, a
/// group's sixteen pointers and lengths did not fit the registers, and their reloads from the
/// stack (with the arrays of slices built for every token) cost about a third more time.
///
/// # Safety
/// Each of `rows` points to `head_dim` values that nothing else reads or writes during the
/// call, and no two of them overlap; `coeffs` has [`Desc::stride`] values.
#[inline(always)]
unsafe fn rotate<R: Rot, const G: usize>(
    desc: &Desc<'_>,
    rows: [*mut R::Elem; G],
    coeffs: &[R::Elem],
) {
    let (n, padded) = (desc.pairs, desc.padded_pairs());
    let (c, s) = coeffs.split_at(if desc.interleaved { 2 * padded } else { padded });
    if desc.interleaved {
        for row in rows {
            // SAFETY: the vector's first `2n` values (`rotary_dim ≤ head_dim`), its own.
            let x = unsafe { slice::from_raw_parts_mut(row, 2 * n) };
            if R::N == 1 {
                rotate_interleaved_one::<R>(x, c, s);
            } else {
                rotate_interleaved::<R>(x, c, s);
            }
        }
        return;
    }
    if c.len() < n || s.len() < n {
        return; // never: `coeffs` has `stride` values
    }
    let whole = n - n % R::N;
    let mut at = 0;
    while at < whole {
        // SAFETY: `at + N ≤ whole ≤ n`: within `c` and `s`, and `u` (`at ..`) and `v`
        // (`n + at ..`) within every vector's first `2n` values (the caller's contract).
        unsafe {
            let cc = R::load(slice::from_raw_parts(c.as_ptr().add(at), R::N));
            let ss = R::load(slice::from_raw_parts(s.as_ptr().add(at), R::N));
            for &row in &rows {
                let u = slice::from_raw_parts_mut(row.add(at), R::N);
                let v = slice::from_raw_parts_mut(row.add(n + at), R::N);
                half_step::<R>(u, v, cc, ss);
            }
        }
        at += R::N;
    }
    if whole < n {
        // The tail in whole vectors padded with zeros: the same arithmetic as every other pair.
        let (cc, ss) = (
            zero_padded::<R>(c.get(whole..n).unwrap_or_default()),
            zero_padded::<R>(s.get(whole..n).unwrap_or_default()),
        );
        let rest = n - whole;
        for row in rows {
            // SAFETY: as above, `whole .. n` and `n + whole .. 2n`.
            let (u, v) = unsafe {
                (
                    slice::from_raw_parts_mut(row.add(whole), rest),
                    slice::from_raw_parts_mut(row.add(n + whole), rest),
                )
            };
            let mut lanes = [[R::Elem::default(); 8]; 2];
            let [pu, pv] = &mut lanes;
            pu[..rest].copy_from_slice(u);
            pv[..rest].copy_from_slice(v);
            half_step::<R>(pu, pv, cc, ss);
            u.copy_from_slice(&pu[..rest]);
            v.copy_from_slice(&pv[..rest]);
        }
    }
}

/// `Interleaved` pairs of one vector, lane by lane (the interleaved models' vectors are few
/// per token and this is not the sweep's bottleneck, so one at a time).
#[inline(always)]
fn rotate_interleaved<R: Rot>(x: &mut [R::Elem], c: &[R::Elem], s: &[R::Elem]) {
    let len = x.len();
    let whole = len - len % R::N;
    let (body, tail) = x.split_at_mut(whole);
    let lanes = body
        .chunks_exact_mut(R::N)
        .zip(c.chunks_exact(R::N).zip(s.chunks_exact(R::N)));
    for (x, (c, s)) in lanes {
        interleaved_step::<R>(x, R::load(c), R::load(s));
    }
    if !tail.is_empty() {
        let (cc, ss) = (
            zero_padded::<R>(c.get(whole..len).unwrap_or_default()),
            zero_padded::<R>(s.get(whole..len).unwrap_or_default()),
        );
        let rest = tail.len();
        let mut px = [R::Elem::default(); 8];
        px[..rest].copy_from_slice(tail);
        interleaved_step::<R>(&mut px, cc, ss);
        tail.copy_from_slice(&px[..rest]);
    }
}

/// `x` (fewer than [`Rot::N`] values) as a vector padded with zeros.
#[inline(always)]
fn zero_padded<R: Rot>(x: &[R::Elem]) -> R {
    let mut lanes = [R::Elem::default(); 8];
    if let Some(out) = lanes.get_mut(..x.len()) {
        out.copy_from_slice(x);
    }
    R::load(&lanes)
}

/// `Half` pairs: `u' = u·C − v·S`, `v' = v·C + u·S`.
#[inline(always)]
fn half_step<R: Rot>(u: &mut [R::Elem], v: &mut [R::Elem], c: R, s: R) {
    let (uu, vv) = (R::load(u), R::load(v));
    uu.mul_sub(c, vv * s).store(u);
    vv.mul_add(c, uu * s).store(v);
}

/// `Interleaved` pairs: `x' = x·C + swap(x)·S` with `C = [c, c, …]`, `S = [−s, s, …]`.
#[inline(always)]
fn interleaved_step<R: Rot>(x: &mut [R::Elem], c: R, s: R) {
    let xx = R::load(x);
    xx.mul_add(c, xx.swap_pairs() * s).store(x);
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
        half_step::<R>(u, v, R::load(c), R::load(&s[1..]));
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

/// `job` for configurations wider than the buffers ([`MAX_PAIRS`]): every vector, and every
/// cache value, through the core.
pub(crate) fn wide<T: Element>(
    rope: &Rope<'_>,
    tokens: usize,
    position: impl Fn(usize) -> f64,
    job: Job<'_, '_, T>,
) {
    let (hd, n) = (rope.head_dim(), rope.pairs());
    // Validated by the caller: the core cannot fail here.
    let head = |head: &mut [T]| {
        for (k, row) in head.chunks_exact_mut(hd).enumerate().take(tokens) {
            let _ = rope.apply(position(k), row);
        }
    };
    match job {
        Job::Apply(Target::TokensHeads { x, heads }) if heads > 0 => {
            for (k, token) in x.chunks_exact_mut(heads * hd).enumerate().take(tokens) {
                let _ = rope.apply_heads(position(k), token);
            }
        }
        Job::Apply(Target::TokensHeads { .. }) => {}
        Job::Apply(Target::HeadsTokens { x, tokens }) if tokens > 0 => {
            x.chunks_exact_mut(tokens * hd).for_each(head);
        }
        Job::Apply(Target::HeadsTokens { .. }) => {}
        Job::Apply(Target::Heads(heads)) => heads.iter_mut().for_each(|h| head(h)),
        Job::Cache(out) => {
            for (k, (row_c, row_s)) in out.rows(n).enumerate().take(tokens) {
                let p = position(k);
                let (c, s) = (
                    row_c.get_mut(..n).unwrap_or_default(),
                    row_s.get_mut(..n).unwrap_or_default(),
                );
                for (pair, (c, s)) in c.iter_mut().zip(s).enumerate() {
                    let (cos, sin) = exact(rope, pair, p);
                    (*c, *s) = (T::from_f64(cos), T::from_f64(sin));
                }
                repeat_first(row_c, n);
                repeat_first(row_s, n);
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

impl<'x, T> CacheOut<'x, T> {
    /// The tables' rows for `n` pairs, token after token: where the token's `a·cos θ_i` go and
    /// where its `a·sin θ_i` go, `n` values each, or `2n` (the `n` twice) in Hugging Face's
    /// layout.
    fn rows(self, n: usize) -> impl Iterator<Item = (&'x mut [T], &'x mut [T])> {
        let n = n.max(1);
        let (vllm, two) = match self {
            CacheOut::Vllm(out) => (Some(out.chunks_exact_mut(2 * n)), None),
            CacheOut::Candle { cos, sin } => (None, Some((cos, sin, n))),
            CacheOut::HuggingFace { cos, sin } => (None, Some((cos, sin, 2 * n))),
        };
        let vllm = vllm
            .into_iter()
            .flatten()
            .map(move |row| row.split_at_mut(n));
        let two = two.into_iter().flat_map(|(cos, sin, width)| {
            cos.chunks_exact_mut(width).zip(sin.chunks_exact_mut(width))
        });
        vllm.chain(two)
    }
}

/// Fills `row` with copies of its first `n` values.
#[inline(always)]
fn repeat_first<E: Copy>(row: &mut [E], n: usize) {
    let mut from = n;
    while from < row.len() {
        let to = (from + n).min(row.len());
        row.copy_within(..to - from, from);
        from = to;
    }
}

/// Writes the cache rows of `tokens` tokens (token `k` at `position(k)`) in `E`, the type of
/// `T`.
#[inline(always)]
fn cache<E: Coeff, T: Element>(
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
    let out = match out {
        CacheOut::Vllm(out) => CacheOut::Vllm(concrete::<T, E>(out)),
        CacheOut::Candle { cos, sin } => CacheOut::Candle {
            cos: concrete::<T, E>(cos),
            sin: concrete::<T, E>(sin),
        },
        CacheOut::HuggingFace { cos, sin } => CacheOut::HuggingFace {
            cos: concrete::<T, E>(cos),
            sin: concrete::<T, E>(sin),
        },
    };
    // A loop rather than closures: a closure does not inherit the target features of the
    // function it is written in, so the vector angles would not inline into it.
    for (k, (row_c, row_s)) in out.rows(n).enumerate().take(tokens) {
        angles.token(&half, position(k), coefficients);
        let (c, s) = coefficients.split_at(padded);
        for (row, values) in [(row_c, c), (row_s, s)] {
            if let (Some(first), Some(values)) = (row.get_mut(..n), values.get(..n)) {
                first.copy_from_slice(values);
            }
            repeat_first(row, n);
        }
    }
}
