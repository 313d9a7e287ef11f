//! OpenAPI 3.0 -> Rust code generator behind the `intercom-api` crate.
//!
//! Stages, one module each: [`load`] (YAML -> document) -> [`lower`] (the only code that touches
//! `openapiv3`; -> [`ir`]) -> [`emit`] (IR -> `quote` tokens) -> [`render`] (`prettyplease` + header).
//! Names come from [`naming`] only. [`specs`] pins and finds the upstream descriptions (and their
//! [`corrections`], merged in by [`load`]) and holds the one version-string check; [`http`] is the one HTTP helper (downloads, the GitHub API);
//! [`workspace`] regenerates the whole crate; [`upstream`] lists what upstream has that the pins
//! do not.

pub mod corrections;
pub mod diff;
pub mod emit;
pub mod error;
pub mod http;
pub mod ir;
pub mod layout;
pub mod load;
pub mod lower;
pub mod naming;
pub mod normalize;
pub mod render;
pub mod specs;
pub mod surface;
pub mod upstream;
pub mod versions;
pub mod webhooks;
pub mod workspace;

pub use error::{Error, Warning};

/// Loads and lowers one description (no files written): the IR, with its warnings.
pub fn lower_str(text: &str, version: &str) -> Result<ir::Api, Error> {
    let doc = load::load_str(text)?;
    lower::lower(&doc, version)
}
