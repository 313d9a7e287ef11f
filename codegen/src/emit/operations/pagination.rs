//! `impl crate::runtime::Paginated` for a list operation: the runtime strategy that matches its
//! [`PageKind`] and the accessors it needs (the page's cursor fields, where the next key goes on
//! the request, the page's items and their ids). The advance and end rules are the runtime's.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::types::rust_type;
use crate::ir::{FieldStep, Operation, PageKind, Pagination, Parameter};
use crate::naming;

/// The builder's private field for an implied page ([`PageKind::Implied`]), sent as a query
/// parameter: a name no parameter takes.
pub(super) fn implied_field(op: &Operation, params: &[&Parameter]) -> Option<String> {
    let Some(PageKind::Implied { .. }) = op.pagination.as_ref().map(|p| &p.kind) else {
        return None;
    };
    let mut taken: BTreeSet<String> = ["call", "body", "options"]
        .iter()
        .map(|s| s.to_string())
        .chain(params.iter().map(|p| p.rust_name.clone()))
        .collect();
    Some(naming::claim(&mut taken, "implied_page", &["_"]))
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

/// A field path, or `None` when the page has no such field.
fn optional_path(steps: Option<&Vec<FieldStep>>, copy: bool) -> TokenStream {
    steps.map_or_else(|| quote!(None), |s| field_path(s, copy))
}

/// The page's items as `Option<&Vec<_>>` (the first of the items fields present).
fn items_ref(p: &Pagination) -> TokenStream {
    let items = format_ident!("{}", p.items.rust_name);
    let alts = p
        .items_alt
        .iter()
        .map(|f| format_ident!("{}", f.rust_name))
        .map(|alt| quote!(.or(page.#alt.as_ref())));
    quote!(page.#items.as_ref() #(#alts)*)
}

/// What the strategy of a [`PageKind`] needs: its runtime type, the type of its position and the
/// expression reading it from `page`, the key type and the body of `seek` (`self` and `key`).
struct Strategy {
    ty: TokenStream,
    position_ty: TokenStream,
    position: TokenStream,
    key_ty: TokenStream,
    seek: TokenStream,
    /// "Follows ..." in the docs.
    how: String,
}

/// The runtime's pagination module, where the strategies live.
fn rt() -> TokenStream {
    quote!(crate::runtime::pagination)
}

/// `self.<setter>(key)`: the key goes into the operation's own paging parameter.
fn setter_seek(setter: &str) -> TokenStream {
    let setter = format_ident!("{}", setter);
    quote!(self.#setter(key))
}

/// A page without items (the end of a page-number listing).
fn empty(p: &Pagination) -> TokenStream {
    let items_ref = items_ref(p);
    quote!(#items_ref.is_none_or(|items| items.is_empty()))
}

fn strategy(p: &Pagination, implied_field: Option<&str>) -> Strategy {
    let rt = rt();
    match &p.kind {
        PageKind::Cursor { setter, next } => Strategy {
            ty: quote!(#rt::Cursor),
            position_ty: quote!(Option<String>),
            position: field_path(next, false),
            key_ty: quote!(String),
            seek: setter_seek(setter),
            how: "the `starting_after` cursor".to_owned(),
        },
        PageKind::Scroll { setter, next } => scroll(p, setter, next),
        PageKind::PageNumber {
            setter,
            page,
            total,
        } => page_number(p, setter, page, total),
        PageKind::Implied {
            cursor,
            next_url,
            page_number,
        } => implied(
            p,
            cursor.as_ref(),
            next_url.as_ref(),
            page_number.as_ref(),
            implied_field,
        ),
        PageKind::SearchBody {
            pagination_field,
            cursor_field,
            body_optional,
            empty_body,
            next,
        } => search(SearchBody {
            pagination_field,
            cursor_field,
            body_optional: *body_optional,
            empty_body: empty_body.as_deref(),
            next,
        }),
    }
}

/// A scroll: whether the page has items (an empty page ends it) and its `scroll_param`.
fn scroll(p: &Pagination, setter: &str, next: &[FieldStep]) -> Strategy {
    let rt = rt();
    let items = format_ident!("{}", p.items.rust_name);
    let param = field_path(next, false);
    Strategy {
        ty: quote!(#rt::Scroll),
        position_ty: quote!(#rt::ScrollPosition),
        position: quote!(#rt::ScrollPosition {
            has_items: !page.#items.as_ref().is_none_or(Vec::is_empty),
            param: #param,
        }),
        key_ty: quote!(String),
        seek: setter_seek(setter),
        how: "the `scroll_param`".to_owned(),
    }
}

/// Page numbers: whether the page is empty, its number and the number of pages.
fn page_number(p: &Pagination, setter: &str, page: &[FieldStep], total: &[FieldStep]) -> Strategy {
    let rt = rt();
    let (current, total) = (field_path(page, true), field_path(total, true));
    let empty = empty(p);
    Strategy {
        ty: quote!(#rt::PageNumber),
        position_ty: quote!(#rt::NumberPosition),
        position: quote!(#rt::NumberPosition { empty: #empty, page: #current, total: #total }),
        key_ty: quote!(i64),
        seek: setter_seek(setter),
        how: "the `page` number".to_owned(),
    }
}

/// The page the response implies: every source the page has (the others are `None`), sent through
/// the builder's private field.
fn implied(
    p: &Pagination,
    cursor: Option<&Vec<FieldStep>>,
    next_url: Option<&Vec<FieldStep>>,
    page_number: Option<&(Vec<FieldStep>, Vec<FieldStep>)>,
    implied_field: Option<&str>,
) -> Strategy {
    let rt = rt();
    let field = format_ident!("{}", implied_field.unwrap_or("implied_page"));
    let how = implied_how(cursor.is_some(), next_url.is_some(), page_number.is_some());
    let cursor = optional_path(cursor, false);
    let next_url = optional_path(next_url, false);
    let current = optional_path(page_number.map(|(page, _)| page), true);
    let total = optional_path(page_number.map(|(_, total)| total), true);
    let empty = empty(p);
    Strategy {
        ty: quote!(#rt::Implied),
        position_ty: quote!(#rt::ImpliedPosition),
        position: quote!(#rt::ImpliedPosition {
            cursor: #cursor,
            next_url: #next_url,
            page: #current,
            total: #total,
            empty: #empty,
        }),
        key_ty: quote!(#rt::ImpliedPage),
        seek: quote!(self.#field = Some(key); self),
        how,
    }
}

/// The fields of [`PageKind::SearchBody`].
struct SearchBody<'a> {
    pagination_field: &'a str,
    cursor_field: &'a str,
    body_optional: bool,
    empty_body: Option<&'a str>,
    next: &'a [FieldStep],
}

/// A search: the page's cursor goes into the body's pagination object.
fn search(body: SearchBody<'_>) -> Strategy {
    let SearchBody {
        pagination_field,
        cursor_field,
        body_optional,
        empty_body,
        next,
    } = body;
    let rt = rt();
    let (pf, cf) = (
        format_ident!("{}", pagination_field),
        format_ident!("{}", cursor_field),
    );
    let seek = if body_optional {
        quote! {
            if let Some(body) = self.body.as_mut() {
                body.#pf.get_or_insert_with(Default::default).#cf = Some(key);
            }
            self
        }
    } else {
        quote!(self.body.#pf.get_or_insert_with(Default::default).#cf = Some(key); self)
    };
    Strategy {
        ty: quote!(#rt::SearchCursor),
        position_ty: quote!(Option<String>),
        position: field_path(next, false),
        key_ty: quote!(String),
        seek,
        how: match empty_body {
            Some(json) => format!(
                "the body's `pagination` cursor (without a body, `{json}` is sent on every page)"
            ),
            None => "the body's `pagination` cursor".to_owned(),
        },
    }
}

/// The doc comment of `impl Paginated`: how the operation pages and when it stops.
fn paginated_doc(p: &Pagination, how: &str) -> Vec<String> {
    let mut pages_doc = format!(
        " Every page, lazily: no request is sent before the stream is polled. Follows {how}; stops at the last page or on a missing, empty or repeated cursor."
    );
    if matches!(p.kind, PageKind::Scroll { .. }) {
        pages_doc.push_str(" A failed page is not retried (but a 429) and ends the stream with [`Error::Pagination`](crate::Error::Pagination): Intercom may have advanced the scroll, which must restart.");
    }
    if matches!(p.kind, PageKind::PageNumber { .. }) {
        pages_doc.push_str(" A page without items is the last; a page number that does not advance ends the stream with [`Error::Pagination`](crate::Error::Pagination).");
    }
    if p.item_id.is_some() {
        pages_doc.push_str(" A page with the same item ids as the previous one is not yielded: the stream ends with [`Error::Pagination`](crate::Error::Pagination).");
    }
    let stream_doc = format!(
        " [`stream`](crate::Paginated::stream) yields every item (`{}`) of every page; cap it with [`Items::max_items`](crate::Items::max_items).",
        p.items.wire_name
    );
    vec![pages_doc, String::new(), stream_doc]
}

/// `impl crate::runtime::Paginated for <builder>`.
pub(super) fn paginated_impl(
    op: &Operation,
    p: &Pagination,
    implied_field: Option<&str>,
) -> TokenStream {
    let builder = format_ident!("{}", op.builder);
    let page_ty = rust_type(&p.page_ty, &quote!(models::));
    let item_ty = rust_type(&p.item_ty, &quote!(models::));
    let s = strategy(p, implied_field);
    let doc = paginated_doc(p, &s.how);
    let (ty, position_ty, position, key_ty, seek) =
        (&s.ty, &s.position_ty, &s.position, &s.key_ty, &s.seek);
    let items = format_ident!("{}", p.items.rust_name);
    let items_alt = p
        .items_alt
        .iter()
        .map(|f| format_ident!("{}", f.rust_name))
        .map(|alt| quote!(.or(page.#alt)));
    let first = first_fn(p);
    let item_ids = item_ids_fn(p, &page_ty);
    let mut_self = matches!(
        p.kind,
        PageKind::Implied { .. } | PageKind::SearchBody { .. }
    )
    .then(|| quote!(mut));
    // Every accessor is `inline`: compiled only in the programs that page through this operation.
    quote! {
        #(#[doc = #doc])*
        impl crate::runtime::Paginated for #builder {
            type Item = #item_ty;
            type Strategy = #ty;
            #[inline]
            fn position(page: &#page_ty) -> #position_ty {
                #position
            }
            #[inline]
            fn seek(#mut_self self, key: #key_ty) -> Self {
                #seek
            }
            #[inline]
            fn items(page: #page_ty) -> Vec<#item_ty> {
                page.#items #(#items_alt)* .unwrap_or_default()
            }
            #item_ids
            #first
        }
    }
}

/// `first`: a search whose body is optional starts from the empty search, so that the cursor of
/// page 2 has somewhere to go.
fn first_fn(p: &Pagination) -> Option<TokenStream> {
    let PageKind::SearchBody {
        empty_body: Some(json),
        ..
    } = &p.kind
    else {
        return None;
    };
    Some(quote! {
        #[inline]
        fn first(mut self) -> Self {
            if self.body.is_none() {
                self.body = serde_json::from_str(#json).ok();
            }
            self
        }
    })
}

/// `item_ids`, when the items have an id.
fn item_ids_fn(p: &Pagination, page_ty: &TokenStream) -> Option<TokenStream> {
    let id = format_ident!("{}", p.item_id.as_ref()?.rust_name);
    let item_id = if p.item_nullable {
        quote!(|item| item.as_ref()?.#id.clone())
    } else {
        quote!(|item| item.#id.clone())
    };
    let items_ref = items_ref(p);
    Some(quote! {
        #[inline]
        fn item_ids(page: &#page_ty) -> Vec<String> {
            #items_ref.map_or_else(Vec::new, |items| items.iter().filter_map(#item_id).collect())
        }
    })
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
