//! The semihosting exit, shared by the test firmware (`main.rs`) and the size probes
//! (`probe.rs`).

use cortex_m_semihosting::debug;

/// Exits the emulator with success when `ok`, failure otherwise. Always inlined, as each
/// probe had it written out: sharing it must not change the sizes the README quotes.
#[inline(always)]
pub fn exit(ok: bool) -> ! {
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}
