//! The golden file `vectors.csv`: exact values at 60 digits (printed to 25), one a line.
//! `golden/generate.py` (Python, `mpmath`) computes them; it is not run by CI.
//!
//! The repository keeps byte-identical copies of the SPEC's golden files in `testkit/golden/`,
//! so that a clone alone passes its tests; `tests/golden_copies.rs` checks them against
//! the SPEC's own golden folder (`shared/golden` beside the checkout) wherever it exists.

use std::path::{Path, PathBuf};

use posenc_core::{Encoding, Layout};

/// One row of the encoding's golden file, `vectors.csv`: a case's row at one position, every
/// column of it.
///
/// The file holds one value a line, position by position; consecutive lines of a case and
/// position are gathered here, and the case's [`Encoding`] is built once.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldenRow {
    /// The case's name.
    pub case: String,
    /// The configuration the file states (layout, `d_model`, base, shift, scale).
    pub encoding: Encoding,
    /// Position p.
    pub position: f64,
    /// The exact value of every column, each rounded to the nearest f64 (within 2^-54 of the
    /// 60-digit value for values in [−1, 1]; [`bounds::GOLDEN_PARSE`](crate::bounds::GOLDEN_PARSE)
    /// accounts for it).
    pub exact: Vec<f64>,
}

impl GoldenRow {
    /// Where a value of this row is, for failure messages: `case p=… col=…`.
    #[must_use]
    pub fn at(&self, column: usize) -> String {
        format!("{} p={} col={column}", self.case, self.position)
    }
}

/// The folder of the repository's copies of the golden files, `testkit/golden`.
#[must_use]
pub fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden")
}

/// Where the encoding's golden file is: `$POSENC_GOLDEN` if set, else the repository's copy
/// `testkit/golden/vectors.csv`.
#[must_use]
pub fn path() -> PathBuf {
    if let Some(path) = std::env::var_os("POSENC_GOLDEN") {
        return PathBuf::from(path);
    }
    folder().join("vectors.csv")
}

/// The text of the golden file at `path`, whose first line must be `header`.
///
/// # Panics
/// When the file cannot be read or its header differs.
pub(crate) fn read(path: &Path, header: &str) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the golden file {}: {e}", path.display()));
    assert_eq!(
        text.lines().next(),
        Some(header),
        "the header of {} changed",
        path.display()
    );
    text
}

/// A number of the golden file's `line`.
///
/// # Panics
/// When `s` is not a number.
pub(crate) fn number(s: &str, line: &str) -> f64 {
    s.parse()
        .unwrap_or_else(|e| panic!("bad number {s:?} in {line}: {e}"))
}

/// Every row of the golden file, in the file's order.
///
/// # Panics
/// When the file is missing or malformed, or a row lacks a column: a golden test that cannot
/// read its file must fail, never pass on no rows.
#[must_use]
pub fn rows() -> Vec<GoldenRow> {
    let text = read(
        &path(),
        "case,layout,d_model,base,shift,scale,position,column,exact",
    );
    let mut lines = text.lines();
    lines.next();
    let mut rows: Vec<GoldenRow> = Vec::new();
    let mut values = 0usize;
    for line in lines.filter(|line| !line.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "malformed golden row: {line}");
        let num = |s: &str| number(s, line);
        let (position, column, exact) = (num(f[6]), f[7].parse::<usize>(), num(f[8]));
        let column = column.unwrap_or_else(|e| panic!("bad column in {line}: {e}"));
        let same_row = rows.last().is_some_and(|row: &GoldenRow| {
            row.case == f[0]
                && row.position.to_bits() == position.to_bits()
                && row.exact.len() < row.encoding.d_model()
        });
        if !same_row {
            let layout = f[1].parse::<Layout>().expect("golden layout");
            let d_model = f[2].parse().expect("d_model");
            let encoding = crate::build_encoding(d_model, layout, num(f[3]), num(f[4]), num(f[5]))
                .unwrap_or_else(|e| panic!("golden configuration {line} is invalid: {e}"));
            rows.push(GoldenRow {
                case: f[0].to_owned(),
                encoding,
                position,
                exact: Vec::new(),
            });
        }
        let row = rows.last_mut().expect("pushed above");
        assert_eq!(
            column,
            row.exact.len(),
            "golden row out of column order: {line}"
        );
        row.exact.push(exact);
        values += 1;
    }
    for row in &rows {
        assert_eq!(
            row.exact.len(),
            row.encoding.d_model(),
            "golden row {} p={} lacks columns",
            row.case,
            row.position
        );
    }
    assert!(values > 1000, "golden file has only {values} values");
    rows
}

/// The worst error seen for one layout and one output type, and where.
#[derive(Debug, Clone, Default)]
pub struct Worst {
    /// The largest `|out − exact|`.
    pub error: f64,
    /// The largest error divided by its bound (1.0 is at the bound).
    pub of_bound: f64,
    /// The row where the error divided by its bound was largest.
    pub at: Option<String>,
}

impl Worst {
    /// Records `error` against `bound` for the row described by `at`.
    pub fn record(&mut self, error: f64, bound: f64, at: impl FnOnce() -> String) {
        self.error = self.error.max(error);
        if error / bound > self.of_bound {
            self.of_bound = error / bound;
            self.at = Some(at());
        }
    }
}
