//! The golden-file check shared by `golden.rs` and `baseline_lanes.rs`.
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeMap;

use posenc_simd::{Column, Encoding, portable};
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

/// One backend's `f32` and `f64` rows at a position, by way of all four entry points: the
/// block and position-list forms must give the single row's bits.
pub trait Backend {
    const NAME: &'static str;
    fn row<T: posenc_simd::Element>(enc: &Encoding, position: f64, out: &mut [T]);
}

pub struct Vector;
impl Backend for Vector {
    const NAME: &'static str = "crate root (vector path unless scalar-math)";
    fn row<T: posenc_simd::Element>(enc: &Encoding, position: f64, out: &mut [T]) {
        posenc_simd::encode_row(enc, position, out).unwrap();
        check_forms(enc, position, out, |e, s, f, o| {
            posenc_simd::encode_rows(e, s, f, o)
        });
        let mut listed = vec![T::default(); out.len()];
        posenc_simd::encode_positions(enc, &[position], &mut listed).unwrap();
        assert_eq!(listed, out, "encode_positions differs from encode_row");
    }
}

pub struct Portable;
impl Backend for Portable {
    const NAME: &'static str = "portable path";
    fn row<T: posenc_simd::Element>(enc: &Encoding, position: f64, out: &mut [T]) {
        portable::encode_row(enc, position, out).unwrap();
        check_forms(enc, position, out, |e, s, f, o| {
            portable::encode_rows(e, s, f, o)
        });
        let mut listed = vec![T::default(); out.len()];
        portable::encode_positions(enc, &[position], &mut listed).unwrap();
        assert_eq!(listed, out, "encode_positions differs from encode_row");
    }
}

/// Where the position is an integer, the row is also row `position` of the table starting at 0,
/// written in a block of three rows around it.
fn check_forms<T: posenc_simd::Element>(
    enc: &Encoding,
    position: f64,
    row: &[T],
    rows: impl Fn(&Encoding, f64, u64, &mut [T]) -> Result<(), posenc_simd::Error>,
) {
    if position.fract() != 0.0 || position < 1.0 {
        return;
    }
    let d = enc.d_model();
    let mut block = vec![T::default(); 3 * d];
    rows(enc, 0.0, position as u64 - 1, &mut block).unwrap();
    assert_eq!(&block[d..2 * d], row, "encode_rows differs from encode_row");
}

pub fn check<B: Backend>() {
    let rows = golden::rows();
    let mut worst: BTreeMap<(String, &str), Worst> = BTreeMap::new();
    let mut failures = Vec::new();
    // Consecutive golden rows share a configuration and position: encode each such row once.
    let mut encoded: Option<(Encoding, f64, Vec<f32>, Vec<f64>)> = None;
    for row in &rows {
        let enc = encoding(row);
        let fresh = match &encoded {
            Some((e, p, _, _)) => *e != enc || p.to_bits() != row.position.to_bits(),
            None => true,
        };
        if fresh {
            let mut row32 = vec![0.0f32; row.d_model];
            let mut row64 = vec![0.0f64; row.d_model];
            B::row(&enc, row.position, &mut row32);
            B::row(&enc, row.position, &mut row64);
            encoded = Some((enc, row.position, row32, row64));
        }
        let (_, _, row32, row64) = encoded.as_ref().expect("encoded above");

        let at = || format!("{} p={} col={}", row.case, row.position, row.column);
        let err32 = (f64::from(row32[row.column]) - row.exact).abs();
        let err64 = (row64[row.column] - row.exact).abs();
        let bound64 = f64_bound(theta(&enc, row));
        worst
            .entry((row.layout.clone(), "f32"))
            .or_default()
            .record(err32, BACKEND_F32, at);
        worst
            .entry((row.layout.clone(), "f64"))
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
    println!("{} vs golden ({} rows):", B::NAME, rows.len());
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
    assert_eq!(worst.len(), 6, "golden file lacks a layout");
}
