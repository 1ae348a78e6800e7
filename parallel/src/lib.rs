//! # posenc-parallel: whole tables at memory speed on every core
//!
//! Sinusoidal positional-encoding tables, explicit position lists and "add to embeddings",
//! split over the threads of the current [`rayon`] pool in whole-row chunks sized for the
//! cache, each chunk written by the [`posenc_simd`] row-block kernel.
//!
//! **Bit-for-bit reproducible.** A row's values depend only on the encoding and the row's
//! position, never on which thread wrote it or where a chunk starts, so every function here
//! gives exactly the output of the sequential [`posenc_simd`] call, whatever the number of
//! threads.
//!
//! **Every input is checked, once, before any work starts.** Lengths that do not match, sizes
//! that overflow `usize`, positions that are not finite and allocations that cannot be made
//! are [`Error`] values, never a panic or an abort; an invalid call writes nothing.
//!
//! Every function writes `f32`, `f64`, [`f16`](struct@f16) and [`bf16`] (the SIMD crate's
//! `f32` values rounded once, as bit-reproducible as the others).
//!
//! The core's types are re-exported, so a batch user depends on this crate alone: a range of
//! rows is a [`Rows`], checked once by [`Rows::new`]; a list of positions a [`Positions`].
//!
//! ```
//! use posenc_parallel::{Encoding, add_to_embeddings, table};
//!
//! let enc = Encoding::new(512)?;
//! // Rows for positions 0 .. 4096, on every thread of the current rayon pool.
//! let pe: Vec<f32> = table(&enc, 0.0, 4096)?;
//! assert_eq!(pe.len(), 4096 * 512);
//!
//! // x + pe[100..100 + 8] for embeddings [8, 512] during incremental decoding.
//! let mut x = vec![1.0f32; 8 * 512];
//! add_to_embeddings(&enc, 100.0, &mut x)?;
//! for (sum, value) in x.iter().zip(&pe[100 * 512..108 * 512]) {
//!     assert!((sum - (1.0 + value)).abs() <= 2.4e-7); // one rounding of the sum
//! }
//! # Ok::<(), posenc_parallel::Error>(())
//! ```
//!
//! ## Memory
//! No function allocates beyond its output: [`table`] and [`positions_table`] allocate exactly
//! the table, fallibly (an [`Error`], never an abort), and write it in place; the others write
//! or add into the caller's buffer. A fresh table of 8 MiB or more is advised to use
//! transparent huge pages on Linux before its first write, which cuts its page faults 512-fold
//! (a fresh 128 MiB table is written about twice as fast as with 4 KiB pages). Where the
//! kernel's `transparent_hugepage` setting is `never` the advice is ignored; the values are
//! the same either way.
//!
//! ## Choosing the threads
//! Every function runs on the rayon pool it is called from: the global pool (one thread per
//! core, or `RAYON_NUM_THREADS`), or a pool of your own through
//! [`ThreadPool::install`](rayon::ThreadPool::install):
//!
//! ```
//! use posenc_parallel::{Encoding, table};
//!
//! let enc = Encoding::new(256)?;
//! let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool");
//! let pe: Vec<f64> = pool.install(|| table(&enc, 0.0, 1000))?;
//! assert_eq!(pe.len(), 1000 * 256);
//! # Ok::<(), posenc_parallel::Error>(())
//! ```
#![deny(missing_docs)]

mod alloc;
mod check;
mod chunk;
mod pages;
mod rope;
mod run;

pub use posenc_core::{
    Column, DEFAULT_BASE, Element, Encoding, EncodingBuilder, Error, Layout, Positions, Preset,
    Rows, bf16, f16, row_position,
};
use posenc_simd::Backend;

pub use posenc_core::{Llama3, LongRope, Pairing, Rope, RopeBuilder, RopePreset, Scaling, Yarn};
pub use posenc_simd::{CacheLayout, HeadLayout, PreparedRope, TokenPositions};
pub use rope::{BatchPositions, rope_apply_batch, rope_cache};

/// Writes `rows` into `out` (exactly [`rows.values()`](Rows::values) values), row after row:
/// row `k` of the table holds the encoding of [`row_position`]`(start, k)`.
///
/// Bit-identical to `posenc_simd::encode_rows(rows, out)`: the range was checked once by
/// [`Rows::new`], and each thread writes a chunk of it.
///
/// # Errors
/// [`Error::BufferLength`] when `out` does not hold exactly the rows. On error `out` is
/// untouched.
///
/// ```
/// use posenc_parallel::{Encoding, Rows, fill_rows, table};
///
/// let enc = Encoding::new(64)?;
/// // A table written in blocks (as a stream to a file would be) is the table written at once.
/// let whole: Vec<f32> = table(&enc, 0.5, 1000)?;
/// let rows = Rows::new(&enc, 0.5, 600, 300)?;
/// let mut block = vec![0.0f32; rows.values()];
/// fill_rows(&rows, &mut block)?;
/// assert_eq!(&block[..], &whole[600 * 64..900 * 64]);
/// # Ok::<(), posenc_parallel::Error>(())
/// ```
pub fn fill_rows<T: Element>(rows: &Rows<'_>, out: &mut [T]) -> Result<(), Error> {
    fill(rows, out, false)
}

/// [`fill_rows`], for a buffer that is `fresh` from the allocator or not.
fn fill<T: Element>(rows: &Rows<'_>, out: &mut [T], fresh: bool) -> Result<(), Error> {
    rows.check_buffer(out.len())?;
    let backend = Backend::detect();
    let cut = run::Cut {
        first_row: rows.first_row(),
        streamable: T::MANTISSA_BITS == f32::MANTISSA_DIGITS,
        fresh,
    };
    let d = rows.encoding().d_model();
    run::for_each_chunk(out, d, cut, |first, block| {
        backend.encode_rows(&rows.chunk(first, block.len() / d), block)
    })
}

/// Writes the table that starts at `start` into `out`: [`fill_rows`] of the rows from 0 that
/// `out` holds.
///
/// # Errors
/// [`Error::NotWholeRows`] when `out.len()` is not a multiple of `d_model`; the errors of
/// [`Rows::new`] for the rows. On error `out` is untouched.
pub fn fill_table<T: Element>(enc: &Encoding, start: f64, out: &mut [T]) -> Result<(), Error> {
    fill_rows(&Rows::covering(enc, start, 0, out.len())?, out)
}

/// Allocates and returns the table of `rows` rows that starts at `start`
/// (`rows · d_model` values, row after row), as [`fill_table`] writes it.
///
/// The memory is asked for with a fallible allocation and each page is first touched by the
/// thread that writes it; nothing else is allocated.
///
/// # Errors
/// The errors of [`Rows::new`] (checked before allocating); [`Error::SizeOverflow`] when the
/// table's bytes do not fit in `isize`; [`Error::AllocationFailed`] when the allocator refuses
/// the memory.
///
/// ```
/// use posenc_parallel::{Encoding, Error, table, table_bytes};
///
/// let enc = Encoding::new(1024)?;
/// assert_eq!(table_bytes::<f32>(&enc, 32_768)?, 128 << 20);
/// let pe: Vec<f32> = table(&enc, 0.0, 32_768)?;
/// assert_eq!(pe[1], 1.0); // cos(0)
///
/// // A table that cannot exist is an error value, not an abort.
/// assert!(matches!(
///     table::<f32>(&enc, 0.0, usize::MAX / 4096),
///     Err(Error::SizeOverflow { .. })
/// ));
/// # Ok::<(), posenc_parallel::Error>(())
/// ```
pub fn table<T: Element>(enc: &Encoding, start: f64, rows: usize) -> Result<Vec<T>, Error> {
    let rows = Rows::new(enc, start, 0, rows)?;
    let mut out = alloc::zeroed::<T>(rows.values(), rows.len(), enc.d_model())?;
    fill(&rows, &mut out, true)?;
    Ok(out)
}

/// The number of bytes [`table`] allocates for `rows` rows of `T`.
///
/// # Errors
/// [`Error::SizeOverflow`] when the table cannot exist in this address space.
pub fn table_bytes<T: Element>(enc: &Encoding, rows: usize) -> Result<usize, Error> {
    rows.checked_mul(enc.d_model())
        .and_then(alloc::bytes::<T>)
        .ok_or(Error::SizeOverflow {
            rows,
            d_model: enc.d_model(),
        })
}

/// Writes one row per position of `positions` into `out`
/// ([`positions.values()`](Positions::values) values), for fractional timesteps and other
/// explicit position lists.
///
/// Bit-identical to `posenc_simd::encode_positions(positions, out)`.
///
/// # Errors
/// [`Error::BufferLength`] when `out` has not exactly one row per position. On error `out` is
/// untouched.
pub fn encode_positions<T: Element>(positions: &Positions<'_>, out: &mut [T]) -> Result<(), Error> {
    positions.check_buffer(out.len())?;
    let backend = Backend::detect();
    let d = positions.encoding().d_model();
    run::for_each_chunk(out, d, run::Cut::PLAIN, |first, block| {
        backend.encode_positions(&positions.chunk(first, block.len() / d), block)
    })
}

/// Allocates and returns one row per position of `positions`, as [`encode_positions`]
/// writes them.
///
/// # Errors
/// The errors of [`Positions::new`] (checked before allocating), and
/// [`Error::AllocationFailed`].
///
/// ```
/// use posenc_parallel::{Encoding, Preset, positions_table};
///
/// // Diffusion timestep embeddings for a batch of fractional timesteps.
/// let enc = Preset::StableDiffusion.encoding(320)?;
/// let emb: Vec<f32> = positions_table(&enc, &[999.0, 500.5, 0.25])?;
/// assert_eq!(emb.len(), 3 * 320);
/// # Ok::<(), posenc_parallel::Error>(())
/// ```
pub fn positions_table<T: Element>(enc: &Encoding, positions: &[f64]) -> Result<Vec<T>, Error> {
    let positions = Positions::new(enc, positions)?;
    let mut out = alloc::zeroed::<T>(positions.values(), positions.len(), enc.d_model())?;
    encode_positions(&positions, &mut out)?;
    Ok(out)
}

/// Adds the table that starts at `start` to embeddings `x` shaped `[rows, d_model]`, in
/// place: `x += pe[start .. start + rows]`, the seed's `x + pe[:len]` with an offset for
/// incremental decoding.
///
/// Bit-identical to `posenc_simd::add_rows` of the same rows.
///
/// # Errors
/// As [`fill_table`]. On error `x` is untouched.
pub fn add_to_embeddings<T: Element>(enc: &Encoding, start: f64, x: &mut [T]) -> Result<(), Error> {
    let rows = Rows::covering(enc, start, 0, x.len())?;
    let backend = Backend::detect();
    let d = enc.d_model();
    run::for_each_chunk(x, d, run::Cut::PLAIN, |first, block| {
        backend.add_rows(&rows.chunk(first, block.len() / d), block)
    })
}

/// Adds the table that starts at `start` to every sequence of a batch `x` shaped
/// `[batch, seq_len, d_model]`, in place: row `r` of each sequence gets row `r` of the table.
///
/// Bit-identical to `posenc_simd::add_rows` of rows `0 .. seq_len` on each sequence.
///
/// # Errors
/// [`Error::SizeOverflow`] when `seq_len · d_model` overflows; [`Error::NotWholeRows`] when
/// `x.len()` is not a multiple of `d_model`; [`Error::NotWholeSequences`] when it is not a
/// whole number of sequences; the errors of [`Rows::new`] for rows `0 .. seq_len`. On error
/// `x` is untouched.
///
/// ```
/// use posenc_parallel::{Encoding, add_to_batch, table};
///
/// let enc = Encoding::new(16)?;
/// // x: [batch 3, seq_len 5, d_model 16], all zeros: each sequence becomes pe[10..15].
/// let mut x = vec![0.0f64; 3 * 5 * 16];
/// add_to_batch(&enc, 10.0, 5, &mut x)?;
/// let pe: Vec<f64> = table(&enc, 10.0, 5)?;
/// for sequence in x.chunks_exact(5 * 16) {
///     assert_eq!(sequence, &pe[..]);
/// }
/// # Ok::<(), posenc_parallel::Error>(())
/// ```
pub fn add_to_batch<T: Element>(
    enc: &Encoding,
    start: f64,
    seq_len: usize,
    x: &mut [T],
) -> Result<(), Error> {
    let sequence = check::batch(enc, start, seq_len, x.len())?;
    let backend = Backend::detect();
    let d = enc.d_model();
    run::for_each_chunk(x, d, run::Cut::PLAIN, |row, mut block| {
        // A chunk may span the end of one sequence and the start of the next.
        let mut k = row % seq_len.max(1);
        while !block.is_empty() {
            let rows = sequence.chunk(k, block.len() / d);
            let (segment, rest) = block.split_at_mut(rows.values());
            backend.add_rows(&rows, segment)?;
            block = rest;
            k = 0;
        }
        Ok(())
    })
}
