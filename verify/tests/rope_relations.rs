//! SPEC relations 8–10 for rotary position embeddings, on random configurations of every
//! scaling and both pairings, with positions up to 2^24 (fractional and negative):
//! 8 relative position, 9 pairing as a permutation, 10 partial rotary leaves the tail bit for
//! bit. Also: an unscaled cache row is the encoding's `split-cos-sin` row bit for bit.
//! `PROPTEST_CASES=5000` makes a deep run.

use posenc_core::{
    Element, Encoding, Layout, Llama3, LongRope, Pairing, Rope, RopeBuilder, Scaling, Yarn,
};
use posenc_testkit::bounds;
use posenc_verify::strategy::config;
use proptest::prelude::*;

/// Which scaling a case uses, with its parameters (lists owned here, borrowed by the `Rope`).
#[derive(Debug, Clone)]
enum ScalingCase {
    None,
    Linear(f64),
    Ntk(f64),
    Dynamic(f64, f64, f64),
    Yarn(Yarn),
    Llama3(Llama3),
    LongRope {
        short: Vec<f64>,
        long: Vec<f64>,
        original_max_len: f64,
        factor: f64,
        seq_len: f64,
    },
}

/// A random configuration: head_dim, rotary_dim, theta, pairing, scaling, explicit attention.
#[derive(Debug, Clone)]
struct Config {
    head_dim: usize,
    rotary_dim: usize,
    theta: f64,
    pairing: Pairing,
    scaling: ScalingCase,
    attention: Option<f64>,
}

impl Config {
    fn builder(&self) -> RopeBuilder<'_> {
        let scaling = match &self.scaling {
            ScalingCase::None => Scaling::None,
            ScalingCase::Linear(f) => Scaling::Linear { factor: *f },
            ScalingCase::Ntk(f) => Scaling::Ntk { factor: *f },
            ScalingCase::Dynamic(f, l0, l) => Scaling::Dynamic {
                factor: *f,
                original_max_len: *l0,
                seq_len: *l,
            },
            ScalingCase::Yarn(y) => Scaling::Yarn(*y),
            ScalingCase::Llama3(l) => Scaling::Llama3(*l),
            ScalingCase::LongRope {
                short,
                long,
                original_max_len,
                factor,
                seq_len,
            } => Scaling::LongRope(LongRope {
                factor: *factor,
                ..LongRope::new(short, long, *original_max_len, *seq_len)
            }),
        };
        let b = Rope::builder(self.head_dim)
            .rotary_dim(self.rotary_dim)
            .theta(self.theta)
            .pairing(self.pairing)
            .scaling(scaling);
        match self.attention {
            Some(a) => b.attention_factor(a),
            None => b,
        }
    }
}

fn log_uniform(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (lo.ln()..hi.ln()).prop_map(f64::exp)
}

fn scaling(pairs: usize) -> impl Strategy<Value = ScalingCase> {
    let list = || proptest::collection::vec(log_uniform(0.5, 64.0), pairs);
    prop_oneof![
        Just(ScalingCase::None),
        log_uniform(0.25, 64.0).prop_map(ScalingCase::Linear),
        log_uniform(1.0, 64.0).prop_map(ScalingCase::Ntk),
        (
            log_uniform(1.0, 64.0),
            log_uniform(256.0, 32768.0),
            log_uniform(1.0, 1.0e6)
        )
            .prop_map(|(f, l0, l)| ScalingCase::Dynamic(f, l0, l)),
        (
            log_uniform(0.5, 64.0),
            log_uniform(512.0, 65536.0),
            log_uniform(4.0, 64.0),
            log_uniform(0.25, 4.0),
            proptest::option::of((log_uniform(0.5, 2.0), log_uniform(0.5, 2.0))),
            any::<bool>()
        )
            .prop_map(|(f, l0, fast, slow, m, truncate)| {
                ScalingCase::Yarn(Yarn {
                    beta_fast: fast,
                    beta_slow: slow,
                    mscale: m.map(|m| m.0),
                    mscale_all_dim: m.map(|m| m.1),
                    truncate,
                    ..Yarn::new(f, l0)
                })
            }),
        (
            log_uniform(1.0, 64.0),
            log_uniform(0.25, 2.0),
            log_uniform(0.25, 16.0),
            log_uniform(1024.0, 65536.0)
        )
            .prop_map(|(f, lf, width, l0)| ScalingCase::Llama3(Llama3 {
                factor: f,
                low_freq_factor: lf,
                high_freq_factor: lf + width,
                original_max_len: l0
            })),
        (
            list(),
            list(),
            log_uniform(256.0, 32768.0),
            log_uniform(0.5, 64.0),
            log_uniform(1.0, 1.0e6)
        )
            .prop_map(|(short, long, l0, factor, seq_len)| ScalingCase::LongRope {
                short,
                long,
                original_max_len: l0,
                factor,
                seq_len,
            }),
    ]
}

fn rope_config() -> impl Strategy<Value = Config> {
    (1usize..=64, 0usize..=6)
        .prop_flat_map(|(pairs, extra)| {
            let r = 2 * pairs;
            (
                Just(r + extra),
                Just(r),
                log_uniform(1.5, 1.0e7),
                prop_oneof![Just(Pairing::Half), Just(Pairing::Interleaved)],
                scaling(pairs),
                proptest::option::of(log_uniform(0.25, 4.0)),
            )
        })
        .prop_map(
            |(head_dim, rotary_dim, theta, pairing, scaling, attention)| Config {
                head_dim,
                rotary_dim,
                theta,
                pairing,
                scaling,
                attention,
            },
        )
        // ntk and dynamic need rotary_dim > 2 (their error is the core's unit tests' business).
        .prop_filter("base change with r = 2", |c| {
            c.rotary_dim > 2 || !matches!(c.scaling, ScalingCase::Ntk(_) | ScalingCase::Dynamic(..))
        })
}

/// A multiple of 2^−10 with `|p| ≤ limit`: every difference of two is exact in `f64`.
fn position(limit: f64) -> impl Strategy<Value = f64> {
    let steps = (limit * 1024.0) as i64;
    prop_oneof![
        (-steps..=steps).prop_map(|k| k as f64 / 1024.0),
        (-(limit as i64)..=(limit as i64)).prop_map(|k| k as f64),
    ]
}

/// A vector of `len` values in [−1, 1] (exact in `f32`).
fn values(len: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec((-1.0f64..=1.0).prop_map(|x| f64::from(x as f32)), len)
}

const LIMIT: f64 = 16777216.0; // 2^24

/// Relation 8 over the rotating dimensions, in element type `T`.
fn relative_position<T: Element>(rope: &Rope<'_>, q: &[f64], k: &[f64], m: f64, n: f64) {
    let r = rope.rotary_dim();
    let a = rope.attention_factor();
    let to_t = |x: &[f64]| -> Vec<T> { x.iter().map(|&v| T::from_f64(v)).collect() };
    let (mut qm, mut kn, mut qd) = (to_t(q), to_t(k), to_t(q));
    rope.apply(m, &mut qm).expect("apply q");
    rope.apply(n, &mut kn).expect("apply k");
    rope.apply(m - n, &mut qd).expect("apply q at m - n");
    let k_t = to_t(k);
    let dot = |x: &[T], y: &[T]| -> f64 { (0..r).map(|j| x[j].to_f64() * y[j].to_f64()).sum() };
    let left = dot(&qm, &kn);
    let right = a * dot(&qd, &k_t);
    let theta_max = m.abs().max(n.abs()).max((m - n).abs()) * rope.max_frequency();
    let component = bounds::rope_component(T::MANTISSA_BITS, theta_max, a);
    let bound = bounds::rope_relative_position(rope.pairs(), a, component);
    assert!(
        (left - right).abs() <= bound,
        "{rope:?} m={m} n={n} {}: <rope(q,m), rope(k,n)> = {left:e}, a<rope(q,m-n), k> = {right:e}, \
         |diff| {:e} > {bound:e}",
        T::NAME,
        (left - right).abs()
    );
}

/// Relation 9: interleaved on x is half on x with columns 2i → i, 2i+1 → i + n, permuted back.
fn pairing_is_a_permutation<T: Element>(rope: &Rope<'_>, x: &[f64], heads: usize, p: f64) {
    let (h, r, n) = (rope.head_dim(), rope.rotary_dim(), rope.pairs());
    let other = match rope.pairing() {
        Pairing::Half => Pairing::Interleaved,
        Pairing::Interleaved => Pairing::Half,
    };
    let (inter, half) = match rope.pairing() {
        Pairing::Interleaved => (*rope, rope.to_builder().pairing(other).build().unwrap()),
        Pairing::Half => (rope.to_builder().pairing(other).build().unwrap(), *rope),
    };
    // to_half[j] is where interleaved column j goes in the half layout.
    let to_half = |j: usize| {
        if j >= r {
            j
        } else if j.is_multiple_of(2) {
            j / 2
        } else {
            j / 2 + n
        }
    };
    let mut xi: Vec<T> = (0..heads * h)
        .map(|j| T::from_f64(x[j % x.len()]))
        .collect();
    let mut xh = vec![T::default(); xi.len()];
    for (head, chunk) in xi.chunks(h).enumerate() {
        for (j, &v) in chunk.iter().enumerate() {
            xh[head * h + to_half(j)] = v;
        }
    }
    inter.apply_heads(p, &mut xi).expect("interleaved");
    half.apply_heads(p, &mut xh).expect("half");
    for head in 0..heads {
        for j in 0..h {
            assert_eq!(
                xi[head * h + j],
                xh[head * h + to_half(j)],
                "{rope:?} p={p} head {head} column {j} {}",
                T::NAME
            );
        }
    }
}

/// The bits of the tail `r..h` of every head of `x` (heads of `h` values), by `to_bits`.
fn tail_of_heads<T: Copy, B>(x: &[T], (h, r): (usize, usize), to_bits: fn(T) -> B) -> Vec<B> {
    x.iter()
        .enumerate()
        .filter(|(j, _)| j % h >= r)
        .map(|(_, &v)| to_bits(v))
        .collect()
}

/// Relation 10: the tail `r..h` of every head keeps its bits, whatever they are (NaN included),
/// through apply, apply_heads and their inverses.
fn tail_is_untouched(rope: &Rope<'_>, tail_bits: &[u32], p: f64) {
    let (h, r) = (rope.head_dim(), rope.rotary_dim());
    let heads = 3;
    let make = || -> Vec<f32> {
        (0..heads * h)
            .map(|j| {
                if j % h < r {
                    0.25
                } else {
                    f32::from_bits(tail_bits[j % tail_bits.len()])
                }
            })
            .collect()
    };
    let before = make();
    let bits = |x: &[f32]| tail_of_heads(x, (h, r), f32::to_bits);
    let mut x = make();
    rope.apply_heads(p, &mut x).expect("heads");
    assert_eq!(bits(&x), bits(&before), "{rope:?} apply_heads");
    rope.apply_heads_inverse(p, &mut x).expect("heads inverse");
    assert_eq!(bits(&x), bits(&before), "{rope:?} apply_heads_inverse");
    let mut one = make();
    rope.apply(p, &mut one[..h]).expect("one head");
    rope.apply_inverse(p, &mut one[..h])
        .expect("one head inverse");
    assert_eq!(bits(&one), bits(&before), "{rope:?} apply");
    // f64 heads, the tail holding arbitrary f64 bit patterns (NaN payloads included).
    let wide_before: Vec<f64> = (0..heads * h)
        .map(|j| {
            let t = u64::from(tail_bits[j % tail_bits.len()]);
            if j % h < r {
                0.25
            } else {
                f64::from_bits(t << 32 | t)
            }
        })
        .collect();
    let wide_bits = |x: &[f64]| tail_of_heads(x, (h, r), f64::to_bits);
    let mut wide = wide_before.clone();
    rope.apply_heads(p, &mut wide).expect("f64 heads");
    rope.apply_heads_inverse(p, &mut wide)
        .expect("f64 heads inverse");
    assert_eq!(
        wide_bits(&wide),
        wide_bits(&wide_before),
        "{rope:?} f64 tail"
    );
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn relation_8_relative_position(
        cfg in rope_config(),
        q in values(128),
        k in values(128),
        m in position(LIMIT / 2.0),
        n in position(LIMIT / 2.0),
    ) {
        let rope = cfg.builder().build().expect("valid configuration");
        // The SPEC's accuracy holds for |p·ω_0| ≤ 2^24: keep every position inside it.
        let shrink = rope.max_frequency().max(1.0);
        let (m, n) = (
            (m / shrink * 1024.0).round() / 1024.0,
            (n / shrink * 1024.0).round() / 1024.0,
        );
        let q = &q[..rope.head_dim().min(128)];
        let k = &k[..rope.head_dim().min(128)];
        let (mut qv, mut kv) = (q.to_vec(), k.to_vec());
        qv.resize(rope.head_dim(), 0.5);
        kv.resize(rope.head_dim(), -0.5);
        relative_position::<f32>(&rope, &qv, &kv, m, n);
        relative_position::<f64>(&rope, &qv, &kv, m, n);
    }

    #[test]
    fn relation_9_pairing_is_a_permutation(
        cfg in rope_config(),
        x in values(71),
        heads in 0usize..4,
        p in position(LIMIT),
    ) {
        let rope = cfg.builder().build().expect("valid configuration");
        pairing_is_a_permutation::<f32>(&rope, &x, heads.max(1), p);
        pairing_is_a_permutation::<f64>(&rope, &x, heads, p);
    }

    #[test]
    fn relation_10_tail_is_untouched(
        cfg in rope_config(),
        tail in proptest::collection::vec(any::<u32>(), 1..8),
        p in position(LIMIT),
    ) {
        let rope = cfg.builder().build().expect("valid configuration");
        tail_is_untouched(&rope, &tail, p);
    }

    #[test]
    fn unscaled_cache_row_is_the_split_cos_sin_row(
        pairs in 1usize..=128,
        theta in log_uniform(1.5, 1.0e7),
        p in position(LIMIT),
    ) {
        let rope = Rope::builder(2 * pairs).theta(theta).build().expect("rope");
        let enc = Encoding::builder(2 * pairs)
            .layout(Layout::SplitCosSin)
            .base(theta)
            .build()
            .expect("encoding");
        let (mut cache, mut row) = (vec![0.0f32; 2 * pairs], vec![0.0f32; 2 * pairs]);
        rope.cache_row(p, &mut cache).expect("cache");
        enc.encode(p, &mut row).expect("row");
        prop_assert_eq!(&cache, &row);
        let (mut cache, mut row) = (vec![0.0f64; 2 * pairs], vec![0.0f64; 2 * pairs]);
        rope.cache_row(p, &mut cache).expect("cache");
        enc.encode(p, &mut row).expect("row");
        prop_assert_eq!(&cache, &row);
    }
}
