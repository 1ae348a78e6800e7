//! NumPy's `.npy` format: headers through the `npyz` crate, data moved a whole block at a time.
//!
//! `npyz` writes and parses the header (version 1.0 when it fits, as NumPy does; `{'descr':
//! '<f4', 'fortran_order': False, 'shape': (rows, d), }` padded to 64 bytes). The data is not
//! pushed through `npyz`'s element-at-a-time writer and reader: a block of rows is one
//! `write_all` of its little-endian bytes (no copy at all on little-endian machines) and one
//! `read_exact`, which keeps multi-GiB tables at the speed of the disk.
//!
//! Before `npyz` sees a header this module bounds it: at most [`MAX_HEADER_BYTES`], brackets
//! nested at most `MAX_NESTING` (8) deep, and a shape whose element count fits in `u64`, so that
//! no file can make the parser allocate without bound, recurse deeply, or overflow.

use std::io::{Cursor, Read, Write};

use npyz::{DType, Endianness, Order, TypeChar, WriteOptions, WriterBuilder};

use crate::Dtype;
use crate::errors::CliError;

/// The magic string that opens every `.npy` file.
const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// The longest header accepted when reading. NumPy's own headers for any 2-D or 3-D float
/// array are under 128 bytes; it refuses headers over 10 000 bytes unless told otherwise.
pub const MAX_HEADER_BYTES: usize = 1 << 16;

/// The deepest nesting of brackets in a header's dict accepted when reading (NumPy's are 2).
const MAX_NESTING: usize = 8;

/// Writes the header of a C-order array of `dtype` and `shape` (`(rows, d_model)` for a
/// table); bf16, which NumPy does not have, is an error.
pub(crate) fn write_header(
    out: &mut impl Write,
    dtype: Dtype,
    shape: &[u64],
) -> Result<(), CliError> {
    let descr = crate::dtype::check_npy(dtype)?;
    let header_error = |e: std::io::Error| CliError::io("cannot make the .npy header", e);
    let type_str = descr
        .parse()
        .map_err(|e| header_error(std::io::Error::new(std::io::ErrorKind::InvalidInput, e)))?;
    WriteOptions::new_header_only()
        .dtype(DType::Plain(type_str))
        .shape(shape)
        .writer(out)
        .write_header_only()
        .map_err(header_error)?;
    Ok(())
}

/// What a `.npy` file's header says, once it is known to hold a table of floats.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyTable {
    /// `f32`, `f64` or `f16`.
    pub dtype: Dtype,
    /// True for `>f4`/`>f8`/`>f2` (big-endian data).
    pub big_endian: bool,
    /// The shape as written.
    pub shape: Vec<u64>,
    /// The number of rows (the product of all but the last dimension).
    pub rows: u64,
    /// The number of columns (the last dimension).
    pub d_model: usize,
}

impl NpyTable {
    /// Bytes per value.
    pub fn value_bytes(&self) -> usize {
        self.dtype.value_bytes()
    }

    /// NumPy's name of the file's dtype (`bf16` for a safetensors bf16 table).
    pub fn descr(&self) -> String {
        let order = if self.big_endian { '>' } else { '<' };
        match self.dtype {
            Dtype::Bf16 => "bf16".to_owned(),
            _ => format!("{order}f{}", self.value_bytes()),
        }
    }

    /// Decodes a block of the file's data bytes into `f64` values (exact: widening).
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<f64>) {
        crate::dtype::decode(self.dtype, self.big_endian, bytes, out);
    }
}

/// Reads and checks the header of a `.npy` file, leaving `file` at the first data byte.
///
/// Accepted: dtype float32, float64 or float16 of either byte order, C order, and a shape
/// `(rows, d)`, `(rows, 1, d)` or `(1, rows, d)` (PyTorch's positional-encoding buffers).
/// `name` is the file's name for messages. At most 8 + 4 + [`MAX_HEADER_BYTES`] bytes are
/// read, so any reader (an endless one too) gives a bounded allocation.
///
/// ```
/// let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }\n";
/// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
/// bytes.extend((text.len() as u16).to_le_bytes());
/// bytes.extend(text.as_bytes());
/// let table = posenc_cli::npy::read_header(&mut &bytes[..], "pe.npy").unwrap();
/// assert_eq!((table.rows, table.d_model, table.dtype), (3, 4, posenc_cli::Dtype::F32));
/// ```
pub fn read_header(file: &mut impl Read, name: &str) -> Result<NpyTable, CliError> {
    let bad = |why: String| CliError::invalid(format!("{name}: {why}"));
    let array = read_array_header(file, name)?;
    let shape = array.shape;
    let (rows, d) = table_shape(&shape).ok_or_else(|| {
        bad(format!(
            "shape {} is not a table: expected (rows, d_model), (rows, 1, d_model) or (1, rows, d_model)",
            shape_text(&shape)
        ))
    })?;
    let d_model = usize::try_from(d)
        .map_err(|_| bad(format!("rows of {d} values are too long for this machine")))?;
    Ok(NpyTable {
        dtype: array.dtype,
        big_endian: array.big_endian,
        shape,
        rows,
        d_model,
    })
}

/// What a `.npy` file's header says of any C-order array of floats.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NpyArray {
    /// `f32`, `f64` or `f16`.
    pub(crate) dtype: Dtype,
    /// True for big-endian data.
    pub(crate) big_endian: bool,
    /// The shape as written.
    pub(crate) shape: Vec<u64>,
}

/// Reads and checks the header of a `.npy` file of floats of any shape, leaving `file` at
/// the first data byte (the bounds of [`read_header`]).
pub(crate) fn read_array_header(file: &mut impl Read, name: &str) -> Result<NpyArray, CliError> {
    let bad = |why: String| CliError::invalid(format!("{name}: {why}"));
    let header = read_bounded_header(file).map_err(bad)?;
    let mut cursor = Cursor::new(&header[..]);
    let parsed = npyz::NpyHeader::from_reader(&mut cursor).map_err(|e| {
        // The parser's messages can run over several lines; the first one says it.
        let reason = e.to_string();
        bad(format!(
            "not a valid .npy file: {}",
            reason.lines().next().unwrap_or("")
        ))
    })?;
    if cursor.position() != header.len() as u64 {
        return Err(bad(
            "not a valid .npy file: header length mismatch".to_owned()
        ));
    }
    let type_str = match parsed.dtype() {
        DType::Plain(type_str) => type_str,
        other => {
            return Err(bad(format!(
                "dtype {} is a structured type; expected float32, float64 or float16",
                other.descr()
            )));
        }
    };
    let dtype = match (type_str.type_char(), type_str.size_field()) {
        (TypeChar::Float, 4) => Dtype::F32,
        (TypeChar::Float, 8) => Dtype::F64,
        (TypeChar::Float, 2) => Dtype::F16,
        _ => {
            return Err(bad(format!(
                "dtype '{type_str}' is not float32 or float64, nor float16 ('<f4', '<f8', '<f2')"
            )));
        }
    };
    let big_endian = type_str.endianness() == Endianness::Big;
    if parsed.order() == Order::Fortran {
        return Err(bad(
            "the array is in Fortran order; save it with numpy.ascontiguousarray".to_owned(),
        ));
    }
    Ok(NpyArray {
        dtype,
        big_endian,
        shape: parsed.shape().to_vec(),
    })
}

/// `(rows, d)` for the accepted shapes.
pub(crate) fn table_shape(shape: &[u64]) -> Option<(u64, u64)> {
    match *shape {
        [rows, d] | [rows, 1, d] | [1, rows, d] => Some((rows, d)),
        _ => None,
    }
}

/// A shape as Python writes it: `(5000, 1, 512)`, `(3,)`, `()`.
pub(crate) fn shape_text(shape: &[u64]) -> String {
    let parts: Vec<String> = shape.iter().map(u64::to_string).collect();
    if parts.len() == 1 {
        format!("({},)", parts[0])
    } else {
        format!("({})", parts.join(", "))
    }
}

/// Reads the magic string, version, length and header text, within the bounds of this module.
fn read_bounded_header(file: &mut impl Read) -> Result<Vec<u8>, String> {
    let mut preamble = [0u8; 8];
    file.read_exact(&mut preamble)
        .map_err(|_| "not a .npy file: too short".to_owned())?;
    if &preamble[..6] != MAGIC {
        return Err("not a .npy file: it does not start with \\x93NUMPY".to_owned());
    }
    let mut header = preamble.to_vec();
    let text_len = match preamble[6] {
        1 => {
            let mut len = [0u8; 2];
            read_into(file, &mut len, &mut header)?;
            usize::from(u16::from_le_bytes(len))
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            read_into(file, &mut len, &mut header)?;
            usize::try_from(u32::from_le_bytes(len)).unwrap_or(usize::MAX)
        }
        major => return Err(format!("unsupported .npy format version {major}")),
    };
    if text_len > MAX_HEADER_BYTES {
        return Err(format!(
            "the header is {text_len} bytes long; the limit is {MAX_HEADER_BYTES}"
        ));
    }
    let mut text = vec![0u8; text_len];
    read_into(file, &mut text, &mut header)?;
    check_header_text(&text)?;
    Ok(header)
}

/// Reads exactly `buf.len()` bytes and appends them to `header`.
fn read_into(file: &mut impl Read, buf: &mut [u8], header: &mut Vec<u8>) -> Result<(), String> {
    file.read_exact(buf)
        .map_err(|_| "not a valid .npy file: the header is cut short".to_owned())?;
    header.extend_from_slice(buf);
    Ok(())
}

/// Refuses header text that is deeply nested or whose shape's element count overflows `u64`.
fn check_header_text(text: &[u8]) -> Result<(), String> {
    let mut depth = 0usize;
    for &byte in text {
        match byte {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            return Err("not a valid .npy file: the header is nested too deeply".to_owned());
        }
    }
    let text = String::from_utf8_lossy(text);
    let Some(after_key) = text.split_once("shape").map(|(_, rest)| rest) else {
        return Ok(()); // npyz reports the missing key
    };
    let tuple = after_key
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or("", |(inside, _)| inside);
    let mut count: u64 = 1;
    for part in tuple.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let dim: u64 = part
            .trim_end_matches(['L', 'l'])
            .parse()
            .map_err(|_| format!("not a valid .npy file: shape entry '{part}'"))?;
        if dim != 0 {
            count = count
                .checked_mul(dim)
                .ok_or_else(|| "the shape has more elements than fit in 64 bits".to_owned())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_bytes(dtype: Dtype, rows: u64, d: usize) -> Vec<u8> {
        let mut out = Vec::new();
        write_header(&mut out, dtype, &[rows, d as u64]).unwrap();
        out
    }

    #[test]
    fn headers_are_numpy_version_1_0_and_64_byte_aligned() {
        let bytes = header_bytes(Dtype::F32, 5000, 512);
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        assert_eq!(bytes.len(), 10 + len);
        assert_eq!(bytes.len() % 64, 0);
        let text = std::str::from_utf8(&bytes[10..]).unwrap();
        assert!(
            text.starts_with("{'descr': '<f4', 'fortran_order': False, 'shape': (5000, 512, ), }"),
            "{text}"
        );
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn written_headers_read_back() {
        for (dtype, rows, d) in [
            (Dtype::F32, 3, 4),
            (Dtype::F64, 0, 1),
            (Dtype::F64, 1 << 40, 7),
            (Dtype::F16, 2, 3),
        ] {
            let bytes = header_bytes(dtype, rows, d);
            let mut reader = &bytes[..];
            let table = read_header(&mut reader, "t").unwrap();
            assert_eq!((table.dtype, table.rows, table.d_model), (dtype, rows, d));
            assert!(!table.big_endian);
            assert!(reader.is_empty());
        }
    }

    fn raw_header(text: &str) -> Vec<u8> {
        let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
        bytes.extend((text.len() as u16).to_le_bytes());
        bytes.extend(text.as_bytes());
        bytes
    }

    fn error(bytes: &[u8]) -> String {
        read_header(&mut &bytes[..], "f.npy")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn other_arrays_are_refused_by_name() {
        let h = |descr: &str, fortran: &str, shape: &str| {
            raw_header(&format!(
                "{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}\n"
            ))
        };
        assert!(error(&h("<i8", "False", "(2, 3)")).contains("dtype '<i8' is not float32"));
        assert!(error(&h("<f16", "False", "(2, 3)")).contains("dtype '<f16'"));
        let half = read_header(&mut &h("<f2", "False", "(2, 3)")[..], "f").unwrap();
        assert_eq!((half.dtype, half.value_bytes()), (Dtype::F16, 2));
        assert!(error(&h("<f4", "True", "(2, 3)")).contains("Fortran order"));
        assert!(error(&h("<f4", "False", "(6,)")).contains("shape (6,) is not a table"));
        assert!(error(&h("<f4", "False", "(2, 2, 3)")).contains("shape (2, 2, 3)"));
        assert!(error(&h("<f4", "False", "(4294967296, 4294967296, 2)")).contains("64 bits"));
        assert!(error(&h("<f4", "False", "((((((((((1,),),),),),),),),),)")).contains("nested"));
        let big = read_header(&mut &h(">f8", "False", "(1, 5, 3)")[..], "f").unwrap();
        assert_eq!((big.rows, big.d_model, big.big_endian), (5, 3, true));
        assert_eq!(big.descr(), ">f8");
    }

    #[test]
    fn broken_files_are_refused() {
        assert!(error(b"").contains("too short"));
        assert!(error(b"PK\x03\x04 zip file").contains("does not start with"));
        assert!(error(b"\x93NUMPY\x09\x00\x10\x00").contains("version 9"));
        assert!(error(b"\x93NUMPY\x01\x00\x40\x00{'descr'").contains("cut short"));
        assert!(error(b"\x93NUMPY\x02\x00\xff\xff\xff\xff").contains("the limit"));
        assert!(error(&raw_header("{'descr': '<f4'}\n")).contains("not a valid .npy"));
    }

    #[test]
    fn decoding_follows_the_byte_order() {
        let table = |dtype, big_endian| NpyTable {
            dtype,
            big_endian,
            shape: vec![1, 2],
            rows: 1,
            d_model: 2,
        };
        let mut out = Vec::new();
        table(Dtype::F32, false).decode(&[0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0], &mut out);
        assert_eq!(out, [1.0, -2.0]);
        table(Dtype::F32, true).decode(&[0x3f, 0x80, 0, 0], &mut out);
        assert_eq!(out, [1.0]);
        table(Dtype::F64, true).decode(&0.1f64.to_be_bytes(), &mut out);
        assert_eq!(out, [0.1]);
        table(Dtype::F64, false).decode(&0.1f64.to_le_bytes(), &mut out);
        assert_eq!(out, [0.1]);
        let mut scratch = Vec::new();
        assert_eq!(
            crate::dtype::le_bytes(Dtype::F32, &[1.0f32, -2.0][..], &mut scratch),
            [0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]
        );
        let mut bf16 = Vec::new();
        assert!(write_header(&mut bf16, Dtype::Bf16, &[1, 2]).is_err());
    }
}
