//! f16 and bf16 tables through `posenc table` on every row of the golden file, within the
//! SPEC's "Reduced-precision outputs" bounds; `.npy` f16 and safetensors tables read back by
//! `posenc check`. The worst fraction of each bound is printed
//! (`cargo test -p posenc-cli --test reduced -- --nocapture`).

mod common;

use std::collections::BTreeMap;

use common::ok_in;
use half::{bf16, f16};
use posenc_parallel::Encoding;
use posenc_testkit::bounds::GOLDEN_PARSE;
use posenc_testkit::golden::{GoldenRow, Worst, rows};
use posenc_testkit::reduced;

/// The golden rows by case (one row per position, in file order).
fn by_case() -> BTreeMap<String, Vec<GoldenRow>> {
    let mut cases: BTreeMap<String, Vec<GoldenRow>> = BTreeMap::new();
    for row in rows() {
        cases.entry(row.case.clone()).or_default().push(row);
    }
    cases
}

/// `posenc table` flags of a case's configuration and positions.
fn table_flags(enc: &Encoding, positions: &[f64]) -> Vec<String> {
    let list: Vec<String> = positions.iter().map(f64::to_string).collect();
    [
        "table",
        "-q",
        "--d-model",
        &enc.d_model().to_string(),
        "--layout",
        enc.layout().name(),
        "--base",
        &enc.base().to_string(),
        "--shift",
        &enc.shift().to_string(),
        "--scale",
        &enc.scale().to_string(),
        &format!("--positions={}", list.join(",")),
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn f16_and_bf16_tables_are_within_the_spec_bounds_on_every_golden_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut worst = [
        ("f16", reduced::F16_MANTISSA_BITS, Worst::default()),
        ("bf16", reduced::BF16_MANTISSA_BITS, Worst::default()),
    ];
    let mut checked = 0usize;
    for (name, rows) in by_case() {
        let enc = rows[0].encoding;
        let positions: Vec<f64> = rows.iter().map(|row| row.position).collect();
        for (dtype, bits, worst) in &mut worst {
            let mut args = table_flags(&enc, &positions);
            args.extend(["--dtype", dtype, "--format", "raw", "--out", "t.raw"].map(str::to_owned));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok_in(dir.path(), &args);
            let bytes = std::fs::read(dir.path().join("t.raw")).unwrap();
            let values: Vec<f64> = bytes
                .chunks_exact(2)
                .map(|b| {
                    let b = [b[0], b[1]];
                    if *dtype == "f16" {
                        f16::from_le_bytes(b).to_f64()
                    } else {
                        bf16::from_le_bytes(b).to_f64()
                    }
                })
                .collect();
            assert_eq!(values.len(), positions.len() * enc.d_model());
            let bound = reduced::value(*bits);
            for (row, got_row) in rows.iter().zip(values.chunks_exact(enc.d_model())) {
                for (column, (&got, &exact)) in got_row.iter().zip(&row.exact).enumerate() {
                    let error = (got - exact).abs();
                    assert!(
                        error <= bound - GOLDEN_PARSE,
                        "{name} {dtype} {}: {got:e}, exact {exact:e}, |err| {error:e}",
                        row.at(column)
                    );
                    worst.record(error, bound, || row.at(column));
                    checked += 1;
                }
            }
        }
    }
    println!("posenc table on the golden file: worst |error| / SPEC bound:");
    for (dtype, _, w) in &worst {
        println!(
            "  {dtype:>4}: {:.3} (|error| {:.2e}) at {}",
            w.of_bound,
            w.error,
            w.at.as_deref().unwrap_or("-")
        );
        // One rounding of a value in [-1, 1] is at most half an ulp at 1.0, which the core's
        // bound is (the backend bound adds 2^-23); below it, but not by far.
        assert!(
            w.error <= reduced::core_value(if *dtype == "f16" { 11 } else { 8 }),
            "{dtype}: {:e}",
            w.error
        );
        assert!(w.of_bound > 0.4, "{dtype}: {}", w.of_bound);
    }
    assert!(checked > 2 * 9000, "only {checked} values");
}

#[test]
fn check_reads_f16_npy_and_safetensors_tables() {
    let dir = tempfile::tempdir().unwrap();
    for (dtype, out, bound) in [
        ("f16", "t.npy", reduced::value(reduced::F16_MANTISSA_BITS)),
        (
            "f16",
            "t.safetensors",
            reduced::value(reduced::F16_MANTISSA_BITS),
        ),
        (
            "bf16",
            "t.safetensors",
            reduced::value(reduced::BF16_MANTISSA_BITS),
        ),
        ("f64", "t.safetensors", 1e-12),
    ] {
        ok_in(
            dir.path(),
            &[
                "table",
                "-q",
                "--d-model",
                "384",
                "--layout",
                "split-sin-cos",
                "--shift",
                "1",
                "--max-len",
                "3000",
                "--dtype",
                dtype,
                "--out",
                out,
            ],
        );
        let report = ok_in(
            dir.path(),
            &[
                "check",
                out,
                "--layout",
                "split-sin-cos",
                "--shift",
                "1",
                "--tolerance",
                &bound.to_string(),
            ],
        );
        let kind = match dtype {
            "f16" => "float16",
            "bf16" => "bfloat16",
            _ => "float64",
        };
        assert!(
            report.contains(&format!("3000 rows × 384 columns of {kind}")),
            "{report}"
        );
        assert!(report.contains("PASS"), "{report}");
    }
    // The safetensors table's tensor and metadata.
    let bytes = std::fs::read(dir.path().join("t.safetensors")).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let pe = file.tensor("pe").unwrap();
    assert_eq!(
        (pe.dtype(), pe.shape()),
        (safetensors::Dtype::F64, &[3000, 384][..])
    );
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let meta = meta.metadata().clone().unwrap();
    assert_eq!(meta["layout"], "split-sin-cos");
    assert_eq!(meta["shift"], "1");
    assert_eq!(meta["rows"], "3000");
}
