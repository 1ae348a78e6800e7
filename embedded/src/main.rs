//! posenc on an emulated Cortex-M4F (qemu-system-arm -M mps2-an386, semihosting): every golden
//! row of `testkit/golden/vectors.csv` (and of `rope.csv`, through the core's RoPE) through the `f64`-free path, the core and the SIMD
//! crate's row, `f32` and `f64`; the rotation R(1) on each; every error the `no_std` crates can
//! return; and the instructions per d = 64 row of the `f64`-free path against the naive `f32`
//! loop. Prints `N passed, M failed` and exits with status 0 only when nothing failed.
#![no_std]
#![no_main]

mod count;
mod errors;
mod exit;
mod golden_rows;
mod rope_errors;
mod rope_rows;
mod rope_speed;
mod speed;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;

/// Passed and failed checks; the first failures are printed.
pub struct Tally {
    passed: u32,
    failed: u32,
}

impl Tally {
    /// Counts one check; prints what failed (the first 30 failures).
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> Failure) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            if self.failed <= 30 {
                let f = what();
                hprintln!(
                    "FAILED {}: {} (value {:e}, bound {:e})",
                    f.what,
                    f.at,
                    f.value,
                    f.bound
                );
            }
        }
    }

    /// Counts a check that has no measured value: a call that must succeed, a condition.
    pub fn require(&mut self, ok: bool, what: &'static str, at: &'static str) {
        self.check(ok, || Failure {
            what,
            at,
            value: 0.0,
            bound: 0.0,
        });
    }
}

/// What a failed check was.
pub struct Failure {
    /// The check.
    pub what: &'static str,
    /// Where (a golden case, an error's name).
    pub at: &'static str,
    /// The measured value (an error, a count).
    pub value: f64,
    /// What it had to stay within.
    pub bound: f64,
}

#[entry]
fn main() -> ! {
    let peripherals = cortex_m::Peripherals::take();
    let mut tally = Tally {
        passed: 0,
        failed: 0,
    };
    match peripherals {
        Some(p) => count::start(p.SYST),
        None => tally.require(false, "peripherals", "SysTick"),
    }
    golden_rows::run(&mut tally);
    errors::run(&mut tally);
    rope_rows::run(&mut tally);
    rope_errors::run(&mut tally);
    speed::run(&mut tally);
    rope_speed::run(&mut tally);
    hprintln!("{} passed, {} failed", tally.passed, tally.failed);
    exit::exit(tally.failed == 0)
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    exit::exit(false)
}
