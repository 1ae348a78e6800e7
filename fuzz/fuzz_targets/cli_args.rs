//! The `posenc` command line from arbitrary argv: `posenc_cli::parse_args` (clap's parser plus
//! the CLI's validation of the encoding or of the RoPE configuration) and the `--positions`
//! list parser. Nothing may panic;
//! every `Ok` encoding must be one the core itself builds from the same settings; every `Err`
//! must display as one non-empty line (the CLI prints it as `error: ...`), unless it quotes an
//! argument that itself holds a newline.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use posenc_core::Layout;
use posenc_fuzz::{Config, MAX_VALUES, core_row, number};

/// The most arguments one input gives.
const MAX_ARGS: usize = 16;

/// Words the parser knows, so that libFuzzer reaches valid command lines without guessing them.
const WORDS: [&str; 58] = [
    "table",
    "check",
    "plot",
    "heatmap",
    "decay",
    "help",
    "--d-model",
    "--max-len",
    "--start",
    "--positions",
    "--base",
    "--layout",
    "--shift",
    "--scale",
    "--preset",
    "--threads",
    "--dtype",
    "--format",
    "--out",
    "-o",
    "--quiet",
    "-q",
    "--tolerance",
    "--width",
    "--height",
    "--help",
    "--version",
    "f32",
    "f64",
    "npy",
    "raw",
    "csv",
    "interleaved",
    "paper",
    "whisper",
    "diffusers",
    "-",
    "--",
    "pe.npy",
    "=",
    "rope",
    "rope-check",
    "--rotary-dim",
    "--head-dim",
    "--theta",
    "--pairing",
    "--scaling",
    "--factor",
    "--original-max-len",
    "--low-freq-factor",
    "--high-freq-factor",
    "--short-factors",
    "--cache-layout",
    "yarn",
    "llama3",
    "longrope",
    "bf16",
    "llama3.1",
];

/// One argument: a known word, a number in any form, a layout name, or any string.
fn argument(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 | 1 => (*u.choose(&WORDS)?).to_owned(),
        2 => number(u)?.to_string(),
        3 => u.choose(&Layout::ALL)?.name().to_owned(),
        _ => u.arbitrary::<String>()?,
    })
}

fn argv(u: &mut Unstructured<'_>) -> Result<Vec<String>> {
    let count = u.int_in_range(0..=MAX_ARGS)?;
    let mut args = vec!["posenc".to_owned()];
    for _ in 0..count {
        let mut arg = argument(u)?;
        // `--flag=value` forms too.
        if arg.starts_with("--") && u.ratio(1u8, 4u8)? {
            arg = format!("{arg}={}", argument(u)?);
        }
        args.push(arg);
    }
    Ok(args)
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(args) = argv(&mut u) else {
        return;
    };
    match posenc_cli::parse_args(&args) {
        Ok(parsed) => {
            assert!(
                [
                    "table",
                    "check",
                    "plot heatmap",
                    "plot decay",
                    "rope",
                    "rope-check",
                    "plot rope"
                ]
                .contains(&parsed.subcommand),
                "{args:?}: subcommand {}",
                parsed.subcommand
            );
            match parsed.encoding {
                Some(enc) => {
                    let cfg = Config {
                        d_model: enc.d_model(),
                        base: enc.base(),
                        layout: enc.layout(),
                        shift: enc.shift(),
                        scale: enc.scale(),
                    };
                    assert_eq!(cfg.expected_error(), None, "{args:?}: {enc:?}");
                    assert!(
                        enc.d_model() <= 1 << 20,
                        "{args:?}: d_model above the CLI limit"
                    );
                    if enc.d_model() <= MAX_VALUES {
                        let row: Vec<f64> = core_row(&enc, 0.0);
                        assert!(row.iter().all(|v| (-1.0..=1.0).contains(v)), "{args:?}");
                    }
                }
                None => assert!(
                    ["check", "rope", "rope-check", "plot rope"].contains(&parsed.subcommand),
                    "{args:?}: no encoding"
                ),
            }
        }
        Err(e) => {
            let line = e.to_string();
            assert!(!line.trim().is_empty(), "{args:?}: empty error");
            // A message quotes the argument it refuses, so a newline typed by the user can be in
            // it (the binary prints it with newlines as spaces); it adds none of its own.
            let typed_newline = args.iter().any(|a| a.contains('\n'));
            assert!(
                typed_newline || !line.contains('\n'),
                "{args:?}: error of several lines: {line:?}"
            );
        }
    }

    // `--positions` lists: every Ok item is finite, one per comma.
    let list = args.last().map_or("", String::as_str);
    match posenc_cli::positions::parse_list(list) {
        Ok(positions) => {
            assert_eq!(positions.len(), list.split(',').count(), "{list:?}");
            assert!(positions.iter().all(|p| p.is_finite()), "{list:?}");
        }
        Err(e) => {
            let line = e.to_string();
            assert!(line.starts_with("--positions item "), "{list:?}: {line}");
            assert!(
                list.contains('\n') || !line.contains('\n'),
                "{list:?}: {line:?}"
            );
        }
    }
});
