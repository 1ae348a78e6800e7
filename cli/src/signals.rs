//! Termination signals end a run the way an error does: SIGINT (Ctrl-C), SIGTERM (`timeout`,
//! systemd, Kubernetes, Slurm) and SIGHUP (a closed terminal or SSH session) remove the
//! temporary file of every unfinished output, leave existing files as they were, print one line
//! on stderr and exit with 128 + the signal's number, the status a shell shows for a process
//! the signal ended. A signal the process was started with ignored (`nohup`, a background
//! job's SIGINT) stays ignored.
//!
//! The signals are blocked in every thread and taken by a thread of their own (`sigwait`), so
//! the ending is ordinary code, not a signal handler, and it does not wait for the writers: a
//! writer blocked on a full pipe or a slow disk ends with the process. The ending holds the
//! lock of the temporaries' registry until the process exits ([`tmpfile::end_run`]): a signal
//! during the final rename finds the output either complete or still temporary, never half
//! renamed, and a second signal while cleaning up is never acted on (the signals stay blocked,
//! and the thread that takes them is busy ending the run).
//!
//! The process ends with `_exit`: no atexit handlers, and no flush of Rust's stdout, which
//! would wait for the lock that a writer blocked on a full pipe holds.

use std::io::{self, IsTerminal, Write};

use crate::tmpfile;

/// Installs the handling of SIGINT, SIGTERM and SIGHUP (Ctrl-C only, elsewhere than Unix).
///
/// To be called once, before any other thread is started: the signals are blocked in the
/// calling thread, and threads started later inherit that. If the handling cannot be
/// installed, the signals keep their default effect (the process ends and leaves what an
/// unnamed temporary file leaves: nothing, or a named `.partial` file that the next run
/// reports); nothing else is at stake, so the failure is not reported.
pub(crate) fn install() {
    tmpfile::run_start();
    platform::install();
}

/// Ends the run after the signal `number` called `name`: removes the temporary files, says
/// what is left on stderr and exits with 128 + `number`.
fn end(number: i32, name: &str) -> ! {
    let ending = tmpfile::end_run();
    let mut stderr = io::stderr();
    // On a terminal, the line replaces a progress bar rather than following it.
    let clear = if stderr.is_terminal() {
        "\r\x1b[2K"
    } else {
        ""
    };
    // Nothing more can be done if stderr is closed.
    let _ = writeln!(
        stderr,
        "{clear}error: interrupted by {name}; {}",
        ending.leaves
    );
    platform::exit(128 + number)
}

#[cfg(unix)]
mod platform {
    use std::mem::MaybeUninit;

    /// The signals that end a run.
    const SIGNALS: [(libc::c_int, &str); 3] = [
        (libc::SIGINT, "SIGINT"),
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
    ];

    pub(super) fn install() {
        let set = termination_set();
        if mask(libc::SIG_BLOCK, &set) != 0 {
            return;
        }
        let waiter = std::thread::Builder::new()
            .name("posenc-signals".to_owned())
            .spawn(move || {
                loop {
                    let mut number: libc::c_int = 0;
                    // SAFETY: `set` is an initialised signal set and `number` a place for the
                    // result; the signals of `set` are blocked in this thread (inherited).
                    let waited = unsafe { libc::sigwait(&set, &mut number) };
                    let taken = SIGNALS.iter().find(|&&(n, _)| waited == 0 && n == number);
                    if let Some(&(_, name)) = taken {
                        super::end(number, name);
                    }
                }
            });
        if waiter.is_err() {
            // Nobody would take them: give the signals back their default effect.
            mask(libc::SIG_UNBLOCK, &set);
        }
    }

    /// SIGINT, SIGTERM and SIGHUP as a signal set, less those the process was started with
    /// ignored: `nohup` ignores SIGHUP, and a shell ignores SIGINT for a background job, and
    /// taking them would end a run that was meant to survive them.
    fn termination_set() -> libc::sigset_t {
        let mut set = MaybeUninit::<libc::sigset_t>::uninit();
        // SAFETY: sigemptyset initialises the set it is given.
        unsafe { libc::sigemptyset(set.as_mut_ptr()) };
        for (number, _) in SIGNALS {
            if !is_ignored(number) {
                // SAFETY: the set is initialised and `number` is a valid signal number.
                unsafe { libc::sigaddset(set.as_mut_ptr(), number) };
            }
        }
        // SAFETY: initialised by sigemptyset above.
        unsafe { set.assume_init() }
    }

    /// True when the signal `number`'s action is to be ignored (inherited through exec).
    fn is_ignored(number: libc::c_int) -> bool {
        let mut action = MaybeUninit::<libc::sigaction>::uninit();
        // SAFETY: with a null new action, sigaction only writes the current one into `action`.
        let asked = unsafe { libc::sigaction(number, std::ptr::null(), action.as_mut_ptr()) };
        // SAFETY: sigaction succeeded, so it wrote the whole struct.
        asked == 0 && unsafe { action.assume_init() }.sa_sigaction == libc::SIG_IGN
    }

    /// Blocks or unblocks (`how`) the signals of `set` in the calling thread.
    fn mask(how: libc::c_int, set: &libc::sigset_t) -> libc::c_int {
        // SAFETY: `set` is an initialised signal set; the old mask is not asked for.
        unsafe { libc::pthread_sigmask(how, set, std::ptr::null_mut()) }
    }

    pub(super) fn exit(status: i32) -> ! {
        // SAFETY: `_exit` has no preconditions; it ends the process without running any
        // other code of it.
        unsafe { libc::_exit(status) }
    }
}

#[cfg(not(unix))]
mod platform {
    /// The number Ctrl-C is reported with (SIGINT's on Unix: exit status 130).
    const CTRL_C: i32 = 2;

    pub(super) fn install() {
        let _ = ctrlc::set_handler(|| super::end(CTRL_C, "Ctrl-C"));
    }

    pub(super) fn exit(status: i32) -> ! {
        std::process::exit(status)
    }
}
