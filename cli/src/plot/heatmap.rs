//! `posenc plot heatmap`: rows × columns of the table as colours.

use plotters::prelude::*;

use super::colormap::diverging;
use super::{FONT, Sizes, axes, drawing_error, save_png, tick_label};
use crate::args::HeatmapArgs;
use crate::config::describe_short;
use crate::errors::CliError;
use crate::rows::Rows;

/// At most this many cells are drawn: more than the pixels of a large picture.
pub(crate) const MAX_CELLS: u64 = 1 << 20;

/// Width of the colour bar's panel, in pixels.
const BAR_PANEL: u32 = 150;

/// Runs `posenc plot heatmap`.
pub(crate) fn run(args: &HeatmapArgs) -> Result<(), CliError> {
    let enc = args.encoding.encoding(args.d_model)?;
    let d = enc.d_model();
    let count = args.max_len;
    if count == 0 || count.saturating_mul(d as u64) > MAX_CELLS {
        return Err(CliError::invalid(format!(
            "a heatmap shows 1 to {MAX_CELLS} cells; --max-len {count} × --d-model {d} is {}",
            count.saturating_mul(d as u64)
        )));
    }
    let flags = Rows::Range {
        start: args.start,
        count,
    };
    let rows = flags.validate(&enc)?;
    let mut values = vec![0.0f64; count as usize * d];
    args.encoding.run_in_pool(|| rows.fill(0, &mut values))?;

    let title = format!(
        "Sinusoidal positional encoding, d_model = {d} ({})",
        describe_short(&enc)
    );
    let (start, end) = (args.start, rows.position(count - 1) + 1.0);
    save_png(
        &args.out,
        args.picture.width,
        args.picture.height,
        |root, sizes| {
            let body = root
                .margin(sizes.tick / 2, 0, 0, 0)
                .titled(&title, (FONT, sizes.title))
                .map_err(drawing_error)?;
            let (chart_area, bar_area) = body.split_horizontally(body.dim_in_pixel().0 - BAR_PANEL);
            let mut chart = ChartBuilder::on(&chart_area)
                .margin(sizes.tick)
                .x_label_area_size(sizes.tick * 4)
                .y_label_area_size(sizes.tick * 5)
                .build_cartesian_2d(0.0..d as f64, start..end)
                .map_err(drawing_error)?;
            let mut mesh = chart.configure_mesh();
            axes(
                &mut mesh,
                sizes,
                "dimension (column of the row)",
                "position",
            )
            .disable_mesh()
            .draw()
            .map_err(drawing_error)?;
            let cells = values.chunks_exact(d).enumerate().flat_map(|(k, row)| {
                let position = rows.position(k as u64);
                row.iter().enumerate().map(move |(j, &value)| {
                    Rectangle::new(
                        [(j as f64, position), (j as f64 + 1.0, position + 1.0)],
                        diverging(value).filled(),
                    )
                })
            });
            chart.draw_series(cells).map_err(drawing_error)?;
            draw_colour_bar(&bar_area, sizes)
        },
    )
}

/// The legend of the colours: a vertical bar from -1 to +1 with its scale.
fn draw_colour_bar(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    sizes: Sizes,
) -> Result<(), CliError> {
    let mut bar = ChartBuilder::on(area)
        .margin(sizes.tick)
        .margin_right(sizes.tick * 2)
        .x_label_area_size(sizes.tick * 4)
        .right_y_label_area_size(sizes.tick * 4)
        .build_cartesian_2d(0.0..1.0, -1.0..1.0)
        .map_err(drawing_error)?;
    bar.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(5)
        .y_label_formatter(&tick_label)
        .y_desc("value")
        .label_style((FONT, sizes.tick))
        .axis_desc_style((FONT, sizes.label))
        .draw()
        .map_err(drawing_error)?;
    let steps = 200;
    let strips = (0..steps).map(|i| {
        let low = -1.0 + 2.0 * f64::from(i) / f64::from(steps);
        let high = low + 2.0 / f64::from(steps);
        Rectangle::new(
            [(0.0, low), (1.0, high)],
            diverging((low + high) / 2.0).filled(),
        )
    });
    bar.draw_series(strips).map_err(drawing_error)?;
    Ok(())
}
