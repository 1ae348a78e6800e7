//! The progress bar on stderr, and Ctrl-C turned into a clean stop between blocks.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::errors::CliError;

/// Work below this many bytes finishes before a bar would be worth drawing.
const BAR_THRESHOLD_BYTES: u64 = 64 << 20;

/// Set by the Ctrl-C handler; checked between blocks.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler: the first Ctrl-C asks the running command to stop at the
/// next block (so that it deletes its partial output); a second one exits at once.
pub(crate) fn install_interrupt_handler() {
    // If a handler cannot be installed, Ctrl-C keeps its default effect (the process ends and
    // the temporary file stays); nothing else is at stake, so the failure is not reported.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
}

/// `Err(Interrupted)` once Ctrl-C has been pressed.
pub(crate) fn check_interrupt() -> Result<(), CliError> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        Err(CliError::Interrupted)
    } else {
        Ok(())
    }
}

/// A bar counting `total_bytes`, drawn only when stderr is a terminal, `quiet` is off and the
/// work is large enough to take a while.
pub(crate) fn bar(total_bytes: u64, quiet: bool, verb: &str) -> ProgressBar {
    if quiet || total_bytes < BAR_THRESHOLD_BYTES || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr());
    // Fits 80 columns, so that the line never wraps.
    let template =
        format!("{verb} {{bar:30}} {{percent:>3}}% {{bytes}}/{{total_bytes}} eta {{eta}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar
}
