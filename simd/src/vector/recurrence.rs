//! `f32` tables by recurrence: per pair, with `φ = c·ω_i` and `x_j` the sine or the cosine of
//! `θ + jφ`, `x_{j+1} = 2cos φ·x_j − x_{j−1}` (both satisfy it, with the same factor), in `f64`:
//! one FMA per four values instead of a reduction and two polynomials. The vectors hold
//! `[sin, cos, sin, cos]` of two pairs in the interleaved layout (so that a row's values are
//! one conversion to `f32` away from their columns, no shuffle) and four sines or four cosines
//! in the split ones. Row 1 of a period is R(1)·row 0, the rotation by `(sin φ, cos φ)`.
//!
//! The kernel is memory-bound only if it does little besides the FMA, the conversion and the
//! store: it holds the state of four vectors (one 64-byte line of a row) in registers and
//! walks them down the period's rows, so that nothing but the output goes to memory.
//!
//! Anchors: every row whose GLOBAL index `k` is a multiple of `PERIOD` ([`ANCHOR_ROWS`](crate::ANCHOR_ROWS)) is evaluated directly
//! (the `f64` polynomials), and rows `k+1 … k+PERIOD−1` are stepped from it. A row's bits depend
//! only on the encoding, `start` and `k` (its anchor is `k − k mod PERIOD`, however the table is
//! cut into blocks), so tables written in any blocks, by any number of threads, are identical.
//! They are not the bits of [`encode_row`](crate::encode_row) at the same position, which
//! evaluates directly: both are within the `f32` bound of the exact value.
//!
//! # Accuracy
//! The anchor and R(1) are evaluated with the `f64` polynomials, within about 2^−52 (plus ω's
//! relative error times the angle, as for every row). An error `r_j` made at step `j` (the
//! rounding of `2cos φ`, at most 2^−53 of `|x_j| ≤ 1`, and of the FMA, 2^−53; two roundings
//! of 2^−53 without FMA) reaches row `k` multiplied by `U_{k−j−1}(cos φ) = sin((k−j)φ)/sin φ`,
//! at most `k − j` in size whatever φ: the `k ≤ PERIOD − 1 = 63` steps add at most
//! `3·2^−53·Σ(k − j) ≤ 3·2^−53·2016`, below 2^−41, and row 1's own error at most 63 times
//! 2^−51, below 2^−45. The angle is `θ_anchor + j·φ`, whose error is ω's relative error times
//! `|θ|` as before: the `f32` error budget of the direct path (about 0.4 of 2^−23) is unchanged
//! to 2^−38. `f64` output is never stepped: its bound is too tight at small angles.

use posenc_core::{Columns, Encoding, Layout, Rows, row_position};

use super::frequency::{Exponent, Frequencies};
use super::lanes::Lanes;
use super::sincos::{MAX_ANGLE, sin_cos};
use super::stream::{self, LINE};
use crate::tuning::{ANCHOR_ROWS as PERIOD, stream_bytes};

/// The recurrence needs row `anchor + j` to be at the anchor's position plus `j`. With the start
/// and the row index both below this (2^52), `start + k` is rounded by at most half an ulp of
/// the sum, which is under 2^−29 wherever `|start + k| ≤ 2^24` (the accuracy range); with either
/// beyond, the index or the sum may be rounded by whole positions (found by fuzz/parallel_rows).
const EXACT_STEPS: f64 = 4_503_599_627_370_496.0;

/// Pairs per chunk (a multiple of 64): ω, R(1) and the state of this many at a time, on the
/// stack (about 60 KiB at 512; less where stacks are small). Rows of one chunk (`d_model` up to
/// 1024) compute ω and R(1) once per call rather than once per period; and a chunk's run of a
/// row is written line by line, so the fewer chunks a row has, the fewer lines are shared
/// between two runs.
#[cfg(target_pointer_width = "64")]
const CHUNK: usize = 512;
#[cfg(not(target_pointer_width = "64"))]
const CHUNK: usize = 64;
/// Vectors of ω per chunk.
const OMEGA: usize = CHUNK / 4;
/// Vectors of state per chunk: two pairs each (interleaved), or four sines or four cosines.
const VECTORS: usize = CHUNK / 2;
/// Vectors walked down the rows at once: 16 values, one 64-byte line.
const STRIP: usize = 4;
/// Values ahead of a strip's line in a row that ordinary stores prefetch: eight lines, which the
/// strip reaches eight walks (64 rows' worth of its stores) later, time enough for a line to
/// come from the L3 or memory. The next line (16 values), as first written, was reached too
/// soon: tables of 16 MiB took 0.9–1.8 ms on one thread of this project's machine against
/// 0.4–0.6 ms with eight, which are as fast below that (best of 15 runs or more).
const PREFETCH: usize = 128;
/// Rows a strip walks before the next strip is walked, with ordinary and non-temporal stores.
/// Ordinary stores need their lines in L1, where rows 4 KiB apart fall in one set of 12 ways:
/// 8 rows (and the line prefetched ahead of each) fit; 16 measured up to twice as slow for
/// d = 1024. Non-temporal stores bypass L1. See [`plain_pass`] for other row lengths.
const PLAIN_PASS: usize = 8;
const MAX_PLAIN_PASS: usize = 16;
const STREAM_PASS: usize = 16;
/// The bytes of one way of L1 (48 KiB of 12 ways, or 32 KiB of 8): addresses this far apart
/// fall in one set.
const L1_WAY: usize = 4096;

/// The rows of `rows` as an `f32` table into `out` (of their length). Periods whose rows'
/// angles leave the vector range go through `direct` instead (a sub-range into its slice).
#[inline(always)]
pub(crate) fn table_f32<L: Lanes>(
    exponent: Exponent,
    rows: &Rows<'_>,
    out: &mut [f32],
    mut direct: impl FnMut(&Rows<'_>, &mut [f32]),
) {
    let enc = rows.encoding();
    let (d, start, len) = (enc.d_model(), rows.start(), rows.len());
    let freq = Frequencies::<L>::new(exponent);
    let streaming = len.saturating_mul(d).saturating_mul(4) >= stream_bytes();
    // Counted in rows of the range rather than up to an end index: the block may end on row
    // u64::MAX, and the index one past it does not exist (found by fuzz/parallel_rows).
    let mut scratch = Scratch {
        chunk: None,
        omega: [L::splat(0.0); OMEGA],
        sin_step: [L::splat(0.0); OMEGA],
        cos_step: [L::splat(0.0); OMEGA],
        now: [L::splat(0.0); VECTORS],
        next: [L::splat(0.0); VECTORS],
        twice_cos: [L::splat(0.0); VECTORS],
    };
    let mut done = 0;
    let mut rest = &mut out[..len * d];
    while done < len {
        let k = rows.index(done);
        let anchor = k - k % PERIOD;
        // At most PERIOD rows: the cast cannot truncate.
        let count = ((PERIOD - (k - anchor)) as usize).min(len - done);
        let (tile, tail) = rest.split_at_mut(count * d);
        rest = tail;
        let scaled_anchor = enc.scale() * row_position(start, anchor);
        let scaled_last = enc.scale() * row_position(start, anchor.saturating_add(PERIOD - 1));
        // Stepping by R(1) gives PE(anchor position + j): see EXACT_STEPS for when that is
        // row j's own position; other periods go through `direct`.
        let exact_steps = start.abs() < EXACT_STEPS && anchor < EXACT_STEPS as u64;
        if exact_steps && scaled_anchor.abs() <= MAX_ANGLE && scaled_last.abs() <= MAX_ANGLE {
            let skip = (k - anchor) as usize;
            period::<L>(
                enc,
                &freq,
                scaled_anchor,
                skip,
                streaming,
                &mut scratch,
                tile,
            );
        } else {
            direct(&rows.chunk(done, count), tile);
        }
        if enc.layout() != Layout::Interleaved && !d.is_multiple_of(2) {
            for row in tile.chunks_exact_mut(d) {
                if let Columns::Split { pad, .. } = enc.layout().columns(row) {
                    pad.fill(0.0);
                }
            }
        }
        done += count;
    }
    if streaming {
        stream::fence();
    }
}

/// A chunk's ω, R(1) and state, made once per table call rather than once per period.
struct Scratch<L> {
    /// The first pair of the chunk whose ω, R(1) and 2cos φ are below, if any.
    chunk: Option<usize>,
    omega: [L; OMEGA],
    sin_step: [L; OMEGA],
    cos_step: [L; OMEGA],
    /// Rows j and j + 1 of the period, and 2cos φ, of every vector of the chunk.
    now: [L; VECTORS],
    next: [L; VECTORS],
    twice_cos: [L; VECTORS],
}

/// The rows of one period from row `skip` of the period on (the anchor is row 0).
#[inline(always)]
fn period<L: Lanes>(
    enc: &Encoding,
    freq: &Frequencies<L>,
    scaled_anchor: f64,
    skip: usize,
    streaming: bool,
    scratch: &mut Scratch<L>,
    tile: &mut [f32],
) {
    let (d, n) = (enc.d_model(), enc.pairs());
    let layout = enc.layout();
    let Scratch {
        chunk,
        omega,
        sin_step,
        cos_step,
        now,
        next,
        twice_cos,
    } = scratch;
    let anchor = L::splat(scaled_anchor);
    let scale = L::splat(enc.scale());
    for first_pair in (0..n).step_by(CHUNK) {
        let len = CHUNK.min(n - first_pair);
        let pair_vectors = len.div_ceil(4);
        // What depends on the pairs alone is kept from the last period with this chunk.
        if *chunk != Some(first_pair) {
            let groups = omega.chunks_exact_mut(16).take(pair_vectors.div_ceil(16));
            for (quarter, omega) in groups.enumerate() {
                if let Ok(omega) = <&mut [L; 16]>::try_from(omega) {
                    freq.omega64(first_pair + 64 * quarter, omega);
                }
            }
            for v in 0..pair_vectors {
                let (s1, c1) = sin_cos::<L, false>(scale * omega[v]);
                (sin_step[v], cos_step[v]) = (s1, c1);
                let t = c1 + c1;
                if layout == Layout::Interleaved {
                    [twice_cos[2 * v], twice_cos[2 * v + 1]] = mixed(t, t);
                } else {
                    (twice_cos[v], twice_cos[pair_vectors + v]) = (t, t);
                }
            }
            *chunk = Some(first_pair);
        }
        for v in 0..pair_vectors {
            let (s0, c0) = sin_cos::<L, false>(anchor * omega[v]);
            let (s, c) = rotate(s0, c0, sin_step[v], cos_step[v]);
            if layout == Layout::Interleaved {
                [now[2 * v], now[2 * v + 1]] = mixed(s0, c0);
                [next[2 * v], next[2 * v + 1]] = mixed(s, c);
            } else {
                (now[v], now[pair_vectors + v]) = (s0, c0);
                (next[v], next[pair_vectors + v]) = (s, c);
            }
        }
        let vectors = 2 * pair_vectors;
        for _ in 0..skip {
            for v in 0..vectors {
                (now[v], next[v]) = (next[v], recur(twice_cos[v], next[v], now[v]));
            }
        }
        // Where the chunk's runs start in a row, from the one column map.
        let Some(row) = tile.get_mut(..d) else {
            return;
        };
        let row_start = row.as_ptr().addr();
        let offset = |run: &[f32]| (run.as_ptr().addr() - row_start) / size_of::<f32>();
        let runs = match layout.columns(row).run(first_pair, len) {
            Columns::Interleaved(run) => [Strip::new(offset(run), run.len(), 0), Strip::EMPTY],
            Columns::Split { sin, cos, .. } => [
                Strip::new(offset(sin), sin.len(), 0),
                Strip::new(offset(cos), cos.len(), pair_vectors),
            ],
        };
        let mut state = State {
            now: &mut now[..vectors],
            next: &mut next[..vectors],
            twice_cos: &twice_cos[..vectors],
        };
        let pass_rows = if streaming {
            STREAM_PASS
        } else {
            plain_pass(d)
        };
        for pass in tile.chunks_mut(pass_rows * d) {
            for run in runs {
                if run.values > 0 {
                    write_run(d, run, &mut state, streaming, pass);
                }
            }
        }
    }
}

/// Rows a strip walks with ordinary stores in rows of `d` values: as many as put at most
/// [`PLAIN_PASS`] of the walk's lines in one L1 set, as [`PLAIN_PASS`] rows 4 KiB apart do
/// (at most [`MAX_PLAIN_PASS`]). Rows of 2 KiB share a set every second row, so 16 of them fill
/// a set as 8 of 4 KiB do, at half the walks: a walk's set-up (its line's state loaded and
/// stored, its columns checked) was a third of the instructions of a walk of 8 rows.
fn plain_pass(d: usize) -> usize {
    // Row starts come back to the same place in a way every `period` rows, and not before.
    let row_bytes = d.saturating_mul(size_of::<f32>());
    let period = L1_WAY >> row_bytes.trailing_zeros().min(L1_WAY.trailing_zeros());
    PLAIN_PASS.saturating_mul(period).min(MAX_PLAIN_PASS)
}

/// The `values` values from column `at` of each row, from the state's vectors `first` on:
/// a run of a chunk's pairs in a row.
#[derive(Debug, Clone, Copy)]
struct Strip {
    at: usize,
    values: usize,
    first: usize,
}

impl Strip {
    const EMPTY: Strip = Strip::new(0, 0, 0);

    const fn new(at: usize, values: usize, first: usize) -> Strip {
        Strip { at, values, first }
    }

    /// Where vectors `v..` of this strip start.
    fn part(self, v: usize) -> Part {
        Part {
            at: self.at + 4 * v,
            first: self.first + v,
        }
    }
}

/// Where the part of a strip that one walk writes starts: column `at` of each row, the
/// state's vector `first`.
#[derive(Debug, Clone, Copy)]
struct Part {
    at: usize,
    first: usize,
}

/// The state of a chunk's vectors at the next row to write.
struct State<'a, L> {
    now: &'a mut [L],
    next: &'a mut [L],
    twice_cos: &'a [L],
}

/// The strip `run` of every row of `tile`, from `state`: four vectors (one line) at a time,
/// with non-temporal stores where `streaming` and the line is the run's alone; the vectors
/// before the first whole line and after the last one singly.
#[inline(always)]
fn write_run<L: Lanes>(
    d: usize,
    run: Strip,
    state: &mut State<'_, L>,
    streaming: bool,
    tile: &mut [f32],
) {
    let (whole, part) = (run.values / 4, run.values % 4);
    let start = tile.as_ptr().addr() + run.at * size_of::<f32>();
    // Lines are the run's own only where every row's run starts at the same place in a line,
    // and vector stores are aligned only where it starts on 16 bytes.
    let aligned = (d * size_of::<f32>()).is_multiple_of(LINE) && start.is_multiple_of(16);
    let (head, streaming) = if streaming && aligned {
        ((start.next_multiple_of(LINE) - start) / 16, true)
    } else {
        (0, false)
    };
    let head = head.min(whole);
    let lines = (whole - head) / STRIP;
    for v in 0..head {
        walk::<L, 1, 4>(d, run.part(v), state, tile);
    }
    walk_lines(d, run.part(head), lines, streaming, state, tile);
    for v in head + STRIP * lines..whole {
        walk::<L, 1, 4>(d, run.part(v), state, tile);
    }
    let last = run.part(whole);
    match part {
        1 => walk::<L, 1, 1>(d, last, state, tile),
        2 => walk::<L, 1, 2>(d, last, state, tile),
        3 => walk::<L, 1, 3>(d, last, state, tile),
        _ => {}
    }
}

/// How far ahead of a strip's values in a row (ending at column `end`) ordinary stores
/// prefetch, in a pass of `pass` values of rows of `d`: [`PREFETCH`] values on in the row, or,
/// where that is past the row's end, as far past it in the row one pass down, which the pass
/// after writes first. (Prefetching on into the next row, whose first lines this pass wrote
/// already, left a quarter of a 512-column table's lines to be fetched by its stores: tables
/// of 4 MiB on an Ice Lake server took 1.20–1.26× `memset` on two threads and 1.16–1.22× on
/// one, against 1.14–1.22× and 1.06–1.08× so, medians of interleaved runs.)
#[inline(always)]
fn prefetch_ahead(d: usize, end: usize, pass: usize) -> usize {
    if end.saturating_add(PREFETCH) <= d {
        PREFETCH
    } else {
        // The last pass of a block prefetches past it: a hint, never a fault.
        (PREFETCH + pass).saturating_sub(d)
    }
}

/// `lines` lines (of [`STRIP`] vectors) from `from` on down the rows of `tile`, with
/// non-temporal stores where `streaming` (and every row's lines start on 16 bytes). What is the
/// same for all of them (the state's bounds, the store alignment) is checked once here.
#[inline(always)]
fn walk_lines<L: Lanes>(
    d: usize,
    from: Part,
    lines: usize,
    streaming: bool,
    state: &mut State<'_, L>,
    tile: &mut [f32],
) {
    let vectors = from.first..from.first + STRIP * lines;
    let (Some(now), Some(next), Some(twice_cos)) = (
        state.now.get_mut(vectors.clone()),
        state.next.get_mut(vectors.clone()),
        state.twice_cos.get(vectors),
    ) else {
        return;
    };
    // Streamed lines are stored with aligned instructions: every row's lines must start on 16
    // bytes (`write_run` streams only where they do; checked here, where `put` relies on it).
    let start = tile.as_ptr().addr() + from.at * size_of::<f32>();
    let aligned = start.is_multiple_of(16) && (d * size_of::<f32>()).is_multiple_of(16);
    // The choice made once for all lines, not at each (where it was not hoisted).
    if streaming && aligned {
        for (line, (now, next, twice_cos)) in line_states(now, next, twice_cos) {
            let at = from.at + 4 * STRIP * line;
            rows::<L, STRIP, { 4 * STRIP }, true>(d, at, now, next, twice_cos, tile);
        }
    } else if tile.len() == MAX_PLAIN_PASS * d {
        whole_pass::<L, MAX_PLAIN_PASS>(d, from.at, now, next, twice_cos, tile);
    } else if tile.len() == PLAIN_PASS * d {
        whole_pass::<L, PLAIN_PASS>(d, from.at, now, next, twice_cos, tile);
    } else {
        for (line, (now, next, twice_cos)) in line_states(now, next, twice_cos) {
            let at = from.at + 4 * STRIP * line;
            rows::<L, STRIP, { 4 * STRIP }, false>(d, at, now, next, twice_cos, tile);
        }
    }
}

/// One line's `now`, `next` and `twice_cos`.
type LineState<'a, L> = (&'a mut [L; STRIP], &'a mut [L; STRIP], &'a [L; STRIP]);

/// The state of each line (of [`STRIP`] vectors) of `now`, `next` and `twice_cos`, numbered.
#[inline(always)]
fn line_states<'a, L>(
    now: &'a mut [L],
    next: &'a mut [L],
    twice_cos: &'a [L],
) -> impl Iterator<Item = (usize, LineState<'a, L>)> {
    now.as_chunks_mut::<STRIP>()
        .0
        .iter_mut()
        .zip(next.as_chunks_mut::<STRIP>().0)
        .zip(twice_cos.as_chunks::<STRIP>().0)
        .map(|((now, next), twice_cos)| (now, next, twice_cos))
        .enumerate()
}

/// The lines of [`rows`] from column `at` on, each down a whole pass of `R` (even) rows, with
/// ordinary stores: what `rows` checks at every row (that its columns exist) and at its end
/// (the odd rows of a short tile), and what `walk_lines` works out for every line (its state's
/// bounds), is checked once here, so that a line's walk is its state's loads and stores, its
/// prefetch distance and the FMAs, conversions, stores and prefetches of its rows alone. On a
/// 256×512 table (callgrind, table_profile, the kernel's own instructions) a walk of 16 rows
/// set up in about 100 instructions through `rows`, 60 with the row checks hoisted out of the
/// walk, and 47 so, 20 of them the state's loads and stores: 1.50 instructions a value
/// through `rows`, 1.37 with a walk per line, 1.32 with the lines of a pass in one call.
#[inline(always)]
fn whole_pass<L: Lanes, const R: usize>(
    d: usize,
    at: usize,
    now: &mut [L],
    next: &mut [L],
    twice_cos: &[L],
    tile: &mut [f32],
) {
    const { assert!(R.is_multiple_of(2)) };
    const W: usize = 4 * STRIP;
    let (now, next, twice_cos) = (
        now.as_chunks_mut::<STRIP>().0,
        next.as_chunks_mut::<STRIP>().0,
        twice_cos.as_chunks::<STRIP>().0,
    );
    let lines = now.len().min(next.len()).min(twice_cos.len());
    let end = lines
        .checked_mul(W)
        .and_then(|values| values.checked_add(at));
    let pass = tile.len();
    if end.is_none_or(|end| end > d) || Some(pass) != R.checked_mul(d) {
        return;
    }
    // Rows are reached through this pointer alone from here on, not through `tile`.
    let first = tile.as_mut_ptr().wrapping_add(at);
    for line in 0..lines {
        let ahead = prefetch_ahead(d, at + W * (line + 1), pass);
        let (mut now_line, mut next_line, twice_cos) = (now[line], next[line], twice_cos[line]);
        let first = first.wrapping_add(W * line);
        for pair in 0..R / 2 {
            let row = 2 * pair;
            // SAFETY: `row + 1 < R` and `at + W·(line + 1) ≤ d` (checked above): these columns
            // of rows `row` and `row + 1` lie inside `tile` (`R·d` values), apart, and
            // borrowed from it mutably for this call alone.
            let (first_out, second_out) = unsafe {
                (
                    &mut *first.add(row * d).cast::<[f32; W]>(),
                    &mut *first.add((row + 1) * d).cast::<[f32; W]>(),
                )
            };
            put_two::<L, STRIP, W, false>(
                &mut now_line,
                &mut next_line,
                &twice_cos,
                first_out,
                second_out,
                ahead,
            );
        }
        (now[line], next[line]) = (now_line, next_line);
    }
}

/// Vector `strip.first` of `state` down the rows of `tile`, into the `W` (at most 4) values of
/// each row from column `strip.at`, with ordinary stores.
#[inline(always)]
fn walk<L: Lanes, const N: usize, const W: usize>(
    d: usize,
    strip: Part,
    state: &mut State<'_, L>,
    tile: &mut [f32],
) {
    let Part { at, first } = strip;
    let (Some(now), Some(next), Some(twice_cos)) = (
        state.now.get_mut(first..).and_then(<[L]>::first_chunk_mut),
        state.next.get_mut(first..).and_then(<[L]>::first_chunk_mut),
        state.twice_cos.get(first..).and_then(<[L]>::first_chunk),
    ) else {
        return;
    };
    rows::<L, N, W, false>(d, at, now, next, twice_cos, tile);
}

/// The `N` vectors `now`, `next` down the rows of `tile`, into the `W` values (`4N`, or fewer
/// for a run's last vector) of each row from column `at`; the state stays in registers. `W` is
/// a constant so that the row loop checks nothing of the row's columns but that they exist.
/// With `STREAM`, the caller has checked that column `at` of every row is on 16 bytes.
#[inline(always)]
fn rows<L: Lanes, const N: usize, const W: usize, const STREAM: bool>(
    d: usize,
    at: usize,
    now_out: &mut [L; N],
    next_out: &mut [L; N],
    twice_cos: &[L; N],
    tile: &mut [f32],
) {
    let (mut now, mut next) = (*now_out, *next_out);
    let ahead = prefetch_ahead(d, at + W, tile.len());
    // Checked once here, so that the compiler drops the checks of `columns` in the loop: they
    // cost a third of its instructions.
    if d.checked_sub(at).is_none_or(|room| room < W) {
        return;
    }
    // Rows cut off the front (rather than by `chunks_exact_mut`, whose division by `2d` was a
    // tenth of a walk's instructions): four a step while there are (the loop's own instructions
    // were a sixth of a step of two), then two, then the lone last row of an odd tile.
    let mut rest = tile;
    while rest.len() >= 4 * d {
        let (rows, tail) = core::mem::take(&mut rest).split_at_mut(4 * d);
        rest = tail;
        let (first, second) = rows.split_at_mut(2 * d);
        if !two_rows::<L, N, W, STREAM>(d, at, &mut now, &mut next, twice_cos, first, ahead)
            || !two_rows::<L, N, W, STREAM>(d, at, &mut now, &mut next, twice_cos, second, ahead)
        {
            return;
        }
    }
    if rest.len() >= 2 * d {
        let (rows, tail) = core::mem::take(&mut rest).split_at_mut(2 * d);
        rest = tail;
        if !two_rows::<L, N, W, STREAM>(d, at, &mut now, &mut next, twice_cos, rows, ahead) {
            return;
        }
    }
    // Stored on either path rather than after both: merged, the two orders of the registers
    // cost eight moves a walk.
    // A whole row or nothing: its columns are then known to be there (checked above), which
    // costs less than asking `columns` of a remainder of any length.
    if let Some(out) = rest.get_mut(..d).and_then(|row| columns(row, at)) {
        put::<L, N, W, STREAM>(&now, out, ahead);
        for v in 0..N {
            now[v] = recur(twice_cos[v], next[v], now[v]);
        }
        (*now_out, *next_out) = (next, now);
    } else {
        (*now_out, *next_out) = (now, next);
    }
}

/// Two rows (`rows`, `2d` values) of the strip from `now` and `next`, which step two rows on:
/// `now` holds rows j, j + 2, …, `next` rows j + 1, j + 3, …, so that the state never moves
/// between registers. `false` (nothing written) where the rows do not have the columns.
#[inline(always)]
fn two_rows<L: Lanes, const N: usize, const W: usize, const STREAM: bool>(
    d: usize,
    at: usize,
    now: &mut [L; N],
    next: &mut [L; N],
    twice_cos: &[L; N],
    rows: &mut [f32],
    ahead: usize,
) -> bool {
    let (first_row, second_row) = rows.split_at_mut(d);
    let (Some(first_out), Some(second_out)) = (columns(first_row, at), columns(second_row, at))
    else {
        return false;
    };
    put_two::<L, N, W, STREAM>(now, next, twice_cos, first_out, second_out, ahead);
    true
}

/// Rows j and j + 1 (`now`, `next`) into `first_out` and `second_out`, each stepped two rows
/// on: the one order of puts and steps that every walk uses, so that every path writes the same
/// bits.
#[inline(always)]
fn put_two<L: Lanes, const N: usize, const W: usize, const STREAM: bool>(
    now: &mut [L; N],
    next: &mut [L; N],
    twice_cos: &[L; N],
    first_out: &mut [f32; W],
    second_out: &mut [f32; W],
    ahead: usize,
) {
    put::<L, N, W, STREAM>(now, first_out, ahead);
    for v in 0..N {
        now[v] = recur(twice_cos[v], next[v], now[v]);
    }
    put::<L, N, W, STREAM>(next, second_out, ahead);
    for v in 0..N {
        next[v] = recur(twice_cos[v], now[v], next[v]);
    }
}

/// The `W` columns of `row` from `at`, if it has them.
#[inline(always)]
fn columns<const W: usize>(row: &mut [f32], at: usize) -> Option<&mut [f32; W]> {
    row.get_mut(at..)?.first_chunk_mut()
}

/// The `W` values of vectors `x` (16 of four vectors, or at most 4 of one) into a row's
/// columns of the strip.
#[inline(always)]
fn put<L: Lanes, const N: usize, const W: usize, const STREAM: bool>(
    x: &[L; N],
    out: &mut [f32; W],
    ahead: usize,
) {
    if let (Ok(out), [a, b, c, d]) = (<&mut [f32; 16]>::try_from(&mut out[..]), x.as_slice()) {
        let values = [a.to_f32(), b.to_f32(), c.to_f32(), d.to_f32()];
        if STREAM {
            // SAFETY: `rows::<_, _, _, true>`, the only caller with STREAM, has it from its
            // caller (`walk_lines`) that the column `at` of every row of its tile is on 16 bytes.
            unsafe { stream::store_line(out, values) };
        } else {
            stream::prefetch_for_write(out.as_ptr().wrapping_add(ahead));
            for (out, values) in out.as_chunks_mut::<4>().0.iter_mut().zip(values) {
                *out = values;
            }
        }
    } else if let Some(x) = x.first() {
        let values = x.to_f32();
        let n = W.min(4);
        out[..n].copy_from_slice(&values[..n]);
    }
}

/// `[s0, c0, s1, c1]` and `[s2, c2, s3, c3]` of four pairs' sines and cosines.
#[inline(always)]
fn mixed<L: Lanes>(sin: L, cos: L) -> [L; 2] {
    let all = L::interleave_f64(sin, cos);
    let (low, high) = all.split_at(4);
    let (Ok(low), Ok(high)) = (<[f64; 4]>::try_from(low), <[f64; 4]>::try_from(high)) else {
        return [sin, cos];
    };
    [L::new(low), L::new(high)]
}

/// The next row's values: `2cos φ·x_j − x_{j−1}`.
#[inline(always)]
fn recur<L: Lanes>(twice_cos: L, now: L, before: L) -> L {
    twice_cos.mul_sub(now, before)
}

/// R(φ) applied to `(sin θ, cos θ)`.
#[inline(always)]
fn rotate<L: Lanes>(sin: L, cos: L, sin_step: L, cos_step: L) -> (L, L) {
    (
        sin.mul_add(cos_step, cos * sin_step),
        sin.mul_neg_add(sin_step, cos * cos_step),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of 4 KiB (and multiples) get the measured 8; rows of 2 KiB, which share an L1 set
    /// every second row, twice that; rows whose starts spread over more sets the cap.
    #[test]
    fn plain_pass_fills_a_set_as_eight_rows_of_4_kib_do() {
        assert_eq!(plain_pass(1024), 8);
        assert_eq!(plain_pass(2048), 8);
        assert_eq!(plain_pass(512), 16);
        assert_eq!(plain_pass(448), MAX_PLAIN_PASS);
        assert_eq!(plain_pass(6), MAX_PLAIN_PASS);
        assert_eq!(plain_pass(usize::MAX), MAX_PLAIN_PASS);
    }
}
