//! `posenc table`: a table computed block by block and written as it is made
//! ([`crate::stream`]): one tensor `pe` of shape `[rows, d_model]`.

use std::path::Path;

use posenc_parallel::{Element, Encoding, Error};

use crate::args::{Dtype, Format, TableArgs};
use crate::config::describe;
use crate::dtype::Compute;
use crate::errors::CliError;
use crate::output::Output;
use crate::progress;
use crate::rows::{Checked, Rows};
use crate::safetensors::TensorSpec;
use crate::stream::{self, BlockWriter};

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
    let too_big = || Error::SizeOverflow {
        rows: usize::try_from(rows.count()).unwrap_or(usize::MAX),
        d_model: enc.d_model(),
    };
    let data_bytes =
        stream::data_bytes(rows.count(), enc.d_model(), args.dtype).ok_or_else(too_big)?;
    let tensor = TensorSpec {
        name: "pe",
        shape: vec![rows.count(), enc.d_model() as u64],
    };
    let header = stream::file_header(format, args.dtype, &[tensor], &metadata(&enc, &flags))?;

    let mut out = Output::create(&args.out, format != Format::Csv)?;
    let bar = progress::bar(data_bytes, args.quiet, "writing");
    let job = Job {
        enc: &enc,
        rows: &rows,
        format,
        dtype: args.dtype,
        bar: &bar,
    };
    out.write_all(&header)?;
    args.encoding.run_in_pool(|| match args.dtype.compute() {
        Compute::F32 => job.stream::<f32>(&mut out),
        Compute::F64 => job.stream::<f64>(&mut out),
    })?;
    bar.finish_and_clear();
    let (name, written) = (out.name(), out.written());
    out.finish()?;
    if !args.quiet {
        eprintln!(
            "wrote {} rows × {} columns of {} to {name} ({}, {})",
            rows.count(),
            enc.d_model(),
            args.dtype.name(),
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
    /// Writes the table's data to `out`, computed in `T` (the type `self.dtype` is computed
    /// in) and rounded once to `self.dtype`.
    fn stream<T: Element>(&self, out: &mut Output) -> Result<(), CliError> {
        let d = self.enc.d_model();
        let mut writer = BlockWriter {
            format: self.format,
            dtype: self.dtype,
            row_values: d,
            bar: self.bar,
            scratch: Vec::new(),
        };
        stream::stream_rows::<T>(
            self.rows.count(),
            d,
            |first, block| self.rows.fill(first, block),
            |block| writer.write(out, block),
        )
    }
}

/// The configuration in a safetensors header: what `posenc check` needs to check the file.
fn metadata(enc: &Encoding, rows: &Rows) -> Vec<(&'static str, String)> {
    let mut entries = vec![
        ("producer", format!("posenc {}", env!("CARGO_PKG_VERSION"))),
        ("kind", "sinusoidal positional encoding table".to_owned()),
        ("encoding", describe(enc)),
        ("d_model", enc.d_model().to_string()),
        ("layout", enc.layout().to_string()),
        ("base", enc.base().to_string()),
        ("shift", enc.shift().to_string()),
        ("scale", enc.scale().to_string()),
    ];
    entries.extend(stream::positions_metadata(rows));
    entries
}

/// The format implied by the output's extension: `.csv`, `.raw`/`.bin`, `.safetensors`,
/// else npy.
pub(crate) fn format_from_extension(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("csv") => Format::Csv,
        Some(ext) if ext.eq_ignore_ascii_case("safetensors") => Format::Safetensors,
        Some(ext) if ext.eq_ignore_ascii_case("raw") || ext.eq_ignore_ascii_case("bin") => {
            Format::Raw
        }
        _ => Format::Npy,
    }
}

pub(crate) fn format_name(format: Format) -> &'static str {
    match format {
        Format::Npy => "npy",
        Format::Safetensors => "safetensors",
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
    fn formats_follow_the_extension() {
        assert_eq!(format_from_extension(Path::new("a/pe.CSV")), Format::Csv);
        assert_eq!(format_from_extension(Path::new("pe.bin")), Format::Raw);
        assert_eq!(format_from_extension(Path::new("pe.raw")), Format::Raw);
        assert_eq!(format_from_extension(Path::new("pe.npy")), Format::Npy);
        assert_eq!(
            format_from_extension(Path::new("pe.safetensors")),
            Format::Safetensors
        );
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
