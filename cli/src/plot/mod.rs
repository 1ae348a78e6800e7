//! `posenc plot`: pictures of the encoding, drawn with `plotters` into memory and saved as PNG.
//!
//! Text is drawn with DejaVu Sans, embedded in the binary (`cli/assets/`, Bitstream Vera
//! license beside it), so plots look the same everywhere and need no system fonts.

mod colormap;
pub(crate) mod decay;
pub(crate) mod heatmap;
pub(crate) mod rope;

use std::path::Path;
use std::sync::Once;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::errors::CliError;
use crate::output::Output;

/// The font family every text of a plot uses.
const FONT: &str = "sans-serif";

/// DejaVu Sans (Bitstream Vera license, `cli/assets/DejaVuSans.LICENSE`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Makes the embedded font the one plotters draws [`FONT`] with (once per process).
fn register_font() -> Result<(), CliError> {
    static REGISTER: Once = Once::new();
    let mut result = Ok(());
    REGISTER.call_once(|| {
        result = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES)
            // plotters' `InvalidFont` carries no reason (nor Display): name what it means.
            .map_err(|_| {
                CliError::failed(
                    "the embedded font could not be loaded",
                    "ab_glyph found no valid font in its bytes",
                )
            });
    });
    result
}

/// Text sizes in pixels for a picture of the given height: readable at any size.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    /// The title.
    title: u32,
    /// Axis descriptions.
    label: u32,
    /// Tick labels and legends.
    tick: u32,
}

impl Sizes {
    fn for_height(height: u32) -> Sizes {
        let tick = (height / 40).clamp(14, 48);
        Sizes {
            title: tick * 3 / 2,
            label: tick * 5 / 4,
            tick,
        }
    }
}

/// An axis label: `100` rather than plotters' `100.0`, `0.5` as it is.
fn tick_label(value: &f64) -> String {
    let rounded = value.round();
    if (value - rounded).abs() < 1e-9 * value.abs().max(1.0) {
        format!("{}", rounded + 0.0)
    } else {
        format!("{}", (value * 1e6).round() / 1e6)
    }
}

/// The axes of every plot: `tick_label`'s numbers, the two descriptions, the fonts at `sizes`.
fn axes<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    sizes: Sizes,
    x_desc: &str,
    y_desc: &str,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
    DB: DrawingBackend,
{
    mesh.x_label_formatter(&tick_label)
        .y_label_formatter(&tick_label)
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, sizes.tick))
        .axis_desc_style((FONT, sizes.label))
}

/// Draws `points` as a line of `colour`, `width` pixels wide, named `label` in the legend (by a
/// short line of the colour, 3 pixels wide).
fn draw_line<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    points: impl IntoIterator<Item = (f64, f64)>,
    (colour, width): (RGBColor, u32),
    label: impl Into<String>,
) -> Result<(), CliError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: CoordTranslate<From = (f64, f64)>,
{
    chart
        .draw_series(LineSeries::new(points, colour.stroke_width(width)))
        .map_err(drawing_error)?
        .label(label)
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(3)));
    Ok(())
}

/// Draws the legend of every [`draw_line`] at `position`: the tick font, on a white box.
fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    sizes: Sizes,
    position: SeriesLabelPosition,
) -> Result<(), CliError>
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .label_font((FONT, sizes.tick))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(position)
        .draw()
        .map_err(drawing_error)
}

/// A drawing failure, which no input causes (sizes and counts are checked before drawing).
fn drawing_error(e: impl std::error::Error + Send + Sync + 'static) -> CliError {
    CliError::failed("cannot draw the plot", e)
}

/// Draws a `width × height` picture with `draw` and saves it as a PNG at `path` (`-` is stdout).
fn save_png(
    path: &Path,
    width: u32,
    height: u32,
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, Shift>, Sizes) -> Result<(), CliError>,
) -> Result<(), CliError> {
    register_font()?;
    let mut rgb = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing_error)?;
        draw(&root, Sizes::for_height(height))?;
        root.present().map_err(drawing_error)?;
    }
    let png = encode_png(&rgb, width, height)?;
    let mut out = Output::create(path, true)?;
    out.write_all(&png)?;
    out.finish()
}

/// An 8-bit RGB image as PNG bytes.
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, CliError> {
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let encode_error = |e: png::EncodingError| CliError::failed("cannot encode the PNG", e);
    let mut writer = encoder.write_header().map_err(encode_error)?;
    writer.write_image_data(rgb).map_err(encode_error)?;
    writer.finish().map_err(encode_error)?;
    Ok(png)
}
