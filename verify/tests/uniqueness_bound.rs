//! The number theory behind `bounds::UNIQUE_SPAN` (SPEC relation 6), checked exhaustively: over
//! every integer offset `1 ≤ k < UNIQUE_SPAN` pair 0's angles (frequency 1) stay at least
//! `UNIQUE_WORST_DISTANCE` apart modulo 2π, nearest at `UNIQUE_WORST_OFFSET`, and at
//! `k = UNIQUE_SPAN` itself they come too near for pair 0 to separate `f32` rows: the proof stops.

use posenc_testkit::bounds::{UNIQUE_SPAN, UNIQUE_WORST_DISTANCE, UNIQUE_WORST_OFFSET};

/// 2π as a double-double: `TAU_HI + TAU_LO` is within 10^−32 of it.
const TAU_HI: f64 = std::f64::consts::TAU;
const TAU_LO: f64 = 2.449_293_598_294_706_4e-16;

/// The distance from `k` to the nearest multiple of 2π. `k − m·TAU_HI` is rounded once by the
/// fused multiply-add, and is below π, so it is off by under 2^−52; `m·TAU_LO` (m < 2^21) is
/// below 10^−9 and rounds far below that. The total error is under 10^−15, four orders below the
/// margins checked here.
fn distance_to_turns(k: u64) -> f64 {
    let k = k as f64;
    let m = (k / TAU_HI).round();
    ((-m).mul_add(TAU_HI, k) - m * TAU_LO).abs()
}

#[test]
fn pair_zero_separates_every_offset_below_the_span() {
    let (worst_k, worst) =
        (1..UNIQUE_SPAN)
            .map(|k| (k, distance_to_turns(k)))
            .fold(
                (0, f64::INFINITY),
                |best, x| if x.1 < best.1 { x } else { best },
            );
    assert_eq!(worst_k, UNIQUE_WORST_OFFSET);
    assert!(worst >= UNIQUE_WORST_DISTANCE, "{worst:e}");
    // The span is where pair 0 stops separating f32 rows: chord/√2 below two bounds of 2^−23.
    let at_span = distance_to_turns(UNIQUE_SPAN);
    assert!(
        at_span / std::f64::consts::SQRT_2 < 2.0 * posenc_testkit::bounds::BACKEND_F32,
        "{at_span:e}"
    );
}

#[test]
fn the_margin_covers_both_values_bounds() {
    // One coordinate of pair 0 differs by at least chord/√2; each computed value may be off by
    // the f32 backend bound (the f64 bound at |θ| ≤ 2^24 is smaller).
    let chord = 2.0 * (UNIQUE_WORST_DISTANCE / 2.0).sin();
    let f64_at_top = posenc_testkit::bounds::f64_bound(16_777_216.0);
    assert!(f64_at_top < posenc_testkit::bounds::BACKEND_F32);
    assert!(chord / std::f64::consts::SQRT_2 > 2.0 * posenc_testkit::bounds::BACKEND_F32);
}
