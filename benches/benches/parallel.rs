//! The parallel crate against its baselines, all on a rayon pool of 2 threads (the machine's
//! cores) unless the group says otherwise:
//!
//! - `table_32768x1024_f32`: a 128 MiB prefaulted table; `memset` (the same bytes written with a
//!   constant, split over the same threads), `naive` (the tutorial's loop, parallel over rows),
//!   `posenc_parallel`.
//! - `table_fresh_32768x1024_f32`: the same table with its allocation, on 1 and 2 threads;
//!   `vec_zeroed` (allocating zeroed memory and writing the same bytes over the same threads),
//!   `posenc_parallel_table`.
//! - `table_scaling_f32`: `memset` and `posenc_parallel` from 2048×512 (4 MiB) to 65536×1024
//!   (256 MiB), so the cost per byte can be read off across the cache sizes.
//! - `table_32768x1024_f32_threads`: `memset` and `posenc_parallel` on 1 and 2 threads, the
//!   thread-scaling figure.
//!
//! Each group first checks that posenc-parallel writes exactly the sequential posenc-simd
//! table and agrees with the core within the SPEC's bound, so a fast wrong path cannot be timed.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};
use posenc_benches::{memset, prefaulted};
use posenc_parallel::{Encoding, fill_table, table};
use posenc_testkit::bounds::AGREE_F32;
use rayon::ThreadPool;
use rayon::prelude::*;

const ROWS: usize = 32_768;
const D: usize = 1024;
const THREADS: usize = 2;

fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
}

/// `memset` split into one part per thread of the current pool.
fn memset_parallel(out: &mut [f32]) {
    let part = out.len().div_ceil(rayon::current_num_threads()).max(1);
    out.par_chunks_mut(part).for_each(|c| memset(0.5, c));
}

/// The tutorial's loop (f32 angle `pos · div`, std `sin`/`cos`; `div_term` once per table),
/// parallel over rows.
fn naive_parallel(d_model: usize, out: &mut [f32]) {
    let log_base_over_d = 10000f32.ln() / d_model as f32;
    let div_term: Vec<f32> = (0..d_model / 2)
        .map(|i| (-((2 * i) as f32) * log_base_over_d).exp())
        .collect();
    out.par_chunks_mut(d_model)
        .enumerate()
        .for_each(|(position, row)| {
            let position = position as f32;
            for (pair, &div) in row.chunks_exact_mut(2).zip(&div_term) {
                let a = position * div;
                pair[0] = a.sin();
                pair[1] = a.cos();
            }
        });
}

/// posenc-parallel's table is bit-identical to the sequential posenc-simd table and within
/// [`AGREE_F32`] of the core on sampled rows.
fn assert_agrees(enc: &Encoding, table: &[f32]) {
    let mut sequential = vec![0.0f32; table.len()];
    let rows = posenc_simd::Rows::covering(enc, 0.0, 0, table.len()).unwrap();
    posenc_simd::encode_rows(&rows, &mut sequential).unwrap();
    assert!(
        table == &sequential[..],
        "posenc-parallel differs from sequential posenc-simd"
    );
    let d = enc.d_model();
    let rows = table.len() / d;
    let mut reference = vec![0.0f32; d];
    for position in (0..rows).step_by(97).chain([rows - 1]) {
        enc.encode(position as f64, &mut reference).unwrap();
        let row = &table[position * d..(position + 1) * d];
        for (column, (a, b)) in row.iter().zip(&reference).enumerate() {
            assert!(
                (f64::from(*a) - f64::from(*b)).abs() <= AGREE_F32,
                "posenc-parallel disagrees with the core at p={position} column {column}: {a} vs {b}"
            );
        }
    }
}

/// `memset_parallel` and posenc-parallel's `fill_table` of `out` on `pool`, the pair every
/// prefaulted group times, as benchmarks `memset{suffix}` and `posenc_parallel{suffix}`.
fn against_memset(
    group: &mut BenchmarkGroup<'_, WallTime>,
    suffix: &str,
    pool: &ThreadPool,
    enc: &Encoding,
    out: &mut [f32],
) {
    group.bench_function(format!("memset{suffix}"), |b| {
        b.iter(|| pool.install(|| memset_parallel(black_box(&mut *out))));
    });
    group.bench_function(format!("posenc_parallel{suffix}"), |b| {
        b.iter(|| {
            pool.install(|| fill_table(enc, 0.0, black_box(&mut *out)))
                .unwrap()
        });
    });
}

fn table_32768x1024_f32(c: &mut Criterion) {
    let enc = Encoding::new(D).unwrap();
    let pool = pool(THREADS);
    let mut out = prefaulted(ROWS * D);
    pool.install(|| fill_table(&enc, 0.0, &mut out)).unwrap();
    assert_agrees(&enc, &out);

    let mut group = c.benchmark_group("table_32768x1024_f32");
    group.throughput(Throughput::Bytes((ROWS * D * 4) as u64));
    group.bench_function("naive", |b| {
        b.iter(|| pool.install(|| naive_parallel(D, black_box(&mut out))));
    });
    against_memset(&mut group, "", &pool, &enc, &mut out);
    group.finish();
}

fn table_fresh_32768x1024_f32(c: &mut Criterion) {
    let enc = Encoding::new(D).unwrap();
    let fresh = pool(THREADS)
        .install(|| table::<f32>(&enc, 0.0, ROWS))
        .unwrap();
    assert_agrees(&enc, &fresh);
    drop(fresh);

    // Repeated fresh tables in one process, on 1 and 2 threads; the first table of a fresh
    // process is measured by `examples/fresh_table.rs` (see posenc-parallel's `pages`).
    let mut group = c.benchmark_group("table_fresh_32768x1024_f32");
    group.throughput(Throughput::Bytes((ROWS * D * 4) as u64));
    for threads in [1, THREADS] {
        let pool = pool(threads);
        group.bench_function(BenchmarkId::new("vec_zeroed", threads), |b| {
            b.iter(|| {
                pool.install(|| {
                    let mut v = vec![0.0f32; ROWS * D];
                    memset_parallel(&mut v);
                    black_box(v)
                })
            });
        });
        group.bench_function(BenchmarkId::new("posenc_parallel_table", threads), |b| {
            b.iter(|| black_box(pool.install(|| table::<f32>(&enc, 0.0, ROWS)).unwrap()));
        });
    }
    group.finish();
}

fn table_scaling_f32(c: &mut Criterion) {
    let pool = pool(THREADS);
    let mut group = c.benchmark_group("table_scaling_f32");
    for (rows, d) in [
        (2048, 512),
        (8192, 512),
        (8192, 1024),
        (32_768, 1024),
        (65_536, 1024),
    ] {
        let enc = Encoding::new(d).unwrap();
        let mut out = prefaulted(rows * d);
        pool.install(|| fill_table(&enc, 0.0, &mut out)).unwrap();
        assert_agrees(&enc, &out);
        group.throughput(Throughput::Bytes((rows * d * 4) as u64));
        against_memset(&mut group, &format!("/{rows}x{d}"), &pool, &enc, &mut out);
    }
    group.finish();
}

fn table_32768x1024_f32_threads(c: &mut Criterion) {
    let enc = Encoding::new(D).unwrap();
    let mut out = prefaulted(ROWS * D);
    let mut group = c.benchmark_group("table_32768x1024_f32_threads");
    group.throughput(Throughput::Bytes((ROWS * D * 4) as u64));
    for threads in [1, THREADS] {
        let pool = pool(threads);
        against_memset(&mut group, &format!("/{threads}"), &pool, &enc, &mut out);
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = posenc_benches::config(10, 3);
    targets = table_32768x1024_f32, table_fresh_32768x1024_f32, table_scaling_f32,
        table_32768x1024_f32_threads
}
criterion_main!(benches);
