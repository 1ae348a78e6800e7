//! Writes one table on pools of 1 and 2 threads and checks that the bytes are the same.
//!
//! `cargo run --release -p posenc-parallel --example threads`

use std::time::Instant;

use posenc_parallel::{Encoding, table};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let enc = Encoding::new(1024)?;
    let rows = 32_768;
    let mut tables = Vec::new();
    for threads in [1, 2] {
        // Every posenc-parallel function runs on the pool it is called from.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?;
        let began = Instant::now();
        let pe: Vec<f32> = pool.install(|| table(&enc, 0.0, rows))?;
        println!(
            "{threads} thread(s): {rows}x{} f32 table in {:?}",
            enc.d_model(),
            began.elapsed()
        );
        tables.push(pe);
    }
    assert!(
        tables[0] == tables[1],
        "the thread count changed the output"
    );
    println!("identical on 1 and 2 threads");
    Ok(())
}
