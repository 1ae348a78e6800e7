//! safetensors files: the header made and parsed by the `safetensors` crate, the data moved a
//! block at a time.
//!
//! A safetensors file is an 8-byte little-endian header length `n`, `n` bytes of JSON (padded
//! with spaces to a multiple of 8), then every tensor's little-endian C-order data, one after
//! another at the offsets the JSON gives. The crate's writers want each tensor's whole data
//! in memory, and tables and caches can be many GiB; so posenc builds the header with the
//! crate's own [`Metadata`] (which checks the offsets and sizes) and serialiser, and then
//! streams the data behind it. Reading parses only the header with the crate, and checks the
//! file's length against it, so that the data can be read in blocks.

use std::collections::HashMap;
use std::io::Read;

use ::safetensors::tensor::{Metadata, TensorInfo};

use crate::Dtype;
use crate::errors::CliError;

/// The longest header accepted when reading: the `safetensors` crate's own limit.
pub(crate) const MAX_HEADER_BYTES: u64 = 100_000_000;

/// One tensor of a file: its name, dtype and shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TensorSpec {
    /// The tensor's name (`pe`, `cos_sin`, `cos`, `sin`).
    pub(crate) name: &'static str,
    /// Its shape.
    pub(crate) shape: Vec<u64>,
}

/// The header of a file holding `tensors` of `dtype`, in that order, with `metadata`
/// (string to string) under `__metadata__`: length, JSON, padding.
pub(crate) fn header(
    dtype: Dtype,
    tensors: &[TensorSpec],
    metadata: &[(&str, String)],
) -> Result<Vec<u8>, CliError> {
    let too_big = || CliError::invalid("the tensors are too large for this machine's safetensors");
    let mut infos = Vec::with_capacity(tensors.len());
    let mut offset = 0usize;
    for tensor in tensors {
        let shape = tensor
            .shape
            .iter()
            .map(|&d| usize::try_from(d).map_err(|_| too_big()))
            .collect::<Result<Vec<usize>, _>>()?;
        let bytes = shape
            .iter()
            .try_fold(dtype.value_bytes(), |n, &d| n.checked_mul(d))
            .ok_or_else(too_big)?;
        let end = offset.checked_add(bytes).ok_or_else(too_big)?;
        infos.push((
            tensor.name.to_owned(),
            TensorInfo {
                dtype: dtype.safetensors(),
                shape,
                data_offsets: (offset, end),
            },
        ));
        offset = end;
    }
    let metadata: HashMap<String, String> = metadata
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    let metadata = Metadata::new(Some(metadata), infos)
        .map_err(|e| CliError::invalid(format!("cannot make the safetensors header: {e}")))?;
    let mut json = serde_json::to_vec(&metadata)
        .map_err(|e| CliError::invalid(format!("cannot make the safetensors header: {e}")))?;
    // The data starts on a multiple of 8, as the crate's own writer aligns it.
    json.resize(json.len().next_multiple_of(8), b' ');
    let mut bytes = (json.len() as u64).to_le_bytes().to_vec();
    bytes.extend(json);
    Ok(bytes)
}

/// What a safetensors file's header says.
#[derive(Debug, Clone)]
pub(crate) struct SafetensorsFile {
    /// The parsed header (tensors and metadata), validated by the crate.
    pub(crate) metadata: Metadata,
    /// Bytes before the first data byte: 8 + the header's length.
    pub(crate) data_start: u64,
}

/// One tensor of a safetensors file, found by name.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoundTensor {
    /// Its name.
    pub(crate) name: String,
    /// Its dtype.
    pub(crate) dtype: Dtype,
    /// Its shape.
    pub(crate) shape: Vec<u64>,
    /// Where its data starts in the file.
    pub(crate) file_offset: u64,
}

impl SafetensorsFile {
    /// The tensor `name`, which must be of a float type posenc reads.
    pub(crate) fn tensor(&self, file: &str, name: &str) -> Result<FoundTensor, CliError> {
        let info = self.metadata.info(name).ok_or_else(|| {
            CliError::invalid(format!(
                "{file} has no tensor '{name}' (it has {})",
                self.names().join(", ")
            ))
        })?;
        let dtype = Dtype::from_safetensors(info.dtype).ok_or_else(|| {
            CliError::invalid(format!(
                "{file}: tensor '{name}' is of dtype {:?}; expected F32, F64, F16 or BF16",
                info.dtype
            ))
        })?;
        Ok(FoundTensor {
            name: name.to_owned(),
            dtype,
            shape: info.shape.iter().map(|&d| d as u64).collect(),
            file_offset: self.data_start + info.data_offsets.0 as u64,
        })
    }

    /// The names of the tensors, in the order of their data.
    pub(crate) fn names(&self) -> Vec<String> {
        self.metadata.offset_keys()
    }
}

/// True when `magic`, a file's first bytes, cannot start a `.npy` file, so that it is read as
/// safetensors (whose first byte is the low byte of a length).
pub(crate) fn is_npy(magic: &[u8]) -> bool {
    magic.starts_with(b"\x93NUMPY")
}

/// Reads and checks the header of a safetensors file of `file_len` bytes, leaving `file` at
/// the first data byte. The crate parses and validates the JSON (offsets contiguous, sizes
/// matching shapes and dtypes); this checks that the file is as long as the header says.
/// At most [`MAX_HEADER_BYTES`] are allocated, and only when the file is that long.
pub(crate) fn read_header(
    file: &mut impl Read,
    file_len: u64,
    name: &str,
) -> Result<SafetensorsFile, CliError> {
    let bad = |why: String| {
        CliError::invalid(format!(
            "{name}: not a .npy file (it does not start with \\x93NUMPY) and not a valid safetensors file: {why}"
        ))
    };
    let mut len = [0u8; 8];
    file.read_exact(&mut len)
        .map_err(|_| bad("too short".to_owned()))?;
    let n = u64::from_le_bytes(len);
    if n > MAX_HEADER_BYTES {
        return Err(bad(format!(
            "the header is {n} bytes long; the limit is {MAX_HEADER_BYTES}"
        )));
    }
    if n > file_len.saturating_sub(8) {
        return Err(bad(format!(
            "the header is {n} bytes long but the file has {file_len} bytes"
        )));
    }
    let mut json = vec![0u8; n as usize];
    file.read_exact(&mut json)
        .map_err(|_| bad("the header is cut short".to_owned()))?;
    let text = std::str::from_utf8(&json).map_err(|e| bad(format!("the header: {e}")))?;
    let metadata: Metadata = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "the header: {}",
            e.to_string().lines().next().unwrap_or("")
        ))
    })?;
    let data_start = 8 + n;
    let expected = data_start + metadata.data_len() as u64;
    if expected != file_len {
        return Err(bad(format!(
            "its header describes {expected} bytes but the file has {file_len}"
        )));
    }
    Ok(SafetensorsFile {
        metadata,
        data_start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::safetensors::SafeTensors;

    #[test]
    fn headers_and_streamed_data_are_files_the_crate_reads() {
        let tensors = [
            TensorSpec {
                name: "cos",
                shape: vec![3, 2],
            },
            TensorSpec {
                name: "sin",
                shape: vec![3, 2],
            },
        ];
        let mut bytes = header(Dtype::F32, &tensors, &[("layout", "separate".to_owned())]).unwrap();
        assert_eq!(bytes.len() % 8, 0);
        for k in 0..12u8 {
            bytes.extend(f32::from(k).to_le_bytes());
        }
        let file = SafeTensors::deserialize(&bytes).unwrap();
        let sin = file.tensor("sin").unwrap();
        assert_eq!(sin.shape(), [3, 2]);
        assert_eq!(sin.dtype(), ::safetensors::Dtype::F32);
        assert_eq!(&sin.data()[..4], 6f32.to_le_bytes());
        let parsed = read_header(&mut &bytes[..], bytes.len() as u64, "f").unwrap();
        assert_eq!(parsed.names(), ["cos", "sin"]);
        let meta = parsed.metadata.metadata().as_ref().unwrap();
        assert_eq!(meta["layout"], "separate");
        let cos = parsed.tensor("f", "cos").unwrap();
        assert_eq!((cos.dtype, cos.shape.clone()), (Dtype::F32, vec![3, 2]));
        assert_eq!(cos.file_offset, parsed.data_start);
        assert!(
            parsed
                .tensor("f", "pe")
                .unwrap_err()
                .to_string()
                .contains("cos, sin")
        );
    }

    #[test]
    fn broken_files_are_refused() {
        let error = |bytes: &[u8]| {
            read_header(&mut &bytes[..], bytes.len() as u64, "f")
                .unwrap_err()
                .to_string()
        };
        assert!(error(b"\x01").contains("too short"));
        assert!(error(&u64::MAX.to_le_bytes()).contains("the limit"));
        assert!(error(&64u64.to_le_bytes()).contains("the file has 8 bytes"));
        let mut bytes = header(
            Dtype::Bf16,
            &[TensorSpec {
                name: "pe",
                shape: vec![2, 2],
            }],
            &[],
        )
        .unwrap();
        assert!(error(&bytes).contains("describes"));
        bytes.extend([0u8; 8]);
        let ok = read_header(&mut &bytes[..], bytes.len() as u64, "f").unwrap();
        assert_eq!(ok.tensor("f", "pe").unwrap().dtype, Dtype::Bf16);
        let mut json = br#"{"pe":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#.to_vec();
        json.resize(64, b' ');
        let mut wrong = 64u64.to_le_bytes().to_vec();
        wrong.extend(json);
        wrong.extend([0u8; 4]);
        assert!(error(&wrong).contains("the header"));
    }
}
