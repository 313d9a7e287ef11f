//! Whole-API passes after lowering: constant members (single-value enums), usage
//! (request/response), recursion boxing and alias-loop detection. Names and files are decided
//! after these, by `placement`.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Error;
use crate::ir::{Api, Operation, ResponseBody, Site, TypeKind, TypeRef, UsedAt, Within};

pub(crate) fn finish(api: &mut Api) -> Result<(), Error> {
    check_alias_loops(api)?;
    inline_constants(api);
    mark_usage(api);
    box_recursion(api);
    mark_used_at(api);
    Ok(())
}

/// Named types a type refers to, directly or inside arrays and maps.
pub fn children(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.additional.iter())
            .collect(),
        TypeKind::Enum(_) => Vec::new(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) => vec![t],
    }
}

/// Every named type inside `t`.
pub fn named_in(t: &TypeRef, out: &mut Vec<String>) {
    match t {
        TypeRef::Named(n) => out.push(n.clone()),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) => named_in(i, out),
        _ => {}
    }
}

fn check_alias_loops(api: &Api) -> Result<(), Error> {
    for (name, def) in &api.types {
        let TypeKind::Alias(_) = def.kind else {
            continue;
        };
        let mut seen = BTreeSet::new();
        let mut stack = vec![name.clone()];
        while let Some(n) = stack.pop() {
            let Some(d) = api.types.get(&n) else { continue };
            let TypeKind::Alias(t) = &d.kind else {
                continue;
            };
            let mut next = Vec::new();
            named_in(t, &mut next);
            for m in next {
                if m == *name {
                    return Err(Error::at(
                        def.pointer.clone(),
                        "reference loop: this schema contains itself without an object in between (through $ref aliases, arrays or maps only)",
                    ));
                }
                if seen.insert(m.clone()) {
                    stack.push(m);
                }
            }
        }
    }
    Ok(())
}

/// All named types reachable from `roots`.
pub fn reachable(api: &Api, roots: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(n) = stack.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(def) = api.types.get(&n) {
            for c in children(&def.kind) {
                let mut found = Vec::new();
                named_in(c, &mut found);
                stack.extend(found);
            }
        }
    }
    seen
}

/// Every named type an operation's request (`request`: parameters and body) or its JSON responses
/// refer to directly, in declaration order.
pub fn operation_roots(op: &Operation, request: bool) -> Vec<String> {
    let mut found = Vec::new();
    if request {
        for p in &op.parameters {
            named_in(&p.ty, &mut found);
        }
        if let Some(b) = &op.body {
            named_in(&b.ty, &mut found);
        }
    } else {
        for r in &op.responses {
            if let crate::ir::ResponseBody::Json(t) = &r.body {
                named_in(t, &mut found);
            }
        }
    }
    found
}

/// `(tag, named type)` for every named type an operation's request (`request`) or responses refer
/// to directly.
pub(super) fn roots_of(api: &Api, request: bool) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for op in &api.operations {
        let found = operation_roots(op, request);
        out.extend(found.into_iter().map(|n| (op.tag.clone(), n)));
    }
    out
}

fn mark_usage(api: &mut Api) {
    let req = reachable(api, roots_of(api, true).into_iter().map(|(_, n)| n));
    let resp = reachable(api, roots_of(api, false).into_iter().map(|(_, n)| n));
    for (name, def) in api.types.iter_mut() {
        def.usage.request = req.contains(name);
        def.usage.response = resp.contains(name);
    }
}

/// A struct field whose type is a string enum with exactly one value (mostly a `type` tag, such as
/// `type: admin`) holds a constant: the field records the value ([`crate::ir::Field::constant`]) and
/// becomes a `String`, so no Rust type is generated for it (a type per constant tag would be most of
/// the enums of a version, each `{ Admin, Unknown }`). A tagged union still dispatches on the value,
/// which its variants record. Enums referenced elsewhere too (array items, parameters, union
/// variants, aliases) keep their type; the others are dropped.
fn inline_constants(api: &mut Api) {
    // Single-value enum -> its one wire value.
    let single: BTreeMap<String, String> = api
        .types
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Enum(e) if e.variants.len() == 1 => {
                Some((name.clone(), e.variants[0].wire.clone()))
            }
            _ => None,
        })
        .collect();
    if single.is_empty() {
        return;
    }
    let mut constants = Vec::new();
    for (name, def) in &api.types {
        if let TypeKind::Struct(s) = &def.kind {
            for (i, f) in s.fields.iter().enumerate() {
                if let TypeRef::Named(n) = &f.ty
                    && let Some(value) = single.get(n)
                {
                    constants.push((name.clone(), i, value.clone()));
                }
            }
        }
    }
    for (name, i, value) in constants {
        if let Some(TypeKind::Struct(s)) = api.types.get_mut(&name).map(|d| &mut d.kind) {
            s.fields[i].ty = TypeRef::String;
            s.fields[i].constant = Some(value);
        }
    }
    // Drop the enums nothing refers to any more.
    let mut used = Vec::new();
    for def in api.types.values() {
        for c in children(&def.kind) {
            named_in(c, &mut used);
        }
    }
    for (_, n) in roots_of(api, true).into_iter().chain(roots_of(api, false)) {
        used.push(n);
    }
    let used: BTreeSet<String> = used.into_iter().collect();
    api.types
        .retain(|name, _| !single.contains_key(name) || used.contains(name));
}

/// Direct (not through `Vec`/map) named children.
fn direct_children(kind: &TypeKind) -> Vec<String> {
    children(kind)
        .into_iter()
        .filter_map(|t| match t {
            TypeRef::Named(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

fn reaches_directly(api: &Api, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(n) = stack.pop() {
        if n == target {
            return true;
        }
        if !seen.insert(n.clone()) {
            continue;
        }
        if let Some(d) = api.types.get(&n) {
            stack.extend(direct_children(&d.kind));
        }
    }
    false
}

/// Boxes every struct field and union variant whose named type leads back to its owner without
/// an indirection (`Vec`, map) in between: such types would otherwise have infinite size.
fn box_recursion(api: &mut Api) {
    let mut to_box = Vec::new();
    for (name, def) in &api.types {
        let direct: Vec<(usize, &TypeRef)> = match &def.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).enumerate().collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).enumerate().collect(),
            _ => Vec::new(),
        };
        for (i, t) in direct {
            if let TypeRef::Named(n) = t
                && reaches_directly(api, n, name)
            {
                to_box.push((name.clone(), i));
            }
        }
    }
    for (name, i) in to_box {
        match api.types.get_mut(&name).map(|d| &mut d.kind) {
            Some(TypeKind::Struct(s)) => s.fields[i].boxed = true,
            Some(TypeKind::Union(u)) => u.variants[i].boxed = true,
            _ => {}
        }
    }
}

/// Records on each inline type ([`crate::ir::TypeDef::used_at`]) the first site that refers to
/// it: operations in spec order (body, parameters, responses), then types by name. Its docs then
/// say where it is used rather than only its JSON pointer.
fn mark_used_at(api: &mut Api) {
    let mut sites: Vec<(Site, &TypeRef)> = Vec::new();
    for op in &api.operations {
        let m = &op.method_name;
        if let Some(b) = &op.body {
            sites.push((Site::Body(m.clone()), &b.ty));
        }
        for p in &op.parameters {
            sites.push((Site::Parameter(m.clone(), p.name.clone()), &p.ty));
        }
        for r in &op.responses {
            if let ResponseBody::Json(t) = &r.body {
                sites.push((Site::Response(m.clone(), r.status.clone()), t));
            }
        }
    }
    for (name, def) in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    sites.push((Site::Member(name.clone(), f.wire_name.clone()), &f.ty));
                }
                if let Some(t) = &s.additional {
                    sites.push((Site::Additional(name.clone()), t));
                }
            }
            TypeKind::Union(u) => {
                for v in &u.variants {
                    sites.push((Site::Variant(name.clone(), v.rust_name.clone()), &v.ty));
                }
            }
            TypeKind::Alias(t) => sites.push((Site::Alias(name.clone()), t)),
            TypeKind::Enum(_) => {}
        }
    }
    let mut found: BTreeMap<String, UsedAt> = BTreeMap::new();
    for (site, t) in sites {
        if let Some((n, within)) = named_within(t, Within::Itself) {
            let inline = api.types.get(n).is_some_and(|d| d.schema_name.is_none());
            if inline && !found.contains_key(n) {
                found.insert(n.clone(), UsedAt { site, within });
            }
        }
    }
    for (name, used) in found {
        if let Some(def) = api.types.get_mut(&name) {
            def.used_at = Some(used);
        }
    }
}

/// The named type inside `t` and where in it (an array's items, a map's values).
fn named_within(t: &TypeRef, within: Within) -> Option<(&String, Within)> {
    match t {
        TypeRef::Named(n) => Some((n, within)),
        TypeRef::Nullable(i) => named_within(i, within),
        TypeRef::Array(i) => named_within(i, Within::Item),
        TypeRef::Map(i) => named_within(i, Within::Value),
        _ => None,
    }
}
