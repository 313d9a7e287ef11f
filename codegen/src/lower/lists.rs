//! List objects: which response structs take a bare JSON array as their one array member.
//!
//! Intercom wraps lists in an object (`{"type": "list", "data": [..], "total_count": 2}`), and
//! the live API sometimes answers with the bare array instead. A lenient (response) struct is a
//! list object when exactly one of its members is an array (through aliases) and every other
//! member is a constant (`type: list`) or a number, integer or boolean (counts, page numbers,
//! `has_more`). A string, object or map member (an id, a name, a URL, `pages`) makes it more than
//! a wrapper, and it is not one: a bare array arriving for it stays drift (or, at the root, a
//! body of the wrong kind). Decided from shapes only, after usage is known.

use crate::ir::{Api, Field, Struct, TypeKind, TypeRef};

/// Sets [`Struct::list_member`] on every lenient struct that is a list object.
pub(crate) fn mark_list_objects(api: &mut Api) {
    let lists: Vec<(String, String)> = api
        .types
        .iter()
        .filter(|(_, def)| def.usage.lenient())
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Struct(s) => list_member(api, s).map(|m| (name.clone(), m)),
            _ => None,
        })
        .collect();
    for (name, member) in lists {
        if let Some(TypeKind::Struct(s)) = api.types.get_mut(&name).map(|d| &mut d.kind) {
            s.list_member = Some(member);
        }
    }
}

/// The wire name of `s`'s one array member, when every other member is a constant or a number.
fn list_member(api: &Api, s: &Struct) -> Option<String> {
    let is_array = |f: &Field| matches!(api.resolve_alias(&f.ty), TypeRef::Array(_));
    let mut arrays = s.fields.iter().filter(|f| is_array(f));
    let array = arrays.next()?;
    if arrays.next().is_some() {
        return None;
    }
    let counts = s.fields.iter().filter(|f| !is_array(f)).all(|f| {
        f.constant.is_some()
            || matches!(
                api.resolve_alias(&f.ty),
                TypeRef::Integer | TypeRef::Number | TypeRef::Boolean
            )
    });
    counts.then(|| array.wire_name.clone())
}
