//! `posenc plot rope`: the wavelength λ_i = 2π/ω_i of every RoPE pair against its index,
//! for the chosen scaling beside the unscaled frequencies (log scale), as the YaRN and
//! Llama 3 papers draw it; the trained context length L0 as a line where the scaling has one.

use plotters::prelude::*;

use super::{FONT, draw_legend, draw_line, drawing_error, save_png, tick_label};
use crate::errors::CliError;
use crate::rope::describe;
use crate::rope_args::PlotRopeArgs;
use posenc_parallel::{Rope, Scaling};

/// Runs `posenc plot rope`.
pub(crate) fn run(args: &PlotRopeArgs) -> Result<(), CliError> {
    let lists = args.config.factor_lists()?;
    // No positions here: dynamic and longrope take their sequence length from --seq-len,
    // else the trained length (the unscaled side of longrope's two lists).
    let seq_len = args.config.original_max_len.unwrap_or(1.0);
    let rope = args.config.rope(&lists, seq_len)?;
    let plain = rope.to_builder().scaling(Scaling::None).build()?;
    let scaled = wavelengths(&rope)?;
    let unscaled = wavelengths(&plain)?;
    let trained = original_max_len(&rope.scaling());

    let all = scaled.iter().chain(&unscaled).copied();
    let low = all
        .clone()
        .fold(f64::INFINITY, f64::min)
        .max(f64::MIN_POSITIVE);
    let high = all.fold(trained.unwrap_or(0.0), f64::max).max(low * 10.0);
    let last = (rope.pairs().max(2) - 1) as f64;
    let title = format!("RoPE wavelength per pair: {}", rope.scaling().name());
    let subtitle = describe(&rope);
    save_png(
        &args.out,
        args.picture.width,
        args.picture.height,
        |root, sizes| {
            let (top, body) = root.split_vertically(sizes.title * 5 / 2);
            top.draw(&Text::new(
                title.as_str(),
                (sizes.tick as i32, sizes.tick as i32 / 2),
                (FONT, sizes.title),
            ))
            .map_err(drawing_error)?;
            top.draw(&Text::new(
                subtitle.as_str(),
                (sizes.tick as i32, sizes.title as i32 * 3 / 2),
                (FONT, sizes.tick),
            ))
            .map_err(drawing_error)?;
            let mut chart = ChartBuilder::on(&body)
                .margin(sizes.tick)
                .x_label_area_size(sizes.tick * 4)
                .y_label_area_size(sizes.tick * 6)
                .build_cartesian_2d(0.0..last, (low / 2.0..high * 2.0).log_scale())
                .map_err(drawing_error)?;
            chart
                .configure_mesh()
                .x_label_formatter(&tick_label)
                .y_label_formatter(&power_label)
                .x_desc("pair index i")
                .y_desc("wavelength 2π/ω_i (positions, log scale)")
                .label_style((FONT, sizes.tick))
                .axis_desc_style((FONT, sizes.label))
                .light_line_style(RGBColor(235, 235, 235))
                .draw()
                .map_err(drawing_error)?;
            let unscaled_points = unscaled.iter().enumerate().map(|(i, &l)| (i as f64, l));
            let plain = (RGBColor(120, 120, 120), 2);
            draw_line(&mut chart, unscaled_points, plain, "unscaled: θ^(2i/r)·2π")?;
            let scaled_points = scaled.iter().enumerate().map(|(i, &l)| (i as f64, l));
            let label = format!("{} scaling", rope.scaling().name());
            draw_line(&mut chart, scaled_points, (RGBColor(178, 24, 43), 3), label)?;
            if let Some(l0) = trained {
                let label = format!("trained context L0 = {}", tick_label(&l0));
                draw_line(
                    &mut chart,
                    [(0.0, l0), (last, l0)],
                    (RGBColor(33, 102, 172), 2),
                    label,
                )?;
            }
            draw_legend(&mut chart, sizes, SeriesLabelPosition::UpperLeft)
        },
    )
}

/// A log axis label: `1e4` for a power of ten, else two digits (`2.5e3`).
fn power_label(value: &f64) -> String {
    let k = value.log10();
    if (k - k.round()).abs() < 1e-9 {
        format!("1e{}", k.round())
    } else {
        format!("{value:.1e}")
    }
}

/// `2π/ω_i` for every pair.
fn wavelengths(rope: &Rope<'_>) -> Result<Vec<f64>, CliError> {
    (0..rope.pairs())
        .map(|i| Ok(std::f64::consts::TAU / rope.frequency(i)?))
        .collect()
}

/// The trained context length of a scaling that has one.
fn original_max_len(scaling: &Scaling<'_>) -> Option<f64> {
    match *scaling {
        Scaling::Dynamic {
            original_max_len, ..
        } => Some(original_max_len),
        Scaling::Yarn(y) => Some(y.original_max_len),
        Scaling::Llama3(l) => Some(l.original_max_len),
        Scaling::LongRope(l) => Some(l.original_max_len),
        Scaling::None | Scaling::Linear { .. } | Scaling::Ntk { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use posenc_parallel::RopePreset;

    #[test]
    fn llama3_keeps_short_wavelengths_and_stretches_long_ones_by_the_factor() {
        let rope = RopePreset::Llama31.rope().unwrap();
        let plain = rope.to_builder().scaling(Scaling::None).build().unwrap();
        let (scaled, unscaled) = (wavelengths(&rope).unwrap(), wavelengths(&plain).unwrap());
        assert_eq!(scaled.len(), 64);
        assert!((scaled[0] - unscaled[0]).abs() < 1e-12);
        let last = scaled.len() - 1;
        assert!((scaled[last] / unscaled[last] - 8.0).abs() < 1e-9);
        assert_eq!(original_max_len(&rope.scaling()), Some(8192.0));
        assert_eq!(power_label(&1e7), "1e7");
        assert_eq!(power_label(&2500.0), "2.5e3");
    }
}
