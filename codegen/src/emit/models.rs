//! Named types -> Rust items: structs, forward-compatible string enums, tagged and untagged unions,
//! aliases.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::types::rust_type;
use crate::ir::{Api, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant, Usage};

/// The Rust item(s) for one named type.
pub fn type_item(api: &Api, def: &TypeDef) -> TokenStream {
    let fallback = match &def.schema_name {
        Some(s) => format!("The `{s}` object."),
        None => format!(
            "`{}` (defined inline at `{}`).",
            def.name,
            def.pointer.trim_start_matches('#')
        ),
    };
    let doc = docs::attrs(&def.docs, &fallback);
    let name = format_ident!("{}", def.name);
    let lenient = def.usage.lenient();
    match &def.kind {
        TypeKind::Struct(s) => struct_item(api, &name, doc, s, def.usage),
        TypeKind::Enum(e) => enum_item(&name, doc, e),
        TypeKind::Union(u) if u.tag.is_some() => {
            let from = union_from_impls(api, &name, u);
            let item = tagged_union(&name, doc, u, lenient);
            quote! { #item #from }
        }
        TypeKind::Union(u) => {
            let from = union_from_impls(api, &name, u);
            let item = untagged_union(&name, doc, u, lenient);
            quote! { #item #from }
        }
        TypeKind::Alias(t) => {
            let ty = rust_type(t, &quote!());
            quote! { #doc pub type #name = #ty; }
        }
    }
}

fn struct_item(
    api: &Api,
    name: &proc_macro2::Ident,
    doc: TokenStream,
    s: &Struct,
    usage: Usage,
) -> TokenStream {
    let lenient = usage.lenient();
    let mut fields = Vec::new();
    let mut all_optional = true;
    for f in &s.fields {
        let ident = format_ident!("{}", f.rust_name);
        let mut ty = rust_type(&f.ty, &quote!());
        if f.boxed {
            ty = quote!(Box<#ty>);
        }
        let fdoc = docs::attrs(&f.docs, &format!("`{}`", f.wire_name));
        let rename = (f.rust_name != f.wire_name).then(|| {
            let wire = &f.wire_name;
            quote!(rename = #wire,)
        });
        // `string` fields also accept numbers (kept as their text): Intercom sends numeric ids as either.
        let lenient_string = f.ty == TypeRef::String && !f.boxed;
        let (ty, attr) = if lenient {
            // Decoded by the generated `LenientStruct` impl below; serde only serializes.
            (
                quote!(Option<#ty>),
                quote!(#[serde(#rename skip_serializing_if = "Option::is_none")]),
            )
        } else if f.is_option(usage) {
            let with =
                lenient_string.then(|| quote!(deserialize_with = "crate::codec::opt_string",));
            let skip =
                (lenient || !f.required).then(|| quote!(skip_serializing_if = "Option::is_none"));
            if lenient || !f.required {
                (
                    quote!(Option<#ty>),
                    quote!(#[serde(#rename default, #with #skip)]),
                )
            } else {
                // Required and nullable: the key must be present (possibly `null`).
                all_optional = false;
                (quote!(Option<#ty>), quote!(#[serde(#rename #with)]))
            }
        } else {
            all_optional = false;
            let with = lenient_string.then(|| quote!(deserialize_with = "crate::codec::string"));
            if rename.is_none() && with.is_none() {
                (ty, quote!())
            } else {
                (ty, quote!(#[serde(#rename #with)]))
            }
        };
        fields.push(quote! { #fdoc #attr pub #ident: #ty, });
    }
    // Responses keep members the spec does not declare, so nothing is dropped on re-encode.
    let extra = s.additional_field(usage);
    if let Some((fname, extra)) = &extra {
        let ty = rust_type(extra, &quote!());
        let ident = format_ident!("{}", fname);
        fields.push(quote! {
            /// Members not declared in the spec (`additionalProperties`).
            #[serde(flatten)]
            pub #ident: std::collections::BTreeMap<String, #ty>,
        });
    }
    let default = all_optional.then(|| quote!(Default,));
    // Request types decode strictly: an undeclared member is an error (this also lets untagged
    // request unions pick the right variant). `flatten` cannot be combined with it.
    let deny = (!lenient && extra.is_none()).then(|| quote!(#[serde(deny_unknown_fields)]));
    let constructor =
        (!lenient).then(|| constructor(api, name, s, extra.as_ref().map(|(n, _)| n.as_str())));
    if lenient {
        let decode = lenient_deserialize(name, s, extra.as_ref().map(|(n, _)| n.as_str()));
        return quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
            pub struct #name { #(#fields)* }
            #decode
        };
    }
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default serde::Serialize, serde::Deserialize)]
        #deny
        pub struct #name { #(#fields)* }
        #constructor
    }
}

/// `Deserialize` for a lenient (response) struct through `crate::codec::LenientStruct`: one `match`
/// on the member name, undeclared members into the extra map. Much less code for the compiler than
/// derive + `#[serde(flatten)]` + per-field `deserialize_with`, and faster to decode.
fn lenient_deserialize(name: &proc_macro2::Ident, s: &Struct, extra: Option<&str>) -> TokenStream {
    let arms = s.fields.iter().map(|f| {
        let ident = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        if f.ty == TypeRef::String && !f.boxed {
            // `string` fields also accept numbers (kept as their text).
            quote! { #wire => self.#ident = map.next_value_seed(crate::codec::OptString)?, }
        } else {
            quote! { #wire => self.#ident = map.next_value()?, }
        }
    });
    let rest = match extra {
        Some(extra) => {
            let extra = format_ident!("{}", extra);
            quote! { self.#extra.insert(key.into_owned(), map.next_value()?); }
        }
        None => quote! { map.next_value::<serde::de::IgnoredAny>()?; },
    };
    let body = if s.fields.is_empty() {
        quote! { #rest }
    } else {
        quote! {
            match key.as_str() {
                #(#arms)*
                _ => { #rest }
            }
        }
    };
    let wire_name = name.to_string();
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::codec::lenient_struct(deserializer)
            }
        }
        impl crate::codec::LenientStruct for #name {
            const NAME: &'static str = #wire_name;
            fn member<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: crate::codec::Key<'de>,
                map: &mut A,
            ) -> Result<(), A::Error> {
                #body
                Ok(())
            }
        }
    }
}

/// The single wire value of a one-variant string enum type, with its variant name.
fn constant_of<'a>(api: &'a Api, t: &TypeRef) -> Option<&'a str> {
    let TypeRef::Named(n) = t else { return None };
    match &api.types.get(n)?.kind {
        TypeKind::Enum(e) if e.variants.len() == 1 => Some(e.variants[0].rust_name.as_str()),
        _ => None,
    }
}

/// `new(required...)` for a strict (request) struct: required constant fields (single-value enums,
/// such as a union tag) are filled in; optional fields start as `None`.
fn constructor(
    api: &Api,
    name: &proc_macro2::Ident,
    s: &Struct,
    extra: Option<&str>,
) -> TokenStream {
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for f in &s.fields {
        let ident = format_ident!("{}", f.rust_name);
        let required = f.required && !f.nullable;
        if !f.required {
            inits.push(quote! { #ident: None, });
            continue;
        }
        if let Some(variant) = constant_of(api, &f.ty) {
            let ty = rust_type(&f.ty, &quote!());
            let variant = format_ident!("{}", variant);
            let value = if f.boxed {
                quote!(Box::new(#ty::#variant))
            } else {
                quote!(#ty::#variant)
            };
            inits.push(if required {
                quote! { #ident: #value, }
            } else {
                quote! { #ident: Some(#value), }
            });
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
    quote! {
        impl #name {
            /// A value with the required fields; constant fields are filled in and optional fields are `None`.
            #too_many
            pub fn new(#(#args)*) -> Self {
                Self { #(#inits)* #extra }
            }
        }
    }
}

fn enum_item(name: &proc_macro2::Ident, doc: TokenStream, e: &StringEnum) -> TokenStream {
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
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know; kept verbatim.
            Unknown(String),
        }
        impl #name {
            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self { #(#to_wire)* Self::Unknown(other) => other.as_str() }
            }
            /// The variant for a wire value (`Unknown` for values this crate does not know).
            pub fn from_wire(value: &str) -> Self {
                match value { #(#from_wire)* other => Self::Unknown(other.to_string()) }
            }
        }
        crate::codec::string_enum!(#name);
    }
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
        let ident = format_ident!("{}", v.rust_name);
        let value = if v.boxed {
            quote!(Box::new(value))
        } else {
            quote!(value)
        };
        quote! {
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#ident(#value)
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

fn untagged_union(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    u: &Union,
    lenient: bool,
) -> TokenStream {
    let variants = u.variants.iter().map(|v| {
        let ident = format_ident!("{}", v.rust_name);
        let vdoc = docs::attrs(&v.docs, &format!("`{}` variant.", v.rust_name));
        if v.rust_name == "Null" && v.tag_value.is_none() && v.ty == TypeRef::Json {
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
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name { #(#variants)* #other }
    }
}

fn tagged_union(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    u: &Union,
    lenient: bool,
) -> TokenStream {
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
        let ident = format_ident!("{}", v.rust_name);
        let value = v.tag_value.clone().unwrap_or_default();
        quote! { Some(#value) => crate::codec::from_value(value).map(Self::#ident), }
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
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name { #(#variants)* #unknown_variant }
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self { #(#ser)* #unknown_ser }
            }
        }
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value: serde_json::Value = serde::Deserialize::deserialize(deserializer)?;
                let tag = crate::codec::tag_of(&value, #tag);
                match tag.as_deref() { #(#de)* #fallback }
            }
        }
    }
}
