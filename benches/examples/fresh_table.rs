//! Fresh 128 MiB `f32` tables, the huge-page measurement of issue 14: each table is allocated,
//! written and freed, REPS times in this process (the first is a fresh process's first table).
//!
//! `cargo run --release -p posenc-benches --example fresh_table -- MODE THREADS REPS [ROWS]`,
//! MODE one of `table` (what `posenc_parallel::table` does), `advised` (zeroed memory with
//! `madvise(MADV_HUGEPAGE)`, then `fill_table`), `plain` (zeroed memory, no advice, then
//! `fill_table`), `populate` (zeroed memory populated by each thread with
//! `MADV_POPULATE_WRITE`, then `fill_table`), `vec` (`vec![0.0f32; n]` filled with a constant
//! by the same threads). With `first` after ROWS (`... MODE THREADS REPS ROWS first`), the
//! REPS tables are each the first of a fresh process: the example runs itself REPS times with
//! one table each and collects their times.
//! Prints every time in ms, then the median and the worst.
//!
//! The measurement of issue 14 (medians and worst of 20, 1 and 2 threads, each mode, both
//! ways): `for t in 1 2; do for m in vec table advised plain; do for w in "" first; do
//! fresh_table $m $t 20 32768 $w; done; done; done`.

use std::time::Instant;

use posenc_parallel::{Encoding, fill_table, table};
use rayon::prelude::*;

const D: usize = 1024;

#[cfg_attr(not(target_os = "linux"), allow(unused_variables, unused_mut))]
fn zeroed(values: usize, advise: bool) -> Vec<f32> {
    let mut v = vec![0.0f32; values];
    #[cfg(target_os = "linux")]
    if advise {
        let (ptr, bytes) = (v.as_mut_ptr() as usize, values * 4);
        let huge = 2 << 20;
        let begin = ptr.next_multiple_of(huge);
        let end = (ptr + bytes) & !(huge - 1);
        if end > begin {
            // SAFETY: [begin, end) lies inside `v`'s allocation; the advice changes only how
            // its pages are faulted in.
            unsafe { libc::madvise(begin as *mut libc::c_void, end - begin, libc::MADV_HUGEPAGE) };
        }
    }
    v
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("table", String::as_str).to_owned();
    let threads: usize = args.get(2).map_or(2, |s| s.parse().unwrap());
    let reps: usize = args.get(3).map_or(20, |s| s.parse().unwrap());
    let rows: usize = args.get(4).map_or(32_768, |s| s.parse().unwrap());
    if args.get(5).is_some_and(|s| s == "first") {
        let times: Vec<f64> = (0..reps)
            .map(|_| first_table_ms(&mode, threads, rows))
            .collect();
        report(
            &format!("{mode} first-in-process"),
            threads,
            rows,
            &times,
            "",
        );
        return;
    }
    let enc = Encoding::new(D).unwrap();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let mut times = Vec::new();
    let mut sum = 0.0f64;
    for _ in 0..reps {
        let began = Instant::now();
        let t: Vec<f32> = pool.install(|| match mode.as_str() {
            "vec" => {
                let mut v = vec![0.0f32; rows * D];
                let part = v.len().div_ceil(threads);
                v.par_chunks_mut(part).for_each(|c| c.fill(0.5));
                v
            }
            "populate" => {
                let mut v = zeroed(rows * D, false);
                let part = v.len().div_ceil(threads);
                #[cfg(target_os = "linux")]
                v.par_chunks_mut(part).for_each(|c| {
                    let (ptr, bytes) = (c.as_mut_ptr() as usize, c.len() * 4);
                    let begin = ptr.next_multiple_of(4096);
                    let end = (ptr + bytes) & !4095;
                    // SAFETY: inside `v`; populating changes no contents.
                    unsafe {
                        libc::madvise(
                            begin as *mut libc::c_void,
                            end - begin,
                            libc::MADV_POPULATE_WRITE,
                        )
                    };
                });
                fill_table(&enc, 0.0, &mut v).unwrap();
                v
            }
            "advised" | "plain" => {
                let mut v = zeroed(rows * D, mode == "advised");
                fill_table(&enc, 0.0, &mut v).unwrap();
                v
            }
            _ => table(&enc, 0.0, rows).unwrap(),
        });
        times.push(began.elapsed().as_secs_f64() * 1e3);
        sum += f64::from(t[t.len() / 3]);
        drop(t);
    }
    report(&mode, threads, rows, &times, &format!(" ({sum})"));
}

/// The time of the one table of a fresh process running this example in `mode`.
fn first_table_ms(mode: &str, threads: usize, rows: usize) -> f64 {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([mode, &threads.to_string(), "1", &rows.to_string()])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // "… median T ms, …" of the child's one table.
    let (_, after) = text.split_once("median ").unwrap();
    after.split_once(" ms").unwrap().0.parse().unwrap()
}

/// Prints every time in ms, then the median and the worst.
fn report(what: &str, threads: usize, rows: usize, times: &[f64], tail: &str) {
    let list: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    println!(
        "{what} threads={threads} rows={rows}: median {:.1} ms, worst {:.1} ms; [{}]{tail}",
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1],
        list.join(" ")
    );
}
