//! `TypeRef` -> Rust type: the one definition of how a type is spelled, and of the types users see
//! (a struct field's, a union variant's payload, an operation's return), used by the generated code
//! (as tokens: the text, lexed) and by the API listing and the spec diff (as text, through
//! [`crate::surface`]).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Field, Operation, ResponseBody, TypeRef, UnionVariant, Usage};

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
    lex(&spelling(t, &prefix.to_string()))
}

/// A spelling of this module as tokens.
pub(crate) fn lex(text: &str) -> TokenStream {
    // Identifiers, `::`, `<`, `>`, `,` and `()` only: always lexes.
    text.parse().unwrap_or_else(|_| quote!(serde_json::Value))
}

/// The Rust type of a struct field as users see it, inside `models`: `Box` where it breaks a
/// recursive cycle, in an `Option` for lenient types and for optional or nullable fields.
pub fn field_spelling(f: &Field, usage: Usage) -> String {
    let mut ty = spelling(&f.ty, "");
    if f.boxed {
        ty = format!("Box<{ty}>");
    }
    if f.is_option(usage) {
        ty = format!("Option<{ty}>");
    }
    ty
}

/// [`field_spelling`] as tokens.
pub fn field_type(f: &Field, usage: Usage) -> TokenStream {
    lex(&field_spelling(f, usage))
}

/// The payload type of a union variant as users see it, inside `models` (`Box` included).
pub fn variant_spelling(v: &UnionVariant) -> String {
    let ty = spelling(&v.ty, "");
    if v.boxed { format!("Box<{ty}>") } else { ty }
}

/// [`variant_spelling`] as tokens.
pub fn variant_payload(v: &UnionVariant) -> TokenStream {
    lex(&variant_spelling(v))
}

/// The Rust return type of an operation: the first 2xx response's body type; `()` when it has no
/// content, `bytes::Bytes` when it is not JSON, `<krate>::Redirect` when it only redirects,
/// `serde_json::Value` when there is no 2xx response. Named types are prefixed with `prefix`.
pub fn return_spelling(op: &Operation, prefix: &str, krate: &str) -> String {
    match op.success().map(|r| &r.body) {
        Some(ResponseBody::Json(t)) => spelling(t, prefix),
        Some(ResponseBody::Empty) => "()".to_string(),
        Some(ResponseBody::Text(_)) => "String".to_string(),
        Some(ResponseBody::Bytes(_)) => "bytes::Bytes".to_string(),
        None if op.declares_redirect() => format!("{krate}::Redirect"),
        None => "serde_json::Value".to_string(),
    }
}
