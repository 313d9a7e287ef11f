//! The mock server's table (`intercom_api::testing`, feature `test-util`): per operation its
//! method, path template, `Intercom-Version`, and the default answer (status, media type, body:
//! the spec's success example, else a minimal body that decodes into the response type).

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

use super::{Output, types};
use crate::ir::{Api, FieldStep, Operation, PageKind, ResponseBody, TypeKind, TypeRef};
use crate::render::Provenance;
use crate::{layout, naming};

/// Deepest type nesting followed for a minimal body.
const MAX_DEPTH: usize = 32;

/// `intercom-api/src/<vmod>/mock.rs`.
pub fn table(api: &Api, prov: &Provenance) -> Output {
    let rows = api.operations.iter().map(|op| {
        let id = &op.operation_id;
        let method = op.http_method.as_str();
        let path = &op.path;
        let version = op.api_version.as_deref().unwrap_or(&api.version);
        let (status, content_type, body) = default_answer(api, op);
        let content_type = match content_type {
            Some(ct) => quote!(Some(#ct)),
            None => quote!(None),
        };
        let paging = match paging(api, op) {
            Some(p) => quote!(Some(#p)),
            None => quote!(None),
        };
        quote! {
            crate::testing::MockOperation {
                operation_id: #id,
                method: #method,
                path: #path,
                version: #version,
                status: #status,
                content_type: #content_type,
                body: #body,
                paging: #paging,
            },
        }
    });
    let doc = format!(
        " The operations of the Intercom API {} and their default answers, for [`crate::testing::MockServer`];",
        api.version
    );
    let handles = handles(api);
    let tokens = quote! {
        #![doc = #doc]
        //! [`ops`] has one typed handle per operation, for `mock.on(..)`, `mock.pages(..)` and
        //! `mock.received(..)`.
        /// Every operation, in spec order.
        pub(crate) const OPERATIONS: &[crate::testing::MockOperation] = &[ #(#rows)* ];
        #handles
    };
    Output::new(layout::mock_table(&api.version), tokens, prov, "mock table")
}

/// `pub mod ops`: one `MockOp<Body>` constant per operation, named after its method
/// (`reply_ticket` -> `REPLY_TICKET`); `Body` is the request body type (`Option<_>` when the body
/// is optional, `()` without one). Names that collide get a deterministic suffix ([`naming::claim`]).
fn handles(api: &Api) -> TokenStream {
    let vmod = naming::version_module(&api.version);
    let prefix: TokenStream = types::lex(&format!("crate::{vmod}::models::"));
    let mut taken = BTreeSet::new();
    let consts = api.operations.iter().map(|op| {
        let base = naming::method_name(&op.operation_id).to_ascii_uppercase();
        let name = naming::claim(&mut taken, &base, &["_OP"]);
        let ident = format_ident!("{}", name);
        let body = match &op.body {
            Some(b) if b.required => types::rust_type(&b.ty, &prefix),
            Some(b) => {
                let ty = types::rust_type(&b.ty, &prefix);
                quote!(Option<#ty>)
            }
            None => quote!(()),
        };
        let id = &op.operation_id;
        let version = op.api_version.as_deref().unwrap_or(&api.version);
        let doc = format!(
            " `{id}`: `{} {}`.",
            op.http_method.as_str(),
            op.path
        );
        quote! {
            #[doc = #doc]
            pub const #ident: crate::testing::MockOp<#body> = crate::testing::MockOp::new(#id, #version);
        }
    });
    let doc = format!(
        " A typed handle per operation of the Intercom API {}: its request body type is the type\n `mock.received(handle)` decodes bodies into.",
        api.version
    );
    quote! {
        #[doc = #doc]
        pub mod ops {
            #(#consts)*
        }
    }
}

/// Status, media type and body of the answer to `op` nobody scripted.
fn default_answer(api: &Api, op: &Operation) -> (u16, Option<String>, String) {
    let response = op
        .success()
        .or_else(|| op.responses.iter().find(|r| r.status.starts_with('3')));
    let Some(response) = response else {
        return (200, None, String::new());
    };
    let status = response.status.parse::<u16>().unwrap_or(200);
    match &response.body {
        ResponseBody::Empty => (status, None, String::new()),
        ResponseBody::Json(ty) => {
            let body = match &response.example {
                Some(example) => example.clone(),
                None => minimal(api, ty, 0).to_string(),
            };
            (status, Some("application/json".to_string()), body)
        }
        ResponseBody::Text(media) | ResponseBody::Bytes(media) => {
            (status, Some(media.clone()), String::new())
        }
    }
}

/// The smallest JSON value that decodes into `ty` (response types are lenient: `{}` is a struct).
fn minimal(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    match ty {
        TypeRef::String => json!(""),
        TypeRef::Integer | TypeRef::Number => json!(0),
        TypeRef::Boolean => json!(false),
        TypeRef::Json | TypeRef::JsonObject | TypeRef::Map(_) => json!({}),
        TypeRef::Array(_) => json!([]),
        TypeRef::Nullable(_) => Value::Null,
        TypeRef::Named(name) => match api.types.get(name).map(|d| &d.kind) {
            Some(TypeKind::Struct(_)) | None => json!({}),
            Some(TypeKind::Enum(e)) => e
                .variants
                .first()
                .map_or(json!(""), |v| json!(v.wire.clone())),
            Some(TypeKind::Union(u)) => {
                let first = u.variants.first();
                let mut value = first.map_or(json!({}), |v| minimal(api, &v.ty, depth + 1));
                if let (Some(tag), Some(tag_value), Some(obj)) = (
                    &u.tag,
                    first.and_then(|v| v.tag_value.as_ref()),
                    value.as_object_mut(),
                ) {
                    obj.insert(tag.clone(), json!(tag_value));
                }
                value
            }
            Some(TypeKind::Alias(inner)) => minimal(api, inner, depth + 1),
        },
    }
}

/// How `mock.pages(..)` serves `op`: its pagination style with wire names (`None`: not paginated,
/// or paged by a URL the mock cannot serve).
fn paging(api: &Api, op: &Operation) -> Option<TokenStream> {
    let p = op.pagination.as_ref()?;
    let items = &p.items.wire_name;
    let wire = |steps: &[FieldStep]| -> Vec<String> {
        steps.iter().map(|s| s.wire_name.clone()).collect()
    };
    let param = |setter: &str| -> Option<String> {
        op.parameters
            .iter()
            .find(|q| q.rust_name == setter)
            .map(|q| q.name.clone())
    };
    let style = match &p.kind {
        PageKind::Cursor { setter, next } => {
            let (param, next) = (param(setter)?, wire(next));
            quote!(crate::testing::PageStyle::Cursor { param: #param, next: &[#(#next),*] })
        }
        PageKind::SearchBody {
            pagination_field,
            cursor_field,
            next,
            ..
        } => {
            let body = &op.body.as_ref()?.ty;
            let (outer, inner_ty) = field_wire(api, body, pagination_field)?;
            let (inner, _) = field_wire(api, &inner_ty, cursor_field)?;
            let next = wire(next);
            quote!(crate::testing::PageStyle::Body { cursor: &[#outer, #inner], next: &[#(#next),*] })
        }
        PageKind::PageNumber {
            setter,
            page,
            total,
        } => {
            let (param, page, total) = (param(setter)?, wire(page), wire(total));
            quote!(crate::testing::PageStyle::PageNumber { param: #param, page: &[#(#page),*], total: &[#(#total),*] })
        }
        PageKind::Scroll { setter, next } => {
            let (param, next) = (param(setter)?, wire(next));
            quote!(crate::testing::PageStyle::Scroll { param: #param, next: &[#(#next),*] })
        }
        PageKind::Implied {
            cursor: Some(next), ..
        } => {
            // The runtime sends the implied cursor as `starting_after`.
            let next = wire(next);
            quote!(crate::testing::PageStyle::Cursor { param: "starting_after", next: &[#(#next),*] })
        }
        PageKind::Implied {
            page_number: Some((page, total)),
            ..
        } => {
            let (page, total) = (wire(page), wire(total));
            quote!(crate::testing::PageStyle::PageNumber { param: "page", page: &[#(#page),*], total: &[#(#total),*] })
        }
        PageKind::Implied { .. } => return None,
    };
    Some(quote!(crate::testing::MockPaging { items: #items, style: #style }))
}

/// The wire name and type of the field `rust_name` of the struct `ty` (through aliases and `Option`).
fn field_wire(api: &Api, ty: &TypeRef, rust_name: &str) -> Option<(String, TypeRef)> {
    let TypeRef::Named(name) = api.resolve_alias(ty) else {
        return None;
    };
    let TypeKind::Struct(s) = &api.types.get(name)?.kind else {
        return None;
    };
    let f = s.fields.iter().find(|f| f.rust_name == rust_name)?;
    Some((f.wire_name.clone(), f.ty.clone()))
}
