//! What the size probes (`bin/one_row.rs`, `bin/one_head.rs`) share: the semihosting exit
//! with the status of their one call, and a panic handler that exits with failure (neither
//! prints, so that no formatting code counts towards their size).

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

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    exit(false)
}
