//! The golden-file check shared by `golden.rs` and `baseline_lanes.rs`.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use posenc_simd::{Column, Encoding, portable};
use posenc_testkit::bounds::{BACKEND_F32, GOLDEN_PARSE, f64_bound};
use posenc_testkit::golden::{self, GoldenRow, Worst};

/// The golden row's configuration.
pub fn encoding(row: &GoldenRow) -> Encoding {
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

/// One backend's rows at a position, by way of all four entry points.
pub trait Backend {
    const NAME: &'static str;
    /// The row by `encode_row`; `encode_positions` must give its bits.
    fn row<T: posenc_simd::Element>(enc: &Encoding, position: f64, out: &mut [T]);
    /// Where the position is an integer ≥ 1: the row as row `position` of the table starting at
    /// 0, by `encode_rows` over the three rows around it (and `add_rows` to zeros).
    fn table_row<T: posenc_simd::Element>(enc: &Encoding, position: f64) -> Option<Vec<T>>;
}

pub struct Vector;
impl Backend for Vector {
    const NAME: &'static str = "crate root (vector path unless scalar-math)";
    fn row<T: posenc_simd::Element>(enc: &Encoding, position: f64, out: &mut [T]) {
        posenc_simd::encode_row(enc, position, out).unwrap();
        let mut listed = vec![T::default(); out.len()];
        posenc_simd::encode_positions(enc, &[position], &mut listed).unwrap();
        assert_eq!(listed, out, "encode_positions differs from encode_row");
    }
    fn table_row<T: posenc_simd::Element>(enc: &Encoding, position: f64) -> Option<Vec<T>> {
        table_row(enc, position, posenc_simd::encode_rows)
    }
}

pub struct Portable;
impl Backend for Portable {
    const NAME: &'static str = "portable path";
    fn row<T: posenc_simd::Element>(enc: &Encoding, position: f64, out: &mut [T]) {
        portable::encode_row(enc, position, out).unwrap();
        let mut listed = vec![T::default(); out.len()];
        portable::encode_positions(enc, &[position], &mut listed).unwrap();
        assert_eq!(listed, out, "encode_positions differs from encode_row");
    }
    fn table_row<T: posenc_simd::Element>(enc: &Encoding, position: f64) -> Option<Vec<T>> {
        table_row(enc, position, portable::encode_rows)
    }
}

fn table_row<T: posenc_simd::Element>(
    enc: &Encoding,
    position: f64,
    rows: impl Fn(&Encoding, f64, u64, &mut [T]) -> Result<(), posenc_simd::Error>,
) -> Option<Vec<T>> {
    if position.fract() != 0.0 || position < 1.0 {
        return None;
    }
    let d = enc.d_model();
    let mut block = vec![T::default(); 3 * d];
    rows(enc, 0.0, position as u64 - 1, &mut block).unwrap();
    Some(block[d..2 * d].to_vec())
}

/// Errors of one form (`row` or `table`) of one backend, per layout and type.
type WorstTable = BTreeMap<(String, &'static str, &'static str), Worst>;

#[allow(clippy::too_many_arguments)]
fn record(
    worst: &mut WorstTable,
    failures: &mut Vec<String>,
    row: &GoldenRow,
    form: &'static str,
    value32: f32,
    value64: f64,
    bound64: f64,
) {
    let at = || format!("{form} {} p={} col={}", row.case, row.position, row.column);
    let err32 = (f64::from(value32) - row.exact).abs();
    let err64 = (value64 - row.exact).abs();
    worst
        .entry((row.layout.clone(), "f32", form))
        .or_default()
        .record(err32, BACKEND_F32, at);
    worst
        .entry((row.layout.clone(), "f64", form))
        .or_default()
        .record(err64, bound64, at);
    // The parsed golden value may be off by GOLDEN_PARSE; require the margin for it.
    if err32 + GOLDEN_PARSE > BACKEND_F32 {
        failures.push(format!("f32 {}: error {err32:e}", at()));
    }
    if err64 + GOLDEN_PARSE > bound64 {
        failures.push(format!("f64 {}: error {err64:e} > {bound64:e}", at()));
    }
}

pub fn check<B: Backend>() {
    let rows = golden::rows();
    let mut worst = WorstTable::new();
    let mut failures = Vec::new();
    // Consecutive golden rows share a configuration and position: encode each such row once.
    type Encoded = (
        Encoding,
        f64,
        Vec<f32>,
        Vec<f64>,
        Option<(Vec<f32>, Vec<f64>)>,
    );
    let mut encoded: Option<Encoded> = None;
    for row in &rows {
        let enc = encoding(row);
        let fresh = match &encoded {
            Some((e, p, ..)) => *e != enc || p.to_bits() != row.position.to_bits(),
            None => true,
        };
        if fresh {
            let mut row32 = vec![0.0f32; row.d_model];
            let mut row64 = vec![0.0f64; row.d_model];
            B::row(&enc, row.position, &mut row32);
            B::row(&enc, row.position, &mut row64);
            let table = B::table_row::<f32>(&enc, row.position)
                .zip(B::table_row::<f64>(&enc, row.position));
            if let Some((_, table64)) = &table {
                // f64 tables are never stepped: the same bits as single rows.
                assert_eq!(table64, &row64, "f64 table row differs from encode_row");
            }
            encoded = Some((enc, row.position, row32, row64, table));
        }
        let (_, _, row32, row64, table) = encoded.as_ref().expect("encoded above");
        let bound64 = f64_bound(theta(&enc, row));
        let j = row.column;
        record(
            &mut worst,
            &mut failures,
            row,
            "row",
            row32[j],
            row64[j],
            bound64,
        );
        if let Some((table32, table64)) = table {
            record(
                &mut worst,
                &mut failures,
                row,
                "table",
                table32[j],
                table64[j],
                bound64,
            );
        }
    }
    println!("{} vs golden ({} rows):", B::NAME, rows.len());
    for ((layout, ty, form), w) in &worst {
        println!(
            "  {layout:>14} {ty} {form:>5}: worst |err| = {:.3e} = 2^{:.2}, {:.3} of the bound (at {})",
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
    assert_eq!(
        worst.len(),
        12,
        "golden file lacks a layout or integer positions"
    );
}
