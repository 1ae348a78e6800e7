//! Instructions counted by the SysTick timer: under `qemu-system-arm -icount shift=0` every
//! instruction takes one nanosecond of virtual time and the mps2-an386's 25 MHz SysTick
//! advances once per 40 of them; [`calibrate`] measures that ratio on a loop of known length.

use cortex_m::peripheral::syst::SystClkSource;
use cortex_m::peripheral::SYST;

/// The SysTick's counter is 24 bits wide.
const MASK: u32 = 0x00FF_FFFF;

/// Starts the SysTick counting down from its top, on the processor clock, without interrupts.
pub fn start(mut syst: SYST) {
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(MASK);
    syst.clear_current();
    syst.disable_interrupt();
    syst.enable_counter();
}

/// SysTick ticks spent in `f` (below 2^24 of them, which is 671 million instructions).
pub fn ticks(f: impl FnOnce()) -> u32 {
    let before = SYST::get_current();
    f();
    let after = SYST::get_current();
    before.wrapping_sub(after) & MASK
}

/// Runs a loop of exactly `2·n` instructions (`subs`, `bne`).
#[inline(never)]
fn spin(n: u32) {
    // SAFETY: a register count-down loop; it touches no memory and no flags the compiler
    // relies on across the block (`subs` sets them, which asm! assumes by default).
    unsafe {
        core::arch::asm!("1:", "subs {0}, {0}, #1", "bne 1b", inout(reg) n => _, options(nomem, nostack));
    }
}

/// Instructions per SysTick tick, measured on a loop of 2·10^6 instructions (rounded to the
/// nearest whole number).
pub fn calibrate() -> u32 {
    let n = 1_000_000;
    let t = ticks(|| spin(n)).max(1);
    (2 * n + t / 2) / t
}
