//! The repository's golden files are byte-identical copies of the SPEC's, `../shared/golden`.
//! A clone alone has no `../shared`: then there is nothing to compare, and the copies are
//! what the tests read.

use std::path::PathBuf;

#[test]
fn copies_are_identical_to_the_shared_golden_files() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/golden");
    if !shared.is_dir() {
        eprintln!(
            "no {} beside the clone: nothing to compare",
            shared.display()
        );
        return;
    }
    for name in ["vectors.csv", "rope.csv"] {
        let original = std::fs::read(shared.join(name))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", shared.join(name).display()));
        let copy_path = posenc_testkit::golden::folder().join(name);
        let copy = std::fs::read(&copy_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", copy_path.display()));
        assert!(
            original == copy,
            "{} differs from {}: copy it again (cp ../shared/golden/{name} testkit/golden/)",
            copy_path.display(),
            shared.join(name).display()
        );
    }
}
