//! Helpers shared by the integration tests: run the built `posenc`, read what it wrote.
#![allow(dead_code, unreachable_pub)] // each test file uses a different part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test, through `$POSENC_TEST_RUNNER` where that is set (`.ci/cross.sh` sets
/// it to qemu-user: an emulated test cannot exec the emulated binary by itself).
pub fn posenc() -> Command {
    let runner = runner();
    let mut command = match runner.split_first() {
        Some((program, args)) => {
            let mut command = Command::new(program);
            command.args(args).arg(env!("CARGO_BIN_EXE_posenc"));
            command
        }
        None => Command::new(env!("CARGO_BIN_EXE_posenc")),
    };
    // A backtrace must never be printed, even when one is asked for.
    command.env("RUST_BACKTRACE", "1");
    command
}

/// The arguments of a `posenc` command line: a string of words separated by whitespace
/// (`"table -q --d-model 8"`, for arguments without spaces), or the words themselves.
pub trait CommandLine {
    /// The arguments, one a word.
    fn words(&self) -> Vec<String>;
}

impl CommandLine for str {
    fn words(&self) -> Vec<String> {
        self.split_whitespace().map(str::to_owned).collect()
    }
}

impl CommandLine for [&str] {
    fn words(&self) -> Vec<String> {
        self.iter().map(|&word| word.to_owned()).collect()
    }
}

impl<const N: usize> CommandLine for [&str; N] {
    fn words(&self) -> Vec<String> {
        self[..].words()
    }
}

impl CommandLine for Vec<&str> {
    fn words(&self) -> Vec<String> {
        self[..].words()
    }
}

/// The words of `$POSENC_TEST_RUNNER` (none when it is unset).
pub fn runner() -> Vec<String> {
    std::env::var("POSENC_TEST_RUNNER")
        .map(|r| r.split_whitespace().map(String::from).collect())
        .unwrap_or_default()
}

/// Runs `posenc args...` in `dir` and returns its output.
pub fn run_in(dir: &Path, args: &(impl CommandLine + ?Sized)) -> Output {
    posenc()
        .current_dir(dir)
        .args(args.words())
        .output()
        .expect("posenc runs")
}

/// Runs `posenc args...` in `dir`, asserts success, returns stdout as text.
pub fn ok_in(dir: &Path, args: &(impl CommandLine + ?Sized)) -> String {
    let out = run_in(dir, args);
    assert!(
        out.status.success(),
        "posenc {:?} failed: {}",
        args.words(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Asserts that `out` is a clean failure: exit 2, exactly one `error: ...` line on stderr
/// containing `needle`, nothing that looks like a panic, nothing on stdout.
pub fn assert_one_line_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "stderr: {stderr}");
    assert_eq!(stderr.lines().count(), 1, "stderr: {stderr}");
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "internal error"] {
        assert!(!stderr.contains(bad), "stderr: {stderr}");
    }
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Runs `posenc args...` in `dir` and asserts a clean failure naming `needle`
/// ([`assert_one_line_error`]).
pub fn fails_in(dir: &Path, args: &(impl CommandLine + ?Sized), needle: &str) {
    assert_one_line_error(&run_in(dir, args), needle);
}

/// The names in `dir`, sorted.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("readable dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A `.npy` file parsed with `npyz`: dtype string, shape, values widened to `f64`, and the raw
/// header bytes.
#[derive(Debug)]
pub struct Npy {
    pub descr: String,
    pub shape: Vec<u64>,
    pub values: Vec<f64>,
    pub header: Vec<u8>,
}

/// Reads a `.npy` file of `<f4` or `<f8` with `npyz`.
pub fn read_npy(path: &Path) -> Npy {
    let bytes = std::fs::read(path).expect("npy file");
    let npy = npyz::NpyFile::new(&bytes[..]).expect("valid npy");
    let descr = npy.dtype().descr().trim_matches('\'').to_owned();
    let shape = npy.shape().to_vec();
    let data_start = bytes.len() - npy.len() as usize * if descr.contains("f4") { 4 } else { 8 };
    let header = bytes[..data_start].to_vec();
    let values = if descr.contains("f4") {
        npy.into_vec::<f32>()
            .expect("f32 data")
            .into_iter()
            .map(f64::from)
            .collect()
    } else {
        npy.into_vec::<f64>().expect("f64 data")
    };
    Npy {
        descr,
        shape,
        values,
        header,
    }
}

/// Writes `values` as a `.npy` of `<f4` with `npyz`'s own writer (a table "from elsewhere").
pub fn write_npy_f32(path: &Path, shape: &[u64], values: &[f32]) {
    use npyz::WriterBuilder;
    let file = std::fs::File::create(path).expect("create");
    let mut writer = npyz::WriteOptions::new()
        .default_dtype()
        .shape(shape)
        .writer(std::io::BufWriter::new(file))
        .begin_nd()
        .expect("npy writer");
    writer.extend(values.iter().copied()).expect("write");
    writer.finish().expect("finish");
}

/// The committed fixtures made by NumPy (`tests/data/make_fixtures.py`).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Widens a table to `f64`.
pub fn widen(values: &[f32]) -> Vec<f64> {
    values.iter().copied().map(f64::from).collect()
}
