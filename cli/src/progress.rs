//! The progress bar on stderr.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Work below this many bytes finishes before a bar would be worth drawing.
const BAR_THRESHOLD_BYTES: u64 = 64 << 20;

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
