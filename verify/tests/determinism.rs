//! SPEC relation 2: the parallel crate's output is bit-identical to the sequential SIMD output of
//! the same call, in rayon pools of 1, 2, 3 and 7 threads, for every function, odd sizes, `f32`,
//! `f64`, `f16` and `bf16`; and an invalid call fails with the same error as the SIMD call.

use std::sync::OnceLock;

use posenc_core::{Element, Encoding, Error, bf16, f16};
use posenc_verify::strategy::{self, scaled_config};
use proptest::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};

/// The thread counts of the issue: one, the machine's two, an odd three, and more than cores.
const THREADS: [usize; 4] = [1, 2, 3, 7];

/// The most values a case writes: enough for several of the parallel crate's 64 KiB chunks in
/// `f32` (a chunk is 16 Ki values), few enough for a debug build.
const MAX_VALUES: usize = 1 << 16;

/// A case costs about a hundred of the backend suite's (it writes up to 2^16 values in five
/// ways, four of them on thread pools), so a deep run (`PROPTEST_CASES`) runs a hundredth as
/// many of them: 200 a property at 20 000, which took 15 minutes on a loaded machine at 1 000.
const WEIGHT: u32 = 100;

fn pools() -> &'static [ThreadPool] {
    static POOLS: OnceLock<Vec<ThreadPool>> = OnceLock::new();
    POOLS.get_or_init(|| {
        THREADS
            .iter()
            .map(|&n| {
                ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .expect("a rayon pool")
            })
            .collect()
    })
}

fn bits<T: Element>(v: &[T]) -> Vec<u64> {
    v.iter().map(|x| x.to_f64().to_bits()).collect()
}

/// Runs `call` in every pool on a copy of `input`; each result and output must equal `expected`.
fn in_every_pool<T: Element>(
    what: &str,
    input: &[T],
    expected: (&Result<(), Error>, &[T]),
    call: impl Fn(&mut [T]) -> Result<(), Error> + Sync,
) -> Result<(), TestCaseError> {
    for (pool, threads) in pools().iter().zip(THREADS) {
        let mut out = input.to_vec();
        let result = pool.install(|| call(&mut out));
        // Compared as text, so that NonFinitePosition(NaN) equals itself.
        prop_assert_eq!(
            format!("{result:?}"),
            format!("{:?}", expected.0),
            "{} with {} threads",
            what,
            threads
        );
        prop_assert!(
            bits(&out) == bits(expected.1),
            "{} with {} threads: output differs from sequential SIMD",
            what,
            threads
        );
    }
    Ok(())
}

/// Runs `call`, which allocates its output, in every pool; each output must equal `expected`.
fn allocated_in_every_pool<T: Element>(
    what: &str,
    expected: &[T],
    call: impl Fn() -> Result<Vec<T>, Error> + Sync,
) -> Result<(), TestCaseError> {
    for (pool, threads) in pools().iter().zip(THREADS) {
        let out = pool.install(&call);
        prop_assert!(
            out.as_deref().map(bits) == Ok(bits(expected)),
            "{} with {} threads: output differs from sequential SIMD",
            what,
            threads
        );
    }
    Ok(())
}

/// A block length: mostly whole rows, sometimes one that is not.
fn shape() -> impl Strategy<Value = (usize, usize)> {
    (
        1usize..=MAX_VALUES,
        prop_oneof![4 => Just(0usize), 1 => 1usize..64],
    )
}

fn fill<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    (values, extra): (usize, usize),
) -> Result<(), TestCaseError> {
    let d = enc.d_model();
    let len = (values / d) * d + extra;
    let blank = vec![T::from_f64(3.0); len];
    let (result, seq) = sequential(enc, start, first_row, &blank, posenc_simd::encode_rows);
    in_every_pool("fill_rows", &blank, (&result, &seq), |out| {
        posenc_parallel::Rows::covering(enc, start, first_row, out.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, out))
    })?;
    let (result, seq) = sequential(enc, start, 0, &blank, posenc_simd::encode_rows);
    in_every_pool("fill_table", &blank, (&result, &seq), |out| {
        posenc_parallel::fill_table(enc, start, out)
    })?;
    if result.is_ok() {
        let rows = len / d;
        allocated_in_every_pool("table", &seq, || posenc_parallel::table(enc, start, rows))?;
    }
    Ok(())
}

/// What every pool must give: the sequential SIMD crate's `simd` (`encode_rows` or `add_rows`)
/// on a copy of `input`, over the rows from `first_row` of the table at `start` that cover it.
fn sequential<T: Element>(
    enc: &Encoding,
    start: f64,
    first_row: u64,
    input: &[T],
    simd: impl FnOnce(&posenc_simd::Rows<'_>, &mut [T]) -> Result<(), Error>,
) -> (Result<(), Error>, Vec<T>) {
    let mut seq = input.to_vec();
    let result = posenc_simd::Rows::covering(enc, start, first_row, seq.len())
        .and_then(|rows| simd(&rows, &mut seq));
    (result, seq)
}

fn positions<T: Element>(
    enc: &Encoding,
    positions: &[f64],
    extra: usize,
) -> Result<(), TestCaseError> {
    let blank = vec![T::from_f64(3.0); positions.len() * enc.d_model() + extra];
    let mut seq = blank.clone();
    let result = posenc_simd::Positions::new(enc, positions)
        .and_then(|list| posenc_simd::encode_positions(&list, &mut seq));
    in_every_pool("encode_positions", &blank, (&result, &seq), |out| {
        posenc_parallel::Positions::new(enc, positions)
            .and_then(|list| posenc_parallel::encode_positions(&list, out))
    })?;
    if extra == 0 {
        allocated_in_every_pool("positions_table", &seq, || {
            posenc_parallel::positions_table(enc, positions)
        })?;
    }
    Ok(())
}

fn add<T: Element>(
    enc: &Encoding,
    start: f64,
    seq_len: usize,
    batch: usize,
) -> Result<(), TestCaseError> {
    let d = enc.d_model();
    let x: Vec<T> = (0..seq_len * batch * d)
        .map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 250.0 - 2.0))
        .collect();
    // x + pe[start ..] over the whole buffer as one sequence.
    let (result, seq) = sequential(enc, start, 0, &x, posenc_simd::add_rows);
    in_every_pool("add_to_embeddings", &x, (&result, &seq), |out| {
        posenc_parallel::add_to_embeddings(enc, start, out)
    })?;
    // The same for each of `batch` sequences of `seq_len` rows.
    let mut seq = x.clone();
    let result = seq.chunks_exact_mut(seq_len * d).try_for_each(|s| {
        posenc_simd::Rows::covering(enc, start, 0, s.len())
            .and_then(|rows| posenc_simd::add_rows(&rows, s))
    });
    in_every_pool("add_to_batch", &x, (&result, &seq), |out| {
        posenc_parallel::add_to_batch(enc, start, seq_len, out)
    })
}

proptest! {
    #![proptest_config(scaled_config(32, WEIGHT))]

    #[test]
    fn table_functions_match_sequential_simd(
        enc in strategy::encoding(),
        start in strategy::position(),
        first_row in prop_oneof![Just(0u64), 0u64..1 << 20],
        shape in shape(),
    ) {
        fill::<f32>(&enc, start, first_row, shape)?;
        fill::<f64>(&enc, start, first_row, (shape.0 / 2, shape.1))?;
        fill::<f16>(&enc, start, first_row, (shape.0 / 2, shape.1))?;
        fill::<bf16>(&enc, start, first_row, (shape.0 / 4, shape.1))?;
    }

    #[test]
    fn position_lists_match_sequential_simd(
        enc in strategy::encoding(),
        list in prop::collection::vec(strategy::position(), 1..64),
        extra in prop_oneof![4 => Just(0usize), 1 => 1usize..8],
    ) {
        // Repeat the list up to many chunks' worth.
        let repeat = (MAX_VALUES / (list.len() * enc.d_model())).max(1);
        let list: Vec<f64> = list.iter().copied().cycle().take(list.len() * repeat).collect();
        positions::<f32>(&enc, &list, extra)?;
        positions::<f64>(&enc, &list[..list.len().div_ceil(2)], extra)?;
        positions::<f16>(&enc, &list[..list.len().div_ceil(2)], extra)?;
        positions::<bf16>(&enc, &list[..list.len().div_ceil(4)], extra)?;
    }

    #[test]
    fn additions_match_sequential_simd(
        enc in strategy::encoding(),
        start in strategy::position(),
        seq_len in 1usize..300,
        batch in 1usize..6,
    ) {
        let rows_cap = (MAX_VALUES / enc.d_model()).max(1);
        let seq_len = seq_len.min(rows_cap);
        let batch = batch.min((rows_cap / seq_len).max(1));
        add::<f32>(&enc, start, seq_len, batch)?;
        add::<f64>(&enc, start, seq_len, batch)?;
        add::<f16>(&enc, start, seq_len, batch)?;
        add::<bf16>(&enc, start, seq_len.div_ceil(2), batch)?;
    }
}

#[test]
fn invalid_calls_fail_alike() {
    let enc = Encoding::builder(6).scale(4.0).build().unwrap();
    // Not whole rows, a non-finite start, c·start past f64::MAX, rows past u64::MAX.
    for (start, first_row, len) in [
        (0.0, 0, 7),
        (f64::NAN, 0, 6 * 40_000),
        (1.0e308, 0, 6 * 40_000),
        (0.0, u64::MAX, 12),
    ] {
        let blank = vec![0.0f32; len];
        let mut seq = blank.clone();
        let result = posenc_simd::Rows::covering(&enc, start, first_row, seq.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, &mut seq));
        assert!(result.is_err(), "{start} {first_row} {len}: {result:?}");
        in_every_pool("fill_rows", &blank, (&result, &seq), |out| {
            posenc_parallel::Rows::covering(&enc, start, first_row, out.len())
                .and_then(|rows| posenc_parallel::fill_rows(&rows, out))
        })
        .unwrap();
    }
}
