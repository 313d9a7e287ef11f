//! Stage 4: IR -> Rust tokens (`quote`), one file per `TypeDef::file` and per tag module (both decided by
//! `lower::placement`), rendered by `render`.

mod calls;
pub mod docs;
mod ergonomics;
mod examples;
mod mock;
mod models;
mod op_docs;
mod operations;
pub mod types;

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::Api;
use crate::layout;
use crate::naming;
use crate::render::Provenance;

/// One generated file, rendered, with its path relative to the workspace root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root, `/`-separated.
    pub path: String,
    /// Contents.
    pub contents: String,
}

/// One file as emit leaves it: tokens, not yet rendered ([`crate::render::render_all`] formats
/// them; `workspace` does so for every file of a version at once).
#[derive(Debug, Clone)]
pub struct Output {
    /// Path relative to the workspace root ([`crate::layout`]).
    pub path: String,
    /// The file's items.
    pub tokens: TokenStream,
    /// What its header line names as its source.
    pub provenance: Provenance,
    /// What the file is, for the error when the tokens do not parse.
    pub label: String,
}

impl Output {
    fn new(path: String, tokens: TokenStream, provenance: &Provenance, label: &str) -> Self {
        Output {
            path,
            tokens,
            provenance: provenance.clone(),
            label: label.to_string(),
        }
    }
}

/// Every file generated for one API version, as tokens.
pub fn emit_version(api: &Api, prov: &Provenance) -> Vec<Output> {
    let mut files = model_files(api, prov);
    files.extend(operation_files(api, prov));
    files.push(version_module(api, prov));
    if !api.webhooks.is_empty() {
        files.push(Output::new(
            layout::webhooks_file(&api.version),
            crate::webhooks::emit(api),
            prov,
            "webhooks",
        ));
    }
    files.push(examples::dispatch(api, prov));
    files.push(calls::dispatch(api, prov));
    files.push(mock::table(api, prov));
    files
}

/// Models: one file per `TypeDef::file` (decided by `lower::placement`), types sorted by name, and
/// the `models` module that re-exports them all. Each file reads type-first: the types with their
/// inherent impls, then every codec impl in one `const _` block at the end.
fn model_files(api: &Api, prov: &Provenance) -> Vec<Output> {
    type Chunk<'a> = (&'a str, Vec<TokenStream>, Vec<TokenStream>);
    let mut chunks: BTreeMap<&str, Chunk<'_>> = BTreeMap::new();
    for def in api.types.values() {
        let (item, codec) = models::type_item(api, def);
        let chunk = chunks
            .entry(def.file.as_str())
            .or_insert_with(|| (def.module.as_str(), Vec::new(), Vec::new()));
        chunk.1.push(item);
        chunk.2.push(codec);
    }
    let mut files = Vec::new();
    let mut mods = Vec::new();
    for (file, (module, items, codecs)) in &chunks {
        // Serialization and decoding (serde, `crate::codec`), out of the reader's way.
        let codec = codecs
            .iter()
            .any(|c| !c.is_empty())
            .then(|| quote! { const _: () = { #(#codecs)* }; });
        mods.push(format_ident!("{}", file));
        let doc = format!(
            " Models of the `{module}` group (Intercom API {}).",
            api.version
        );
        let tokens = quote! {
            #![doc = #doc]
            #[allow(unused_imports)]
            use super::*;
            #(#items)*
            #codec
        };
        let path = layout::model_file(&api.version, file);
        files.push(Output::new(path, tokens, prov, file));
    }
    let models_doc = format!(
        " Every schema of the Intercom API {} as a Rust type.\n\n Response types are lenient: every field is an `Option`, undeclared members are kept in `additional_properties`, and string enums keep unknown values in `Unknown`. Request types are strict: required fields are required and undeclared members are rejected. Every enum and union is `#[non_exhaustive]`. A member the spec fixes to one value (`type: admin`) has no type: an `Option<String>` in response types, written by serialization (no field) in request types.",
        api.version
    );
    let tokens = quote! {
        #![doc = #models_doc]
        // Variant sizes follow the spec; boxing them would change the public API.
        #![allow(clippy::large_enum_variant)]
        #( mod #mods; pub use #mods::*; )*
    };
    files.push(Output::new(
        layout::models_index(&api.version),
        tokens,
        prov,
        "models",
    ));
    files
}

/// Operations, one file per tag, and the `operations` module with the `Api` accessor.
fn operation_files(api: &Api, prov: &Provenance) -> Vec<Output> {
    let vmod = naming::version_module(&api.version);
    let tags = operations::tag_files(api);
    let mut files = Vec::new();
    let mut accessors = Vec::new();
    let mut op_mods = Vec::new();
    for t in &tags {
        let module = format_ident!("{}", t.module);
        let accessor = format_ident!("{}", t.accessor);
        let doc = docs::attrs(&operations::tag_docs(&t.tag), "");
        accessors.push(quote! {
            #doc
            pub fn #module(&self) -> #module::#accessor {
                #module::#accessor::new(self.client.clone())
            }
        });
        op_mods.push(module);
        let path = layout::operations_file(&api.version, &t.module);
        files.push(Output::new(path, t.tokens.clone(), prov, &t.module));
    }
    let version = &api.version;
    let ops_doc = format!(
        " Every operation of the Intercom API {version}, grouped by tag: `client.{vmod}().<tag>().<operation>(...)`, then optional setters, then `.send().await`. Accessors and builders own a clone of the client (an `Arc`): the futures and streams they return are `Send + 'static`, so they can be spawned."
    );
    let api_doc =
        format!(" Entry point to the {version} operations: see [`crate::Client::{vmod}`].");
    let request_doc = format!(
        " Calls an endpoint the {version} spec does not describe, with `Intercom-Version: {version}`: see [`Client::request`](crate::Client::request)."
    );
    let tokens = quote! {
        #![doc = #ops_doc]
        #( pub mod #op_mods; )*

        #[doc = #api_doc]
        #[derive(Debug, Clone)]
        pub struct Api {
            client: crate::runtime::Client,
        }

        impl Api {
            pub(crate) fn new(client: crate::runtime::Client) -> Self {
                Self { client }
            }

            #[doc = #request_doc]
            pub fn request(
                &self,
                method: crate::runtime::Method,
                path: impl Into<String>,
            ) -> crate::runtime::RawRequest {
                crate::runtime::RawRequest::new(self.client.clone(), method, path.into(), Some(super::VERSION))
            }
            #(#accessors)*
        }
    };
    files.push(Output::new(
        layout::operations_index(version),
        tokens,
        prov,
        "operations",
    ));
    files
}

/// The version module: `models`, `operations`, `VERSION` and the `Client` accessor.
fn version_module(api: &Api, prov: &Provenance) -> Output {
    let vmod = naming::version_module(&api.version);
    let vmod_ident = format_ident!("{}", vmod);
    let version = &api.version;
    let vdoc = format!(" Intercom REST API version {version}: typed models and operations.");
    let mock_doc = format!(
        " A mock Intercom API {version} on 127.0.0.1 (a free port) that answers every operation of the version."
    );
    let client_doc = format!(
        " The Intercom API {version} operations. Every request made through it sends `Intercom-Version: {version}`."
    );
    let webhooks = (!api.webhooks.is_empty()).then(|| quote! { pub mod webhooks; });
    let tokens = quote! {
        #![doc = #vdoc]
        pub mod models;
        pub mod operations;
        #[cfg(feature = "test-util")]
        pub mod mock;
        #webhooks
        /// The `Intercom-Version` this module speaks.
        pub const VERSION: &str = #version;

        #[cfg(feature = "test-util")]
        impl crate::testing::MockServer {
            #[doc = #mock_doc]
            pub async fn #vmod_ident() -> Self {
                Self::start_with(VERSION, mock::OPERATIONS).await
            }
        }

        impl crate::runtime::Client {
            #[doc = #client_doc]
            pub fn #vmod_ident(&self) -> operations::Api {
                operations::Api::new(self.clone())
            }
        }
    };
    Output::new(
        layout::version_module_file(version),
        tokens,
        prov,
        "version module",
    )
}

/// Files that list every version: the test registries.
pub fn emit_registries(versions: &[String]) -> Vec<Output> {
    vec![examples::registry(versions), calls::registry(versions)]
}

/// A test registry's table: per version, `#[cfg(feature = "<vmod>")] pub mod <vmod>;` and the
/// `match` arm `arm(version, vmod)`, under the same `cfg`.
fn version_table(
    versions: &[String],
    arm: impl Fn(&str, &proc_macro2::Ident) -> TokenStream,
) -> (Vec<TokenStream>, Vec<TokenStream>) {
    versions
        .iter()
        .map(|v| {
            let m = naming::version_module(v);
            let ident = format_ident!("{}", m);
            let arm = arm(v, &ident);
            (
                quote! { #[cfg(feature = #m)] pub mod #ident; },
                quote! { #[cfg(feature = #m)] #arm },
            )
        })
        .unzip()
}
