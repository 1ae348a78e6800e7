//! The one error type of the command: every failure becomes a single `error: ...` line.

use std::fmt;
use std::io;
use std::path::Path;

use posenc_parallel::Error as EncodingError;

/// Everything that can stop a command. `Display` is one line that names the problem.
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
        }
    }
}

impl std::error::Error for CliError {}

impl From<EncodingError> for CliError {
    fn from(e: EncodingError) -> CliError {
        CliError::Encoding(e)
    }
}
