//! The SPEC's relations 1 and 3–7, each written once for any [`Backend`] and element type.
//! (Relation 2, determinism, compares the parallel crate with the SIMD crate only: see
//! `tests/determinism.rs`.) Every bound comes from [`posenc_testkit::bounds`].

use posenc_core::{Column, Element, Encoding, Error, Layout};
use posenc_testkit::{bounds, column_angle};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use crate::backend::{self, Backend, Core};
use crate::strategy::Case;

/// The bound on `|value − exact|` for backend `B`'s values of type `T` at angle `theta` and
/// scaled position `scaled`: the core's own ([`bounds::core_value`]) for the core, the
/// backends' ([`bounds::backend_value`]) otherwise.
#[must_use]
pub fn value_bound<B: Backend, T: Element>(theta: f64, scaled: f64) -> f64 {
    if B::IS_CORE {
        bounds::core_value(T::MANTISSA_BITS, theta, scaled)
    } else {
        bounds::backend_value(T::MANTISSA_BITS, theta, scaled)
    }
}

/// The (pair, sine column, cosine column) of every full pair.
pub fn paired(enc: &Encoding) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    (0..enc.pairs()).filter_map(|pair| {
        let (s, c) = enc.layout().pair_columns(enc.d_model(), pair);
        c.map(|c| (pair, s, c))
    })
}

fn rotatable(enc: &Encoding) -> bool {
    !(enc.layout() == Layout::Interleaved && enc.d_model() % 2 == 1)
}

/// What relations 1 and 5 look at in a case: the backend's row at `a` (named `row`), then each
/// row of its block of `rows` rows from `first_row` of the table at `a` (named `rows`), each
/// with its position.
fn case_rows<B: Backend, T: Element>(case: &Case) -> Vec<(&'static str, f64, Vec<T>)> {
    let Case {
        enc,
        a,
        first_row,
        rows,
        ..
    } = *case;
    let block: Vec<T> = backend::rows::<B, T>(&enc, a, first_row, rows);
    let positions = (0..rows).map(|k| posenc_simd::row_position(a, first_row + k as u64));
    core::iter::once(("row", a, backend::row::<B, T>(&enc, a)))
        .chain(
            positions
                .zip(block.chunks_exact(enc.d_model()))
                .map(|(position, row)| ("rows", position, row.to_vec())),
        )
        .collect()
}

/// Relation 1: the backend's row at `a` and its block of rows agree with the core's, column by
/// column, within [`bounds::agree`].
pub fn agreement<B: Backend, T: Element>(case: &Case) -> Result<(), TestCaseError> {
    let enc = case.enc;
    let d = enc.d_model();
    for ((what, position, got), (_, _, core)) in case_rows::<B, T>(case)
        .into_iter()
        .zip(case_rows::<Core, T>(case))
    {
        let scaled = enc.scale() * position;
        for (j, (g, c)) in got.iter().zip(&core).enumerate() {
            let bound = bounds::agree(T::MANTISSA_BITS, column_angle(&enc, position, j), scaled);
            let error = (g.to_f64() - c.to_f64()).abs();
            prop_assert!(
                error <= bound,
                "{} {what} {}: {enc:?} p={position} column {j}/{d}: {g:?} vs core {c:?}, |err| {error:e} > {bound:e}",
                B::NAME,
                T::NAME
            );
        }
    }
    Ok(())
}

/// Relation 3 on the backend's rows: R(b)·PE(a) = PE(a + b) within [`bounds::rotation`];
/// R(t)·R(b)·v = R(t + b)·v within [`bounds::rotation_composition_f64`] and R(b) keeping each
/// pair's norm within [`bounds::rotation_pair_norm_f64`], for `v` = PE(a); and an odd interleaved
/// row refused with [`Error::UnpairedColumn`], untouched.
pub fn rotation<B: Backend, T: Element>(case: &Case) -> Result<(), TestCaseError> {
    let Case { enc, a, b, t, .. } = *case;
    let c = enc.scale().abs();
    let pe_a: Vec<T> = backend::row::<B, T>(&enc, a);
    if !rotatable(&enc) {
        let mut row = pe_a.clone();
        prop_assert_eq!(
            enc.rotate(b, &mut row),
            Err(Error::UnpairedColumn {
                d_model: enc.d_model()
            })
        );
        prop_assert_eq!(row, pe_a, "rotate wrote on error");
        return Ok(());
    }

    let theta_max = c * a.abs().max(b.abs()).max((a + b).abs());
    let value = value_bound::<B, T>(theta_max, c * a.abs().max((a + b).abs()));
    let bound = bounds::rotation(value, bounds::rounding_to(T::MANTISSA_BITS), theta_max);
    let mut moved = pe_a;
    enc.rotate(b, &mut moved)
        .expect("a rotatable layout and a valid offset");
    let direct: Vec<T> = backend::row::<B, T>(&enc, a + b);
    for (j, (m, x)) in moved.iter().zip(&direct).enumerate() {
        let error = (m.to_f64() - x.to_f64()).abs();
        prop_assert!(
            error <= bound,
            "{} {}: {enc:?} R({b})·PE({a}) column {j}: {m:?} vs PE(a+b) {x:?}, |err| {error:e} > {bound:e}",
            B::NAME,
            T::NAME
        );
    }

    let v: Vec<f64> = backend::row::<B, f64>(&enc, a);
    let (mut twice, mut once, mut by_b) = (v.clone(), v.clone(), v.clone());
    enc.rotate(b, &mut twice).expect("valid");
    enc.rotate(t, &mut twice).expect("valid");
    enc.rotate(t + b, &mut once).expect("valid");
    enc.rotate(b, &mut by_b).expect("valid");
    let theta_max = c * t.abs().max(b.abs()).max((t + b).abs());
    let bound = bounds::rotation_composition_f64(theta_max);
    for (j, (x, y)) in twice.iter().zip(&once).enumerate() {
        prop_assert!(
            (x - y).abs() <= bound,
            "{}: {enc:?} R({t})R({b}) vs R(t+b), column {j}: {x} vs {y}",
            B::NAME
        );
    }
    let bound = bounds::rotation_pair_norm_f64(c * b.abs());
    for (pair, s, cc) in paired(&enc) {
        let before = v[s] * v[s] + v[cc] * v[cc];
        let after = by_b[s] * by_b[s] + by_b[cc] * by_b[cc];
        prop_assert!(
            (after - before).abs() <= bound,
            "{}: {enc:?} R({b}) moved pair {pair}'s norm {before} to {after}",
            B::NAME
        );
    }
    Ok(())
}

/// Relation 4: PE(a)·PE(b) = PE(a+t)·PE(b+t) over the full pairs, and PE(a)·PE(b) is the
/// closed form Σ cos(c·(b − a)·ω_i), both within [`bounds::relative_position`].
pub fn relative_position<B: Backend, T: Element>(case: &Case) -> Result<(), TestCaseError> {
    let Case { enc, a, b, t, .. } = *case;
    let dot = |x: f64, y: f64| {
        let (rx, ry): (Vec<T>, Vec<T>) =
            (backend::row::<B, T>(&enc, x), backend::row::<B, T>(&enc, y));
        paired(&enc)
            .map(|(_, s, c)| rx[s].to_f64() * ry[s].to_f64() + rx[c].to_f64() * ry[c].to_f64())
            .sum::<f64>()
    };
    let far = [a, b, a + t, b + t]
        .iter()
        .fold(0.0f64, |m, p| m.max(p.abs()));
    let theta_max = enc.scale().abs() * far;
    let value = value_bound::<B, T>(theta_max, theta_max);
    let bound = bounds::relative_position(paired(&enc).count(), value);
    let (here, there) = (dot(a, b), dot(a + t, b + t));
    prop_assert!(
        (here - there).abs() <= bound,
        "{} {}: {enc:?} PE({a})·PE({b}) = {here} but shifted by {t}: {there}, bound {bound:e}",
        B::NAME,
        T::NAME
    );
    // And it is the closed form Σ cos(c·(b − a)·ω_i), from the core's angles.
    let closed: f64 = paired(&enc)
        .map(|(pair, _, _)| {
            let angle = |p: f64| enc.angle(pair, p).expect("a valid pair and position");
            (angle(b) - angle(a)).cos()
        })
        .sum();
    prop_assert!(
        (here - closed).abs() <= bound,
        "{} {}: {enc:?} PE({a})·PE({b}) = {here}, closed form Σ cos(c(b−a)ω_i) = {closed}, bound {bound:e}",
        B::NAME,
        T::NAME
    );
    Ok(())
}

/// Relation 5: every value of the row at `a` and of the block is in [−1, 1], each full pair has
/// squared norm 1 within [`bounds::pair_norm`], and a zero column is exactly 0.
pub fn range_and_norm<B: Backend, T: Element>(case: &Case) -> Result<(), TestCaseError> {
    let enc = case.enc;
    let d = enc.d_model();
    for (_, position, row) in case_rows::<B, T>(case) {
        let scaled = enc.scale() * position;
        prop_assert!(
            row.iter().all(|v| (-1.0..=1.0).contains(&v.to_f64())),
            "{} {}: {enc:?} p={position}: value out of [-1, 1]",
            B::NAME,
            T::NAME
        );
        for (pair, s, c) in paired(&enc) {
            let value = value_bound::<B, T>(enc.angle(pair, position).expect("valid"), scaled);
            let (sv, cv) = (row[s].to_f64(), row[c].to_f64());
            let norm = sv * sv + cv * cv;
            prop_assert!(
                (norm - 1.0).abs() <= bounds::pair_norm(value),
                "{} {}: {enc:?} p={position} pair {pair}: squared norm {norm}",
                B::NAME,
                T::NAME
            );
        }
        if let Some(Column::Zero) = enc.layout().column(d, d - 1) {
            // The pad column is the constant 0 (SPEC layout table), exactly, in every backend.
            let zero = row[d - 1].to_f64();
            prop_assert!(
                zero == 0.0,
                "{} {}: {enc:?} p={position}: zero column holds {zero}",
                B::NAME,
                T::NAME
            );
        }
    }
    Ok(())
}

/// Relation 6: with scale 1 and a full pair, rows at distinct integers `p` and `p + k`,
/// `0 < |k| <` [`bounds::UNIQUE_SPAN`], `|p|, |p + k| ≤ 2^24`, differ.
pub fn uniqueness<B: Backend, T: Element>(
    enc: &Encoding,
    p: f64,
    k: f64,
) -> Result<(), TestCaseError> {
    prop_assert!(enc.scale() == 1.0 && enc.d_model() >= 2 && k != 0.0);
    prop_assert!(k.abs() < bounds::UNIQUE_SPAN as f64 && p.fract() == 0.0 && k.fract() == 0.0);
    let (x, y): (Vec<T>, Vec<T>) = (
        backend::row::<B, T>(enc, p),
        backend::row::<B, T>(enc, p + k),
    );
    prop_assert!(
        x.iter().zip(&y).any(|(u, v)| u != v),
        "{} {}: {enc:?} rows at {p} and {} are equal",
        B::NAME,
        T::NAME,
        p + k
    );
    Ok(())
}

/// The means of PE(0)·PE(k) over the decade windows `[10^w, 10^(w+1))` that end at or below
/// the base, computed from the backend's table of rows `0 .. 10^W`, and PE(0)·PE(0).
#[must_use]
pub fn decay_windows<B: Backend, T: Element>(enc: &Encoding) -> (f64, Vec<f64>) {
    let d = enc.d_model();
    let mut end = 10u64;
    let mut windows = Vec::new();
    while end as f64 <= enc.base() {
        windows.push((end / 10, end));
        end *= 10;
    }
    let rows = windows.last().map_or(1, |w| w.1) as usize;
    let table: Vec<T> = backend::rows::<B, T>(enc, 0.0, 0, rows);
    let zero = &table[..d];
    let dot = |k: usize| {
        zero.iter()
            .zip(&table[k * d..(k + 1) * d])
            .map(|(x, y)| x.to_f64() * y.to_f64())
            .sum::<f64>()
    };
    let means = windows
        .iter()
        .map(|&(lo, hi)| (lo..hi).map(|k| dot(k as usize)).sum::<f64>() / (hi - lo) as f64)
        .collect();
    (dot(0), means)
}

/// Relation 7 as the SPEC states it: for d = 512 and base 10^4 the window means fall from each
/// decade window to the next while the window ends at or below the base, and are the SPEC's
/// figure (256 at k = 0, then about 202, 132, 68, 7) to [`bounds::DECAY_FIGURE`].
pub fn decay<B: Backend, T: Element>(layout: Layout) -> Result<(), TestCaseError> {
    let enc = Encoding::builder(512)
        .layout(layout)
        .build()
        .expect("the paper's configuration");
    let (at_zero, means) = decay_windows::<B, T>(&enc);
    let value = value_bound::<B, T>(0.0, 0.0);
    prop_assert!(
        (at_zero - 256.0).abs() <= bounds::self_dot(256, value),
        "PE(0)·PE(0) = {at_zero}"
    );
    prop_assert_eq!(means.len(), 4, "windows ending at 10, 100, 1000, 10000");
    for w in means.windows(2) {
        prop_assert!(
            w[1] < w[0],
            "{} {} {layout}: window means {means:?} do not fall",
            B::NAME,
            T::NAME
        );
    }
    for (mean, figure) in means.iter().zip([202.0, 132.0, 68.0, 7.0]) {
        prop_assert!(
            (mean - figure).abs() <= bounds::DECAY_FIGURE,
            "{} {} {layout}: window means {means:?}, SPEC's figure 202, 132, 68, 7",
            B::NAME,
            T::NAME
        );
    }
    Ok(())
}
