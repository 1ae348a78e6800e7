//! The suite can fail: each relation, run over a backend with a fault of the kind it exists to
//! catch, reports it. (A property that passes for every backend could be vacuous; these show
//! that the bounds are tight enough to see a real error.)

use posenc_core::{Element, Encoding, Error, Layout};
use posenc_verify::relations;
use posenc_verify::strategy::Case;
use posenc_verify::{Backend, Core};
use proptest::test_runner::TestCaseError;

/// The kinds of fault.
const SKEWED: u8 = 0; // one column off by 2^-21
const STRETCHED: u8 = 1; // every value times 1 + 2^-20
const WRONG_SCALE: u8 = 2; // positions times 1 + 2^-20
const WARPED: u8 = 3; // positions p + p²·2^-30: not shift invariant
const COARSE: u8 = 4; // positions rounded down to even integers
const FROZEN: u8 = 5; // every row is PE(0)
const PADDED: u8 = 6; // the last column plus 2^-40 (the pad column of an odd split row)

/// The core with a fault of kind `F` applied to every row it writes.
struct Faulty<const F: u8>;

impl<const F: u8> Faulty<F> {
    fn moved(p: f64) -> f64 {
        match F {
            WRONG_SCALE => p * (1.0 + 2f64.powi(-20)),
            WARPED => p + p * p * 2f64.powi(-30),
            COARSE => 2.0 * (p / 2.0).floor(),
            FROZEN => 0.0,
            _ => p,
        }
    }

    fn damage<T: Element>(row: &mut [T]) {
        match F {
            SKEWED => row[0] = T::from_f64(row[0].to_f64() + 2f64.powi(-21)),
            STRETCHED => {
                for v in row.iter_mut() {
                    *v = T::from_f64(v.to_f64() * (1.0 + 2f64.powi(-20)));
                }
            }
            PADDED => {
                let last = row.len() - 1;
                row[last] = T::from_f64(row[last].to_f64() + 2f64.powi(-40));
            }
            _ => {}
        }
    }
}

impl<const F: u8> Backend for Faulty<F> {
    const NAME: &'static str = "faulty";

    fn position<T: Element>(enc: &Encoding, position: f64, out: &mut [T]) -> Result<(), Error> {
        Core::position(enc, Self::moved(position), out)?;
        Self::damage(out);
        Ok(())
    }
}

fn case(d: usize, a: f64, b: f64, t: f64) -> Case {
    Case {
        enc: Encoding::new(d).unwrap(),
        a,
        b,
        t,
        first_row: 3,
        rows: 2,
    }
}

/// A relation on one case, for one backend and element type.
type Relation = fn(&Case) -> Result<(), TestCaseError>;

/// Every `faulty` relation fails on `c`, and the `sound` one (on the core) passes.
fn caught(c: &Case, faulty: &[Relation], sound: Relation) {
    for (i, relation) in faulty.iter().enumerate() {
        assert!(relation(c).is_err(), "faulty run {i} passed on {c:?}");
    }
    if let Err(e) = sound(c) {
        panic!("the core fails on {c:?}: {e}");
    }
}

/// [`caught`] for `relation` with fault `fault`, faulty in `f32` and in `f64`, sound on the
/// core in `f64`.
macro_rules! caught_in_both_types {
    ($case:expr, $relation:ident, $fault:ident) => {
        caught(
            &$case,
            &[
                relations::$relation::<Faulty<$fault>, f32>,
                relations::$relation::<Faulty<$fault>, f64>,
            ],
            relations::$relation::<Core, f64>,
        )
    };
}

#[test]
fn agreement_sees_one_column_off_by_four_f32_bounds() {
    caught_in_both_types!(case(8, 100.0, 0.0, 0.0), agreement, SKEWED);
}

#[test]
fn range_and_norm_see_values_stretched_by_2_pow_minus_20() {
    let stretched = relations::range_and_norm::<Faulty<STRETCHED>, f32>;
    caught(
        &case(8, 0.0, 0.0, 0.0),
        &[stretched],
        relations::range_and_norm::<Core, f32>,
    );
    // No value at ±1: only the norm can see it.
    let stretched = relations::range_and_norm::<Faulty<STRETCHED>, f64>;
    caught(
        &case(8, 0.7, 0.0, 0.0),
        &[stretched],
        relations::range_and_norm::<Core, f64>,
    );
}

#[test]
fn range_and_norm_see_a_pad_column_that_is_not_zero() {
    let c = Case {
        enc: Encoding::builder(9)
            .layout(Layout::SplitSinCos)
            .build()
            .unwrap(),
        ..case(9, 3.0, 0.0, 0.0)
    };
    caught_in_both_types!(c, range_and_norm, PADDED);
}

#[test]
fn rotation_sees_a_scale_off_by_2_pow_minus_20() {
    caught_in_both_types!(case(8, 1000.0, 5000.0, 3.0), rotation, WRONG_SCALE);
}

#[test]
fn rotation_refuses_an_odd_interleaved_row() {
    let c = case(7, 1.0, 2.0, 3.0);
    assert!(
        relations::rotation::<Core, f64>(&c).is_ok(),
        "UnpairedColumn, row untouched"
    );
    let mut row = [0.5f64; 7];
    assert_eq!(
        c.enc.rotate(1.0, &mut row),
        Err(Error::UnpairedColumn { d_model: 7 })
    );
}

#[test]
fn relative_position_sees_positions_that_are_not_shift_invariant() {
    caught_in_both_types!(case(16, 100.0, 2000.0, 30_000.0), relative_position, WARPED);
}

/// Positions stretched by 1 + 2^-20 keep PE(a)·PE(b) shift invariant; only the closed form
/// Σ cos(c·(b − a)·ω_i) sees them.
#[test]
fn relative_position_sees_a_scale_off_by_2_pow_minus_20_in_the_closed_form() {
    caught_in_both_types!(
        case(16, 100.0, 2000.0, 30_000.0),
        relative_position,
        WRONG_SCALE
    );
}

#[test]
fn uniqueness_sees_positions_that_collide() {
    let enc = Encoding::new(16).unwrap();
    assert!(relations::uniqueness::<Faulty<COARSE>, f32>(&enc, 0.0, 1.0).is_err());
    assert!(relations::uniqueness::<Core, f32>(&enc, 0.0, 1.0).is_ok());
}

#[test]
fn decay_sees_a_table_that_does_not_decay() {
    assert!(relations::decay::<Faulty<FROZEN>, f64>(Layout::Interleaved).is_err());
    // A layout whose rows are right but positions stretched 2^-20 still decays: the relation
    // is about the shape, agreement is about the values.
    assert!(relations::decay::<Faulty<WRONG_SCALE>, f64>(Layout::Interleaved).is_ok());
}
