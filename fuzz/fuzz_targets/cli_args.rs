//! The `posenc` command line from arbitrary argv: `posenc_cli::parse_args` (clap's parser plus
//! the CLI's validation of the encoding or of the RoPE configuration) and the `--positions`
//! list parser. Nothing may panic;
//! every `Ok` encoding must be one the core itself builds from the same settings; every `Err`
//! must display as one non-empty line (the CLI prints it as `error: ...`), unless it quotes an
//! argument that itself holds a newline.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

use posenc_core::{Layout, Pairing, RopePreset};
use posenc_fuzz::{Config, MAX_VALUES, core_row, number};

/// The most arguments one input gives.
const MAX_ARGS: usize = 16;

/// Words the parser knows, so that libFuzzer reaches valid command lines without guessing
/// them: every subcommand, long and short flag and listed value of `posenc_cli::command()`
/// (so new flags join by themselves), the names the core parses from text (`--pairing`,
/// `--scaling`, `--preset` of the RoPE subcommands), and a few argument forms.
fn words() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        // clap adds `--help` and `--version` when it builds the command, after this definition.
        let forms = ["help", "--help", "--version", "-", "--", "=", "pe.npy"];
        let mut words: Vec<String> = forms.map(String::from).into();
        let scalings = [
            "none", "linear", "ntk", "dynamic", "yarn", "llama3", "longrope",
        ];
        words.extend(scalings.map(String::from));
        words.extend(Pairing::ALL.map(|p| p.name().to_owned()));
        words.extend(RopePreset::ALL.map(|p| p.name().to_owned()));
        let mut commands = vec![posenc_cli::command()];
        while let Some(command) = commands.pop() {
            for arg in command.get_arguments() {
                words.extend(arg.get_long().map(|long| format!("--{long}")));
                words.extend(arg.get_short().map(|short| format!("-{short}")));
                let values = arg.get_possible_values();
                words.extend(values.iter().map(|value| value.get_name().to_owned()));
            }
            words.extend(
                command
                    .get_subcommands()
                    .map(|sub| sub.get_name().to_owned()),
            );
            commands.extend(command.get_subcommands().cloned());
        }
        words.sort();
        words.dedup();
        words
    })
}

/// One argument: a known word, a number in any form, a layout name, or any string.
fn argument(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=4)? {
        0 | 1 => u.choose(words())?.clone(),
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
