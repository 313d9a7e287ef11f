//! Structs: the type, its `new` for strict (request) types, and its codec impls
//! (`crate::codec::ObjectWriter`, `crate::codec::StructDecode`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::docs;
use crate::emit::types::{field_type, rust_type};
use crate::ir::{Field, Struct, TypeRef, Usage};

/// The struct being emitted: its name, shape, usage and the name of its undeclared-members map.
#[derive(Clone, Copy)]
struct Target<'a> {
    name: &'a proc_macro2::Ident,
    s: &'a Struct,
    usage: Usage,
    extra: Option<&'a str>,
}

/// A struct's item (the type, `new` for a strict one, `with_` setters) and codec impls.
pub(super) fn struct_item(
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
    let target = Target {
        name,
        s,
        usage,
        extra: extra_name,
    };
    let serialize = struct_serialize(&target);
    let deserialize = struct_deserialize(&target);
    let constructor = (!lenient).then(|| constructor(name, s, extra_name));
    let setters = crate::emit::ergonomics::with_setters(name, s, usage);
    let item = quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name { #(#fields)* }
        #constructor
        #setters
    };
    (item, quote! { #serialize #deserialize })
}

/// `string` fields also accept numbers (kept as their text): Intercom sends numeric ids as either.
fn lenient_string(f: &Field) -> bool {
    f.ty == TypeRef::String && !f.boxed
}

/// `Serialize` through `crate::codec::ObjectWriter`: optional members are skipped when `None`,
/// required ones are always written (`null` for a required nullable field), undeclared members last.
fn struct_serialize(t: &Target<'_>) -> TokenStream {
    let (name, s, usage, extra) = (t.name, t.s, t.usage, t.extra);
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
fn struct_deserialize(t: &Target<'_>) -> TokenStream {
    let (name, s, usage, extra) = (t.name, t.s, t.usage, t.extra);
    let lenient = usage.lenient();
    let mut m = member_decoders(s, usage);
    let rest = undeclared_member(s, lenient, extra, &mut m);
    let Members {
        slots,
        arms,
        inits,
        checks,
    } = m;
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
    deserialize_impl(name, decode, lenient, &slots)
}

/// `Deserialize` through `crate::codec::decode_struct`, beside the `StructDecode` impl `decode`;
/// a strict struct's `Slots` type is private, scoped with that impl.
fn deserialize_impl(
    name: &proc_macro2::Ident,
    decode: TokenStream,
    lenient: bool,
    slots: &[TokenStream],
) -> TokenStream {
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

/// The pieces of a `StructDecode` impl, one entry per declared member.
#[derive(Default)]
struct Members {
    /// Fields of the private `Slots` type (strict structs).
    slots: Vec<TokenStream>,
    /// `"wire" => fill the slot` arms.
    arms: Vec<TokenStream>,
    /// `field: value` initializers of `Self` from the slots (strict structs).
    inits: Vec<TokenStream>,
    /// Checks that required members without a field were present (strict structs).
    checks: Vec<TokenStream>,
}

/// How each declared member is decoded: straight into the struct (lenient), or into a slot that
/// `finish` checks (strict); a strict constant member is checked, not stored.
fn member_decoders(s: &Struct, usage: Usage) -> Members {
    let lenient = usage.lenient();
    let mut m = Members::default();
    for f in &s.fields {
        let ident = format_ident!("{}", f.rust_name);
        let wire = &f.wire_name;
        if let (Some(c), false) = (&f.constant, lenient) {
            // Not stored: checked (the constant or `null`) and, when required, present.
            m.slots.push(quote! { #ident: Option<()>, });
            m.arms.push(
                quote! { #wire => crate::codec::fill_constant(&mut slots.#ident, #wire, #c, map), },
            );
            if f.required {
                m.checks
                    .push(quote! { crate::codec::missing::<(), E>(slots.#ident, #wire)?; });
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
            m.arms
                .push(quote! { #wire => #set(&mut slots.#ident, map), });
            continue;
        }
        let ty = field_type(f, usage);
        m.slots.push(quote! { #ident: Option<#ty>, });
        let fill = match (lenient_string(f), f.is_option(usage)) {
            (true, true) => quote!(crate::codec::fill_opt_string),
            (true, false) => quote!(crate::codec::fill_string),
            (false, _) => quote!(crate::codec::fill),
        };
        m.arms
            .push(quote! { #wire => #fill(&mut slots.#ident, #wire, map), });
        m.inits.push(if f.required {
            // Required (nullable or not): the member must be present.
            quote! { #ident: crate::codec::missing(slots.#ident, #wire)?, }
        } else {
            quote! { #ident: slots.#ident.flatten(), }
        });
    }
    m
}

/// What a member the spec does not declare becomes: kept in the extra map (a strict struct gets
/// a slot for it), skipped (lenient without one), or an error naming the known members.
fn undeclared_member(
    s: &Struct,
    lenient: bool,
    extra: Option<&str>,
    m: &mut Members,
) -> TokenStream {
    match extra {
        Some(extra) => {
            let extra = format_ident!("{}", extra);
            if !lenient {
                let ty = match &s.additional {
                    Some(t) => rust_type(t, &quote!()),
                    None => quote!(serde_json::Value),
                };
                m.slots
                    .push(quote! { #extra: std::collections::BTreeMap<String, #ty>, });
                m.inits.push(quote! { #extra: slots.#extra, });
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
    let pattern = crate::emit::ergonomics::new_pattern_doc(name, s);
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
