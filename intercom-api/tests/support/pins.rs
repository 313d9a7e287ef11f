//! The pinned versions a spec-driven test checks: every pin, or those named by
//! `INTERCOM_TEST_VERSIONS` (comma-separated, e.g. `2.14,2.16`: the next-version run (`Preview`) builds
//! only their features and sets it).

use std::path::Path;

use codegen::specs::Pin;

/// The environment variable that restricts the versions under test.
pub const VERSIONS_VAR: &str = "INTERCOM_TEST_VERSIONS";

/// The pins of `root` under test. Panics when the variable names a version that is not pinned (a
/// typo must not make a test pass by checking nothing).
pub fn pins_under_test(root: &Path) -> Vec<Pin> {
    let pins = codegen::specs::load_pins(root).expect("pins load");
    assert!(!pins.is_empty(), "no pinned versions in specs/");
    let Ok(wanted) = std::env::var(VERSIONS_VAR) else {
        return pins;
    };
    let wanted: Vec<&str> = wanted
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    for v in &wanted {
        assert!(
            pins.iter().any(|p| p.version == *v),
            "{VERSIONS_VAR} names {v}, which is not pinned in specs/"
        );
    }
    assert!(
        !wanted.is_empty(),
        "{VERSIONS_VAR} is set but names no version"
    );
    pins.into_iter()
        .filter(|p| wanted.contains(&p.version.as_str()))
        .collect()
}
