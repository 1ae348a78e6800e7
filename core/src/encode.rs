//! Single positions: a whole row, or one column.

use crate::angle::sin_cos_of;
use crate::{Column, Columns, Element, Encoding, Error};

impl Encoding {
    /// Writes the encoding of `position` (any finite `f64`) into `out`, which must hold exactly
    /// [`d_model`](Encoding::d_model) values.
    ///
    /// Every `f32` value is within 2^−24 of the exact one (correctly rounded or next to it), every
    /// `f64` value within 2^−48·(1 + |θ|), for `|c·p| ≤ 2^24`, any layout and base up to 10^7;
    /// beyond, the error grows at most in proportion to `|θ|`.
    ///
    /// ```
    /// use posenc_core::Encoding;
    ///
    /// let enc = Encoding::new(4)?;
    /// let mut row = [0.0f64; 4];
    /// enc.encode(1.0, &mut row)?;
    /// // sin(1), cos(1), sin(1/100), cos(1/100)
    /// assert_eq!(row[0], 1.0f64.sin());
    /// assert_eq!(row[1], 1.0f64.cos());
    /// assert!((row[2] - 0.01f64.sin()).abs() < 1e-17);
    /// assert!(enc.encode(f64::NAN, &mut row).is_err());
    /// assert!(enc.encode(1.0, &mut [0.0f64; 3]).is_err());
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferLength`] when `out.len() != d_model`, [`Error::NonFinitePosition`],
    /// [`Error::AngleOverflow`] when `c·p` is not finite. On error `out` is untouched.
    pub fn encode<T: Element>(&self, position: f64, out: &mut [T]) -> Result<(), Error> {
        self.check_row(out.len())?;
        let scaled = self.scaled_position(position)?;
        // Written through the column map, by iterators alone: no index, so no bounds check
        // (the no_panic proof covers this function).
        // The frequencies are walked in order (one exp per few pairs, see `angle`), zipped
        // with the pairs.
        let mut omegas = self.omegas();
        match self.layout().columns(out) {
            Columns::Interleaved(row) => {
                let mut pairs = row.chunks_exact_mut(2);
                for (columns, omega) in (&mut pairs).zip(&mut omegas) {
                    let (sin, cos) = sin_cos_of(scaled, omega);
                    if let [s, c] = columns {
                        (*s, *c) = (T::from_f64(sin), T::from_f64(cos));
                    }
                }
                // The lone last sine of an odd row, whose frequency is the next one.
                if let ([lone], Some(omega)) = (pairs.into_remainder(), omegas.next()) {
                    *lone = T::from_f64(sin_cos_of(scaled, omega).0);
                }
            }
            Columns::Split { sin, cos, pad } => {
                for ((s, c), omega) in sin.iter_mut().zip(cos).zip(omegas) {
                    let (sin, cos) = sin_cos_of(scaled, omega);
                    (*s, *c) = (T::from_f64(sin), T::from_f64(cos));
                }
                pad.fill(T::from_f64(0.0));
            }
        }
        Ok(())
    }

    /// The value of one column at `position`, in `f64`.
    ///
    /// ```
    /// let enc = posenc_core::Encoding::new(512)?;
    /// assert_eq!(enc.value(2.0, 0)?, 2.0f64.sin());
    /// assert_eq!(enc.value(0.0, 511)?, 1.0); // cos 0
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::ColumnOutOfRange`], [`Error::NonFinitePosition`], [`Error::AngleOverflow`].
    pub fn value(&self, position: f64, column: usize) -> Result<f64, Error> {
        let what = self
            .layout()
            .column(self.d_model(), column)
            .ok_or(Error::ColumnOutOfRange {
                column,
                d_model: self.d_model(),
            })?;
        let scaled = self.scaled_position(position)?;
        Ok(match what {
            Column::Sin(pair) => self.sin_cos(scaled, pair).0,
            Column::Cos(pair) => self.sin_cos(scaled, pair).1,
            Column::Zero => 0.0,
        })
    }

    /// Checks that `position` can be encoded: finite, and `c·position` finite.
    ///
    /// ```
    /// let enc = posenc_core::Encoding::new(8)?;
    /// assert!(enc.check_position(-1.5e9).is_ok());
    /// assert!(enc.check_position(f64::NAN).is_err());
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::NonFinitePosition`], [`Error::AngleOverflow`].
    pub fn check_position(&self, position: f64) -> Result<(), Error> {
        self.scaled_position(position).map(|_| ())
    }

    /// Checks that a row buffer has `d_model` values.
    ///
    /// # Errors
    /// [`Error::BufferLength`] otherwise.
    pub fn check_row(&self, len: usize) -> Result<(), Error> {
        crate::rows::check_buffer(self.d_model(), len)
    }
}
