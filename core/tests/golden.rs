//! Every row of the golden file, through every single-position entry point, `f32` and `f64`.

use std::collections::BTreeMap;

use posenc_core::{Column, Encoding, Layout};
use posenc_testkit::bounds::{CORE_F32, GOLDEN_PARSE, f64_bound};
use posenc_testkit::golden::{self, GoldenRow, Worst};

fn encoding(row: &GoldenRow) -> Encoding {
    Encoding::builder(row.d_model)
        .layout(row.layout.parse().expect("golden layout"))
        .base(row.base)
        .shift(row.shift)
        .scale(row.scale)
        .build()
        .expect("golden configuration is valid")
}

fn theta(enc: &Encoding, row: &GoldenRow) -> f64 {
    match enc
        .layout()
        .column(enc.d_model(), row.column)
        .expect("golden column")
    {
        Column::Sin(pair) | Column::Cos(pair) => enc.angle(pair, row.position).unwrap(),
        Column::Zero => 0.0,
    }
}

#[test]
fn core_meets_the_spec_bounds_on_every_golden_row() {
    let rows = golden::rows();
    let mut worst: BTreeMap<(String, &str), Worst> = BTreeMap::new();
    let mut failures = Vec::new();
    for row in &rows {
        let enc = encoding(row);
        let mut row32 = vec![0.0f32; row.d_model];
        let mut row64 = vec![0.0f64; row.d_model];
        enc.encode(row.position, &mut row32).unwrap();
        enc.encode(row.position, &mut row64).unwrap();
        let value = enc.value(row.position, row.column).unwrap();
        assert_eq!(value, row64[row.column], "value() and encode() disagree");

        let at = || format!("{} p={} col={}", row.case, row.position, row.column);
        let err32 = (f64::from(row32[row.column]) - row.exact).abs();
        let err64 = (row64[row.column] - row.exact).abs();
        let bound64 = f64_bound(theta(&enc, row));
        worst
            .entry((row.layout.clone(), "f32"))
            .or_default()
            .record(err32, CORE_F32, at);
        worst
            .entry((row.layout.clone(), "f64"))
            .or_default()
            .record(err64, bound64, at);
        // The parsed golden value may be off by GOLDEN_PARSE; require the margin for it.
        if err32 + GOLDEN_PARSE > CORE_F32 {
            failures.push(format!("f32 {}: error {err32:e}", at()));
        }
        if err64 + GOLDEN_PARSE > bound64 {
            failures.push(format!("f64 {}: error {err64:e} > {bound64:e}", at()));
        }
    }
    println!("core vs golden ({} rows):", rows.len());
    for ((layout, ty), w) in &worst {
        println!(
            "  {layout:>14} {ty}: worst |err| = {:.3e} = 2^{:.2}, {:.3} of the bound (at {})",
            w.error,
            w.error.log2(),
            w.of_bound,
            w.at.as_deref().unwrap_or("-")
        );
    }
    assert!(
        failures.is_empty(),
        "{} rows out of bound:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let layouts: Vec<Layout> = worst.keys().map(|(l, _)| l.parse().unwrap()).collect();
    for layout in Layout::ALL {
        assert!(
            layouts.contains(&layout),
            "golden file has no {layout} rows"
        );
    }
}
