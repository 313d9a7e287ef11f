//! Conveniences on generated types that only save typing, derived from their shapes:
//!
//! - `From<&str>`, `From<String>`, `From<i64>`, `From<f64>`, `From<bool>` and `From<Vec<T>>` for a
//!   union with exactly one variant that takes that value (so `"open".into()` is a filter value);
//! - chainable `with_<field>(impl Into<T>)` setters for the optional fields of request structs (an
//!   array field takes any iterator of values that convert into its items), so a request is one
//!   expression: `SingleFilterSearchRequest::new().with_field("state").with_value("open")`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::types::rust_type;
use crate::ir::{Api, Struct, TypeKind, TypeRef, Union, UnionVariant, Usage};
use crate::naming;

/// The scalar kind a union variant accepts: what decides which `From<scalar>` it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Scalar {
    /// A plain `String` (not a string enum).
    Text,
    /// A string enum: a string value, but not one `From<&str>` may pick.
    Enum,
    Integer,
    Number,
    Boolean,
    /// `Vec<item>` (spelled after resolving a top-level alias).
    Array(String),
    Other,
}

fn scalar(api: &Api, v: &UnionVariant) -> Scalar {
    if super::models::is_null_variant(v) {
        return Scalar::Other;
    }
    match api.resolve_alias(&v.ty) {
        TypeRef::String => Scalar::Text,
        TypeRef::Integer => Scalar::Integer,
        TypeRef::Number => Scalar::Number,
        TypeRef::Boolean => Scalar::Boolean,
        t @ TypeRef::Array(_) => Scalar::Array(super::types::spelling(t, "")),
        TypeRef::Named(n) => match api.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => Scalar::Enum,
            _ => Scalar::Other,
        },
        _ => Scalar::Other,
    }
}

/// `From` impls for the scalar values of a union (see the module docs). A kind gets one only when
/// exactly one variant takes it: no string enum beside a `String` variant, no `f64` beside an
/// `i64`, no two variants of one array type.
pub fn scalar_from_impls(api: &Api, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let kinds: Vec<Scalar> = u.variants.iter().map(|v| scalar(api, v)).collect();
    let count = |k: &Scalar| kinds.iter().filter(|x| *x == k).count();
    let mut out = TokenStream::new();
    for (v, kind) in u.variants.iter().zip(&kinds) {
        let wrap = |value: TokenStream| super::models::variant_value(v, value);
        let alone = count(kind) == 1;
        let impls: Vec<(TokenStream, TokenStream)> = match kind {
            Scalar::Text if alone && count(&Scalar::Enum) == 0 => vec![
                (quote!(&str), wrap(quote!(value.to_owned()))),
                (quote!(String), wrap(quote!(value))),
            ],
            Scalar::Integer if alone && count(&Scalar::Number) == 0 => {
                vec![(quote!(i64), wrap(quote!(value)))]
            }
            Scalar::Number if alone && count(&Scalar::Integer) == 0 => {
                vec![(quote!(f64), wrap(quote!(value)))]
            }
            Scalar::Boolean if alone => vec![(quote!(bool), wrap(quote!(value)))],
            Scalar::Array(_) if alone => {
                let ty = rust_type(api.resolve_alias(&v.ty), &quote!());
                vec![(ty, wrap(quote!(value)))]
            }
            _ => Vec::new(),
        };
        for (ty, value) in impls {
            let doc = format!(" The `{}` variant.", v.rust_name);
            out.extend(quote! {
                impl From<#ty> for #name {
                    #[doc = #doc]
                    fn from(value: #ty) -> Self {
                        #value
                    }
                }
            });
        }
    }
    out
}

/// The fields of a request (strict) struct users set: all but its constant members.
fn settable(s: &Struct) -> impl Iterator<Item = &crate::ir::Field> {
    s.fields.iter().filter(|f| f.constant.is_none())
}

/// How docs spell the arguments of `new`: `..` when it takes any, else nothing.
fn new_args(s: &Struct) -> &'static str {
    if settable(s).any(|f| f.required) {
        ".."
    } else {
        ""
    }
}

/// `with_<field>` setters for the optional fields of a request (strict) struct; nothing for
/// response types, which are read rather than built.
pub fn with_setters(name: &proc_macro2::Ident, s: &Struct, usage: Usage) -> TokenStream {
    if usage.lenient() {
        return TokenStream::new();
    }
    let args = new_args(s);
    let mut taken = BTreeSet::new();
    let setters = settable(s).filter(|f| !f.required).map(|f| {
        let field = format_ident!("{}", f.rust_name);
        let setter = format_ident!(
            "{}",
            naming::claim(&mut taken, &naming::setter_name(&f.rust_name), &["_"])
        );
        let doc = format!(
            " Sets `{}` (to `Some`), builder style: `{name}::new({args}).{setter}(..)`.",
            f.wire_name.replace('`', "'")
        );
        let (arg, value) = match &f.ty {
            TypeRef::Array(item) if !f.boxed => {
                let item = rust_type(item, &quote!());
                (
                    quote!(impl IntoIterator<Item = impl Into<#item>>),
                    quote!(value.into_iter().map(Into::into).collect()),
                )
            }
            t => {
                let ty = rust_type(t, &quote!());
                let value = if f.boxed {
                    quote!(Box::new(value.into()))
                } else {
                    quote!(value.into())
                };
                (quote!(impl Into<#ty>), value)
            }
        };
        quote! {
            #[doc = #doc]
            pub fn #setter(mut self, value: #arg) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    });
    let setters: Vec<TokenStream> = setters.collect();
    if setters.is_empty() {
        return TokenStream::new();
    }
    quote! {
        impl #name {
            #(#setters)*
        }
    }
}

/// The doc lines of `new` on setting optional fields: the `with_*` setters, or struct update
/// syntax over `new` (a struct with required members has no `Default`).
pub fn new_pattern_doc(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let Some(f) = settable(s).find(|f| !f.required) else {
        return TokenStream::new();
    };
    let args = new_args(s);
    let setter = naming::setter_name(&f.rust_name);
    let line = format!(
        " Optional fields: `{name}::new({args}).{setter}(..)`, or `{name} {{ {}: Some(..), ..{name}::new({args}) }}`.",
        f.rust_name
    );
    quote! { #[doc = ""] #[doc = #line] }
}
