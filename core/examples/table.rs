//! Prints a small encoding table as CSV: `cargo run -p posenc-core --example table -- [d_model] [rows]`.
//!
//! The core needs no allocator; this example uses std only to read arguments and print.

use posenc_core::Encoding;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut arg = |default: usize| -> usize {
        args.next().map_or(default, |a| {
            a.parse().unwrap_or_else(|_| {
                eprintln!("error: expected a whole number, got {a:?}");
                std::process::exit(2)
            })
        })
    };
    let (d_model, rows) = (arg(8), arg(10));
    let enc = match Encoding::new(d_model) {
        Ok(enc) => enc,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2)
        }
    };
    let mut row = vec![0.0f32; d_model];
    for position in 0..rows {
        // Positions up to usize::MAX convert to finite f64, so encode cannot fail here.
        if let Err(e) = enc.encode(position as f64, &mut row) {
            eprintln!("error: {e}");
            std::process::exit(1)
        }
        let line: Vec<String> = row.iter().map(f32::to_string).collect();
        println!("{}", line.join(","));
    }
}
