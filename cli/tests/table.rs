//! `posenc table`: every format read back and compared with the library's values.

mod common;

use common::{entries, ok_in, posenc, read_npy, run_in, widen};
use posenc_parallel::{Encoding, Layout, Preset, positions_table, table};

#[test]
fn the_default_table_is_the_pytorch_tutorials_as_npy_f32() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), "table --quiet");
    let npy = read_npy(&dir.path().join("pe.npy"));
    assert_eq!(npy.descr, "<f4");
    assert_eq!(npy.shape, [5000, 512]);
    let expected = table::<f32>(&Encoding::new(512).unwrap(), 0.0, 5000).unwrap();
    assert_eq!(npy.values, widen(&expected));
    // Row 1 of the paper's table: sin(1), cos(1) in the first two columns.
    assert_eq!(npy.values[512], f64::from(1.0f64.sin() as f32));
    assert_eq!(npy.values[513], f64::from(1.0f64.cos() as f32));
}

#[test]
fn npy_headers_are_version_1_0_c_order_with_the_shape() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), "table -q --d-model 6 --max-len 3 --dtype f64");
    let npy = read_npy(&dir.path().join("pe.npy"));
    // Read by hand, not through npyz: magic, version 1.0, little-endian length, the dict.
    let h = &npy.header;
    assert_eq!(&h[..8], b"\x93NUMPY\x01\x00");
    let len = usize::from(u16::from_le_bytes([h[8], h[9]]));
    assert_eq!(h.len(), 10 + len);
    assert_eq!(h.len() % 64, 0, "data must start 64-byte aligned");
    let dict = std::str::from_utf8(&h[10..]).unwrap();
    assert!(dict.ends_with('\n'));
    let dict: String = dict.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        dict,
        "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 6, ), }"
    );
    let file_len = std::fs::metadata(dir.path().join("pe.npy")).unwrap().len();
    assert_eq!(file_len, h.len() as u64 + 3 * 6 * 8);
}

#[test]
fn f64_tables_in_every_layout_match_the_library() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let args = [
            "table",
            "-q",
            "--d-model",
            "7",
            "--max-len",
            "40",
            "--start",
            "-12.5",
            "--base",
            "500",
            "--shift",
            "0.5",
            "--scale",
            "0.25",
            "--layout",
            layout.name(),
            "--dtype",
            "f64",
            "--out",
            "t.npy",
        ];
        ok_in(dir.path(), &args);
        let npy = read_npy(&dir.path().join("t.npy"));
        let enc = Encoding::builder(7)
            .layout(layout)
            .base(500.0)
            .shift(0.5)
            .scale(0.25)
            .build()
            .unwrap();
        assert_eq!((npy.descr.as_str(), &npy.shape[..]), ("<f8", &[40, 7][..]));
        assert_eq!(
            npy.values,
            table::<f64>(&enc, -12.5, 40).unwrap(),
            "{layout}"
        );
    }
}

#[test]
fn presets_are_the_cores_presets() {
    let dir = tempfile::tempdir().unwrap();
    for preset in Preset::ALL {
        ok_in(
            dir.path(),
            &[
                "table",
                "-q",
                "--preset",
                preset.name(),
                "--d-model",
                "10",
                "--max-len",
                "9",
            ],
        );
        let npy = read_npy(&dir.path().join("pe.npy"));
        let enc = preset.encoding(10).unwrap();
        assert_eq!(
            npy.values,
            widen(&table::<f32>(&enc, 0.0, 9).unwrap()),
            "{preset}"
        );
    }
}

#[test]
fn raw_files_are_the_little_endian_values_alone() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(
        dir.path(),
        "table -q --d-model 12 --max-len 30 --out pe.bin",
    );
    ok_in(
        dir.path(),
        "table -q --d-model 12 --max-len 30 --format raw --dtype f64 --out pe64",
    );
    let enc = Encoding::new(12).unwrap();
    /// The little-endian values of a raw file, `N` bytes each.
    fn raw<const N: usize, T>(path: std::path::PathBuf, from_le: fn([u8; N]) -> T) -> Vec<T> {
        let bytes = std::fs::read(path).unwrap();
        let values = bytes.chunks_exact(N);
        values.map(|b| from_le(b.try_into().unwrap())).collect()
    }
    let values = raw(dir.path().join("pe.bin"), f32::from_le_bytes);
    assert_eq!(values, table::<f32>(&enc, 0.0, 30).unwrap());
    let values = raw(dir.path().join("pe64"), f64::from_le_bytes);
    assert_eq!(values, table::<f64>(&enc, 0.0, 30).unwrap());
}

#[test]
fn csv_has_one_line_per_position_that_reads_back_exactly() {
    let dir = tempfile::tempdir().unwrap();
    for dtype in ["f32", "f64"] {
        let out = format!("pe-{dtype}.csv");
        ok_in(
            dir.path(),
            &[
                "table",
                "-q",
                "--d-model",
                "9",
                "--positions=-1.5,0,2,1e-6,70000.25",
                "--dtype",
                dtype,
                "--out",
                &out,
            ],
        );
        let text = std::fs::read_to_string(dir.path().join(&out)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5);
        let enc = Encoding::new(9).unwrap();
        let positions = [-1.5, 0.0, 2.0, 1e-6, 70000.25];
        let expected: Vec<f64> = if dtype == "f32" {
            widen(&positions_table::<f32>(&enc, &positions).unwrap())
        } else {
            positions_table::<f64>(&enc, &positions).unwrap()
        };
        let parsed: Vec<f64> = lines
            .iter()
            .flat_map(|line| line.split(','))
            .map(|v| {
                if dtype == "f32" {
                    f64::from(v.parse::<f32>().unwrap())
                } else {
                    v.parse::<f64>().unwrap()
                }
            })
            .collect();
        assert_eq!(parsed, expected, "{dtype}");
        assert!(lines.iter().all(|l| l.split(',').count() == 9));
    }
}

#[test]
fn positions_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "# diffusion timesteps\n999\n500.5\n\n0\n-3\n",
    )
    .unwrap();
    ok_in(
        dir.path(),
        "table -q --preset ddpm --d-model 32 --positions @t.txt",
    );
    let npy = read_npy(&dir.path().join("pe.npy"));
    assert_eq!(npy.shape, [4, 32]);
    let enc = Preset::Ddpm.encoding(32).unwrap();
    let expected = positions_table::<f32>(&enc, &[999.0, 500.5, 0.0, -3.0]).unwrap();
    assert_eq!(npy.values, widen(&expected));
}

#[test]
fn stdout_gets_the_same_bytes_as_a_file() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), "table -q --d-model 16 --max-len 100");
    let out = posenc()
        .current_dir(dir.path())
        .args([
            "table",
            "-q",
            "--d-model",
            "16",
            "--max-len",
            "100",
            "--out",
            "-",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        std::fs::read(dir.path().join("pe.npy")).unwrap()
    );
    assert!(out.stderr.is_empty());
    assert_eq!(entries(dir.path()), ["pe.npy"]);
}

#[test]
fn tables_of_many_blocks_equal_one_call_whatever_the_threads() {
    // 3000 rows of 512 f64 are 12 MiB: several 4 MiB blocks, the last one partial.
    let dir = tempfile::tempdir().unwrap();
    let enc = Encoding::new(512).unwrap();
    let expected = table::<f64>(&enc, 1e6, 3000).unwrap();
    for threads in ["1", "3"] {
        let args = [
            "table",
            "-q",
            "--max-len",
            "3000",
            "--start",
            "1000000",
            "--dtype",
            "f64",
            "--threads",
            threads,
            "--out",
            "big.npy",
        ];
        ok_in(dir.path(), &args);
        let npy = read_npy(&dir.path().join("big.npy"));
        assert_eq!(npy.shape, [3000, 512]);
        assert!(npy.values == expected, "threads {threads}");
    }
}

#[test]
fn empty_tables_are_valid_files() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), "table -q --max-len 0 --d-model 3");
    let npy = read_npy(&dir.path().join("pe.npy"));
    assert_eq!(npy.shape, [0, 3]);
    assert!(npy.values.is_empty());
}

#[test]
fn a_summary_line_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), "table --d-model 8 --max-len 10 --out s.csv");
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    let size = std::fs::metadata(dir.path().join("s.csv")).unwrap().len();
    assert_eq!(
        stderr,
        format!("wrote 10 rows × 8 columns of f32 to 's.csv' (csv, {size} B)\n")
    );
    assert!(size > 10 * 8 * 2);
}

#[test]
fn help_exists_for_every_subcommand() {
    for sub in [
        &["table"][..],
        &["check"],
        &["plot"],
        &["plot", "heatmap"],
        &["plot", "decay"],
    ] {
        let mut args = sub.to_vec();
        args.push("--help");
        let out = posenc().args(&args).output().unwrap();
        assert!(out.status.success(), "{sub:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("Usage: posenc"), "{text}");
    }
    let out = posenc().args(["check", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2^-48·(1 + |θ|)"),
        "check --help states the reference's bound: {text}"
    );
}
