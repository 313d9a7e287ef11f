//! Pagination detection, from shapes only (no list of operation ids): the query parameters an
//! operation takes, its request body, and the fields of its success response.
//!
//! - cursor: a `starting_after` query parameter and a string at `pages.next.starting_after`;
//! - search: a body with a `pagination` object holding `starting_after`, and the same response cursor;
//! - page number: a `page` query parameter and integers at `pages.page` and `pages.total_pages`;
//! - scroll: a `scroll_param` query parameter echoed back as a top-level `scroll_param` string;
//! - implied: a `GET` that declares neither `starting_after` nor `page` (most 2.10 lists) but whose
//!   response carries a cursor (`pages.next.starting_after`), a `pages.next` URL string, or
//!   integers at `pages.page` and `pages.total_pages`: the stream sends the parameter the response
//!   implies as an undeclared query parameter (see [`PageKind::Implied`]).
//!
//! The items are the page's one array field (`data`, `contacts`, ...), or the first present of
//! several holding the same item type.

use crate::ir::{
    Api, Body, Field, FieldStep, HttpMethod, Operation, PageKind, Pagination, ParamLocation,
    ResponseBody, Struct, TypeKind, TypeRef,
};

/// Sets `pagination` on every operation whose shapes match one of the kinds.
pub(crate) fn detect(api: &mut Api) {
    let found: Vec<Option<Pagination>> = api
        .operations
        .iter()
        .map(|op| detect_one(api, op))
        .collect();
    for (op, p) in api.operations.iter_mut().zip(found) {
        op.pagination = p;
    }
}

/// The struct behind `t` (through aliases and `Nullable`), with whether it is lenient (all `Option`).
fn struct_of<'a>(api: &'a Api, t: &'a TypeRef) -> Option<(&'a Struct, bool)> {
    let mut cur = t;
    for _ in 0..32 {
        match cur {
            TypeRef::Nullable(inner) => cur = inner,
            TypeRef::Named(n) => {
                let def = api.types.get(n)?;
                match &def.kind {
                    TypeKind::Alias(inner) => cur = inner,
                    TypeKind::Struct(s) => return Some((s, def.usage.lenient())),
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    None
}

/// Follows `wire` names from `t` through lenient structs; returns the steps and the final type.
fn path<'a>(api: &'a Api, t: &'a TypeRef, wire: &[&str]) -> Option<(Vec<FieldStep>, &'a TypeRef)> {
    let mut steps = Vec::new();
    let mut cur = t;
    for name in wire {
        let (s, lenient) = struct_of(api, cur)?;
        if !lenient {
            return None;
        }
        let f = s.fields.iter().find(|f| f.wire_name == *name && !f.boxed)?;
        steps.push(FieldStep {
            wire_name: f.wire_name.clone(),
            rust_name: f.rust_name.clone(),
        });
        cur = &f.ty;
    }
    Some((steps, api.resolve_alias(cur)))
}

fn query_setter(op: &Operation, name: &str, ty: &TypeRef) -> Option<String> {
    op.parameters
        .iter()
        .find(|p| {
            p.location == ParamLocation::Query && p.name == name && !p.required && &p.ty == ty
        })
        .map(|p| p.rust_name.clone())
}

fn detect_one(api: &Api, op: &Operation) -> Option<Pagination> {
    let page_ty = match &op.success()?.body {
        ResponseBody::Json(t) => t,
        _ => return None,
    };
    let (page, lenient) = struct_of(api, page_ty)?;
    if !lenient {
        return None;
    }
    let (items, items_alt, item_ty) = page_items(api, page)?;
    let kind = page_kind(api, op, page_ty)?;
    Some(Pagination {
        kind,
        items,
        items_alt,
        item_ty: item_ty.clone(),
        item_id: item_id(api, item_ty),
        item_nullable: matches!(api.resolve_alias(item_ty), TypeRef::Nullable(_)),
        page_ty: page_ty.clone(),
    })
}

fn field_step(f: &Field) -> FieldStep {
    FieldStep {
        wire_name: f.wire_name.clone(),
        rust_name: f.rust_name.clone(),
    }
}

/// The items: the page's one array field, or several holding the same item type (a declared
/// one and the example's name for it, such as `companies` and `data`): whichever is present.
/// Returns the first, the others and the item type.
fn page_items<'a>(
    api: &'a Api,
    page: &'a Struct,
) -> Option<(FieldStep, Vec<FieldStep>, &'a TypeRef)> {
    let arrays: Vec<_> = page
        .fields
        .iter()
        .filter(|f| matches!(api.resolve_alias(&f.ty), TypeRef::Array(_)))
        .collect();
    let (items, alternatives) = arrays.split_first()?;
    if alternatives
        .iter()
        .any(|f| api.resolve_alias(&f.ty) != api.resolve_alias(&items.ty))
    {
        return None;
    }
    let items_alt = alternatives.iter().map(|f| field_step(f)).collect();
    let TypeRef::Array(item_ty) = api.resolve_alias(&items.ty) else {
        return None;
    };
    Some((field_step(items), items_alt, &**item_ty))
}

/// How the next page is asked for: the first strategy the operation and its page fit.
fn page_kind(api: &Api, op: &Operation, page_ty: &TypeRef) -> Option<PageKind> {
    let cursor = path(api, page_ty, &["pages", "next", "starting_after"])
        .filter(|(_, t)| **t == TypeRef::String);
    if let (Some(setter), Some((next, _))) = (
        query_setter(op, "starting_after", &TypeRef::String),
        &cursor,
    ) {
        Some(PageKind::Cursor {
            setter,
            next: next.clone(),
        })
    } else if let (Some(body), Some((next, _))) = (&op.body, &cursor) {
        search_body(api, body, next)
    } else if let Some(setter) = query_setter(op, "page", &TypeRef::Integer) {
        let (page_steps, pt) = path(api, page_ty, &["pages", "page"])?;
        let (total_steps, tt) = path(api, page_ty, &["pages", "total_pages"])?;
        if *pt != TypeRef::Integer || *tt != TypeRef::Integer {
            return None;
        }
        Some(PageKind::PageNumber {
            setter,
            page: page_steps,
            total: total_steps,
        })
    } else if let Some(setter) = query_setter(op, "scroll_param", &TypeRef::String) {
        let (next, t) = path(api, page_ty, &["scroll_param"])?;
        if *t != TypeRef::String {
            return None;
        }
        Some(PageKind::Scroll { setter, next })
    } else {
        implied(api, op, page_ty, cursor.map(|(steps, _)| steps))
    }
}

/// A cursor the request body carries (`pagination.starting_after`): its pagination object must
/// be optional and defaultable to be filled in.
fn search_body(api: &Api, body: &Body, next: &[FieldStep]) -> Option<PageKind> {
    let (bs, _) = struct_of(api, &body.ty)?;
    let pf = bs
        .fields
        .iter()
        .find(|f| f.wire_name == "pagination" && !f.boxed)?;
    let (ps, plenient) = struct_of(api, &pf.ty)?;
    let all_optional = plenient || ps.fields.iter().all(|f| !f.required);
    let cf = ps.fields.iter().find(|f| {
        f.wire_name == "starting_after" && api.resolve_alias(&f.ty) == &TypeRef::String
    })?;
    if pf.required || !all_optional || !matches!(pf.ty, TypeRef::Named(_)) {
        return None;
    }
    let empty_body = (!body.required).then(|| {
        let members: serde_json::Map<String, serde_json::Value> = bs
            .fields
            .iter()
            .filter(|f| f.required)
            // A constant member takes its value; other members an empty object.
            .map(|f| {
                let value = match &f.constant {
                    Some(c) => serde_json::json!(c),
                    None => serde_json::json!({}),
                };
                (f.wire_name.clone(), value)
            })
            .collect();
        serde_json::Value::Object(members).to_string()
    });
    Some(PageKind::SearchBody {
        pagination_field: pf.rust_name.clone(),
        cursor_field: cf.rust_name.clone(),
        body_optional: !body.required,
        empty_body,
        next: next.to_vec(),
    })
}

/// The items' `id` string member, when the item is a lenient struct that has one.
fn item_id(api: &Api, item_ty: &TypeRef) -> Option<FieldStep> {
    struct_of(api, item_ty)
        .filter(|(_, lenient)| *lenient)
        .and_then(|(s, _)| {
            s.fields.iter().find(|f| {
                f.wire_name == "id" && !f.boxed && api.resolve_alias(&f.ty) == &TypeRef::String
            })
        })
        .map(field_step)
}

/// A `GET` without any `starting_after`, `page` or `scroll_param` query parameter whose response
/// implies the next page: a cursor (`cursor`, already found at `pages.next.starting_after`), a
/// `pages.next` string (a URL), or integers at `pages.page` and `pages.total_pages`.
fn implied(
    api: &Api,
    op: &Operation,
    page_ty: &TypeRef,
    cursor: Option<Vec<FieldStep>>,
) -> Option<PageKind> {
    let declared = |name: &str| {
        op.parameters
            .iter()
            .any(|p| p.location == ParamLocation::Query && p.name == name)
    };
    if op.http_method != HttpMethod::Get
        || ["starting_after", "page", "scroll_param"]
            .iter()
            .any(|n| declared(n))
    {
        return None;
    }
    let next_url = path(api, page_ty, &["pages", "next"])
        .filter(|(_, t)| **t == TypeRef::String)
        .map(|(steps, _)| steps);
    let page_number = match (
        path(api, page_ty, &["pages", "page"]),
        path(api, page_ty, &["pages", "total_pages"]),
    ) {
        (Some((page, TypeRef::Integer)), Some((total, TypeRef::Integer))) => Some((page, total)),
        _ => None,
    };
    if cursor.is_none() && next_url.is_none() && page_number.is_none() {
        return None;
    }
    Some(PageKind::Implied {
        cursor,
        next_url,
        page_number,
    })
}
