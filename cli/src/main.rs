//! `posenc`: sinusoidal positional-encoding tables, checks of tables made elsewhere, and
//! plots. Everything is in the `posenc_cli` library; see [`posenc_cli::run_command_line`].

use std::process::ExitCode;

fn main() -> ExitCode {
    posenc_cli::run_command_line()
}
