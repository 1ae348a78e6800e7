//! Files of computed rows, written as they are made: what `table` and `rope` share.
//!
//! A file holds one or more tensors of rows one after another (a table's `pe`; a RoPE cache's
//! `cos_sin`, or `cos` then `sin`). Each tensor is streamed a block of rows at a time, two
//! blocks in flight: while one is being written, the next is computed on the pool. Memory is
//! those two blocks (a few MiB), whatever the size of the file.

use posenc_parallel::Element;
use rayon::prelude::*;

use crate::Dtype;
use crate::args::Format;
use crate::dtype;
use crate::errors::CliError;
use crate::npy;
use crate::output::Output;
use crate::rows::{Rows, block_rows, blocks};
use crate::safetensors::{self, TensorSpec};

/// The bytes before the data of a file holding `tensors` (all of one shape when more than
/// one) in `format`: a `.npy` header (one tensor's shape, or `(tensors, shape...)` stacked),
/// a safetensors header with `metadata`, or nothing for raw and CSV.
pub(crate) fn file_header(
    format: Format,
    dtype: Dtype,
    tensors: &[TensorSpec],
    metadata: &[(&str, String)],
) -> Result<Vec<u8>, CliError> {
    let mut header = Vec::new();
    match format {
        Format::Npy => {
            let mut shape = tensors.first().map(|t| t.shape.clone()).unwrap_or_default();
            if tensors.len() > 1 {
                shape.insert(0, tensors.len() as u64);
            }
            npy::write_header(&mut header, dtype, &shape)?;
        }
        Format::Safetensors => header = safetensors::header(dtype, tensors, metadata)?,
        Format::Raw | Format::Csv => {}
    }
    Ok(header)
}

/// Where the rows are, as safetensors metadata: `start` and `rows`, or the number of
/// `positions` listed.
pub(crate) fn positions_metadata(rows: &Rows) -> Vec<(&'static str, String)> {
    match rows {
        Rows::Range { start, count } => {
            vec![("start", start.to_string()), ("rows", count.to_string())]
        }
        Rows::List(list) => vec![("positions", format!("{} listed", list.len()))],
    }
}

/// The number of data bytes of `rows × row_values` values of `dtype`, or `None` on overflow.
pub(crate) fn data_bytes(rows: u64, row_values: usize, dtype: Dtype) -> Option<u64> {
    rows.checked_mul(row_values as u64)?
        .checked_mul(dtype.value_bytes() as u64)
}

/// Writes blocks of rows in one format and dtype, advancing the progress bar by the bytes of
/// data they stand for.
#[derive(Debug)]
pub(crate) struct BlockWriter<'a> {
    /// The file's format.
    pub(crate) format: Format,
    /// The values' type in the file.
    pub(crate) dtype: Dtype,
    /// Values per row (a CSV line).
    pub(crate) row_values: usize,
    /// The progress bar.
    pub(crate) bar: &'a indicatif::ProgressBar,
    /// Room for converted values.
    pub(crate) scratch: Vec<u8>,
}

impl BlockWriter<'_> {
    /// Writes one block of computed values, rounded once to the dtype.
    pub(crate) fn write<T: Element>(
        &mut self,
        out: &mut Output,
        block: &[T],
    ) -> Result<(), CliError> {
        match self.format {
            Format::Npy | Format::Raw | Format::Safetensors => {
                out.write_all(dtype::le_bytes(self.dtype, block, &mut self.scratch))?;
            }
            Format::Csv => {
                let lines: Vec<String> = block
                    .par_chunks(self.row_values.max(1))
                    .map(|row| dtype::csv_line(self.dtype, row))
                    .collect();
                for line in &lines {
                    out.write_all(line.as_bytes())?;
                }
            }
        }
        self.bar
            .inc((block.len() * self.dtype.value_bytes()) as u64);
        Ok(())
    }
}

/// Streams rows `0 .. rows` of `row_values` values each: `fill(first_row, block)` computes a
/// block of whole rows (on the current pool) and `write` writes it; block `i + 1` is computed
/// while block `i` is written. Blocks are about [`crate::rows::BLOCK_BYTES`].
pub(crate) fn stream_rows<T: Element>(
    rows: u64,
    row_values: usize,
    fill: impl Fn(u64, &mut [T]) -> Result<(), CliError> + Sync,
    mut write: impl FnMut(&[T]) -> Result<(), CliError> + Send,
) -> Result<(), CliError> {
    let per_block = block_rows(row_values * size_of::<T>());
    let mut pending = blocks(rows, per_block);
    let Some((first, count)) = pending.next() else {
        return Ok(());
    };
    let mut current = vec![T::default(); count * row_values];
    fill(first, &mut current)?;
    let mut next: Vec<T> = Vec::with_capacity(current.len());
    for (first, count) in pending {
        let (written, filled) = rayon::join(
            || write(&current),
            || {
                next.clear();
                next.resize(count * row_values, T::default());
                fill(first, &mut next)
            },
        );
        written?;
        filled?;
        std::mem::swap(&mut current, &mut next);
    }
    write(&current)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_filled_and_written_once_in_order() {
        let mut seen = Vec::new();
        stream_rows::<f64>(
            2_000_000,
            1,
            |first, block| {
                for (k, v) in block.iter_mut().enumerate() {
                    *v = (first + k as u64) as f64;
                }
                Ok(())
            },
            |block| {
                seen.extend_from_slice(block);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen.len(), 2_000_000);
        assert!(seen.iter().enumerate().all(|(k, &v)| v == k as f64));
        let mut calls = 0;
        stream_rows::<f32>(
            0,
            4,
            |_, _| Ok(()),
            |_| {
                calls += 1;
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(calls, 0);
    }

    #[test]
    fn npy_headers_stack_several_tensors() {
        let spec = |name| TensorSpec {
            name,
            shape: vec![5, 4],
        };
        let one = file_header(Format::Npy, Dtype::F16, &[spec("pe")], &[]).unwrap();
        assert!(String::from_utf8_lossy(&one).contains("'shape': (5, 4, )"));
        let two = file_header(Format::Npy, Dtype::F32, &[spec("cos"), spec("sin")], &[]).unwrap();
        assert!(String::from_utf8_lossy(&two).contains("'shape': (2, 5, 4, )"));
        assert!(
            file_header(Format::Raw, Dtype::Bf16, &[spec("pe")], &[])
                .unwrap()
                .is_empty()
        );
        let err = file_header(Format::Npy, Dtype::Bf16, &[spec("pe")], &[]).unwrap_err();
        assert!(err.to_string().contains("bf16"));
        assert_eq!(data_bytes(3, 4, Dtype::Bf16), Some(24));
        assert_eq!(data_bytes(u64::MAX, 2, Dtype::F32), None);
    }
}
