//! Unions: tagged (`crate::codec::TaggedDecode`), untagged told apart by JSON kind
//! (`crate::codec::UnionDecode`), by best fit, or by serde's derive; `From` conversions.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::docs;
use crate::emit::types::{rust_type, variant_payload};
use crate::ir::{Api, Field, TypeKind, TypeRef, Union, UnionVariant};

/// The union being emitted, and whether it is lenient (a response type).
#[derive(Clone, Copy)]
struct Target<'a> {
    api: &'a Api,
    name: &'a proc_macro2::Ident,
    u: &'a Union,
    lenient: bool,
}

/// A union's item (its type, `From` conversions) and codec impls.
pub(super) fn union_item(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    u: &Union,
    lenient: bool,
) -> (TokenStream, TokenStream) {
    let from = union_from_impls(api, name, u);
    let scalars = crate::emit::ergonomics::scalar_from_impls(api, name, u);
    let target = Target {
        api,
        name,
        u,
        lenient,
    };
    let (item, codec) = if u.tag.is_some() {
        tagged_union(&target, doc)
    } else {
        untagged_union(&target, doc)
    };
    // Response unions keep what no variant takes, so they always fit a field; those decoded
    // by serde's untagged derive record their `Other` as drift here (the others in their
    // own visitors).
    let derived = u.tag.is_none() && !by_kind_decodes(api, u);
    // A request union can still be reached from a response type through a schema no
    // operation uses: it then decodes through a buffered `Value`.
    let fits = if !lenient {
        quote! { crate::codec::lenient_strict_union!(#name); }
    } else if derived {
        quote! { crate::codec::lenient_untagged!(#name); }
    } else {
        quote! { crate::codec::lenient_union!(#name); }
    };
    (quote! { #item #from #scalars }, quote! { #codec #fits })
}

/// `From<Payload>` for each variant whose payload is a named, non-alias type that no other variant
/// carries and that is not the union itself (those would conflict with each other or with std).
fn union_from_impls(api: &Api, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let distinct = |v: &UnionVariant| match &v.ty {
        TypeRef::Named(n) if name != n => {
            !matches!(
                api.types.get(n).map(|d| &d.kind),
                Some(TypeKind::Alias(_)) | None
            ) && u.variants.iter().filter(|w| w.ty == v.ty).count() == 1
        }
        _ => false,
    };
    let impls = u.variants.iter().filter(|v| distinct(v)).map(|v| {
        let ty = rust_type(&v.ty, &quote!());
        let value = variant_value(v, quote!(value));
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    #value
                }
            }
        }
    });
    quote! { #(#impls)* }
}

/// `Self::Variant(value)`, boxed where the variant breaks a recursive cycle.
pub(in crate::emit) fn variant_value(v: &UnionVariant, value: TokenStream) -> TokenStream {
    let ident = format_ident!("{}", v.rust_name);
    if v.boxed {
        quote!(Self::#ident(Box::new(#value)))
    } else {
        quote!(Self::#ident(#value))
    }
}

fn variant_constructor(v: &UnionVariant) -> TokenStream {
    let ident = format_ident!("{}", v.rust_name);
    if v.boxed {
        quote!(|v| Self::#ident(Box::new(v)))
    } else {
        quote!(Self::#ident)
    }
}

fn untagged_union(t: &Target<'_>, doc: TokenStream) -> (TokenStream, TokenStream) {
    let Target {
        api,
        name,
        u,
        lenient,
    } = *t;
    let variants = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let vdoc = docs::attrs(&v.docs, &variant_fallback(api, u, v));
        if is_null_variant(v) {
            quote! { #vdoc Null, }
        } else {
            let ty = variant_payload(v);
            quote! { #vdoc #ident(#ty), }
        }
    });
    let other = lenient.then(|| {
        quote! {
            /// A shape this version of the crate does not know; kept verbatim.
            Other(serde_json::Value),
        }
    });
    // Variants told apart by their JSON kind: one `deserialize_any` visitor
    // (`crate::codec::UnionDecode`) instead of serde's buffering untagged derive; else, for structs
    // no tag tells apart, the best-fit decoder; else serde's derive.
    let decode = by_kind(api, name, u, lenient).or_else(|| best_fit(api, name, u, lenient));
    let derive_de = decode.is_none().then(|| quote!(serde::Deserialize,));
    let item = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, #derive_de)]
        #[serde(untagged)]
        #[non_exhaustive]
        pub enum #name { #(#variants)* #other }
    };
    (item, quote! { #decode })
}

/// Docs for an untagged union variant the spec documents nowhere: what tells it apart, its JSON
/// kind or, for an object, the members no other variant declares (else its required members).
fn variant_fallback(api: &Api, u: &Union, v: &UnionVariant) -> String {
    let members_of = |v: &UnionVariant| match api.resolve_alias(&v.ty) {
        TypeRef::Named(n) => match api.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Struct(s)) => Some(&s.fields),
            _ => None,
        },
        _ => None,
    };
    let Some(fields) = members_of(v) else {
        return format!("{}.", kind_phrase(api, api.resolve_alias(&v.ty)));
    };
    let others: Vec<&String> = u
        .variants
        .iter()
        .filter(|w| w.rust_name != v.rust_name)
        .filter_map(members_of)
        .flatten()
        .map(|f| &f.wire_name)
        .collect();
    let own: Vec<&Field> = fields
        .iter()
        .filter(|f| !others.contains(&&f.wire_name))
        .collect();
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let list = |fs: &[&Field]| {
        let names: Vec<String> = fs.iter().map(|f| format!("`{}`", f.wire_name)).collect();
        names.join(", ")
    };
    let of = format!("`{}`", rust_type(&v.ty, &quote!()));
    if !own.is_empty() {
        format!("An object with {} ({of}).", list(&own))
    } else if !required.is_empty() {
        format!(
            "An object with the required members {} ({of}).",
            list(&required)
        )
    } else {
        format!("An object ({of}).")
    }
}

/// A JSON kind in words: "A string", "An array of integers".
fn kind_phrase(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::String => "A string".to_string(),
        TypeRef::Integer => "An integer".to_string(),
        TypeRef::Number => "A number".to_string(),
        TypeRef::Boolean => "A boolean".to_string(),
        TypeRef::Json => "Any JSON value".to_string(),
        TypeRef::JsonObject => "A JSON object".to_string(),
        TypeRef::Nullable(i) => format!("{} or `null`", kind_phrase(api, i)),
        TypeRef::Array(i) => format!("An array of {}", plural(api.resolve_alias(i))),
        TypeRef::Map(i) => format!("An object of {}", plural(api.resolve_alias(i))),
        TypeRef::Named(n) => match api.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => format!("One of the `{n}` values"),
            Some(TypeKind::Union(_)) => format!("One of the `{n}` shapes"),
            _ => format!("A `{n}`"),
        },
    }
}

/// A JSON kind in words, many of it: "strings", "`Tag` values".
fn plural(t: &TypeRef) -> String {
    match t {
        TypeRef::String => "strings".to_string(),
        TypeRef::Integer => "integers".to_string(),
        TypeRef::Number => "numbers".to_string(),
        TypeRef::Boolean => "booleans".to_string(),
        TypeRef::Json => "JSON values".to_string(),
        TypeRef::Named(n) => format!("`{n}` values"),
        TypeRef::Array(_) => "arrays".to_string(),
        TypeRef::JsonObject | TypeRef::Map(_) => "objects".to_string(),
        TypeRef::Nullable(i) => format!("{} or `null`", plural(i)),
    }
}

/// `Deserialize` for a response union whose variants are all structs and that no tag tells apart:
/// a lenient struct takes any object, so serde's try-each-variant derive would always pick the
/// first. The object goes to the variant that declares the most of its members, counting one level
/// into struct-typed members (the first on a tie); a value that is not an object, or that the
/// variant rejects, is kept in `Other`.
fn best_fit(api: &Api, name: &proc_macro2::Ident, u: &Union, lenient: bool) -> Option<TokenStream> {
    if !lenient || u.variants.len() < 2 {
        return None;
    }
    let mut members = Vec::new();
    let mut arms = Vec::new();
    for (i, v) in u.variants.iter().enumerate() {
        let TypeRef::Named(n) = api.resolve_alias(&v.ty) else {
            return None;
        };
        let TypeKind::Struct(st) = &api.types.get(n)?.kind else {
            return None;
        };
        // Members and, one level down, the members of struct-typed members (`action.result`).
        let mut wires: Vec<String> = Vec::new();
        for f in &st.fields {
            wires.push(f.wire_name.clone());
            if let TypeRef::Named(inner) = api.resolve_alias(&f.ty)
                && let Some(TypeKind::Struct(inner)) = api.types.get(inner).map(|d| &d.kind)
            {
                for g in &inner.fields {
                    wires.push(format!("{}.{}", f.wire_name, g.wire_name));
                }
            }
        }
        members.push(quote!(&[#(#wires),*]));
        let constructor = variant_constructor(v);
        let ty = rust_type(api.resolve_alias(&v.ty), &quote!());
        arms.push(quote! {
            // Decoded from the buffered value by reference: no copy of it.
            Some(#i) => match <#ty as serde::Deserialize>::deserialize(&raw) {
                Ok(value) => Ok((#constructor)(value)),
                Err(_) => Ok(Self::Other(raw)),
            },
        });
    }
    Some(quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                match crate::codec::best_fit(&raw, &[#(#members),*]) {
                    #(#arms)*
                    _ => Ok(Self::Other(raw)),
                }
            }
        }
    })
}

/// The `Null` unit variant of a union (`nullable` or `type: "null"` in the spec).
pub(in crate::emit) fn is_null_variant(v: &UnionVariant) -> bool {
    v.rust_name == "Null" && v.tag_value.is_none() && v.ty == TypeRef::Json
}

/// The JSON kind a union variant accepts, when it accepts exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
    Null,
}

fn kind_of(api: &Api, v: &UnionVariant) -> Option<Kind> {
    if is_null_variant(v) {
        return Some(Kind::Null);
    }
    Some(match api.resolve_alias(&v.ty) {
        TypeRef::String => Kind::String,
        TypeRef::Integer => Kind::Integer,
        TypeRef::Number => Kind::Number,
        TypeRef::Boolean => Kind::Boolean,
        TypeRef::Array(_) => Kind::Array,
        TypeRef::JsonObject | TypeRef::Map(_) => Kind::Object,
        TypeRef::Named(n) => match &api.types.get(n)?.kind {
            TypeKind::Struct(_) => Kind::Object,
            TypeKind::Enum(_) => Kind::String,
            TypeKind::Union(_) | TypeKind::Alias(_) => return None,
        },
        TypeRef::Json | TypeRef::Nullable(_) => return None,
    })
}

/// Whether an untagged union decodes by JSON kind ([`by_kind`]) rather than with serde's derive.
fn by_kind_decodes(api: &Api, u: &Union) -> bool {
    by_kind(api, &format_ident!("Union"), u, false).is_some()
}

/// `Deserialize` by JSON kind for an untagged union whose variants each accept a different kind
/// (at most one numeric variant); `None` when two variants could take the same value, which keeps
/// serde's try-each-variant derive.
fn by_kind(api: &Api, name: &proc_macro2::Ident, u: &Union, lenient: bool) -> Option<TokenStream> {
    let mut kinds = Vec::new();
    for v in &u.variants {
        let kind = kind_of(api, v)?;
        let numeric = |k: &Kind| matches!(k, Kind::Integer | Kind::Number);
        if kinds
            .iter()
            .any(|(k, _)| *k == kind || (numeric(k) && numeric(&kind)))
        {
            return None;
        }
        kinds.push((kind, v));
    }
    let mut hooks = Vec::new();
    let mut expecting = Vec::new();
    for (kind, v) in kinds {
        let (what, hook) = kind_hook(api, kind, v, lenient);
        expecting.push(what);
        hooks.push(hook);
    }
    if lenient {
        hooks.push(quote! {
            fn other(value: serde_json::Value) -> Option<Self> { Some(Self::Other(value)) }
        });
    }
    let expecting = match expecting.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_string(),
    };
    Some(quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::codec::decode_union(deserializer)
            }
        }
        impl crate::codec::UnionDecode for #name {
            const EXPECTING: &'static str = #expecting;
            #(#hooks)*
        }
    })
}

/// The `UnionDecode` hook through which values of `kind` reach variant `v`, and the kind in words
/// (for `EXPECTING`).
fn kind_hook(
    api: &Api,
    kind: Kind,
    v: &UnionVariant,
    lenient: bool,
) -> (&'static str, TokenStream) {
    let wrap = |value: TokenStream| variant_value(v, value);
    let constructor = variant_constructor(v);
    match kind {
        Kind::String => {
            let body = match api.resolve_alias(&v.ty) {
                // A closed (request-only) enum rejects values it does not have.
                resolved @ TypeRef::Named(_) => {
                    let ty = rust_type(resolved, &quote!());
                    quote!(value.parse::<#ty>().ok().map(#constructor))
                }
                _ => {
                    let value = wrap(quote!(value.to_owned()));
                    quote!(Some(#value))
                }
            };
            (
                "a string",
                quote! { fn string(value: &str) -> Option<Self> { #body } },
            )
        }
        Kind::Integer => {
            let int = wrap(quote!(value));
            let hook = quote! {
                fn int(value: i64) -> Option<Self> { Some(#int) }
                fn uint(value: u64) -> Option<Self> { i64::try_from(value).ok().map(#constructor) }
            };
            ("an integer", hook)
        }
        Kind::Number => {
            let float = wrap(quote!(value));
            let cast = wrap(quote!(value as f64));
            let hook = quote! {
                fn int(value: i64) -> Option<Self> { Some(#cast) }
                fn uint(value: u64) -> Option<Self> { Some(#cast) }
                fn float(value: f64) -> Option<Self> { Some(#float) }
            };
            ("a number", hook)
        }
        Kind::Boolean => {
            let value = wrap(quote!(value));
            (
                "a boolean",
                quote! { fn boolean(value: bool) -> Option<Self> { Some(#value) } },
            )
        }
        Kind::Null => (
            "null",
            quote! { fn null() -> Option<Self> { Some(Self::Null) } },
        ),
        Kind::Array | Kind::Object => container_hook(api, kind, v, lenient),
    }
}

/// The `array` or `object` hook: decoded from the stream; a response union keeps what does not
/// fit its variant in `Other`.
fn container_hook(
    api: &Api,
    kind: Kind,
    v: &UnionVariant,
    lenient: bool,
) -> (&'static str, TokenStream) {
    let constructor = variant_constructor(v);
    // What the variant decodes into without failing, so a response union need not buffer.
    let infallible = match api.resolve_alias(&v.ty) {
        TypeRef::JsonObject | TypeRef::Json => true,
        TypeRef::Array(t) | TypeRef::Map(t) => **t == TypeRef::Json,
        _ => false,
    };
    // `array(seq)` through `crate::codec::seq`, `object(map)` through `crate::codec::map`.
    let (what, names) = match kind {
        Kind::Array => ("an array", ["array", "seq", "SeqAccess"]),
        _ => ("an object", ["object", "map", "MapAccess"]),
    };
    let [hook, access, access_trait] = names.map(|n| format_ident!("{}", n));
    let decode = quote!(crate::codec::#access);
    let or_other = format_ident!("{}_or_other", access);
    let or_other = quote!(crate::codec::#or_other);
    let body = if lenient && !infallible {
        quote!(#or_other(#access, #constructor, Self::Other))
    } else {
        quote!(#decode(#access).map(#constructor))
    };
    let hook = quote! {
        fn #hook<'de, A: serde::de::#access_trait<'de>>(#access: A) -> Result<Self, A::Error> {
            #body
        }
    };
    (what, hook)
}

/// A union told apart by a tag member: the enum, and its codec impls ([`tagged_codec`]).
fn tagged_union(t: &Target<'_>, doc: TokenStream) -> (TokenStream, TokenStream) {
    let Target {
        api,
        name,
        u,
        lenient,
    } = *t;
    let tag = u.tag.clone().unwrap_or_default();
    let variants = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let vdoc = docs::attrs(
            &v.docs,
            &format!("`{tag}: {}`", v.tag_value.clone().unwrap_or_default()),
        );
        let ty = variant_payload(v);
        quote! { #vdoc #ident(#ty), }
    });
    let unknown_variant = lenient.then(|| {
        quote! {
            /// A variant this version of the crate does not know; kept verbatim.
            Unknown(serde_json::Value),
        }
    });
    let item = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name { #(#variants)* #unknown_variant }
    };
    (item, tagged_codec(api, name, u, lenient))
}

/// `Serialize` (the variant's payload, which writes the tag) and `Deserialize` through
/// `crate::codec::TaggedDecode`: streamed when every variant is a struct, else from a buffered
/// value; an unknown tag is kept in `Unknown` (lenient) or an error naming the known ones.
fn tagged_codec(api: &Api, name: &proc_macro2::Ident, u: &Union, lenient: bool) -> TokenStream {
    let tag = u.tag.clone().unwrap_or_default();
    let ser = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        quote! { Self::#ident(inner) => serde::Serialize::serialize(inner, serializer), }
    });
    let de = u.variants.iter().map(|v| {
        let value = v.tag_value.clone().unwrap_or_default();
        let constructor = variant_constructor(v);
        quote! { Some(#value) => crate::codec::from_value(value).map(#constructor), }
    });
    let stream = tagged_stream(api, u);
    let known: Vec<String> = u
        .variants
        .iter()
        .filter_map(|v| v.tag_value.clone())
        .collect();
    let (unknown_ser, fallback) = if lenient {
        (
            quote! { Self::Unknown(inner) => serde::Serialize::serialize(inner, serializer), },
            quote! { _ => Ok(Self::Unknown(value)), },
        )
    } else {
        (
            quote!(),
            quote! { other => Err(crate::codec::unknown_tag(#tag, other, &[#(#known),*])), },
        )
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self { #(#ser)* #unknown_ser }
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::codec::decode_tagged(deserializer)
            }
        }
        impl crate::codec::TaggedDecode for #name {
            const TAG: &'static str = #tag;
            #stream
            fn buffered<E: serde::de::Error>(value: serde_json::Value) -> Result<Self, E> {
                let tag = crate::codec::tag_of(&value, Self::TAG);
                match tag.as_deref() { #(#de)* #fallback }
            }
        }
    }
}

/// `TaggedDecode::variant`, when every variant is a struct: the members after the tag go straight
/// into it.
fn tagged_stream(api: &Api, u: &Union) -> Option<TokenStream> {
    let all_structs = u.variants.iter().all(|v| match api.resolve_alias(&v.ty) {
        TypeRef::Named(n) => matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Struct(_))),
        _ => false,
    });
    all_structs.then(|| {
        let arms = u.variants.iter().map(|v| {
            let value = v.tag_value.clone().unwrap_or_default();
            let constructor = variant_constructor(v);
            quote! { #value => crate::codec::rest(Self::TAG, tag, map).map(#constructor), }
        });
        quote! {
            fn variant<'de, A: serde::de::MapAccess<'de>>(
                tag: &str,
                map: &mut A,
            ) -> Option<Result<Self, A::Error>> {
                Some(match tag {
                    #(#arms)*
                    _ => return None,
                })
            }
        }
    })
}
