//! The two output types, `f32` and `f64`, behind one sealed trait.

use core::fmt::Debug;

/// A floating-point type posenc writes: `f32` or `f64`. Sealed: no other type can implement it.
///
/// Generic code over `Element` can still reach the concrete slice through
/// [`as_row_mut`](Element::as_row_mut), which is how the SIMD crate picks its kernel without
/// `unsafe` casts.
pub trait Element:
    Copy + Default + PartialEq + PartialOrd + Debug + Send + Sync + 'static + sealed::Sealed
{
    /// The type's name as NumPy and the CLI spell it: `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// The number of mantissa bits, 24 or 53.
    const MANTISSA_BITS: u32;
    /// Rounds an `f64` to this type (to nearest, ties to even).
    fn from_f64(value: f64) -> Self;
    /// Widens this value to `f64` (exact).
    fn to_f64(self) -> f64;
    /// The slice as the concrete type it is.
    fn as_row_mut(row: &mut [Self]) -> RowMut<'_>;
    /// The slice as the concrete type it is.
    fn as_row(row: &[Self]) -> Row<'_>;
}

/// A mutable slice of one of the [`Element`] types, named by its concrete type.
#[derive(Debug)]
pub enum RowMut<'a> {
    /// An `f32` slice.
    F32(&'a mut [f32]),
    /// An `f64` slice.
    F64(&'a mut [f64]),
}

/// A shared slice of one of the [`Element`] types, named by its concrete type.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// An `f32` slice.
    F32(&'a [f32]),
    /// An `f64` slice.
    F64(&'a [f64]),
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

impl Element for f32 {
    const NAME: &'static str = "f32";
    const MANTISSA_BITS: u32 = 24;
    #[inline]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
    #[inline]
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
    #[inline]
    fn as_row_mut(row: &mut [Self]) -> RowMut<'_> {
        RowMut::F32(row)
    }
    #[inline]
    fn as_row(row: &[Self]) -> Row<'_> {
        Row::F32(row)
    }
}

impl Element for f64 {
    const NAME: &'static str = "f64";
    const MANTISSA_BITS: u32 = 53;
    #[inline]
    fn from_f64(value: f64) -> Self {
        value
    }
    #[inline]
    fn to_f64(self) -> f64 {
        self
    }
    #[inline]
    fn as_row_mut(row: &mut [Self]) -> RowMut<'_> {
        RowMut::F64(row)
    }
    #[inline]
    fn as_row(row: &[Self]) -> Row<'_> {
        Row::F64(row)
    }
}
