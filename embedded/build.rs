//! Puts `memory.x` where the linker finds it, and compiles the golden file into the image:
//! `golden.rs` in `OUT_DIR` holds every row of `testkit/golden/vectors.csv`, grouped by
//! configuration and position (one group is one row to encode on the target), values as the
//! exact `f64` bits the decimal strings parse to; `rope.rs` holds every row of
//! `testkit/golden/rope.csv`, its cases' builders written out as `posenc_testkit::rope_golden`
//! reads the parameter cells (an empty cell is the parameter's default). Each also states the
//! widest row (`MAX_D`) or head (`MAX_HEAD`) in it, which sizes the target's buffers.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR"));
    std::fs::copy("memory.x", out.join("memory.x")).expect("memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    let text = golden_file(
        "../testkit/golden/vectors.csv",
        "case,layout,d_model,base,shift,scale,position,column,exact",
    );
    let mut lines = text.lines();
    lines.next();
    let mut groups = String::new();
    let mut values = String::new();
    let (mut key, mut count, mut first) = (String::new(), 0usize, 0usize);
    let (mut ngroups, mut max_d) = (0usize, 0usize);
    let close = |groups: &mut String, count: usize, first: usize, key: &str| {
        if !key.is_empty() {
            writeln!(
                groups,
                "    Group {{ {key}, first: {first}, len: {count} }},"
            )
            .unwrap();
        }
    };
    for (index, line) in lines.enumerate() {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 9, "golden line {line}");
        max_d = max_d.max(f[2].parse().expect("d_model"));
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
         pub static VALUES: [(usize, f64); {nvalues}] = [\n{values}];\n\
         /// The widest golden row.\n\
         const MAX_D: usize = {max_d};\n"
    );
    std::fs::write(out.join("golden.rs"), source).expect("golden.rs");
    rope_golden(&out);
}

/// The text of a golden file, rebuilt when it changes, whose first line must be `header`.
fn golden_file(path: &str, header: &str) -> String {
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(text.lines().next(), Some(header), "the header of {path}");
    text
}

/// `f64::from_bits(..)` of the value a decimal string parses to.
fn bits(s: &str) -> String {
    format!(
        "f64::from_bits({:#018x})",
        s.parse::<f64>().expect(s).to_bits()
    )
}

/// `rope.rs`: `ROPE_CASES` (name, builder, rows) and `ROPE_ROWS` (position, pair, ω, a, cos,
/// sin), and the `longrope` factor lists as statics.
fn rope_golden(out: &std::path::Path) {
    let text = golden_file(
        "../testkit/golden/rope.csv",
        "case,rotary_dim,theta,scaling,factor,original_max_len,seq_len,beta_fast,beta_slow,mscale,mscale_all_dim,truncate,low_freq_factor,high_freq_factor,short_factors,long_factors,attention_factor,position,pair,omega,attention,cos,sin",
    );
    let mut lines = text.lines();
    lines.next();
    let (mut cases, mut rows, mut lists) = (String::new(), String::new(), String::new());
    let (mut name, mut first, mut count, mut ncases, mut nrows) = (String::new(), 0, 0, 0, 0);
    let (mut builder, mut max_head) = (String::new(), 0usize);
    let close = |cases: &mut String, name: &str, builder: &str, first: usize, count: usize| {
        if !name.is_empty() {
            writeln!(
                cases,
                "    RopeCase {{ name: {name:?}, builder: || {builder}, first: {first}, len: {count} }},"
            )
            .unwrap();
        }
    };
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 23, "rope golden line {line}");
        max_head = max_head.max(f[1].parse().expect("rotary_dim"));
        writeln!(
            rows,
            "    RopeRow {{ position: {}, pair: {}, omega: {}, attention: {}, cos: {}, sin: {} }},",
            bits(f[17]),
            f[18],
            bits(f[19]),
            bits(f[20]),
            bits(f[21]),
            bits(f[22])
        )
        .unwrap();
        nrows += 1;
        if f[0] == name {
            count += 1;
            continue;
        }
        close(&mut cases, &name, &builder, first, count);
        name = f[0].to_owned();
        first = nrows - 1;
        count = 1;
        ncases += 1;
        builder = rope_builder(&f, ncases, &mut lists);
    }
    close(&mut cases, &name, &builder, first, count);
    let source = format!(
        "{lists}/// Every case of the RoPE golden file.\n\
         pub static ROPE_CASES: [RopeCase; {ncases}] = [\n{cases}];\n\
         /// Every row of the RoPE golden file, in file order.\n\
         pub static ROPE_ROWS: [RopeRow; {nrows}] = [\n{rows}];\n\
         /// The widest head of the file.\n\
         const MAX_HEAD: usize = {max_head};\n"
    );
    std::fs::write(out.join("rope.rs"), source).expect("rope.rs");
}

/// The builder expression of a case's parameter cells (as `posenc_testkit::rope_golden`).
fn rope_builder(f: &[&str], case: usize, lists: &mut String) -> String {
    let opt = |i: usize, default: &str| {
        if f[i].is_empty() {
            default.to_owned()
        } else {
            bits(f[i])
        }
    };
    let some = |i: usize| {
        if f[i].is_empty() {
            "None".to_owned()
        } else {
            format!("Some({})", bits(f[i]))
        }
    };
    let need = |i: usize| {
        assert!(!f[i].is_empty(), "column {i} empty in {f:?}");
        bits(f[i])
    };
    let mut list = |i: usize, which: &str| {
        let values: Vec<String> = f[i].split(';').map(bits).collect();
        let name = format!("LONGROPE_{}_{case}", which);
        writeln!(
            lists,
            "static {name}: [f64; {}] = [{}];",
            values.len(),
            values.join(", ")
        )
        .unwrap();
        name
    };
    let scaling = match f[3] {
        "none" => "Scaling::None".to_owned(),
        "linear" => format!("Scaling::Linear {{ factor: {} }}", need(4)),
        "ntk" => format!("Scaling::Ntk {{ factor: {} }}", need(4)),
        "dynamic" => format!(
            "Scaling::Dynamic {{ factor: {}, original_max_len: {}, seq_len: {} }}",
            need(4),
            need(5),
            need(6)
        ),
        "yarn" => format!(
            "{{ let d = Yarn::new({}, {}); Scaling::Yarn(Yarn {{ beta_fast: {}, beta_slow: {}, \
             mscale: {}, mscale_all_dim: {}, truncate: {}, ..d }}) }}",
            need(4),
            need(5),
            opt(7, "d.beta_fast"),
            opt(8, "d.beta_slow"),
            some(9),
            some(10),
            f[11] != "false"
        ),
        "llama3" => format!(
            "{{ let d = Llama3::new({}); Scaling::Llama3(Llama3 {{ original_max_len: {}, \
             low_freq_factor: {}, high_freq_factor: {}, ..d }}) }}",
            need(4),
            opt(5, "d.original_max_len"),
            opt(12, "d.low_freq_factor"),
            opt(13, "d.high_freq_factor")
        ),
        "longrope" => {
            let (short, long) = (list(14, "SHORT"), list(15, "LONG"));
            format!(
                "Scaling::LongRope(LongRope {{ factor: {}, ..LongRope::new(&{short}, &{long}, {}, {}) }})",
                opt(4, "1.0"),
                need(5),
                need(6)
            )
        }
        other => panic!("unknown scaling {other}"),
    };
    let mut b = format!(
        "Rope::builder({}).theta({}).scaling({scaling})",
        f[1],
        need(2)
    );
    if !f[16].is_empty() {
        b.push_str(&format!(".attention_factor({})", bits(f[16])));
    }
    b
}
