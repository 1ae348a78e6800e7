//! The one parallel loop: whole-row chunks of a buffer, each handed to one kernel call.

use rayon::prelude::*;

use posenc_core::{Element, Error};

use crate::chunk;

/// How a buffer is cut: the global index of its first row (chunks start at multiples of
/// [`posenc_simd::ANCHOR_ROWS`] of it) and whether it is an `f32` table the kernel may stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cut {
    /// The global row index of the buffer's first row.
    pub(crate) first_row: u64,
    /// Whether the kernel streams large blocks of this output (`f32` table writes).
    pub(crate) streamable: bool,
    /// Whether the buffer is freshly allocated: its pages are then populated before any chunk
    /// is written, one contiguous part by each thread of the pool (see [`pages`](crate::pages)).
    pub(crate) fresh: bool,
}

impl Cut {
    /// A buffer whose rows are not part of a larger table's numbering.
    pub(crate) const PLAIN: Cut = Cut {
        first_row: 0,
        streamable: false,
        fresh: false,
    };
}

/// Calls `kernel(first, block)` for consecutive chunks of whole rows of `data` that together
/// cover it, `first` being the index of the chunk's first row within `data`, on the current
/// rayon pool. A buffer of one chunk or less is one call on this thread: a rayon job would
/// cost more than it saves.
///
/// The caller has validated the whole call (a [`Rows`](posenc_core::Rows) or
/// [`Positions`](posenc_core::Positions)), so every chunk is a valid sub-range of it; the
/// kernel's error is returned all the same.
pub(crate) fn for_each_chunk<T, F>(
    data: &mut [T],
    d_model: usize,
    cut: Cut,
    kernel: F,
) -> Result<(), Error>
where
    T: Element,
    F: Fn(usize, &mut [T]) -> Result<(), Error> + Sync,
{
    if cut.fresh && size_of_val(data) >= crate::pages::MIN_BYTES {
        let part = data.len().div_ceil(rayon::current_num_threads().max(1));
        data.par_chunks_mut(part.max(1))
            .for_each(crate::pages::populate);
    }
    let rows = data.len() / d_model.max(1);
    let chunk_rows = chunk::rows_per_chunk(
        d_model,
        size_of::<T>(),
        data.len(),
        cut.streamable,
        rayon::current_num_threads(),
    );
    if rows <= chunk_rows {
        return kernel(0, data);
    }
    // The rows up to the first period boundary, then whole chunks from it.
    let head_rows = chunk::rows_to_period(cut.first_row, rows);
    let (head, rest) = data.split_at_mut(head_rows * d_model);
    let (head_result, rest_result) = rayon::join(
        || {
            if head.is_empty() {
                Ok(())
            } else {
                kernel(0, head)
            }
        },
        || {
            rest.par_chunks_mut(chunk_rows * d_model)
                .enumerate()
                .try_for_each(|(i, block)| kernel(head_rows + i * chunk_rows, block))
        },
    );
    head_result.and(rest_result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kernel whose every value names its row and column.
    fn kernel(first: usize, d_model: usize, block: &mut [f32]) -> Result<(), Error> {
        for (i, v) in block.iter_mut().enumerate() {
            *v = ((first + i / d_model) * 1000 + i % d_model) as f32;
        }
        Ok(())
    }

    /// The chunks cover the buffer exactly, each told its first row, on any pool, from any
    /// first row; and every chunk after the first starts on a period boundary.
    #[test]
    fn chunks_cover_the_buffer_with_their_first_rows() {
        for d_model in [1, 5, 1024, 5_000] {
            for first_row in [0, 1, 63, 64, 1000] {
                let cut = Cut {
                    first_row,
                    streamable: false,
                    fresh: first_row == 63,
                };
                let rows = 5 * chunk::rows_per_chunk(d_model, 4, 0, false, 1) + 1;
                let mut want = vec![0.0f32; rows * d_model];
                kernel(0, d_model, &mut want).unwrap();
                for threads in [1, 2, 3, 7] {
                    let mut out = vec![-1.0f32; rows * d_model];
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(threads)
                        .build()
                        .unwrap();
                    let starts = std::sync::Mutex::new(Vec::new());
                    pool.install(|| {
                        for_each_chunk(&mut out, d_model, cut, |first, block| {
                            starts.lock().unwrap().push(first);
                            kernel(first, d_model, block)
                        })
                    })
                    .unwrap();
                    assert!(
                        out == want,
                        "d={d_model} first_row={first_row} threads={threads}"
                    );
                    let mut starts = starts.into_inner().unwrap();
                    starts.sort_unstable();
                    // Two chunks for one thread, and at least three (as with fixed chunks) for more.
                    let least = (chunk::CHUNKS_PER_THREAD * threads).min(3);
                    assert!(
                        starts.len() >= least,
                        "d={d_model} threads={threads}: {starts:?}"
                    );
                    for &s in &starts[1..] {
                        assert_eq!(
                            (first_row + s as u64) % posenc_simd::ANCHOR_ROWS,
                            0,
                            "{starts:?}"
                        );
                    }
                }
            }
        }
    }

    /// Large `f32` tables are cut into chunks the kernel streams; others are not.
    #[test]
    fn only_large_f32_tables_get_streamed_chunks() {
        let d = 1024;
        let stream_bytes = posenc_simd::stream_bytes();
        let big = chunk::streamed_table_bytes() / 4;
        let streamed = chunk::rows_per_chunk(d, 4, big, true, 2);
        assert!(streamed * d * 4 >= stream_bytes);
        assert!(big / d / streamed >= 2, "a streamed table still splits");
        assert!(chunk::rows_per_chunk(d, 4, big - d, true, 1) * d * 4 < stream_bytes);
        assert!(chunk::rows_per_chunk(d, 8, big, false, 1) * d * 8 < stream_bytes);
        for d in [1, 3, 1024, 65_536, usize::MAX] {
            for streamable in [false, true] {
                let rows = chunk::rows_per_chunk(d, 4, usize::MAX, streamable, 0);
                assert!(rows >= 1 && (rows as u64).is_multiple_of(posenc_simd::ANCHOR_ROWS));
            }
        }
    }

    /// Tables that stay in the cache make about `CHUNKS_PER_THREAD` chunks a thread, none
    /// smaller than `CHUNK_BYTES` nor (before rounding to whole periods) larger than half of
    /// `stream_bytes`, so that no chunk of them is streamed.
    #[test]
    fn cached_tables_make_a_few_chunks_a_thread() {
        let (d, row_bytes) = (512, 512 * 4);
        let period_bytes = row_bytes * posenc_simd::ANCHOR_ROWS as usize;
        let values = (4 << 20) / 4;
        for threads in [1, 2, 4, 64] {
            let rows = chunk::rows_per_chunk(d, 4, values, true, threads);
            let want = ((4 << 20) / (chunk::CHUNKS_PER_THREAD * threads))
                .clamp(chunk::CHUNK_BYTES, posenc_simd::stream_bytes() / 2);
            assert!(rows * row_bytes >= want && rows * row_bytes < want + period_bytes);
            assert!(rows * row_bytes < posenc_simd::stream_bytes());
        }
        assert_eq!(
            chunk::rows_per_chunk(d, 4, values, true, 2) * row_bytes,
            1 << 20,
            "a 4 MiB table makes two chunks for each of two threads"
        );
    }

    /// A kernel's error stops the loop and is returned.
    #[test]
    fn a_kernel_error_is_returned() {
        let mut out = vec![0.0f32; 1 << 20];
        let err = Error::ZeroDModel;
        assert_eq!(
            for_each_chunk(&mut out, 1, Cut::PLAIN, |_, _| Err(err)),
            Err(err)
        );
    }
}
