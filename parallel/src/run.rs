//! The one parallel loop: whole-row chunks of a buffer, each handed to one kernel call.

use rayon::prelude::*;

use posenc_core::{Element, Error};

use crate::chunk;

/// Calls `kernel(first, block)` for consecutive chunks of whole rows of `data` that together
/// cover it, `first` being the index of the chunk's first row within `data`, on the current
/// rayon pool. A buffer of one chunk or less is one call on this thread: a rayon job would
/// cost more than it saves.
///
/// The caller has validated the whole call, so the kernel's own error can only repeat it.
pub(crate) fn for_each_chunk<T, F>(data: &mut [T], d_model: usize, kernel: F) -> Result<(), Error>
where
    T: Element,
    F: Fn(usize, &mut [T]) -> Result<(), Error> + Sync,
{
    let rows = chunk::rows_per_chunk(d_model, size_of::<T>());
    let values = rows * d_model;
    if data.len() <= values {
        return kernel(0, data);
    }
    data.par_chunks_mut(values)
        .enumerate()
        .try_for_each(|(i, block)| kernel(i * rows, block))
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

    /// The chunks cover the buffer exactly, each told its first row, on any pool.
    #[test]
    fn chunks_cover_the_buffer_with_their_first_rows() {
        for d_model in [1, 5, 1024, 40_000] {
            let rows = 3 * chunk::rows_per_chunk(d_model, 4) + 1;
            let mut want = vec![0.0f32; rows * d_model];
            kernel(0, d_model, &mut want).unwrap();
            for threads in [1, 2, 3, 7] {
                let mut out = vec![-1.0f32; rows * d_model];
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                pool.install(|| {
                    for_each_chunk(&mut out, d_model, |first, block| {
                        kernel(first, d_model, block)
                    })
                })
                .unwrap();
                assert!(out == want, "d={d_model} threads={threads}");
            }
        }
    }

    /// A kernel's error stops the loop and is returned.
    #[test]
    fn a_kernel_error_is_returned() {
        let mut out = vec![0.0f32; 1 << 20];
        let err = Error::ZeroDModel;
        assert_eq!(for_each_chunk(&mut out, 1, |_, _| Err(err)), Err(err));
    }
}
