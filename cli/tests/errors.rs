//! Every bad input: one `error: ...` line naming the problem, a non-zero exit, no panic, and no
//! file left behind.

mod common;

use common::{entries, fails_in, run_in};

#[test]
fn bad_configurations() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str)] = &[
        ("table --d-model 0", "d_model must be at least 1"),
        (
            "table --d-model 2000000",
            "d_model 2000000 is above the limit",
        ),
        (
            "table --base 1",
            "base must be finite and greater than 1, got 1",
        ),
        (
            "table --base 0.5",
            "base must be finite and greater than 1, got 0.5",
        ),
        (
            "table --base nan",
            "base must be finite and greater than 1, got NaN",
        ),
        (
            "table --base inf",
            "base must be finite and greater than 1, got inf",
        ),
        (
            "table --scale 0",
            "scale must be finite and non-zero, got 0",
        ),
        (
            "table --scale NaN",
            "scale must be finite and non-zero, got NaN",
        ),
        ("table --shift nan", "shift must be finite, got NaN"),
        ("table --d-model 8 --shift 4", "exponent denominator 0 <= 0"),
        ("table --start nan", "position must be finite, got NaN"),
        ("table --start -inf", "position must be finite, got -inf"),
        (
            "table --start 1e308 --scale 10",
            "scale * position overflows",
        ),
        (
            "check x.npy --tolerance -1",
            "--tolerance must be a finite number >= 0, got -1",
        ),
    ];
    for (args, needle) in cases {
        fails_in(dir.path(), *args, needle);
    }
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[test]
fn bad_position_lists() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.txt"), "1\n2\nthree\n").unwrap();
    std::fs::write(dir.path().join("empty.txt"), "# none\n\n").unwrap();
    let cases: &[(&str, &str)] = &[
        (
            "--positions=1,x,3",
            "--positions item 2: cannot read 'x' as a number",
        ),
        ("--positions=1,,3", "--positions item 2: empty position"),
        (
            "--positions=0,nan",
            "--positions item 2: position 'nan' is not finite",
        ),
        (
            "--positions=-inf",
            "--positions item 1: position '-inf' is not finite",
        ),
        (
            "--positions=@p.txt",
            "p.txt:3: cannot read 'three' as a number",
        ),
        ("--positions=@empty.txt", "gives no positions"),
        (
            "--positions=@missing.txt",
            "cannot read positions file 'missing.txt'",
        ),
    ];
    for (flag, needle) in cases {
        fails_in(dir.path(), &["table", flag], needle);
    }
    assert_eq!(entries(dir.path()), ["empty.txt", "p.txt"]);
}

#[test]
fn unwritable_outputs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    fails_in(
        dir.path(),
        "table --out nowhere/pe.npy",
        "cannot write 'nowhere/pe.npy': there is no directory 'nowhere'",
    );
    fails_in(
        dir.path(),
        "table --out sub",
        "cannot write 'sub': it is a directory",
    );
    fails_in(
        dir.path(),
        "plot heatmap --out nowhere/h.png",
        "there is no directory 'nowhere'",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
        // root may write anyway; the check only applies where permissions are enforced.
        if std::fs::File::create(locked.join("probe")).is_err() {
            fails_in(
                dir.path(),
                "table --out locked/pe.npy",
                "cannot write 'locked/pe.npy': no temporary file in 'locked'",
            );
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(entries(&locked).len() <= 1);
    }
}

#[test]
fn usage_errors_are_clap_s_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        "table --bogus",
        "table --layout sideways",
        "table --preset gpt",
        "table --dtype f8",
        "table --format parquet",
        "table --d-model -3",
        "table --max-len ten",
        "table --threads 0",
        "table --preset paper --layout interleaved",
        "table --positions=1,2 --max-len 2",
        "check",
        "plot",
        "frobnicate",
    ] {
        let out = run_in(dir.path(), args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") || stderr.contains("Usage: posenc"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    assert!(entries(dir.path()).is_empty());
}

/// A refused configuration keeps the library's error as its `source()`, so a program calling
/// the library can match on it; the command itself prints only the one line.
#[test]
fn library_errors_are_the_source() {
    use std::error::Error as _;
    let err = posenc_cli::parse_args(["posenc", "table", "--base", "1"]).unwrap_err();
    let cause = err.source().expect("the library's error is kept");
    assert_eq!(
        cause.downcast_ref::<posenc_parallel::Error>(),
        Some(&posenc_parallel::Error::InvalidBase(1.0))
    );
    assert_eq!(err.exit_status(), 2);
    // A usage error is a message: it has no cause.
    let usage = posenc_cli::parse_args(["posenc", "table", "--bogus"]).unwrap_err();
    assert!(usage.source().is_none());
}
