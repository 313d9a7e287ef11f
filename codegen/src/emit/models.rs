//! Named types -> Rust items: structs, forward-compatible string enums, tagged and untagged unions,
//! aliases.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::types::rust_type;
use crate::ir::{
    Api, Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant, Usage,
};

/// The Rust items for one named type: the type with its inherent impls and conversions, and
/// apart its codec impls (serde, `crate::codec` decoders), which `emit_version` collects into one
/// `const _: () = { ... };` block at the end of the file, so the file (and rustdoc's source view)
/// reads type-first.
pub fn type_item(api: &Api, def: &TypeDef) -> (TokenStream, TokenStream) {
    type_parts(api, def)
}

/// The type with what users call on it, and its codec impls.
fn type_parts(api: &Api, def: &TypeDef) -> (TokenStream, TokenStream) {
    let pointer = def.pointer.trim_start_matches('#');
    let fallback = match (&def.schema_name, &def.used_at) {
        (Some(s), _) => format!("The `{s}` object."),
        (None, Some(used)) => format!("{}\n\nDefined inline at `{pointer}`.", docs::used_at(used)),
        (None, None) => format!("`{}` (defined inline at `{pointer}`).", def.name),
    };
    let doc = docs::attrs(&def.docs, &fallback);
    let name = format_ident!("{}", def.name);
    let lenient = def.usage.lenient();
    match &def.kind {
        TypeKind::Struct(s) => struct_item(&name, doc, s, def.usage),
        TypeKind::Enum(e) => enum_item(&name, doc, e, lenient),
        TypeKind::Union(u) => {
            let from = union_from_impls(api, &name, u);
            let scalars = super::ergonomics::scalar_from_impls(api, &name, u);
            let item = if u.tag.is_some() {
                tagged_union(api, &name, doc, u, lenient)
            } else {
                untagged_union(api, &name, doc, u, lenient)
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
            let (item, codec) = item;
            (quote! { #item #from #scalars }, quote! { #codec #fits })
        }
        TypeKind::Alias(t) => {
            let ty = rust_type(t, &quote!());
            (quote! { #doc pub type #name = #ty; }, quote!())
        }
    }
}

fn struct_item(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    s: &Struct,
    usage: Usage,
) -> (TokenStream, TokenStream) {
    let lenient = usage.lenient();
    let mut fields = Vec::new();
    let mut all_optional = true;
    for f in s.fields.iter().filter(|f| f.is_rust_field(usage)) {
        let ident = format_ident!("{}", f.rust_name);
        let ty = field_type(f, usage);
        if !f.is_option(usage) || (!lenient && f.required) {
            all_optional = false;
        }
        // The value a constant member may hold (issue 13.2), said in its docs.
        let constant = f.constant.as_ref().map(|c| {
            if usage.request && f.required {
                format!(" The spec allows only `{c}`; serialization writes it when this is `None`.")
            } else {
                format!(" The spec allows only `{c}`.")
            }
        });
        // A member the spec documents nowhere gets no doc, rather than its own name again.
        let fdoc = match (f.docs.is_empty(), constant) {
            (true, None) => quote!(#[allow(missing_docs)]),
            (true, Some(line)) => quote!(#[doc = #line]),
            (false, None) => docs::attrs(&f.docs, ""),
            (false, Some(line)) => {
                let own = docs::attrs(&f.docs, "");
                quote! { #own #[doc = ""] #[doc = #line] }
            }
        };
        fields.push(quote! { #fdoc pub #ident: #ty, });
    }
    // Responses keep members the spec does not declare, so nothing is dropped on re-encode.
    let extra = s.additional_field(usage);
    if let Some((fname, extra)) = &extra {
        let ty = rust_type(extra, &quote!());
        let ident = format_ident!("{}", fname);
        fields.push(quote! {
            /// Members not declared in the spec (`additionalProperties`).
            pub #ident: std::collections::BTreeMap<String, #ty>,
        });
    }
    let extra_name = extra.as_ref().map(|(n, _)| n.as_str());
    let default = all_optional.then(|| quote!(Default,));
    let serialize = struct_serialize(name, s, usage, extra_name);
    let deserialize = struct_deserialize(name, s, usage, extra_name);
    let constructor = (!lenient).then(|| constructor(name, s, extra_name));
    let setters = super::ergonomics::with_setters(name, s, usage);
    let item = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name { #(#fields)* }
        #constructor
        #setters
    };
    (item, quote! { #serialize #deserialize })
}

/// The Rust type of a struct field: `Option<T>` for lenient types, optional or nullable fields.
fn field_type(f: &Field, usage: Usage) -> TokenStream {
    let mut ty = rust_type(&f.ty, &quote!());
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    if f.is_option(usage) {
        quote!(Option<#ty>)
    } else {
        ty
    }
}

/// `string` fields also accept numbers (kept as their text): Intercom sends numeric ids as either.
fn lenient_string(f: &Field) -> bool {
    f.ty == TypeRef::String && !f.boxed
}

/// `Serialize` through `crate::codec::ObjectWriter`: optional members are skipped when `None`,
/// required ones are always written (`null` for a required nullable field), undeclared members last.
fn struct_serialize(
    name: &proc_macro2::Ident,
    s: &Struct,
    usage: Usage,
    extra: Option<&str>,
) -> TokenStream {
    let lenient = usage.lenient();
    let members = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        if let Some(c) = &f.constant {
            // Strict: not a Rust field, always written. Lenient and sent in requests: what was
            // set, else the constant when the member is required.
            return if !lenient {
                quote! { .req(#wire, #c) }
            } else if usage.request && f.required {
                quote! { .req(#wire, self.#ident.as_deref().unwrap_or(#c)) }
            } else {
                quote! { .opt(#wire, &self.#ident) }
            };
        }
        if lenient || !f.required {
            quote! { .opt(#wire, &self.#ident) }
        } else {
            quote! { .req(#wire, &self.#ident) }
        }
    });
    let extra = extra.map(|e| {
        let e = format_ident!("{}", e);
        quote! { .extra(&self.#e) }
    });
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                crate::codec::ObjectWriter::new(serializer) #(#members)* #extra .end()
            }
        }
    }
}

/// `Deserialize` through `crate::codec::StructDecode`: one `match` on the member name.
///
/// - Lenient (response) structs fill the struct itself (`Slots = Self`); undeclared members go to
///   the extra map and a repeated member keeps its last value.
/// - Strict (request) structs collect one `Option` slot per field in a private type, then check the
///   required ones. A repeated member is an error, and so is an undeclared one unless the spec
///   declares `additionalProperties`.
fn struct_deserialize(
    name: &proc_macro2::Ident,
    s: &Struct,
    usage: Usage,
    extra: Option<&str>,
) -> TokenStream {
    let lenient = usage.lenient();
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    let mut checks = Vec::new();
    for f in &s.fields {
        let ident = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        if let (Some(c), false) = (&f.constant, lenient) {
            // Not stored: checked (the constant or `null`) and, when required, present.
            slots.push(quote! { #ident: Option<()>, });
            arms.push(
                quote! { #wire => crate::codec::fill_constant(&mut slots.#ident, #wire, #c, map), },
            );
            if f.required {
                checks.push(quote! { crate::codec::missing::<(), E>(slots.#ident, #wire)?; });
            }
            continue;
        }
        if lenient {
            // Drift-tolerant: a value that does not fit leaves the field `None` and is kept raw.
            let set = if f.boxed {
                quote!(crate::codec::set_boxed)
            } else {
                quote!(crate::codec::set)
            };
            arms.push(quote! { #wire => #set(&mut slots.#ident, map), });
            continue;
        }
        let ty = field_type(f, usage);
        slots.push(quote! { #ident: Option<#ty>, });
        let fill = match (lenient_string(f), f.is_option(usage)) {
            (true, true) => quote!(crate::codec::fill_opt_string),
            (true, false) => quote!(crate::codec::fill_string),
            (false, _) => quote!(crate::codec::fill),
        };
        arms.push(quote! { #wire => #fill(&mut slots.#ident, #wire, map), });
        inits.push(if f.required {
            // Required (nullable or not): the member must be present.
            quote! { #ident: crate::codec::missing(slots.#ident, #wire)?, }
        } else {
            quote! { #ident: slots.#ident.flatten(), }
        });
    }
    let rest = match extra {
        Some(extra) => {
            let extra = format_ident!("{}", extra);
            if !lenient {
                let ty = match &s.additional {
                    Some(t) => rust_type(t, &quote!()),
                    None => quote!(serde_json::Value),
                };
                slots.push(quote! { #extra: std::collections::BTreeMap<String, #ty>, });
                inits.push(quote! { #extra: slots.#extra, });
            }
            quote! { crate::codec::set_extra(&mut slots.#extra, key, map) }
        }
        None if lenient => quote! {
            map.next_value::<serde::de::IgnoredAny>().map(|_| crate::codec::Outcome::Kept)
        },
        None => {
            let known = s.fields.iter().map(|f| &f.wire_name);
            quote! { Err(crate::codec::unknown_member(key, &[#(#known),*])) }
        }
    };
    let body = if s.fields.is_empty() {
        rest
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => #rest,
            }
        }
    };
    let (slots_ty, finish) = if lenient {
        (quote!(Self), quote!(Ok(slots)))
    } else {
        (quote!(Slots), quote!(#(#checks)* Ok(Self { #(#inits)* })))
    };
    // Where a lenient struct keeps members that drifted: its undeclared-members map.
    let extra_fn = extra.filter(|_| lenient).map(|extra| {
        let extra = format_ident!("{}", extra);
        quote! {
            fn extra(
                slots: &mut Self,
            ) -> Option<&mut std::collections::BTreeMap<String, serde_json::Value>> {
                Some(&mut slots.#extra)
            }
        }
    });
    let type_name = name.to_string();
    // A list object takes a bare array as its one array member (`lower::lists`).
    let list_member = s.list_member.as_ref().filter(|_| lenient).map(|member| {
        quote! { const LIST_MEMBER: Option<&'static str> = Some(#member); }
    });
    let decode = quote! {
        impl crate::codec::StructDecode for #name {
            const NAME: &'static str = #type_name;
            #list_member
            type Slots = #slots_ty;
            fn member<'de, A: serde::de::MapAccess<'de>>(
                slots: &mut #slots_ty,
                key: &crate::codec::Key<'de>,
                map: &mut A,
            ) -> Result<crate::codec::Outcome, A::Error> {
                #body
            }
            #extra_fn
            fn finish<E: serde::de::Error>(slots: #slots_ty) -> Result<Self, E> {
                #finish
            }
        }
    };
    // The slots of a strict struct are a private type, scoped with its impl.
    let decode = if lenient {
        decode
    } else {
        quote! {
            const _: () = {
                #[derive(Default)]
                pub struct Slots { #(#slots)* }
                #decode
            };
        }
    };
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::codec::decode_struct(deserializer)
            }
        }
        #decode
    }
}

/// `new(required...)` for a strict (request) struct: optional fields start as `None`; constant
/// members (such as a union tag) are no fields at all (serialization writes them).
fn constructor(name: &proc_macro2::Ident, s: &Struct, extra: Option<&str>) -> TokenStream {
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for f in s.fields.iter().filter(|f| f.constant.is_none()) {
        let ident = format_ident!("{}", f.rust_name);
        let required = f.required && !f.nullable;
        if !f.required {
            inits.push(quote! { #ident: None, });
            continue;
        }
        let mut ty = rust_type(&f.ty, &quote!());
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        let ty = if required { ty } else { quote!(Option<#ty>) };
        if f.ty == TypeRef::String && required && !f.boxed {
            args.push(quote! { #ident: impl Into<String>, });
            inits.push(quote! { #ident: #ident.into(), });
        } else if required && matches!(f.ty, TypeRef::Named(_)) {
            // `impl Into`: a union argument takes any of its variants' `From` payloads.
            let inner = rust_type(&f.ty, &quote!());
            args.push(quote! { #ident: impl Into<#inner>, });
            inits.push(if f.boxed {
                quote! { #ident: Box::new(#ident.into()), }
            } else {
                quote! { #ident: #ident.into(), }
            });
        } else {
            args.push(quote! { #ident: #ty, });
            inits.push(quote! { #ident, });
        }
    }
    let extra = extra.map(|name| {
        let f = format_ident!("{}", name);
        quote! { #f: Default::default(), }
    });
    let too_many = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let pattern = super::ergonomics::new_pattern_doc(name, s);
    quote! {
        impl #name {
            /// A value with the required fields; optional fields are `None`.
            #pattern
            #too_many
            pub fn new(#(#args)*) -> Self {
                Self { #(#inits)* #extra }
            }
        }
    }
}

/// A string enum: `#[non_exhaustive]` (a value added by a spec update is not a breaking change),
/// `as_str()`, `FromStr` and, through `crate::codec::string_enum!`, serde, `Display` and
/// `AsRef<str>`. An open (lenient) enum keeps values it does not know in `Unknown(UnknownValue)`
/// and parses infallibly; a request-only enum has no `Unknown` (users cannot receive what they
/// send) and its `FromStr` fails with `UnknownEnumValue`.
fn enum_item(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    e: &StringEnum,
    open: bool,
) -> (TokenStream, TokenStream) {
    let variants = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let d = format!(" `{}`", v.wire.replace('`', "'"));
        quote! { #[doc = #d] #ident, }
    });
    let to_wire = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let wire = &v.wire;
        quote! { Self::#ident => #wire, }
    });
    let from_wire = e.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let wire = &v.wire;
        quote! { #wire => Self::#ident, }
    });
    let type_name = name.to_string();
    let (unknown, unknown_str, err, fallback, codec) = if open {
        (
            quote! {
                /// A value this version of the crate does not know; kept verbatim.
                Unknown(crate::UnknownValue),
            },
            quote! { Self::Unknown(other) => other.as_str(), },
            quote!(std::convert::Infallible),
            quote! { other => Self::Unknown(crate::UnknownValue::new(other)), },
            quote! { crate::codec::string_enum!(#name); },
        )
    } else {
        (
            quote!(),
            quote!(),
            quote!(crate::UnknownEnumValue),
            quote! { other => return Err(crate::UnknownEnumValue::new(#type_name, other)), },
            quote! { crate::codec::string_enum!(closed #name); },
        )
    };
    let parse_doc = if open {
        " The variant for a wire value (`Unknown` for values this crate does not know)."
    } else {
        " The variant for a wire value (an error for values this enum does not have)."
    };
    let item = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self { #(#to_wire)* #unknown_str }
            }
        }
        impl std::str::FromStr for #name {
            type Err = #err;
            #[doc = #parse_doc]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(match value { #(#from_wire)* #fallback })
            }
        }
    };
    (item, codec)
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

fn variant_payload(v: &UnionVariant) -> TokenStream {
    let ty = rust_type(&v.ty, &quote!());
    if v.boxed { quote!(Box<#ty>) } else { ty }
}

/// A function from the variant's payload to the union (`Self::Variant`, boxing where needed).
/// `Self::Variant(value)`, boxed where the variant breaks a recursive cycle.
pub(super) fn variant_value(v: &UnionVariant, value: TokenStream) -> TokenStream {
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

fn untagged_union(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    u: &Union,
    lenient: bool,
) -> (TokenStream, TokenStream) {
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
pub(super) fn is_null_variant(v: &UnionVariant) -> bool {
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
        let wrap = |value: TokenStream| variant_value(v, value);
        let constructor = variant_constructor(v);
        let resolved = api.resolve_alias(&v.ty);
        // What the variant decodes into without failing, so a response union need not buffer.
        let infallible = match resolved {
            TypeRef::JsonObject | TypeRef::Json => true,
            TypeRef::Array(t) | TypeRef::Map(t) => **t == TypeRef::Json,
            _ => false,
        };
        match kind {
            Kind::String => {
                expecting.push("a string");
                let body = match resolved {
                    // A closed (request-only) enum rejects values it does not have.
                    TypeRef::Named(_) => {
                        let ty = rust_type(resolved, &quote!());
                        quote!(value.parse::<#ty>().ok().map(#constructor))
                    }
                    _ => {
                        let value = wrap(quote!(value.to_owned()));
                        quote!(Some(#value))
                    }
                };
                hooks.push(quote! {
                    fn string(value: &str) -> Option<Self> { #body }
                });
            }
            Kind::Integer => {
                expecting.push("an integer");
                let int = wrap(quote!(value));
                hooks.push(quote! {
                    fn int(value: i64) -> Option<Self> { Some(#int) }
                    fn uint(value: u64) -> Option<Self> { i64::try_from(value).ok().map(#constructor) }
                });
            }
            Kind::Number => {
                expecting.push("a number");
                let float = wrap(quote!(value));
                let cast = wrap(quote!(value as f64));
                hooks.push(quote! {
                    fn int(value: i64) -> Option<Self> { Some(#cast) }
                    fn uint(value: u64) -> Option<Self> { Some(#cast) }
                    fn float(value: f64) -> Option<Self> { Some(#float) }
                });
            }
            Kind::Boolean => {
                expecting.push("a boolean");
                let value = wrap(quote!(value));
                hooks.push(quote! {
                    fn boolean(value: bool) -> Option<Self> { Some(#value) }
                });
            }
            Kind::Null => {
                expecting.push("null");
                hooks.push(quote! {
                    fn null() -> Option<Self> { Some(Self::Null) }
                });
            }
            Kind::Array => {
                expecting.push("an array");
                let body = if lenient && !infallible {
                    quote!(crate::codec::seq_or_other(seq, #constructor, Self::Other))
                } else {
                    quote!(crate::codec::seq(seq).map(#constructor))
                };
                hooks.push(quote! {
                    fn array<'de, A: serde::de::SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
                        #body
                    }
                });
            }
            Kind::Object => {
                expecting.push("an object");
                let body = if lenient && !infallible {
                    quote!(crate::codec::map_or_other(map, #constructor, Self::Other))
                } else {
                    quote!(crate::codec::map(map).map(#constructor))
                };
                hooks.push(quote! {
                    fn object<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
                        #body
                    }
                });
            }
        }
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

fn tagged_union(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    u: &Union,
    lenient: bool,
) -> (TokenStream, TokenStream) {
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
    let ser = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        quote! { Self::#ident(inner) => serde::Serialize::serialize(inner, serializer), }
    });
    let de = u.variants.iter().map(|v| {
        let value = v.tag_value.clone().unwrap_or_default();
        let constructor = variant_constructor(v);
        quote! { Some(#value) => crate::codec::from_value(value).map(#constructor), }
    });
    // Streamed when every variant is a struct: the members after the tag go straight into it.
    let all_structs = u.variants.iter().all(|v| match api.resolve_alias(&v.ty) {
        TypeRef::Named(n) => matches!(api.types.get(n).map(|d| &d.kind), Some(TypeKind::Struct(_))),
        _ => false,
    });
    let stream = all_structs.then(|| {
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
    });
    let known: Vec<String> = u
        .variants
        .iter()
        .filter_map(|v| v.tag_value.clone())
        .collect();
    let (unknown_variant, unknown_ser, fallback) = if lenient {
        (
            quote! {
                /// A variant this version of the crate does not know; kept verbatim.
                Unknown(serde_json::Value),
            },
            quote! { Self::Unknown(inner) => serde::Serialize::serialize(inner, serializer), },
            quote! { _ => Ok(Self::Unknown(value)), },
        )
    } else {
        (
            quote!(),
            quote!(),
            quote! { other => Err(crate::codec::unknown_tag(#tag, other, &[#(#known),*])), },
        )
    };
    let item = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #name { #(#variants)* #unknown_variant }
    };
    let codec = quote! {
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
    };
    (item, codec)
}
