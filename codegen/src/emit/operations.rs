//! Operations -> one accessor struct per tag and one request builder per operation. Builders only
//! describe their request: `impl crate::runtime::Operation` (the parts, the decoder) and, for a
//! list, `impl crate::runtime::Paginated` (accessors to the page's items and cursor fields, in
//! `pagination.rs`); sending, options, escape hatches and streams are the runtime's.

mod pagination;

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::types::rust_type;
use crate::ir::{
    Api, Docs, Operation, ParamLocation, Parameter, ResponseBody, RetryClass, TypeKind, TypeRef,
};
use crate::naming;

/// One tag's operations: the accessor struct's name and the file's tokens.
pub struct TagFile {
    /// Module (file) name.
    pub module: String,
    /// Accessor struct name.
    pub accessor: String,
    /// Tag as written in the spec.
    pub tag: String,
    /// File contents (tokens).
    pub tokens: TokenStream,
}

/// Groups operations by first tag and emits one file per tag.
pub fn tag_files(api: &Api) -> Vec<TagFile> {
    let mut by_tag: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        by_tag.entry(op.tag.clone()).or_default().push(op);
    }
    let mut out = Vec::new();
    for (tag, ops) in by_tag {
        // Module, accessor and builder names are decided by `lower::placement`.
        let module = ops.first().map(|o| o.module.clone()).unwrap_or_default();
        let accessor = ops.first().map(|o| o.accessor.clone()).unwrap_or_default();
        let accessor_ident = format_ident!("{}", accessor);
        let mut methods = Vec::new();
        let mut builders = Vec::new();
        for op in ops {
            let (m, b) = operation(api, op, &accessor);
            methods.push(m);
            builders.push(b);
        }
        let doc = format!(" Operations tagged `{tag}` (Intercom API {}).", api.version);
        let accessor_doc =
            format!(" Operations tagged `{tag}`. Get it from [`super::Api::{module}`].");
        let tokens = quote! {
            #![doc = #doc]
            #[allow(unused_imports)]
            use crate::runtime::{CallState, Client, Error, Method, RequestParts};
            #[allow(unused_imports)]
            use super::super::{VERSION, models};

            #[doc = #accessor_doc]
            #[derive(Debug, Clone)]
            pub struct #accessor_ident {
                client: Client,
            }

            impl #accessor_ident {
                pub(crate) fn new(client: Client) -> Self {
                    Self { client }
                }
                #(#methods)*
            }

            #(#builders)*
        };
        out.push(TagFile {
            module,
            accessor,
            tag,
            tokens,
        });
    }
    out
}

/// How a parameter is held and passed.
struct ParamShape {
    /// Field type in the builder.
    field_ty: TokenStream,
    /// Argument type (required) or setter type (optional).
    arg_ty: TokenStream,
    /// The argument needs `.into()` to become the field value.
    into: bool,
}

fn param_shape(p: &Parameter) -> ParamShape {
    let ty = rust_type(&p.ty, &quote!(models::));
    if p.ty == TypeRef::String {
        ParamShape {
            field_ty: quote!(String),
            arg_ty: quote!(impl Into<String>),
            into: true,
        }
    } else {
        ParamShape {
            field_ty: ty.clone(),
            arg_ty: ty,
            into: false,
        }
    }
}

/// Statements that push query parameter `name` with value expression `v` (a reference).
fn push_query(api: &Api, name: &str, ty: &TypeRef, v: TokenStream, exploded: bool) -> TokenStream {
    match api.resolve_alias(ty) {
        TypeRef::String => quote! { parts.push_query(#name, #v.clone()); },
        TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => {
            quote! { parts.push_query(#name, #v.to_string()); }
        }
        TypeRef::Array(item) => {
            let inner = push_query(api, name, item, quote!(item), false);
            quote! { for item in #v.iter() { #inner } }
        }
        TypeRef::Nullable(inner) => {
            let inner = push_query(api, name, inner, quote!(inner), exploded);
            quote! { if let Some(inner) = #v.as_ref() { #inner } }
        }
        TypeRef::Named(n) => match api.types.get(n).map(|d| &d.kind) {
            Some(TypeKind::Enum(_)) => quote! { parts.push_query(#name, #v.as_str().to_string()); },
            _ if exploded => quote! {
                for (key, value) in crate::codec::query_object(#v)? { parts.push_query(&key, value); }
            },
            _ => quote! { parts.push_query(#name, crate::codec::query_json(#v)?); },
        },
        _ if exploded => quote! {
            for (key, value) in crate::codec::query_object(#v)? { parts.push_query(&key, value); }
        },
        _ => quote! { parts.push_query(#name, crate::codec::query_json(#v)?); },
    }
}

/// An operation's accessor method and its builder (struct, setters, `impl Operation`, and
/// `impl Paginated` when it returns a page).
fn operation(api: &Api, op: &Operation, accessor: &str) -> (TokenStream, TokenStream) {
    let inputs = Inputs::of(op);
    let implied_field = pagination::implied_field(op, &inputs.params);
    let mut parts = BuilderParts::new(op, &inputs);
    if let Some(field) = &implied_field {
        let ident = format_ident!("{}", field);
        parts
            .fields
            .push(quote! { #ident: Option<crate::runtime::pagination::ImpliedPage>, });
        parts.inits.push(quote! { #ident: None, });
    }
    let method = accessor_method(api, op, &parts);
    let builder = builder(api, op, accessor, &parts, implied_field.as_deref());
    (method, builder)
}

/// The parameters a builder holds (header parameters are sent by the runtime or not at all).
struct Inputs<'a> {
    params: Vec<&'a Parameter>,
}

impl<'a> Inputs<'a> {
    fn of(op: &'a Operation) -> Self {
        Inputs {
            params: op
                .parameters
                .iter()
                .filter(|p| p.location != ParamLocation::Header)
                .collect(),
        }
    }
}

/// A builder's fields, the accessor method's arguments and initializers, and the optional setters.
struct BuilderParts {
    fields: Vec<TokenStream>,
    args: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    setters: Vec<TokenStream>,
}

impl BuilderParts {
    fn new(op: &Operation, inputs: &Inputs<'_>) -> Self {
        let mut parts = BuilderParts {
            fields: Vec::new(),
            args: Vec::new(),
            inits: Vec::new(),
            setters: Vec::new(),
        };
        for p in &inputs.params {
            parts.param(p);
        }
        if let Some(body) = &op.body {
            parts.body(body);
        }
        parts
    }

    /// A required parameter is an argument; an optional one a setter.
    fn param(&mut self, p: &Parameter) {
        let ident = format_ident!("{}", p.rust_name);
        let shape = param_shape(p);
        let (field_ty, arg_ty) = (&shape.field_ty, &shape.arg_ty);
        if p.required {
            self.fields.push(quote! { #ident: #field_ty, });
            self.args.push(quote! { #ident: #arg_ty, });
            self.inits.push(if shape.into {
                quote! { #ident: #ident.into(), }
            } else {
                quote! { #ident, }
            });
            return;
        }
        let convert = if shape.into {
            quote!(value.into())
        } else {
            quote!(value)
        };
        self.fields.push(quote! { #ident: Option<#field_ty>, });
        self.inits.push(quote! { #ident: None, });
        let pdoc = docs::attrs(
            &p.docs,
            &format!("Sets the `{}` {} parameter.", p.name, p.location.as_str()),
        );
        self.setters.push(quote! {
            #pdoc
            pub fn #ident(mut self, value: #arg_ty) -> Self {
                self.#ident = Some(#convert);
                self
            }
        });
    }

    /// A required body is an argument; an optional one the `body` setter.
    fn body(&mut self, body: &crate::ir::Body) {
        let ty = rust_type(&body.ty, &quote!(models::));
        if body.required {
            self.fields.push(quote! { body: #ty, });
            self.args.push(quote! { body: impl Into<#ty>, });
            self.inits.push(quote! { body: body.into(), });
        } else {
            self.fields.push(quote! { body: Option<#ty>, });
            self.inits.push(quote! { body: None, });
            self.setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, value: impl Into<#ty>) -> Self {
                    self.body = Some(value.into());
                    self
                }
            });
        }
    }
}

/// `` `METHOD /path` ``, as the docs print it.
fn route(op: &Operation) -> String {
    format!("`{} {}`", op.http_method, op.path)
}

/// The accessor's method that makes the builder, with the operation's docs and example.
fn accessor_method(api: &Api, op: &Operation, parts: &BuilderParts) -> TokenStream {
    let builder_ident = format_ident!("{}", op.builder);
    let method_ident = format_ident!("{}", op.method_name);
    let route_doc = format!(" {} (operationId `{}`).", route(op), op.operation_id);
    let method_doc = super::op_docs::head(op, &format!("`{}`", op.operation_id), &route_doc);
    let example_doc = super::op_docs::example(api, op);
    let deprecated_doc = op
        .deprecated
        .then(|| quote!(#[doc = ""] #[doc = " **Deprecated** in the spec."]));
    // An operation whose spec requires another `Intercom-Version` than its module's sends that one.
    let version_doc = op.api_version.as_ref().map(|v| {
        let doc = format!(
            " Sends `Intercom-Version: {v}` (the only value its spec allows), not the module's `{}`.",
            api.version
        );
        quote!(#[doc = ""] #[doc = #doc])
    });
    let headers_doc = response_headers_doc(op);
    let (args, inits) = (&parts.args, &parts.inits);
    quote! {
        #method_doc
        #version_doc
        #headers_doc
        #deprecated_doc
        #example_doc
        pub fn #method_ident(&self, #(#args)*) -> #builder_ident {
            #builder_ident { call: CallState::new(self.client.clone()), #(#inits)* }
        }
    }
}

/// The builder struct, its setters (and `send_as_*`), `impl Operation` and `impl Paginated`.
fn builder(
    api: &Api,
    op: &Operation,
    accessor: &str,
    parts: &BuilderParts,
    implied_field: Option<&str>,
) -> TokenStream {
    let builder_ident = format_ident!("{}", op.builder);
    let paginated = if op.pagination.is_some() {
        " Page through it with [`pages`](crate::Paginated::pages) or [`stream`](crate::Paginated::stream)."
    } else {
        ""
    };
    let builder_doc = format!(
        " Request builder for [`{accessor}::{}`]: {}. Send it with [`send`](crate::Operation::send); [`Operation`](crate::Operation) also sets per-call options and adds what the spec lacks.{paginated}",
        op.method_name,
        route(op)
    );
    let fields = &parts.fields;
    let setters = &parts.setters;
    let send_as = send_as_methods(op);
    let inherent = (!setters.is_empty() || !send_as.is_empty()).then(|| {
        quote! {
            impl #builder_ident {
                #(#setters)*
                #send_as
            }
        }
    });
    let operation_impl = operation_impl(api, op, implied_field);
    let paginated_impl = op
        .pagination
        .as_ref()
        .map(|p| pagination::paginated_impl(op, p, implied_field));
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #builder_ident {
            call: CallState,
            #(#fields)*
        }

        #inherent
        #operation_impl
        #paginated_impl
    }
}

/// The decoded success type (its one spelling, [`super::types::return_spelling`]) and its decoder.
fn output(api: &Api, op: &Operation) -> (TokenStream, TokenStream) {
    let ty = super::types::lex(&super::types::return_spelling(op, "models::", "crate"));
    let decode = match op.success().map(|r| &r.body) {
        // An array body also decodes from an object wrapping one array (`{"type": "list", ..}`).
        Some(body @ ResponseBody::Json(_)) if body.json_array_item(api).is_some() => {
            quote!(crate::runtime::decode_json_array)
        }
        Some(ResponseBody::Json(_)) => quote!(crate::runtime::decode_json),
        Some(ResponseBody::Empty) => quote!(crate::runtime::decode_empty),
        Some(ResponseBody::Text(_)) => quote!(crate::runtime::decode_text),
        Some(ResponseBody::Bytes(_)) => quote!(crate::runtime::decode_bytes),
        // No 2xx but a 3xx: the redirect (status and `Location`) is the result.
        None if op.declares_redirect() => quote!(crate::runtime::decode_redirect),
        None => quote!(crate::runtime::decode_json),
    };
    (ty, decode)
}

/// `impl Operation`: the output, its decoder and the request.
fn operation_impl(api: &Api, op: &Operation, implied_field: Option<&str>) -> TokenStream {
    let builder_ident = format_ident!("{}", op.builder);
    let (ret, decode) = output(api, op);
    let request = request_body(api, op, implied_field);
    // `call_mut` and `request` are `inline`: like the body of an `async fn`, they are compiled
    // where an operation is sent, not for every operation in this crate.
    quote! {
        impl crate::runtime::Operation for #builder_ident {
            type Output = #ret;
            const DECODE: crate::runtime::Decoder<Self::Output> = #decode;
            #[inline]
            fn call_mut(&mut self) -> &mut CallState {
                &mut self.call
            }
            #[inline]
            fn request(&self) -> Result<RequestParts, Error> {
                #request
            }
        }
    }
}

/// The statements of `Operation::request`: the parts (method, version, path), retry class, query,
/// implied page, body and `Accept`.
fn request_body(api: &Api, op: &Operation, implied_field: Option<&str>) -> TokenStream {
    let start = request_start(api, op);
    let retry = match op.retry {
        RetryClass::Method => None,
        RetryClass::Read => Some(quote! { parts.set_read_only(); }),
        RetryClass::Stateful => Some(quote! { parts.set_stateful(); }),
    };
    let redirect = op
        .declares_redirect()
        .then(|| quote! { parts.set_redirect_declared(); });
    let query = query_stmts(api, op);
    let implied = implied_field.map(|f| {
        let ident = format_ident!("{}", f);
        quote! { if let Some(page) = &self.#ident { page.push_query(&mut parts); } }
    });
    let body = body_stmt(op);
    let accept = match op.success().map(|r| &r.body) {
        // `Accept` is `&'static str`: a literal from the spec.
        Some(ResponseBody::Bytes(media) | ResponseBody::Text(media)) => {
            Some(quote! { parts.set_accept(#media); })
        }
        _ => None,
    };
    let rest = quote!(#retry #redirect #(#query)* #implied #body #accept);
    if rest.is_empty() {
        quote! { Ok(#start) }
    } else {
        quote! { let mut parts = #start; #rest Ok(parts) }
    }
}

/// A piece of a path template: the literal before a placeholder, the placeholder (`{id}`) and its
/// path parameter, if declared.
type PathChunk<'p> = (&'p str, &'p str, Option<&'p Parameter>);

/// The path as chunks, and the literal after the last placeholder.
fn path_chunks<'p>(path: &'p str, params: &[&'p Parameter]) -> (Vec<PathChunk<'p>>, &'p str) {
    let mut chunks = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        let name = &rest[open + 1..close];
        let param = params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name)
            .copied();
        chunks.push((&rest[..open], &rest[open..=close], param));
        rest = &rest[close + 1..];
    }
    (chunks, rest)
}

/// The `RequestParts` of the call: method, version and path (filled with its parameters).
fn request_start(api: &Api, op: &Operation) -> TokenStream {
    let method = format_ident!("{}", op.http_method.as_str());
    let version = match &op.api_version {
        Some(v) => quote!(#v),
        None => quote!(VERSION),
    };
    let template = &op.path;
    let inputs = Inputs::of(op);
    let (chunks, rest) = path_chunks(&op.path, &inputs.params);
    let value = |p: &Parameter| {
        let ident = format_ident!("{}", p.rust_name);
        match api.resolve_alias(&p.ty) {
            TypeRef::String => quote!(&self.#ident),
            TypeRef::Named(_) => quote!(self.#ident.as_str()),
            _ => quote!(&self.#ident.to_string()),
        }
    };
    if chunks.iter().all(|(_, _, p)| p.is_some()) {
        // Every placeholder is a declared parameter: the runtime fills them in order.
        let values = chunks.iter().filter_map(|(_, _, p)| p.map(value));
        return quote!(self.call.parts(Method::#method, #version, #template, &[#(#values),*]));
    }
    // A placeholder without a parameter stays as written: the segments are pushed one by one.
    let pushes = chunks.iter().map(|(lit, placeholder, p)| {
        let lit = (!lit.is_empty()).then(|| quote! { parts.push_path(#lit); });
        let param = match p {
            Some(p) => {
                let v = value(p);
                quote! { parts.push_path_param(#v); }
            }
            None => quote! { parts.push_path(#placeholder); },
        };
        quote!(#lit #param)
    });
    let rest = (!rest.is_empty()).then(|| quote! { parts.push_path(#rest); });
    quote!({
        let mut parts = self.call.unfilled_parts(Method::#method, #version, #template);
        #(#pushes)*
        #rest
        parts
    })
}

/// One statement per query parameter.
fn query_stmts(api: &Api, op: &Operation) -> Vec<TokenStream> {
    Inputs::of(op)
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let ident = format_ident!("{}", p.rust_name);
            let inner = push_query(api, &p.name, &p.ty, quote!(value), p.exploded_object);
            if p.required {
                quote! { { let value = &self.#ident; #inner } }
            } else {
                quote! { if let Some(value) = &self.#ident { #inner } }
            }
        })
        .collect()
}

/// The body statement (JSON or multipart form).
fn body_stmt(op: &Operation) -> Option<TokenStream> {
    op.body.as_ref().map(|b| {
        let set = if crate::ir::media_is_form(&b.media_type) {
            quote!(set_form_body)
        } else {
            quote!(set_json_body)
        };
        if b.required {
            quote! { parts.#set(&self.body)?; }
        } else {
            quote! { if let Some(body) = &self.body { parts.#set(body)?; } }
        }
    })
}

/// `send_as_*` for the other media types of the success response: each asks for its media type and
/// returns the body as text (`text/*`) or bytes.
fn send_as_methods(op: &Operation) -> TokenStream {
    let Some(success) = op.success() else {
        return TokenStream::new();
    };
    let mut taken: BTreeSet<String> = ["send", "send_with_response"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let methods = success.other_media.iter().filter_map(|media| {
        let name = naming::media_method(media);
        // Two spellings of one media type (`text/csv`, `text/csv; charset=utf-8`): the first wins.
        if !taken.insert(name.clone()) {
            return None;
        }
        let ident = format_ident!("{}", name);
        let (ret, decode, what) = if crate::ir::media_is_text(media) {
            (quote!(String), quote!(crate::runtime::decode_text), "text")
        } else {
            (quote!(bytes::Bytes), quote!(crate::runtime::decode_bytes), "bytes")
        };
        let doc = format!(
            " Sends the request asking for `{media}` (`Accept`), one of the other media types the response declares, and returns the body as {what}."
        );
        Some(quote! {
            #[doc = #doc]
            #[inline]
            pub fn #ident(self) -> impl Future<Output = Result<#ret, Error>> + Send + 'static {
                crate::runtime::send_as(self, #media, #decode)
            }
        })
    });
    quote!(#(#methods)*)
}

/// A doc section listing the response headers the spec declares (read them through
/// `send_with_response().headers()`, or `Error::as_api().headers()` for error responses).
fn response_headers_doc(op: &Operation) -> TokenStream {
    let lines: Vec<String> = op
        .responses
        .iter()
        .flat_map(|r| {
            r.headers.iter().map(move |(name, description)| {
                let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
                if description.is_empty() {
                    format!(" - `{name}` ({})", r.status)
                } else {
                    format!(" - `{name}` ({}): {description}", r.status)
                }
            })
        })
        .collect();
    if lines.is_empty() {
        return TokenStream::new();
    }
    let intro = " Response headers the spec declares (success: [`Response::headers`](crate::Response::headers) from `send_with_response`; errors: [`ApiError::headers`](crate::ApiError::headers) through [`Error::as_api`](crate::Error::as_api)):";
    quote! {
        #[doc = ""]
        #[doc = #intro]
        #(#[doc = #lines])*
    }
}

/// `Docs` for a tag accessor method on `Api`.
pub fn tag_docs(tag: &str) -> Docs {
    Docs {
        title: Some(format!("Operations tagged `{tag}`.")),
        description: None,
    }
}
