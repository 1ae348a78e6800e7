//! `posenc rope`: a RoPE cache (vLLM's `cos_sin`, candle's or Hugging Face's `cos` and `sin`)
//! computed block by block by posenc-parallel and written as it is made ([`crate::stream`]).
//!
//! Configuration flags become a core [`Rope`] here, for every RoPE subcommand: the builder
//! validates everything (odd or zero rotary dim, r > h, θ ≤ 1, factors ≤ 0 or not finite,
//! low ≥ high freq factor, factor lists of the wrong length); this adds the flags a scaling
//! does not take, and the CLI's width limit.

use posenc_parallel::{
    CacheLayout, Element, Llama3, LongRope, Pairing, Rope, RopePreset, Scaling, TokenPositions,
    Yarn, row_position,
};

use crate::args::Format;
use crate::config::MAX_D_MODEL;
use crate::dtype::Compute;
use crate::errors::CliError;
use crate::output::Output;
use crate::positions;
use crate::progress;
use crate::rope_args::{CacheLayoutArg, RopeArgs, RopeConfigArgs};
use crate::rows::Rows;
use crate::safetensors::TensorSpec;
use crate::stream::{self, BlockWriter};
use crate::table::{format_from_extension, format_name, human_bytes};

/// The factor lists of `longrope`, owned here because a [`Rope`] borrows them.
#[derive(Debug, Default)]
pub(crate) struct FactorLists {
    short: Vec<f64>,
    long: Vec<f64>,
}

impl RopeConfigArgs {
    /// Parses `--short-factors` and `--long-factors` (each item a finite number; their
    /// length and signs are the core's to check).
    pub(crate) fn factor_lists(&self) -> Result<FactorLists, CliError> {
        let parse = |flag: &str, list: Option<&str>| -> Result<Vec<f64>, CliError> {
            list.map_or(Ok(Vec::new()), |text| {
                positions::parse_list(text)
                    .map_err(|e| CliError::invalid(e.to_string().replace("--positions", flag)))
            })
        };
        Ok(FactorLists {
            short: parse("--short-factors", self.short_factors.as_deref())?,
            long: parse("--long-factors", self.long_factors.as_deref())?,
        })
    }

    /// The configuration these flags describe. `seq_len` is the default sequence length of
    /// `dynamic` and `longrope` (the largest |position| + 1 of the rows).
    pub(crate) fn rope<'a>(
        &self,
        lists: &'a FactorLists,
        seq_len: f64,
    ) -> Result<Rope<'a>, CliError> {
        let preset = match &self.preset {
            Some(name) => Some(name.parse::<RopePreset>()?.rope()?),
            None => None,
        };
        let head_dim = self
            .head_dim
            .or(preset.map(|p| p.head_dim()))
            .or(self.rotary_dim)
            .ok_or_else(|| CliError::invalid("give --rotary-dim R (or --head-dim, or --preset)"))?;
        if head_dim > MAX_D_MODEL {
            return Err(CliError::invalid(format!(
                "--head-dim {head_dim} is above the limit of {MAX_D_MODEL}"
            )));
        }
        // A preset's partial rotary dim is kept; a full one follows --head-dim.
        let rotary_dim = self
            .rotary_dim
            .or(preset
                .filter(|p| p.rotary_dim() < p.head_dim())
                .map(|p| p.rotary_dim()))
            .unwrap_or(head_dim);
        let scaling = match (&self.scaling, preset) {
            (Some(name), _) => self.scaling_from_flags(name, lists, seq_len)?,
            (None, preset) => {
                if let Some(flag) = self.scaling_flags().first() {
                    return Err(CliError::invalid(format!(
                        "{flag} needs --scaling (a preset's scaling is used as it is)"
                    )));
                }
                preset.map_or(Scaling::None, |p| p.scaling())
            }
        };
        let pairing = match &self.pairing {
            Some(name) => name.parse::<Pairing>()?,
            None => preset.map_or(Pairing::Half, |p| p.pairing()),
        };
        let theta = self
            .theta
            .or(preset.map(|p| p.theta()))
            .unwrap_or(posenc_parallel::DEFAULT_BASE);
        let mut builder = Rope::builder(head_dim)
            .rotary_dim(rotary_dim)
            .theta(theta)
            .pairing(pairing)
            .scaling(scaling);
        if let Some(a) = self.attention_factor {
            builder = builder.attention_factor(a);
        }
        Ok(builder.build()?)
    }

    /// The scaling parameter flags given, by name.
    fn scaling_flags(&self) -> Vec<&'static str> {
        let given = [
            ("--factor", self.factor.is_some()),
            ("--original-max-len", self.original_max_len.is_some()),
            ("--seq-len", self.seq_len.is_some()),
            ("--beta-fast", self.beta_fast.is_some()),
            ("--beta-slow", self.beta_slow.is_some()),
            ("--mscale", self.mscale.is_some()),
            ("--mscale-all-dim", self.mscale_all_dim.is_some()),
            ("--no-truncate", self.no_truncate),
            ("--low-freq-factor", self.low_freq_factor.is_some()),
            ("--high-freq-factor", self.high_freq_factor.is_some()),
            ("--short-factors", self.short_factors.is_some()),
            ("--long-factors", self.long_factors.is_some()),
        ];
        given
            .into_iter()
            .filter(|&(_, on)| on)
            .map(|(flag, _)| flag)
            .collect()
    }

    /// `--scaling NAME` and its parameters; a parameter the scaling does not take, or a
    /// missing one it needs, is an error.
    fn scaling_from_flags<'a>(
        &self,
        name: &str,
        lists: &'a FactorLists,
        seq_len: f64,
    ) -> Result<Scaling<'a>, CliError> {
        const NAMES: &str = "none, linear, ntk, dynamic, yarn, llama3 or longrope";
        let takes: &[&str] = match name {
            "none" => &[],
            "linear" | "ntk" => &["--factor"],
            "dynamic" => &["--factor", "--original-max-len", "--seq-len"],
            "yarn" => &[
                "--factor",
                "--original-max-len",
                "--beta-fast",
                "--beta-slow",
                "--mscale",
                "--mscale-all-dim",
                "--no-truncate",
            ],
            "llama3" => &[
                "--factor",
                "--original-max-len",
                "--low-freq-factor",
                "--high-freq-factor",
            ],
            "longrope" => &[
                "--factor",
                "--original-max-len",
                "--seq-len",
                "--short-factors",
                "--long-factors",
            ],
            other => {
                return Err(CliError::invalid(format!(
                    "unknown scaling '{other}': expected {NAMES}"
                )));
            }
        };
        if let Some(flag) = self
            .scaling_flags()
            .into_iter()
            .find(|f| !takes.contains(f))
        {
            return Err(CliError::invalid(format!(
                "{flag} is not a parameter of the {name} scaling"
            )));
        }
        let need = |flag: &str, value: Option<f64>| {
            value.ok_or_else(|| CliError::invalid(format!("the {name} scaling needs {flag}")))
        };
        let factor = || need("--factor", self.factor);
        let original = || need("--original-max-len", self.original_max_len);
        let seq_len = self.seq_len.unwrap_or(seq_len);
        Ok(match name {
            "linear" => Scaling::Linear { factor: factor()? },
            "ntk" => Scaling::Ntk { factor: factor()? },
            "dynamic" => Scaling::Dynamic {
                factor: factor()?,
                original_max_len: original()?,
                seq_len,
            },
            "yarn" => {
                let defaults = Yarn::new(factor()?, original()?);
                Scaling::Yarn(Yarn {
                    beta_fast: self.beta_fast.unwrap_or(defaults.beta_fast),
                    beta_slow: self.beta_slow.unwrap_or(defaults.beta_slow),
                    mscale: self.mscale,
                    mscale_all_dim: self.mscale_all_dim,
                    truncate: !self.no_truncate,
                    ..defaults
                })
            }
            "llama3" => {
                let defaults = Llama3::new(factor()?);
                Scaling::Llama3(Llama3 {
                    low_freq_factor: self.low_freq_factor.unwrap_or(defaults.low_freq_factor),
                    high_freq_factor: self.high_freq_factor.unwrap_or(defaults.high_freq_factor),
                    original_max_len: self.original_max_len.unwrap_or(defaults.original_max_len),
                    ..defaults
                })
            }
            "longrope" => {
                if self.short_factors.is_none() || self.long_factors.is_none() {
                    return Err(CliError::invalid(
                        "the longrope scaling needs --short-factors and --long-factors",
                    ));
                }
                Scaling::LongRope(LongRope {
                    factor: self.factor.unwrap_or(1.0),
                    ..LongRope::new(&lists.short, &lists.long, original()?, seq_len)
                })
            }
            _ => Scaling::None,
        })
    }

    /// Runs `job` on a rayon pool of `--threads` workers (the global pool when not given).
    pub(crate) fn run_in_pool<R: Send>(
        &self,
        job: impl FnOnce() -> Result<R, CliError> + Send,
    ) -> Result<R, CliError> {
        crate::config::run_in_threads(self.threads, job)
    }
}

impl CacheLayoutArg {
    /// The library's layout.
    pub(crate) const fn layout(self) -> CacheLayout {
        match self {
            CacheLayoutArg::CosSin => CacheLayout::Vllm,
            CacheLayoutArg::Separate => CacheLayout::Candle,
            CacheLayoutArg::Hf => CacheLayout::HuggingFace,
        }
    }

    /// The name as `--cache-layout` spells it.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            CacheLayoutArg::CosSin => "cos-sin",
            CacheLayoutArg::Separate => "separate",
            CacheLayoutArg::Hf => "hf",
        }
    }

    /// The tensors of a cache of `rows` rows for `rotary_dim` r: `cos_sin` [rows, r], or
    /// `cos` and `sin` of [rows, r/2] (separate) or [rows, r] (hf).
    pub(crate) fn tensors(self, rows: u64, rotary_dim: usize) -> Vec<TensorSpec> {
        let r = rotary_dim as u64;
        match self {
            CacheLayoutArg::CosSin => vec![TensorSpec {
                name: "cos_sin",
                shape: vec![rows, r],
            }],
            CacheLayoutArg::Separate | CacheLayoutArg::Hf => {
                let width = if self == CacheLayoutArg::Hf { r } else { r / 2 };
                ["cos", "sin"]
                    .into_iter()
                    .map(|name| TensorSpec {
                        name,
                        shape: vec![rows, width],
                    })
                    .collect()
            }
        }
    }
}

/// The largest |position| + 1 of the rows: the sequence length `dynamic` and `longrope`
/// take by default (Hugging Face's `max(position_ids) + 1`).
pub(crate) fn default_seq_len(rows: &Rows) -> f64 {
    let largest = match rows {
        Rows::Range { start, count } if *count > 0 => row_position(*start, 0)
            .abs()
            .max(row_position(*start, count - 1).abs()),
        Rows::Range { .. } => 0.0,
        Rows::List(list) => list.iter().fold(0.0f64, |m, p| m.max(p.abs())),
    };
    largest + 1.0
}

/// The position of row `k`.
pub(crate) fn position_of(rows: &Rows, k: u64) -> f64 {
    match rows {
        Rows::Range { start, .. } => row_position(*start, k),
        Rows::List(list) => usize::try_from(k)
            .ok()
            .and_then(|k| list.get(k).copied())
            .unwrap_or(f64::NAN),
    }
}

/// Checks every position of the rows before any output is made.
pub(crate) fn validate_positions(rope: &Rope<'_>, rows: &Rows) -> Result<(), CliError> {
    match rows {
        Rows::Range { start, count } => {
            rope.check_position(*start)?;
            if *count > 0 {
                // |p·ω| is largest at one end of the range.
                rope.check_position(row_position(*start, count - 1))?;
            }
        }
        Rows::List(list) => list.iter().try_for_each(|&p| rope.check_position(p))?,
    }
    Ok(())
}

/// The library's positions of rows `first .. first + count`.
fn block_positions(rows: &Rows, first: u64, count: usize) -> Result<TokenPositions<'_>, CliError> {
    Ok(match rows {
        Rows::Range { start, .. } => TokenPositions::Consecutive {
            start: *start,
            first,
        },
        Rows::List(list) => {
            let from = usize::try_from(first).unwrap_or(usize::MAX);
            TokenPositions::Each(
                from.checked_add(count)
                    .and_then(|end| list.get(from..end))
                    .ok_or_else(|| CliError::invalid("block past the end of --positions"))?,
            )
        }
    })
}

/// Computes the cache rows `first ..` of tensor `tensor` (0: `cos_sin` or `cos`, 1: `sin`)
/// of `layout` into `out` (whole rows), on the current pool. For a two-tensor layout both are
/// computed and the other one dropped, so that each tensor streams in turn.
pub(crate) fn fill_cache<T: Element>(
    rope: &Rope<'_>,
    layout: CacheLayoutArg,
    rows: &Rows,
    tensor: usize,
    first: u64,
    out: &mut [T],
) -> Result<(), CliError> {
    let width = match layout {
        CacheLayoutArg::CosSin | CacheLayoutArg::Hf => rope.rotary_dim(),
        CacheLayoutArg::Separate => rope.pairs(),
    };
    let positions = block_positions(rows, first, out.len() / width)?;
    if layout == CacheLayoutArg::CosSin {
        posenc_parallel::rope_cache(rope, layout.layout(), positions, out, &mut [])?;
    } else {
        let mut other = vec![T::default(); out.len()];
        let (cos, sin) = if tensor == 0 {
            (out, &mut other[..])
        } else {
            (&mut other[..], out)
        };
        posenc_parallel::rope_cache(rope, layout.layout(), positions, cos, sin)?;
    }
    Ok(())
}

/// The configuration in words: `rotary_dim 128 of head_dim 128, theta 500000, half,
/// llama3 scaling, attention factor 1`.
pub(crate) fn describe(rope: &Rope<'_>) -> String {
    format!(
        "rotary_dim {} of head_dim {}, theta {}, {} pairing, {} scaling, attention factor {}",
        rope.rotary_dim(),
        rope.head_dim(),
        rope.theta(),
        rope.pairing(),
        rope.scaling().name(),
        rope.attention_factor()
    )
}

/// The configuration as safetensors metadata: Hugging Face's `rope_parameters` names.
pub(crate) fn metadata(
    rope: &Rope<'_>,
    layout: CacheLayoutArg,
    rows: &Rows,
) -> Vec<(&'static str, String)> {
    let mut entries = vec![
        ("producer", format!("posenc {}", env!("CARGO_PKG_VERSION"))),
        ("kind", "rope cache".to_owned()),
        ("configuration", describe(rope)),
        ("cache_layout", layout.name().to_owned()),
        ("rotary_dim", rope.rotary_dim().to_string()),
        ("head_dim", rope.head_dim().to_string()),
        ("rope_theta", rope.theta().to_string()),
        ("pairing", rope.pairing().to_string()),
        ("rope_type", rope.scaling().name().to_owned()),
        ("attention_factor", rope.attention_factor().to_string()),
    ];
    let list = |values: &[f64]| {
        values
            .iter()
            .map(f64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    match rope.scaling() {
        Scaling::None => {}
        Scaling::Linear { factor } | Scaling::Ntk { factor } => {
            entries.push(("factor", factor.to_string()));
        }
        Scaling::Dynamic {
            factor,
            original_max_len,
            seq_len,
        } => entries.extend([
            ("factor", factor.to_string()),
            (
                "original_max_position_embeddings",
                original_max_len.to_string(),
            ),
            ("seq_len", seq_len.to_string()),
        ]),
        Scaling::Yarn(y) => {
            entries.extend([
                ("factor", y.factor.to_string()),
                (
                    "original_max_position_embeddings",
                    y.original_max_len.to_string(),
                ),
                ("beta_fast", y.beta_fast.to_string()),
                ("beta_slow", y.beta_slow.to_string()),
                ("truncate", y.truncate.to_string()),
            ]);
            if let Some(m) = y.mscale {
                entries.push(("mscale", m.to_string()));
            }
            if let Some(m) = y.mscale_all_dim {
                entries.push(("mscale_all_dim", m.to_string()));
            }
        }
        Scaling::Llama3(l) => entries.extend([
            ("factor", l.factor.to_string()),
            ("low_freq_factor", l.low_freq_factor.to_string()),
            ("high_freq_factor", l.high_freq_factor.to_string()),
            (
                "original_max_position_embeddings",
                l.original_max_len.to_string(),
            ),
        ]),
        Scaling::LongRope(l) => entries.extend([
            ("factor", l.factor.to_string()),
            (
                "original_max_position_embeddings",
                l.original_max_len.to_string(),
            ),
            ("seq_len", l.seq_len.to_string()),
            ("short_factor", list(l.short_factors)),
            ("long_factor", list(l.long_factors)),
        ]),
    }
    entries.extend(stream::positions_metadata(rows));
    entries
}

/// Runs `posenc rope`.
pub(crate) fn run(args: &RopeArgs) -> Result<(), CliError> {
    let rows = Rows::from_flags(
        args.rows.positions.as_deref(),
        args.rows.start,
        args.rows.max_len,
    )?;
    let lists = args.config.factor_lists()?;
    let rope = args.config.rope(&lists, default_seq_len(&rows))?;
    validate_positions(&rope, &rows)?;
    let format = args
        .format
        .unwrap_or_else(|| format_from_extension(&args.out));
    let layout = args.cache_layout;
    let tensors = layout.tensors(rows.count(), rope.rotary_dim());
    let width = tensors.first().map_or(0, |t| t.shape[1] as usize);
    let too_big = || CliError::invalid("the cache's size overflows 64 bits");
    let data_bytes =
        stream::data_bytes(rows.count(), width * tensors.len(), args.dtype).ok_or_else(too_big)?;
    let header = stream::file_header(
        format,
        args.dtype,
        &tensors,
        &metadata(&rope, layout, &rows),
    )?;

    let mut out = Output::create(&args.out, format != Format::Csv)?;
    let bar = progress::bar(data_bytes, args.quiet, "writing");
    out.write_all(&header)?;
    let job = |out: &mut Output| match args.dtype.compute() {
        Compute::F32 => {
            stream_cache::<f32>(&rope, layout, &rows, width, tensors.len(), args, &bar, out)
        }
        Compute::F64 => {
            stream_cache::<f64>(&rope, layout, &rows, width, tensors.len(), args, &bar, out)
        }
    };
    args.config.run_in_pool(|| job(&mut out))?;
    bar.finish_and_clear();
    let (name, written) = (out.name(), out.written());
    out.finish()?;
    if !args.quiet {
        let shapes: Vec<String> = tensors
            .iter()
            .map(|t| format!("{} [{}, {}]", t.name, t.shape[0], t.shape[1]))
            .collect();
        eprintln!(
            "wrote the RoPE cache {} of {} to {name} ({}, {})",
            shapes.join(" and "),
            args.dtype.name(),
            format_name(format),
            human_bytes(written),
        );
    }
    Ok(())
}

/// Streams every tensor of the cache, computed in `T` and rounded once to `--dtype`.
#[allow(clippy::too_many_arguments)]
fn stream_cache<T: Element>(
    rope: &Rope<'_>,
    layout: CacheLayoutArg,
    rows: &Rows,
    width: usize,
    tensors: usize,
    args: &RopeArgs,
    bar: &indicatif::ProgressBar,
    out: &mut Output,
) -> Result<(), CliError> {
    let format = args
        .format
        .unwrap_or_else(|| format_from_extension(&args.out));
    for tensor in 0..tensors {
        let mut writer = BlockWriter {
            format,
            dtype: args.dtype,
            row_values: width,
            bar,
            scratch: Vec::new(),
        };
        stream::stream_rows::<T>(
            rows.count(),
            width,
            |first, block| fill_cache(rope, layout, rows, tensor, first, block),
            |block| writer.write(out, block),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sequence_length_is_the_largest_position_plus_one() {
        let range = Rows::Range {
            start: 0.0,
            count: 4096,
        };
        assert_eq!(default_seq_len(&range), 4096.0);
        assert_eq!(default_seq_len(&Rows::List(vec![3.0, -9.5, 2.0])), 10.5);
        assert_eq!(position_of(&range, 7), 7.0);
    }

    #[test]
    fn tensors_of_each_layout() {
        let names = |layout: CacheLayoutArg| {
            layout
                .tensors(5, 8)
                .into_iter()
                .map(|t| (t.name, t.shape))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(CacheLayoutArg::CosSin), [("cos_sin", vec![5, 8])]);
        assert_eq!(
            names(CacheLayoutArg::Separate),
            [("cos", vec![5, 4]), ("sin", vec![5, 4])]
        );
        assert_eq!(
            names(CacheLayoutArg::Hf),
            [("cos", vec![5, 8]), ("sin", vec![5, 8])]
        );
    }
}
