//! Every row of the golden file through this crate's table, position-list and add entry
//! points, `f32` and `f64`, against the SPEC's backend bounds.

use std::collections::BTreeMap;

use posenc_parallel::{
    Column, Element, Encoding, Layout, add_to_embeddings, positions_table, row_position,
};
use posenc_testkit::bounds::{BACKEND_F32, GOLDEN_PARSE, f64_bound};
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

/// A row as each entry point wrote it, named by the entry point.
type Ways<T> = [(&'static str, Vec<T>); 3];

/// The row of `position` written three ways: as row 3 of a table (row 0 where `position − 3`
/// does not give it back exactly), from a list of positions, and added to zeros.
fn three_ways<T: Element>(enc: &Encoding, position: f64) -> Ways<T> {
    let d = enc.d_model();
    let (start, k) = if row_position(position - 3.0, 3) == position {
        (position - 3.0, 3)
    } else {
        (position, 0)
    };
    let mut table = vec![T::default(); d];
    posenc_parallel::Rows::covering(enc, start, k, table.len())
        .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut table))
        .unwrap();
    let listed = positions_table(enc, &[position]).unwrap();
    let mut added = vec![T::default(); d];
    add_to_embeddings(enc, position, &mut added).unwrap();
    [("table", table), ("positions", listed), ("add", added)]
}

#[test]
fn parallel_meets_the_backend_bounds_on_every_golden_row() {
    let rows = golden::rows();
    let mut worst: BTreeMap<(String, &str, &str), Worst> = BTreeMap::new();
    let mut failures = Vec::new();
    // Golden rows come one column at a time; encode each (case, position) once.
    let mut cache: BTreeMap<(String, u64), (Ways<f32>, Ways<f64>)> = BTreeMap::new();
    for row in &rows {
        let enc = encoding(row);
        let (r32, r64) = cache
            .entry((row.case.clone(), row.position.to_bits()))
            .or_insert_with(|| {
                (
                    three_ways(&enc, row.position),
                    three_ways(&enc, row.position),
                )
            });
        let at = || format!("{} p={} col={}", row.case, row.position, row.column);
        let bound64 = f64_bound(theta(&enc, row));
        for (way, out) in r32.iter() {
            let err = (f64::from(out[row.column]) - row.exact).abs();
            worst
                .entry((row.layout.clone(), "f32", way))
                .or_default()
                .record(err, BACKEND_F32, at);
            // The parsed golden value may be off by GOLDEN_PARSE; require the margin for it.
            if err + GOLDEN_PARSE > BACKEND_F32 {
                failures.push(format!("f32 {way} {}: error {err:e}", at()));
            }
        }
        for (way, out) in r64.iter() {
            let err = (out[row.column] - row.exact).abs();
            worst
                .entry((row.layout.clone(), "f64", way))
                .or_default()
                .record(err, bound64, at);
            if err + GOLDEN_PARSE > bound64 {
                failures.push(format!("f64 {way} {}: error {err:e} > {bound64:e}", at()));
            }
        }
    }
    println!("posenc-parallel vs golden ({} rows):", rows.len());
    for ((layout, ty, way), w) in &worst {
        println!(
            "  {layout:>14} {ty} {way:>9}: worst |err| = {:.3e} = 2^{:.2}, {:.3} of the bound (at {})",
            w.error,
            w.error.log2(),
            w.of_bound,
            w.at.as_deref().unwrap_or("-")
        );
    }
    assert!(
        failures.is_empty(),
        "{} values out of bound:\n{}",
        failures.len(),
        failures.join("\n")
    );
    for layout in Layout::ALL {
        assert!(
            worst
                .keys()
                .any(|(l, _, _)| l.parse::<Layout>().unwrap() == layout),
            "golden file has no {layout} rows"
        );
    }
}
