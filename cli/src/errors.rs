//! The one error type of the command: every failure becomes a single `error: ...` line, and
//! its category the exit status (see `run_command_line`).

use std::fmt;
use std::io;
use std::path::Path;

use posenc_parallel::Error as EncodingError;

/// Exit status for bad input and files that cannot be read or written (as clap's own usage
/// errors).
const EXIT_ERROR: u8 = 2;
/// Exit status for a failure that is not the input's ([`CliError::Failed`]).
const EXIT_FAILED: u8 = 3;

/// Everything that can stop a command. `Display` is one line that names the problem, the cause
/// included (it is all the command prints); [`source`](std::error::Error::source) gives the
/// cause as a value to programs that call the library.
#[derive(Debug)]
pub enum CliError {
    /// The library refused the configuration, a position or a size.
    Encoding(EncodingError),
    /// A file or stream operation failed; `context` says which and on what path.
    Io {
        /// What was being done, e.g. "cannot open 'pe.npy'".
        context: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// Any other bad input, already phrased as a message.
    Invalid(String),
    /// The run failed for a reason that is not the input's: drawing a plot, loading the
    /// embedded font, encoding the PNG, starting the `--threads` pool.
    Failed {
        /// What was being done, e.g. "cannot draw the plot".
        context: String,
        /// Why it failed.
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
}

impl CliError {
    /// An I/O error with what was being done when it happened.
    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> CliError {
        CliError::Io {
            context: context.into(),
            source,
        }
    }

    /// An I/O error on a named path: "`action` '`path`'".
    pub(crate) fn io_path(action: &str, path: &Path, source: io::Error) -> CliError {
        CliError::io(format!("{action} '{}'", path.display()), source)
    }

    /// A bad input described by `message`.
    pub(crate) fn invalid(message: impl Into<String>) -> CliError {
        CliError::Invalid(message.into())
    }

    /// A failure that is not the input's, with what was being done.
    pub(crate) fn failed(
        context: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> CliError {
        CliError::Failed {
            context: context.into(),
            source: source.into(),
        }
    }

    /// The process's exit status for this error, as `--help` lists them: 2 bad input (and
    /// files), 3 a failure that is not the input's (a signal's ending is the signal
    /// handler's, a closed pipe's `run_command_line`'s).
    #[must_use]
    pub fn exit_status(&self) -> u8 {
        match self {
            CliError::Failed { .. } => EXIT_FAILED,
            CliError::Encoding(_) | CliError::Io { .. } | CliError::Invalid(_) => EXIT_ERROR,
        }
    }

    /// True when this is a write to a closed pipe (`posenc table --out - | head`): a failure
    /// told by the exit status alone, as for programs that SIGPIPE ends.
    pub(crate) fn is_broken_pipe(&self) -> bool {
        matches!(self, CliError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Encoding(e) => write!(f, "{e}"),
            CliError::Io { context, source } => write!(f, "{context}: {source}"),
            CliError::Invalid(message) => f.write_str(message),
            CliError::Failed { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for CliError {
    /// The library's error, the I/O error, or the failure's cause; none for a message or an
    /// interruption.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::Encoding(e) => Some(e),
            CliError::Io { source, .. } => Some(source),
            CliError::Failed { source, .. } => Some(source.as_ref()),
            CliError::Invalid(_) => None,
        }
    }
}

impl From<EncodingError> for CliError {
    fn from(e: EncodingError) -> CliError {
        CliError::Encoding(e)
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn a_failure_that_is_not_the_input_s_has_its_own_status_and_keeps_its_cause() {
        let e = CliError::failed("cannot draw the plot", "the backend ran out of memory");
        assert_eq!(e.exit_status(), EXIT_FAILED);
        assert_eq!(
            e.to_string(),
            "cannot draw the plot: the backend ran out of memory"
        );
        let cause = e.source().expect("the cause is kept");
        assert_eq!(cause.to_string(), "the backend ran out of memory");
    }

    #[test]
    fn every_category_has_its_status_and_source() {
        let io = CliError::io("cannot write 'pe.npy'", io::Error::other("disk full"));
        assert_eq!(io.exit_status(), EXIT_ERROR);
        assert_eq!(
            io.source().map(ToString::to_string).as_deref(),
            Some("disk full")
        );
        let encoding = CliError::from(EncodingError::ZeroDModel);
        assert_eq!(encoding.exit_status(), EXIT_ERROR);
        assert_eq!(
            encoding.source().map(ToString::to_string),
            Some(EncodingError::ZeroDModel.to_string())
        );
        assert_eq!(CliError::invalid("bad").exit_status(), EXIT_ERROR);
        assert!(CliError::invalid("bad").source().is_none());
    }
}
