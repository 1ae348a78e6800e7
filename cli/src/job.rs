//! The command line parsed and its encoding validated without running anything: what fuzz
//! targets and tests call instead of the whole command.

use std::ffi::OsString;

use clap::Parser;
use posenc_parallel::Encoding;

use crate::args::{Cli, Command, EncodingArgs, PlotCommand};
use crate::errors::CliError;
use crate::rope_args::RopeConfigArgs;

/// What a command line asks for, as far as it is known before any file is touched.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedArgs {
    /// The subcommand: `table`, `check`, `rope`, `rope-check`, `plot heatmap`, `plot decay`
    /// or `plot rope`.
    pub subcommand: &'static str,
    /// The validated encoding; `None` for `check` without `--d-model`, whose width comes from
    /// the file, and for the RoPE subcommands, which have none (their configuration is
    /// validated when they run).
    pub encoding: Option<Encoding>,
}

/// Parses `argv` (program name first, as [`std::env::args_os`] gives it) the way `posenc`
/// does and validates the encoding (or the RoPE configuration) it describes, returning the
/// error instead of exiting.
///
/// Usage errors, and also `--help` and `--version`, are [`CliError::Invalid`] holding the
/// first line of clap's text. Nothing is read or written: `--positions @FILE` is not opened
/// and no thread pool is started.
///
/// ```
/// let parsed = posenc_cli::parse_args(["posenc", "table", "--d-model", "64"]).unwrap();
/// assert_eq!(parsed.subcommand, "table");
/// assert_eq!(parsed.encoding.unwrap().d_model(), 64);
///
/// let err = posenc_cli::parse_args(["posenc", "table", "--base", "1"]).unwrap_err();
/// assert!(!err.to_string().contains('\n'));
///
/// let rope = posenc_cli::parse_args(["posenc", "rope", "--rotary-dim", "63"]).unwrap_err();
/// assert!(rope.to_string().contains("rotary_dim must be even"));
/// ```
pub fn parse_args<I, T>(argv: I) -> Result<ParsedArgs, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = Cli::try_parse_from(argv).map_err(|e| {
        let text = e.to_string();
        let first = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .unwrap_or("invalid arguments");
        CliError::invalid(first.trim_start_matches("error: ").to_owned())
    })?;
    let (subcommand, encoding, d_model): (_, &EncodingArgs, _) = match &cli.command {
        Command::Table(args) => ("table", &args.encoding, Some(args.d_model)),
        Command::Check(args) => ("check", &args.encoding, args.d_model),
        Command::Plot(PlotCommand::Heatmap(args)) => {
            ("plot heatmap", &args.encoding, Some(args.d_model))
        }
        Command::Plot(PlotCommand::Decay(args)) => {
            ("plot decay", &args.encoding, Some(args.d_model))
        }
        Command::Rope(args) => return rope_only("rope", &args.config),
        Command::RopeCheck(args) => return rope_only("rope-check", &args.config),
        Command::Plot(PlotCommand::Rope(args)) => return rope_only("plot rope", &args.config),
    };
    let encoding = d_model.map(|d| encoding.encoding(d)).transpose()?;
    Ok(ParsedArgs {
        subcommand,
        encoding,
    })
}

/// A RoPE subcommand's result: its configuration validated (with the sequence length of
/// `dynamic` and `longrope` at 1 where `--seq-len` is not given, since the positions are not
/// read here), and no encoding.
fn rope_only(subcommand: &'static str, config: &RopeConfigArgs) -> Result<ParsedArgs, CliError> {
    let lists = config.factor_lists()?;
    config.rope(&lists, 1.0)?;
    Ok(ParsedArgs {
        subcommand,
        encoding: None,
    })
}
