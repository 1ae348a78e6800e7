//! The golden file, `vectors.csv`, in `f16` and `bf16` through any [`Backend`]: every row
//! by way of the backend's single position and (for integer positions ≥ 1) as the middle row
//! of a three-row table block, each value within the SPEC's reduced-precision bound
//! ([`reduced::table`]: half an ulp at 1.0, plus 2^−23 for every backend but the core). The
//! worst fraction of the bound per layout, type and form is printed
//! (`cargo test -p posenc-verify --test backends reduced -- --nocapture`).

use posenc_core::{Element, Encoding, bf16, f16};
use posenc_testkit::golden::GoldenRow;
use posenc_testkit::reduced;

use crate::backend::{self, Backend};
use crate::golden::{WorstTable, over_rows, record_within};

/// Both forms of one golden row in `T`.
fn forms<B: Backend, T: Element>(
    worst: &mut WorstTable,
    failures: &mut Vec<String>,
    row: &GoldenRow,
) {
    let (enc, position): (&Encoding, f64) = (&row.encoding, row.position);
    let bound = |theta, scaled| reduced::table(T::MANTISSA_BITS, B::IS_CORE, theta, scaled);
    let single: Vec<T> = backend::row::<B, T>(enc, position);
    record_within::<B, T>(worst, failures, row, "row", &single, bound);
    if position.fract() == 0.0 && position >= 1.0 {
        let d = enc.d_model();
        let block: Vec<T> = backend::rows::<B, T>(enc, 0.0, position as u64 - 1, 3);
        record_within::<B, T>(worst, failures, row, "table", &block[d..2 * d], bound);
    }
}

/// Checks backend `B`'s `f16` and `bf16` on every golden row and returns its worst errors.
///
/// # Panics
/// When a value is out of its bound (all such values are listed), or the file lacks a layout
/// or the integer positions of the table form.
#[must_use]
pub fn check<B: Backend>() -> WorstTable {
    over_rows::<B>(|worst, failures, row| {
        forms::<B, f16>(worst, failures, row);
        forms::<B, bf16>(worst, failures, row);
    })
}
