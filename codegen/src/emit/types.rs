//! `TypeRef` -> Rust type tokens.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::TypeRef;

/// The Rust type for `t`; named types are prefixed with `prefix` (empty inside `models`).
pub fn rust_type(t: &TypeRef, prefix: &TokenStream) -> TokenStream {
    match t {
        TypeRef::String => quote!(String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::JsonObject => quote!(serde_json::Map<String, serde_json::Value>),
        TypeRef::Named(n) => {
            let ident = format_ident!("{}", n);
            quote!(#prefix #ident)
        }
        TypeRef::Array(i) => {
            let inner = rust_type(i, prefix);
            quote!(Vec<#inner>)
        }
        TypeRef::Nullable(i) => {
            let inner = rust_type(i, prefix);
            quote!(Option<#inner>)
        }
        TypeRef::Map(i) => {
            let inner = rust_type(i, prefix);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}
