//! posenc-simd's RoPE (the grouped raw-pointer sweep, its `f16`/`bf16` path and the wide
//! configurations' core path) on arbitrary configurations, shapes, positions and buffers, on
//! every backend of the build: `PreparedRope::apply` in both layouts, `apply_heads` and
//! `cache` in every layout, data of `f32`, `f64`, `f16` and `bf16`.
//!
//! An `Err` must leave every buffer bit-identical and be the same error on every backend; an
//! `Ok` must keep the tail past `rotary_dim`, give finite values where the inputs are finite
//! and cannot overflow, agree with the core's rotation (`Rope::apply`, `cache_row`, in `f64`)
//! within the verify suite's fast-path bounds inside the SPEC's domain, and be the same bits
//! on one backend whichever way the block is given (either layout, head slices) and whichever
//! cache layout holds the values.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_core::{Element, Error, Rope, bf16, f16};
use posenc_fuzz::rope::{Oracle, builder, factor_lists, value};
use posenc_fuzz::{number, same_error};
use posenc_simd::{Backend, CacheLayout, HeadLayout, PreparedRope, TokenPositions, row_position};

/// The most values one call's block holds (tokens are cut to fit).
const MAX_BLOCK: usize = 1 << 14;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((lists, split)) = factor_lists(&mut u) else {
        return;
    };
    // One time in sixteen wider than posenc-simd's buffers (256 pairs): the core's path.
    let wide = u.ratio(1u8, 16u8).unwrap_or(false);
    let Ok(b) = builder(&mut u, &lists, split, if wide { 600 } else { 140 }) else {
        return;
    };
    let Ok(rope) = b.build() else { return };
    let hd = rope.head_dim();
    let heads = u.int_in_range(0usize..=9).unwrap_or(1);
    let tokens = u
        .int_in_range(0usize..=40)
        .unwrap_or(1)
        .min(MAX_BLOCK / (heads * hd).max(1));
    let list: Vec<f64> = (0..tokens).map(|_| number(&mut u).unwrap_or(0.0)).collect();
    let given = match u.int_in_range(0u8..=3).unwrap_or(0) {
        0 => TokenPositions::from_start(number(&mut u).unwrap_or(0.0)),
        1 => TokenPositions::Consecutive {
            start: number(&mut u).unwrap_or(0.0),
            first: posenc_fuzz::first_row(&mut u),
        },
        _ => TokenPositions::Each(&list),
    };
    let op = u.int_in_range(0u8..=2).unwrap_or(0);
    let kind = u.int_in_range(0u8..=3).unwrap_or(0);
    let mut backends = vec![Backend::detect(), Backend::portable()];
    backends.extend(Backend::vector());
    let call = Call {
        rope: &rope,
        oracle: Oracle::new(&rope),
        backends,
        heads,
        tokens,
        given,
    };
    match (op, kind) {
        (0, 0) => call.apply::<f32>(&mut u),
        (0, 1) => call.apply::<f64>(&mut u),
        (0, 2) => call.apply::<f16>(&mut u),
        (0, _) => call.apply::<bf16>(&mut u),
        (1, 0) => call.apply_heads::<f32>(&mut u),
        (1, 1) => call.apply_heads::<f64>(&mut u),
        (1, 2) => call.apply_heads::<f16>(&mut u),
        (1, _) => call.apply_heads::<bf16>(&mut u),
        (_, 0) => call.cache::<f32>(&mut u),
        (_, 1) => call.cache::<f64>(&mut u),
        (_, 2) => call.cache::<f16>(&mut u),
        (_, _) => call.cache::<bf16>(&mut u),
    }
});

/// One fuzzed call's configuration, shape and positions.
struct Call<'r> {
    rope: &'r Rope<'r>,
    oracle: Oracle<'r>,
    backends: Vec<Backend>,
    heads: usize,
    tokens: usize,
    given: TokenPositions<'r>,
}

/// The values' bits, for comparisons that tell 0 from −0 and see NaNs.
fn bits<T: Element>(x: &[T]) -> Vec<u64> {
    x.iter().map(|v| v.to_f64().to_bits()).collect()
}

/// A buffer length: usually `needed`, else any up to a token past twice it.
fn length(u: &mut Unstructured<'_>, needed: usize, unit: usize) -> usize {
    if u.ratio(3u8, 4u8).unwrap_or(true) {
        needed
    } else {
        u.int_in_range(0..=2 * needed + unit).unwrap_or(0)
    }
}

/// `x` of `tokens × heads` vectors of `hd` values from `[tokens, heads, hd]` to
/// `[heads, tokens, hd]`.
fn transpose<T: Copy>(x: &[T], tokens: usize, heads: usize, hd: usize) -> Vec<T> {
    let mut out = x.to_vec();
    for k in 0..tokens {
        for h in 0..heads {
            let (from, to) = ((k * heads + h) * hd, (h * tokens + k) * hd);
            out[to..to + hd].copy_from_slice(&x[from..from + hd]);
        }
    }
    out
}

impl Call<'_> {
    /// The position of token `k` of a call that succeeded.
    fn position(&self, k: usize) -> f64 {
        match self.given {
            TokenPositions::Consecutive { start, first } => row_position(start, first + k as u64),
            TokenPositions::Each(list) => list[k],
        }
    }

    /// Panics unless every backend gave `first`'s outcome (the same error, bit for bit).
    fn same_outcome(&self, results: &[Result<(), Error>], what: &str) {
        for (backend, r) in self.backends.iter().zip(results) {
            let same = match (&results[0], r) {
                (Ok(()), Ok(())) => true,
                (Err(a), Err(b)) => same_error(a, b),
                _ => false,
            };
            assert!(
                same,
                "{what}: {} gave {r:?}, {} {:?}",
                backend.name(),
                self.backends[0].name(),
                results[0]
            );
        }
    }

    /// `rope_apply` on `[tokens, heads, hd]` and on its transpose `[heads, tokens, hd]`.
    fn apply<T: Element>(&self, u: &mut Unstructured<'_>) {
        let (hd, heads, tokens) = (self.rope.head_dim(), self.heads, self.tokens);
        let len = length(u, tokens * heads * hd, heads * hd);
        let x0: Vec<T> = (0..len).map(|_| T::from_f64(value(u))).collect();
        let unit = heads * hd;
        // Whole tokens (for a `Consecutive` call as many as the buffer holds): the same block
        // as `[heads, tokens, hd]`.
        let whole = (unit > 0 && len.is_multiple_of(unit)).then(|| len / unit);
        let x1 = match whole {
            Some(done) => transpose(&x0, done, heads, hd),
            None => x0.clone(),
        };
        let mut results = Vec::new();
        for &backend in &self.backends {
            let prepared = PreparedRope::with_backend(self.rope, backend);
            let (mut th, mut ht) = (x0.clone(), x1.clone());
            let r_th = prepared.apply(HeadLayout::TokensHeads, heads, self.given, &mut th);
            let r_ht = prepared.apply(HeadLayout::HeadsTokens, heads, self.given, &mut ht);
            let what = || {
                format!(
                    "{} {} {:?} heads {heads}",
                    backend.name(),
                    T::NAME,
                    self.rope
                )
            };
            match (&r_th, &r_ht) {
                (Ok(()), Ok(())) => {
                    for (k, token) in th.chunks_exact(unit.max(1)).enumerate() {
                        let p = self.position(k);
                        for (h, after) in token.chunks_exact(hd).enumerate() {
                            let at = (k * heads + h) * hd;
                            let what = || format!("{} token {k} head {h}", what());
                            self.oracle
                                .assert_rotated(p, &x0[at..at + hd], after, &what);
                        }
                    }
                    if let Some(done) = whole {
                        assert!(
                            bits(&transpose(&th, done, heads, hd)) == bits(&ht),
                            "{}: the layouts differ",
                            what()
                        );
                    }
                }
                (Err(a), Err(b)) => {
                    assert!(same_error(a, b), "{}: {a:?} vs {b:?}", what());
                    assert!(bits(&th) == bits(&x0), "{}: written on {a:?}", what());
                    assert!(bits(&ht) == bits(&x1), "{}: written on {b:?}", what());
                }
                _ => panic!("{}: the layouts gave {r_th:?} and {r_ht:?}", what()),
            }
            results.push(r_th);
        }
        self.same_outcome(&results, "apply");
    }

    /// `apply_heads` on one `[tokens, hd]` slice per head, one of them sometimes of another
    /// length; the same bits as `apply` on `[heads, tokens, hd]`.
    fn apply_heads<T: Element>(&self, u: &mut Unstructured<'_>) {
        let (hd, heads, tokens) = (self.rope.head_dim(), self.heads, self.tokens);
        let mut lens = vec![tokens * hd; heads];
        if let (Ok(true), Some(one)) = (u.ratio(1u8, 4u8), lens.first()) {
            let i = u.int_in_range(0..=heads - 1).unwrap_or(0);
            lens[i] = length(u, *one, hd);
        }
        let x0: Vec<Vec<T>> = lens
            .iter()
            .map(|&n| (0..n).map(|_| T::from_f64(value(u))).collect())
            .collect();
        let mut results = Vec::new();
        for &backend in &self.backends {
            let prepared = PreparedRope::with_backend(self.rope, backend);
            let mut x = x0.clone();
            let mut slices: Vec<&mut [T]> = x.iter_mut().map(Vec::as_mut_slice).collect();
            let result = prepared.apply_heads(self.given, &mut slices);
            let what = || {
                format!(
                    "{} {} {:?} heads {lens:?}",
                    backend.name(),
                    T::NAME,
                    self.rope
                )
            };
            match &result {
                Ok(()) => {
                    for (h, (after, before)) in x.iter().zip(&x0).enumerate() {
                        let rows = after.chunks_exact(hd).zip(before.chunks_exact(hd));
                        for (k, (after, before)) in rows.enumerate() {
                            let what = || format!("{} token {k} head {h}", what());
                            self.oracle
                                .assert_rotated(self.position(k), before, after, &what);
                        }
                    }
                    // The same bits as the block [heads, tokens, hd] in one slice.
                    let mut block: Vec<T> = x0.concat();
                    prepared
                        .apply(HeadLayout::HeadsTokens, heads, self.given, &mut block)
                        .unwrap_or_else(|e| panic!("{}: apply_heads Ok, apply {e:?}", what()));
                    assert!(
                        bits(&block) == bits(&x.concat()),
                        "{}: head slices differ from the block",
                        what()
                    );
                }
                Err(e) => assert!(
                    bits(&x.concat()) == bits(&x0.concat()),
                    "{}: written on {e:?}",
                    what()
                ),
            }
            results.push(result);
        }
        self.same_outcome(&results, "apply_heads");
    }

    /// `cache` in every layout: the values within the bound of the core's cache row, the same
    /// values in the three layouts.
    fn cache<T: Element>(&self, u: &mut Unstructured<'_>) {
        let (n, tokens) = (self.rope.pairs(), self.tokens);
        let r = 2 * n;
        let vllm_len = length(u, tokens * r, r);
        let candle = (length(u, tokens * n, n), length(u, tokens * n, n));
        let hf = (length(u, tokens * r, r), length(u, tokens * r, r));
        let fill = T::from_f64(value(u));
        let mut results = Vec::new();
        for &backend in &self.backends {
            let prepared = PreparedRope::with_backend(self.rope, backend);
            let what = |layout: CacheLayout| {
                format!("{} {} {:?} {layout:?}", backend.name(), T::NAME, self.rope)
            };
            let mut tables = Vec::new();
            for (layout, (a, b)) in [
                (CacheLayout::Vllm, (vllm_len, 0)),
                (CacheLayout::Candle, candle),
                (CacheLayout::HuggingFace, hf),
            ] {
                let (mut first, mut second) = (vec![fill; a], vec![fill; b]);
                let result = prepared.cache(layout, self.given, &mut first, &mut second);
                if let Err(e) = &result {
                    let untouched = first
                        .iter()
                        .chain(&second)
                        .all(|v| bits(&[*v]) == bits(&[fill]));
                    assert!(untouched, "{}: written on {e:?}", what(layout));
                }
                results.push(result);
                tables.push(result.ok().map(|()| (first, second)));
            }
            // Each layout's rows as (cos, sin) of the pairs, checked against the core.
            let rows = |layout: usize, k: usize| -> Option<(Vec<T>, Vec<T>)> {
                let (first, second) = tables[layout].as_ref()?;
                Some(match layout {
                    0 => (
                        first[k * r..][..n].to_vec(),
                        first[k * r + n..][..n].to_vec(),
                    ),
                    1 => (first[k * n..][..n].to_vec(), second[k * n..][..n].to_vec()),
                    _ => {
                        let (c, s) = (&first[k * r..][..r], &second[k * r..][..r]);
                        assert!(
                            bits(&c[..n]) == bits(&c[n..]) && bits(&s[..n]) == bits(&s[n..]),
                            "{}: token {k}: the halves differ",
                            what(CacheLayout::HuggingFace)
                        );
                        (c[..n].to_vec(), s[..n].to_vec())
                    }
                })
            };
            let counts: Vec<usize> = tables
                .iter()
                .zip([r, n, r])
                .map(|(t, w)| t.as_ref().map_or(0, |(first, _)| first.len() / w.max(1)))
                .collect();
            for k in 0..counts.iter().copied().max().unwrap_or(0) {
                let mut seen: Option<(Vec<T>, Vec<T>)> = None;
                for (layout, &count) in counts.iter().enumerate() {
                    if k >= count {
                        continue;
                    }
                    let Some((cos, sin)) = rows(layout, k) else {
                        continue;
                    };
                    match &seen {
                        None => {
                            let what = || format!("{} token {k}", what(CacheLayout::Vllm));
                            self.oracle
                                .assert_cache_row(self.position(k), &cos, &sin, &what);
                        }
                        Some((c, s)) => assert!(
                            bits(c) == bits(&cos) && bits(s) == bits(&sin),
                            "{}: token {k}: the layouts' values differ",
                            what(CacheLayout::Candle)
                        ),
                    }
                    seen = Some((cos, sin));
                }
            }
        }
        // Per layout, the same outcome on every backend.
        for layout in 0..3 {
            let per: Vec<Result<(), Error>> =
                results.iter().skip(layout).step_by(3).cloned().collect();
            self.same_outcome(&per, "cache");
        }
    }
}
