//! The temporary file an output is written into, which becomes the output only when complete
//! and is never left behind.
//!
//! Where the file system offers it (Linux `O_TMPFILE`), the file has no name while it is being
//! written: if the process is killed (SIGKILL, the OOM killer) or the machine loses power, the
//! kernel frees it and nothing is left in the folder. At the end it is linked under a
//! temporary name (`linkat` of `/proc/self/fd/N`) and renamed over the target in one step,
//! so the target is either the previous file or the whole new one (a SIGKILL in the instant
//! between the link and the rename leaves the complete file under its temporary name, which
//! the next run reports). Elsewhere (other systems,
//! file systems without `O_TMPFILE`, no `/proc`) it is a named `.NAME.XXXXXX.partial` file
//! beside the target: errors and termination signals remove it, but a SIGKILL or a power cut
//! leaves it, and the next run writing the same target reports it (not deleting it: the user
//! decides) so that the lost space can be found. Setting `POSENC_NAMED_TEMPORARY` (to
//! anything) makes every temporary file a named one, so that tests reach that path.
//!
//! Nothing is `fsync`ed: the guarantee is against errors, signals and killed processes, as for
//! NumPy's and PyTorch's own savers. After a power cut the folder holds the previous file or
//! none, and no temporary file (with `O_TMPFILE`); but a power cut in the seconds after a run
//! succeeded can leave the new file incomplete on file systems that delay writing data after
//! the rename. A multi-GiB flush would dominate the run time.
//!
//! The named temporaries of the run are kept in one registry, so that a termination signal can
//! remove them ([`end_run`]) whatever the writing threads are doing. Creating, committing and
//! removing a temporary all hold the registry's lock, so the signal's ending sees each
//! temporary either not yet made, still unfinished (and removes it) or already the output.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::SystemTime;

use tempfile::TempPath;

/// What the ending of the run must know about its outputs.
#[derive(Debug)]
struct Outputs {
    /// The named temporary files that exist now, by id.
    named: Vec<(u64, PathBuf)>,
    /// The id the next temporary file gets.
    next_id: u64,
    /// Some output has been written to stdout, which cannot be taken back.
    stdout: bool,
    /// Some output file has been completed (renamed over its target).
    committed: bool,
}

static OUTPUTS: Mutex<Outputs> = Mutex::new(Outputs {
    named: Vec::new(),
    next_id: 0,
    stdout: false,
    committed: false,
});

/// Locks the registry; a panic elsewhere does not stop the cleanup.
fn outputs() -> MutexGuard<'static, Outputs> {
    OUTPUTS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The time the run started: the first call, made when the signal handling is installed.
/// A `.partial` file last modified before it belongs to an earlier run.
pub(crate) fn run_start() -> SystemTime {
    static START: OnceLock<SystemTime> = OnceLock::new();
    *START.get_or_init(SystemTime::now)
}

/// Notes that the run writes to stdout, so that an interruption says it is incomplete.
pub(crate) fn note_stdout() {
    outputs().stdout = true;
}

/// A run ended by a signal: its named temporary files are removed, and while this is held no
/// output is completed and no temporary file made.
#[derive(Debug)]
pub(crate) struct Ending {
    _registry: MutexGuard<'static, Outputs>,
    /// What the run leaves, for the message: "no output file was written", ...
    pub(crate) leaves: &'static str,
}

/// Ends the run's outputs: removes every named temporary file and returns the lock of the
/// registry, to be held until the process exits.
pub(crate) fn end_run() -> Ending {
    let mut registry = outputs();
    for (_, path) in registry.named.drain(..) {
        // Already gone (removed by its own drop) is as good as removed.
        let _ = std::fs::remove_file(path);
    }
    let leaves = if registry.stdout {
        "the output on stdout is incomplete"
    } else if registry.committed {
        "the output had been written"
    } else {
        "no output file was written"
    };
    Ending {
        _registry: registry,
        leaves,
    }
}

/// A temporary file beside its target, removed (or freed by the kernel) unless persisted.
#[derive(Debug)]
pub(crate) struct TempFile {
    file: File,
    kind: Kind,
    /// The folder of the target, where the file is linked and renamed.
    dir: PathBuf,
    /// `.NAME.`: the start of the temporary names of this target.
    prefix: String,
}

#[derive(Debug)]
enum Kind {
    /// Opened with `O_TMPFILE`: no name until [`TempFile::persist`].
    Unnamed,
    /// A `.partial` file, with its id in the registry.
    Named { path: TempPath, id: u64 },
}

/// The environment variable that, when set, makes every temporary file a named one, as on
/// file systems without `O_TMPFILE`: for the tests of that path through the whole command.
const NAMED_ONLY: &str = "POSENC_NAMED_TEMPORARY";
/// The end of every temporary name.
const SUFFIX: &str = ".partial";
/// The number of random characters in a temporary name (tempfile's default).
const RANDOM_CHARS: usize = 6;

impl TempFile {
    /// A new, empty temporary file in `dir` for a target called `name`.
    ///
    /// Before it is made, `.name.XXXXXX.partial` files in `dir` older than the run (left by a
    /// posenc run that was killed) are reported on stderr.
    pub(crate) fn create(dir: &Path, name: &str) -> io::Result<TempFile> {
        let prefix = format!(".{name}.");
        report_stale(dir, &prefix);
        let dir = dir.to_owned();
        let mut registry = outputs();
        let allow_unnamed = std::env::var_os(NAMED_ONLY).is_none();
        if let Some(file) = allow_unnamed.then(|| unnamed::open(&dir)).flatten() {
            return Ok(TempFile {
                file,
                kind: Kind::Unnamed,
                dir,
                prefix,
            });
        }
        TempFile::create_named(dir, prefix, &mut registry)
    }

    /// A new `prefix`XXXXXX.partial file in `dir`, entered in the `registry`.
    fn create_named(dir: PathBuf, prefix: String, registry: &mut Outputs) -> io::Result<TempFile> {
        let (file, path) = builder(&prefix).tempfile_in(&dir)?.into_parts();
        let id = registry.next_id;
        registry.next_id += 1;
        registry.named.push((id, path.to_path_buf()));
        Ok(TempFile {
            file,
            kind: Kind::Named { path, id },
            dir,
            prefix,
        })
    }

    /// True when the file has no name (`O_TMPFILE`).
    #[cfg(all(test, target_os = "linux"))]
    fn is_unnamed(&self) -> bool {
        matches!(self.kind, Kind::Unnamed)
    }

    /// Makes the file `target`, replacing any file there in one step.
    pub(crate) fn persist(mut self, target: &Path) -> io::Result<()> {
        let mut registry = outputs();
        match std::mem::replace(&mut self.kind, Kind::Unnamed) {
            Kind::Unnamed => {
                let linked = builder(&self.prefix)
                    .make_in(&self.dir, |path| unnamed::link(&self.file, path))?;
                // On failure the link is dropped, which removes it.
                linked.persist(target).map_err(|e| e.error)?;
            }
            Kind::Named { path, id } => {
                registry.named.retain(|&(other, _)| other != id);
                // On failure the path is dropped, which removes the file.
                path.persist(target).map_err(|e| e.error)?;
            }
        }
        registry.committed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if matches!(self.kind, Kind::Named { .. }) {
            let mut registry = outputs();
            if let Kind::Named { path, id } = std::mem::replace(&mut self.kind, Kind::Unnamed) {
                registry.named.retain(|&(other, _)| other != id);
                // Removed while the lock is held: a signal's ending never finds the file gone
                // from the registry but still on disk. Already gone is as good as removed.
                let _ = path.close();
            }
        }
    }
}

impl Write for TempFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The maker of temporary names `.NAME.XXXXXX.partial` (`prefix` is `.NAME.`).
fn builder(prefix: &str) -> tempfile::Builder<'_, '_> {
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(prefix)
        .suffix(SUFFIX)
        .rand_bytes(RANDOM_CHARS);
    // The finished file gets the permissions of any newly created file (0666 less the
    // umask), not the 0600 that temporary files are given.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
}

/// True when `file_name` is one of posenc's temporary names for a target: `prefix` (`.NAME.`),
/// [`RANDOM_CHARS`] letters and digits, [`SUFFIX`].
fn is_temporary_name(file_name: &str, prefix: &str) -> bool {
    file_name
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|random| {
            random.len() == RANDOM_CHARS && random.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// The temporary files of an earlier run for the target `prefix` names, with their sizes.
fn stale_files(dir: &Path, prefix: &str, start: SystemTime) -> Vec<(PathBuf, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stale: Vec<(PathBuf, u64)> = entries
        .filter_map(Result::ok)
        .filter(|entry| is_temporary_name(&entry.file_name().to_string_lossy(), prefix))
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            let modified = meta.modified().ok()?;
            (meta.is_file() && modified < start).then(|| (entry.path(), meta.len()))
        })
        .collect();
    stale.sort();
    stale
}

/// Reports on stderr each temporary file an earlier, killed run left for this target. They
/// are not deleted: one may belong to a run that is still going on elsewhere.
fn report_stale(dir: &Path, prefix: &str) {
    for (path, bytes) in stale_files(dir, prefix, run_start()) {
        // Nothing more can be done if stderr is closed.
        let _ = writeln!(
            io::stderr(),
            "warning: '{}' ({}) is left from an earlier posenc run that was killed; \
             delete it to free the space",
            path.display(),
            crate::table::human_bytes(bytes),
        );
    }
}

/// Files without a name: `O_TMPFILE`, linked through `/proc/self/fd`.
#[cfg(any(target_os = "linux", target_os = "android"))]
mod unnamed {
    use std::ffi::CString;
    use std::fs::{File, OpenOptions};
    use std::io;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::OpenOptionsExt;
    use std::path::Path;

    /// An unnamed file in `dir`, or `None` where the file system does not offer one (or
    /// `/proc` is missing, so that it could not be given a name at the end).
    pub(super) fn open(dir: &Path) -> Option<File> {
        let file = OpenOptions::new()
            .write(true)
            .mode(0o666)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
            .ok()?;
        std::fs::metadata(fd_path(&file)).ok()?;
        Some(file)
    }

    /// Gives the unnamed `file` the name `path` (a new hard link; fails if `path` exists).
    pub(super) fn link(file: &File, path: &Path) -> io::Result<()> {
        let from = CString::new(fd_path(file))?;
        let to = CString::new(path.as_os_str().as_bytes())?;
        // SAFETY: both arguments are NUL-terminated strings that outlive the call; linkat
        // only reads them.
        let status = unsafe {
            libc::linkat(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::AT_SYMLINK_FOLLOW,
            )
        };
        if status == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// `/proc/self/fd/N`: the file's own path, which `linkat` follows to the file.
    fn fd_path(file: &File) -> String {
        format!("/proc/self/fd/{}", file.as_raw_fd())
    }
}

/// No unnamed files on this system: every temporary file is a named one.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod unnamed {
    use std::fs::File;
    use std::io;
    use std::path::Path;

    pub(super) fn open(_dir: &Path) -> Option<File> {
        None
    }

    pub(super) fn link(_file: &File, _path: &Path) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::tests::entries;
    use std::time::Duration;

    /// Serialises the tests that make named temporaries: the ending removes all of them.
    static NAMED: Mutex<()> = Mutex::new(());

    /// A named temporary, as made where `O_TMPFILE` is missing.
    fn named(dir: &Path, name: &str) -> TempFile {
        TempFile::create_named(dir.to_owned(), format!(".{name}."), &mut outputs()).unwrap()
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn on_linux_the_file_being_written_has_no_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut temp = TempFile::create(dir.path(), "t.bin").unwrap();
        assert!(temp.is_unnamed(), "this file system offers no O_TMPFILE");
        temp.write_all(b"data").unwrap();
        assert!(entries(dir.path()).is_empty());
        temp.persist(&dir.path().join("t.bin")).unwrap();
        assert_eq!(entries(dir.path()), ["t.bin"]);
        assert_eq!(std::fs::read(dir.path().join("t.bin")).unwrap(), b"data");
    }

    #[test]
    fn a_named_temporary_becomes_the_target_or_goes() {
        let _serial = NAMED.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.bin");
        std::fs::write(&target, b"old").unwrap();
        let mut temp = named(dir.path(), "t.bin");
        temp.write_all(b"new").unwrap();
        assert_eq!(entries(dir.path()).len(), 2);
        drop(temp);
        assert_eq!(entries(dir.path()), ["t.bin"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"old");

        let mut temp = named(dir.path(), "t.bin");
        temp.write_all(b"new").unwrap();
        temp.persist(&target).unwrap();
        assert_eq!(entries(dir.path()), ["t.bin"]);
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn the_ending_removes_named_temporaries() {
        let _serial = NAMED.lock().unwrap_or_else(PoisonError::into_inner);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.bin"), b"old").unwrap();
        let temp = named(dir.path(), "t.bin");
        assert_eq!(entries(dir.path()).len(), 2);
        drop(end_run());
        assert_eq!(entries(dir.path()), ["t.bin"]);
        // Its own removal afterwards finds nothing and does no harm.
        drop(temp);
        assert_eq!(entries(dir.path()), ["t.bin"]);
    }

    #[test]
    fn temporary_names_are_recognised_exactly() {
        let prefix = ".pe.npy.";
        assert!(is_temporary_name(".pe.npy.a1B2c3.partial", prefix));
        assert!(!is_temporary_name(".pe.npy.a1B2c.partial", prefix));
        assert!(!is_temporary_name(".pe.npy.a1B2c3d.partial", prefix));
        assert!(!is_temporary_name(".pe.npy.a1-2c3.partial", prefix));
        assert!(!is_temporary_name(".other.npy.a1B2c3.partial", prefix));
        assert!(!is_temporary_name(".pe.npy.a1B2c3.part", prefix));
        let made = builder(prefix).tempfile().unwrap();
        let name = made
            .path()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(is_temporary_name(&name, prefix), "{name}");
    }

    #[test]
    fn only_older_temporaries_of_the_same_target_are_stale() {
        let dir = tempfile::tempdir().unwrap();
        let hour_ago = SystemTime::now() - Duration::from_secs(3600);
        let old = |name: &str, bytes: usize| {
            let file = File::create(dir.path().join(name)).unwrap();
            file.set_len(bytes as u64).unwrap();
            file.set_modified(hour_ago).unwrap();
        };
        old(".pe.npy.Ab12Cd.partial", 4096);
        old(".other.npy.Ab12Cd.partial", 10);
        old("pe.npy", 10);
        std::fs::write(dir.path().join(".pe.npy.Zz99Yy.partial"), b"new").unwrap();
        let start = SystemTime::now() - Duration::from_secs(60);
        let stale = stale_files(dir.path(), ".pe.npy.", start);
        assert_eq!(
            stale,
            [(dir.path().join(".pe.npy.Ab12Cd.partial"), 4096)],
            "{:?}",
            entries(dir.path())
        );
    }
}
