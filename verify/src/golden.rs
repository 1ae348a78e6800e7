//! The golden file, `vectors.csv`, through any [`Backend`]: every row by way of the backend's
//! single position, and (for integer positions ≥ 1) as the middle row of a three-row table
//! block, in `f32` and `f64`, each value within the backend's bound of exact. The worst error
//! per layout, type and form is printed as a fraction of its bound (the README's table:
//! `cargo test -p posenc-verify --test backends golden -- --nocapture`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use posenc_core::{Element, Encoding, Layout};
use posenc_testkit::bounds::GOLDEN_PARSE;
use posenc_testkit::column_angle;
use posenc_testkit::golden::{self, GoldenRow, Worst};

use crate::backend::{self, Backend};
use crate::relations::value_bound;

/// The worst errors of one backend, by (layout name, type, form): form `row` is the single position,
/// `table` the table block.
pub type WorstTable = BTreeMap<(&'static str, &'static str, &'static str), Worst>;

/// The row of `position` as row `position` of the table at 0 (the middle of a block of three),
/// where `position` is an integer ≥ 1.
fn table_row<B: Backend, T: Element>(enc: &Encoding, position: f64) -> Option<Vec<T>> {
    if position.fract() != 0.0 || position < 1.0 {
        return None;
    }
    let d = enc.d_model();
    let block: Vec<T> = backend::rows::<B, T>(enc, 0.0, position as u64 - 1, 3);
    Some(block[d..2 * d].to_vec())
}

/// Records every value of `got` (one form of one row) and the rows out of bound.
fn record<B: Backend, T: Element>(
    worst: &mut WorstTable,
    failures: &mut Vec<String>,
    row: &GoldenRow,
    form: &'static str,
    got: &[T],
) {
    record_within::<B, T>(worst, failures, row, form, got, value_bound::<B, T>);
}

/// [`record`] against `bound(θ, c·p)`, the bound of a value at angle θ and scaled position
/// `c·p`.
pub(crate) fn record_within<B: Backend, T: Element>(
    worst: &mut WorstTable,
    failures: &mut Vec<String>,
    row: &GoldenRow,
    form: &'static str,
    got: &[T],
    bound: impl Fn(f64, f64) -> f64,
) {
    let enc = &row.encoding;
    let scaled = enc.scale() * row.position;
    for (j, (value, exact)) in got.iter().zip(&row.exact).enumerate() {
        let bound = bound(column_angle(enc, row.position, j), scaled);
        let error = (value.to_f64() - exact).abs();
        worst
            .entry((enc.layout().name(), T::NAME, form))
            .or_default()
            .record(error, bound, || format!("{form} {}", row.at(j)));
        // The parsed golden value may be off by GOLDEN_PARSE; require the margin for it.
        if error + GOLDEN_PARSE > bound {
            failures.push(format!(
                "{} {} {form} {}: {value:?}, |err| {error:e} > {bound:e}",
                B::NAME,
                T::NAME,
                row.at(j)
            ));
        }
    }
}

/// Checks backend `B` on every golden row and returns its worst errors.
///
/// # Panics
/// When a value is out of its bound (all such values are listed), an `f64` table row differs
/// from the single row (`f64` tables are never stepped), the core's `value` differs from its
/// `encode`, or the file lacks a layout or the integer positions of the table form.
#[must_use]
pub fn check<B: Backend>() -> WorstTable {
    over_rows::<B>(|worst, failures, row| {
        let (enc, position) = (&row.encoding, row.position);
        let row32: Vec<f32> = backend::row::<B, f32>(enc, position);
        let row64: Vec<f64> = backend::row::<B, f64>(enc, position);
        record::<B, f32>(worst, failures, row, "row", &row32);
        record::<B, f64>(worst, failures, row, "row", &row64);
        if B::IS_CORE {
            for (j, v) in row64.iter().enumerate() {
                let value = enc.value(position, j).expect("a golden column");
                assert_eq!(
                    value.to_bits(),
                    v.to_bits(),
                    "value() and encode() disagree at {}",
                    row.at(j)
                );
            }
        }
        if let Some(table32) = table_row::<B, f32>(enc, position) {
            record::<B, f32>(worst, failures, row, "table", &table32);
            let table64: Vec<f64> = table_row::<B, f64>(enc, position).expect("as for f32");
            assert!(
                table64 == row64,
                "{}: f64 table row differs from the single row at {}",
                B::NAME,
                row.at(0)
            );
            record::<B, f64>(worst, failures, row, "table", &table64);
        }
    })
}

/// Runs `each` (which records into the table and the failures) on every golden row, then
/// [`finish`]es.
pub(crate) fn over_rows<B: Backend>(
    mut each: impl FnMut(&mut WorstTable, &mut Vec<String>, &GoldenRow),
) -> WorstTable {
    let rows = golden::rows();
    let mut worst = WorstTable::new();
    let mut failures = Vec::new();
    for row in &rows {
        each(&mut worst, &mut failures, row);
    }
    finish::<B>(worst, &failures, &rows)
}

/// Prints the worst errors, then fails with every value out of bound, or when the file lacked
/// a layout or the integer positions of the table form (two types, two forms per layout).
fn finish<B: Backend>(worst: WorstTable, failures: &[String], rows: &[GoldenRow]) -> WorstTable {
    println!("{}", report::<B>(&worst, rows));
    assert!(
        failures.is_empty(),
        "{} values out of bound:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(
        worst.len(),
        Layout::ALL.len() * 2 * 2,
        "the golden file lacks a layout or integer positions"
    );
    worst
}

/// The worst errors as text, one line per layout, type and form.
#[must_use]
pub fn report<B: Backend>(worst: &WorstTable, rows: &[GoldenRow]) -> String {
    let values: usize = rows.iter().map(|row| row.exact.len()).sum();
    let mut text = format!(
        "{} vs golden ({} rows, {values} values):",
        B::NAME,
        rows.len()
    );
    for ((layout, ty, form), w) in worst {
        let _ = write!(
            text,
            "\n  {layout:>14} {ty} {form:>5}: worst |err| = {:.3e} = 2^{:.2}, {:.3} of the bound (at {})",
            w.error,
            w.error.log2(),
            w.of_bound,
            w.at.as_deref().unwrap_or("-")
        );
    }
    text
}
