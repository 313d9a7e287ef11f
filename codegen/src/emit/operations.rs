//! Operations -> one accessor struct per tag and one request builder per operation. Builders are thin:
//! they fill a `RequestParts` and hand it to the runtime's single, non-generic send path.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::types::rust_type;
use crate::ir::{
    Api, Docs, FieldStep, Operation, PageKind, Pagination, ParamLocation, Parameter, ResponseBody,
    TypeKind, TypeRef,
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
            let (m, b) = operation(api, op, &accessor, &op.builder);
            methods.push(m);
            builders.push(b);
        }
        let doc = format!(" Operations tagged `{tag}` (Intercom API {}).", api.version);
        let accessor_doc =
            format!(" Operations tagged `{tag}`. Get it from [`super::Api::{module}`].");
        let tokens = quote! {
            #![doc = #doc]
            #[allow(unused_imports)]
            use crate::runtime::{CallOptions, Client, Error, RequestParts, Response};
            #[allow(unused_imports)]
            use super::super::models;

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

fn operation(
    api: &Api,
    op: &Operation,
    accessor: &str,
    builder: &str,
) -> (TokenStream, TokenStream) {
    let builder_ident = format_ident!("{}", builder);
    let method_ident = format_ident!("{}", op.method_name);
    let http = &op.http_method;
    let route = format!("`{http} {}`", op.path);
    let route_doc = format!(" {route} (operationId `{}`).", op.operation_id);
    let method_doc = super::op_docs::head(op, &format!("`{}`", op.operation_id), &route_doc);
    let example_doc = super::op_docs::example(api, op);
    let deprecated_doc = op
        .deprecated
        .then(|| quote!(#[doc = ""] #[doc = " **Deprecated** in the spec."]));
    // An operation whose spec requires another `Intercom-Version` than its module's sends that one.
    let (version, version_doc) = match &op.api_version {
        Some(v) => {
            let doc = format!(
                " Sends `Intercom-Version: {v}` (the only value its spec allows), not the module's `{}`.",
                api.version
            );
            (quote!(#v), quote!(#[doc = ""] #[doc = #doc]))
        }
        None => (quote!(super::super::VERSION), TokenStream::new()),
    };

    let params: Vec<&Parameter> = op
        .parameters
        .iter()
        .filter(|p| p.location != ParamLocation::Header)
        .collect();
    let mut fields = Vec::new();
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for p in &params {
        let ident = format_ident!("{}", p.rust_name);
        let shape = param_shape(p);
        let field_ty = &shape.field_ty;
        let arg_ty = &shape.arg_ty;
        let convert = if shape.into {
            quote!(value.into())
        } else {
            quote!(value)
        };
        if p.required {
            fields.push(quote! { #ident: #field_ty, });
            args.push(quote! { #ident: #arg_ty, });
            inits.push(if shape.into {
                quote! { #ident: #ident.into(), }
            } else {
                quote! { #ident, }
            });
        } else {
            fields.push(quote! { #ident: Option<#field_ty>, });
            inits.push(quote! { #ident: None, });
            let pdoc = docs::attrs(
                &p.docs,
                &format!("Sets the `{}` {} parameter.", p.name, p.location.as_str()),
            );
            setters.push(quote! {
                #pdoc
                pub fn #ident(mut self, value: #arg_ty) -> Self {
                    self.#ident = Some(#convert);
                    self
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let ty = rust_type(&body.ty, &quote!(models::));
        if body.required {
            fields.push(quote! { body: #ty, });
            args.push(quote! { body: impl Into<#ty>, });
            inits.push(quote! { body: body.into(), });
        } else {
            fields.push(quote! { body: Option<#ty>, });
            inits.push(quote! { body: None, });
            setters.push(quote! {
                /// Sets the request body.
                pub fn body(mut self, value: impl Into<#ty>) -> Self {
                    self.body = Some(value.into());
                    self
                }
            });
        }
    }

    // An implied page (no declared paging parameter): a private field, sent as a query parameter.
    let implied_field = match op.pagination.as_ref().map(|p| &p.kind) {
        Some(PageKind::Implied { .. }) => {
            let mut taken: BTreeSet<String> = ["client", "body", "options"]
                .iter()
                .map(|s| s.to_string())
                .chain(params.iter().map(|p| p.rust_name.clone()))
                .collect();
            Some(naming::claim(&mut taken, "implied_page", &["_"]))
        }
        _ => None,
    };
    let implied_stmt = implied_field.as_ref().map(|f| {
        let ident = format_ident!("{}", f);
        fields.push(quote! { #ident: Option<crate::runtime::pagination::ImpliedPage>, });
        inits.push(quote! { #ident: None, });
        quote! { if let Some(page) = &self.#ident { page.push_query(&mut parts); } }
    });

    // Path: literal chunks and percent-encoded parameters.
    let mut path_stmts = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        let lit = &rest[..open];
        if !lit.is_empty() {
            path_stmts.push(quote! { parts.push_path(#lit); });
        }
        let name = &rest[open + 1..close];
        match params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.name == name)
        {
            Some(p) => {
                let ident = format_ident!("{}", p.rust_name);
                if api.resolve_alias(&p.ty) == &TypeRef::String {
                    path_stmts.push(quote! { parts.push_path_param(&self.#ident); });
                } else if matches!(api.resolve_alias(&p.ty), TypeRef::Named(_)) {
                    path_stmts.push(quote! { parts.push_path_param(self.#ident.as_str()); });
                } else {
                    path_stmts.push(quote! { parts.push_path_param(&self.#ident.to_string()); });
                }
            }
            None => {
                let lit = &rest[open..=close];
                path_stmts.push(quote! { parts.push_path(#lit); });
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        path_stmts.push(quote! { parts.push_path(#rest); });
    }
    let query_stmts: Vec<TokenStream> = params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let ident = format_ident!("{}", p.rust_name);
            if p.required {
                let inner = push_query(api, &p.name, &p.ty, quote!(value), p.exploded_object);
                quote! { { let value = &self.#ident; #inner } }
            } else {
                let inner = push_query(api, &p.name, &p.ty, quote!(value), p.exploded_object);
                quote! { if let Some(value) = &self.#ident { #inner } }
            }
        })
        .collect();
    let body_stmt = op.body.as_ref().map(|b| {
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
    });

    // No 2xx but a 3xx: the redirect (status and `Location`) is the result.
    let declared_redirect = op.declares_redirect();
    let (ret, decode) = match op.success().map(|r| &r.body) {
        // An array body also decodes from an object wrapping one array (`{"type": "list", ..}`).
        Some(body @ ResponseBody::Json(t)) if body.json_array_item(api).is_some() => (
            rust_type(t, &quote!(models::)),
            quote!(crate::runtime::decode_json_array),
        ),
        Some(ResponseBody::Json(t)) => (
            rust_type(t, &quote!(models::)),
            quote!(crate::runtime::decode_json),
        ),
        Some(ResponseBody::Empty) => (quote!(()), quote!(crate::runtime::decode_empty)),
        Some(ResponseBody::Text(_)) => (quote!(String), quote!(crate::runtime::decode_text)),
        Some(ResponseBody::Bytes(_)) => {
            (quote!(bytes::Bytes), quote!(crate::runtime::decode_bytes))
        }
        None if declared_redirect => (
            quote!(crate::Redirect),
            quote!(crate::runtime::decode_redirect),
        ),
        None => (
            quote!(serde_json::Value),
            quote!(crate::runtime::decode_json),
        ),
    };
    let redirect_stmt = declared_redirect.then(|| quote! { parts.set_redirect_declared(); });
    let accept = match op.success().map(|r| &r.body) {
        Some(ResponseBody::Bytes(media) | ResponseBody::Text(media)) => {
            // `Accept` is `&'static str`: a literal from the spec.
            Some(quote! { parts.set_accept(#media); })
        }
        _ => None,
    };
    let send_as = send_as_methods(op);
    let headers_doc = response_headers_doc(op);
    let method = format_ident!("{}", http.to_uppercase());
    let path_template = &op.path;
    // A `POST .../search` only reads (Intercom's searches take their query as a body): retried
    // on 5xx and transport errors like a `GET`.
    let read_only = (http.eq_ignore_ascii_case("post") && op.path.ends_with("/search"))
        .then(|| quote! { parts.set_read_only(); });
    // A scroll: Intercom advances its position with every call, so a failed call is not retried
    // (a retry after the server advanced would skip a page).
    let stateful = op
        .pagination
        .as_ref()
        .is_some_and(|p| matches!(p.kind, PageKind::Scroll { .. }))
        .then(|| quote! { parts.set_stateful(); });
    let pagination = op
        .pagination
        .as_ref()
        .map(|p| pagination_methods(p, implied_field.as_deref()));

    let method_tokens = quote! {
        #method_doc
        #version_doc
        #headers_doc
        #deprecated_doc
        #example_doc
        pub fn #method_ident(&self, #(#args)*) -> #builder_ident {
            #builder_ident { client: self.client.clone(), #(#inits)* extra: Default::default() }
        }
    };
    let builder_doc = format!(
        " Request builder for [`{accessor}::{}`]: {route}. Send it with [`send`](Self::send); [`OperationExt`](crate::OperationExt) adds what the spec lacks.",
        op.method_name
    );
    // `send`, `send_with_response` and `request_parts` are `inline`: like the body of an `async
    // fn`, they are compiled where an operation is sent, not for every operation in this crate.
    let builder_tokens = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #builder_ident {
            client: Client,
            #(#fields)*
            extra: crate::runtime::Extras,
        }

        impl #builder_ident {
            #(#setters)*
            #pagination

            /// Per-call options: retry attempts, retrying non-idempotent requests, timeout.
            pub fn options(mut self, options: CallOptions) -> Self {
                self.extra.set_options(options);
                self
            }

            /// Sends the request and returns the decoded body.
            #[inline]
            pub fn send(self) -> impl Future<Output = Result<#ret, Error>> + Send + 'static {
                crate::runtime::body(self.send_with_response())
            }

            /// Sends the request and returns the status, headers, rate-limit state and decoded body.
            #[inline]
            pub fn send_with_response(
                self,
            ) -> impl Future<Output = Result<Response<#ret>, Error>> + Send + 'static {
                let parts = self.request_parts();
                crate::runtime::send(self.client, parts, #decode)
            }

            #send_as

            /// The request, built before anything is sent.
            #[inline]
            fn request_parts(&self) -> Result<RequestParts, Error> {
                let mut parts = RequestParts::new(
                    crate::runtime::reqwest::Method::#method,
                    #version,
                    #path_template,
                );
                parts.set_extras(&self.extra);
                #read_only
                #stateful
                #redirect_stmt
                #(#path_stmts)*
                #(#query_stmts)*
                #implied_stmt
                #body_stmt
                #accept
                Ok(parts)
            }
        }

        impl crate::runtime::OperationExt for #builder_ident {
            #[inline]
            fn extras_mut(&mut self) -> &mut crate::runtime::Extras {
                &mut self.extra
            }
        }
    };
    (method_tokens, builder_tokens)
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
                let parts = self.request_parts().map(|mut parts| {
                    parts.set_accept(#media);
                    parts
                });
                crate::runtime::body(crate::runtime::send(self.client, parts, #decode))
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

/// `a.b.c` through `Option` fields: `page.a.as_ref().and_then(|v| v.b.as_ref()).and_then(|v| v.c.clone())`.
/// `copy`: the last field is `Copy` (an integer) and needs no `.clone()`.
fn field_path(steps: &[FieldStep], copy: bool) -> TokenStream {
    let mut tokens = quote!(page);
    for (i, step) in steps.iter().enumerate() {
        let f = format_ident!("{}", step.rust_name);
        let last = i + 1 == steps.len();
        tokens = match (i, last) {
            (0, true) if copy => quote!(#tokens.#f),
            (0, true) => quote!(#tokens.#f.clone()),
            (0, false) => quote!(#tokens.#f.as_ref()),
            (_, true) if copy => quote!(#tokens.and_then(|v| v.#f)),
            (_, true) => quote!(#tokens.and_then(|v| v.#f.clone())),
            (_, false) => quote!(#tokens.and_then(|v| v.#f.as_ref())),
        };
    }
    tokens
}

/// `pages()` and `stream()` for a paginated operation; `implied_field` is the builder's field for an
/// implied page ([`PageKind::Implied`]).
fn pagination_methods(p: &Pagination, implied_field: Option<&str>) -> TokenStream {
    let page_ty = rust_type(&p.page_ty, &quote!(models::));
    let item_ty = rust_type(&p.item_ty, &quote!(models::));
    let items = format_ident!("{}", p.items.rust_name);
    let items_alt = p
        .items_alt
        .iter()
        .map(|f| format_ident!("{}", f.rust_name))
        .map(|alt| quote!(.or(page.#alt)));
    // Statements run by `pages()` before the first call (`self` is `mut` when there are any).
    let mut prepare = TokenStream::new();
    // Guards wrapped around the page stream, innermost first: `(function, closure)`.
    let mut guards: Vec<(TokenStream, TokenStream)> = Vec::new();
    let items_ref = {
        let alts = p
            .items_alt
            .iter()
            .map(|f| format_ident!("{}", f.rust_name))
            .map(|alt| quote!(.or(page.#alt.as_ref())));
        quote!(page.#items.as_ref() #(#alts)*)
    };
    // A page without items: the end of a page-number listing.
    let empty = quote!(#items_ref.is_none_or(|items| items.is_empty()));
    let (next_key, with_key, how) = match &p.kind {
        PageKind::Cursor { setter, next } => {
            let setter = format_ident!("{}", setter);
            let next = field_path(next, false);
            (
                quote!(|page: &#page_ty| #next),
                quote!(|call: Self, key: String| call.#setter(key)),
                "the `starting_after` cursor".to_owned(),
            )
        }
        PageKind::Scroll { setter, next } => {
            let setter = format_ident!("{}", setter);
            let next = field_path(next, false);
            // A scroll ends with an empty page (its parameter then expires) and may repeat the
            // same parameter on every page.
            (
                quote!(|page: &#page_ty| if page.#items.as_ref().is_none_or(Vec::is_empty) { None } else { #next }),
                quote!(|call: Self, key: String| call.#setter(key)),
                "the `scroll_param`".to_owned(),
            )
        }

        PageKind::PageNumber {
            setter,
            page,
            total,
        } => {
            let setter = format_ident!("{}", setter);
            let current = field_path(page, true);
            let total = field_path(total, true);
            guards.push((quote!(advancing_pages), quote!(|page: &#page_ty| #current)));
            (
                quote!(|page: &#page_ty| {
                    if #empty {
                        return None;
                    }
                    let (current, total) = (#current?, #total?);
                    (current < total).then_some(current + 1)
                }),
                quote!(|call: Self, key: i64| call.#setter(key)),
                "the `page` number".to_owned(),
            )
        }
        PageKind::Implied {
            cursor,
            next_url,
            page_number,
        } => {
            let field = format_ident!("{}", implied_field.unwrap_or("implied_page"));
            let (cursor_doc, url_doc, page_doc) =
                (cursor.is_some(), next_url.is_some(), page_number.is_some());
            let none = || quote!(None);
            let cursor = cursor.as_ref().map_or_else(none, |c| field_path(c, false));
            let next_url = next_url
                .as_ref()
                .map_or_else(none, |u| field_path(u, false));
            let (current, total) = page_number.as_ref().map_or_else(
                || (none(), none()),
                |(page, total)| (field_path(page, true), field_path(total, true)),
            );
            if page_number.is_some() {
                // Followed by page number (no cursor or next URL on the page): the number must go up.
                let typed = |t: &TokenStream| {
                    if t.to_string() == "None" {
                        quote!(None::<String>)
                    } else {
                        t.clone()
                    }
                };
                let (by_cursor, by_url) = (typed(&cursor), typed(&next_url));
                guards.push((
                    quote!(advancing_pages),
                    quote!(|page: &#page_ty| {
                        let followed = #by_cursor.is_some_and(|c| !c.is_empty()) || #by_url.is_some();
                        if followed { None } else { #current }
                    }),
                ));
            }
            (
                quote!(|page: &#page_ty| {
                    crate::runtime::pagination::ImpliedPage::next(#cursor, #next_url, #current, #total)
                        .filter(|key| matches!(key, crate::runtime::pagination::ImpliedPage::Cursor(_)) || !(#empty))
                }),
                quote!(|mut call: Self, key: crate::runtime::pagination::ImpliedPage| { call.#field = Some(key); call }),
                implied_how(cursor_doc, url_doc, page_doc),
            )
        }
        PageKind::SearchBody {
            pagination_field,
            cursor_field,
            body_optional,
            empty_body,
            next,
        } => {
            if let Some(json) = empty_body {
                prepare = quote! {
                    // Without a body the cursor of page 2 would have nowhere to go.
                    if self.body.is_none() {
                        self.body = serde_json::from_str(#json).ok();
                    }
                };
            }
            let pf = format_ident!("{}", pagination_field);
            let cf = format_ident!("{}", cursor_field);
            let next = field_path(next, false);
            let set = if *body_optional {
                quote! {
                    if let Some(body) = call.body.as_mut() {
                        body.#pf.get_or_insert_with(Default::default).#cf = Some(key);
                    }
                }
            } else {
                quote! { call.body.#pf.get_or_insert_with(Default::default).#cf = Some(key); }
            };
            (
                quote!(|page: &#page_ty| #next),
                quote!(|mut call: Self, key: String| { #set call }),
                match empty_body {
                    Some(json) => format!(
                        "the body's `pagination` cursor (without a body, `{json}` is sent on every page)"
                    ),
                    None => "the body's `pagination` cursor".to_owned(),
                },
            )
        }
    };
    let mut pages_doc = format!(
        " Every page, lazily: no request is sent before the stream is polled. Follows {how}; stops at the last page or on a missing, empty or repeated cursor."
    );
    if matches!(p.kind, PageKind::Scroll { .. }) {
        pages_doc.push_str(" A failed page is not retried (but a 429) and ends the stream with [`Error::Pagination`]: Intercom may have advanced the scroll, which must restart.");
    }
    if matches!(p.kind, PageKind::PageNumber { .. }) {
        pages_doc.push_str(" A page without items is the last; a page number that does not advance ends the stream with [`Error::Pagination`].");
    }
    if p.item_id.is_some() {
        pages_doc.push_str(" A page with the same item ids as the previous one is not yielded: the stream ends with [`Error::Pagination`].");
    }
    let stream_doc = format!(
        " Every item (`{}`) of every page, lazily; cap it with [`Items::max_items`](crate::Items::max_items).",
        p.items.wire_name
    );
    let self_param = if prepare.is_empty() {
        quote!(self)
    } else {
        quote!(mut self)
    };
    if let Some(id) = &p.item_id {
        let id = format_ident!("{}", id.rust_name);
        let item_id = if p.item_nullable {
            quote!(|item| item.as_ref()?.#id.clone())
        } else {
            quote!(|item| item.#id.clone())
        };
        guards.push((
            quote!(distinct_pages),
            quote!(|page: &#page_ty| {
                #items_ref.map_or_else(Vec::new, |items| items.iter().filter_map(#item_id).collect())
            }),
        ));
    }
    let driver = match p.kind {
        PageKind::Scroll { .. } => quote!(scroll_pages),
        _ => quote!(pages),
    };
    let guarded = guards.iter().fold(
        quote!(crate::runtime::pagination::#driver(self, Self::send, #next_key, #with_key)),
        |inner, (function, closure)| quote!(crate::runtime::pagination::#function(#inner, #closure)),
    );
    quote! {
        #[doc = #pages_doc]
        // `inline`: the boxed stream instantiates the whole decode path; compile it only in the
        // programs that use this operation (about 30% of the crate's own compile time otherwise).
        #[inline]
        pub fn pages(#self_param) -> crate::Pages<#page_ty> {
            #prepare
            #guarded
        }

        #[doc = #stream_doc]
        #[inline]
        pub fn stream(self) -> crate::Items<#item_ty> {
            crate::runtime::pagination::items(self.pages(), |page: #page_ty| page.#items #(#items_alt)* .unwrap_or_default())
        }
    }
}

/// "Follows ..." for [`PageKind::Implied`]: the sources of the next page, in the order they are tried.
fn implied_how(cursor: bool, next_url: bool, page_number: bool) -> String {
    let sources: Vec<&str> = [
        (cursor, "`starting_after` from `pages.next.starting_after`"),
        (
            next_url,
            "the `starting_after` or `page` in the query of the `pages.next` URL",
        ),
        (page_number, "`page` up to `pages.total_pages`"),
    ]
    .into_iter()
    .filter_map(|(present, what)| present.then_some(what))
    .collect();
    format!(
        "the page the response implies ({}), sent as a query parameter the spec does not declare",
        sources.join(", else ")
    )
}

/// `Docs` for a tag accessor method on `Api`.
pub fn tag_docs(tag: &str) -> Docs {
    Docs {
        title: Some(format!("Operations tagged `{tag}`.")),
        description: None,
    }
}
