//! Named types -> Rust items: structs ([`structs`]), forward-compatible string enums ([`enums`]),
//! tagged and untagged unions ([`unions`]), aliases; one type's item and codec impls, which
//! `emit::model_files` assembles into files.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

mod enums;
mod structs;
mod unions;

pub(super) use unions::{is_null_variant, variant_value};

use super::docs;
use super::types::rust_type;
use crate::ir::{Api, TypeDef, TypeKind};

/// The Rust items for one named type: the type with its inherent impls and conversions, and
/// apart its codec impls (serde, `crate::codec` decoders), which `emit::model_files` collects into
/// one `const _: () = { ... };` block at the end of the file, so the file (and rustdoc's source
/// view) reads type-first.
pub fn type_item(api: &Api, def: &TypeDef) -> (TokenStream, TokenStream) {
    let pointer = def.pointer.trim_start_matches('#');
    let fallback = match (&def.schema_name, &def.used_at) {
        (Some(s), _) => format!("The `{s}` object."),
        (None, Some(used)) => format!("{}\n\nDefined inline at `{pointer}`.", docs::used_at(used)),
        (None, None) => format!("`{}` (defined inline at `{pointer}`).", def.name),
    };
    let doc = docs::attrs(&def.docs, &fallback);
    let name = format_ident!("{}", def.name);
    match &def.kind {
        TypeKind::Struct(s) => structs::struct_item(&name, doc, s, def.usage),
        TypeKind::Enum(e) => enums::enum_item(&name, doc, e, def.usage.lenient()),
        TypeKind::Union(u) => unions::union_item(api, &name, doc, u, def.usage.lenient()),
        TypeKind::Alias(t) => {
            let ty = rust_type(t, &quote!());
            (quote! { #doc pub type #name = #ty; }, quote!())
        }
    }
}
