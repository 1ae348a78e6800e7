//! A diverging colour map for values in [-1, 1]: blue for -1, near-white for 0, red for +1.
//!
//! The stops are ColorBrewer's 11-class RdBu (Cynthia Brewer, Apache-2.0 licensed colour
//! specifications), reversed so that negative is blue; it reads in grey scale and for the
//! common forms of colour blindness.

use plotters::style::RGBColor;

/// RdBu from -1 (index 0) to +1 (index 10).
const STOPS: [(u8, u8, u8); 11] = [
    (5, 48, 97),
    (33, 102, 172),
    (67, 147, 195),
    (146, 197, 222),
    (209, 229, 240),
    (247, 247, 247),
    (253, 219, 199),
    (244, 165, 130),
    (214, 96, 77),
    (178, 24, 43),
    (103, 0, 31),
];

/// The colour of `value`, clamped to [-1, 1]; NaN is drawn black.
pub(super) fn diverging(value: f64) -> RGBColor {
    if value.is_nan() {
        return RGBColor(0, 0, 0);
    }
    let scaled = (value.clamp(-1.0, 1.0) + 1.0) * 5.0; // 0 ..= 10
    let low = (scaled.floor() as usize).min(9);
    let t = scaled - low as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
    let (a, b) = (STOPS[low], STOPS[low + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ends_and_middle() {
        assert_eq!(diverging(-1.0), RGBColor(5, 48, 97));
        assert_eq!(diverging(-7.0), RGBColor(5, 48, 97));
        assert_eq!(diverging(0.0), RGBColor(247, 247, 247));
        assert_eq!(diverging(1.0), RGBColor(103, 0, 31));
        assert_eq!(diverging(0.1), RGBColor(250, 233, 223));
        assert_eq!(diverging(f64::NAN), RGBColor(0, 0, 0));
    }
}
