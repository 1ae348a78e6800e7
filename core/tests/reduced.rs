//! The core's `f16` and `bf16` against both golden files: every value within the SPEC's
//! core bound for reduced-precision outputs, half an ulp at 1.0 (2^−11, 2^−8) with no
//! `+ 2^−23` (cache values times max(1, a)). The worst fraction of the bound is printed
//! (`cargo test -p posenc-core --test reduced -- --nocapture`).

use posenc_core::{Element, bf16, f16};
use posenc_testkit::bounds::GOLDEN_PARSE;
use posenc_testkit::golden::{self, Worst};
use posenc_testkit::reduced;
use posenc_testkit::rope_golden;

/// Every golden row's encoding in `T`; returns the worst error as a fraction of the bound.
fn table<T: Element>() -> Worst {
    let mut worst = Worst::default();
    let mut failures = Vec::new();
    for row in golden::rows() {
        let mut out = vec![T::default(); row.encoding.d_model()];
        row.encoding
            .encode(row.position, &mut out)
            .expect("a golden row");
        let bound = reduced::core_value(T::MANTISSA_BITS);
        for (j, (v, exact)) in out.iter().zip(&row.exact).enumerate() {
            let error = (v.to_f64() - exact).abs();
            worst.record(error, bound, || row.at(j));
            if error + GOLDEN_PARSE > bound {
                failures.push(format!("{} {}: {error:e} > {bound:e}", T::NAME, row.at(j)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    worst
}

/// Every `rope.csv` row's cache values `a·cos θ_i`, `a·sin θ_i` from the core's
/// `cache_row` in `T`.
fn cache<T: Element>() -> Worst {
    let mut worst = Worst::default();
    let mut failures = Vec::new();
    for case in rope_golden::cases() {
        let n = case.rope.pairs();
        let mut out = vec![T::default(); 2 * n];
        for row in &case.rows {
            case.rope
                .cache_row(row.position, &mut out)
                .expect("a golden position");
            let a = row.attention;
            let bound = reduced::core_cache(T::MANTISSA_BITS, a);
            let got = [out[row.pair], out[n + row.pair]];
            for (v, exact) in got.iter().zip([a * row.cos, a * row.sin]) {
                let error = (v.to_f64() - exact).abs();
                let at = || format!("{} p={} pair {}", case.name, row.position, row.pair);
                worst.record(error, bound, at);
                // The margin: the golden values' parse and their product with a in f64.
                if error + 4.0 * GOLDEN_PARSE * a.max(1.0) > bound {
                    failures.push(format!("{} {}: {error:e} > {bound:e}", T::NAME, at()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    worst
}

/// Prints the worst errors of both types and checks that they are not vacuous: one rounding
/// to the type is seen (above a quarter of its half ulp).
fn report(what: &str, worst: [(&str, Worst); 2]) {
    for (name, w) in worst {
        println!(
            "core {name} {what}: worst |err| {:.3e}, {:.3} of the core bound (at {})",
            w.error,
            w.of_bound,
            w.at.as_deref().unwrap_or("-")
        );
        assert!(w.of_bound > 0.25, "{name}: {}", w.of_bound);
    }
}

#[test]
fn reduced_tables_meet_the_core_bound_on_every_golden_row() {
    report(
        "table",
        [("f16", table::<f16>()), ("bf16", table::<bf16>())],
    );
}

#[test]
fn reduced_caches_meet_the_core_bound_on_every_rope_golden_row() {
    report(
        "cache",
        [("f16", cache::<f16>()), ("bf16", cache::<bf16>())],
    );
}

/// RoPE applied to `f16`/`bf16` vectors: the arithmetic in `f64` and one rounding, so the
/// result is the core's `f64` rotation of the same (widened) inputs rounded once.
#[test]
fn reduced_apply_is_the_f64_rotation_rounded_once() {
    let rope = posenc_core::RopePreset::Llama2.rope().expect("a preset");
    let hd = rope.head_dim();
    for p in [0.0, 3.0, 4095.0, 100_000.5] {
        let x: Vec<f64> = (0..hd)
            .map(|i| ((i * 37) % 19) as f64 / 8.0 - 1.0)
            .collect();
        let mut wide = x.clone();
        rope.apply(p, &mut wide).expect("a position");
        let mut h: Vec<f16> = x.iter().map(|&v| Element::from_f64(v)).collect();
        let mut b: Vec<bf16> = x.iter().map(|&v| Element::from_f64(v)).collect();
        // The inputs are exact in both types (multiples of 1/8 in [-1, 1.25]).
        assert!(h.iter().zip(&x).all(|(h, x)| h.to_f64() == *x));
        rope.apply(p, &mut h).expect("a position");
        rope.apply(p, &mut b).expect("a position");
        for ((w, h), b) in wide.iter().zip(&h).zip(&b) {
            assert_eq!(*h, <f16 as Element>::from_f64(*w), "p={p}");
            assert_eq!(*b, <bf16 as Element>::from_f64(*w), "p={p}");
        }
    }
}
