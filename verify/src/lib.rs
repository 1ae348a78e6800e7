//! # posenc-verify: one property suite over every backend
//!
//! The relations of the SPEC, checked by machine for every way posenc computes an encoding: the
//! core, the SIMD crate's vector path and its portable path, and the parallel crate. Each is an
//! adapter implementing [`Backend`] ("encode rows `start + first_row ..` into this buffer",
//! "encode this position"), and [`backend_suite!`] expands the same properties over any of them,
//! as memchr runs one macro over every searcher.
//!
//! The relations ([`relations`]): 1 agreement with the core, 3 the rotation R(b), 4 relative
//! position, 5 range and norm, 6 uniqueness, 7 long-range decay; 2, determinism of the parallel
//! crate against sequential SIMD in pools of 1, 2, 3 and 7 threads, is `tests/determinism.rs`.
//! Every bound is in `posenc_testkit::bounds`, with its reason.
//!
//! The golden file runs through every backend too ([`golden`]), in `f16` and `bf16` as well
//! ([`reduced`]). Random cases ([`strategy`], from
//! `posenc-testkit`) run beside fixed edge seeds ([`seeds`]). Default case counts keep
//! `cargo test --workspace` quick; `PROPTEST_CASES=20000` makes a deep run.
#![deny(missing_docs)]

pub mod backend;
pub mod backend_fixed;
pub mod golden;
pub mod reduced;
pub mod relations;
pub mod seeds;

/// The strategies of valid configurations, shared with every crate's tests.
pub use posenc_testkit::strategy;

pub use backend::{Backend, Core, Parallel, Portable, Simd, SimdPath, Wide};

/// Expands the whole suite for one backend into a module `$name`: the golden file, relations
/// 1, 3, 4, 5 and 6 on random cases and on every edge seed, in `f32` and `f64`, and relation 7
/// in every layout.
///
/// ```ignore
/// posenc_verify::backend_suite!(simd, posenc_verify::Simd);
/// ```
#[macro_export]
macro_rules! backend_suite {
    ($name:ident, $backend:ty) => {
        mod $name {
            use posenc_core::Layout;
            use proptest::prelude::*;
            use $crate::relations;
            use $crate::strategy::{self, Case};

            type B = $backend;

            fn both(case: &Case) -> Result<(), TestCaseError> {
                relations::agreement::<B, f32>(case)?;
                relations::agreement::<B, f64>(case)?;
                relations::rotation::<B, f32>(case)?;
                relations::rotation::<B, f64>(case)?;
                relations::relative_position::<B, f32>(case)?;
                relations::relative_position::<B, f64>(case)?;
                relations::range_and_norm::<B, f32>(case)?;
                relations::range_and_norm::<B, f64>(case)
            }

            proptest! {
                #![proptest_config(strategy::config(96))]

                // Relations 1, 3, 4 and 5 on one random case each, in f32 and f64 (every
                // failure names its relation).
                #[test]
                fn agreement_rotation_relative_position_range_and_norm(case in strategy::case()) {
                    both(&case)?;
                }

                #[test]
                fn uniqueness(
                    enc in strategy::encoding(),
                    p in -(1i64 << 24)..=(1 << 24),
                    k in 1i64..(posenc_testkit::bounds::UNIQUE_SPAN as i64),
                ) {
                    prop_assume!(enc.d_model() >= 2);
                    let enc = enc.to_builder().scale(1.0).build().expect("scale 1 is valid");
                    // Keep both positions within ±2^24: step down when p + k is beyond it.
                    let k = if p + k > 1 << 24 { -k } else { k };
                    relations::uniqueness::<B, f32>(&enc, p as f64, k as f64)?;
                    relations::uniqueness::<B, f64>(&enc, p as f64, k as f64)?;
                }
            }

            #[test]
            fn golden_file() {
                let _ = $crate::golden::check::<B>();
            }

            #[test]
            fn reduced_golden_file() {
                let _ = $crate::reduced::check::<B>();
            }

            #[test]
            fn edge_seeds() {
                for case in $crate::seeds::cases() {
                    if let Err(e) = both(&case) {
                        panic!("edge seed {case:?}: {e}");
                    }
                }
            }

            #[test]
            fn uniqueness_edge_pairs() {
                for d in [2usize, 3, 4, 512] {
                    for layout in Layout::ALL {
                        let enc = posenc_core::Encoding::builder(d)
                            .layout(layout)
                            .build()
                            .unwrap();
                        for (p, k) in $crate::seeds::unique_pairs() {
                            relations::uniqueness::<B, f32>(&enc, p, k).unwrap();
                            relations::uniqueness::<B, f64>(&enc, p, k).unwrap();
                        }
                    }
                }
            }

            // A 10^4-row table per run: the paper's layout in both types, and each split layout
            // in one, so that every layout and every type meets the relation.
            #[test]
            fn long_range_decay() {
                relations::decay::<B, f32>(Layout::Interleaved).unwrap();
                relations::decay::<B, f64>(Layout::Interleaved).unwrap();
                relations::decay::<B, f32>(Layout::SplitSinCos).unwrap();
                relations::decay::<B, f64>(Layout::SplitCosSin).unwrap();
            }
        }
    };
}
