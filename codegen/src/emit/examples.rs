//! Test support: a per-version table from (operationId, status) to the generated type, so that the
//! example-decoding test can decode every example of the pinned spec into the right Rust type.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::GeneratedFile;
use super::types::rust_type;
use crate::error::Error;
use crate::ir::{Api, ResponseBody};
use crate::naming;
use crate::render::{Provenance, render};

/// `intercom-api/tests/generated/<vmod>.rs`.
pub fn dispatch(api: &Api, prov: &Provenance) -> Result<GeneratedFile, Error> {
    let vmod = format_ident!("{}", naming::version_module(&api.version));
    let prefix = quote!(models::);
    let mut resp_arms = Vec::new();
    let mut req_arms = Vec::new();
    for op in &api.operations {
        let id = &op.operation_id;
        for r in &op.responses {
            if let ResponseBody::Json(t) = &r.body {
                let ty = rust_type(t, &prefix);
                let status = &r.status;
                resp_arms.push(quote! { (#id, #status) => crate::roundtrip::<#ty>(value), });
            }
        }
        if let Some(b) = &op.body {
            let ty = rust_type(&b.ty, &prefix);
            req_arms.push(quote! { #id => crate::roundtrip::<#ty>(value), });
        }
    }
    let doc = format!(
        " (operationId, status) -> generated type, for Intercom API {}.",
        api.version
    );
    let tokens = quote! {
        #![doc = #doc]
        #![allow(unused_imports)]
        use intercom_api::#vmod::models;

        /// Decodes a response example of `operation_id` / `status` into its generated type and re-encodes it.
        pub fn response(operation_id: &str, status: &str, value: &serde_json::Value) -> Option<Result<serde_json::Value, String>> {
            Some(match (operation_id, status) { #(#resp_arms)* _ => return None })
        }

        /// Decodes a request-body example of `operation_id` into its generated type and re-encodes it.
        pub fn request(operation_id: &str, value: &serde_json::Value) -> Option<Result<serde_json::Value, String>> {
            Some(match operation_id { #(#req_arms)* _ => return None })
        }
    };
    Ok(GeneratedFile {
        path: format!(
            "intercom-api/tests/generated/{}.rs",
            naming::version_module(&api.version)
        ),
        contents: render(tokens, prov, "example dispatch")?,
    })
}

/// `intercom-api/tests/generated/mod.rs`: which versions have a table.
pub fn registry(versions: &[String]) -> Result<GeneratedFile, Error> {
    let mut mods: Vec<TokenStream> = Vec::new();
    let mut arms: Vec<TokenStream> = Vec::new();
    for v in versions {
        let m = naming::version_module(v);
        let ident = format_ident!("{}", m);
        mods.push(quote! { #[cfg(feature = #m)] pub mod #ident; });
        arms.push(quote! { #[cfg(feature = #m)] #v => Some(Dispatch { response: #ident::response, request: #ident::request }), });
    }
    let tokens = quote! {
        //! Generated example dispatch tables, one per pinned version.
        #(#mods)*

        /// Decoders of one version.
        pub struct Dispatch {
            /// Response examples.
            pub response: fn(&str, &str, &serde_json::Value) -> Option<Result<serde_json::Value, String>>,
            /// Request-body examples.
            pub request: fn(&str, &serde_json::Value) -> Option<Result<serde_json::Value, String>>,
        }

        /// The decoders of `version`, when its cargo feature is enabled.
        pub fn dispatch(version: &str) -> Option<Dispatch> {
            match version { #(#arms)* _ => None }
        }
    };
    let prov = Provenance::all();
    Ok(GeneratedFile {
        path: "intercom-api/tests/generated/mod.rs".to_string(),
        contents: render(tokens, &prov, "example registry")?,
    })
}
