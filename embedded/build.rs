//! Puts `memory.x` where the linker finds it, and compiles the golden file into the image:
//! `golden.rs` in `OUT_DIR` holds every row of `testkit/golden/vectors.csv`, grouped by
//! configuration and position (one group is one row to encode on the target), values as the
//! exact `f64` bits the decimal strings parse to.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::copy("memory.x", out.join("memory.x")).expect("memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    let golden = "../testkit/golden/vectors.csv";
    println!("cargo:rerun-if-changed={golden}");
    let text = std::fs::read_to_string(golden).expect("the golden file");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("case,layout,d_model,base,shift,scale,position,column,exact"),
        "golden header"
    );
    let mut groups = String::new();
    let mut values = String::new();
    let (mut key, mut count, mut first) = (String::new(), 0usize, 0usize);
    let mut ngroups = 0usize;
    let close = |groups: &mut String, count: usize, first: usize, key: &str| {
        if !key.is_empty() {
            writeln!(
                groups,
                "    Group {{ {key}, first: {first}, len: {count} }},"
            )
            .unwrap();
        }
    };
    let bits = |s: &str| {
        format!(
            "f64::from_bits({:#018x})",
            s.parse::<f64>().expect(s).to_bits()
        )
    };
    for (index, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "golden line {line}");
        let layout = match f[1] {
            "interleaved" => "Layout::Interleaved",
            "split-sin-cos" => "Layout::SplitSinCos",
            "split-cos-sin" => "Layout::SplitCosSin",
            other => panic!("layout {other}"),
        };
        let this = format!(
            "case: {:?}, layout: {layout}, d_model: {}, base: {}, shift: {}, scale: {}, position: {}",
            f[0],
            f[2],
            bits(f[3]),
            bits(f[4]),
            bits(f[5]),
            bits(f[6])
        );
        if this != key {
            close(&mut groups, count, first, &key);
            key = this;
            first = index;
            count = 0;
            ngroups += 1;
        }
        count += 1;
        writeln!(values, "    ({}, {}),", f[7], bits(f[8])).unwrap();
    }
    close(&mut groups, count, first, &key);
    let nvalues = first + count;
    let source = format!(
        "/// Every golden row, grouped by configuration and position.\n\
         pub static GROUPS: [Group; {ngroups}] = [\n{groups}];\n\
         /// `(column, exact)` of every golden row, in file order.\n\
         pub static VALUES: [(usize, f64); {nvalues}] = [\n{values}];\n"
    );
    std::fs::write(out.join("golden.rs"), source).expect("golden.rs");
}
