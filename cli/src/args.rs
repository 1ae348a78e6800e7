//! The command line: subcommands, flags, their defaults and help texts.

use std::path::PathBuf;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use posenc_parallel::{DEFAULT_BASE, Layout, Preset};

/// Sinusoidal positional encodings: write tables, check tables made elsewhere, plot them.
#[derive(Debug, Parser)]
#[command(name = "posenc", version, max_term_width = 100, after_help = EXAMPLES)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Shown after the top-level help.
const EXAMPLES: &str = "\
Examples:
  posenc table --d-model 512 --max-len 5000 --out pe.npy
  posenc table --preset whisper --d-model 384 --max-len 1500 --out pe.csv
  posenc table --d-model 128 --positions=-1.5,0,2.25 --dtype f64 --out - > pe.npy
  posenc check their_pe.npy --tolerance 1e-6
  posenc plot heatmap --out heatmap.png
  posenc plot decay --d-model 512 --out decay.png

Limits: --d-model is at most 1048576 (2^20) columns; a heatmap draws at most
1048576 cells (--max-len × --d-model); the decay plot takes --max-len 11 to 2000000.

Exit status: 0 on success, 1 when `check` finds an error above --tolerance,
2 on bad input (or a file that cannot be read or written), 3 when the run fails
for a reason that is not the input's (drawing a plot, the embedded font, encoding
the PNG, starting the --threads pool), 128 + the signal's number when SIGINT,
SIGTERM or SIGHUP ends the run (130, 143, 129), 141 when stdout is a closed pipe.";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write a table (one row per position) to a .npy, raw or CSV file, or to stdout.
    ///
    /// Rows are computed in blocks on all cores and written as they are made, so memory stays
    /// small for tables of any size. The file appears only when complete: it is written beside
    /// the target without a name (or under a temporary one) and renamed over it at the end, so an
    /// error, a signal or a kill leaves the previous file, or none, and no temporary file.
    Table(TableArgs),
    /// Compare a table made elsewhere (.npy or safetensors) with the exact encoding: the worst
    /// error and where
    ///
    /// Reads a table written by PyTorch, NumPy or another library and reports its worst
    /// absolute error, where it is (position, column), and the worst error per decade of
    /// position, which shows an f32 angle going wrong at large positions.
    ///
    /// The reference is posenc's f64 encoding, within 2^-48·(1 + |θ|) of the real-number
    /// value (θ = scale · position at the first column): a tenth of f32's rounding (2^-24)
    /// or less for |scale · position| up to 1.6·10^6, and the report states it for the file.
    ///
    /// The file's shape must be (rows, d_model) or (rows, 1, d_model) or (1, rows, d_model)
    /// (PyTorch's buffers), in C order, of dtype float32, float64 or float16 (and bfloat16 in
    /// safetensors, whose tensor `pe` or only tensor is read); row k is at position start + k
    /// unless --positions is given.
    Check(CheckArgs),
    /// Write a RoPE cache (cos and sin of every pair's angle, times the attention factor) to
    /// a .npy, safetensors, raw or CSV file, streamed as `table` writes tables.
    ///
    /// The configuration flags mirror Hugging Face's `rope_parameters`. Layouts: cos-sin
    /// (vLLM's `cos_sin_cache`, one tensor [rows, R]), separate (candle's `cos`, `sin`
    /// [rows, R/2]) and hf (Hugging Face's `cos`, `sin` [rows, R]).
    Rope(Box<crate::rope_args::RopeArgs>),
    /// Compare a RoPE cache made elsewhere (.npy or safetensors, any layout, f32/f64/f16/bf16)
    /// with the exact values: the worst error, where, and per decade of position.
    RopeCheck(Box<crate::rope_args::RopeCheckArgs>),
    /// Draw a picture of the encoding as a PNG.
    #[command(subcommand)]
    Plot(PlotCommand),
}

/// The pictures.
#[derive(Debug, Subcommand)]
pub(crate) enum PlotCommand {
    /// Positions × dimensions as colours, from -1 (blue) to +1 (red).
    Heatmap(HeatmapArgs),
    /// PE(p)·PE(p+k) against the distance k (log scale), with its mean over each decade of k:
    /// the long-range decay of the encoding.
    Decay(DecayArgs),
    /// The wavelength 2π/ω_i of every RoPE pair against its index, for the chosen scaling
    /// beside the unscaled frequencies (log scale), as the YaRN and Llama 3 papers draw it.
    Rope(Box<crate::rope_args::PlotRopeArgs>),
}

/// Flags that configure the encoding, shared by every subcommand.
#[derive(Debug, Args)]
pub(crate) struct EncodingArgs {
    /// Base of the frequencies (the paper's 10000); must be finite and greater than 1.
    #[arg(long, default_value_t = DEFAULT_BASE, allow_hyphen_values = true)]
    pub(crate) base: f64,
    /// Column layout [default: interleaved, or the preset's].
    #[arg(long, value_parser = layout_parser(), conflicts_with = "preset")]
    pub(crate) layout: Option<Layout>,
    /// Shift of the exponent denominator: frequencies are base^(-i/(d/2 - shift))
    /// [default: 0, or the preset's].
    #[arg(long, allow_hyphen_values = true, conflicts_with = "preset")]
    pub(crate) shift: Option<f64>,
    /// Scale that multiplies every position (position interpolation, timestep scaling).
    #[arg(long, default_value_t = 1.0, allow_hyphen_values = true)]
    pub(crate) scale: f64,
    /// A library's convention by name: sets the layout and the shift.
    #[arg(long, value_parser = preset_parser())]
    pub(crate) preset: Option<Preset>,
    /// Worker threads [default: one per core].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
}

/// Which rows a table has: `start + k` for k below `--max-len`, or an explicit list.
#[derive(Debug, Args)]
pub(crate) struct RowArgs {
    /// Number of rows: positions start, start+1, ..., start+max_len-1.
    #[arg(long, default_value_t = 5000, conflicts_with = "positions")]
    pub(crate) max_len: u64,
    /// Position of the first row.
    #[arg(
        long,
        default_value_t = 0.0,
        allow_hyphen_values = true,
        conflicts_with = "positions"
    )]
    pub(crate) start: f64,
    /// Explicit positions instead of a range: comma-separated numbers (--positions=-1.5,0,2)
    /// or @FILE with one number per line.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub(crate) positions: Option<String>,
}

/// The element type written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dtype {
    /// 32-bit floats (NumPy `<f4`).
    F32,
    /// 64-bit floats (NumPy `<f8`).
    F64,
    /// IEEE binary16 (NumPy `<f2`), rounded once from posenc's `f64` values.
    F16,
    /// bfloat16 (safetensors and raw only: NumPy has no bf16), rounded once from `f64`.
    Bf16,
}

/// The file format written by `table` and `rope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// NumPy .npy (version 1.0 header, C order): shape (rows, d_model) for a table; for a
    /// RoPE cache (rows, R), or (2, rows, width) for two tensors (cos, then sin).
    Npy,
    /// safetensors: tensor `pe` [rows, d_model], or a RoPE cache's `cos_sin` or `cos` and
    /// `sin`; the configuration in its metadata.
    Safetensors,
    /// Little-endian values, row after row (tensor after tensor), no header.
    Raw,
    /// One line per row, comma-separated values, no header line.
    Csv,
}

/// `posenc table`.
#[derive(Debug, Args)]
pub(crate) struct TableArgs {
    /// Number of columns of each row, 1 to 1048576 (2^20).
    #[arg(long, default_value_t = 512)]
    pub(crate) d_model: usize,
    /// The rows.
    #[command(flatten)]
    pub(crate) rows: RowArgs,
    /// The encoding.
    #[command(flatten)]
    pub(crate) encoding: EncodingArgs,
    /// Element type: f16 and bf16 are rounded once from posenc's f64 values; bf16 is not
    /// written to .npy (NumPy has no bf16).
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub(crate) dtype: Dtype,
    /// File format [default: from the --out extension: .csv is csv, .raw and .bin are raw,
    /// .safetensors is safetensors, anything else npy].
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// Output file; `-` writes to stdout.
    #[arg(long, short, default_value = "pe.npy")]
    pub(crate) out: PathBuf,
    /// No progress bar and no summary line on stderr.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// `posenc check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The .npy or safetensors file to check (told apart by their first bytes).
    pub(crate) file: PathBuf,
    /// Number of columns, at most 1048576 (2^20) [default: the file's last dimension]; an
    /// error if the file differs.
    #[arg(long)]
    pub(crate) d_model: Option<usize>,
    /// The encoding.
    #[command(flatten)]
    pub(crate) encoding: EncodingArgs,
    /// The file's rows and the verdict.
    #[command(flatten)]
    pub(crate) checked: CheckedFileArgs,
}

/// Flags shared by `posenc check` and `posenc rope-check`: where the checked file's rows are,
/// when it fails, and whether a progress bar is drawn.
#[derive(Debug, Args)]
pub(crate) struct CheckedFileArgs {
    /// Position of the file's first row.
    #[arg(
        long,
        default_value_t = 0.0,
        allow_hyphen_values = true,
        conflicts_with = "positions"
    )]
    pub(crate) start: f64,
    /// The file's positions, one per row: comma-separated numbers (--positions=-1.5,0,2) or
    /// @FILE with one number per line.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub(crate) positions: Option<String>,
    /// Exit with status 1 when the worst absolute error is above this.
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) tolerance: Option<f64>,
    /// No progress bar.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// Flags shared by the plots.
#[derive(Debug, Args)]
pub(crate) struct PictureArgs {
    /// Width of the picture in pixels.
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(300..=8000))]
    pub(crate) width: u32,
    /// Height of the picture in pixels.
    #[arg(long, default_value_t = 800, value_parser = clap::value_parser!(u32).range(200..=8000))]
    pub(crate) height: u32,
}

/// `posenc plot heatmap`.
#[derive(Debug, Args)]
pub(crate) struct HeatmapArgs {
    /// Number of columns; --max-len × --d-model is at most 1048576 cells.
    #[arg(long, default_value_t = 128)]
    pub(crate) d_model: usize,
    /// Number of positions (rows) shown; --max-len × --d-model is at most 1048576 cells.
    #[arg(long, default_value_t = 100)]
    pub(crate) max_len: u64,
    /// Position of the first row.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub(crate) start: f64,
    /// The encoding.
    #[command(flatten)]
    pub(crate) encoding: EncodingArgs,
    /// Picture size.
    #[command(flatten)]
    pub(crate) picture: PictureArgs,
    /// Output PNG file.
    #[arg(long, short, default_value = "heatmap.png")]
    pub(crate) out: PathBuf,
}

/// `posenc plot decay`.
#[derive(Debug, Args)]
pub(crate) struct DecayArgs {
    /// Number of columns, 1 to 1048576 (2^20).
    #[arg(long, default_value_t = 512)]
    pub(crate) d_model: usize,
    /// Distances k = 0 .. max_len-1 are computed; 11 to 2000000.
    #[arg(long, default_value_t = 100_000)]
    pub(crate) max_len: u64,
    /// The position p that every distance is measured from.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub(crate) start: f64,
    /// The encoding.
    #[command(flatten)]
    pub(crate) encoding: EncodingArgs,
    /// Picture size.
    #[command(flatten)]
    pub(crate) picture: PictureArgs,
    /// Output PNG file.
    #[arg(long, short, default_value = "decay.png")]
    pub(crate) out: PathBuf,
}

/// `--layout` accepts exactly the core's layout names, and lists them in `--help`.
fn layout_parser() -> impl TypedValueParser<Value = Layout> {
    PossibleValuesParser::new(Layout::ALL.map(Layout::name)).try_map(|name| name.parse::<Layout>())
}

/// `--preset` accepts exactly the core's preset names, and lists them in `--help`.
fn preset_parser() -> impl TypedValueParser<Value = Preset> {
    PossibleValuesParser::new(Preset::ALL.map(Preset::name)).try_map(|name| name.parse::<Preset>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The limits enforced at run time are the ones `--help` states (the texts cannot name the
    /// constants, so this ties them together).
    #[test]
    fn help_states_the_run_time_limits() {
        use crate::config::MAX_D_MODEL;
        use crate::plot::{decay::MAX_DISTANCES, heatmap::MAX_CELLS};
        let help = |path: &[&str]| {
            let mut command = Cli::command();
            let mut sub = &mut command;
            for name in path {
                sub = sub.find_subcommand_mut(name).expect("a subcommand");
            }
            sub.render_long_help().to_string()
        };
        let top = help(&[]);
        for limit in [MAX_D_MODEL as u64, MAX_CELLS, MAX_DISTANCES] {
            assert!(
                top.contains(&limit.to_string()),
                "top help lacks {limit}: {top}"
            );
        }
        assert!(top.contains("3 when the run fails"), "{top}");
        for path in [&["table"][..], &["check"], &["plot", "decay"]] {
            assert!(help(path).contains(&MAX_D_MODEL.to_string()), "{path:?}");
        }
        assert!(help(&["plot", "heatmap"]).contains(&MAX_CELLS.to_string()));
        assert!(help(&["plot", "decay"]).contains(&MAX_DISTANCES.to_string()));
    }
}
