//! Allocation of a fresh table without a panic, an abort, or an extra pass over memory.

use std::alloc::{self, Layout};

use posenc_core::{Element, Error};

/// The byte size of `values` values of `T`, if a `Vec<T>` of them can exist at all.
pub(crate) fn bytes<T: Element>(values: usize) -> Option<usize> {
    Layout::array::<T>(values).ok().map(|layout| layout.size())
}

/// A `Vec<T>` of `values` zeros, or the error saying why it cannot be made.
///
/// Zeroed memory comes from `calloc`: for a large table that is a fresh mapping of the
/// operating system's zero pages, so no pass over the bytes happens here and each page is
/// faulted in by its first write (or populated, a part per thread, before the table is
/// written). All-zero
/// bits are `0.0` for both element types, so the memory is a valid `[T]` from the start. Large
/// tables are advised to use huge pages before anything touches them where that cannot stall
/// (see [`pages`](crate::pages)).
pub(crate) fn zeroed<T: Element>(
    values: usize,
    rows: usize,
    d_model: usize,
) -> Result<Vec<T>, Error> {
    let layout = Layout::array::<T>(values).map_err(|_| Error::SizeOverflow { rows, d_model })?;
    if layout.size() == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: the layout has a non-zero size (checked above).
    let ptr = unsafe { alloc::alloc_zeroed(layout) }.cast::<T>();
    if ptr.is_null() {
        return Err(Error::AllocationFailed {
            bytes: layout.size(),
        });
    }
    crate::pages::advise_huge(ptr.cast(), layout.size());
    // SAFETY: `ptr` was allocated by the global allocator with the layout of `[T; values]`
    // (so length = capacity = `values` matches it), and all-zero bits are a valid `f32`/`f64`
    // (`Element` is sealed to those two types), so every element is initialised.
    Ok(unsafe { Vec::from_raw_parts(ptr, values, values) })
}
