//! The RoPE golden file `rope.csv`: exact ω_i, a, cos θ_i and sin θ_i at 60 digits, one
//! (position, pair) a row, grouped here into cases with their [`Rope`] built once.
//!
//! Header (SPEC): `case,rotary_dim,theta,scaling,factor,original_max_len,seq_len,beta_fast,
//! beta_slow,mscale,mscale_all_dim,truncate,low_freq_factor,high_freq_factor,short_factors,
//! long_factors,attention_factor,position,pair,omega,attention,cos,sin`. An empty cell is a
//! parameter left at its default; factor lists are `;`-separated. The file has no `head_dim`:
//! each case's [`Rope`] has `head_dim = rotary_dim`.

use std::path::PathBuf;

use posenc_core::{Llama3, LongRope, Rope, RopeBuilder, Scaling, Yarn};

/// The header the SPEC gives the file.
pub const HEADER: &str = "case,rotary_dim,theta,scaling,factor,original_max_len,seq_len,beta_fast,beta_slow,mscale,mscale_all_dim,truncate,low_freq_factor,high_freq_factor,short_factors,long_factors,attention_factor,position,pair,omega,attention,cos,sin";

/// One (position, pair) of a case, with its exact values rounded to the nearest `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct RopeRow {
    /// The position p.
    pub position: f64,
    /// The pair i.
    pub pair: usize,
    /// The exact ω_i.
    pub omega: f64,
    /// The exact attention factor a.
    pub attention: f64,
    /// The exact cos θ_i (without a).
    pub cos: f64,
    /// The exact sin θ_i (without a).
    pub sin: f64,
}

/// One configuration of the file and its rows.
#[derive(Debug, Clone)]
pub struct RopeCase {
    /// The case's name.
    pub name: String,
    /// The scaling's text name, as in the file.
    pub scaling: String,
    /// The configuration, built once from the row's parameters (factor lists are leaked to
    /// `'static`: a few per test process).
    pub rope: Rope<'static>,
    /// Its rows, in file order.
    pub rows: Vec<RopeRow>,
}

/// Where the RoPE golden file is: `$POSENC_ROPE_GOLDEN` if set, else the repository's copy
/// `testkit/golden/rope.csv`.
#[must_use]
pub fn path() -> PathBuf {
    if let Some(path) = std::env::var_os("POSENC_ROPE_GOLDEN") {
        return PathBuf::from(path);
    }
    crate::golden::folder().join("rope.csv")
}

/// Every case of the golden file, in file order.
///
/// # Panics
/// When the file is missing or malformed, or a case's configuration does not build: a golden
/// test that cannot read its file must fail, never pass on no rows.
#[must_use]
pub fn cases() -> Vec<RopeCase> {
    let text = crate::golden::read(&path(), HEADER);
    let mut lines = text.lines();
    lines.next();
    let mut cases: Vec<RopeCase> = Vec::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 23, "malformed rope golden row: {line}");
        let num = |s: &str| crate::golden::number(s, line);
        let row = RopeRow {
            position: num(f[17]),
            pair: f[18].parse().expect("pair"),
            omega: num(f[19]),
            attention: num(f[20]),
            cos: num(f[21]),
            sin: num(f[22]),
        };
        if let Some(case) = cases.last_mut().filter(|c| c.name == f[0]) {
            case.rows.push(row);
            continue;
        }
        let rope = builder(&f, line)
            .build()
            .unwrap_or_else(|e| panic!("golden case {} does not build: {e}", f[0]));
        cases.push(RopeCase {
            name: f[0].to_owned(),
            scaling: f[3].to_owned(),
            rope,
            rows: vec![row],
        });
    }
    let rows: usize = cases.iter().map(|c| c.rows.len()).sum();
    assert!(rows > 1000, "rope golden file has only {rows} rows");
    cases
}

/// The builder a row's parameter cells describe.
fn builder(f: &[&str], line: &str) -> RopeBuilder<'static> {
    let opt = |i: usize| -> Option<f64> {
        (!f[i].is_empty()).then(|| {
            f[i].parse()
                .unwrap_or_else(|e| panic!("bad number {:?} in {line}: {e}", f[i]))
        })
    };
    let need = |i: usize| opt(i).unwrap_or_else(|| panic!("column {i} is empty in {line}"));
    let list = |i: usize| -> &'static [f64] {
        let values: Vec<f64> = f[i]
            .split(';')
            .map(|v| v.parse().expect("factor list value"))
            .collect();
        Box::leak(values.into_boxed_slice())
    };
    let rotary_dim: usize = f[1].parse().expect("rotary_dim");
    let scaling = match f[3] {
        "none" => Scaling::None,
        "linear" => Scaling::Linear { factor: need(4) },
        "ntk" => Scaling::Ntk { factor: need(4) },
        "dynamic" => Scaling::Dynamic {
            factor: need(4),
            original_max_len: need(5),
            seq_len: need(6),
        },
        "yarn" => {
            let d = Yarn::new(need(4), need(5));
            Scaling::Yarn(Yarn {
                beta_fast: opt(7).unwrap_or(d.beta_fast),
                beta_slow: opt(8).unwrap_or(d.beta_slow),
                mscale: opt(9),
                mscale_all_dim: opt(10),
                truncate: f[11] != "false",
                ..d
            })
        }
        "llama3" => {
            let d = Llama3::new(need(4));
            Scaling::Llama3(Llama3 {
                original_max_len: opt(5).unwrap_or(d.original_max_len),
                low_freq_factor: opt(12).unwrap_or(d.low_freq_factor),
                high_freq_factor: opt(13).unwrap_or(d.high_freq_factor),
                ..d
            })
        }
        "longrope" => Scaling::LongRope(LongRope {
            factor: opt(4).unwrap_or(1.0),
            ..LongRope::new(list(14), list(15), need(5), need(6))
        }),
        other => panic!("unknown scaling {other:?} in {line}"),
    };
    let mut b = Rope::builder(rotary_dim).theta(need(2)).scaling(scaling);
    if let Some(a) = opt(16) {
        b = b.attention_factor(a);
    }
    b
}
