//! The RoPE builder (`Rope::builder` … `build`) on arbitrary parameters of every scaling, then
//! `apply`, `apply_heads`, `apply_inverse` and `cache_row` on arbitrary buffers and positions.
//! A build either succeeds with a configuration whose accessors keep the SPEC's invariants, or
//! fails with an error; a call either fails and leaves its buffer untouched, or rotates each
//! pair keeping its norm times the attention factor, keeps the tail's bits, and writes cache
//! values of magnitude at most the attention factor (a huge attention factor may overflow them
//! to ±∞, never to NaN).
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_fuzz::number;
use posenc_fuzz::rope::{builder, factor_lists};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((lists, split)) = factor_lists(&mut u) else {
        return;
    };
    let Ok(b) = builder(&mut u, &lists, split, 300) else {
        return;
    };
    let Ok(rope) = b.build() else { return };
    let (h, r) = (rope.head_dim(), rope.rotary_dim());
    assert!(r >= 2 && r % 2 == 0 && r <= h, "{rope:?}");
    let a = rope.attention_factor();
    assert!(a.is_finite() && a > 0.0, "{rope:?}");
    let Ok(position) = number(&mut u) else { return };
    let heads = u.int_in_range(0usize..=3).unwrap_or(1);
    let len = if u.arbitrary().unwrap_or(true) {
        heads * h
    } else {
        u.int_in_range(0usize..=4 * h).unwrap_or(0)
    };
    let before: Vec<f64> = (0..len)
        .map(|_| f64::from(u.arbitrary::<i16>().unwrap_or(0)) / 32768.0)
        .collect();

    // apply_heads in f64: on error untouched; else norms times a, tail kept.
    let mut x = before.clone();
    match rope.apply_heads(position, &mut x) {
        Err(_) => assert_eq!(x, before, "apply_heads wrote on error"),
        Ok(()) => {
            for head in 0..len / h {
                for pair in 0..rope.pairs() {
                    let (cu, cv) = rope.pair_columns(pair).expect("pair");
                    let (bu, bv) = (before[head * h + cu], before[head * h + cv]);
                    let (xu, xv) = (x[head * h + cu], x[head * h + cv]);
                    let want = a * bu.hypot(bv);
                    let got = xu.hypot(xv);
                    // A huge attention factor may overflow the values to ±∞, never to NaN.
                    assert!(!xu.is_nan() && !xv.is_nan(), "{rope:?} p={position}: NaN");
                    if !(want * 2.0).is_finite() {
                        continue;
                    }
                    assert!(
                        (got - want).abs() <= 1e-12 * (1.0 + want),
                        "{rope:?} p={position} pair {pair}: norm {got} vs {want}"
                    );
                }
                for j in r..h {
                    assert_eq!(x[head * h + j].to_bits(), before[head * h + j].to_bits());
                }
            }
        }
    }

    // One f32 head, forward and inverse.
    let head: Vec<f32> = before.iter().take(h.min(len)).map(|&v| v as f32).collect();
    let mut y = head.clone();
    if rope.apply(position, &mut y).is_err() {
        assert_eq!(y, head, "apply wrote on error");
    } else if rope.apply_inverse(position, &mut y).is_ok() {
        for (j, (&got, &was)) in y.iter().zip(&head).enumerate() {
            if j >= r {
                assert_eq!(got.to_bits(), was.to_bits());
            }
        }
    }

    // The cache row.
    let mut cache = vec![7.0f32; r];
    if rope.cache_row(position, &mut cache).is_ok() {
        let top = a as f32 * (1.0 + f32::EPSILON);
        assert!(
            cache.iter().all(|v| v.abs() <= top),
            "{rope:?} p={position}: {cache:?}"
        );
    } else {
        assert!(cache.iter().all(|&v| v == 7.0), "cache_row wrote on error");
    }
});
