//! The rotation R(b): advancing an encoded row by an offset without re-encoding it.

use crate::angle::sin_cos_of;
use crate::{Columns, Element, Encoding, Error, Layout};

impl Encoding {
    /// Applies R(`offset`) to `row` in place, so that a row holding PE(a) then holds PE(a + offset).
    ///
    /// R(b) is block diagonal: each (sin, cos) pair turns by the angle `c·b·ω_i`, using
    /// `sin(x+y) = sin x cos y + cos x sin y` and `cos(x+y) = cos x cos y − sin x sin y`; the zero
    /// column of an odd split layout stays zero. R is linear, so it applies to any row, not only
    /// encodings: this is the seam rotary position embeddings build on.
    ///
    /// ```
    /// use posenc_core::Encoding;
    ///
    /// let enc = Encoding::new(8)?;
    /// let (mut moved, mut direct) = ([0.0f64; 8], [0.0f64; 8]);
    /// enc.encode(10.0, &mut moved)?;
    /// enc.rotate(5.0, &mut moved)?;
    /// enc.encode(15.0, &mut direct)?;
    /// for (m, d) in moved.iter().zip(&direct) {
    ///     assert!((m - d).abs() < 1e-15);
    /// }
    /// # Ok::<(), posenc_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferLength`], [`Error::NonFinitePosition`] or [`Error::AngleOverflow`] for the
    /// offset, and [`Error::UnpairedColumn`] for an interleaved layout with odd `d_model`, whose
    /// lone last sine cannot be advanced without its cosine. On error `row` is untouched.
    pub fn rotate<T: Element>(&self, offset: f64, row: &mut [T]) -> Result<(), Error> {
        self.check_row(row.len())?;
        let d = self.d_model();
        if self.layout() == Layout::Interleaved && !d.is_multiple_of(2) {
            return Err(Error::UnpairedColumn { d_model: d });
        }
        let scaled = self.scaled_position(offset)?;
        // Through the column map, by iterators alone (no bounds check: the no_panic proof
        // covers this function). Odd interleaved rows were refused above, so every pair has
        // its cosine; the zero column of an odd split row stays zero.
        let turn = |omega: (f64, f64), s: &mut T, c: &mut T| {
            let (sin_b, cos_b) = sin_cos_of(scaled, omega);
            let (sin_a, cos_a) = (s.to_f64(), c.to_f64());
            *s = T::from_f64(sin_a * cos_b + cos_a * sin_b);
            *c = T::from_f64(cos_a * cos_b - sin_a * sin_b);
        };
        match self.layout().columns(row) {
            Columns::Interleaved(row) => {
                for (columns, omega) in row.chunks_exact_mut(2).zip(self.omegas()) {
                    if let [s, c] = columns {
                        turn(omega, s, c);
                    }
                }
            }
            Columns::Split { sin, cos, .. } => {
                for ((s, c), omega) in sin.iter_mut().zip(cos).zip(self.omegas()) {
                    turn(omega, s, c);
                }
            }
        }
        Ok(())
    }
}
