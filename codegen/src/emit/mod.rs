//! Stage 4: IR -> Rust tokens (`quote`), one file per domain, rendered by `render`.

pub mod docs;
mod examples;
mod models;
pub mod types;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::error::Error;
use crate::ir::Api;
use crate::naming;
use crate::render::{Provenance, render};

/// One generated file, with its path relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, `/`-separated.
    pub path: String,
    /// Contents.
    pub contents: String,
}

/// Every file generated for one API version.
pub fn emit_version(api: &Api, prov: &Provenance) -> Result<Vec<GeneratedFile>, Error> {
    let vmod = naming::version_module(&api.version);
    let base = format!("intercom-api/src/{vmod}");
    let mut files = Vec::new();

    // Models, one file per domain module.
    let mut by_module: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    for def in api.types.values() {
        by_module
            .entry(def.module.as_str())
            .or_default()
            .push(models::type_item(api, def));
    }
    let mut mods = Vec::new();
    for (module, items) in &by_module {
        let ident = format_ident!("{}", module);
        mods.push(ident);
        let doc = format!(
            " Models of the `{module}` group (Intercom API {}).",
            api.version
        );
        let tokens = quote! {
            #![doc = #doc]
            #[allow(unused_imports)]
            use super::*;
            #(#items)*
        };
        files.push(GeneratedFile {
            path: format!("{base}/models/{module}.rs"),
            contents: render(tokens, prov, module)?,
        });
    }
    let models_doc = format!(
        " Every schema of the Intercom API {} as a Rust type.\n\n Response types are lenient: every field is an `Option`, unknown fields are ignored, and string enums keep unknown values in `Unknown`. Request types are strict: required fields are required.",
        api.version
    );
    let tokens = quote! {
        #![doc = #models_doc]
        // Variant sizes follow the spec; boxing them would change the public API.
        #![allow(clippy::large_enum_variant)]
        #( mod #mods; pub use #mods::*; )*
    };
    files.push(GeneratedFile {
        path: format!("{base}/models/mod.rs"),
        contents: render(tokens, prov, "models")?,
    });

    let version = &api.version;
    let vdoc = format!(" Intercom REST API version {version}: typed models and operations.");
    let tokens = quote! {
        #![doc = #vdoc]
        pub mod models;
        /// The `Intercom-Version` this module speaks.
        pub const VERSION: &str = #version;
    };
    files.push(GeneratedFile {
        path: format!("{base}/mod.rs"),
        contents: render(tokens, prov, "version module")?,
    });

    files.push(examples::dispatch(api, prov)?);
    Ok(files)
}

/// Files that list every version: the test registry.
pub fn emit_registry(versions: &[String]) -> Result<GeneratedFile, Error> {
    examples::registry(versions)
}
