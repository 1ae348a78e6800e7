//! The numbers `check` reports: the worst error overall and per decade of |position|.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One compared value: the worst of a row, of a decade, or of the whole table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Worst {
    /// `|found − exact|` (infinite for a NaN or infinite value in the file).
    pub(crate) error: f64,
    /// The row of the file.
    pub(crate) row: u64,
    /// The row's position.
    pub(crate) position: f64,
    /// The column.
    pub(crate) column: usize,
    /// The file's value.
    pub(crate) found: f64,
    /// posenc's value.
    pub(crate) exact: f64,
}

/// The rows of one decade of |position| and their worst value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Decade {
    /// How many rows fell in it.
    pub(crate) rows: u64,
    /// The worst of them (the first on ties).
    pub(crate) worst: Worst,
}

/// The running statistics of a check.
#[derive(Debug, Clone)]
pub(crate) struct Stats {
    /// The worst value of the whole table (the first on ties); `None` before any row.
    pub(crate) overall: Option<Worst>,
    /// Per decade: key −1 for |p| < 1, else k for 10^k ≤ |p| < 10^(k+1).
    pub(crate) decades: BTreeMap<i32, Decade>,
    /// The largest |position| seen.
    pub(crate) max_abs_position: f64,
    /// The encoding's scale, for the reference's own error bound.
    scale: f64,
    /// 10^k correctly rounded, k = 0..=308.
    powers: Vec<f64>,
}

/// The largest decimal exponent of a finite `f64`.
const MAX_EXPONENT: i32 = 308;

impl Stats {
    /// Empty statistics for an encoding of the given scale.
    pub(crate) fn new(scale: f64) -> Stats {
        Stats {
            overall: None,
            decades: BTreeMap::new(),
            max_abs_position: 0.0,
            scale,
            powers: (0..=MAX_EXPONENT)
                .map(|k| format!("1e{k}").parse().unwrap_or(f64::INFINITY))
                .collect(),
        }
    }

    /// The decade key of a position: −1 for |p| < 1, else k with 10^k ≤ |p| < 10^(k+1).
    pub(crate) fn decade(&self, position: f64) -> i32 {
        let magnitude = position.abs();
        if magnitude.is_nan() || magnitude < 1.0 {
            return -1;
        }
        let power = |k: i32| self.powers[k as usize];
        // log10 is within one of the answer; the exact powers settle it.
        let mut k = (magnitude.log10().floor() as i32).clamp(0, MAX_EXPONENT);
        while k > 0 && magnitude < power(k) {
            k -= 1;
        }
        while k < MAX_EXPONENT && magnitude >= power(k + 1) {
            k += 1;
        }
        k
    }

    /// Adds the worst value of one row.
    pub(crate) fn add(&mut self, worst: Worst) {
        let key = self.decade(worst.position);
        self.max_abs_position = self.max_abs_position.max(worst.position.abs());
        let decade = self.decades.entry(key).or_insert(Decade { rows: 0, worst });
        decade.rows += 1;
        if worst.error > decade.worst.error {
            decade.worst = worst;
        }
        if self
            .overall
            .is_none_or(|overall| worst.error > overall.error)
        {
            self.overall = Some(worst);
        }
    }

    /// The report: the worst value, then a table of decades.
    pub(crate) fn render(&self) -> String {
        let mut text = String::new();
        let Some(overall) = self.overall else {
            text.push_str("no rows to check\n");
            return text;
        };
        // Writing to a String cannot fail.
        let _ = writeln!(
            text,
            "worst absolute error {} at position {} (row {}), column {}: file has {}, exact is {}",
            error_text(overall.error),
            overall.position,
            overall.row,
            overall.column,
            overall.found,
            overall.exact
        );
        if overall.error > 0.0 {
            let bound = reference_bound(self.scale, overall.position);
            if overall.error < 8.0 * bound {
                let _ = writeln!(
                    text,
                    "  note: the reference itself may be off by up to {bound:.1e} at that position"
                );
            }
        }
        let _ = writeln!(text, "worst absolute error per decade of |position|:");
        let _ = writeln!(
            text,
            "  {:<20} {:>12} {:>12} {:>14} {:>8}",
            "|position|", "rows", "worst error", "at position", "column"
        );
        for (&key, decade) in &self.decades {
            let _ = writeln!(
                text,
                "  {:<20} {:>12} {:>12} {:>14} {:>8}",
                decade_label(key),
                decade.rows,
                error_text(decade.worst.error),
                decade.worst.position,
                decade.worst.column
            );
        }
        text
    }
}

/// The reference's own bound at `position`, 2^-48·(1 + |θ|) with the largest angle
/// θ = scale·position (frequency 0, ω = 1).
pub(crate) fn reference_bound(scale: f64, position: f64) -> f64 {
    (1.0 + (scale * position).abs()) * f64::from(-48i32).exp2()
}

/// An error for the report: three significant digits, `0` for none, `inf` for NaN/inf.
fn error_text(error: f64) -> String {
    if error == 0.0 {
        "0".to_owned()
    } else if error.is_infinite() {
        "inf (NaN/inf)".to_owned()
    } else {
        format!("{error:.2e}")
    }
}

/// `[0, 1)`, `[1, 10)`, ..., `[1e5, 1e6)`.
fn decade_label(key: i32) -> String {
    let power = |k: i32| {
        if k <= 4 {
            10u64.pow(k as u32).to_string()
        } else {
            format!("1e{k}")
        }
    };
    if key < 0 {
        "[0, 1)".to_owned()
    } else {
        format!("[{}, {})", power(key), power(key + 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worst(position: f64, error: f64) -> Worst {
        Worst {
            error,
            row: 0,
            position,
            column: 0,
            found: 0.0,
            exact: 0.0,
        }
    }

    #[test]
    fn decades_split_at_exact_powers_of_ten() {
        let stats = Stats::new(1.0);
        assert_eq!(stats.decade(0.0), -1);
        assert_eq!(stats.decade(-0.999), -1);
        assert_eq!(stats.decade(1.0), 0);
        assert_eq!(stats.decade(9.999_999), 0);
        assert_eq!(stats.decade(10.0), 1);
        assert_eq!(stats.decade(-1000.0), 3);
        assert_eq!(stats.decade(999_999.0), 5);
        assert_eq!(stats.decade(1e6), 6);
        assert_eq!(stats.decade(1e23), 23);
        assert_eq!(stats.decade(f64::MAX), 308);
    }

    #[test]
    fn the_first_worst_is_kept_overall_and_per_decade() {
        let mut stats = Stats::new(1.0);
        stats.add(worst(0.0, 0.0));
        stats.add(worst(5.0, 1e-8));
        stats.add(worst(7.0, 1e-8));
        stats.add(worst(50.0, 3e-8));
        stats.add(worst(60.0, 2e-8));
        assert_eq!(stats.overall.unwrap().position, 50.0);
        assert_eq!(stats.decades[&0].rows, 2);
        assert_eq!(stats.decades[&0].worst.position, 5.0);
        assert_eq!(stats.decades[&1].worst.error, 3e-8);
        assert_eq!(stats.decades[&-1].worst.error, 0.0);
        let text = stats.render();
        assert!(
            text.contains("worst absolute error 3.00e-8 at position 50 (row 0)"),
            "{text}"
        );
        assert!(text.contains("[10, 100)"), "{text}");
    }

    #[test]
    fn labels_and_bounds() {
        assert_eq!(decade_label(-1), "[0, 1)");
        assert_eq!(decade_label(3), "[1000, 10000)");
        assert_eq!(decade_label(4), "[10000, 1e5)");
        assert_eq!(decade_label(6), "[1e6, 1e7)");
        assert_eq!(reference_bound(1.0, 0.0), 2f64.powi(-48));
        assert_eq!(reference_bound(2.0, -1.5), 4.0 * 2f64.powi(-48));
    }
}
