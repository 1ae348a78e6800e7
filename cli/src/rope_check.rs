//! `posenc rope-check`: a RoPE cache from elsewhere (Hugging Face, vLLM, llama.cpp, candle)
//! against the exact values, as `check` does for tables.
//!
//! The file is `.npy` ([rows, R] or [1, rows, R] for cos-sin; [2, rows, width] for cos and
//! sin stacked) or safetensors (`cos_sin`, or `cos` and `sin`, each [rows, width] or
//! [1, rows, width]), in f32, f64, f16 or bf16. Each tensor is read a block of rows at a time
//! and compared with posenc-parallel's `f64` cache of the same rows (within
//! 2^-48·(1 + |θ|)·max(1, a) of exact); the worst absolute error is kept overall and per
//! decade of |position|.

use crate::check::{Outcome, add_worst_of_rows, check_tolerance, verdict};
use crate::errors::CliError;
use crate::input::{Input, TensorRows, read_block, rows_shape};
use crate::npy;
use crate::output;
use crate::progress;
use crate::report::Stats;
use crate::rope::{default_seq_len, describe, fill_cache, position_of, validate_positions};
use crate::rope_args::{CacheLayoutArg, RopeCheckArgs};
use crate::rows::{Rows, block_rows, blocks};

/// Runs `posenc rope-check`, printing the report on stdout.
pub(crate) fn run(args: &RopeCheckArgs) -> Result<Outcome, CliError> {
    check_tolerance(args.checked.tolerance)?;
    let lists = args.config.factor_lists()?;
    let mut input = Input::open(&args.file)?;
    let found = if input.is_npy {
        npy_tensors(&mut input)?
    } else {
        safetensors_tensors(&mut input)?
    };
    let file_rows = found.tensors.first().map_or(0, |t| t.rows);
    let rows = Rows::from_flags(
        args.checked.positions.as_deref(),
        args.checked.start,
        file_rows,
    )?;
    if rows.count() != file_rows {
        return Err(CliError::invalid(format!(
            "--positions has {} positions but {} has {file_rows} rows",
            rows.count(),
            input.name
        )));
    }
    let rope = args.config.rope(&lists, default_seq_len(&rows))?;
    validate_positions(&rope, &rows)?;
    let layout = layout_of(&found, args.cache_layout, rope.rotary_dim(), &input.name)?;

    let data_bytes = found.tensors.iter().map(TensorRows::data_bytes).sum();
    let bar = progress::bar(data_bytes, args.checked.quiet, "checking");
    let stats = args.config.run_in_pool(|| {
        let mut stats = Stats::new(rope.max_frequency());
        for (index, tensor) in found.tensors.iter().enumerate() {
            input.seek(tensor.offset)?;
            let column_offset = index * tensor.width;
            for (first, count) in blocks(tensor.rows, block_rows(tensor.width * 8)) {
                let w = tensor.width;
                let mut bytes = vec![0u8; count * w * tensor.dtype.value_bytes()];
                read_block(&mut input, tensor, &mut bytes)?;
                let mut values = Vec::new();
                crate::dtype::decode(tensor.dtype, tensor.big_endian, &bytes, &mut values);
                let mut exact = vec![0.0f64; count * w];
                fill_cache(&rope, layout, &rows, index, first, &mut exact)?;
                add_worst_of_rows(
                    &mut stats,
                    &values,
                    &exact,
                    w,
                    first,
                    column_offset,
                    |row| position_of(&rows, row),
                );
                bar.inc(bytes.len() as u64);
            }
        }
        Ok(stats)
    })?;
    bar.finish_and_clear();

    let tensors: Vec<String> = found
        .tensors
        .iter()
        .map(|t| {
            format!(
                "'{}' {} {}",
                t.name,
                npy::shape_text(&t.shape),
                t.dtype.name()
            )
        })
        .collect();
    let columns = match layout {
        CacheLayoutArg::CosSin => format!(
            "columns 0..{n} are a·cos θ_i, {n}..{r} a·sin θ_i",
            n = rope.pairs(),
            r = rope.rotary_dim()
        ),
        _ => {
            let w = found.tensors.first().map_or(0, |t| t.width);
            format!("columns 0..{w} are 'cos', {w}..{} 'sin'", 2 * w)
        }
    };
    let positions = match &rows {
        _ if rows.count() == 0 => "no rows".to_owned(),
        Rows::Range { start, count } => {
            format!("positions {start} to {}", position_of(&rows, count - 1))
        }
        Rows::List(list) => format!("{} positions from --positions", list.len()),
    };
    let a = rope.attention_factor();
    let reference =
        (1.0 + stats.max_abs_position * rope.max_frequency()) * a.max(1.0) * (-48f64).exp2();
    let mut report = format!(
        "checked {}: {} cache, {}\nagainst RoPE {}; {positions}; {columns}\n\
         reference: posenc's f64 values, within 2^-48·(1 + |θ|)·max(1, a) of exact: {reference:.1e} or less here\n",
        input.name,
        layout.name(),
        tensors.join(" and "),
        describe(&rope),
    );
    report.push_str(&stats.render());
    let outcome = verdict(args.checked.tolerance, stats.overall.as_ref(), &mut report);
    output::print(&report)?;
    Ok(outcome)
}

/// The tensors of a file: one (`cos_sin`) or two (`cos`, `sin`).
#[derive(Debug)]
struct Found {
    tensors: Vec<TensorRows>,
}

/// A `.npy` cache: [rows, R] or [1, rows, R] (one tensor), or [2, rows, width] (cos, sin).
fn npy_tensors(input: &mut Input) -> Result<Found, CliError> {
    let array = npy::read_array_header(&mut input.reader, &input.name)?;
    let data_start = input.position()?;
    let bad = || {
        CliError::invalid(format!(
            "{}: shape {} is not a RoPE cache: expected (rows, R), (1, rows, R) or (2, rows, width)",
            input.name,
            npy::shape_text(&array.shape)
        ))
    };
    let (names, rows, width): (&[&str], u64, u64) = match *array.shape.as_slice() {
        [rows, width] | [1, rows, width] => (&["cos_sin"], rows, width),
        [2, rows, width] => (&["cos", "sin"], rows, width),
        _ => return Err(bad()),
    };
    let width_usize = usize::try_from(width).map_err(|_| bad())?;
    let tensor_bytes = rows
        .checked_mul(width)
        .and_then(|v| v.checked_mul(array.dtype.value_bytes() as u64))
        .ok_or_else(bad)?;
    let expected = data_start.saturating_add(tensor_bytes.saturating_mul(names.len() as u64));
    if expected != input.len {
        return Err(CliError::invalid(format!(
            "{}: its shape {} needs {} bytes of data but the file has {}",
            input.name,
            npy::shape_text(&array.shape),
            tensor_bytes.saturating_mul(names.len() as u64),
            input.len.saturating_sub(data_start)
        )));
    }
    let tensors = names
        .iter()
        .enumerate()
        .map(|(k, name)| TensorRows {
            name: (*name).to_owned(),
            dtype: array.dtype,
            big_endian: array.big_endian,
            shape: array.shape.clone(),
            rows,
            width: width_usize,
            offset: data_start + k as u64 * tensor_bytes,
        })
        .collect();
    Ok(Found { tensors })
}

/// A safetensors cache: `cos_sin` (or `cos_sin_cache`, or its only tensor), or `cos` and
/// `sin`, each [rows, width] or [1, rows, width].
fn safetensors_tensors(input: &mut Input) -> Result<Found, CliError> {
    let file = input.safetensors()?;
    let names = file.names();
    let has = |n: &str| names.iter().any(|m| m == n);
    let chosen: Vec<String> = if has("cos_sin") {
        vec!["cos_sin".to_owned()]
    } else if has("cos_sin_cache") {
        vec!["cos_sin_cache".to_owned()]
    } else if has("cos") && has("sin") {
        vec!["cos".to_owned(), "sin".to_owned()]
    } else if names.len() == 1 {
        names.clone()
    } else {
        return Err(CliError::invalid(format!(
            "{} has no tensor 'cos_sin' and no 'cos' and 'sin' (it has {})",
            input.name,
            names.join(", ")
        )));
    };
    let mut tensors = Vec::new();
    for name in &chosen {
        let t = file.tensor(&input.name, name)?;
        let (rows, width) = rows_shape(&t.shape).ok_or_else(|| {
            CliError::invalid(format!(
                "{}: tensor '{name}' has shape {}; expected [rows, width] or [1, rows, width]",
                input.name,
                npy::shape_text(&t.shape)
            ))
        })?;
        tensors.push(TensorRows {
            name: name.clone(),
            dtype: t.dtype,
            big_endian: false,
            shape: t.shape,
            rows,
            width: usize::try_from(width).unwrap_or(usize::MAX),
            offset: t.file_offset,
        });
    }
    if let [cos, sin] = tensors.as_slice()
        && (cos.rows, cos.width, cos.dtype) != (sin.rows, sin.width, sin.dtype)
    {
        return Err(CliError::invalid(format!(
            "{}: tensors 'cos' {} and 'sin' {} differ in shape or dtype",
            input.name,
            npy::shape_text(&cos.shape),
            npy::shape_text(&sin.shape)
        )));
    }
    Ok(Found { tensors })
}

/// The layout of the file: `--cache-layout` if given (which must fit the file), else the one
/// its tensors and widths say for `rotary_dim` r.
fn layout_of(
    found: &Found,
    given: Option<CacheLayoutArg>,
    rotary_dim: usize,
    name: &str,
) -> Result<CacheLayoutArg, CliError> {
    let pair = found.tensors.len() == 2;
    let width = found.tensors.first().map_or(0, |t| t.width);
    let inferred = match (pair, width) {
        (false, _) => CacheLayoutArg::CosSin,
        (true, w) if w == rotary_dim / 2 => CacheLayoutArg::Separate,
        (true, _) => CacheLayoutArg::Hf,
    };
    let layout = given.unwrap_or(inferred);
    let tensors = if layout == CacheLayoutArg::CosSin {
        1
    } else {
        2
    };
    let expected = match layout {
        CacheLayoutArg::CosSin | CacheLayoutArg::Hf => rotary_dim,
        CacheLayoutArg::Separate => rotary_dim / 2,
    };
    if tensors != found.tensors.len() || width != expected {
        let what: Vec<String> = found
            .tensors
            .iter()
            .map(|t| format!("'{}' of rows of {} values", t.name, t.width))
            .collect();
        return Err(CliError::invalid(format!(
            "{name} holds {} but a {} cache for rotary_dim {rotary_dim} has {tensors} tensor(s) of rows of {expected} values",
            what.join(" and "),
            layout.name()
        )));
    }
    Ok(layout)
}
