//! `TypeRef` -> Rust type: the one definition of how a type is spelled, used by the generated code
//! (as tokens) and by the API listing and the spec diff (as text, [`crate::surface::rust_type`]).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::TypeRef;

/// The Rust spelling of `t`; named types are prefixed with `prefix` (`""` inside `models`,
/// `"models::"` in operation files).
pub fn spelling(t: &TypeRef, prefix: &str) -> String {
    match t {
        TypeRef::String => "String".to_string(),
        TypeRef::Integer => "i64".to_string(),
        TypeRef::Number => "f64".to_string(),
        TypeRef::Boolean => "bool".to_string(),
        TypeRef::Json => "serde_json::Value".to_string(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".to_string(),
        TypeRef::Named(n) => format!("{prefix}{n}"),
        TypeRef::Array(i) => format!("Vec<{}>", spelling(i, prefix)),
        TypeRef::Nullable(i) => format!("Option<{}>", spelling(i, prefix)),
        TypeRef::Map(i) => format!(
            "std::collections::BTreeMap<String, {}>",
            spelling(i, prefix)
        ),
    }
}

/// The Rust type for `t` as tokens: [`spelling`], lexed; named types are prefixed with `prefix`
/// (empty inside `models`).
pub fn rust_type(t: &TypeRef, prefix: &TokenStream) -> TokenStream {
    let text = spelling(t, &prefix.to_string());
    // Identifiers, `::`, `<`, `>` and `,` only: always lexes.
    text.parse().unwrap_or_else(|_| quote!(serde_json::Value))
}
