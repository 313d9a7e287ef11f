//! Which request bodies are arguments of their operation method rather than an optional `.body()`
//! setter: decided from the body's shape, not only from the spec's `requestBody.required` (which
//! Intercom's descriptions leave out on most operations that cannot work without a body).

use crate::ir::{Api, TypeKind, TypeRef};

/// Marks a body required ([`crate::ir::Body::required`]) when the spec says so, or when a request
/// without it could not be valid: its schema (through aliases) is an object with required members,
/// or a union (no variant is the empty body). Runs before pagination detection, which reads it.
pub(crate) fn require_bodies(api: &mut Api) {
    let needed: Vec<bool> = api
        .operations
        .iter()
        .map(|op| op.body.as_ref().is_some_and(|b| needs_body(api, &b.ty)))
        .collect();
    for (op, needed) in api.operations.iter_mut().zip(needed) {
        if let Some(body) = op.body.as_mut() {
            body.required |= needed;
        }
    }
}

/// Whether a value of type `t` always has content the caller must choose.
fn needs_body(api: &Api, t: &TypeRef) -> bool {
    let TypeRef::Named(n) = api.resolve_alias(t) else {
        return false;
    };
    match api.types.get(n).map(|d| &d.kind) {
        Some(TypeKind::Struct(s)) => s.fields.iter().any(|f| f.required),
        Some(TypeKind::Union(_)) => true,
        _ => false,
    }
}
