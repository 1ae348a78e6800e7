//! # posenc-cli: the command line of posenc, as a library
//!
//! Sinusoidal positional-encoding tables for a model, checks of tables made by other code,
//! and pictures of the encoding:
//!
//! ```text
//! posenc table --d-model 512 --max-len 5000 --out pe.npy     # PyTorch tutorial's table
//! posenc table --preset whisper --d-model 384 --max-len 1500 --format csv --out pe.csv
//! posenc check their_pe.npy --tolerance 1e-6                  # how far off is it?
//! posenc plot heatmap --out heatmap.png
//! posenc plot decay --out decay.png
//! posenc rope --preset llama3.1 --max-len 131072 --dtype bf16 --out rope.safetensors
//! posenc rope-check hf_cos_sin.safetensors --preset llama3.1 --tolerance 1e-3
//! posenc plot rope --preset llama3.1 --out wavelengths.png
//! ```
//!
//! Every failure is one `error: ...` line on stderr. Exit status 2 is bad input (and a file
//! that cannot be read or written), 3 a failure that is not the input's (drawing a plot, the
//! embedded font, the PNG encoder, the `--threads` pool); `check` exits with 1 when the table
//! is further from the exact values than `--tolerance`. SIGINT, SIGTERM and SIGHUP end a run
//! with 128 + the signal's number (130, 143, 129) after one `error:` line, and a closed pipe
//! on stdout with 141 and no message, as for programs that SIGPIPE ends.
//! An interrupted or killed run leaves the previous file, or none, and no temporary file
//! (where the file system has no `O_TMPFILE`, a SIGKILL leaves one, which the next run
//! reports).
//!
//! The `posenc` binary is [`run_command_line`]; the parsers are public so that fuzz targets
//! and tests can reach them without a process: [`parse_args`] (argv to a validated
//! encoding), [`npy::read_header`] (a `.npy` header from any reader) and
//! [`positions::parse_list`] (the `--positions` list); [`command`] is clap's definition of
//! the command line, whose subcommands, flags and values a fuzz target draws arguments from.
#![deny(missing_docs)]

mod args;
mod check;
mod config;
mod dtype;
mod errors;
mod input;
mod job;
pub mod npy;
mod output;
mod plot;
pub mod positions;
mod progress;
mod report;
mod rope;
mod rope_args;
mod rope_check;
mod rows;
mod safetensors;
mod signals;
mod stream;
mod table;
mod tmpfile;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use crate::args::Dtype;
use crate::args::{Cli, Command, PlotCommand};
use crate::check::Outcome;
pub use crate::errors::CliError;
pub use crate::job::{ParsedArgs, parse_args};

/// The command line's definition, as clap holds it: every subcommand, flag and listed value
/// (what `--help` shows), without parsing anything.
///
/// ```
/// let command = posenc_cli::command();
/// assert!(command.get_subcommands().any(|sub| sub.get_name() == "rope"));
/// ```
#[must_use]
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Exit status when `check` finds an error above `--tolerance`.
const EXIT_ABOVE_TOLERANCE: u8 = 1;
/// Exit status when stdout is a pipe whose reader has gone (`| head`): 128 + SIGPIPE, what a
/// shell reports for `cat` or `yes` in the same place, so that `set -o pipefail` treats posenc
/// like them. No message: the reader stopped on purpose, and those programs say nothing either
/// (SIGPIPE ends them); but the status is never success, since the output was not delivered.
const EXIT_BROKEN_PIPE: u8 = 141;

/// The whole `posenc` command: parses the process's arguments (printing help or a usage
/// error and exiting as clap does), runs the subcommand and returns the exit status.
///
/// Installs a panic hook and the handling of termination signals, so it is meant to be
/// called once, from `main`, before any other thread is started.
pub fn run_command_line() -> ExitCode {
    signals::install();
    install_panic_hook();
    let cli = Cli::parse();
    match run(&cli.command) {
        Ok(Outcome::Pass) => ExitCode::SUCCESS,
        Ok(Outcome::AboveTolerance) => ExitCode::from(EXIT_ABOVE_TOLERANCE),
        Err(e) if e.is_broken_pipe() => ExitCode::from(EXIT_BROKEN_PIPE),
        Err(e) => {
            let line = e.to_string().replace(['\n', '\r'], " ");
            // Nothing more can be done if stderr itself is closed.
            let _ = writeln!(std::io::stderr(), "error: {line}");
            ExitCode::from(e.exit_status())
        }
    }
}

/// Runs one subcommand.
fn run(command: &Command) -> Result<Outcome, CliError> {
    match command {
        Command::Table(args) => table::run(args).map(|()| Outcome::Pass),
        Command::Check(args) => check::run(args),
        Command::Plot(PlotCommand::Heatmap(args)) => {
            plot::heatmap::run(args).map(|()| Outcome::Pass)
        }
        Command::Plot(PlotCommand::Decay(args)) => plot::decay::run(args).map(|()| Outcome::Pass),
        Command::Rope(args) => rope::run(args).map(|()| Outcome::Pass),
        Command::RopeCheck(args) => rope_check::run(args),
        Command::Plot(PlotCommand::Rope(args)) => plot::rope::run(args).map(|()| Outcome::Pass),
    }
}

/// A panic is a bug in posenc; it is still reported as one `error:` line, without a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error (a bug in posenc, please report it): {}{place}",
            message.replace('\n', " ")
        );
    }));
}
