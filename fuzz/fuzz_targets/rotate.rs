//! The rotation R(b) (`Encoding::rotate`) on rows of arbitrary length and content. Errors must be
//! the documented ones (an odd interleaved row has no cosine for its last sine), and leave the
//! row untouched; R(b)·PE(a) must agree with PE(a + b), and R(b) must keep each pair's norm.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_core::{Element, Encoding, Error, Layout};
use posenc_fuzz::{Config, assert_outcome, core_row, length, number, position_error};
use posenc_testkit::bounds;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some(enc) = Config::valid_encoding(&mut u, 4096) else {
        return;
    };
    let (Ok(a), Ok(b)) = (number(&mut u), number(&mut u)) else {
        return;
    };
    let Ok(len) = length(&mut u, enc.d_model()) else {
        return;
    };
    let values: Vec<f64> = (0..len)
        .map(|_| f64::from(u.arbitrary::<i16>().unwrap_or(0)) / 32768.0)
        .collect();
    if u.arbitrary::<bool>().unwrap_or(false) {
        check::<f32>(&enc, a, b, &values);
    } else {
        check::<f64>(&enc, a, b, &values);
    }
});

fn expected_error(enc: &Encoding, offset: f64, len: usize) -> Option<Error> {
    let d = enc.d_model();
    if len != d {
        Some(Error::BufferLength {
            expected: d,
            actual: len,
        })
    } else if enc.layout() == Layout::Interleaved && d % 2 == 1 {
        Some(Error::UnpairedColumn { d_model: d })
    } else {
        position_error(enc, offset)
    }
}

fn check<T: Element>(enc: &Encoding, a: f64, b: f64, values: &[f64]) {
    // Any row of values in [−1, 1]: errors, untouched on error, norms kept.
    let before: Vec<T> = values.iter().map(|&v| T::from_f64(v)).collect();
    let mut row = before.clone();
    let result = enc.rotate(b, &mut row);
    assert_outcome(&result, expected_error(enc, b, values.len()), "rotate");
    if result.is_err() {
        assert_eq!(row, before, "rotate wrote on error");
        return;
    }
    let d = enc.d_model();
    let theta_b = (enc.scale() * b).abs();
    for pair in 0..enc.pairs() {
        let (s, c) = enc.layout().pair_columns(d, pair);
        let Some(c) = c else { continue };
        let norm = |r: &[T]| r[s].to_f64().powi(2) + r[c].to_f64().powi(2);
        let bound = bounds::rotation_pair_norm(T::MANTISSA_BITS, theta_b);
        let change = (norm(&row) - norm(&before)).abs();
        assert!(
            change <= bound,
            "{enc:?} R({b}) pair {pair}: norm moved {change:e} > {bound:e}"
        );
    }
    if enc.layout() != Layout::Interleaved && d % 2 == 1 {
        assert_eq!(row[d - 1], before[d - 1], "the zero column stays as it was");
    }

    // R(b)·PE(a) against PE(a + b), where a + b is exact and every angle in the domain.
    let sum = a + b;
    let exact = sum.is_finite() && sum - a == b && sum - b == a;
    let theta_max = enc.scale().abs() * a.abs().max(b.abs()).max(sum.abs());
    if !exact
        || position_error(enc, a).is_some()
        || theta_max > bounds::ACCURATE_SCALED_POSITION
        || !bounds::in_accuracy_domain(enc.base(), d)
    {
        return;
    }
    let mut moved: Vec<T> = core_row(enc, a);
    enc.rotate(b, &mut moved).expect("rotated above");
    let direct: Vec<T> = core_row(enc, sum);
    let value = if T::MANTISSA_BITS > 24 {
        bounds::f64_bound(theta_max)
    } else {
        bounds::CORE_F32
    };
    let bound = bounds::rotation(value, bounds::half_ulp_at_one(T::MANTISSA_BITS), theta_max);
    for (j, (m, x)) in moved.iter().zip(&direct).enumerate() {
        let error = (m.to_f64() - x.to_f64()).abs();
        assert!(
            error <= bound,
            "{enc:?} R({b})·PE({a}) column {j}: {m:?} vs PE(a+b) {x:?}, |err| {error:e} > {bound:e}"
        );
    }
}
