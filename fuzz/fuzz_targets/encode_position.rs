//! Encoding one position into a buffer of arbitrary length, through the core (`encode`,
//! `value`, `angle`) and the SIMD crate (`encode_row`), `f32` and `f64`. Errors must be the
//! documented ones; every `Ok` row must be in [−1, 1] and agree with the core.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_core::{Element, Encoding, Error};
use posenc_fuzz::{Config, assert_outcome, assert_row_agrees, length, number, position_error};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Some(enc) = Config::valid_encoding(&mut u, 4096) else {
        return;
    };
    let Ok(position) = number(&mut u) else { return };
    let Ok(len) = length(&mut u, enc.d_model()) else {
        return;
    };
    if u.arbitrary::<bool>().unwrap_or(false) {
        check::<f32>(&enc, position, len);
    } else {
        check::<f64>(&enc, position, len);
    }
    let column = u.int_in_range(0..=enc.d_model()).unwrap_or(0);
    check_value(&enc, position, column);
});

fn check<T: Element>(enc: &Encoding, position: f64, len: usize) {
    let expected = if len != enc.d_model() {
        Some(Error::BufferLength {
            expected: enc.d_model(),
            actual: len,
        })
    } else {
        position_error(enc, position)
    };
    let sentinel = T::from_f64(7.0);

    let mut core = vec![sentinel; len];
    let result = enc.encode(position, &mut core);
    assert_outcome(&result, expected, "core encode");
    if result.is_err() {
        assert!(core.iter().all(|&v| v == sentinel), "core wrote on error");
    }

    let mut simd = vec![sentinel; len];
    let result = posenc_simd::encode_row(enc, position, &mut simd);
    assert_outcome(&result, expected, "simd encode_row");
    if result.is_ok() {
        assert_row_agrees(enc, position, &core, "core");
        assert_row_agrees(enc, position, &simd, "simd encode_row");
    }
}

/// `value` is the f64 `encode` one column at a time; `angle` fails like `frequency` and `encode`.
fn check_value(enc: &Encoding, position: f64, column: usize) {
    let value = enc.value(position, column);
    let d_model = enc.d_model();
    let out_of_range = (column >= d_model).then_some(Error::ColumnOutOfRange { column, d_model });
    assert_indexed(&value, out_of_range, enc, position, "value");
    if let Ok(v) = value {
        let mut row = vec![0.0f64; enc.d_model()];
        enc.encode(position, &mut row).expect("value succeeded");
        assert_eq!(
            v.to_bits(),
            row[column].to_bits(),
            "value vs encode, column {column}"
        );
    }
    let pair = column.min(enc.pairs());
    let angle = enc.angle(pair, position);
    let pairs = enc.pairs();
    let out_of_range = (pair >= pairs).then_some(Error::PairOutOfRange { pair, pairs });
    assert_indexed(&angle, out_of_range, enc, position, "angle");
}

/// An indexed call (`value`'s column, `angle`'s pair) must fail with `out_of_range` when its
/// index is past the end, and otherwise as encoding `position` does.
fn assert_indexed<T: core::fmt::Debug>(
    got: &Result<T, Error>,
    out_of_range: Option<Error>,
    enc: &Encoding,
    position: f64,
    what: &str,
) {
    assert_outcome(
        got,
        out_of_range.or_else(|| position_error(enc, position)),
        what,
    );
}
