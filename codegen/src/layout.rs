//! Where every generated file goes: the one home of the output paths, all relative to the workspace
//! root and `/`-separated. `emit`, `surface`, `diff::guide` and `workspace` name their files
//! through these functions.

use crate::naming;

/// The generated crate's directory.
const CRATE: &str = "intercom-api";

/// `intercom-api/src/<vmod>`: everything generated for one version (owned by regen).
pub fn version_dir(version: &str) -> String {
    format!("{CRATE}/src/{}", naming::version_module(version))
}

/// `intercom-api/src/<vmod>/mod.rs`: the version module.
pub fn version_module_file(version: &str) -> String {
    format!("{}/mod.rs", version_dir(version))
}

/// `intercom-api/src/<vmod>/models/<file>.rs`: one file of models (`file` from `lower::placement`).
pub fn model_file(version: &str, file: &str) -> String {
    format!("{}/models/{file}.rs", version_dir(version))
}

/// `intercom-api/src/<vmod>/models/mod.rs`.
pub fn models_index(version: &str) -> String {
    model_file(version, "mod")
}

/// `intercom-api/src/<vmod>/operations/<module>.rs`: the operations of one tag.
pub fn operations_file(version: &str, module: &str) -> String {
    format!("{}/operations/{module}.rs", version_dir(version))
}

/// `intercom-api/src/<vmod>/operations/mod.rs`.
pub fn operations_index(version: &str) -> String {
    operations_file(version, "mod")
}

/// `intercom-api/src/<vmod>/mock.rs`: the mock server's operation table (feature `test-util`).
pub fn mock_table(version: &str) -> String {
    format!("{}/mock.rs", version_dir(version))
}

/// `intercom-api/src/<vmod>/webhooks.rs`: the webhook topics and events of a version.
pub fn webhooks_file(version: &str) -> String {
    format!("{}/webhooks.rs", version_dir(version))
}

/// `intercom-api/tests/generated`: the example dispatch tables (owned by regen).
pub const EXAMPLES_DIR: &str = "intercom-api/tests/generated";

/// `intercom-api/tests/generated/<vmod>.rs`.
pub fn examples_file(version: &str) -> String {
    format!("{EXAMPLES_DIR}/{}.rs", naming::version_module(version))
}

/// `intercom-api/tests/generated/mod.rs`.
pub fn examples_registry() -> String {
    format!("{EXAMPLES_DIR}/mod.rs")
}

/// `intercom-api/tests/generated_calls`: the call tables of the contract test (owned by regen).
pub const CALLS_DIR: &str = "intercom-api/tests/generated_calls";

/// `intercom-api/tests/generated_calls/<vmod>.rs`.
pub fn calls_file(version: &str) -> String {
    format!("{CALLS_DIR}/{}.rs", naming::version_module(version))
}

/// `intercom-api/tests/generated_calls/mod.rs`.
pub fn calls_registry() -> String {
    format!("{CALLS_DIR}/mod.rs")
}

/// `intercom-api/api`: the public API listings (owned by regen).
pub const API_DIR: &str = "intercom-api/api";

/// `intercom-api/api/<vmod>.txt`: the public API listing of `version`.
pub fn api_listing(version: &str) -> String {
    format!("{API_DIR}/{}.txt", naming::version_module(version))
}

/// `intercom-api/src/migrations`: the migration guides (owned by regen).
pub const MIGRATIONS_DIR: &str = "intercom-api/src/migrations";

/// `intercom-api/src/migrations/<module>.rs`: one migration guide.
pub fn migration_guide(module: &str) -> String {
    format!("{MIGRATIONS_DIR}/{module}.rs")
}

/// `intercom-api/src/migrations/mod.rs`: the index of the guides.
pub fn migrations_index() -> String {
    migration_guide("mod")
}

/// `intercom-api/src/lib.rs` (its managed region lists the version modules).
pub const LIB: &str = "intercom-api/src/lib.rs";

/// `intercom-api/Cargo.toml` (its managed region lists the version features).
pub const CARGO_TOML: &str = "intercom-api/Cargo.toml";

/// `README.md` (its managed region is the table of shipped versions).
pub const README: &str = "README.md";

/// The directories wholly owned by regen for `versions` (stale files in them are removed).
pub fn owned_dirs(versions: &[String]) -> Vec<String> {
    let mut dirs = vec![
        EXAMPLES_DIR.to_string(),
        CALLS_DIR.to_string(),
        API_DIR.to_string(),
        MIGRATIONS_DIR.to_string(),
    ];
    dirs.extend(versions.iter().map(|v| version_dir(v)));
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_file_lies_in_a_directory_regen_owns() {
        let versions: Vec<String> = ["2.11", "2.14", "Preview"].map(String::from).to_vec();
        let owned = owned_dirs(&versions);
        let mut generated = vec![
            examples_registry(),
            calls_registry(),
            migration_guide("v2_11_to_v2_14"),
            migrations_index(),
        ];
        for v in &versions {
            generated.extend([
                version_module_file(v),
                model_file(v, "contacts"),
                models_index(v),
                operations_file(v, "contacts"),
                operations_index(v),
                mock_table(v),
                examples_file(v),
                calls_file(v),
                api_listing(v),
            ]);
        }
        for path in &generated {
            let owners: Vec<&String> = owned
                .iter()
                .filter(|d| path.starts_with(&format!("{d}/")))
                .collect();
            assert_eq!(owners.len(), 1, "{path}: owned by {owners:?}");
        }
        // The hand-written files with a managed region lie outside every owned directory: regen
        // owns only their region.
        for path in [LIB, CARGO_TOML, README] {
            assert!(
                !owned.iter().any(|d| path.starts_with(&format!("{d}/"))),
                "{path}"
            );
        }
        // One version's directory is not a prefix of another's files (`v2_1` / `v2_11`).
        assert_eq!(version_dir("2.11"), "intercom-api/src/v2_11");
        assert!(!model_file("2.11", "x").starts_with(&format!("{}/", version_dir("2.1"))));
    }
}
