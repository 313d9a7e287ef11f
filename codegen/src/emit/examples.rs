//! Test support: a per-version table from (operationId, status) to the generated type, so that the
//! example-decoding test can decode every example of the pinned spec into the right Rust type; and,
//! for every generated type, a walk of a decoded value that lists the members it keeps in an
//! `additional_properties` map the spec does not declare (`Leftovers`), so that the test measures
//! which example members stayed untyped.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Output;
use super::types::rust_type;
use crate::ir::{Api, ResponseBody, TypeDef, TypeKind};
use crate::render::Provenance;
use crate::{layout, naming};

/// `intercom-api/tests/generated/<vmod>.rs`.
pub fn dispatch(api: &Api, prov: &Provenance) -> Output {
    let vmod = format_ident!("{}", naming::version_module(&api.version));
    let prefix = quote!(models::);
    let mut resp_arms = Vec::new();
    let mut req_arms = Vec::new();
    let mut left_arms = Vec::new();
    for op in &api.operations {
        let id = &op.operation_id;
        for r in &op.responses {
            let status = &r.status;
            match &r.body {
                ResponseBody::Json(t) => {
                    let ty = rust_type(t, &prefix);
                    resp_arms.push(quote! { (#id, #status) => crate::roundtrip::<#ty>(value), });
                    left_arms.push(quote! { (#id, #status) => crate::leftovers::<#ty>(value), });
                }
                // A text example is a YAML string: it must be one.
                ResponseBody::Text(_) => {
                    resp_arms.push(quote! { (#id, #status) => crate::roundtrip::<String>(value), });
                }
                ResponseBody::Bytes(_) | ResponseBody::Empty => {}
            }
        }
        if let Some(b) = &op.body {
            let ty = rust_type(&b.ty, &prefix);
            req_arms.push(quote! { #id => crate::roundtrip::<#ty>(value), });
        }
    }
    let walks = api.types.values().filter_map(leftovers_impl);
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

        /// Decodes a response example of `operation_id` / `status` and lists the JSON pointers of the
        /// members kept in an `additional_properties` map the spec does not declare.
        pub fn leftovers(operation_id: &str, status: &str, value: &serde_json::Value) -> Option<Result<Vec<String>, String>> {
            Some(match (operation_id, status) { #(#left_arms)* _ => return None })
        }

        #(#walks)*
    };
    Output::new(
        layout::examples_file(&api.version),
        tokens,
        prov,
        "example dispatch",
    )
}

/// `impl Leftovers` for a struct (its fields, then the keys of an undeclared-members map, or the values
/// of a spec-declared one) or a union (its variant); enums hold no members. Aliases are Rust type
/// aliases: the impl of what they stand for serves.
fn leftovers_impl(def: &TypeDef) -> Option<TokenStream> {
    let name = format_ident!("{}", def.name);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().filter(|f| f.is_rust_field(def.usage)).map(|f| {
                let ident = format_ident!("{}", f.rust_name);
                let token = crate::error::pointer_token(&f.wire_name);
                quote! { super::Leftovers::leftovers(&self.#ident, &format!("{path}/{}", #token), out); }
            });
            let extra = s.additional_field(def.usage).map(|(fname, _)| {
                let ident = format_ident!("{}", fname);
                if s.additional.is_some() {
                    quote! { super::Leftovers::leftovers(&self.#ident, path, out); }
                } else {
                    quote! { for key in self.#ident.keys() { out.push(format!("{path}/{}", super::pointer_token(key))); } }
                }
            });
            quote! { #(#fields)* #extra }
        }
        TypeKind::Union(u) => {
            let arms = u
                .variants
                .iter()
                .filter(|v| !super::models::is_null_variant(v))
                .map(|v| {
                    let ident = format_ident!("{}", v.rust_name);
                    quote! { Self::#ident(inner) => super::Leftovers::leftovers(inner, path, out), }
                });
            quote! {
                #[allow(unreachable_patterns)]
                match self { #(#arms)* _ => {} }
            }
        }
        TypeKind::Enum(_) => quote! { let _ = (path, out); },
        TypeKind::Alias(_) => return None,
    };
    Some(quote! {
        impl super::Leftovers for models::#name {
            fn leftovers(&self, path: &str, out: &mut Vec<String>) { #body }
        }
    })
}

/// `intercom-api/tests/generated/mod.rs`: which versions have a table.
pub fn registry(versions: &[String]) -> Output {
    let (mods, arms) = super::version_table(versions, |v, ident| {
        quote! { #v => Some(Dispatch { response: #ident::response, request: #ident::request, leftovers: #ident::leftovers }), }
    });
    let (_, mock_arms) = super::version_table(versions, |v, ident| {
        quote! { #v => Some(intercom_api::testing::MockServer::#ident().await), }
    });
    let support = leftovers_support();
    let tokens = quote! {
        //! Generated example dispatch tables, one per pinned version.
        #(#mods)*

        #support

        /// The decoders of `version`, when its cargo feature is enabled.
        pub fn dispatch(version: &str) -> Option<Dispatch> {
            match version { #(#arms)* _ => None }
        }

        /// The mock server of `version` (`intercom_api::testing`), when its cargo feature is enabled.
        #[cfg(feature = "test-util")]
        #[allow(dead_code)]
        pub async fn mock_server(version: &str) -> Option<intercom_api::testing::MockServer> {
            match version { #(#mock_arms)* _ => None }
        }
    };
    Output::new(
        layout::examples_registry(),
        tokens,
        &Provenance::all(),
        "example registry",
    )
}

/// The registry's types: `Dispatch`, and the `Leftovers` walk with its impls for std types.
fn leftovers_support() -> TokenStream {
    quote! {
        /// Decoders of one version.
        pub struct Dispatch {
            /// Response examples.
            pub response: fn(&str, &str, &serde_json::Value) -> Option<Result<serde_json::Value, String>>,
            /// Request-body examples.
            pub request: fn(&str, &serde_json::Value) -> Option<Result<serde_json::Value, String>>,
            /// Response examples: members left in undeclared `additional_properties` maps.
            pub leftovers: LeftoversFn,
        }

        /// Decodes a response example and lists its untyped members (`None`: no type for it).
        pub type LeftoversFn = fn(&str, &str, &serde_json::Value) -> Option<Result<Vec<String>, String>>;

        /// A decoded value's members that sit in an `additional_properties` map the spec does not
        /// declare, as JSON pointers below `path`.
        pub trait Leftovers {
            /// Appends the pointers of the untyped members of `self` (found at `path`) to `out`.
            fn leftovers(&self, path: &str, out: &mut Vec<String>);
        }

        macro_rules! no_members {
            ($($t:ty),*) => {$(
                impl Leftovers for $t {
                    fn leftovers(&self, _: &str, _: &mut Vec<String>) {}
                }
            )*};
        }
        no_members!(String, i64, f64, bool, serde_json::Value, serde_json::Map<String, serde_json::Value>);

        impl<T: Leftovers> Leftovers for Option<T> {
            fn leftovers(&self, path: &str, out: &mut Vec<String>) {
                if let Some(inner) = self { inner.leftovers(path, out) }
            }
        }
        impl<T: Leftovers> Leftovers for Box<T> {
            fn leftovers(&self, path: &str, out: &mut Vec<String>) {
                (**self).leftovers(path, out)
            }
        }
        impl<T: Leftovers> Leftovers for Vec<T> {
            fn leftovers(&self, path: &str, out: &mut Vec<String>) {
                for (i, item) in self.iter().enumerate() {
                    item.leftovers(&format!("{path}/{i}"), out);
                }
            }
        }
        impl<T: Leftovers> Leftovers for std::collections::BTreeMap<String, T> {
            fn leftovers(&self, path: &str, out: &mut Vec<String>) {
                for (key, value) in self {
                    value.leftovers(&format!("{path}/{}", pointer_token(key)), out);
                }
            }
        }

        /// `~` and `/` escaped for a JSON pointer.
        pub fn pointer_token(key: &str) -> String {
            key.replace('~', "~0").replace('/', "~1")
        }
    }
}
