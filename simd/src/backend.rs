//! The paths as values: which code computes the rows, chosen once and then passed around.

use posenc_core::{Element, Encoding, Error, Positions, Rows};

use crate::convert::{self, Convert};
use crate::scalar;
#[cfg(not(feature = "scalar-math"))]
use crate::vector::Isa;

/// One way of computing rows: the portable path (every value from [`posenc_core`]) or the
/// vector path on one instruction set. Every backend meets the same bounds; their last bits
/// may differ (FMA rounds once where separate instructions round twice), and a backend value
/// always gives the same bits, so code that must be reproducible keeps using one value.
///
/// The crate-root functions use [`Backend::detect`]. Tests and benchmarks that compare paths
/// construct the ones they want:
///
/// ```
/// use posenc_simd::{Backend, Encoding};
///
/// let enc = Encoding::new(64)?;
/// let (mut fast, mut reference) = ([0.0f32; 64], [0.0f32; 64]);
/// Backend::detect().encode_row(&enc, 1234.5, &mut fast)?;
/// Backend::portable().encode_row(&enc, 1234.5, &mut reference)?;
/// for (a, b) in fast.iter().zip(&reference) {
///     assert!((a - b).abs() <= 2e-7);
/// }
/// // AVX2+FMA only where this build and this CPU have it.
/// if let Some(avx2) = Backend::avx2_fma() {
///     assert!(avx2.name().contains("AVX2"));
/// }
/// # Ok::<(), posenc_simd::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Backend(Path);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Path {
    Portable,
    #[cfg(not(feature = "scalar-math"))]
    Vector(Isa),
}

impl Backend {
    /// The best backend of this build on this machine: the vector path on AVX2+FMA where the
    /// CPU has them (x86-64, asked once and cached), on `wide`'s lanes otherwise; the portable
    /// path with the `scalar-math` feature.
    #[inline]
    #[must_use]
    pub fn detect() -> Backend {
        #[cfg(feature = "scalar-math")]
        return Backend::portable();
        #[cfg(not(feature = "scalar-math"))]
        return Backend(Path::Vector(Isa::detect()));
    }

    /// The portable path: every value computed by [`posenc_core`], one row at a time, in every
    /// build (within 2^−24 for `f32`, correctly rounded or next to it).
    #[must_use]
    pub const fn portable() -> Backend {
        Backend(Path::Portable)
    }

    /// The vector path on `wide`'s lanes, for the instruction set the crate was compiled for
    /// (two SSE2 registers in a default x86-64 build); `None` with the `scalar-math` feature.
    #[must_use]
    pub const fn vector() -> Option<Backend> {
        #[cfg(feature = "scalar-math")]
        return None;
        #[cfg(not(feature = "scalar-math"))]
        return Some(Backend(Path::Vector(Isa::Wide)));
    }

    /// The vector path on AVX2+FMA registers, where this build and machine run them (on
    /// x86-64: chosen at run time, or compiled in with `-C target-feature=+avx2,+fma`); `None`
    /// elsewhere and with the `scalar-math` feature.
    #[must_use]
    pub fn avx2_fma() -> Option<Backend> {
        #[cfg(feature = "scalar-math")]
        return None;
        #[cfg(not(feature = "scalar-math"))]
        return Isa::avx2_fma().map(|isa| Backend(Path::Vector(isa)));
    }

    /// The vector lanes of this backend; `None` for the portable path.
    #[cfg(not(feature = "scalar-math"))]
    pub(crate) const fn isa(self) -> Option<Isa> {
        match self.0 {
            Path::Portable => None,
            Path::Vector(isa) => Some(isa),
        }
    }

    /// The backend's name and instruction set, for reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self.0 {
            Path::Portable if cfg!(feature = "scalar-math") => "portable (scalar-math)",
            Path::Portable => "portable",
            #[cfg(not(feature = "scalar-math"))]
            Path::Vector(isa) => isa.name(),
        }
    }

    /// Writes the encoding of `position` into `out` (exactly `d_model` values).
    ///
    /// # Errors
    /// [`Error::BufferLength`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`]. On
    /// error `out` is untouched.
    #[inline]
    pub fn encode_row<T: Element>(
        self,
        enc: &Encoding,
        position: f64,
        out: &mut [T],
    ) -> Result<(), Error> {
        enc.check_row(out.len())?;
        enc.check_position(position)?;
        match self.0 {
            Path::Portable => scalar::encode_row(enc, position, out),
            #[cfg(not(feature = "scalar-math"))]
            Path::Vector(isa) => isa.encode_row(enc, position, out),
        }
        Ok(())
    }

    /// Writes `rows` into `out` (exactly [`rows.values()`](Rows::values) values), row after row.
    ///
    /// Every row's values depend only on the encoding, the table's start and the row's index,
    /// never on where a block starts or ends: a table written in blocks of any sizes is
    /// bit-identical to the table written in one call. This is the kernel the parallel crate
    /// runs per chunk.
    ///
    /// `f32` tables on the vector path are stepped by a recurrence in `f64` from rows
    /// evaluated directly at every [`ANCHOR_ROWS`](crate::ANCHOR_ROWS)th GLOBAL row index,
    /// which is several times faster; each value is within 2^−23 of exact like every other,
    /// but may differ in its last bit from [`encode_row`](Backend::encode_row) at the same
    /// position. `f64` tables are evaluated row by row, with the bits of `encode_row`.
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `out` does not hold exactly the rows (then `out` is
    /// untouched); every other check was made by [`Rows::new`].
    #[inline]
    pub fn encode_rows<T: Element>(self, rows: &Rows<'_>, out: &mut [T]) -> Result<(), Error> {
        rows.check_buffer(out.len())?;
        match self.0 {
            Path::Portable => scalar::encode_rows(rows, out),
            #[cfg(not(feature = "scalar-math"))]
            Path::Vector(isa) => isa.encode_rows(rows, out),
        }
        Ok(())
    }

    /// Adds the values [`encode_rows`](Backend::encode_rows) would write to `inout`
    /// (`x + pe[rows]`), for embeddings shaped `[rows, d_model]`.
    ///
    /// The encoding is evaluated row by row in `f64` (never stepped), added in `f64` and
    /// rounded once.
    ///
    /// # Errors
    /// As [`encode_rows`](Backend::encode_rows).
    #[inline]
    pub fn add_rows<T: Element>(self, rows: &Rows<'_>, inout: &mut [T]) -> Result<(), Error> {
        rows.check_buffer(inout.len())?;
        match self.0 {
            Path::Portable => scalar::add_rows(rows, inout),
            #[cfg(not(feature = "scalar-math"))]
            Path::Vector(isa) => isa.add_rows(rows, inout),
        }
        Ok(())
    }

    /// Writes one row per position of `positions` into `out`
    /// ([`positions.values()`](Positions::values) values), for fractional timesteps and other
    /// explicit position lists. Each row has the bits of [`encode_row`](Backend::encode_row).
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `out` has not exactly one row per position (then `out` is
    /// untouched); every other check was made by [`Positions::new`].
    #[inline]
    pub fn encode_positions<T: Element>(
        self,
        positions: &Positions<'_>,
        out: &mut [T],
    ) -> Result<(), Error> {
        positions.check_buffer(out.len())?;
        match self.0 {
            Path::Portable => scalar::encode_positions(positions, out),
            #[cfg(not(feature = "scalar-math"))]
            Path::Vector(isa) => isa.encode_positions(positions, out),
        }
        Ok(())
    }

    /// Rounds every `f32` of `src` once to `T` into `dst` (to nearest, ties to even): the
    /// conversion this backend's `f16`/`bf16` tables end with. On the AVX2+FMA backend of a
    /// CPU with F16C, `f16` takes F16C's `vcvtps2ph` and `bf16` AVX2's integer rounding,
    /// eight values at a time; elsewhere the `half` crate's `from_f32` (`bf16` vectorised for
    /// the build's target). The bits are the same on every backend. `f32` is copied, `f64`
    /// widened.
    ///
    /// ```
    /// use posenc_simd::{Backend, bf16, f16};
    ///
    /// let values = [0.1f32, -2.5, 1.0 + 2f32.powi(-11), 65520.0];
    /// let mut halves = [f16::ZERO; 4];
    /// Backend::detect().convert_f32(&values, &mut halves)?;
    /// assert_eq!(halves[0], f16::from_f32(0.1));
    /// assert_eq!(halves[2], f16::ONE); // a tie: to even
    /// assert_eq!(halves[3], f16::INFINITY);
    /// let mut brains = [bf16::ZERO; 4];
    /// Backend::portable().convert_f32(&values, &mut brains)?;
    /// assert_eq!(brains[1], bf16::from_f32(-2.5));
    /// assert!(Backend::detect().convert_f32(&values, &mut halves[..3]).is_err());
    /// # Ok::<(), posenc_simd::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `dst` has not the length of `src` (then `dst` is
    /// untouched).
    pub fn convert_f32<T: Element>(self, src: &[f32], dst: &mut [T]) -> Result<(), Error> {
        if dst.len() != src.len() {
            return Err(Error::BufferLength {
                expected: src.len(),
                actual: dst.len(),
            });
        }
        convert::narrow(self.conversions(), src, dst);
        Ok(())
    }

    /// The conversions of this backend's `f16`/`bf16` outputs.
    pub(crate) fn conversions(self) -> Convert {
        match self.0 {
            Path::Portable => Convert::Scalar,
            #[cfg(not(feature = "scalar-math"))]
            Path::Vector(isa) => isa.convert(),
        }
    }
}
