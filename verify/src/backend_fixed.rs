//! `posenc-simd`'s `f64`-free path, [`posenc_simd::fixed`], as a [`Backend`].

use posenc_core::{Element, Encoding, Error, RowMut};
use posenc_simd::fixed::{FixedEncoding, QuarterTurnRate};

use crate::Backend;

/// `posenc_simd::fixed`: `f32` rows with no `f64` arithmetic per row. That path writes `f32`
/// only, so its `f64` (and `f16`, `bf16`) rows are the core's (the suite's checks of those
/// types on this backend check the core again); its `f32` rows are its own. Table rows are at the SIMD crate's
/// [`row_position`](posenc_simd::row_position), one `encode_row` each (the trait's default [`rows`](Backend::rows)).
#[derive(Debug)]
pub struct Fixed;

impl Backend for Fixed {
    const NAME: &'static str = "fixed";

    fn position<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
        match T::as_row_mut(out) {
            RowMut::F32(out) => {
                let mut rates = vec![QuarterTurnRate::default(); enc.pairs()];
                FixedEncoding::new(enc, &mut rates)?.encode_row(position, out)
            }
            // The fixed path writes f32 only: every other type is the core's.
            _ => enc.encode(position, out),
        }
    }
}
