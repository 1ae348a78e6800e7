//! The command line parsed and its encoding validated without running anything: what fuzz
//! targets and tests call instead of the whole command.

use std::ffi::OsString;

use clap::Parser;
use posenc_parallel::Encoding;

use crate::args::{Cli, Command, EncodingArgs, PlotCommand};
use crate::errors::CliError;

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
/// does and validates the encoding it describes, returning the error instead of exiting.
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
        Command::Rope(_) | Command::RopeCheck(_) | Command::Plot(PlotCommand::Rope(_)) => {
            return Ok(ParsedArgs {
                subcommand: rope_subcommand(&cli.command),
                encoding: None,
            });
        }
    };
    let encoding = d_model.map(|d| encoding.encoding(d)).transpose()?;
    Ok(ParsedArgs {
        subcommand,
        encoding,
    })
}

/// The name of a RoPE subcommand, which has no sinusoidal encoding.
fn rope_subcommand(command: &Command) -> &'static str {
    match command {
        Command::Rope(_) => "rope",
        Command::RopeCheck(_) => "rope-check",
        _ => "plot rope",
    }
}
