//! The parallel loops: whole-row chunks of a buffer, each handed to one kernel call.

use rayon::prelude::*;

use posenc_core::{Element, Error};

use crate::{chunk, stream};

/// Calls `kernel(first, block)` for consecutive chunks of whole rows of `data` that together
/// cover it, `first` being the index of the chunk's first row within `data`; on the current
/// rayon pool when `data` is large enough, else on this thread in one call.
///
/// For kernels that read `data` (adding to embeddings). The caller has validated the whole
/// call, so the kernel's own error can only repeat it.
pub(crate) fn for_each_chunk<T, F>(data: &mut [T], d_model: usize, kernel: F) -> Result<(), Error>
where
    T: Element,
    F: Fn(usize, &mut [T]) -> Result<(), Error> + Sync,
{
    let elem = size_of::<T>();
    if !chunk::is_parallel(data.len(), elem) {
        return kernel(0, data);
    }
    let rows = chunk::rows_per_chunk(d_model, elem);
    data.par_chunks_mut(rows * d_model)
        .enumerate()
        .try_for_each(|(i, block)| kernel(i * rows, block))
}

/// As [`for_each_chunk`], for kernels that only write `out`: outputs larger than the cache are
/// written through a small per-thread buffer and streamed out (see [`stream`]).
///
/// The kernel writes the same values either way, so the output is the same bits.
pub(crate) fn fill_chunks<T, F>(out: &mut [T], d_model: usize, kernel: F) -> Result<(), Error>
where
    T: Element,
    F: Fn(usize, &mut [T]) -> Result<(), Error> + Sync,
{
    let elem = size_of::<T>();
    if !(stream::AVAILABLE && chunk::is_streamed(out.len(), d_model, elem)) {
        return for_each_chunk(out, d_model, kernel);
    }
    staged(
        out,
        d_model,
        chunk::rows_per_staged_chunk(d_model, elem),
        kernel,
    )
}

/// Writes `out` in chunks of `rows` rows, each first into a per-thread buffer by
/// `kernel(first, buffer)` and then streamed out.
fn staged<T, F>(out: &mut [T], d_model: usize, rows: usize, kernel: F) -> Result<(), Error>
where
    T: Element,
    F: Fn(usize, &mut [T]) -> Result<(), Error> + Sync,
{
    let values = rows * d_model;
    out.par_chunks_mut(values).enumerate().try_for_each_init(
        // One buffer per rayon job split, reused for every chunk of the split.
        || vec![T::default(); values],
        |buffer, (i, block)| {
            let staged = &mut buffer[..block.len()];
            kernel(i * rows, staged)?;
            stream::copy(staged, block);
            Ok(())
        },
    )
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

    /// The staged, streamed path writes exactly what the kernel writes in place, for every
    /// alignment of the output, odd chunk sizes and odd thread counts.
    #[test]
    fn staging_and_streaming_write_what_the_kernel_writes() {
        for d_model in [1, 5, 8, 13] {
            let rows = 1001;
            let mut want = vec![0.0f32; rows * d_model];
            kernel(0, d_model, &mut want).unwrap();
            for misalign in 0..4 {
                for chunk_rows in [1, 3, 7, 64, 2000] {
                    for threads in [1, 2, 3, 7] {
                        let mut buffer = vec![-1.0f32; rows * d_model + 8];
                        let out = &mut buffer[misalign..misalign + rows * d_model];
                        let pool = rayon::ThreadPoolBuilder::new()
                            .num_threads(threads)
                            .build()
                            .unwrap();
                        pool.install(|| {
                            staged(out, d_model, chunk_rows, |first, block| {
                                kernel(first, d_model, block)
                            })
                        })
                        .unwrap();
                        assert_eq!(
                            out,
                            &want[..],
                            "d={d_model} misalign={misalign} chunk={chunk_rows} threads={threads}"
                        );
                        // Nothing outside the output was written.
                        assert!(buffer[..misalign].iter().all(|&v| v == -1.0));
                        assert!(
                            buffer[misalign + rows * d_model..]
                                .iter()
                                .all(|&v| v == -1.0)
                        );
                    }
                }
            }
        }
    }

    /// A kernel's error stops the staged loop and is returned.
    #[test]
    fn a_kernel_error_is_returned() {
        let mut out = vec![0.0f32; 100];
        let err = Error::ZeroDModel;
        assert_eq!(staged(&mut out, 1, 7, |_, _| Err(err)), Err(err));
    }
}
