//! Where output goes: a file that appears only when complete, or stdout.
//!
//! A file is written into a temporary file in the target's directory (so the final rename
//! stays on one file system and is atomic) and renamed over the target by [`Output::finish`].
//! Until then the target is untouched; if anything fails, the [`Output`] is dropped
//! unfinished, or a termination signal ends the run ([`crate::signals`]), the temporary file
//! is deleted. Where the file system allows, it has no name at all until it is complete, so
//! that not even SIGKILL or a power cut leaves it behind; durability and the fallback are
//! described in [`crate::tmpfile`].
//!
//! A write to stdout that fails, a closed pipe included, is an error like a failed write to a
//! file: a pipeline is never told that a table was delivered when it was not.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::errors::CliError;
use crate::tmpfile::{self, TempFile};

/// Capacity of the write buffer: small writes (headers, CSV rows) are gathered, whole blocks
/// of binary rows go straight through.
const BUFFER_BYTES: usize = 1 << 20;

/// An output being written, and how many bytes have gone to it.
#[derive(Debug)]
pub(crate) struct Output {
    sink: Sink,
    written: u64,
}

/// Where an [`Output`]'s bytes go.
#[derive(Debug)]
enum Sink {
    /// A temporary file beside `target`.
    File {
        /// The temporary file, deleted on drop unless persisted.
        temp: BufWriter<TempFile>,
        /// The path it becomes.
        target: PathBuf,
    },
    /// Standard output (`-`).
    Stdout(BufWriter<io::Stdout>),
}

impl Output {
    /// Opens `path` for writing (`-` is stdout). `binary` outputs are refused on a terminal.
    pub(crate) fn create(path: &Path, binary: bool) -> Result<Output, CliError> {
        if path.as_os_str() == "-" {
            let stdout = io::stdout();
            if binary && stdout.is_terminal() {
                return Err(CliError::invalid(
                    "refusing to write binary data to a terminal: redirect stdout or use --out FILE",
                ));
            }
            tmpfile::note_stdout();
            let stdout = BufWriter::with_capacity(BUFFER_BYTES, stdout);
            return Ok(Output::new(Sink::Stdout(stdout)));
        }
        if path.is_dir() {
            return Err(CliError::invalid(format!(
                "cannot write '{}': it is a directory",
                path.display()
            )));
        }
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(CliError::invalid(format!(
                "cannot write '{}': there is no directory '{}'",
                path.display(),
                dir.display()
            )));
        }
        let name = path.file_name().map_or_else(
            || "output".into(),
            |name| name.to_string_lossy().into_owned(),
        );
        let temp = TempFile::create(dir, &name).map_err(|e| {
            CliError::io(
                format!(
                    "cannot write '{}': no temporary file in '{}'",
                    path.display(),
                    dir.display()
                ),
                e,
            )
        })?;
        Ok(Output::new(Sink::File {
            temp: BufWriter::with_capacity(BUFFER_BYTES, temp),
            target: path.to_owned(),
        }))
    }

    fn new(sink: Sink) -> Output {
        Output { sink, written: 0 }
    }

    /// The number of bytes written so far.
    pub(crate) fn written(&self) -> u64 {
        self.written
    }

    /// What to call this output in messages.
    pub(crate) fn name(&self) -> String {
        match &self.sink {
            Sink::File { target, .. } => format!("'{}'", target.display()),
            Sink::Stdout(_) => "stdout".to_owned(),
        }
    }

    /// Writes all of `bytes`.
    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> Result<(), CliError> {
        let result = match &mut self.sink {
            Sink::File { temp, .. } => temp.write_all(bytes),
            Sink::Stdout(out) => out.write_all(bytes),
        };
        self.written += bytes.len() as u64;
        result.map_err(|e| CliError::io(format!("cannot write {}", self.name()), e))
    }

    /// Flushes and, for a file, renames it over the target.
    pub(crate) fn finish(self) -> Result<(), CliError> {
        let name = self.name();
        match self.sink {
            Sink::File { temp, target } => {
                let temp = temp
                    .into_inner()
                    .map_err(|e| CliError::io(format!("cannot write {name}"), e.into_error()))?;
                temp.persist(&target)
                    .map_err(|e| CliError::io(format!("cannot replace {name}"), e))?;
            }
            Sink::Stdout(mut out) => out
                .flush()
                .map_err(|e| CliError::io(format!("cannot write {name}"), e))?,
        }
        Ok(())
    }
}

/// Writes a report (`check`'s) to stdout: a failure, a closed pipe included, is an error as
/// for an [`Output`] on stdout, where `print!` would panic.
pub(crate) fn print(text: &str) -> Result<(), CliError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::io("cannot write stdout", e))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The names in `dir`, sorted.
    pub(crate) fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// `dir/t.bin`, already holding `old`: what a run replaces.
    fn old_target(dir: &Path) -> PathBuf {
        let target = dir.join("t.bin");
        std::fs::write(&target, b"old").unwrap();
        target
    }

    #[test]
    fn the_target_appears_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let target = old_target(dir.path());
        let mut out = Output::create(&target, true).unwrap();
        out.write_all(b"new contents").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        out.finish().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new contents");
        assert_eq!(entries(dir.path()), ["t.bin"]);
    }

    #[test]
    fn an_unfinished_output_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = old_target(dir.path());
        let mut out = Output::create(&target, true).unwrap();
        out.write_all(&[7; 3 << 20]).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        drop(out);
        assert_eq!(entries(dir.path()), ["t.bin"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
    }

    #[cfg(unix)]
    #[test]
    fn finished_files_are_not_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.bin");
        let out = Output::create(&target, true).unwrap();
        out.finish().unwrap();
        let plain = dir.path().join("plain");
        std::fs::File::create(&plain).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode(&target), mode(&plain));
    }
}
