//! The RoPE golden file on the target: every case built from its parameter cells, and for
//! every row ω_i by `frequency`; for every position (one group of rows) the cache row in `f32`
//! and `f64`, `apply` to the unit pair vector (every pair `(1, 0)`, so the rotated pair is
//! `(a·cos θ_i, a·sin θ_i)`) in `f32` and `f64`, and `apply_inverse` of that back to the unit
//! vector; each value against the SPEC's core bound, as `verify/tests/rope_golden.rs` checks
//! them on the host (`posenc_testkit::bounds`, which needs `std`, restated here).

use cortex_m_semihosting::hprintln;
use posenc_core::{Element, Llama3, LongRope, Rope, RopeBuilder, Scaling, Yarn};

use crate::{Failure, Tally};

/// One case of the file: its builder and where its rows are in [`ROPE_ROWS`].
pub struct RopeCase {
    name: &'static str,
    builder: fn() -> RopeBuilder<'static>,
    first: usize,
    len: usize,
}

/// One (position, pair) of a case: the exact values rounded to the nearest `f64`.
pub struct RopeRow {
    position: f64,
    pair: usize,
    omega: f64,
    attention: f64,
    cos: f64,
    sin: f64,
}

// `ROPE_CASES`, `ROPE_ROWS` and `MAX_HEAD` (the widest head), written by build.rs from the file.
include!(concat!(env!("OUT_DIR"), "/rope.rs"));

/// 2^−n.
fn pow2(n: i32) -> f64 {
    libm::ldexp(1.0, -n)
}

/// `bounds::f64_bound`: 2^−48·(1 + |θ|).
fn f64_bound(theta: f64) -> f64 {
    pow2(48) * (1.0 + libm::fabs(theta))
}

/// The worst error of one kind of check as a fraction of its bound, and where.
#[derive(Clone, Copy)]
struct Worst {
    of_bound: f64,
    at: &'static str,
}

/// The worst fractions of bound over the file.
struct Worsts {
    omega: Worst,
    cache_f32: Worst,
    cache_f64: Worst,
    pair_f32: Worst,
    pair_f64: Worst,
    inverse_f32: Worst,
    inverse_f64: Worst,
}

/// Checks `|got − exact| ≤ bound − slack` (`slack`: the golden value's own error); records
/// the error's fraction of `bound`.
fn within(
    tally: &mut Tally,
    worst: &mut Worst,
    what: &'static str,
    at: &'static str,
    got: f64,
    exact: f64,
    (bound, slack): (f64, f64),
) {
    let error = libm::fabs(got - exact);
    // NaN fails the comparison, so a NaN result is counted as a failure.
    tally.check(error <= bound - slack, || Failure {
        what,
        at,
        value: error,
        bound: bound - slack,
    });
    if error / bound > worst.of_bound {
        *worst = Worst {
            of_bound: error / bound,
            at,
        };
    }
}

/// [`within`] for each `(got, exact)` of `values`, with the `(bound, slack)` of its exact value.
fn within_each<T: Element>(
    tally: &mut Tally,
    (what, worst): (&'static str, &mut Worst),
    at: &'static str,
    values: [(T, f64); 2],
    bounds: impl Fn(f64) -> (f64, f64),
) {
    for (got, exact) in values {
        within(tally, worst, what, at, got.to_f64(), exact, bounds(exact));
    }
}

/// The head vector whose every pair is `(1, 0)`.
fn unit_pairs<T: Element>(rope: &Rope<'_>, x: &mut [T]) -> bool {
    x.fill(T::from_f64(0.0));
    for pair in 0..rope.pairs() {
        let Ok((u, _)) = rope.pair_columns(pair) else {
            return false;
        };
        x[u] = T::from_f64(1.0);
    }
    true
}

/// One position of a case in one precision: cache row, apply, apply_inverse; each row of
/// `rows` (the case's rows at that position) against its bounds.
fn position<T: Element>(
    tally: &mut Tally,
    worsts: &mut Worsts,
    case: &'static str,
    rope: &Rope<'_>,
    rows: &[RopeRow],
) {
    let f64_values = T::MANTISSA_BITS > 24;
    let (mut cache, mut x) = ([T::from_f64(0.0); MAX_HEAD], [T::from_f64(0.0); MAX_HEAD]);
    let (cache, x) = (&mut cache[..rope.rotary_dim()], &mut x[..rope.head_dim()]);
    let p = rows[0].position;
    let mut ok = rope.cache_row(p, cache).is_ok() && unit_pairs(rope, x);
    ok = ok && rope.apply(p, x).is_ok();
    let mut rotated = [0.0f64; MAX_HEAD];
    for (r, v) in rotated.iter_mut().zip(x.iter()) {
        *r = v.to_f64();
    }
    ok = ok && rope.apply_inverse(p, x).is_ok();
    tally.check(ok, || Failure {
        what: "rope cache_row / apply / apply_inverse",
        at: case,
        value: p,
        bound: 0.0,
    });
    let n = rope.pairs();
    for row in rows {
        let a = row.attention;
        let theta = row.position * row.omega;
        // The cache values: 2^−24·max(1, a) in f32, 2^−48(1 + |θ|)·max(1, a) in f64; the
        // golden a·cos, a·sin are within 2^−51·max(1, a) of exact (bounds::rope_golden_cache).
        let (cache_bound, worst) = if f64_values {
            (f64_bound(theta) * a.max(1.0), &mut worsts.cache_f64)
        } else {
            (pow2(24) * a.max(1.0), &mut worsts.cache_f32)
        };
        let cache_slack = pow2(51) * a.max(1.0);
        let what = if f64_values {
            "rope cache f64"
        } else {
            "rope cache f32"
        };
        let (ec, es) = (a * row.cos, a * row.sin);
        let cached = [(cache[row.pair], ec), (cache[n + row.pair], es)];
        within_each(tally, (what, worst), case, cached, |_| {
            (cache_bound, cache_slack)
        });
        let Ok((cu, cv)) = rope.pair_columns(row.pair) else {
            tally.check(false, || Failure {
                what: "rope pair_columns",
                at: case,
                value: row.pair as f64,
                bound: 0.0,
            });
            continue;
        };
        // The rotated unit pair (u, v) = (1, 0): the pair bound 2^−24·|exact| + 2^−48·a·(|u| + |v|)
        // in f32, 2^−48(1 + |θ|)·a·(|u| + |v|) in f64; the golden's slack 2^−50·a·(|u| + |v|).
        let pair_bound = |exact: f64| {
            if f64_values {
                f64_bound(theta) * a
            } else {
                pow2(24) * libm::fabs(exact) + pow2(48) * a
            }
        };
        let pair_slack = pow2(50) * a;
        let (what, worst) = if f64_values {
            ("rope apply f64", &mut worsts.pair_f64)
        } else {
            ("rope apply f32", &mut worsts.pair_f32)
        };
        let pair = [(rotated[cu], ec), (rotated[cv], es)];
        within_each(tally, (what, worst), case, pair, |exact| {
            (pair_bound(exact), pair_slack)
        });
        // The round trip: the forward errors e_u, e_v carried through the exact inverse
        // (1/a)·R(−θ) move each component by at most (e_u + e_v)/a; the inverse's own rounding
        // is its pair bound with a → 1/a at the rotated inputs (u', v').
        let (u1, v1) = (rotated[cu], rotated[cv]);
        let (fu, fv) = (pair_bound(ec), pair_bound(es));
        let carried = (fu + fv) / a;
        let inputs = libm::fabs(u1) + libm::fabs(v1);
        let (what, worst) = if f64_values {
            ("rope inverse f64", &mut worsts.inverse_f64)
        } else {
            ("rope inverse f32", &mut worsts.inverse_f32)
        };
        within_each(
            tally,
            (what, worst),
            case,
            [(x[cu], 1.0), (x[cv], 0.0)],
            |exact| {
                let own = if f64_values {
                    f64_bound(theta) * inputs / a
                } else {
                    pow2(24) * exact + pow2(48) * inputs / a
                };
                (carried + own, 0.0)
            },
        );
    }
}

/// Every case, every row.
pub fn run(tally: &mut Tally) {
    let none = Worst {
        of_bound: 0.0,
        at: "-",
    };
    let mut worsts = Worsts {
        omega: none,
        cache_f32: none,
        cache_f64: none,
        pair_f32: none,
        pair_f64: none,
        inverse_f32: none,
        inverse_f64: none,
    };
    let mut checked = 0usize;
    for case in &ROPE_CASES {
        let Ok(rope) = (case.builder)().build() else {
            tally.require(false, "rope golden configuration", case.name);
            continue;
        };
        let rows = &ROPE_ROWS[case.first..case.first + case.len];
        for row in rows {
            // ω_i: the f64 nearest a value within about 2^−100 of exact, against the file's
            // parsed to the nearest f64: 2^−52 relative (bounds::ROPE_FREQUENCY).
            let omega = rope.frequency(row.pair).unwrap_or(f64::NAN);
            within(
                tally,
                &mut worsts.omega,
                "rope frequency",
                case.name,
                omega,
                row.omega,
                (pow2(52) * row.omega, 0.0),
            );
            // The attention factor: 2^−50 relative (bounds::ROPE_ATTENTION).
            let a = rope.attention_factor();
            tally.check(
                libm::fabs(a - row.attention) <= pow2(50) * row.attention,
                || Failure {
                    what: "rope attention factor",
                    at: case.name,
                    value: a,
                    bound: row.attention,
                },
            );
        }
        // Rows of one position are consecutive in the file.
        let mut start = 0;
        while start < rows.len() {
            let p = rows[start].position;
            let end = start + rows[start..].iter().take_while(|r| r.position == p).count();
            position::<f32>(tally, &mut worsts, case.name, &rope, &rows[start..end]);
            position::<f64>(tally, &mut worsts, case.name, &rope, &rows[start..end]);
            checked += end - start;
            start = end;
        }
    }
    hprintln!(
        "rope golden rows: {} of {}; worst fraction of the SPEC core bound:",
        checked,
        ROPE_ROWS.len()
    );
    for (what, w) in [
        ("omega", worsts.omega),
        ("cache f32", worsts.cache_f32),
        ("cache f64", worsts.cache_f64),
        ("apply f32", worsts.pair_f32),
        ("apply f64", worsts.pair_f64),
        ("inverse f32", worsts.inverse_f32),
        ("inverse f64", worsts.inverse_f64),
    ] {
        hprintln!("  rope {}: {:.3} ({})", what, w.of_bound, w.at);
    }
    tally.check(checked == ROPE_ROWS.len(), || Failure {
        what: "rope golden rows checked",
        at: "rope.csv",
        value: checked as f64,
        bound: ROPE_ROWS.len() as f64,
    });
}
