//! The golden file `vectors.csv`: exact values at 60 digits, one a row.
//!
//! The repository keeps byte-identical copies of the SPEC's golden files in `testkit/golden/`,
//! so that a clone alone passes its tests; `tests/golden_copies.rs` checks them against
//! `../shared/golden` wherever that folder exists.

use std::path::PathBuf;

/// One row of the golden file.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldenRow {
    /// The case's name.
    pub case: String,
    /// The layout's text name (`interleaved`, `split-sin-cos`, `split-cos-sin`).
    pub layout: String,
    /// Columns.
    pub d_model: usize,
    /// Base b.
    pub base: f64,
    /// Shift s.
    pub shift: f64,
    /// Scale c.
    pub scale: f64,
    /// Position p.
    pub position: f64,
    /// Column j.
    pub column: usize,
    /// The exact value, rounded to the nearest f64 (within 2^-54 of the 60-digit value for
    /// values in [−1, 1]; [`bounds::GOLDEN_PARSE`](crate::bounds::GOLDEN_PARSE) accounts for it).
    pub exact: f64,
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

/// Every row of the golden file.
///
/// # Panics
/// When the file is missing or malformed: a golden test that cannot read its file must fail,
/// never pass on no rows.
#[must_use]
pub fn rows() -> Vec<GoldenRow> {
    let path = path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the golden file {}: {e}", path.display()));
    let mut lines = text.lines();
    let header = lines.next().expect("golden file is empty");
    assert_eq!(
        header, "case,layout,d_model,base,shift,scale,position,column,exact",
        "golden file header changed"
    );
    let rows: Vec<GoldenRow> = lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 9, "malformed golden row: {line}");
            let num = |s: &str| -> f64 {
                s.parse()
                    .unwrap_or_else(|e| panic!("bad number {s:?} in {line}: {e}"))
            };
            GoldenRow {
                case: f[0].to_owned(),
                layout: f[1].to_owned(),
                d_model: f[2].parse().expect("d_model"),
                base: num(f[3]),
                shift: num(f[4]),
                scale: num(f[5]),
                position: num(f[6]),
                column: f[7].parse().expect("column"),
                exact: num(f[8]),
            }
        })
        .collect();
    assert!(
        rows.len() > 1000,
        "golden file has only {} rows",
        rows.len()
    );
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
