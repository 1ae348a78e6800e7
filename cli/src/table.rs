//! `posenc table`: a table computed block by block and written as it is made.
//!
//! Two blocks are in flight: while one is being written, the next is computed on the pool.
//! Memory is those two blocks (a few MiB), whatever the size of the table.

use std::path::Path;

use posenc_core::Row;
use posenc_parallel::{Element, Encoding, Error};
use rayon::prelude::*;

use crate::args::{Dtype, Format, TableArgs};
use crate::errors::CliError;
use crate::npy;
use crate::output::Output;
use crate::progress;
use crate::rows::{Checked, Rows, block_rows, blocks};

/// Runs `posenc table`.
pub(crate) fn run(args: &TableArgs) -> Result<(), CliError> {
    let enc = args.encoding.encoding(args.d_model)?;
    let flags = Rows::from_flags(
        args.rows.positions.as_deref(),
        args.rows.start,
        args.rows.max_len,
    )?;
    let rows = flags.validate(&enc)?;
    let format = args
        .format
        .unwrap_or_else(|| format_from_extension(&args.out));
    let value_bytes: u64 = match args.dtype {
        Dtype::F32 => 4,
        Dtype::F64 => 8,
    };
    let too_big = || Error::SizeOverflow {
        rows: usize::try_from(rows.count()).unwrap_or(usize::MAX),
        d_model: enc.d_model(),
    };
    let data_bytes = rows
        .count()
        .checked_mul(enc.d_model() as u64)
        .and_then(|values| values.checked_mul(value_bytes))
        .ok_or_else(too_big)?;

    let mut out = Output::create(&args.out, format != Format::Csv)?;
    let bar = progress::bar(data_bytes, args.quiet, "writing");
    let job = Job {
        enc: &enc,
        rows: &rows,
        format,
        dtype: args.dtype,
        bar: &bar,
    };
    args.encoding.run_in_pool(|| match args.dtype {
        Dtype::F32 => job.stream::<f32>(&mut out),
        Dtype::F64 => job.stream::<f64>(&mut out),
    })?;
    bar.finish_and_clear();
    let (name, written) = (out.name(), out.written());
    out.finish()?;
    if !args.quiet {
        eprintln!(
            "wrote {} rows × {} columns of {} to {name} ({}, {})",
            rows.count(),
            enc.d_model(),
            dtype_name(args.dtype),
            format_name(format),
            human_bytes(written),
        );
    }
    Ok(())
}

/// What a table run needs besides its output.
struct Job<'a> {
    enc: &'a Encoding,
    rows: &'a Checked<'a>,
    format: Format,
    dtype: Dtype,
    bar: &'a indicatif::ProgressBar,
}

impl Job<'_> {
    /// Writes the whole table (header included) to `out`, computing block `i + 1` while
    /// block `i` is written. `T` is the element type that `self.dtype` names.
    fn stream<T: Element>(&self, out: &mut Output) -> Result<(), CliError> {
        let d = self.enc.d_model();
        if self.format == Format::Npy {
            let mut header = Vec::new();
            npy::write_header(&mut header, self.dtype, self.rows.count(), d)
                .map_err(|e| CliError::io("cannot make the .npy header", e))?;
            out.write_all(&header)?;
        }
        let per_block = block_rows(d * size_of::<T>());
        let mut pending = blocks(self.rows.count(), per_block);
        let Some((first, count)) = pending.next() else {
            return Ok(());
        };
        let mut current = vec![T::default(); count * d];
        self.rows.fill(first, &mut current)?;
        let mut next: Vec<T> = Vec::with_capacity(current.len());
        let mut scratch = Vec::new();
        for (first, count) in pending {
            let (written, filled) = rayon::join(
                || self.write_block(out, &current, &mut scratch),
                || {
                    next.clear();
                    next.resize(count * d, T::default());
                    self.rows.fill(first, &mut next)
                },
            );
            written?;
            filled?;
            std::mem::swap(&mut current, &mut next);
        }
        self.write_block(out, &current, &mut scratch)
    }

    /// Writes one block of rows in the job's format.
    fn write_block<T: Element>(
        &self,
        out: &mut Output,
        block: &[T],
        scratch: &mut Vec<u8>,
    ) -> Result<(), CliError> {
        match self.format {
            Format::Npy | Format::Raw => out.write_all(npy::le_bytes(block, scratch))?,
            Format::Csv => {
                let lines: Vec<String> =
                    block.par_chunks(self.enc.d_model()).map(csv_line).collect();
                for line in &lines {
                    out.write_all(line.as_bytes())?;
                }
            }
        }
        self.bar.inc(std::mem::size_of_val(block) as u64);
        Ok(())
    }
}

/// One CSV line: the row's values separated by commas, ending in a newline.
///
/// Each value is the shortest decimal that reads back as the same `f32` or `f64` (Ryū), in
/// plain notation, or in exponent notation where plain notation gets long (below 1e-6).
fn csv_line<T: Element>(row: &[T]) -> String {
    let mut line = String::with_capacity(row.len() * 12);
    let mut buffer = ryu::Buffer::new();
    match T::as_row(row) {
        Row::F32(values) => {
            for &value in values {
                line.push_str(buffer.format(value));
                line.push(',');
            }
        }
        Row::F64(values) => {
            for &value in values {
                line.push_str(buffer.format(value));
                line.push(',');
            }
        }
    }
    line.pop(); // the last comma
    line.push('\n');
    line
}

/// The format implied by the output's extension: `.csv`, `.raw`/`.bin`, else npy.
fn format_from_extension(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("csv") => Format::Csv,
        Some(ext) if ext.eq_ignore_ascii_case("raw") || ext.eq_ignore_ascii_case("bin") => {
            Format::Raw
        }
        _ => Format::Npy,
    }
}

fn dtype_name(dtype: Dtype) -> &'static str {
    match dtype {
        Dtype::F32 => "f32",
        Dtype::F64 => "f64",
    }
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Npy => "npy",
        Format::Raw => "raw little-endian",
        Format::Csv => "csv",
    }
}

/// `1.5 GiB`, `10.0 MiB`, `512 B`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_values_read_back_exactly() {
        let row = [0.0f32, -1.0, 0.841_470_96, 1e-7, -3.5e-6, 0.5];
        let line = csv_line(&row[..]);
        assert_eq!(line, "0.0,-1.0,0.84147096,1e-7,-0.0000035,0.5\n");
        let back: Vec<f32> = line.trim().split(',').map(|v| v.parse().unwrap()).collect();
        assert_eq!(back, row);
        let row64 = [0.1f64, 1e-300];
        assert_eq!(csv_line(&row64[..]), "0.1,1e-300\n");
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(format_from_extension(Path::new("a/pe.CSV")), Format::Csv);
        assert_eq!(format_from_extension(Path::new("pe.bin")), Format::Raw);
        assert_eq!(format_from_extension(Path::new("pe.raw")), Format::Raw);
        assert_eq!(format_from_extension(Path::new("pe.npy")), Format::Npy);
        assert_eq!(format_from_extension(Path::new("-")), Format::Npy);
        assert_eq!(format_from_extension(Path::new("pe")), Format::Npy);
    }

    #[test]
    fn sizes_in_words() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(10 << 20), "10.0 MiB");
        assert_eq!(human_bytes(4_096_000_000), "3.8 GiB");
    }
}
