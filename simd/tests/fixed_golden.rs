//! Every row of the golden file through the `f64`-free path (`posenc_simd::fixed`), `f32`,
//! against the SPEC's backend bound 2^−23. Prints the worst error per layout.

mod common;

use std::collections::BTreeMap;

use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};
use posenc_testkit::bounds::{BACKEND_F32, GOLDEN_PARSE};
use posenc_testkit::golden::{self, Worst};

#[test]
fn fixed_path_meets_the_backend_bound_on_every_golden_row() {
    let rows = golden::rows();
    let mut worst: BTreeMap<String, Worst> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut encoded: Option<(posenc_simd::Encoding, f64, Vec<f32>)> = None;
    for row in &rows {
        let enc = common::encoding(row);
        let fresh = match &encoded {
            Some((e, p, _)) => *e != enc || p.to_bits() != row.position.to_bits(),
            None => true,
        };
        if fresh {
            let mut rates = vec![QuarterTurnRate::default(); enc.pairs()];
            let fixed = FixedEncoding::new(&enc, &mut rates).unwrap();
            let mut out = vec![f32::NAN; enc.d_model()];
            fixed.encode_row(row.position, &mut out).unwrap();
            encoded = Some((enc, row.position, out));
        }
        let (_, _, out) = encoded.as_ref().expect("encoded above");
        let error = (f64::from(out[row.column]) - row.exact).abs();
        let at = || format!("{} p={} col={}", row.case, row.position, row.column);
        worst
            .entry(row.layout.clone())
            .or_default()
            .record(error, BACKEND_F32, at);
        if error + GOLDEN_PARSE > BACKEND_F32 {
            failures.push(format!("{}: error {error:e}", at()));
        }
    }
    println!("fixed (f64-free) path vs golden ({} rows):", rows.len());
    for (layout, w) in &worst {
        println!(
            "  {layout:>14} f32: worst |err| = {:.3e} = 2^{:.2}, {:.3} of the bound (at {})",
            w.error,
            w.error.log2(),
            w.of_bound,
            w.at.as_deref().unwrap_or("-")
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(worst.len(), 3, "golden file lacks a layout");
}
