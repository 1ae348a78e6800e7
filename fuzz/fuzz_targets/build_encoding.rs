//! Building an `Encoding` from arbitrary numbers: the builder, the presets, the diffusion
//! constructor and the text forms of layouts and presets. Every error must be the documented
//! one for the input; every encoding built must report exactly what it was given.
#![no_main]

use libfuzzer_sys::arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use posenc_core::{Encoding, Error, Layout, Preset};
use posenc_fuzz::{Config, assert_outcome, number};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(mut cfg) = Config::arbitrary(&mut u, 1 << 20) else {
        return;
    };
    if u.ratio(1u8, 8u8).unwrap_or(false) {
        cfg.d_model = u.arbitrary().unwrap_or(usize::MAX);
    }

    let built = cfg.build();
    assert_outcome(&built, cfg.expected_error(), "builder");
    if let Ok(enc) = built {
        check_encoding(&enc, &cfg);
        assert_eq!(enc.to_builder().build(), Ok(enc), "to_builder round trip");
    }

    // The presets accept every d_model but 0.
    let preset = *u.choose(&Preset::ALL).unwrap_or(&Preset::Paper);
    let from_preset = preset.encoding(cfg.d_model);
    let expected = (cfg.d_model == 0).then_some(Error::ZeroDModel);
    assert_outcome(&from_preset, expected, "preset");
    if let Ok(enc) = from_preset {
        assert_eq!(enc.d_model(), cfg.d_model);
        assert_eq!(preset.name().parse::<Preset>(), Ok(preset));
    }

    // diffusers' constructor is the builder with a split layout.
    let flip = u.arbitrary::<bool>().unwrap_or(false);
    let freq_shift = number(&mut u).unwrap_or(0.0);
    let diffusion = Config {
        layout: if flip {
            Layout::SplitCosSin
        } else {
            Layout::SplitSinCos
        },
        shift: freq_shift,
        base: 10_000.0,
        scale: 1.0,
        ..cfg
    };
    assert_outcome(
        &Encoding::diffusion_timestep(cfg.d_model, flip, freq_shift),
        diffusion.expected_error(),
        "diffusion_timestep",
    );

    // Text forms: only the documented names parse, and they parse to themselves.
    let text: &str = u.arbitrary().unwrap_or("");
    match text.parse::<Layout>() {
        Ok(layout) => assert_eq!(layout.name(), text),
        Err(e) => {
            assert_eq!(e, Error::UnknownLayout);
            assert!(Layout::ALL.iter().all(|l| l.name() != text));
        }
    }
    match text.parse::<Preset>() {
        Ok(preset) => assert_eq!(preset.name(), text),
        Err(e) => {
            assert_eq!(e, Error::UnknownPreset);
            assert!(Preset::ALL.iter().all(|p| p.name() != text));
        }
    }
});

/// A valid encoding reports its settings bit for bit, and its frequencies are in [0, 1].
fn check_encoding(enc: &Encoding, cfg: &Config) {
    assert_eq!(enc.d_model(), cfg.d_model);
    assert_eq!(enc.base().to_bits(), cfg.base.to_bits());
    assert_eq!(enc.layout(), cfg.layout);
    assert_eq!(enc.shift().to_bits(), cfg.shift.to_bits());
    assert_eq!(enc.scale().to_bits(), cfg.scale.to_bits());
    assert_eq!(enc.pairs(), cfg.layout.pairs(cfg.d_model));
    // Every error message can be formed.
    let _ = Error::ZeroDModel.to_string();
    let pairs = enc.pairs();
    if pairs > 0 {
        assert_eq!(enc.frequency(0), Ok(1.0));
        for pair in [pairs / 2, pairs - 1] {
            let w = enc.frequency(pair).expect("pair in range");
            assert!((0.0..=1.0).contains(&w), "{enc:?}: frequency {pair} = {w}");
        }
    }
    let beyond = enc.frequency(pairs);
    assert_eq!(beyond, Err(Error::PairOutOfRange { pair: pairs, pairs }));
    let _ = beyond.map_err(|e| e.to_string());
}
