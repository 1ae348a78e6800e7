//! The three ways a row's columns are laid out, and which value each column holds.

use crate::Error;

/// Where the sines and cosines of each frequency go in a row.
///
/// The text names (used by [`FromStr`](core::str::FromStr) and [`Display`](core::fmt::Display)) are those of the SPEC.
///
/// ```
/// use posenc_core::Layout;
///
/// let layout: Layout = "split-sin-cos".parse()?;
/// assert_eq!(layout, Layout::SplitSinCos);
/// assert_eq!(layout.to_string(), "split-sin-cos");
/// assert!("sin-cos".parse::<Layout>().is_err());
/// # Ok::<(), posenc_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// Column `2i` holds `sin θ_i`, column `2i+1` holds `cos θ_i`: the paper, the PyTorch
    /// tutorial, Hugging Face. `⌈d/2⌉` frequencies; an odd `d` ends on a lone sine.
    #[default]
    Interleaved,
    /// All sines, then all cosines: tensor2tensor, fairseq, Whisper. `⌊d/2⌋` frequencies; an
    /// odd `d` ends on a zero column.
    SplitSinCos,
    /// All cosines, then all sines: diffusion timestep embeddings with `flip_sin_to_cos`.
    /// `⌊d/2⌋` frequencies; an odd `d` ends on a zero column.
    SplitCosSin,
}

impl Layout {
    /// Every layout, in the SPEC's order.
    pub const ALL: [Layout; 3] = [
        Layout::Interleaved,
        Layout::SplitSinCos,
        Layout::SplitCosSin,
    ];

    /// The layout's name in text form, as [`FromStr`](core::str::FromStr) reads it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Layout::Interleaved => "interleaved",
            Layout::SplitSinCos => "split-sin-cos",
            Layout::SplitCosSin => "split-cos-sin",
        }
    }

    /// The number of frequencies `n` a row of `d_model` columns has in this layout.
    #[must_use]
    pub const fn pairs(self, d_model: usize) -> usize {
        match self {
            Layout::Interleaved => d_model.div_ceil(2),
            Layout::SplitSinCos | Layout::SplitCosSin => d_model / 2,
        }
    }

    /// What column `column` of a row of `d_model` columns holds, or `None` past the row's end.
    #[must_use]
    pub const fn column(self, d_model: usize, column: usize) -> Option<Column> {
        if column >= d_model {
            return None;
        }
        let n = self.pairs(d_model);
        Some(match self {
            Layout::Interleaved if column.is_multiple_of(2) => Column::Sin(column / 2),
            Layout::Interleaved => Column::Cos(column / 2),
            _ if column >= 2 * n => Column::Zero,
            Layout::SplitSinCos if column < n => Column::Sin(column),
            Layout::SplitSinCos => Column::Cos(column - n),
            Layout::SplitCosSin if column < n => Column::Cos(column),
            Layout::SplitCosSin => Column::Sin(column - n),
        })
    }

    /// The columns that hold `sin θ_pair` and `cos θ_pair` in a row of `d_model` columns;
    /// the cosine is `None` for the lone last sine of an odd interleaved row.
    /// The caller keeps `pair` below [`pairs`](Self::pairs).
    #[must_use]
    pub const fn pair_columns(self, d_model: usize, pair: usize) -> (usize, Option<usize>) {
        let n = self.pairs(d_model);
        match self {
            Layout::Interleaved if 2 * pair + 1 < d_model => (2 * pair, Some(2 * pair + 1)),
            Layout::Interleaved => (2 * pair, None),
            Layout::SplitSinCos => (pair, Some(n + pair)),
            Layout::SplitCosSin => (n + pair, Some(pair)),
        }
    }
}

/// A row cut once into where its values go, by [`Layout::columns`]: the one column map that
/// every writer of rows (the core's `encode` and `rotate`, the SIMD kernels) writes through.
#[derive(Debug)]
pub enum Columns<'a, T> {
    /// [`Layout::Interleaved`]: `(sin θ_i, cos θ_i)` in columns `2i, 2i + 1` (so
    /// `chunks_exact_mut(2)` are the pairs); an odd row ends on a lone sine.
    Interleaved(&'a mut [T]),
    /// The split layouts: the sines and the cosines of the pairs, `⌊d/2⌋` each, and the pad
    /// (no column, or the one zero column of an odd row).
    Split {
        /// `sin θ_i` at index `i`.
        sin: &'a mut [T],
        /// `cos θ_i` at index `i`.
        cos: &'a mut [T],
        /// The zero column of an odd row, or nothing.
        pad: &'a mut [T],
    },
}

impl<'a, T> Columns<'a, T> {
    /// The columns of pairs `first_pair .. first_pair + len` alone (clamped to the row), with
    /// no pad: for writers that fill a row a run of pairs at a time.
    #[inline]
    #[must_use]
    pub fn run(self, first_pair: usize, len: usize) -> Columns<'a, T> {
        fn part<T>(slice: &mut [T], from: usize, len: usize) -> &mut [T] {
            let tail = slice.get_mut(from..).unwrap_or_default();
            let len = len.min(tail.len());
            tail.get_mut(..len).unwrap_or_default()
        }
        match self {
            Columns::Interleaved(row) => Columns::Interleaved(part(row, 2 * first_pair, 2 * len)),
            Columns::Split { sin, cos, .. } => Columns::Split {
                sin: part(sin, first_pair, len),
                cos: part(cos, first_pair, len),
                pad: &mut [],
            },
        }
    }
}

impl Layout {
    /// Cuts `row` (a whole row, `d_model = row.len()`) into the columns of its sines, its
    /// cosines and its pad in this layout.
    ///
    /// ```
    /// use posenc_core::{Columns, Layout};
    ///
    /// let mut row = [0, 1, 2, 3, 4];
    /// let Columns::Split { sin, cos, pad } = Layout::SplitCosSin.columns(&mut row) else {
    ///     unreachable!()
    /// };
    /// assert_eq!((&*sin, &*cos, &*pad), (&[2, 3][..], &[0, 1][..], &[4][..]));
    /// ```
    #[inline]
    #[must_use]
    pub fn columns<T>(self, row: &mut [T]) -> Columns<'_, T> {
        if self == Layout::Interleaved {
            return Columns::Interleaved(row);
        }
        let n = row.len() / 2;
        let (first, rest) = row.split_at_mut_checked(n).unwrap_or_default();
        let (second, pad) = rest.split_at_mut_checked(n).unwrap_or_default();
        if self == Layout::SplitSinCos {
            Columns::Split {
                sin: first,
                cos: second,
                pad,
            }
        } else {
            Columns::Split {
                sin: second,
                cos: first,
                pad,
            }
        }
    }
}

/// What one column of a row holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// `sin θ_i` of frequency `i`.
    Sin(usize),
    /// `cos θ_i` of frequency `i`.
    Cos(usize),
    /// The constant 0 that pads an odd row in the split layouts.
    Zero,
}

named_value!(Layout, Error::UnknownLayout);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for layout in Layout::ALL {
            assert_eq!(layout.name().parse::<Layout>(), Ok(layout));
        }
        assert_eq!("Interleaved".parse::<Layout>(), Err(Error::UnknownLayout));
        assert_eq!("".parse::<Layout>(), Err(Error::UnknownLayout));
    }

    #[test]
    fn columns_follow_the_spec_table() {
        use Column::*;
        let row = |layout: Layout, d| {
            (0..d)
                .map(|j| layout.column(d, j).unwrap())
                .collect::<std::vec::Vec<_>>()
        };
        assert_eq!(
            row(Layout::Interleaved, 5),
            [Sin(0), Cos(0), Sin(1), Cos(1), Sin(2)]
        );
        assert_eq!(
            row(Layout::SplitSinCos, 5),
            [Sin(0), Sin(1), Cos(0), Cos(1), Zero]
        );
        assert_eq!(
            row(Layout::SplitCosSin, 4),
            [Cos(0), Cos(1), Sin(0), Sin(1)]
        );
        assert_eq!(row(Layout::SplitSinCos, 1), [Zero]);
        assert_eq!(Layout::Interleaved.column(5, 5), None);
    }

    #[test]
    fn pair_columns_agree_with_column() {
        for layout in Layout::ALL {
            for d in 1..12 {
                for pair in 0..layout.pairs(d) {
                    let (s, c) = layout.pair_columns(d, pair);
                    assert_eq!(layout.column(d, s), Some(Column::Sin(pair)));
                    if let Some(c) = c {
                        assert_eq!(layout.column(d, c), Some(Column::Cos(pair)));
                    }
                }
            }
        }
    }

    /// The column map holds every column once, where `column` says it is, and a run is the
    /// map's pairs `first .. first + len`.
    #[test]
    fn the_column_map_agrees_with_column() {
        for layout in Layout::ALL {
            for d in 1..12 {
                let mut row: std::vec::Vec<usize> = (0..d).collect();
                let expect = |column: usize| layout.column(d, column).unwrap();
                match layout.columns(&mut row) {
                    Columns::Interleaved(row) => {
                        assert_eq!(layout, Layout::Interleaved);
                        for (j, &column) in row.iter().enumerate() {
                            let want = if j % 2 == 0 {
                                Column::Sin(j / 2)
                            } else {
                                Column::Cos(j / 2)
                            };
                            assert_eq!(expect(column), want);
                        }
                    }
                    Columns::Split { sin, cos, pad } => {
                        assert_eq!((sin.len(), cos.len(), pad.len()), (d / 2, d / 2, d % 2));
                        for (i, (&s, &c)) in sin.iter().zip(cos.iter()).enumerate() {
                            assert_eq!((expect(s), expect(c)), (Column::Sin(i), Column::Cos(i)));
                        }
                        assert!(pad.iter().all(|&p| expect(p) == Column::Zero));
                    }
                }
                let n = layout.pairs(d);
                for first in 0..=n {
                    for len in 0..=n - first {
                        match layout.columns(&mut row).run(first, len) {
                            Columns::Interleaved(run) => {
                                assert_eq!(
                                    run.first().map(|&c| expect(c)),
                                    (len > 0).then_some(Column::Sin(first))
                                );
                                assert_eq!(run.len(), (2 * len).min(d.saturating_sub(2 * first)));
                            }
                            Columns::Split { sin, cos, pad } => {
                                assert_eq!((sin.len(), cos.len(), pad.len()), (len, len, 0));
                                assert_eq!(
                                    sin.first().map(|&c| expect(c)),
                                    (len > 0).then_some(Column::Sin(first))
                                );
                                assert_eq!(
                                    cos.first().map(|&c| expect(c)),
                                    (len > 0).then_some(Column::Cos(first))
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
