//! Files to check, `.npy` or safetensors (told apart by their first bytes), and the tensors
//! in them as runs of rows at known offsets.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Take};
use std::path::Path;

use crate::Dtype;
use crate::errors::CliError;
use crate::npy::{self, NpyTable};
use crate::safetensors::{self, SafetensorsFile};

/// An opened file to check.
#[derive(Debug)]
pub(crate) struct Input {
    /// The file, buffered, at its first byte.
    pub(crate) reader: BufReader<File>,
    /// Its length in bytes.
    pub(crate) len: u64,
    /// Its name for messages, quoted.
    pub(crate) name: String,
    /// True for `.npy`, false for safetensors.
    pub(crate) is_npy: bool,
}

impl Input {
    /// Opens `path` and looks at its first bytes.
    pub(crate) fn open(path: &Path) -> Result<Input, CliError> {
        let name = format!("'{}'", path.display());
        let file = File::open(path).map_err(|e| CliError::io_path("cannot open", path, e))?;
        let len = file
            .metadata()
            .map_err(|e| CliError::io_path("cannot read", path, e))?
            .len();
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let is_npy = safetensors::is_npy(
            reader
                .fill_buf()
                .map_err(|e| CliError::io_path("cannot read", path, e))?,
        );
        Ok(Input {
            reader,
            len,
            name,
            is_npy,
        })
    }

    /// Moves to `offset`.
    pub(crate) fn seek(&mut self, offset: u64) -> Result<(), CliError> {
        self.reader
            .seek(SeekFrom::Start(offset))
            .map(|_| ())
            .map_err(|e| CliError::io(format!("cannot read {}", self.name), e))
    }

    /// The position of the next byte to read.
    pub(crate) fn position(&mut self) -> Result<u64, CliError> {
        self.reader
            .stream_position()
            .map_err(|e| CliError::io(format!("cannot read {}", self.name), e))
    }

    /// The safetensors header (for a file that is not `.npy`).
    pub(crate) fn safetensors(&mut self) -> Result<SafetensorsFile, CliError> {
        safetensors::read_header(&mut self.reader, self.len, &self.name)
    }
}

/// Opens a table to check: a `.npy` table, or the tensor `pe` (or the only tensor) of a
/// safetensors file, of shape [rows, d], [rows, 1, d] or [1, rows, d]. The reader is at the
/// table's first data byte and ends with its data.
pub(crate) fn open_table(path: &Path) -> Result<(Take<BufReader<File>>, NpyTable), CliError> {
    let mut input = Input::open(path)?;
    if input.is_npy {
        let table = npy::read_header(&mut input.reader, &input.name)?;
        return Ok((input.reader.take(u64::MAX), table));
    }
    let file = input.safetensors()?;
    let names = file.names();
    let tensor_name = match names.as_slice() {
        [only] => only.clone(),
        _ if names.iter().any(|n| n == "pe") => "pe".to_owned(),
        _ => {
            return Err(CliError::invalid(format!(
                "{} has no tensor 'pe' and more than one tensor ({}): which is the table?",
                input.name,
                names.join(", ")
            )));
        }
    };
    let tensor = file.tensor(&input.name, &tensor_name)?;
    let (rows, d) = npy::table_shape(&tensor.shape).ok_or_else(|| {
        CliError::invalid(format!(
            "{}: tensor '{tensor_name}' has shape {}; expected [rows, d_model], [rows, 1, d_model] or [1, rows, d_model]",
            input.name,
            npy::shape_text(&tensor.shape)
        ))
    })?;
    let d_model = usize::try_from(d).map_err(|_| {
        CliError::invalid(format!(
            "{}: rows of {d} values are too long for this machine",
            input.name
        ))
    })?;
    input.seek(tensor.file_offset)?;
    let bytes = rows * d * tensor.dtype.value_bytes() as u64; // validated by the crate
    let table = NpyTable {
        dtype: tensor.dtype,
        big_endian: false,
        shape: tensor.shape,
        rows,
        d_model,
    };
    Ok((input.reader.take(bytes), table))
}

/// A tensor of rows in a file: where its data is and how to read it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TensorRows {
    /// Its name (`cos_sin`, `cos`, `sin`; for `.npy` the same names by position).
    pub(crate) name: String,
    /// Its dtype.
    pub(crate) dtype: Dtype,
    /// True for big-endian data (`.npy` only).
    pub(crate) big_endian: bool,
    /// Its shape as written.
    pub(crate) shape: Vec<u64>,
    /// Rows.
    pub(crate) rows: u64,
    /// Values per row.
    pub(crate) width: usize,
    /// Where its data starts in the file.
    pub(crate) offset: u64,
}

impl TensorRows {
    /// Bytes of its data.
    pub(crate) fn data_bytes(&self) -> u64 {
        self.rows * self.width as u64 * self.dtype.value_bytes() as u64
    }
}

/// `(rows, width)` of a tensor of shape [rows, width] or [1, rows, width] (Hugging Face's
/// batch of one).
pub(crate) fn rows_shape(shape: &[u64]) -> Option<(u64, u64)> {
    match *shape {
        [rows, width] | [1, rows, width] => Some((rows, width)),
        _ => None,
    }
}

/// Reads `bytes.len()` bytes of a tensor's data, naming the file when it ends early.
pub(crate) fn read_block(
    input: &mut Input,
    tensor: &TensorRows,
    bytes: &mut [u8],
) -> Result<(), CliError> {
    input.reader.read_exact(bytes).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            CliError::invalid(format!(
                "{} ends early: tensor '{}' of shape {} needs {} bytes of data",
                input.name,
                tensor.name,
                npy::shape_text(&tensor.shape),
                tensor.data_bytes()
            ))
        } else {
            CliError::io(format!("cannot read {}", input.name), e)
        }
    })
}
