//! `posenc plot`: PNG files of the stated size with real content.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{entries, fails_in, ok_in};

/// Decodes a PNG: (width, height, RGB pixels).
fn decode(path: &Path) -> (u32, u32, Vec<[u8; 3]>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("PNG data");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    (info.width, info.height, pixels)
}

#[test]
fn heatmaps_have_the_stated_size_and_both_ends_of_the_colour_map() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(dir.path(), "plot heatmap");
    let (w, h, pixels) = decode(&dir.path().join("heatmap.png"));
    assert_eq!((w, h), (1200, 800));
    // The extreme colours of the map (-1 dark blue, +1 dark red) and black text are there.
    let colours: HashSet<[u8; 3]> = pixels.iter().copied().collect();
    assert!(colours.contains(&[5, 48, 97]), "dark blue of -1");
    assert!(colours.contains(&[103, 0, 31]), "dark red of +1");
    assert!(colours.contains(&[0, 0, 0]), "black axes and text");
    assert!(
        colours.len() > 200,
        "a colour gradient: {} colours",
        colours.len()
    );

    ok_in(
        dir.path(),
        "plot heatmap --d-model 64 --max-len 50 --layout split-sin-cos --width 640 --height 480 --out small.png",
    );
    let (w, h, _) = decode(&dir.path().join("small.png"));
    assert_eq!((w, h), (640, 480));
}

#[test]
fn decay_plots_have_the_stated_size_and_both_curves() {
    let dir = tempfile::tempdir().unwrap();
    ok_in(
        dir.path(),
        "plot decay --max-len 20000 --width 900 --height 600",
    );
    let (w, h, pixels) = decode(&dir.path().join("decay.png"));
    assert_eq!((w, h), (900, 600));
    let count = |c: [u8; 3]| pixels.iter().filter(|&&p| p == c).count();
    assert!(count([33, 102, 172]) > 2000, "the dot-product curve");
    assert!(count([178, 24, 43]) > 500, "the decade means");
    assert!(count([0, 0, 0]) > 500, "axes and text");
    assert_eq!(entries(dir.path()), ["decay.png"]);
}

#[test]
fn bad_plot_requests_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    fails_in(
        dir.path(),
        "plot heatmap --d-model 4096 --max-len 1000",
        "a heatmap shows 1 to 1048576 cells",
    );
    fails_in(
        dir.path(),
        "plot decay --max-len 5",
        "--max-len for the decay plot must be 11 to 2000000, got 5",
    );
    fails_in(
        dir.path(),
        "plot decay --base 0.5",
        "base must be finite and greater than 1",
    );
    assert!(entries(dir.path()).is_empty());
}
