//! Every row of the RoPE golden file through the core: ω_i, the attention factor, the cache
//! values a·cos θ_i and a·sin θ_i in `f32` and `f64`, and a rotated pair from `f32` and `f64`
//! inputs, each against the SPEC's core bound. The worst error per scaling is printed as a
//! fraction of its bound (`cargo test -p posenc-verify --test rope_golden -- --nocapture`).

use std::collections::BTreeMap;

use posenc_core::{Element, Encoding, Layout, Scaling};
use posenc_testkit::bounds;
use posenc_testkit::golden::Worst;
use posenc_testkit::rope_golden::{RopeCase, RopeRow, cases};

/// The worst fractions of one scaling.
#[derive(Default)]
struct Tally {
    rows: usize,
    omega: Worst,
    cache_f32: Worst,
    cache_f64: Worst,
    pair_f32: Worst,
    pair_f64: Worst,
}

/// A fixed head vector of `len` values in [−1, 1], exact in `f32`.
fn vector<T: Element>(len: usize) -> Vec<T> {
    (0..len)
        .map(|j| {
            let x = ((j * 37 + 11) % 101) as f64 / 101.0 * 1.75 - 0.875;
            T::from_f64(f64::from(x as f32))
        })
        .collect()
}

fn check_cache<T: Element>(case: &RopeCase, row: &RopeRow, worst: &mut Worst) {
    let rope = &case.rope;
    let n = rope.pairs();
    let mut out = vec![T::default(); rope.rotary_dim()];
    rope.cache_row(row.position, &mut out).expect("cache row");
    let theta = row.position * row.omega;
    let a = row.attention;
    let bound = if T::MANTISSA_BITS > 24 {
        bounds::rope_cache_f64(theta, a)
    } else {
        bounds::rope_cache_f32(a)
    };
    let allowed = bound - bounds::rope_golden_cache(a);
    for (got, exact, what) in [
        (out[row.pair], a * row.cos, "a·cos"),
        (out[n + row.pair], a * row.sin, "a·sin"),
    ] {
        check_value(case, row, what, (got, exact), (bound, allowed), worst);
    }
}

fn check_pair<T: Element>(case: &RopeCase, row: &RopeRow, worst: &mut Worst) {
    let rope = &case.rope;
    let before: Vec<T> = vector(rope.head_dim());
    let mut x = before.clone();
    rope.apply(row.position, &mut x).expect("apply");
    let (cu, cv) = rope.pair_columns(row.pair).expect("pair");
    let (u, v) = (before[cu].to_f64(), before[cv].to_f64());
    let a = row.attention;
    let exact_u = a * (u * row.cos - v * row.sin);
    let exact_v = a * (v * row.cos + u * row.sin);
    let theta = row.position * row.omega;
    for (got, exact, what) in [(x[cu], exact_u, "u'"), (x[cv], exact_v, "v'")] {
        let bound = if T::MANTISSA_BITS > 24 {
            bounds::rope_pair_f64(theta, a, u, v)
        } else {
            bounds::rope_pair_f32(exact, a, u, v)
        };
        let allowed = bound - bounds::rope_golden_pair(a, u, v);
        check_value(case, row, what, (got, exact), (bound, allowed), worst);
    }
}

/// `got` within `allowed` (the SPEC's `bound` less the golden value's own error) of `exact`;
/// records the error's fraction of `bound` in `worst`.
fn check_value<T: Element>(
    case: &RopeCase,
    row: &RopeRow,
    what: &str,
    (got, exact): (T, f64),
    (bound, allowed): (f64, f64),
    worst: &mut Worst,
) {
    let error = (got.to_f64() - exact).abs();
    assert!(
        error <= allowed,
        "{} p={} pair {}: {} {what} = {got:?}, exact {exact:e}: |err| {error:e} > {allowed:e}",
        case.name,
        row.position,
        row.pair,
        T::NAME
    );
    worst.record(error, bound, || {
        format!("{} p={} pair {}", case.name, row.position, row.pair)
    });
}

#[test]
fn core_rope_meets_the_spec_bounds_on_every_golden_row() {
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for case in cases() {
        let rope = &case.rope;
        let tally = tallies.entry(case.scaling.clone()).or_default();
        for row in &case.rows {
            tally.rows += 1;
            let omega = rope.frequency(row.pair).expect("pair in range");
            let error = (omega - row.omega).abs();
            let bound = bounds::ROPE_FREQUENCY * row.omega;
            assert!(
                error <= bound,
                "{} pair {}: ω {omega:e} vs exact {:e}",
                case.name,
                row.pair,
                row.omega
            );
            tally
                .omega
                .record(error, bound, || format!("{} pair {}", case.name, row.pair));
            let a = rope.attention_factor();
            assert!(
                (a - row.attention).abs() <= bounds::ROPE_ATTENTION * row.attention,
                "{}: attention factor {a} vs exact {}",
                case.name,
                row.attention
            );
            check_cache::<f32>(&case, row, &mut tally.cache_f32);
            check_cache::<f64>(&case, row, &mut tally.cache_f64);
            check_pair::<f32>(&case, row, &mut tally.pair_f32);
            check_pair::<f64>(&case, row, &mut tally.pair_f64);
        }
    }
    let scalings = [
        "none", "linear", "ntk", "dynamic", "yarn", "llama3", "longrope",
    ];
    assert_eq!(
        tallies.keys().map(String::as_str).collect::<Vec<_>>().len(),
        scalings.len(),
        "the golden file covers every scaling"
    );
    println!("core RoPE vs golden, worst error as a fraction of the SPEC's core bound:");
    println!(
        "{:>9} {:>5} {:>8} {:>10} {:>10} {:>10} {:>10}",
        "scaling", "rows", "omega", "cache f32", "cache f64", "pair f32", "pair f64"
    );
    for name in scalings {
        let t = &tallies[name];
        println!(
            "{name:>9} {:>5} {:>8.3} {:>10.3} {:>10.3} {:>10.3} {:>10.3}",
            t.rows,
            t.omega.of_bound,
            t.cache_f32.of_bound,
            t.cache_f64.of_bound,
            t.pair_f32.of_bound,
            t.pair_f64.of_bound
        );
        for (what, w) in [("cache f32", &t.cache_f32), ("pair f32", &t.pair_f32)] {
            println!(
                "           {what}: worst |err| {:.3e} at {}",
                w.error,
                w.at.as_deref().unwrap_or("-")
            );
        }
    }
}

/// With scaling `none` (a = 1), a cache row is the encoding's `split-cos-sin` row with
/// `d_model = rotary_dim`, bit for bit, at every golden position of every such case.
#[test]
fn unscaled_cache_rows_are_the_encodings_split_cos_sin_rows() {
    let mut compared = 0;
    for case in cases() {
        let rope = &case.rope;
        if rope.scaling() != Scaling::None || rope.attention_factor() != 1.0 {
            continue;
        }
        let enc = Encoding::builder(rope.rotary_dim())
            .layout(Layout::SplitCosSin)
            .base(rope.theta())
            .build()
            .expect("encoding");
        for row in case.rows.iter().filter(|r| r.pair == 0) {
            compare::<f32>(rope, &enc, row.position);
            compare::<f64>(rope, &enc, row.position);
            compared += 1;
        }
    }
    assert!(compared >= 20, "only {compared} positions compared");
}

fn compare<T: Element>(rope: &posenc_core::Rope<'_>, enc: &Encoding, position: f64) {
    let mut cache = vec![T::default(); rope.rotary_dim()];
    let mut row = vec![T::default(); enc.d_model()];
    rope.cache_row(position, &mut cache).expect("cache");
    enc.encode(position, &mut row).expect("encode");
    assert_eq!(
        cache,
        row,
        "r={} p={position} {}",
        rope.rotary_dim(),
        T::NAME
    );
}

/// The presets whose configuration a golden case reproduces have that case's frequencies and
/// attention factor, bit for bit (the golden cases carry the published config.json values).
#[test]
fn presets_match_their_golden_cases() {
    use posenc_core::RopePreset;
    let all = cases();
    let find = |name: &str| {
        all.iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("golden case {name}"))
    };
    for (preset, name) in [
        (RopePreset::Llama2, "llama2-128"),
        (RopePreset::Llama31, "llama3-128"),
        (RopePreset::Qwen25Yarn, "yarn-qwen-128"),
        (RopePreset::DeepSeekV3, "yarn-deepseek-64"),
    ] {
        let rope = preset.rope().expect("preset");
        let case = &find(name).rope;
        assert_eq!(rope.rotary_dim(), case.rotary_dim(), "{preset}");
        assert_eq!(rope.attention_factor(), case.attention_factor(), "{preset}");
        for pair in 0..rope.pairs() {
            assert_eq!(
                rope.frequency_parts(pair),
                case.frequency_parts(pair),
                "{preset} pair {pair}"
            );
        }
    }
    // Each preset's (head_dim, rotary_dim, theta, pairing), as the model's configuration says.
    use posenc_core::Pairing::{Half, Interleaved};
    for (preset, head, rotary, theta, pairing) in [
        (RopePreset::Gemma, 256, 256, 1e4, Half),
        (RopePreset::GptNeoX20B, 96, 24, 1e4, Half),
        (RopePreset::Phi2, 80, 32, 1e4, Half),
        (RopePreset::GptJ6B, 256, 64, 1e4, Interleaved),
        (RopePreset::Mistral7BV01, 128, 128, 1e4, Half),
        (RopePreset::Mistral7B, 128, 128, 1e6, Half),
        (RopePreset::Qwen25, 128, 128, 1e6, Half),
        (RopePreset::Llama32, 64, 64, 5e5, Half),
    ] {
        let rope = preset.rope().expect("preset");
        assert_eq!(
            (
                rope.head_dim(),
                rope.rotary_dim(),
                rope.theta(),
                rope.pairing()
            ),
            (head, rotary, theta, pairing),
            "{preset}"
        );
    }
}
