//! Files are never left half-written: an error leaves an existing target untouched and no
//! temporary file behind (signals, SIGKILL and closed pipes: `endings.rs`).

mod common;

use common::{entries, ok_in, run_in};

#[test]
fn a_bad_input_leaves_the_existing_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pe.npy"), b"precious").unwrap();
    let out = run_in(dir.path(), "table --positions=1,2,nan");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(dir.path().join("pe.npy")).unwrap(),
        b"precious"
    );
    assert_eq!(entries(dir.path()), ["pe.npy"]);
}

#[test]
fn a_finished_table_replaces_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pe.npy"), b"old").unwrap();
    ok_in(dir.path(), "table -q --d-model 4 --max-len 2");
    let bytes = std::fs::read(dir.path().join("pe.npy")).unwrap();
    assert!(bytes.starts_with(b"\x93NUMPY"));
    assert_eq!(entries(dir.path()), ["pe.npy"]);
}

/// A write that fails in the middle of the table: the file-size limit (`ulimit -f`, in 512-byte
/// blocks) makes `write` fail with EFBIG once 1 MiB is written; SIGXFSZ is ignored so that the
/// failure is an error return, as a full disk would be.
#[cfg(target_os = "linux")]
#[test]
fn an_error_in_the_middle_leaves_the_existing_file_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pe.npy"), b"precious").unwrap();
    let script = format!(
        "ulimit -f 2048 && trap '' XFSZ && exec {} '{}' table --d-model 512 --max-len 100000 --quiet",
        common::runner().join(" "),
        env!("CARGO_BIN_EXE_posenc")
    );
    let out = std::process::Command::new("sh")
        .current_dir(dir.path())
        .args(["-c", &script])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write 'pe.npy': "),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("pe.npy")).unwrap(),
        b"precious"
    );
    assert_eq!(entries(dir.path()), ["pe.npy"]);
}
