//! Every way a run ends leaves the whole output or nothing: termination signals, SIGKILL and a
//! closed pipe, each sent to the built binary while it writes a big table over a file that
//! already exists. "Mid-write" is seen, not guessed: the test waits until the run's temporary
//! file (named or not) holds data.
#![cfg(unix)]

mod common;

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::{entries, posenc};

/// The existing output every test must find unchanged.
const PRECIOUS: &[u8] = b"precious";

/// A quick table into `pe.npy`: the next run after a killed one.
const SMALL_TABLE: [&str; 6] = ["table", "-q", "--d-model", "4", "--max-len", "2"];

/// How the run's temporary file is made.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Temporary {
    /// The default: unnamed (`O_TMPFILE`) where the file system offers it.
    Default,
    /// Always a named `.partial` file, as on file systems without `O_TMPFILE`.
    Named,
}

/// A folder holding only `pe.npy` with [`PRECIOUS`] in it.
fn folder_with_existing_output() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pe.npy"), PRECIOUS).unwrap();
    dir
}

/// Starts `posenc table` on 10^6 rows of 1024 f32 (4 GB, far more than is written before the
/// test ends it) into `dir/pe.npy`, with stderr captured.
fn start_big_table(dir: &Path, temporary: Temporary) -> Child {
    let mut command = posenc();
    command
        .current_dir(dir)
        .args(["table", "--d-model", "1024", "--max-len", "1000000"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if temporary == Temporary::Named {
        command.env("POSENC_NAMED_TEMPORARY", "1");
    }
    command.spawn().unwrap()
}

/// The size of a file in `dir` that `child` has open for writing, if there is one with data.
/// On Linux the unnamed file is found through `/proc/PID/fd` (its link reads `dir/#N
/// (deleted)`); elsewhere temporaries are named `.partial` files in `dir`.
fn bytes_being_written(child: &Child, dir: &Path) -> Option<u64> {
    if cfg!(target_os = "linux") {
        let fds = std::fs::read_dir(format!("/proc/{}/fd", child.id())).ok()?;
        fds.filter_map(Result::ok)
            .filter(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target.starts_with(dir)))
            .filter_map(|fd| std::fs::metadata(fd.path()).ok())
            .map(|meta| meta.len())
            .max()
    } else {
        partial_files(dir)
            .iter()
            .filter_map(|path| std::fs::metadata(path).ok())
            .map(|meta| meta.len())
            .max()
    }
}

/// Waits until `child` has written more than 1 MiB of the table into its temporary file.
fn wait_until_writing(child: &mut Child, dir: &Path) {
    let dir = dir.canonicalize().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while bytes_being_written(child, &dir).is_none_or(|bytes| bytes <= 1 << 20) {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("posenc ended before writing: {status}: {stderr}");
        }
        assert!(Instant::now() < deadline, "no data was written in 60 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A big table started over an existing output (in the folder returned) and seen writing.
fn big_table_mid_write(temporary: Temporary) -> (tempfile::TempDir, Child) {
    let dir = folder_with_existing_output();
    let mut child = start_big_table(dir.path(), temporary);
    wait_until_writing(&mut child, dir.path());
    (dir, child)
}

/// Sends `signal` to `child`.
fn send(child: &Child, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: kill has no memory effects; `pid` is our own child, not yet waited for.
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

/// The `.partial` files in `dir`.
fn partial_files(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|name| name.ends_with(".partial"))
        .map(|name| dir.join(name))
        .collect()
}

/// Asserts that `dir` holds exactly `pe.npy` with its original bytes.
fn assert_only_the_original(dir: &Path) {
    assert_eq!(entries(dir), ["pe.npy"]);
    assert_eq!(std::fs::read(dir.join("pe.npy")).unwrap(), PRECIOUS);
}

/// Ends a big table with `signal` mid-write; asserts the exit status 128 + `signal`, the one
/// line on stderr and the folder holding only the original output.
fn signal_mid_write(signal: libc::c_int, name: &str, temporary: Temporary) {
    let (dir, child) = big_table_mid_write(temporary);
    if temporary == Temporary::Named {
        assert_eq!(
            partial_files(dir.path()).len(),
            1,
            "{:?}",
            entries(dir.path())
        );
    }
    send(&child, signal);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(128 + signal), "{stderr}");
    assert_eq!(
        stderr,
        format!("error: interrupted by {name}; no output file was written\n")
    );
    assert_only_the_original(dir.path());
}

/// SIGTERM, SIGHUP and SIGINT, each with the default (unnamed where offered) and with a named
/// temporary: exit 128 + signal (143, 129, 130), the one line, only the original left.
#[test]
fn each_handled_signal_mid_write_leaves_the_original_and_exits_128_plus_it() {
    for (signal, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
    ] {
        for temporary in [Temporary::Default, Temporary::Named] {
            signal_mid_write(signal, name, temporary);
        }
    }
}

/// A second signal while the first is being handled (a second Ctrl-C, or `timeout` followed by
/// a Ctrl-C) leaves no temporary either; the status is that of the signal taken first.
#[test]
fn a_second_signal_does_not_leave_the_temporary() {
    let (dir, child) = big_table_mid_write(Temporary::Named);
    send(&child, libc::SIGTERM);
    send(&child, libc::SIGINT);
    send(&child, libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    assert!(code == Some(143) || code == Some(130), "{code:?}: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: interrupted by SIG"), "{stderr}");
    assert_only_the_original(dir.path());
}

/// A signal the run was started with ignored (`nohup` ignores SIGHUP) stays ignored: the table
/// goes on being written, and SIGTERM still ends it.
#[test]
fn a_signal_ignored_at_start_stays_ignored() {
    let dir = folder_with_existing_output();
    let script = format!(
        "trap '' HUP && exec '{}' table --d-model 1024 --max-len 1000000",
        env!("CARGO_BIN_EXE_posenc")
    );
    let mut child = std::process::Command::new("sh")
        .current_dir(dir.path())
        .args(["-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until_writing(&mut child, dir.path());
    send(&child, libc::SIGHUP);
    // Still writing: more data arrives after the SIGHUP.
    let canonical = dir.path().canonicalize().unwrap();
    let before = bytes_being_written(&child, &canonical).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while bytes_being_written(&child, &canonical).is_none_or(|now| now <= before) {
        assert!(child.try_wait().unwrap().is_none(), "SIGHUP ended the run");
        assert!(
            Instant::now() < deadline,
            "no more data was written in 60 s"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    send(&child, libc::SIGTERM);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert_only_the_original(dir.path());
}

/// True when the file system of `dir` offers unnamed temporary files (Linux `O_TMPFILE`).
fn offers_unnamed_files(dir: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .open(dir)
            .is_ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        false
    }
}

/// SIGKILL cannot be handled: with an unnamed temporary the kernel frees it and the folder
/// holds only the original; where the file system has none, the named `.partial` is left and
/// the next run reports it.
#[test]
fn sigkill_mid_write_leaves_the_original() {
    let (dir, child) = big_table_mid_write(Temporary::Default);
    send(&child, libc::SIGKILL);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGKILL));
    assert!(out.stderr.is_empty());
    if offers_unnamed_files(dir.path()) {
        assert_only_the_original(dir.path());
    } else {
        assert_eq!(partial_files(dir.path()).len(), 1);
        assert_eq!(std::fs::read(dir.path().join("pe.npy")).unwrap(), PRECIOUS);
    }
}

/// Dates `file`'s last write an hour back: older than any run the test starts.
fn make_stale(file: &std::fs::File) {
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
}

/// Where only named temporaries exist, SIGKILL leaves one: the next run writing the same target
/// reports it (path and size) and leaves it for the user to delete.
#[test]
fn a_partial_file_left_by_sigkill_is_reported_by_the_next_run() {
    let (dir, mut child) = big_table_mid_write(Temporary::Named);
    send(&child, libc::SIGKILL);
    assert_eq!(child.wait().unwrap().signal(), Some(libc::SIGKILL));
    let left = partial_files(dir.path());
    assert_eq!(left.len(), 1, "{:?}", entries(dir.path()));
    assert_eq!(std::fs::read(dir.path().join("pe.npy")).unwrap(), PRECIOUS);
    // A run starting later than the file was last written to.
    let file = std::fs::File::options().write(true).open(&left[0]).unwrap();
    make_stale(&file);
    let size = file.metadata().unwrap().len();
    drop(file);

    let out = common::run_in(dir.path(), &SMALL_TABLE);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let name = left[0].file_name().unwrap().to_string_lossy();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("warning: '")
            && stderr.contains(&format!("{name}' ("))
            && stderr.contains("earlier posenc run"),
        "{stderr}"
    );
    // Its size in MiB (or GiB, had much more been written before the kill).
    assert!(
        size > 1 << 20 && stderr.contains("iB) "),
        "{size}: {stderr}"
    );
    // Reported, not deleted; the table itself was written.
    assert_eq!(partial_files(dir.path()), left);
    assert!(
        std::fs::read(dir.path().join("pe.npy"))
            .unwrap()
            .starts_with(b"\x93NUMPY")
    );
}

/// A stale `.partial` of another target is not reported (nor one newer than the run: the unit
/// tests of `tmpfile`, since a test cannot make one before the run starts).
#[test]
fn only_stale_partial_files_of_the_target_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let other = std::fs::File::create(dir.path().join(".other.npy.Ab12Cd.partial")).unwrap();
    make_stale(&other);
    drop(other);
    let child = common::run_in(dir.path(), &SMALL_TABLE);
    assert!(child.status.success());
    assert!(
        child.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&child.stderr)
    );
}

/// Starts a table of 10^5 × 1024 f32 (400 MB) on stdout, a pipe, and reads its first 100
/// bytes; returns the child and the pipe's reading end.
fn start_table_on_stdout() -> (Child, std::process::ChildStdout) {
    let mut child = posenc()
        .args([
            "table",
            "--d-model",
            "1024",
            "--max-len",
            "100000",
            "--out",
            "-",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut head = [0u8; 100];
    stdout.read_exact(&mut head).unwrap();
    assert!(head.starts_with(b"\x93NUMPY"));
    (child, stdout)
}

/// Waits for `child`, whose stdout's reader has gone: it exits with 141 (128 + SIGPIPE) and
/// says nothing.
fn assert_ended_by_the_closed_pipe(child: Child) {
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert_eq!(stderr, "");
}

/// Runs `command` with its stdout a pipe whose reader goes before anything is written, and
/// asserts [`assert_ended_by_the_closed_pipe`].
fn assert_a_closed_pipe_fails(command: &mut Command) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    assert_ended_by_the_closed_pipe(child);
}

/// `posenc table --out - | head -c 100`: the reader goes away mid-table; posenc exits with 141
/// (128 + SIGPIPE, as `cat` or `yes` would) and says nothing, and `pipefail` sees a failure.
#[test]
fn a_pipe_closed_mid_table_is_a_failure() {
    let (child, stdout) = start_table_on_stdout();
    drop(stdout);
    assert_ended_by_the_closed_pipe(child);
}

/// The same for a plot, whose reader has gone before anything is written.
#[test]
fn a_closed_pipe_fails_a_plot_too() {
    assert_a_closed_pipe_fails(posenc().args(["plot", "decay", "--max-len", "100", "--out", "-"]));
}

/// A signal to a run writing stdout says that stdout is incomplete.
#[test]
fn a_signal_while_writing_stdout_says_it_is_incomplete() {
    let (child, stdout) = start_table_on_stdout();
    // Nobody reads the pipe any more: once it is full posenc is blocked in a write, and the
    // signal still ends it at once.
    send(&child, libc::SIGTERM);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert_eq!(
        stderr,
        "error: interrupted by SIGTERM; the output on stdout is incomplete\n"
    );
    drop(stdout);
}

/// `check` prints a report rather than a file; a closed pipe fails it the same way.
#[test]
fn a_closed_pipe_fails_a_check_too() {
    let dir = tempfile::tempdir().unwrap();
    common::ok_in(
        dir.path(),
        &["table", "-q", "--d-model", "8", "--max-len", "10"],
    );
    assert_a_closed_pipe_fails(posenc().current_dir(dir.path()).args(["check", "pe.npy"]));
}
