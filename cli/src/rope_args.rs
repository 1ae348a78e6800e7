//! The flags of `posenc rope`, `posenc rope-check` and `posenc plot rope`: a RoPE
//! configuration as Hugging Face's `rope_parameters` name it.
//!
//! `--scaling`, `--pairing` and `--preset` are read as text and parsed by the core, so that an
//! unknown name is one `error:` line that lists the known ones.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::args::{CheckedFileArgs, Dtype, Format, PictureArgs, RowArgs};

/// The RoPE configuration, shared by every RoPE subcommand.
#[derive(Debug, Args)]
pub(crate) struct RopeConfigArgs {
    /// A model's configuration by name (llama2, llama3.1, llama3.2, mistral-7b-v0.1,
    /// mistral-7b, qwen2.5, qwen2.5-yarn, gemma, gpt-neox-20b, phi-2, gpt-j-6b, deepseek-v3);
    /// the other flags change it.
    #[arg(long, value_name = "NAME")]
    pub(crate) preset: Option<String>,
    /// Leading dimensions that rotate, r: even, at least 2, at most --head-dim [default:
    /// --head-dim, or the preset's].
    #[arg(long, value_name = "R")]
    pub(crate) rotary_dim: Option<usize>,
    /// Vector length h; dimensions r..h are left as they are [default: --rotary-dim, or the
    /// preset's].
    #[arg(long, value_name = "H")]
    pub(crate) head_dim: Option<usize>,
    /// Base of the frequencies, `rope_theta` [default: 10000, or the preset's].
    #[arg(long, value_name = "B", allow_hyphen_values = true)]
    pub(crate) theta: Option<f64>,
    /// half (x_i, x_{i+r/2}: Hugging Face, GPT-NeoX) or interleaved (x_2i, x_2i+1: GPT-J,
    /// Meta's Llama) [default: half, or the preset's].
    #[arg(long)]
    pub(crate) pairing: Option<String>,
    /// none, linear, ntk, dynamic, yarn, llama3 or longrope (`rope_type`) [default: none, or
    /// the preset's].
    #[arg(long)]
    pub(crate) scaling: Option<String>,
    /// `factor` (linear, ntk, dynamic, yarn, llama3; longrope's attention factor, default 1).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) factor: Option<f64>,
    /// `original_max_position_embeddings` L0 (dynamic, yarn, longrope; llama3 default 8192).
    #[arg(long, value_name = "L0", allow_hyphen_values = true)]
    pub(crate) original_max_len: Option<f64>,
    /// The sequence length L (dynamic, longrope) [default: the largest |position| + 1].
    #[arg(long, value_name = "L", allow_hyphen_values = true)]
    pub(crate) seq_len: Option<f64>,
    /// `beta_fast` (yarn, default 32).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) beta_fast: Option<f64>,
    /// `beta_slow` (yarn, default 1).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) beta_slow: Option<f64>,
    /// `mscale` (yarn).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) mscale: Option<f64>,
    /// `mscale_all_dim` (yarn).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) mscale_all_dim: Option<f64>,
    /// `truncate: false` (yarn): the ramp's ends are not rounded to whole pairs.
    #[arg(long)]
    pub(crate) no_truncate: bool,
    /// `low_freq_factor` (llama3, default 1).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) low_freq_factor: Option<f64>,
    /// `high_freq_factor` (llama3, default 4).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) high_freq_factor: Option<f64>,
    /// `short_factor` (longrope): r/2 comma-separated numbers.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub(crate) short_factors: Option<String>,
    /// `long_factor` (longrope): r/2 comma-separated numbers.
    #[arg(long, value_name = "LIST", allow_hyphen_values = true)]
    pub(crate) long_factors: Option<String>,
    /// `attention_factor` a, replacing the scaling's (it multiplies every cache value).
    #[arg(long, allow_hyphen_values = true)]
    pub(crate) attention_factor: Option<f64>,
    /// Worker threads [default: one per core].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(crate) threads: Option<u16>,
}

/// How a RoPE cache is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CacheLayoutArg {
    /// vLLM's `cos_sin_cache`: one tensor `cos_sin` [rows, R], a·cos θ_0 … a·cos θ_{n−1}
    /// then a·sin θ_0 … a·sin θ_{n−1}.
    CosSin,
    /// candle's: tensors `cos` and `sin`, each [rows, R/2].
    Separate,
    /// Hugging Face's: tensors `cos` and `sin`, each [rows, R] (every value twice,
    /// `cat(freqs, freqs)`).
    Hf,
}

/// `posenc rope`.
#[derive(Debug, Args)]
pub(crate) struct RopeArgs {
    /// The configuration.
    #[command(flatten)]
    pub(crate) config: RopeConfigArgs,
    /// The rows.
    #[command(flatten)]
    pub(crate) rows: RowArgs,
    /// Element type: f16 and bf16 are rounded once from posenc's f64 values.
    #[arg(long, value_enum, default_value_t = Dtype::F32)]
    pub(crate) dtype: Dtype,
    /// File format [default: from the --out extension: .safetensors, .csv, .raw and .bin,
    /// anything else npy].
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// The tensors and their shapes.
    #[arg(long, value_enum, default_value_t = CacheLayoutArg::CosSin)]
    pub(crate) cache_layout: CacheLayoutArg,
    /// Output file; `-` writes to stdout.
    #[arg(long, short, default_value = "rope.npy")]
    pub(crate) out: PathBuf,
    /// No progress bar and no summary line on stderr.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// `posenc rope-check`.
#[derive(Debug, Args)]
pub(crate) struct RopeCheckArgs {
    /// The cache to check: .npy or safetensors (told apart by their first bytes).
    pub(crate) file: PathBuf,
    /// The configuration.
    #[command(flatten)]
    pub(crate) config: RopeConfigArgs,
    /// The layout [default: from the file: its tensor names (safetensors) or shape].
    #[arg(long, value_enum)]
    pub(crate) cache_layout: Option<CacheLayoutArg>,
    /// The file's rows and the verdict.
    #[command(flatten)]
    pub(crate) checked: CheckedFileArgs,
}

/// `posenc plot rope`.
#[derive(Debug, Args)]
pub(crate) struct PlotRopeArgs {
    /// The configuration.
    #[command(flatten)]
    pub(crate) config: RopeConfigArgs,
    /// Picture size.
    #[command(flatten)]
    pub(crate) picture: PictureArgs,
    /// Output PNG file.
    #[arg(long, short, default_value = "rope.png")]
    pub(crate) out: PathBuf,
}
