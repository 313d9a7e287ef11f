//! The checked-in generated crate is the golden snapshot: regenerating in memory must reproduce it.

use codegen::workspace::{self, Stale};

mod support;

#[test]
fn checked_in_crate_matches_regeneration() {
    let root = support::real_root();
    let generation = workspace::generate(&root).unwrap_or_else(|e| panic!("regen failed: {e}"));
    let stale: Vec<String> = workspace::stale_files(&root, &generation)
        .into_iter()
        .map(|s| match s {
            Stale::Changed(p) => format!("stale: {p}"),
            Stale::Extra(p) => format!("stale (no longer generated): {p}"),
        })
        .collect();
    assert!(
        stale.is_empty(),
        "the generated crate is out of date: run `cargo xtask regen` and commit\n{}",
        stale.join("\n")
    );
}

#[test]
fn regeneration_is_deterministic() {
    let root = support::real_root();
    let a = workspace::generate(&root).unwrap_or_else(|e| panic!("regen failed: {e}"));
    let b = workspace::generate(&root).unwrap_or_else(|e| panic!("regen failed: {e}"));
    assert_eq!(a.files, b.files);
}
