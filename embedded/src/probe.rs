//! What the size probes (`bin/one_row.rs`, `bin/one_head.rs`) share: the semihosting exit
//! with the status of their one call, and a panic handler that exits with failure (neither
//! prints, so that no formatting code counts towards their size).

// `exit.rs` beside this file (a module loaded by `#[path]` finds its own by path, too).
#[path = "exit.rs"]
mod exit;

pub use exit::exit;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    exit(false)
}
