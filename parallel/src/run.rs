//! The one parallel loop: whole-row chunks of a buffer, each handed to a kernel call.

use rayon::prelude::*;

use posenc_core::{Element, Error};

use crate::chunk;

/// Calls `kernel(first, rows)` for consecutive chunks of whole rows of `data` that together
/// cover it, `first` being the index of the chunk's first row within `data`; on the current
/// rayon pool when `data` is large enough, else on this thread in one call.
///
/// The caller has validated the whole call, so the kernel's own error can only repeat it.
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
