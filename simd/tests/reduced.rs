//! `f16` and `bf16` on every backend of this machine: the vector paths' values are their
//! `f32` values rounded once (tables, position lists, single rows, `x + pe` added in `f32`),
//! the same bits however a table is cut into blocks; the portable path's are the core's.
//! (Their distance from exact on the golden file is `posenc-verify`'s `reduced_golden_file`.)

use posenc_simd::{Backend, Element, Encoding, Layout, Positions, Rows, bf16, f16};

fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::detect(), Backend::portable()];
    all.extend(Backend::vector());
    all.extend(Backend::avx2_fma());
    all
}

fn round<T: Element>(values: &[f32]) -> Vec<T> {
    values.iter().map(|v| T::from_f64(f64::from(*v))).collect()
}

/// Encodings whose rows fit the tile once, many times, or not at all (wider than 16384).
fn encodings() -> Vec<Encoding> {
    let mut all = Vec::new();
    for (d, layout) in [
        (7, Layout::SplitSinCos),
        (64, Layout::Interleaved),
        (1024, Layout::SplitCosSin),
        (20_000, Layout::Interleaved),
    ] {
        all.push(Encoding::builder(d).layout(layout).build().unwrap());
    }
    all
}

fn check<T: Element>(backend: Backend, enc: &Encoding) {
    let vector = backend != Backend::portable();
    let d = enc.d_model();
    let (first, len) = (37u64, if d > 10_000 { 3 } else { 150 });
    let rows = Rows::new(enc, 0.5, first, len).unwrap();
    let mut f32s = vec![0.0f32; rows.values()];
    backend.encode_rows(&rows, &mut f32s).unwrap();
    let mut table = vec![T::default(); rows.values()];
    backend.encode_rows(&rows, &mut table).unwrap();
    // Cut at an odd row: the same bits.
    let (a, b) = rows.split_at(11);
    let mut cut = vec![T::default(); rows.values()];
    let (ca, cb) = cut.split_at_mut(a.values());
    backend.encode_rows(&a, ca).unwrap();
    backend.encode_rows(&b, cb).unwrap();
    assert!(cut == table, "{} {} d={d}: cut", backend.name(), T::NAME);
    let list = [0.0, 3.25, -17.0, 99_999.5, 3e9];
    let positions = Positions::new(enc, &list).unwrap();
    let mut listed = vec![T::default(); positions.values()];
    backend.encode_positions(&positions, &mut listed).unwrap();
    let mut one = vec![T::default(); d];
    backend.encode_row(enc, list[3], &mut one).unwrap();
    assert!(
        one[..] == listed[3 * d..4 * d],
        "{} row vs list",
        backend.name()
    );
    let x: Vec<T> = (0..rows.values())
        .map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 250.0 - 2.0))
        .collect();
    let mut sum = x.clone();
    backend.add_rows(&rows, &mut sum).unwrap();
    if vector && d <= 16384 {
        assert!(
            table == round::<T>(&f32s),
            "{} {} table",
            backend.name(),
            T::NAME
        );
        let mut f32_listed = vec![0.0f32; positions.values()];
        backend
            .encode_positions(&positions, &mut f32_listed)
            .unwrap();
        assert!(listed == round::<T>(&f32_listed), "{} list", backend.name());
        let mut wide: Vec<f32> = x.iter().map(|v| v.to_f64() as f32).collect();
        backend.add_rows(&rows, &mut wide).unwrap();
        assert!(
            sum == round::<T>(&wide),
            "{} {} add",
            backend.name(),
            T::NAME
        );
    } else {
        // The portable path (and rows wider than the tile): the core's values, rounded once.
        let mut core = vec![T::default(); d];
        for (k, row) in listed.chunks_exact(d).enumerate() {
            enc.encode(list[k], &mut core).unwrap();
            if !vector {
                assert!(row == &core[..], "portable list row {k}");
            }
            let near = row.iter().zip(&core).all(|(a, b)| {
                (a.to_f64() - b.to_f64()).abs() <= 2.0 * (-(T::MANTISSA_BITS as f64)).exp2()
            });
            assert!(near, "{} list row {k}", backend.name());
        }
    }
}

#[test]
fn reduced_values_are_the_f32_values_rounded_once() {
    for backend in backends() {
        for enc in &encodings() {
            check::<f16>(backend, enc);
            check::<bf16>(backend, enc);
        }
    }
}

/// A table past `stream_bytes()` in `f16` and `bf16`, stored with non-temporal stores on the
/// vector paths: the same bits as their `f32` table rounded once.
#[test]
fn streamed_reduced_tables_are_the_f32_table_rounded_once() {
    let enc = Encoding::new(1024).unwrap();
    let len = posenc_simd::stream_bytes() / (2 * 1024) + 3;
    let rows = Rows::new(&enc, 0.0, 5, len).unwrap();
    for backend in [Backend::vector(), Backend::avx2_fma()]
        .into_iter()
        .flatten()
    {
        let mut f32s = vec![0.0f32; rows.values()];
        backend.encode_rows(&rows, &mut f32s).unwrap();
        let mut halves = vec![f16::ZERO; rows.values()];
        backend.encode_rows(&rows, &mut halves).unwrap();
        assert!(halves == round::<f16>(&f32s), "{}", backend.name());
        let mut brains = vec![bf16::ZERO; rows.values()];
        backend.encode_rows(&rows, &mut brains).unwrap();
        assert!(brains == round::<bf16>(&f32s), "{}", backend.name());
    }
}
