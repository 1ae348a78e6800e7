//! `posenc check`: a `.npy` table from elsewhere against the exact encoding.
//!
//! The file is read a block of rows at a time; each block is compared with posenc's `f64`
//! values of the same rows, computed on the pool. The worst absolute error is kept overall and
//! per decade of |position|, which is where wrong implementations show: an angle formed in
//! `f32` is off by about |θ|·2^-24, harmless at position 10 and useless by 10^6.

use std::io::Read;

use rayon::prelude::*;

use crate::args::CheckArgs;
use crate::config::describe;
use crate::errors::CliError;
use crate::npy::{self, NpyTable};
use crate::output;
use crate::progress;
use crate::report::{Stats, Worst, reference_bound};
use crate::rows::{Checked, Rows, block_rows, blocks};

/// How a check ended, when it could be carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// No `--tolerance`, or the worst error is within it.
    Pass,
    /// The worst error is above `--tolerance`.
    AboveTolerance,
}

/// Runs `posenc check`, printing the report on stdout (a closed pipe is an error, as for
/// `--out -`).
pub(crate) fn run(args: &CheckArgs) -> Result<Outcome, CliError> {
    check_tolerance(args.checked.tolerance)?;
    let path = &args.file;
    let name = format!("'{}'", path.display());
    let (mut reader, table) = crate::input::open_table(path)?;
    if let Some(d) = args.d_model
        && d != table.d_model
    {
        return Err(CliError::invalid(format!(
            "{name} has rows of {} values but --d-model is {d}",
            table.d_model
        )));
    }
    let enc = args.encoding.encoding(table.d_model)?;
    let flags = Rows::from_flags(
        args.checked.positions.as_deref(),
        args.checked.start,
        table.rows,
    )?;
    if flags.count() != table.rows {
        return Err(CliError::invalid(format!(
            "--positions has {} positions but {name} has {} rows",
            flags.count(),
            table.rows
        )));
    }
    let rows = flags.validate(&enc)?;

    let data_bytes = (table.rows.saturating_mul(table.d_model as u64))
        .saturating_mul(table.value_bytes() as u64);
    let bar = progress::bar(data_bytes, args.checked.quiet, "checking");
    let stats = args
        .encoding
        .run_in_pool(|| compare(&mut reader, &table, &enc, &rows, &name, &bar))?;
    bar.finish_and_clear();

    let mut extra = [0u8; 1];
    let after = reader
        .read(&mut extra)
        .map_err(|e| CliError::io(format!("cannot read {name}"), e))?;
    if after != 0 {
        return Err(CliError::invalid(format!(
            "{name} has more data than its shape {} holds",
            npy::shape_text(&table.shape)
        )));
    }

    let mut report = header(&name, &table, &enc, &flags, &rows, &stats);
    report.push_str(&stats.render());
    let outcome = verdict(args.checked.tolerance, stats.overall.as_ref(), &mut report);
    output::print(&report)?;
    Ok(outcome)
}

/// Reads the data block by block and compares it with the encoding.
fn compare(
    reader: &mut impl Read,
    table: &NpyTable,
    enc: &posenc_parallel::Encoding,
    rows: &Checked<'_>,
    name: &str,
    bar: &indicatif::ProgressBar,
) -> Result<Stats, CliError> {
    let d = table.d_model;
    let mut stats = Stats::new(enc.scale());
    let mut bytes = Vec::new();
    let mut found = Vec::new();
    let mut exact: Vec<f64> = Vec::new();
    for (first, count) in blocks(table.rows, block_rows(d * 8)) {
        bytes.resize(count * d * table.value_bytes(), 0);
        reader.read_exact(&mut bytes).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                CliError::invalid(format!(
                    "{name} ends early: its shape {} needs {} bytes of data",
                    npy::shape_text(&table.shape),
                    table.rows as u128 * d as u128 * table.value_bytes() as u128
                ))
            } else {
                CliError::io(format!("cannot read {name}"), e)
            }
        })?;
        table.decode(&bytes, &mut found);
        exact.clear();
        exact.resize(count * d, 0.0);
        rows.fill(first, &mut exact)?;
        add_worst_of_rows(&mut stats, &found, &exact, d, first, 0, |row| {
            rows.position(row)
        });
        bar.inc(bytes.len() as u64);
    }
    Ok(stats)
}

/// Adds to `stats` the worst value of each row of a block: `found` (the file's) and `exact`
/// hold rows `first ..` of `width` values each; `position` gives a row's position, and
/// `column_offset` is where the block's columns start among the file's.
pub(crate) fn add_worst_of_rows(
    stats: &mut Stats,
    found: &[f64],
    exact: &[f64],
    width: usize,
    first: u64,
    column_offset: usize,
    position: impl Fn(u64) -> f64,
) {
    let worst_per_row: Vec<(usize, f64)> = found
        .par_chunks(width)
        .zip(exact.par_chunks(width))
        .map(|(f, e)| worst_in_row(f, e))
        .collect();
    for (k, &(column, error)) in worst_per_row.iter().enumerate() {
        let row = first + k as u64;
        stats.add(Worst {
            error,
            row,
            position: position(row),
            column: column_offset + column,
            found: found[k * width + column],
            exact: exact[k * width + column],
        });
    }
}

/// The column of the largest `|found − exact|` in a row (the first one on ties) and that
/// error; a NaN or infinite value counts as an infinite error.
pub(crate) fn worst_in_row(found: &[f64], exact: &[f64]) -> (usize, f64) {
    let mut worst = (0, 0.0);
    for (column, (&f, &e)) in found.iter().zip(exact).enumerate() {
        let error = (f - e).abs();
        let error = if error.is_nan() { f64::INFINITY } else { error };
        if error > worst.1 {
            worst = (column, error);
        }
    }
    worst
}

/// What was checked against what: the first lines of the report.
fn header(
    name: &str,
    table: &NpyTable,
    enc: &posenc_parallel::Encoding,
    flags: &Rows,
    rows: &Checked<'_>,
    stats: &Stats,
) -> String {
    let kind = match table.dtype {
        crate::Dtype::F32 => "float32",
        crate::Dtype::F64 => "float64",
        crate::Dtype::F16 => "float16",
        crate::Dtype::Bf16 => "bfloat16",
    };
    let checked = format!(
        "checked {name}: {} rows × {} columns of {kind} ({}), shape {}",
        table.rows,
        table.d_model,
        table.descr(),
        npy::shape_text(&table.shape)
    );
    let positions = match flags {
        _ if rows.count() == 0 => "no rows".to_owned(),
        Rows::Range { start, count } => {
            format!("positions {start} to {}", rows.position(count - 1))
        }
        Rows::List(list) => format!("{} positions from --positions", list.len()),
    };
    format!(
        "{checked}\nagainst the encoding {}; {positions}\n\
         reference: posenc's f64 values, within 2^-48·(1 + |θ|) of exact: {:.1e} or less here\n",
        describe(enc),
        reference_bound(enc.scale(), stats.max_abs_position)
    )
}

/// `--tolerance` must be a finite number ≥ 0.
pub(crate) fn check_tolerance(tolerance: Option<f64>) -> Result<(), CliError> {
    match tolerance {
        Some(t) if !(t.is_finite() && t >= 0.0) => Err(CliError::invalid(format!(
            "--tolerance must be a finite number >= 0, got {t}"
        ))),
        _ => Ok(()),
    }
}

/// Pass or fail against `--tolerance`, with the verdict added to the `report`.
pub(crate) fn verdict(
    tolerance: Option<f64>,
    worst: Option<&Worst>,
    report: &mut String,
) -> Outcome {
    let Some(tolerance) = tolerance else {
        return Outcome::Pass;
    };
    let error = worst.map_or(0.0, |w| w.error);
    if error <= tolerance {
        report.push_str(&format!(
            "PASS: worst error {error:.3e} is within the tolerance {tolerance:e}\n"
        ));
        Outcome::Pass
    } else {
        report.push_str(&format!(
            "FAIL: worst error {error:.3e} is above the tolerance {tolerance:e}\n"
        ));
        Outcome::AboveTolerance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_column_is_the_first_largest_and_nan_is_infinite() {
        assert_eq!(worst_in_row(&[1.0, 2.0, 3.0], &[1.0, 2.5, 2.5]), (1, 0.5));
        assert_eq!(worst_in_row(&[1.0, 2.0], &[1.0, 2.0]), (0, 0.0));
        assert_eq!(
            worst_in_row(&[0.0, f64::NAN], &[0.5, 0.0]),
            (1, f64::INFINITY)
        );
    }
}
