//! String enums: the type, `as_str`, `FromStr`, and `crate::codec::string_enum!`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ir::StringEnum;

/// A string enum: `#[non_exhaustive]` (a value added by a spec update is not a breaking change),
/// `as_str()`, `FromStr` and, through `crate::codec::string_enum!`, serde, `Display` and
/// `AsRef<str>`. An open (lenient) enum keeps values it does not know in `Unknown(UnknownValue)`
/// and parses infallibly; a request-only enum has no `Unknown` (users cannot receive what they
/// send) and its `FromStr` fails with `UnknownEnumValue`.
pub(super) fn enum_item(
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
