//! The SIMD crate against its baselines: one row of 512 (`row_d512`), a 128 MiB `f32` table
//! on one thread (`table_32768x1024_f32_1t`), the same table in `f16` beside `f32` and a
//! memset of its bytes (`table_32768x1024_f16_1t`), and the `f32` → `f16`/`bf16` conversion
//! of a block on each backend (`convert_f32_65536`). Each group first checks that posenc-simd
//! agrees with the core within the SPEC's bounds, so a fast wrong kernel cannot be timed.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use posenc_benches::{memset, naive_row, naive_table, prefaulted};
use posenc_simd::{Backend, Element, Encoding, Rows, bf16, f16};
use posenc_testkit::bounds::AGREE_F32;
use posenc_testkit::reduced;

const ROW_POSITION: u32 = 1234;
const TABLE_ROWS: usize = 32_768;
const TABLE_D: usize = 1024;

/// Every value of `simd` within [`AGREE_F32`] of the core's row at `position`.
fn assert_agrees(enc: &Encoding, position: f64, simd: &[f32]) {
    let mut reference = vec![0.0f32; enc.d_model()];
    enc.encode(position, &mut reference).unwrap();
    for (column, (a, b)) in simd.iter().zip(&reference).enumerate() {
        let error = f64::from(*a) - f64::from(*b);
        assert!(
            error.abs() <= AGREE_F32,
            "posenc-simd disagrees with the core at p={position} column {column}: {a} vs {b}"
        );
    }
}

fn row_d512(c: &mut Criterion) {
    let enc = Encoding::new(512).unwrap();
    let mut row = [0.0f32; 512];
    posenc_simd::encode_row(&enc, f64::from(ROW_POSITION), &mut row).unwrap();
    assert_agrees(&enc, f64::from(ROW_POSITION), &row);

    let mut group = c.benchmark_group("row_d512");
    group.throughput(Throughput::Elements(512));
    group.bench_function("naive", |b| {
        b.iter(|| naive_row(black_box(ROW_POSITION), black_box(&mut row)));
    });
    group.bench_function("posenc_core", |b| {
        b.iter(|| {
            enc.encode(black_box(f64::from(ROW_POSITION)), black_box(&mut row[..]))
                .unwrap();
        });
    });
    group.bench_function("posenc_simd", |b| {
        b.iter(|| {
            posenc_simd::encode_row(
                &enc,
                black_box(f64::from(ROW_POSITION)),
                black_box(&mut row),
            )
            .unwrap();
        });
    });
    group.finish();
}

fn table_32768x1024_f32_1t(c: &mut Criterion) {
    let enc = Encoding::new(TABLE_D).unwrap();
    let rows = Rows::new(&enc, 0.0, 0, TABLE_ROWS).unwrap();
    let mut table = prefaulted(rows.values());
    posenc_simd::encode_rows(&rows, &mut table).unwrap();
    for position in (0..TABLE_ROWS).step_by(97).chain([TABLE_ROWS - 1]) {
        let row = &table[position * TABLE_D..(position + 1) * TABLE_D];
        assert_agrees(&enc, position as f64, row);
    }

    let mut group = c.benchmark_group("table_32768x1024_f32_1t");
    group.throughput(Throughput::Bytes((TABLE_ROWS * TABLE_D * 4) as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("memset", |b| {
        b.iter(|| memset(black_box(0.5), black_box(&mut table)));
    });
    group.bench_function("naive", |b| {
        b.iter(|| naive_table(TABLE_D, black_box(&mut table)));
    });
    group.bench_function("posenc_simd", |b| {
        b.iter(|| posenc_simd::encode_rows(black_box(&rows), black_box(&mut table)).unwrap());
    });
    group.finish();
}

fn table_32768x1024_f16_1t(c: &mut Criterion) {
    let enc = Encoding::new(TABLE_D).unwrap();
    let rows = Rows::new(&enc, 0.0, 0, TABLE_ROWS).unwrap();
    // Every page written before the timing (a non-zero fill), as `prefaulted` does.
    let mut table = vec![f16::ONE; rows.values()];
    let mut table32 = prefaulted(rows.values());
    posenc_simd::encode_rows(&rows, &mut table).unwrap();
    // Within the SPEC's backend bound of exact, so within it plus the core's of the core.
    let bound = reduced::value(f16::MANTISSA_BITS) + reduced::core_value(f16::MANTISSA_BITS);
    let mut reference = vec![f16::ZERO; TABLE_D];
    for position in (0..TABLE_ROWS).step_by(97).chain([TABLE_ROWS - 1]) {
        enc.encode(position as f64, &mut reference).unwrap();
        let row = &table[position * TABLE_D..(position + 1) * TABLE_D];
        for (a, b) in row.iter().zip(&reference) {
            assert!((a.to_f64() - b.to_f64()).abs() <= bound, "f16 p={position}");
        }
    }

    let mut group = c.benchmark_group("table_32768x1024_f16_1t");
    group.throughput(Throughput::Elements((TABLE_ROWS * TABLE_D) as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("memset_f16", |b| {
        b.iter(|| black_box(&mut table).fill(black_box(f16::from_f32(0.5))));
    });
    group.bench_function("posenc_simd_f16", |b| {
        b.iter(|| posenc_simd::encode_rows(black_box(&rows), black_box(&mut table)).unwrap());
    });
    group.bench_function("posenc_simd_f32", |b| {
        b.iter(|| posenc_simd::encode_rows(black_box(&rows), black_box(&mut table32)).unwrap());
    });
    group.finish();
}

/// Values of a conversion block: 256 KiB of `f32`, in a core's L2.
const CONVERT_VALUES: usize = 65_536;

fn convert_f32_65536(c: &mut Criterion) {
    let src: Vec<f32> = (0..CONVERT_VALUES)
        .map(|i| ((i as f32) * 0.001).sin())
        .collect();
    let mut halves = vec![f16::ONE; CONVERT_VALUES];
    let mut brains = vec![bf16::ONE; CONVERT_VALUES];
    let mut backends = vec![("portable", Backend::portable())];
    backends.extend(Backend::avx2_fma().map(|b| ("avx2_f16c", b)));
    // Every backend's bits are `half`'s.
    for (_, backend) in &backends {
        backend.convert_f32(&src, &mut halves).unwrap();
        backend.convert_f32(&src, &mut brains).unwrap();
        assert!(
            src.iter()
                .zip(&halves)
                .all(|(s, h)| *h == f16::from_f32(*s))
        );
        assert!(
            src.iter()
                .zip(&brains)
                .all(|(s, h)| *h == bf16::from_f32(*s))
        );
    }

    let mut group = c.benchmark_group("convert_f32_65536");
    group.throughput(Throughput::Elements(CONVERT_VALUES as u64));
    for (name, backend) in backends {
        group.bench_function(format!("f16_{name}"), |b| {
            b.iter(|| backend.convert_f32(black_box(&src), black_box(&mut halves)));
        });
        group.bench_function(format!("bf16_{name}"), |b| {
            b.iter(|| backend.convert_f32(black_box(&src), black_box(&mut brains)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = posenc_benches::config(100, 4);
    targets = row_d512, table_32768x1024_f32_1t, table_32768x1024_f16_1t, convert_f32_65536
}
criterion_main!(benches);
