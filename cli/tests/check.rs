//! `posenc check`: tables from elsewhere against the exact encoding.

mod common;

use common::{assert_one_line_error, fails_in, fixture, ok_in, run_in, write_npy_f32};
use posenc_parallel::{Encoding, table};

/// The common wrong implementation: the angle `p · ω` formed in `f32`.
fn f32_angle_table(d: usize, start: f64, rows: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(rows * d);
    for k in 0..rows {
        let p = (start + k as f64) as f32;
        for j in 0..d {
            let i = (j / 2) as f32;
            let w = (-(2.0 * i / d as f32) * 10000f32.ln()).exp();
            let angle = p * w;
            out.push(if j % 2 == 0 { angle.sin() } else { angle.cos() });
        }
    }
    out
}

#[test]
fn a_correct_table_passes_and_the_report_says_where_the_worst_is() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), "table -q --d-model 64 --max-len 2000");
    let out = run_in(dir.path(), "check pe.npy --tolerance 6e-8");
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("2000 rows × 64 columns of float32 (<f4), shape (2000, 64)"),
        "{report}"
    );
    assert!(report.contains("positions 0 to 1999"), "{report}");
    assert!(report.contains("PASS: worst error"), "{report}");
    // posenc's f32 is within 2^-24 of exact: the worst error printed is 2.9xe-8 or less.
    let worst = worst_error(&report);
    assert!(worst > 0.0 && worst <= 2f64.powi(-24), "{worst}");
    for decade in [
        "[0, 1)",
        "[1, 10)",
        "[10, 100)",
        "[100, 1000)",
        "[1000, 10000)",
    ] {
        assert!(report.contains(decade), "{report}");
    }
}

/// The number after "worst absolute error " in a report.
fn worst_error(report: &str) -> f64 {
    let rest = report
        .split("worst absolute error ")
        .nth(1)
        .expect("a worst error line");
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn an_f32_angle_table_fails_at_large_positions_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let (d, start, rows) = (32, 99_000.0, 1000);
    let wrong = f32_angle_table(d, start, rows);
    write_npy_f32(
        &dir.path().join("wrong.npy"),
        &[rows as u64, d as u64],
        &wrong,
    );

    // The error the check must find, computed here from the library's own f64 values.
    let exact = table::<f64>(&Encoding::new(d).unwrap(), start, rows).unwrap();
    let (mut worst, mut at) = (0.0f64, 0);
    for (i, (w, e)) in wrong.iter().zip(&exact).enumerate() {
        let error = (f64::from(*w) - e).abs();
        if error > worst {
            (worst, at) = (error, i);
        }
    }
    assert!(
        worst > 1e-3,
        "an f32 angle is off by about |θ|·2^-24 here: {worst}"
    );

    let out = run_in(dir.path(), "check wrong.npy --start 99000 --tolerance 1e-6");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8(out.stdout).unwrap();
    let expected = format!(
        "worst absolute error {worst:.2e} at position {} (row {}), column {}:",
        start + (at / d) as f64,
        at / d,
        at % d
    );
    assert!(
        report.contains(&expected),
        "expected {expected:?} in {report}"
    );
    assert!(report.contains("FAIL: worst error"), "{report}");
    assert!(report.contains("[10000, 1e5)"), "{report}");

    // Without --tolerance the same report, and success.
    let out = run_in(dir.path(), "check wrong.npy --start 99000");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stdout).unwrap().contains(&expected));
}

#[test]
fn numpy_made_tables_pytorch_buffer_shape_and_big_endian() {
    let dir = tempfile::tempdir().unwrap();
    let torch = fixture("torch_f32_angle.npy");
    let out = run_in(
        dir.path(),
        &[
            "check",
            torch.to_str().unwrap(),
            "--start",
            "1000000",
            "--tolerance",
            "1e-3",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("shape (256, 1, 16)"), "{report}");
    assert!(report.contains("[1e6, 1e7)"), "{report}");
    let worst = worst_error(&report);
    assert!((1e-2..0.1).contains(&worst), "{report}");

    let numpy = fixture("numpy_f64_big_endian.npy");
    let out = run_in(
        dir.path(),
        &["check", numpy.to_str().unwrap(), "--tolerance", "1e-12"],
    );
    assert_eq!(out.status.code(), Some(0));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains("float64 (>f8), shape (256, 16)"),
        "{report}"
    );
    assert!(worst_error(&report) < 1e-13, "{report}");
}

#[test]
fn explicit_positions_and_settings_must_match_the_file() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(
        dir.path(),
        "table -q --preset whisper --d-model 24 --positions=5,-2.5,1e4",
    );
    let out = run_in(
        dir.path(),
        "check pe.npy --preset whisper --positions=5,-2.5,1e4 --tolerance 6e-8",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The same file read as the paper's encoding is far off.
    let out = run_in(
        dir.path(),
        "check pe.npy --positions=5,-2.5,1e4 --tolerance 0.1",
    );
    assert_eq!(out.status.code(), Some(1));
    // The wrong number of positions is an error, not a verdict.
    let out = run_in(dir.path(), "check pe.npy --positions=5,-2.5");
    assert_one_line_error(&out, "--positions has 2 positions but 'pe.npy' has 3 rows");
    let out = run_in(dir.path(), "check pe.npy --d-model 25");
    assert_one_line_error(&out, "'pe.npy' has rows of 24 values but --d-model is 25");
}

#[test]
fn nan_in_a_table_is_an_infinite_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut values = table::<f32>(&Encoding::new(4).unwrap(), 0.0, 3).unwrap();
    values[6] = f32::NAN;
    write_npy_f32(&dir.path().join("nan.npy"), &[3, 4], &values);
    let out = run_in(dir.path(), "check nan.npy --tolerance 1");
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(
        report.contains(
            "worst absolute error inf (NaN/inf) at position 1 (row 1), column 2: file has NaN"
        ),
        "{report}"
    );
}

#[test]
fn files_that_are_not_tables_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    write_npy_f32(&path("vector.npy"), &[8], &[0.0; 8]);
    fails_in(dir.path(), "check vector.npy", "shape (8,) is not a table");
    write_npy_f32(&path("batch.npy"), &[2, 3, 4], &[0.0; 24]);
    fails_in(
        dir.path(),
        "check batch.npy",
        "shape (2, 3, 4) is not a table",
    );

    let dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }\n";
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend((dict.len() as u16).to_le_bytes());
    bytes.extend(dict.as_bytes());
    bytes.extend(7i64.to_le_bytes());
    std::fs::write(path("ints.npy"), &bytes).unwrap();
    fails_in(
        dir.path(),
        "check ints.npy",
        "dtype '<i8' is not float32 or float64",
    );

    ok_in(
        dir.path(),
        "table -q --d-model 8 --max-len 10 --out full.npy",
    );
    let full = std::fs::read(path("full.npy")).unwrap();
    std::fs::write(path("short.npy"), &full[..full.len() - 4]).unwrap();
    fails_in(dir.path(), "check short.npy", "'short.npy' ends early");
    let mut long = full.clone();
    long.extend([0u8; 4]);
    std::fs::write(path("long.npy"), &long).unwrap();
    fails_in(
        dir.path(),
        "check long.npy",
        "more data than its shape (10, 8) holds",
    );

    std::fs::write(path("text.npy"), "not numpy at all").unwrap();
    fails_in(dir.path(), "check text.npy", "not a .npy file");
    fails_in(dir.path(), "check missing.npy", "cannot open 'missing.npy'");
}
