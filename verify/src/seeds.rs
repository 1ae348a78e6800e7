//! The fixed edge cases every backend meets besides the random ones: position 0, d = 1, 2, 3,
//! odd d, the tails around the vector widths, the last column (every relation checks every
//! column), the largest accurate position 2^24 − 1 and its negative, fractional positions,
//! bases at both ends of (1, 10^7], the presets' shifts and scales of both signs.

use posenc_core::Layout;

use crate::strategy::Case;

/// Row widths: the smallest ones, odd ones, and each side of the vector widths (4 and 8 lanes)
/// and of the powers of two.
pub const D_MODELS: [usize; 24] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 15, 16, 17, 31, 33, 63, 64, 65, 127, 129, 255, 512, 513, 4096,
];

/// Positions: 0, the largest accurate integer 2^24 − 1 and its negative, fractions, and 2^24.
pub const POSITIONS: [f64; 8] = [
    0.0,
    16_777_215.0,
    -16_777_215.0,
    1.0,
    0.5,
    -3.25,
    12_345.678_710_937_5, // a multiple of 2^-10
    16_777_216.0,
];

/// Offsets and shifts, paired with the positions above (sums stay exact).
pub const OFFSETS: [f64; 8] = [
    0.0,
    1.0,
    -1.0,
    16_777_215.0,
    -0.5,
    1_000.25,
    -16_777_215.0,
    2.0,
];

/// `(base, shift, scale)` settings, taken in turn.
pub const SETTINGS: [(f64, f64, f64); 6] = [
    (10_000.0, 0.0, 1.0),
    (10_000.0, 1.0, 1.0),
    (1.0e7, 0.0, 1.0),
    (1.000_001, 0.0, -1.0),
    (2.0, 0.5, 0.25),
    (500_000.0, -2.0, 1.0),
];

/// Every edge case: each `d_model` in each layout at each position, with settings, offsets and
/// blocks taken in turn so that each appears with many widths.
#[must_use]
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut turn = 0usize;
    for &d in &D_MODELS {
        for layout in Layout::ALL {
            for (i, &a) in POSITIONS.iter().enumerate() {
                turn += 1;
                let (base, shift, scale) = SETTINGS[turn % SETTINGS.len()];
                let Ok(enc) = posenc_testkit::build_encoding(d, layout, base, shift, scale) else {
                    continue; // D ≤ 0 for this width: not a valid configuration.
                };
                cases.push(Case {
                    enc,
                    a,
                    b: OFFSETS[i],
                    t: OFFSETS[(i + turn) % OFFSETS.len()],
                    first_row: [0, 1, 7, 1 << 20][turn % 4],
                    rows: [1, 2, 3, 5][turn % 4].min((4096 / d).max(1)),
                });
            }
        }
    }
    cases
}

/// The uniqueness edge pairs `(p, k)`: the nearest approach of pair 0's angles below
/// [`UNIQUE_SPAN`](posenc_testkit::bounds::UNIQUE_SPAN) from 0, at the top of the accurate range
/// and at its bottom, and neighbours.
#[must_use]
pub fn unique_pairs() -> Vec<(f64, f64)> {
    let worst = posenc_testkit::bounds::UNIQUE_WORST_OFFSET as f64;
    let top = 16_777_215.0;
    vec![
        (0.0, worst),
        (top - worst, worst),
        (-top, worst),
        (0.0, -worst),
        (0.0, 1.0),
        (top - 1.0, 1.0),
        (0.0, 710.0),     // 710 ≈ 113·2π
        (0.0, 103_993.0), // a convergent of 2π
        (0.0, 2_292_816.0),
        (0.0, (posenc_testkit::bounds::UNIQUE_SPAN - 1) as f64),
    ]
}
