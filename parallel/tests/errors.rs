//! Every error path: the error value, and no write, no panic, no abort.

use posenc_parallel::{
    Encoding, Error, add_to_batch, add_to_embeddings, fill_table, positions_table, table,
    table_bytes,
};

/// A buffer every value of which is a sentinel, to show an invalid call wrote nothing.
const SENTINEL: f32 = 42.0;

fn untouched(x: &[f32]) -> bool {
    x.iter().all(|&v| v == SENTINEL)
}

#[test]
fn a_buffer_that_is_not_whole_rows_is_refused_untouched() {
    let enc = Encoding::new(8).unwrap();
    let mut out = vec![SENTINEL; 8 * 100 + 3];
    let want = Err(Error::NotWholeRows {
        len: 803,
        d_model: 8,
    });
    assert_eq!(fill_table(&enc, 0.0, &mut out), want);
    assert_eq!(
        posenc_parallel::Rows::covering(&enc, 0.0, 5, out.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out)),
        want
    );
    assert_eq!(add_to_embeddings(&enc, 0.0, &mut out), want);
    assert_eq!(add_to_batch(&enc, 0.0, 10, &mut out), want);
    assert!(untouched(&out));
}

#[test]
fn a_position_list_of_the_wrong_length_is_refused_untouched() {
    let enc = Encoding::new(8).unwrap();
    let positions = [0.0, 1.0, 2.0];
    for len in [0, 16, 23, 25, 32] {
        let mut out = vec![SENTINEL; len];
        assert_eq!(
            posenc_parallel::Positions::new(&enc, &positions)
                .and_then(|list| posenc_parallel::encode_positions(&list, &mut out)),
            Err(Error::BufferLength {
                expected: 24,
                actual: len
            })
        );
        assert!(untouched(&out));
    }
}

#[test]
fn a_batch_that_is_not_whole_sequences_is_refused_untouched() {
    let enc = Encoding::new(4).unwrap();
    // 3 sequences of 5 rows is 60 values; 64 is 16 rows, not whole sequences.
    let mut out = vec![SENTINEL; 64];
    assert_eq!(
        add_to_batch(&enc, 0.0, 5, &mut out),
        Err(Error::NotWholeSequences {
            len: 64,
            seq_len: 5,
            d_model: 4
        })
    );
    // With sequences of no rows only the empty batch is valid.
    assert_eq!(
        add_to_batch(&enc, 0.0, 0, &mut out),
        Err(Error::NotWholeSequences {
            len: 64,
            seq_len: 0,
            d_model: 4
        })
    );
    assert!(untouched(&out));
    assert_eq!(add_to_batch::<f32>(&enc, 0.0, 0, &mut []), Ok(()));
    // seq_len · d_model overflowing usize.
    assert_eq!(
        add_to_batch(&enc, 0.0, usize::MAX / 2, &mut out),
        Err(Error::SizeOverflow {
            rows: usize::MAX / 2,
            d_model: 4
        })
    );
    assert!(untouched(&out));
}

#[test]
fn a_table_whose_size_overflows_is_refused() {
    let enc = Encoding::new(1024).unwrap();
    let rows = usize::MAX / 1000;
    let want = Error::SizeOverflow {
        rows,
        d_model: 1024,
    };
    assert_eq!(table::<f32>(&enc, 0.0, rows), Err(want));
    assert_eq!(table_bytes::<f32>(&enc, rows), Err(want));
    assert_eq!(positions_table::<f64>(&enc, &[]).map(|v| v.len()), Ok(0));
}

#[test]
fn a_table_whose_bytes_overflow_is_refused_not_aborted() {
    // rows · d fits in usize but its bytes do not fit in isize.
    let enc = Encoding::new(1024).unwrap();
    let rows = usize::MAX / 1024 / 4;
    assert_eq!(
        table::<f32>(&enc, 0.0, rows),
        Err(Error::SizeOverflow {
            rows,
            d_model: 1024
        })
    );
    assert_eq!(
        table_bytes::<f32>(&enc, rows),
        Err(Error::SizeOverflow {
            rows,
            d_model: 1024
        })
    );
}

/// 64-bit only: the size is beyond a 32-bit address space, where it is a size overflow.
#[cfg(target_pointer_width = "64")]
#[test]
fn a_table_that_cannot_be_allocated_is_an_error_not_an_abort() {
    // 2^60 bytes: a valid size, but more than any machine's address space maps.
    let enc = Encoding::new(1024).unwrap();
    let rows = (1usize << 60) / 1024 / 4;
    assert_eq!(table_bytes::<f32>(&enc, rows), Ok(1 << 60));
    assert_eq!(
        table::<f32>(&enc, 0.0, rows),
        Err(Error::AllocationFailed { bytes: 1 << 60 })
    );
    assert_eq!(
        table::<f64>(&enc, 0.0, rows / 2),
        Err(Error::AllocationFailed { bytes: 1 << 60 })
    );
}

#[test]
fn a_non_finite_start_is_refused_before_allocating() {
    let enc = Encoding::new(16).unwrap();
    let mut out = vec![SENTINEL; 16 * 10];
    for start in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let is_start = |r: Result<(), Error>| matches!(r, Err(Error::NonFinitePosition(p)) if p.to_bits() == start.to_bits());
        assert!(is_start(fill_table(&enc, start, &mut out)));
        assert!(is_start(
            posenc_parallel::Rows::covering(&enc, start, 3, out.len())
                .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out))
        ));
        assert!(is_start(add_to_embeddings(&enc, start, &mut out)));
        assert!(is_start(add_to_batch(&enc, start, 5, &mut out)));
        assert!(is_start(table::<f32>(&enc, start, 10).map(drop)));
        // Even an empty table has a start that must be a position.
        assert!(is_start(table::<f32>(&enc, start, 0).map(drop)));
        // A huge table with a bad start fails on the start, not on the allocation.
        assert!(is_start(
            table::<f32>(&enc, start, usize::MAX / 64).map(drop)
        ));
    }
    assert!(untouched(&out));
}

#[test]
fn a_bad_position_in_a_list_is_refused_untouched() {
    let enc = Encoding::new(16).unwrap();
    let mut positions = vec![1.5; 5000];
    positions[4321] = f64::NAN;
    positions[4500] = f64::INFINITY;
    let mut out = vec![SENTINEL; 16 * 5000];
    // The first bad position is named, whatever the threads do.
    assert!(matches!(
        posenc_parallel::Positions::new(&enc, &positions).and_then(|list| posenc_parallel::encode_positions(&list, &mut out)),
        Err(Error::NonFinitePosition(p)) if p.is_nan()
    ));
    assert!(untouched(&out));
    assert!(matches!(
        positions_table::<f64>(&enc, &positions),
        Err(Error::NonFinitePosition(p)) if p.is_nan()
    ));
    // scale · position overflowing.
    let scaled = Encoding::builder(16).scale(1e300).build().unwrap();
    assert_eq!(
        positions_table::<f32>(&scaled, &[1.0, 1e10]),
        Err(Error::AngleOverflow {
            position: 1e10,
            scale: 1e300
        })
    );
}

#[test]
fn a_position_range_that_overflows_is_refused_untouched() {
    let enc = Encoding::new(4).unwrap();
    let mut out = vec![SENTINEL; 4 * 3];
    // f64::MAX + 2 rounds to f64::MAX: finite, so the table is valid.
    assert_eq!(fill_table(&enc, f64::MAX, &mut out), Ok(()));
    // A start whose scaled value overflows.
    let doubled = Encoding::builder(4).scale(2.0).build().unwrap();
    let mut out = vec![SENTINEL; 4 * 3];
    assert_eq!(
        fill_table(&doubled, 1e308, &mut out),
        Err(Error::AngleOverflow {
            position: 1e308,
            scale: 2.0
        })
    );
    // The last row's index does not fit in u64.
    let mut out = vec![SENTINEL; 4 * 3];
    assert_eq!(
        posenc_parallel::Rows::covering(&enc, 0.0, u64::MAX - 1, out.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out)),
        Err(Error::RowIndexOverflow {
            first_row: u64::MAX - 1,
            rows: 3
        })
    );
    assert!(untouched(&out));
    // A finite start whose scaled last position overflows.
    let big = Encoding::builder(4).scale(1e303).build().unwrap();
    assert_eq!(
        table::<f32>(&big, 1.0, 1 << 20),
        Err(Error::AngleOverflow {
            position: (1u64 << 20) as f64,
            scale: 1e303
        })
    );
    let mut out = vec![SENTINEL; 4 << 20];
    assert_eq!(
        posenc_parallel::Rows::covering(&big, 1.0, 0, out.len())
            .and_then(|rows| posenc_parallel::fill_rows(&rows, &mut out)),
        Err(Error::AngleOverflow {
            position: (1u64 << 20) as f64,
            scale: 1e303
        })
    );
    assert!(untouched(&out));
}
