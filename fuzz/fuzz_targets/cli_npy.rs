//! `.npy` headers from arbitrary bytes: `posenc_cli::npy::read_header`, the reader behind
//! `posenc check`. Nothing may panic; the reader may consume at most the preamble plus the
//! header's declared length (never more than `MAX_HEADER_BYTES`), also from an endless stream;
//! every `Ok` table must have a float dtype and a shape that agrees with its rows and d_model,
//! and its data bytes must decode to one value per `value_bytes`.
#![no_main]

use std::io::Read;

use libfuzzer_sys::fuzz_target;
use posenc_cli::Dtype;
use posenc_cli::npy::{MAX_HEADER_BYTES, NpyTable, read_header};
use posenc_fuzz::MAX_VALUES;

/// The magic string, version and a 4-byte length: the longest preamble of a `.npy` file.
const MAX_PREAMBLE: usize = 12;

/// A reader that counts what it hands out.
struct Counting<R> {
    inner: R,
    taken: usize,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.taken += n;
        Ok(n)
    }
}

fn check_table(table: &NpyTable, header_len: usize, data: &[u8]) {
    let declared = match data.get(6) {
        Some(1) => 10 + usize::from(u16::from_le_bytes([data[8], data[9]])),
        _ => 12 + u32::from_le_bytes([data[8], data[9], data[10], data[11]]) as usize,
    };
    assert_eq!(header_len, declared, "the header must be read exactly");
    let (width, descr) = match table.dtype {
        Dtype::F32 => (4, "f4"),
        Dtype::F64 => (8, "f8"),
        Dtype::F16 => (2, "f2"),
        Dtype::Bf16 => panic!("NumPy has no bf16: a .npy header cannot name it"),
    };
    assert_eq!(table.value_bytes(), width);
    assert_eq!(&table.descr()[1..], descr);
    assert_eq!(table.descr().starts_with('>'), table.big_endian);
    let d = table.d_model as u64;
    match table.shape[..] {
        [rows, last] | [rows, 1, last] | [1, rows, last] => {
            assert_eq!((rows, last), (table.rows, d), "{table:?}")
        }
        _ => panic!("not a table shape: {table:?}"),
    }
    // The shape's element count fits in 64 bits, as the header check promises.
    assert!(table.rows.checked_mul(d).is_some(), "{table:?}");
    let body = &data[header_len..];
    let body = &body[..body.len().min(MAX_VALUES * 8)];
    let mut values = Vec::new();
    table.decode(body, &mut values);
    assert_eq!(values.len(), body.len() / width);
}

fuzz_target!(|data: &[u8]| {
    let mut reader = Counting {
        inner: data,
        taken: 0,
    };
    let result = read_header(&mut reader, "fuzz.npy");
    assert!(reader.taken <= MAX_PREAMBLE + MAX_HEADER_BYTES);
    match &result {
        Ok(table) => check_table(table, reader.taken, data),
        Err(e) => {
            let line = e.to_string();
            assert!(line.starts_with("fuzz.npy: "), "{line}");
            // Only a newline quoted from the file itself may appear (the binary prints it as a
            // space); the reader adds none of its own.
            assert!(data.contains(&b'\n') || !line.contains('\n'), "{line:?}");
        }
    }

    // Followed by an endless stream the reader still stops within the bound, and a header
    // complete in `data` reads the same.
    let mut endless = Counting {
        inner: data.chain(std::io::repeat(b' ')),
        taken: 0,
    };
    let again = read_header(&mut endless, "fuzz.npy");
    assert!(endless.taken <= MAX_PREAMBLE + MAX_HEADER_BYTES);
    if let Ok(table) = result {
        assert_eq!(again.ok(), Some(table));
    }
});
