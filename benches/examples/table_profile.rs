//! One table kernel run REPS times, for instruction counts under `valgrind --tool=callgrind`
//! and rough timings: `cargo run --release -p posenc-benches --example table_profile -- \
//! simd|memset|parallel ROWS D [REPS] [layout]`.

use std::time::Instant;

use posenc_benches::{memset, prefaulted};
use posenc_simd::{Encoding, Layout, Rows};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("simd", String::as_str);
    let rows: usize = args.get(2).map_or(4096, |s| s.parse().unwrap());
    let d: usize = args.get(3).map_or(1024, |s| s.parse().unwrap());
    let reps: usize = args.get(4).map_or(1, |s| s.parse().unwrap());
    let layout = match args.get(5).map(String::as_str) {
        Some("split") => Layout::SplitSinCos,
        _ => Layout::Interleaved,
    };
    let enc = Encoding::builder(d).layout(layout).build().unwrap();
    let table_rows = Rows::new(&enc, 0.0, 0, rows).unwrap();
    let mut out = prefaulted(rows * d);
    let mut times = Vec::new();
    for _ in 0..reps {
        let began = Instant::now();
        match what {
            "memset" => memset(0.5, &mut out),
            "parallel" => posenc_parallel::fill_table(&enc, 0.0, &mut out).unwrap(),
            _ => posenc_simd::encode_rows(&table_rows, &mut out).unwrap(),
        }
        times.push(began.elapsed().as_secs_f64() * 1e3);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{what} {rows}x{d}: median {:.3} ms, min {:.3} ms ({} reps), checksum {}",
        times[times.len() / 2],
        times[0],
        reps,
        out.iter().map(|&x| f64::from(x)).sum::<f64>()
    );
}
