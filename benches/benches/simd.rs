//! The SIMD crate against its baselines: one row of 512 (`row_d512`) and a 128 MiB `f32` table
//! on one thread (`table_32768x1024_f32_1t`). Each group first checks that posenc-simd agrees
//! with the core within the SPEC's bounds, so a fast wrong kernel cannot be timed.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use posenc_benches::{memset, naive_row, naive_table, prefaulted};
use posenc_simd::{Encoding, Rows};
use posenc_testkit::bounds::AGREE_F32;

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

criterion_group! {
    name = benches;
    config = posenc_benches::config(100, 4);
    targets = row_d512, table_32768x1024_f32_1t
}
criterion_main!(benches);
