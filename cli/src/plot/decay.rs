//! `posenc plot decay`: PE(p)·PE(p+k) against k, and its mean over each decade of k.

use plotters::prelude::*;
use rayon::prelude::*;

use super::{FONT, axes, draw_legend, draw_line, drawing_error, save_png, tick_label};
use crate::args::DecayArgs;
use crate::config::describe_short;
use crate::errors::CliError;
use crate::rows::{Checked, Rows, block_rows, blocks};

/// The most distances drawn (16 MiB of dot products; more would not show on any picture).
pub(crate) const MAX_DISTANCES: u64 = 2_000_000;

/// Runs `posenc plot decay`.
pub(crate) fn run(args: &DecayArgs) -> Result<(), CliError> {
    let enc = args.encoding.encoding(args.d_model)?;
    let count = args.max_len;
    if !(11..=MAX_DISTANCES).contains(&count) {
        return Err(CliError::invalid(format!(
            "--max-len for the decay plot must be 11 to {MAX_DISTANCES}, got {count}"
        )));
    }
    let flags = Rows::Range {
        start: args.start,
        count,
    };
    let rows = flags.validate(&enc)?;
    let dots = args.encoding.run_in_pool(|| dot_products(&enc, &rows))?;
    let means = decade_means(&dots);

    let (origin, moved) = if args.start == 0.0 {
        ("0".to_owned(), "k".to_owned())
    } else {
        (format!("{}", args.start), format!("{}+k", args.start))
    };
    let title = format!(
        "Long-range decay of PE({origin})·PE({moved}), d_model = {} ({})",
        enc.d_model(),
        describe_short(&enc)
    );
    let last = (count - 1) as f64;
    let low = dots[1..].iter().copied().fold(f64::INFINITY, f64::min);
    let high = dots[1..].iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let pad = (high - low).max(1e-9) * 0.05;
    save_png(
        &args.out,
        args.picture.width,
        args.picture.height,
        |root, sizes| {
            let mut chart = ChartBuilder::on(root)
                .caption(&title, (FONT, sizes.title))
                .margin(sizes.tick)
                .x_label_area_size(sizes.tick * 4)
                .y_label_area_size(sizes.tick * 5)
                .build_cartesian_2d((1.0..last).log_scale(), (low - pad)..(high + pad))
                .map_err(drawing_error)?;
            let mut mesh = chart.configure_mesh();
            axes(
                &mut mesh,
                sizes,
                "distance k (positions, log scale)",
                "dot product",
            )
            .light_line_style(RGBColor(235, 235, 235))
            .draw()
            .map_err(drawing_error)?;
            let curve = dots.iter().enumerate().skip(1).map(|(k, &v)| (k as f64, v));
            let label = format!(
                "PE({origin})·PE({moved}); at k = 0 it is {}",
                tick_label(&dots[0])
            );
            draw_line(&mut chart, curve, (RGBColor(33, 102, 172), 1), label)?;
            let steps = means
                .iter()
                .flat_map(|&(from, to, mean)| [(from, mean), (to, mean)]);
            let label = "mean over each decade of k (10^j ≤ k < 10^(j+1))";
            draw_line(&mut chart, steps, (RGBColor(178, 24, 43), 3), label)?;
            draw_legend(&mut chart, sizes, SeriesLabelPosition::UpperRight)
        },
    )
}

/// `PE(p)·PE(p + k)` for every row k of `rows`, in `f64`, a block at a time.
fn dot_products(enc: &posenc_parallel::Encoding, rows: &Checked<'_>) -> Result<Vec<f64>, CliError> {
    let d = enc.d_model();
    let mut first_row = vec![0.0f64; d];
    rows.fill(0, &mut first_row)?;
    let mut dots = Vec::with_capacity(rows.count() as usize);
    let mut block = Vec::new();
    for (first, count) in blocks(rows.count(), block_rows(d * 8)) {
        block.clear();
        block.resize(count * d, 0.0);
        rows.fill(first, &mut block)?;
        let products: Vec<f64> = block
            .par_chunks(d)
            .map(|row| row.iter().zip(&first_row).map(|(a, b)| a * b).sum())
            .collect();
        dots.extend(products);
    }
    Ok(dots)
}

/// The mean of `dots[k]` over each decade window `10^j ≤ k < 10^(j+1)` that is complete
/// (it ends at or before the last k): `(10^j, 10^(j+1), mean)`.
fn decade_means(dots: &[f64]) -> Vec<(f64, f64, f64)> {
    let mut means = Vec::new();
    let mut from = 1usize;
    while let Some(to) = from.checked_mul(10) {
        let Some(window) = dots.get(from..to) else {
            break;
        };
        let mean = window.iter().sum::<f64>() / window.len() as f64;
        means.push((from as f64, to as f64, mean));
        from = to;
    }
    means
}

#[cfg(test)]
mod tests {
    use super::*;
    use posenc_parallel::Encoding;

    #[test]
    fn the_seed_decay_numbers() {
        // SPEC relation 7 for d = 512, base 10^4: 256 at k = 0, then about 202, 132, 68, 7.
        let enc = Encoding::new(512).unwrap();
        let flags = Rows::Range {
            start: 0.0,
            count: 10_000,
        };
        let dots = dot_products(&enc, &flags.validate(&enc).unwrap()).unwrap();
        assert!((dots[0] - 256.0).abs() < 1e-9);
        let means: Vec<f64> = decade_means(&dots).iter().map(|m| m.2).collect();
        assert_eq!(means.len(), 4);
        let expected = [202.0, 132.0, 68.0, 7.0];
        for (mean, expected) in means.iter().zip(expected) {
            assert!((mean - expected).abs() < 1.5, "{means:?}");
        }
    }

    #[test]
    fn only_complete_decades_are_averaged() {
        let dots: Vec<f64> = (0..150).map(f64::from).collect();
        let means = decade_means(&dots);
        assert_eq!(means, [(1.0, 10.0, 5.0), (10.0, 100.0, 54.5)]);
    }
}
