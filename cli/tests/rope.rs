//! `posenc rope` and `posenc rope-check` through the binary: the golden RoPE file in all four
//! dtypes, every layout and format, a Hugging Face f32 cache checked, and bad input.
//!
//! The worst error of each dtype as a fraction of its bound is printed
//! (`cargo test -p posenc-cli --test rope -- --nocapture`).

mod common;

use std::path::Path;

use common::{assert_one_line_error, entries, ok_in, run_in};
use half::{bf16, f16};
use posenc_core::{Rope, Scaling};
use posenc_testkit::golden::Worst;
use posenc_testkit::rope_golden::{RopeCase, cases};
use posenc_testkit::{bounds, reduced, rope_backend};

/// The CLI flags of a configuration (the effective attention factor given explicitly, which
/// builds the same `a`).
fn config_flags(rope: &Rope<'_>) -> Vec<String> {
    let mut flags: Vec<String> = [
        "--rotary-dim".to_owned(),
        rope.rotary_dim().to_string(),
        "--head-dim".to_owned(),
        rope.head_dim().to_string(),
        "--theta".to_owned(),
        rope.theta().to_string(),
        "--pairing".to_owned(),
        rope.pairing().to_string(),
        "--attention-factor".to_owned(),
        rope.attention_factor().to_string(),
    ]
    .into();
    let mut add = |flag: &str, value: f64| {
        flags.push(flag.to_owned());
        flags.push(value.to_string());
    };
    let mut extra = Vec::new();
    match rope.scaling() {
        Scaling::None => {}
        Scaling::Linear { factor } | Scaling::Ntk { factor } => add("--factor", factor),
        Scaling::Dynamic {
            factor,
            original_max_len,
            seq_len,
        } => {
            add("--factor", factor);
            add("--original-max-len", original_max_len);
            add("--seq-len", seq_len);
        }
        Scaling::Yarn(y) => {
            add("--factor", y.factor);
            add("--original-max-len", y.original_max_len);
            add("--beta-fast", y.beta_fast);
            add("--beta-slow", y.beta_slow);
            if let Some(m) = y.mscale {
                add("--mscale", m);
            }
            if let Some(m) = y.mscale_all_dim {
                add("--mscale-all-dim", m);
            }
            if !y.truncate {
                extra.push("--no-truncate".to_owned());
            }
        }
        Scaling::Llama3(l) => {
            add("--factor", l.factor);
            add("--original-max-len", l.original_max_len);
            add("--low-freq-factor", l.low_freq_factor);
            add("--high-freq-factor", l.high_freq_factor);
        }
        Scaling::LongRope(l) => {
            add("--factor", l.factor);
            add("--original-max-len", l.original_max_len);
            add("--seq-len", l.seq_len);
            extra.push(format!("--short-factors={}", comma_list(l.short_factors)));
            extra.push(format!("--long-factors={}", comma_list(l.long_factors)));
        }
    }
    flags.push("--scaling".to_owned());
    flags.push(rope.scaling().name().to_owned());
    flags.extend(extra);
    flags
}

/// Numbers as a flag's comma-separated list (`--positions`, `--short-factors`).
fn comma_list(values: &[f64]) -> String {
    let words: Vec<String> = values.iter().map(f64::to_string).collect();
    words.join(",")
}

/// Runs `posenc rope` with the case's configuration at `positions` and returns the file.
fn cache_file(dir: &Path, case: &RopeCase, positions: &[f64], extra: &[&str]) -> Vec<u8> {
    let mut args = vec!["rope".to_owned(), "-q".to_owned()];
    args.extend(config_flags(&case.rope));
    args.push(format!("--positions={}", comma_list(positions)));
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok_in(dir, &args);
    let out = args
        .iter()
        .position(|&a| a == "--out")
        .map(|k| args[k + 1])
        .expect("--out");
    std::fs::read(dir.join(out)).expect("the cache")
}

/// Little-endian values of `dtype` widened to f64.
fn decode(dtype: &str, bytes: &[u8]) -> Vec<f64> {
    match dtype {
        "f32" => bytes
            .chunks_exact(4)
            .map(|b| f64::from(f32::from_le_bytes(b.try_into().unwrap())))
            .collect(),
        "f64" => bytes
            .chunks_exact(8)
            .map(|b| f64::from_le_bytes(b.try_into().unwrap()))
            .collect(),
        "f16" => bytes
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes(b.try_into().unwrap()).to_f64())
            .collect(),
        _ => bytes
            .chunks_exact(2)
            .map(|b| bf16::from_le_bytes(b.try_into().unwrap()).to_f64())
            .collect(),
    }
}

/// The distinct positions of a case, in file order.
fn positions(case: &RopeCase) -> Vec<f64> {
    let mut list: Vec<f64> = Vec::new();
    for row in &case.rows {
        if !list.contains(&row.position) {
            list.push(row.position);
        }
    }
    list
}

#[test]
fn the_golden_cache_in_every_dtype_within_the_fast_path_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let mut worst: Vec<(&str, Worst)> = ["f32", "f64", "f16", "bf16"]
        .into_iter()
        .map(|d| (d, Worst::default()))
        .collect();
    let mut values = 0usize;
    for case in cases() {
        let list = positions(&case);
        let (r, n) = (case.rope.rotary_dim(), case.rope.pairs());
        for (dtype, worst) in &mut worst {
            let bytes = cache_file(
                dir.path(),
                &case,
                &list,
                &["--dtype", dtype, "--format", "raw", "--out", "c.raw"],
            );
            let cache = decode(dtype, &bytes);
            assert_eq!(cache.len(), list.len() * r, "{}", case.name);
            for row in &case.rows {
                let k = list.iter().position(|&p| p == row.position).unwrap();
                let a = row.attention;
                let theta = row.position * row.omega;
                let bound = match *dtype {
                    "f32" => rope_backend::cache_f32(a),
                    "f64" => rope_backend::cache_f64(theta, a),
                    "f16" => reduced::cache(reduced::F16_MANTISSA_BITS, a),
                    _ => reduced::cache(reduced::BF16_MANTISSA_BITS, a),
                };
                let allowed = bound - bounds::rope_golden_cache(a);
                for (got, exact, what) in [
                    (cache[k * r + row.pair], a * row.cos, "a·cos"),
                    (cache[k * r + n + row.pair], a * row.sin, "a·sin"),
                ] {
                    let error = (got - exact).abs();
                    assert!(
                        error <= allowed,
                        "{} {dtype} p={} pair {} {what}: {got:e}, exact {exact:e}, |err| {error:e} > {allowed:e}",
                        case.name,
                        row.position,
                        row.pair
                    );
                    worst.record(error, bound, || {
                        format!("{} p={} pair {} {what}", case.name, row.position, row.pair)
                    });
                    values += 1;
                }
            }
        }
    }
    println!("posenc rope on the golden file: worst |error| / bound (fast-path bounds):");
    for (dtype, w) in &worst {
        println!(
            "  {dtype:>4}: {:.3} (|error| {:.2e}) at {}",
            w.of_bound,
            w.error,
            w.at.as_deref().unwrap_or("-")
        );
    }
    assert!(values > 4 * 2000, "only {values} values checked");
    // Rounding once to f16/bf16 from an f64 within 2^-48·(1 + |θ|) of exact gives at most
    // half an ulp and a hair: never near the bound's + 2^-23, and at least a quarter of an
    // ulp somewhere among thousands of values.
    for (dtype, w) in &worst[2..] {
        assert!(
            w.of_bound > 0.25 && w.of_bound <= 1.0,
            "{dtype}: {}",
            w.of_bound
        );
    }
}

/// The values of one configuration in every layout and container: separate and hf hold the
/// cos-sin values rearranged, bit for bit, whatever the format.
#[test]
fn every_layout_and_format_holds_the_same_values() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "rope",
        "-q",
        "--preset",
        "qwen2.5-yarn",
        "--max-len",
        "300",
        "--start",
        "32700",
    ];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        ok_in(dir.path(), &args);
    };
    for dtype in ["f32", "f16", "bf16", "f64"] {
        run(&["--dtype", dtype, "--out", "cs.raw"]);
        let cos_sin = decode(dtype, &std::fs::read(dir.path().join("cs.raw")).unwrap());
        assert_eq!(cos_sin.len(), 300 * 128);
        for layout in ["separate", "hf"] {
            run(&[
                "--dtype",
                dtype,
                "--cache-layout",
                layout,
                "--out",
                "two.raw",
            ]);
            let two = decode(dtype, &std::fs::read(dir.path().join("two.raw")).unwrap());
            let width = if layout == "hf" { 128 } else { 64 };
            assert_eq!(two.len(), 2 * 300 * width);
            let (cos, sin) = two.split_at(300 * width);
            for k in 0..300 {
                for j in 0..width {
                    let pair = j % 64;
                    assert_eq!(
                        cos[k * width + j].to_bits(),
                        cos_sin[k * 128 + pair].to_bits()
                    );
                    assert_eq!(
                        sin[k * width + j].to_bits(),
                        cos_sin[k * 128 + 64 + pair].to_bits()
                    );
                }
            }
        }
        // The containers hold the raw bytes after their headers.
        let raw = std::fs::read(dir.path().join("two.raw")).unwrap();
        run(&[
            "--dtype",
            dtype,
            "--cache-layout",
            "hf",
            "--out",
            "two.safetensors",
        ]);
        let st = std::fs::read(dir.path().join("two.safetensors")).unwrap();
        let file = safetensors::SafeTensors::deserialize(&st).expect("valid safetensors");
        let mut names = file.names();
        names.sort_unstable();
        assert_eq!(names, ["cos", "sin"]);
        let cos = file.tensor("cos").unwrap();
        let sin = file.tensor("sin").unwrap();
        assert_eq!(
            (cos.shape(), sin.shape()),
            (&[300, 128][..], &[300, 128][..])
        );
        assert_eq!([cos.data(), sin.data()].concat(), raw);
        if dtype != "bf16" {
            run(&["--dtype", dtype, "--cache-layout", "hf", "--out", "two.npy"]);
            let npy = std::fs::read(dir.path().join("two.npy")).unwrap();
            assert!(npy.ends_with(&raw));
            let header = String::from_utf8_lossy(&npy[..npy.len() - raw.len()]).into_owned();
            assert!(header.contains("'shape': (2, 300, 128, )"), "{header}");
            let descr = match dtype {
                "f32" => "<f4",
                "f64" => "<f8",
                _ => "<f2",
            };
            assert!(header.contains(descr), "{header}");
        }
    }
    // CSV: one line per row of each tensor, values that read back as the f32 ones.
    run(&["--cache-layout", "separate", "--out", "c.csv"]);
    run(&["--cache-layout", "separate", "--out", "c.raw"]);
    let text = std::fs::read_to_string(dir.path().join("c.csv")).unwrap();
    let raw = decode("f32", &std::fs::read(dir.path().join("c.raw")).unwrap());
    let csv: Vec<f64> = text
        .lines()
        .flat_map(|l| l.split(','))
        .map(|v| f64::from(v.parse::<f32>().unwrap()))
        .collect();
    assert_eq!(text.lines().count(), 600);
    assert_eq!(csv, raw);
}

#[test]
fn safetensors_metadata_records_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(
        dir.path(),
        "rope -q --rotary-dim 64 --head-dim 80 --theta 50000 --scaling yarn --factor 4 \
         --original-max-len 4096 --mscale 0.707 --mscale-all-dim 1 --pairing interleaved \
         --max-len 10 --dtype bf16 --out y.safetensors",
    );
    let bytes = std::fs::read(dir.path().join("y.safetensors")).unwrap();
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let meta = meta.metadata().clone().unwrap();
    for (key, value) in [
        ("rope_type", "yarn"),
        ("rotary_dim", "64"),
        ("head_dim", "80"),
        ("rope_theta", "50000"),
        ("pairing", "interleaved"),
        ("factor", "4"),
        ("original_max_position_embeddings", "4096"),
        ("mscale", "0.707"),
        ("mscale_all_dim", "1"),
        ("beta_fast", "32"),
        ("truncate", "true"),
        ("cache_layout", "cos-sin"),
        ("rows", "10"),
    ] {
        assert_eq!(
            meta.get(key).map(String::as_str),
            Some(value),
            "{key}: {meta:?}"
        );
    }
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let t = file.tensor("cos_sin").unwrap();
    assert_eq!(
        (t.dtype(), t.shape()),
        (safetensors::Dtype::BF16, &[10, 64][..])
    );
}

/// Hugging Face's recipe for Llama 2 (r = 128, θ = 10^4) in f32: `inv_freq` as
/// `1 / base ** (arange(0, r, 2) / r)` in f32, the angle `inv_freq · position` in f32, cos and
/// sin of it in f32, `cat(freqs, freqs)`.
fn hf_cache(start: u32, rows: u32) -> (Vec<f32>, Vec<f32>) {
    let r = 128usize;
    let inv_freq: Vec<f32> = (0..r / 2)
        .map(|i| 1.0 / 10_000f32.powf((2 * i) as f32 / r as f32))
        .collect();
    let mut cos = Vec::with_capacity(rows as usize * r);
    let mut sin = Vec::with_capacity(rows as usize * r);
    for p in start..start + rows {
        let freqs: Vec<f32> = inv_freq.iter().map(|w| w * p as f32).collect();
        for _ in 0..2 {
            cos.extend(freqs.iter().map(|t| f64::from(*t).cos() as f32));
            sin.extend(freqs.iter().map(|t| f64::from(*t).sin() as f32));
        }
    }
    (cos, sin)
}

/// The recipe's worst error against exact (the core's f64, within about an ulp).
fn hf_error(start: u32, rows: u32, cos: &[f32], sin: &[f32]) -> f64 {
    let rope = Rope::builder(128).build().unwrap();
    let mut worst = 0.0f64;
    for (k, p) in (start..start + rows).enumerate() {
        for j in 0..128 {
            let (s, c) = rope.sin_cos(j % 64, f64::from(p)).unwrap();
            worst = worst
                .max((f64::from(cos[k * 128 + j]) - c).abs())
                .max((f64::from(sin[k * 128 + j]) - s).abs());
        }
    }
    worst
}

fn write_hf_safetensors(path: &Path, rows: u32, cos: &[f32], sin: &[f32]) {
    fn view(rows: u32, values: &[f32]) -> safetensors::tensor::TensorView<'_> {
        safetensors::tensor::TensorView::new(
            safetensors::Dtype::F32,
            vec![1, rows as usize, 128],
            bytemuck::cast_slice(values),
        )
        .unwrap()
    }
    let bytes =
        safetensors::serialize([("cos", view(rows, cos)), ("sin", view(rows, sin))], None).unwrap();
    std::fs::write(path, bytes).unwrap();
}

/// The number after `worst absolute error ` in a report.
fn reported_worst(report: &str) -> f64 {
    let rest = report
        .split("worst absolute error ")
        .nth(1)
        .unwrap_or_else(|| panic!("no worst error in {report}"));
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn rope_check_reports_a_hugging_face_f32_cache_as_off_by_its_error() {
    let dir = tempfile::tempdir().unwrap();
    for (start, rows, low, high) in [(0u32, 4096u32, 1e-4, 4e-4), (126_976, 4096, 3e-3, 1.3e-2)] {
        let (cos, sin) = hf_cache(start, rows);
        let measured = hf_error(start, rows, &cos, &sin);
        // rope-core measured about 2.2e-4 below 4k and 6.7e-3 near 128k.
        assert!((low..high).contains(&measured), "{start}: {measured:e}");
        let file = format!("hf{start}.safetensors");
        write_hf_safetensors(&dir.path().join(&file), rows, &cos, &sin);
        let start_text = start.to_string();
        let args = [
            "rope-check",
            &file,
            "--rotary-dim",
            "128",
            "--start",
            &start_text,
            "-q",
        ];
        let report = ok_in(dir.path(), &args);
        assert!(report.contains("hf cache"), "{report}");
        let worst = reported_worst(&report);
        println!(
            "HF f32 recipe, positions {start}..{}: rope-check {worst:.3e}, measured {measured:.3e}",
            start + rows
        );
        // The report rounds to three digits.
        assert!((worst - measured).abs() <= 0.006 * measured, "{report}");
        // --tolerance: 1e-3 passes at 4k and fails near 128k.
        let mut with_tolerance = args.to_vec();
        with_tolerance.extend(["--tolerance", "1e-3"]);
        let out = run_in(dir.path(), &with_tolerance);
        let expected = if start == 0 { 0 } else { 1 };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn rope_check_finds_posenc_s_own_caches_within_their_bounds() {
    let dir = tempfile::tempdir().unwrap();
    for (dtype, format, layout, bound) in [
        ("f32", "npy", "cos-sin", rope_backend::cache_f32(1.0)),
        ("f64", "safetensors", "separate", 1e-12),
        (
            "f16",
            "npy",
            "hf",
            reduced::cache(reduced::F16_MANTISSA_BITS, 1.0),
        ),
        (
            "bf16",
            "safetensors",
            "hf",
            reduced::cache(reduced::BF16_MANTISSA_BITS, 1.0),
        ),
        (
            "f16",
            "safetensors",
            "separate",
            reduced::cache(reduced::F16_MANTISSA_BITS, 1.0),
        ),
    ] {
        let out = format!("c.{format}");
        let config = ["--preset", "llama3.1", "--start", "100000"];
        let mut args = vec!["rope", "-q", "--max-len", "2000", "--dtype", dtype];
        args.extend(["--format", format, "--cache-layout", layout, "--out", &out]);
        args.extend(config);
        ok_in(dir.path(), &args);
        let mut check = vec!["rope-check", out.as_str(), "-q"];
        check.extend(config);
        let report = ok_in(dir.path(), &check);
        assert!(report.contains(&format!("{layout} cache")), "{report}");
        let worst = reported_worst(&report);
        assert!(worst <= bound, "{dtype} {format} {layout}: {report}");
        assert!(report.contains("[1e5, 1e6)"), "{report}");
    }
}

#[test]
fn a_posenc_safetensors_file_loads_in_python() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import safetensors, numpy"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 with safetensors and numpy is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rope = ["rope", "-q", "--preset", "llama3.1", "--max-len", "100"];
    for (dtype, layout, file) in [
        ("f32", "cos-sin", "f32.safetensors"),
        ("f16", "separate", "f16.safetensors"),
        ("bf16", "hf", "bf16.safetensors"),
    ] {
        let mut args = rope.to_vec();
        args.extend(["--dtype", dtype, "--cache-layout", layout, "--out", file]);
        ok_in(dir.path(), &args);
    }
    ok_in(
        dir.path(),
        &[
            "table",
            "-q",
            "--d-model",
            "64",
            "--max-len",
            "10",
            "--dtype",
            "f64",
            "--out",
            "pe.safetensors",
        ],
    );
    let script = r#"
import math, numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file
t = load_file("f32.safetensors")
c = t["cos_sin"]
assert c.shape == (100, 128) and c.dtype == np.float32, (c.shape, c.dtype)
assert c[0, 0] == 1.0 and c[0, 64] == 0.0
assert abs(float(c[7, 0]) - math.cos(7.0)) < 1e-7 and abs(float(c[7, 64]) - math.sin(7.0)) < 1e-7
t = load_file("f16.safetensors")
assert t["cos"].shape == (100, 64) and t["sin"].dtype == np.float16
assert abs(float(t["sin"][3, 0]) - math.sin(3.0)) <= 2.0 ** -11
with safe_open("bf16.safetensors", "np") as f:
    assert sorted(f.keys()) == ["cos", "sin"]
    meta = f.metadata()
    assert meta["rope_type"] == "llama3" and meta["rope_theta"] == "500000", meta
    s = f.get_slice("cos")
    assert s.get_shape() == [100, 128] and s.get_dtype() == "BF16", (s.get_shape(), s.get_dtype())
pe = load_file("pe.safetensors")["pe"]
assert pe.shape == (10, 64) and pe.dtype == np.float64
assert abs(pe[1, 0] - math.sin(1.0)) < 1e-15 and abs(pe[1, 1] - math.cos(1.0)) < 1e-15, pe[1, :2]
print("ok")
"#;
    let out = std::process::Command::new("python3")
        .current_dir(dir.path())
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_input_is_one_line_and_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.npy"), b"old").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--rotary-dim", "63"], "rotary_dim must be even"),
        (&["--rotary-dim", "0"], "rotary_dim must be at least 2"),
        (&["--rotary-dim", "130", "--head-dim", "128"], "130"),
        (&["--rotary-dim", "4000000"], "above the limit"),
        (&["--rotary-dim", "64", "--theta", "1"], "theta"),
        (
            &["--rotary-dim", "64", "--scaling", "linear", "--factor", "0"],
            "linear scaling: factor must be finite and greater than 0, got 0",
        ),
        (
            &[
                "--rotary-dim",
                "64",
                "--scaling",
                "linear",
                "--factor",
                "-2",
            ],
            "got -2",
        ),
        (
            &["--rotary-dim", "64", "--scaling", "ntk", "--factor", "nan"],
            "got NaN",
        ),
        (
            &[
                "--rotary-dim",
                "64",
                "--scaling",
                "yarn",
                "--factor",
                "inf",
                "--original-max-len",
                "4096",
            ],
            "got inf",
        ),
        (
            &[
                "--rotary-dim",
                "64",
                "--scaling",
                "llama3",
                "--factor",
                "8",
                "--low-freq-factor",
                "4",
                "--high-freq-factor",
                "1",
            ],
            "low_freq_factor 4 must be below high_freq_factor 1",
        ),
        (
            &[
                "--rotary-dim",
                "8",
                "--scaling",
                "longrope",
                "--original-max-len",
                "4096",
                "--short-factors=1,2,3",
                "--long-factors=1,2,3,4",
            ],
            "short_factors has 3 values but there are 4 pairs",
        ),
        (
            &[
                "--rotary-dim",
                "4",
                "--scaling",
                "longrope",
                "--original-max-len",
                "4096",
                "--short-factors=1,x",
                "--long-factors=1,2",
            ],
            "--short-factors item 2",
        ),
        (
            &["--rotary-dim", "64", "--scaling", "frobnicate"],
            "unknown scaling 'frobnicate': expected none, linear",
        ),
        (
            &["--rotary-dim", "64", "--factor", "2"],
            "--factor needs --scaling",
        ),
        (
            &[
                "--rotary-dim",
                "64",
                "--scaling",
                "linear",
                "--factor",
                "2",
                "--beta-fast",
                "3",
            ],
            "--beta-fast is not a parameter of the linear scaling",
        ),
        (
            &["--rotary-dim", "64", "--scaling", "yarn", "--factor", "4"],
            "the yarn scaling needs --original-max-len",
        ),
        (&["--preset", "gpt"], "unknown RoPE preset"),
        (
            &["--rotary-dim", "64", "--pairing", "sideways"],
            "unknown pairing",
        ),
        (&["--max-len", "5"], "give --rotary-dim"),
        (
            &["--rotary-dim", "64", "--dtype", "bf16"],
            "--dtype bf16 cannot be written to .npy",
        ),
        (&["--rotary-dim", "64", "--start", "nan"], "NaN"),
        (
            &["--rotary-dim", "64", "--attention-factor", "0"],
            "attention_factor",
        ),
    ];
    for (flags, needle) in cases {
        let mut args = vec!["rope", "--out", "keep.npy"];
        args.extend_from_slice(flags);
        assert_one_line_error(&run_in(dir.path(), &args), needle);
        assert_eq!(std::fs::read(dir.path().join("keep.npy")).unwrap(), b"old");
    }
    assert_eq!(entries(dir.path()), ["keep.npy"]);
    // And bf16 for a table's .npy, the same way.
    assert_one_line_error(
        &run_in(
            dir.path(),
            &["table", "--dtype", "bf16", "--out", "keep.npy"],
        ),
        "NumPy has no bfloat16",
    );
    assert_eq!(std::fs::read(dir.path().join("keep.npy")).unwrap(), b"old");
}

#[test]
fn rope_check_refuses_files_that_do_not_fit_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(
        dir.path(),
        "rope -q --rotary-dim 64 --max-len 10 --cache-layout separate --out s.safetensors",
    );
    let cases: &[(&[&str], &str)] = &[
        (
            &["s.safetensors", "--rotary-dim", "48"],
            "a hf cache for rotary_dim 48",
        ),
        (
            &[
                "s.safetensors",
                "--rotary-dim",
                "64",
                "--cache-layout",
                "cos-sin",
            ],
            "a cos-sin cache for rotary_dim 64 has 1 tensor(s)",
        ),
        (
            &["s.safetensors", "--rotary-dim", "64", "--positions=1,2"],
            "--positions has 2 positions",
        ),
        (
            &["s.safetensors", "--rotary-dim", "64", "--tolerance", "nan"],
            "--tolerance",
        ),
        (
            &["missing.npy", "--rotary-dim", "64"],
            "cannot open 'missing.npy'",
        ),
    ];
    for (args, needle) in cases {
        let mut all = vec!["rope-check"];
        all.extend_from_slice(args);
        assert_one_line_error(&run_in(dir.path(), &all), needle);
    }
    let good = ok_in(
        dir.path(),
        &["rope-check", "s.safetensors", "--rotary-dim", "64", "-q"],
    );
    assert!(good.contains("separate cache"), "{good}");
}

#[test]
fn the_wavelength_plot_is_a_png() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["plot", "rope", "--preset", "llama3.1", "--out", "l.png"][..],
        &[
            "plot",
            "rope",
            "--rotary-dim",
            "128",
            "--scaling",
            "yarn",
            "--factor",
            "4",
            "--original-max-len",
            "32768",
            "--theta",
            "1000000",
            "--out",
            "y.png",
        ],
        &[
            "plot",
            "rope",
            "--rotary-dim",
            "64",
            "--out",
            "n.png",
            "--width",
            "600",
            "--height",
            "400",
        ],
    ] {
        ok_in(dir.path(), args);
        let out = args.iter().position(|&a| a == "--out").unwrap();
        let bytes = std::fs::read(dir.path().join(args[out + 1])).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        let (w, h) = (reader.info().width, reader.info().height);
        if args.contains(&"600") {
            assert_eq!((w, h), (600, 400));
        } else {
            assert_eq!((w, h), (1200, 800));
        }
    }
    assert_one_line_error(
        &run_in(
            dir.path(),
            &["plot", "rope", "--rotary-dim", "7", "--out", "x.png"],
        ),
        "rotary_dim must be even",
    );
}

/// `posenc rope --help` lists every flag of the issue's list (Hugging Face's
/// `rope_parameters` names), and the RoPE subcommands have help.
#[test]
fn rope_help_lists_the_rope_parameters_flags() {
    let help = |args: &[&str]| {
        let out = common::posenc().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = help(&["rope", "--help"]);
    for flag in [
        "--rotary-dim",
        "--head-dim",
        "--theta",
        "--pairing",
        "--scaling",
        "--factor",
        "--original-max-len",
        "--seq-len",
        "--beta-fast",
        "--beta-slow",
        "--mscale",
        "--mscale-all-dim",
        "--no-truncate",
        "--low-freq-factor",
        "--high-freq-factor",
        "--short-factors",
        "--long-factors",
        "--attention-factor",
        "--preset",
        "--max-len",
        "--start",
        "--positions",
        "--dtype",
        "--format",
        "--cache-layout",
        "--out",
        "--threads",
        "--quiet",
    ] {
        assert!(
            text.contains(&format!("{flag} "))
                || text.contains(&format!("{flag}\n"))
                || text.contains(&format!("{flag}=")),
            "{flag} missing: {text}"
        );
    }
    for value in ["cos-sin", "separate", "hf", "bf16", "safetensors"] {
        assert!(text.contains(value), "{value}: {text}");
    }
    assert!(help(&["rope-check", "--help"]).contains("--tolerance"));
    assert!(help(&["plot", "rope", "--help"]).contains("--width"));
}
