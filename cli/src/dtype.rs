//! The element types a file holds, and the one place where computed values become their bits.
//!
//! The library computes in `f32` or `f64` (its [`Element`] types). An `f16` or `bf16` output
//! is computed in `f64` (within 2^-48·(1 + |θ|) of exact) and rounded **once**, to nearest
//! with ties to even, to the output type ([`round_f16`], [`round_bf16`]): the SPEC's
//! "Reduced-precision outputs". [`Dtype::compute`] says which library type computes a dtype
//! and [`le_bytes`] turns a computed block into the file's bytes; when the library gains
//! `f16`/`bf16` element types, these are all that changes.
//!
//! The rounding itself is the core's [`Element::from_f64`] for `f16` and `bf16` (round to
//! odd in `f32`, then to nearest even: one correct rounding), not `half`'s own `from_f64`,
//! which rounds twice (the test below shows it).

use posenc_core::Row;
use posenc_parallel::{Element, bf16, f16};

use crate::Dtype;
use crate::errors::CliError;

/// The library type a [`Dtype`] is computed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compute {
    /// `f32`: the output itself.
    F32,
    /// `f64`: the output itself, or the accurate value an `f16`/`bf16` is rounded from.
    F64,
}

impl Dtype {
    /// Every dtype, in the order `--help` lists them.
    pub const ALL: [Dtype; 4] = [Dtype::F32, Dtype::F64, Dtype::F16, Dtype::Bf16];

    /// The name as the command line spells it: `f32`, `f64`, `f16`, `bf16`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
            Dtype::F16 => "f16",
            Dtype::Bf16 => "bf16",
        }
    }

    /// Bytes per value.
    #[must_use]
    pub const fn value_bytes(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F64 => 8,
            Dtype::F16 | Dtype::Bf16 => 2,
        }
    }

    /// NumPy's little-endian type string, or `None` for bf16, which NumPy does not have.
    #[must_use]
    pub const fn npy_descr(self) -> Option<&'static str> {
        match self {
            Dtype::F32 => Some("<f4"),
            Dtype::F64 => Some("<f8"),
            Dtype::F16 => Some("<f2"),
            Dtype::Bf16 => None,
        }
    }

    /// The safetensors dtype.
    pub(crate) const fn safetensors(self) -> ::safetensors::Dtype {
        match self {
            Dtype::F32 => ::safetensors::Dtype::F32,
            Dtype::F64 => ::safetensors::Dtype::F64,
            Dtype::F16 => ::safetensors::Dtype::F16,
            Dtype::Bf16 => ::safetensors::Dtype::BF16,
        }
    }

    /// The dtype of a safetensors dtype, if posenc reads it.
    pub(crate) fn from_safetensors(dtype: ::safetensors::Dtype) -> Option<Dtype> {
        Dtype::ALL.into_iter().find(|d| d.safetensors() == dtype)
    }

    /// The library type that computes this dtype: itself for `f32`/`f64`, `f64` for the
    /// reduced types (rounded once from it by [`le_bytes`]).
    pub(crate) const fn compute(self) -> Compute {
        match self {
            Dtype::F32 => Compute::F32,
            Dtype::F64 | Dtype::F16 | Dtype::Bf16 => Compute::F64,
        }
    }

    /// The largest error of one rounding to this type for values in [-1, 1]: half an ulp at
    /// 1.0 (2^-24, 2^-53, 2^-11, 2^-8).
    #[must_use]
    pub fn half_ulp_at_one(self) -> f64 {
        match self {
            Dtype::F32 => (-24f64).exp2(),
            Dtype::F64 => (-53f64).exp2(),
            Dtype::F16 => (-11f64).exp2(),
            Dtype::Bf16 => (-8f64).exp2(),
        }
    }
}

/// Refuses bf16 for `.npy`, with the reason and the way out.
pub(crate) fn check_npy(dtype: Dtype) -> Result<&'static str, CliError> {
    dtype.npy_descr().ok_or_else(|| {
        CliError::invalid(
            "--dtype bf16 cannot be written to .npy (NumPy has no bfloat16): \
             use --format safetensors or --format raw",
        )
    })
}

/// The little-endian bytes of a computed block as `dtype`: the block itself where it already
/// is that type (no copy on little-endian machines), else each value rounded once from its
/// computed value into `scratch`.
pub(crate) fn le_bytes<'a, T: Element>(
    dtype: Dtype,
    block: &'a [T],
    scratch: &'a mut Vec<u8>,
) -> &'a [u8] {
    let row = T::as_row(block);
    match (dtype, row) {
        (Dtype::F32, Row::F32(values)) if cfg!(target_endian = "little") => {
            return bytemuck::cast_slice(values);
        }
        (Dtype::F64, Row::F64(values)) if cfg!(target_endian = "little") => {
            return bytemuck::cast_slice(values);
        }
        _ => {}
    }
    scratch.clear();
    scratch.reserve(block.len() * dtype.value_bytes());
    for value in block.iter().map(|v| v.to_f64()) {
        match dtype {
            Dtype::F32 => scratch.extend((value as f32).to_le_bytes()),
            Dtype::F64 => scratch.extend(value.to_le_bytes()),
            Dtype::F16 => scratch.extend(round_f16(value).to_le_bytes()),
            Dtype::Bf16 => scratch.extend(round_bf16(value).to_le_bytes()),
        }
    }
    scratch
}

/// `value` correctly rounded to `f16` (to nearest, ties to even): the core's one rounding.
#[must_use]
pub(crate) fn round_f16(value: f64) -> f16 {
    <f16 as Element>::from_f64(value)
}

/// `value` correctly rounded to `bf16` (to nearest, ties to even): the core's one rounding.
#[must_use]
pub(crate) fn round_bf16(value: f64) -> bf16 {
    <bf16 as Element>::from_f64(value)
}

/// The value a computed `value` is stored as in `dtype`, widened back to `f64` (exact): what
/// a reader of the file gets, for CSV text.
pub(crate) fn stored(dtype: Dtype, value: f64) -> f64 {
    match dtype {
        Dtype::F32 => f64::from(value as f32),
        Dtype::F64 => value,
        Dtype::F16 => round_f16(value).to_f64(),
        Dtype::Bf16 => round_bf16(value).to_f64(),
    }
}

/// Decodes a block of a file's bytes of `dtype` into `f64` values (exact: widening).
pub(crate) fn decode(dtype: Dtype, big_endian: bool, bytes: &[u8], out: &mut Vec<f64>) {
    fn word<const N: usize>(b: &[u8], big: bool) -> [u8; N] {
        let mut w = [0u8; N];
        w.copy_from_slice(b);
        if big {
            w.reverse();
        }
        w
    }
    out.clear();
    let n = dtype.value_bytes();
    let values = bytes.chunks_exact(n);
    match dtype {
        Dtype::F32 => {
            out.extend(values.map(|b| f64::from(f32::from_le_bytes(word(b, big_endian)))))
        }
        Dtype::F64 => out.extend(values.map(|b| f64::from_le_bytes(word(b, big_endian)))),
        Dtype::F16 => out.extend(values.map(|b| f16::from_le_bytes(word(b, big_endian)).to_f64())),
        Dtype::Bf16 => {
            out.extend(values.map(|b| bf16::from_le_bytes(word(b, big_endian)).to_f64()));
        }
    }
}

/// One CSV line: the row's values as stored in `dtype`, separated by commas, ending in a
/// newline.
///
/// Each value is the shortest decimal that reads back as the same `f32` or `f64` (Ryū), in
/// plain notation, or in exponent notation where plain notation gets long (below 1e-6). An
/// `f16`/`bf16` value is written as the shortest decimal of the same value as an `f32`
/// (exact), which reads back as that value.
pub(crate) fn csv_line<T: Element>(dtype: Dtype, row: &[T]) -> String {
    let mut line = String::with_capacity(row.len() * 12);
    let mut buffer = ryu::Buffer::new();
    for value in row.iter().map(|v| v.to_f64()) {
        let text = match dtype {
            Dtype::F64 => buffer.format(value),
            // f16 and bf16 values are f32 values, exactly.
            _ => buffer.format(stored(dtype, value) as f32),
        };
        line.push_str(text);
        line.push(',');
    }
    line.pop(); // the last comma
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_values_read_back_exactly() {
        let row = [0.0f32, -1.0, 0.841_470_96, 1e-7, -3.5e-6, 0.5];
        let line = csv_line(Dtype::F32, &row[..]);
        assert_eq!(line, "0.0,-1.0,0.84147096,1e-7,-0.0000035,0.5\n");
        let back: Vec<f32> = line.trim().split(',').map(|v| v.parse().unwrap()).collect();
        assert_eq!(back, row);
        let row64 = [0.1f64, 1e-300];
        assert_eq!(csv_line(Dtype::F64, &row64[..]), "0.1,1e-300\n");
        // 0.1 in f16 is 0.0999755859375, in bf16 0.10009765625.
        assert_eq!(csv_line(Dtype::F16, &[0.1f64][..]), "0.099975586\n");
        assert_eq!(csv_line(Dtype::Bf16, &[0.1f64][..]), "0.100097656\n");
    }

    /// A file's bytes and CSV values are the core's one rounding (its own tests show the
    /// rounding itself): a value just above a midpoint of bf16 neighbours whose nearest f32 is
    /// the midpoint goes up, where `half`'s own `from_f64` (two roundings) goes down.
    #[test]
    fn reduced_bytes_are_rounded_once_from_f64() {
        let value = 1.0 + (-8f64).exp2() + (-40f64).exp2(); // bf16 neighbours 1, 1 + 2^-7
        assert_eq!(bf16::from_f64(value).to_f64(), 1.0);
        let mut scratch = Vec::new();
        let bytes = le_bytes(Dtype::Bf16, &[value][..], &mut scratch).to_vec();
        let mut back = Vec::new();
        decode(Dtype::Bf16, false, &bytes, &mut back);
        assert_eq!(back, [1.0 + (-7f64).exp2()]);
        let value = 1.0 + (-11f64).exp2() + (-40f64).exp2(); // f16 neighbours 1, 1 + 2^-10
        assert_eq!(f16::from_f64(value).to_f64(), 1.0);
        assert_eq!(stored(Dtype::F16, value), 1.0 + (-10f64).exp2());
        assert_eq!(stored(Dtype::F16, -value), -(1.0 + (-10f64).exp2()));
    }

    #[test]
    fn bytes_decode_back_in_every_dtype_and_order() {
        let values = [0.5f64, -0.25, 1.0, 0.0];
        let mut scratch = Vec::new();
        let mut back = Vec::new();
        for dtype in Dtype::ALL {
            let mut bytes = le_bytes(dtype, &values[..], &mut scratch).to_vec();
            assert_eq!(bytes.len(), values.len() * dtype.value_bytes());
            decode(dtype, false, &bytes, &mut back);
            assert_eq!(back, values, "{dtype:?}");
            for word in bytes.chunks_exact_mut(dtype.value_bytes()) {
                word.reverse();
            }
            decode(dtype, true, &bytes, &mut back);
            assert_eq!(back, values, "{dtype:?} big-endian");
        }
        let from_f32 = le_bytes(Dtype::F16, &[0.5f32][..], &mut scratch).to_vec();
        assert_eq!(from_f32, f16::from_f64(0.5).to_le_bytes());
        assert!(
            check_npy(Dtype::Bf16)
                .unwrap_err()
                .to_string()
                .contains("NumPy has no bfloat16")
        );
        assert_eq!(check_npy(Dtype::F16).unwrap(), "<f2");
    }
}
