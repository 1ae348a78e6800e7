//! From flags to a validated [`Encoding`], a thread pool and a description for reports.

use posenc_parallel::{Encoding, Layout};

use crate::args::EncodingArgs;
use crate::errors::CliError;

/// The widest row the command accepts: one `f64` row is then 8 MiB, so a block of rows (at
/// least one) stays within the memory budget of streaming. The SPEC's accuracy statement
/// covers `d_model ≤ 65 536`.
pub(crate) const MAX_D_MODEL: usize = 1 << 20;

impl EncodingArgs {
    /// The encoding these flags describe, with `d_model` columns.
    ///
    /// The library validates everything (d 0, base ≤ 1, NaN...); this adds the CLI's own
    /// limit on `d_model`.
    pub(crate) fn encoding(&self, d_model: usize) -> Result<Encoding, CliError> {
        if d_model > MAX_D_MODEL {
            return Err(CliError::invalid(format!(
                "d_model {d_model} is above the limit of {MAX_D_MODEL} columns"
            )));
        }
        let mut builder = match self.preset {
            Some(preset) => preset.builder(d_model),
            None => Encoding::builder(d_model),
        };
        if let Some(layout) = self.layout {
            builder = builder.layout(layout);
        }
        if let Some(shift) = self.shift {
            builder = builder.shift(shift);
        }
        Ok(builder.base(self.base).scale(self.scale).build()?)
    }

    /// Runs `job` on a rayon pool of `--threads` workers (the global pool when not given).
    pub(crate) fn run_in_pool<R: Send>(
        &self,
        job: impl FnOnce() -> Result<R, CliError> + Send,
    ) -> Result<R, CliError> {
        run_in_threads(self.threads, job)
    }
}

/// Runs `job` on a rayon pool of `threads` workers (the global pool when `None`): `--threads`.
pub(crate) fn run_in_threads<R: Send>(
    threads: Option<u16>,
    job: impl FnOnce() -> Result<R, CliError> + Send,
) -> Result<R, CliError> {
    match threads {
        None => job(),
        Some(threads) => rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(threads))
            .build()
            .map_err(|e| CliError::failed(format!("cannot start {threads} threads"), e))?
            .install(job),
    }
}

/// The encoding in words, for reports and plot titles:
/// `d_model 512, interleaved, base 10000, shift 0, scale 1`.
pub(crate) fn describe(enc: &Encoding) -> String {
    format!(
        "d_model {}, {}, base {}, shift {}, scale {}",
        enc.d_model(),
        enc.layout(),
        enc.base(),
        enc.shift(),
        enc.scale()
    )
}

/// The parts of [`describe`] that differ from the paper's defaults, for short titles:
/// `interleaved, base 10000` at least.
pub(crate) fn describe_short(enc: &Encoding) -> String {
    let mut text = format!("{}, base {}", enc.layout(), enc.base());
    // The split layouts are mostly used with shift 1, so their shift is always named.
    if enc.shift() != 0.0 || enc.layout() != Layout::Interleaved {
        text.push_str(&format!(", shift {}", enc.shift()));
    }
    if enc.scale() != 1.0 {
        text.push_str(&format!(", scale {}", enc.scale()));
    }
    text
}
