//! SPEC relation 2: every function's output is bit-identical to one sequential `posenc-simd`
//! call over the whole output, on rayon pools of 1, 2, 3 and 7 threads, for sizes that cut
//! into chunks with odd remainders.

use posenc_parallel::{
    Element, Encoding, Layout, Preset, add_to_batch, add_to_embeddings, fill_table,
    positions_table, table,
};

const THREADS: [usize; 4] = [1, 2, 3, 7];

/// Encodings × (start, rows): odd `d_model`s, fractional and large starts, and row counts
/// that are not a multiple of any chunk size, each output (≥ 600 KB) several times the
/// crate's chunk (128 KiB), so the threads really split it.
fn cases() -> Vec<(Encoding, f64, usize)> {
    let interleaved_odd = Encoding::new(3).unwrap();
    let split_odd = Encoding::builder(33)
        .layout(Layout::SplitSinCos)
        .shift(1.0)
        .build()
        .unwrap();
    let cos_sin = Encoding::builder(10)
        .layout(Layout::SplitCosSin)
        .scale(0.25)
        .build()
        .unwrap();
    let whisper = Preset::Whisper.encoding(64).unwrap();
    vec![
        (interleaved_odd, 0.0, 50_007),
        (split_odd, 0.37, 4_999),
        (cos_sin, -1234.5, 15_151),
        (whisper, 1.0e6 + 0.5, 2_503),
    ]
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
}

/// Bitwise equality, reporting the first differing index.
fn assert_bits<T: Element>(got: &[T], want: &[T], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    let bits = |x: T| x.to_f64().to_bits();
    if let Some(i) = (0..got.len()).find(|&i| bits(got[i]) != bits(want[i])) {
        panic!(
            "{what}: value {i} is {:?}, sequential gives {:?}",
            got[i], want[i]
        );
    }
}

/// Embeddings to add to: varied, non-zero, different in every row.
fn embeddings<T: Element>(len: usize) -> Vec<T> {
    (0..len)
        .map(|i| T::from_f64(((i * 7919) % 1000) as f64 / 997.0 - 0.5))
        .collect()
}

fn every_function_matches_sequential_simd<T: Element>() {
    for (enc, start, rows) in cases() {
        let d = enc.d_model();
        let n = rows * d;
        let mut whole = vec![T::default(); n];
        posenc_simd::Rows::covering(&enc, start, 0, whole.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, &mut whole))
            .unwrap();
        // Rows from 17 on, as a table that resumes mid-way.
        let mut resumed = vec![T::default(); n - 17 * d];
        posenc_simd::Rows::covering(&enc, start, 17, resumed.len())
            .and_then(|rows| posenc_simd::encode_rows(&rows, &mut resumed))
            .unwrap();
        let positions: Vec<f64> = (0..rows).map(|k| start * 0.5 + k as f64 * 0.75).collect();
        let mut listed = vec![T::default(); n];
        posenc_simd::Positions::new(&enc, &positions)
            .and_then(|list| posenc_simd::encode_positions(&list, &mut listed))
            .unwrap();
        let mut added = embeddings::<T>(n);
        posenc_simd::Rows::covering(&enc, start, 0, added.len())
            .and_then(|rows| posenc_simd::add_rows(&rows, &mut added))
            .unwrap();
        // A batch of 37 sequences of 211 rows: chunks cross sequence ends.
        let (batch_len, seq_len) = (37, 211);
        let mut batch = embeddings::<T>(batch_len * seq_len * d);
        for sequence in batch.chunks_exact_mut(seq_len * d) {
            posenc_simd::Rows::covering(&enc, start, 0, sequence.len())
                .and_then(|rows| posenc_simd::add_rows(&rows, sequence))
                .unwrap();
        }

        for threads in THREADS {
            let what = |f: &str| {
                format!(
                    "{f} {} d={d} start={start} rows={rows} threads={threads}",
                    T::NAME
                )
            };
            pool(threads).install(|| {
                let mut out = vec![T::default(); n];
                fill_table(&enc, start, &mut out).unwrap();
                assert_bits(&out, &whole, &what("fill_table"));

                assert_bits(
                    &table::<T>(&enc, start, rows).unwrap(),
                    &whole,
                    &what("table"),
                );

                let mut out = vec![T::default(); n - 17 * d];
                posenc_parallel::Rows::covering(&enc, start, 17, out.len()).and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out)).unwrap();
                assert_bits(&out, &resumed, &what("|e, s, f, o| posenc_parallel::Rows::covering(e, s, f, o.len()).and_then(|rows| posenc_parallel::fill_rows(&rows, o)) from 17"));

                let mut out = vec![T::default(); n];
                posenc_parallel::Positions::new(&enc, &positions).and_then(|list| posenc_parallel::encode_positions(&list, &mut out)).unwrap();
                assert_bits(&out, &listed, &what("|e, p, o| posenc_parallel::Positions::new(e, p).and_then(|list| posenc_parallel::encode_positions(&list, o))"));

                let out = positions_table::<T>(&enc, &positions).unwrap();
                assert_bits(&out, &listed, &what("positions_table"));

                let mut out = embeddings::<T>(n);
                add_to_embeddings(&enc, start, &mut out).unwrap();
                assert_bits(&out, &added, &what("add_to_embeddings"));

                let mut out = embeddings::<T>(batch_len * seq_len * d);
                add_to_batch(&enc, start, seq_len, &mut out).unwrap();
                assert_bits(&out, &batch, &what("add_to_batch"));
            });
        }
    }
}

#[test]
fn every_function_matches_sequential_simd_f32() {
    every_function_matches_sequential_simd::<f32>();
}

#[test]
fn every_function_matches_sequential_simd_f64() {
    every_function_matches_sequential_simd::<f64>();
}

/// A table written in pieces of every awkward size, each by a pool of a different size, is the
/// table written at once.
#[test]
fn a_table_written_in_odd_pieces_is_the_whole_table() {
    let enc = Encoding::new(7).unwrap();
    let rows = 9_001;
    let mut whole = vec![0.0f32; rows * 7];
    posenc_simd::Rows::covering(&enc, 3.25, 0, whole.len())
        .and_then(|rows| posenc_simd::encode_rows(&rows, &mut whole))
        .unwrap();
    let mut pieces = vec![0.0f32; rows * 7];
    let mut first = 0;
    for (i, size) in [1usize, 2, 3, 5, 1_170, 4_097, 13, 7]
        .iter()
        .cycle()
        .enumerate()
    {
        if first == rows {
            break;
        }
        let size = (*size).min(rows - first);
        let piece = &mut pieces[first * 7..(first + size) * 7];
        pool(THREADS[i % THREADS.len()])
            .install(|| {
                posenc_parallel::Rows::covering(&enc, 3.25, first as u64, piece.len())
                    .and_then(|rows| posenc_parallel::fill_rows(&rows, piece))
            })
            .unwrap();
        first += size;
    }
    assert_bits(&pieces, &whole, "pieces");
}

/// An `f32` table large enough (over 32 MiB) to be cut into the chunks the kernel streams
/// past the cache, from a first row between two of the kernel's anchors: the same bits.
#[test]
fn a_streamed_table_matches_sequential_simd() {
    let enc = Encoding::new(1024).unwrap();
    let (first_row, rows) = (37, 8_192 + 101);
    let mut whole = vec![0.0f32; rows * 1024];
    posenc_simd::Rows::covering(&enc, 0.5, first_row, whole.len())
        .and_then(|rows| posenc_simd::encode_rows(&rows, &mut whole))
        .unwrap();
    let mut out = vec![0.0f32; rows * 1024];
    for threads in THREADS {
        out.fill(0.0);
        pool(threads)
            .install(|| {
                posenc_parallel::Rows::covering(&enc, 0.5, first_row, out.len())
                    .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out))
            })
            .unwrap();
        assert_bits(
            &out,
            &whole,
            &format!(
                "streamed |e, s, f, o| posenc_parallel::Rows::covering(e, s, f, o.len()).and_then(|rows| posenc_parallel::fill_rows(&rows, o)) threads={threads}"
            ),
        );
    }
    let mut whole = vec![0.0f32; rows * 1024];
    posenc_simd::Rows::covering(&enc, 0.5, 0, whole.len())
        .and_then(|rows| posenc_simd::encode_rows(&rows, &mut whole))
        .unwrap();
    let fresh = pool(2).install(|| table::<f32>(&enc, 0.5, rows)).unwrap();
    assert_bits(&fresh, &whole, "streamed table");
}
