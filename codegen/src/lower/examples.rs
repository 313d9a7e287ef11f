//! The spec's own success examples as evidence: members a response schema does not declare.
//!
//! Every success (2xx) response example (`example` and `examples`, inline or `$ref`'d under
//! `components/examples`) is walked against the lowered type of its response, the way the generated
//! decoder reads it (aliases, arrays, maps, nullable items, tagged unions by their tag, untagged unions
//! by the first variant that accepts the value). A member of an object whose struct does not declare
//! it (and has no spec-declared `additionalProperties`) would otherwise land in
//! `additional_properties`. Each such member becomes an optional field of the struct, with its wire
//! name:
//!
//! - typed like a declared sibling member that is absent wherever the undeclared one appears, when
//!   the example values fit that sibling's type and it is the only best fit (`data` for
//!   `ticket_types`);
//! - else typed from the example values: `string`, `integer`, `number`, `boolean`, arrays of those,
//!   objects (an inline struct, built the same way), `serde_json::Value` for mixed kinds or `null` only.
//!
//! Each member gets a warning naming the JSON pointer of the example member. Walking repeats until
//! nothing is left, so members inside a newly typed field are found too. Only response types are
//! touched (every type a response reaches is lenient: the new fields are `Option`s).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Lowerer;
use crate::error::pointer_token;
use crate::ir::{
    Docs, Field, Operation, ResponseBody, ResponseDef, Struct, TypeDef, TypeKind, TypeRef, Usage,
};
use crate::naming;

/// Walks repeat at most this often (each one can only open fields found by the previous one).
const MAX_PASSES: usize = 8;
/// Deepest value nesting walked.
const MAX_DEPTH: usize = 128;

/// One success example: where it is, its value, and the type it decodes into.
struct Example<'a> {
    pointer: String,
    value: &'a Value,
    ty: TypeRef,
}

/// Every occurrence of one undeclared member of one struct.
#[derive(Default)]
struct Seen<'a> {
    /// JSON pointers of the example members.
    pointers: Vec<String>,
    /// Their values.
    values: Vec<&'a Value>,
    /// Declared fields (wire names) absent from every object the member appears in.
    absent: Option<BTreeSet<String>>,
}

impl<'a> Lowerer<'a> {
    /// Adds a typed field for every member that a success example uses and its struct does not
    /// declare. Returns how many example members were undeclared.
    pub(crate) fn type_example_members(&mut self, operations: &[Operation]) -> usize {
        let examples = self.success_examples(operations);
        let mut total = 0;
        // Fields added here: never a sibling to type another member like (the spec did not declare them).
        let mut added: BTreeSet<(String, String)> = BTreeSet::new();
        for _ in 0..MAX_PASSES {
            let mut seen: BTreeMap<(String, String), Seen<'a>> = BTreeMap::new();
            for ex in &examples {
                self.walk(&ex.ty, ex.value, &ex.pointer, &mut seen, 0);
            }
            if seen.is_empty() {
                break;
            }
            total += seen.values().map(|s| s.pointers.len()).sum::<usize>();
            for ((owner, member), s) in seen {
                self.add_member(&owner, &member, s, &added);
                added.insert((owner, member));
            }
        }
        total
    }

    /// `(pointer, value, type)` of every success example, in operation order.
    fn success_examples(&self, operations: &[Operation]) -> Vec<Example<'a>> {
        let mut out = Vec::new();
        for op in operations {
            for r in &op.responses {
                let ResponseBody::Json(ty) = &r.body else {
                    continue;
                };
                for (pointer, value) in self.response_examples(op, r) {
                    out.push(Example {
                        pointer,
                        value,
                        ty: ty.clone(),
                    });
                }
            }
        }
        out
    }

    /// Sets [`ResponseDef::example`] of every success JSON response that has one: its first example
    /// that the client decodes without drift ([`Fit::Decoding`]: every member of the kind its type
    /// declares, or one the decoder coerces). An example that would drift is no default answer of the mock, whose client
    /// decodes strictly; without one that fits, the mock answers a minimal body.
    pub(crate) fn attach_examples(&self, operations: &mut [Operation]) {
        for op in operations.iter_mut() {
            let examples: Vec<Option<String>> = op
                .responses
                .iter()
                .map(|r| match &r.body {
                    ResponseBody::Json(t) => self
                        .response_examples(op, r)
                        .into_iter()
                        .find(|(_, v)| self.fit_as(Fit::Decoding, t, v, 0).is_some())
                        .map(|(_, v)| v.to_string()),
                    _ => None,
                })
                .collect();
            for (r, example) in op.responses.iter_mut().zip(examples) {
                r.example = example;
            }
        }
    }

    /// `(pointer, value)` of every JSON example of the success response `r` of `op`, in spec order.
    fn response_examples(&self, op: &Operation, r: &ResponseDef) -> Vec<(String, &'a Value)> {
        let mut out = Vec::new();
        if !r.status.starts_with('2') {
            return out;
        }
        let rptr = format!("{}/responses/{}", op.pointer, pointer_token(&r.status));
        let Some((rptr, response)) = self.raw_follow(&rptr) else {
            return out;
        };
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return out;
        };
        for (ct, media) in content {
            if !crate::ir::media_is_json(ct) {
                continue;
            }
            let mptr = format!("{rptr}/content/{}", pointer_token(ct));
            if let Some(v) = media.get("example") {
                out.push((format!("{mptr}/example"), v));
            }
            let Some(named) = media.get("examples").and_then(Value::as_object) else {
                continue;
            };
            for name in named.keys() {
                let eptr = format!("{mptr}/examples/{}", pointer_token(name));
                let Some((eptr, ex)) = self.raw_follow(&eptr) else {
                    continue;
                };
                if let Some(v) = ex.get("value") {
                    out.push((format!("{eptr}/value"), v));
                }
            }
        }
        out
    }

    /// The raw node at `ptr`, following local `$ref`s, with the pointer it was found at.
    fn raw_follow(&self, ptr: &str) -> Option<(String, &'a Value)> {
        let mut ptr = ptr.to_string();
        for _ in 0..32 {
            let node = self.raw_at(&ptr)?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(target) if target.starts_with("#/") => ptr = target.to_string(),
                Some(_) => return None,
                None => return Some((ptr, node)),
            }
        }
        None
    }

    /// The named type `t` stands for, with aliases followed.
    fn resolved(&self, t: &TypeRef) -> TypeRef {
        crate::ir::resolve_alias_in(&self.types, t).clone()
    }

    /// Walks `value` as the decoder of `t` reads it, recording undeclared members.
    fn walk(
        &self,
        t: &TypeRef,
        value: &'a Value,
        ptr: &str,
        seen: &mut BTreeMap<(String, String), Seen<'a>>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let t = self.resolved(t);
        match (&t, value) {
            (TypeRef::Nullable(inner), _) => self.walk(inner, value, ptr, seen, depth + 1),
            (TypeRef::Array(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.walk(item, v, &format!("{ptr}/{i}"), seen, depth + 1);
                }
            }
            (TypeRef::Map(inner), Value::Object(m)) => {
                for (k, v) in m {
                    let p = format!("{ptr}/{}", pointer_token(k));
                    self.walk(inner, v, &p, seen, depth + 1);
                }
            }
            (TypeRef::Named(name), _) => match self.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Struct(s)) => {
                    let Value::Object(m) = value else { return };
                    for (k, v) in m {
                        let p = format!("{ptr}/{}", pointer_token(k));
                        if let Some(f) = s.fields.iter().find(|f| f.wire_name == *k) {
                            self.walk(&f.ty, v, &p, seen, depth + 1);
                        } else if let Some(a) = &s.additional {
                            self.walk(a, v, &p, seen, depth + 1);
                        } else {
                            let entry = seen.entry((name.clone(), k.clone())).or_default();
                            entry.pointers.push(p);
                            entry.values.push(v);
                            let absent: BTreeSet<String> = s
                                .fields
                                .iter()
                                .filter(|f| !m.contains_key(&f.wire_name))
                                .map(|f| f.wire_name.clone())
                                .collect();
                            entry.absent = Some(match entry.absent.take() {
                                None => absent,
                                Some(prev) => prev.intersection(&absent).cloned().collect(),
                            });
                        }
                    }
                }
                Some(TypeKind::Union(u)) => {
                    let variant = match &u.tag {
                        Some(tag) => {
                            let found = value.get(tag).and_then(Value::as_str);
                            u.variants
                                .iter()
                                .find(|v| v.tag_value.is_some() && v.tag_value.as_deref() == found)
                        }
                        None => u
                            .variants
                            .iter()
                            .filter(|v| !(v.rust_name == "Null" && v.ty == TypeRef::Json))
                            .find(|v| self.accepts(&v.ty, value, 0)),
                    };
                    if let Some(v) = variant {
                        self.walk(&v.ty, value, ptr, seen, depth + 1);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    /// Whether the (lenient) decoder of `t` accepts `value`.
    fn accepts(&self, t: &TypeRef, value: &Value, depth: usize) -> bool {
        self.fit(t, value, depth).is_some()
    }

    /// `Some(evidence)` when the (lenient) decoder of `t` accepts `value`: the number of scalars and
    /// declared members that match (`null`, `serde_json::Value` and undeclared members count 0).
    /// `None` when it does not, and for an object most of whose members the struct does not declare.
    fn fit(&self, t: &TypeRef, value: &Value, depth: usize) -> Option<usize> {
        self.fit_as(Fit::Typing, t, value, depth)
    }

    /// [`fit`](Self::fit), or with [`Fit::Decoding`], whether the client decodes `value` as `t`
    /// without drift.
    fn fit_as(&self, mode: Fit, t: &TypeRef, value: &Value, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        if value.is_null() {
            return Some(0);
        }
        let t = self.resolved(t);
        match (&t, value) {
            (TypeRef::Json, _) => Some(0),
            (TypeRef::JsonObject, Value::Object(_)) => Some(0),
            (TypeRef::String, Value::String(_) | Value::Number(_) | Value::Bool(_)) => Some(1),
            (TypeRef::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Some(1),
            // The decoder's coercion of a decimal integer string (`codec`'s `Lenient`).
            (TypeRef::Integer | TypeRef::Number, Value::String(text))
                if mode == Fit::Decoding && is_decimal_integer(text) =>
            {
                Some(1)
            }
            (TypeRef::Number, Value::Number(_)) => Some(1),
            (TypeRef::Boolean, Value::Bool(_)) => Some(1),
            (TypeRef::Nullable(inner), _) => self.fit_as(mode, inner, value, depth + 1),
            (TypeRef::Array(item), Value::Array(items)) => items
                .iter()
                .map(|v| self.fit_as(mode, item, v, depth + 1))
                .sum::<Option<usize>>(),
            (TypeRef::Map(inner), Value::Object(m)) => m
                .values()
                .map(|v| self.fit_as(mode, inner, v, depth + 1))
                .sum::<Option<usize>>(),
            (TypeRef::Named(name), _) => match self.types.get(name).map(|d| &d.kind) {
                Some(TypeKind::Enum(_)) => value.is_string().then_some(1),
                Some(TypeKind::Struct(s)) => {
                    let Value::Object(m) = value else { return None };
                    let mut score = 0;
                    let mut shared = 0;
                    for (k, v) in m {
                        if let Some(f) = s.fields.iter().find(|f| f.wire_name == *k) {
                            score += self.fit_as(mode, &f.ty, v, depth + 1)? + 1;
                            shared += 1;
                        } else if let Some(a) = &s.additional {
                            score += self.fit_as(mode, a, v, depth + 1)?;
                        }
                    }
                    // Most of the object's members (more than half) must be declared: a shared `id` is no evidence.
                    (mode == Fit::Decoding
                        || m.is_empty()
                        || s.additional.is_some()
                        || shared * 2 > m.len())
                    .then_some(score)
                }
                Some(TypeKind::Union(u)) => {
                    if let Some(tag) = &u.tag {
                        let found = value.get(tag).and_then(Value::as_str);
                        return match u
                            .variants
                            .iter()
                            .find(|v| v.tag_value.is_some() && v.tag_value.as_deref() == found)
                        {
                            Some(v) => self.fit_as(mode, &v.ty, value, depth + 1),
                            None => value.is_object().then_some(0),
                        };
                    }
                    u.variants
                        .iter()
                        .filter(|v| !(v.rust_name == "Null" && v.ty == TypeRef::Json))
                        .find_map(|v| self.fit_as(mode, &v.ty, value, depth + 1))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// Adds the field for undeclared member `member` of struct `owner`, with its warning.
    fn add_member(
        &mut self,
        owner: &str,
        member: &str,
        seen: Seen<'a>,
        added: &BTreeSet<(String, String)>,
    ) {
        let Some(TypeKind::Struct(s)) = self.types.get(owner).map(|d| &d.kind) else {
            return;
        };
        let best = self.best_siblings(owner, s, &seen, added);
        let first = seen.pointers.first().cloned().unwrap_or_default();
        let more = match seen.pointers.len() {
            0 | 1 => String::new(),
            2 => " (and 1 more example member)".to_string(),
            n => format!(" (and {} more example members)", n - 1),
        };
        let has_null = seen.values.iter().any(|v| v.is_null());
        let (ty, nullable, how) = match best.as_slice() {
            [(wire, ty, nullable)] => (
                ty.clone(),
                *nullable || has_null,
                format!("typed like its absent declared sibling `{wire}`"),
            ),
            _ => {
                let hint = format!("{owner}{}", naming::type_name(member));
                let ty = self.infer(&seen.values, &hint, &first);
                (ty, has_null, "typed from the example values".to_string())
            }
        };
        let Some(TypeKind::Struct(s)) = self.types.get_mut(owner).map(|d| &mut d.kind) else {
            return;
        };
        let mut taken: BTreeSet<String> = s.fields.iter().map(|f| f.rust_name.clone()).collect();
        let rust_name = naming::claim(&mut taken, &naming::field_name(member), &["_"]);
        s.fields.push(Field {
            wire_name: member.to_string(),
            rust_name: rust_name.clone(),
            ty,
            required: false,
            nullable,
            docs: Docs {
                title: None,
                description: Some(format!(
                    "Not declared in the spec; its success examples use it (`{}`). {}.",
                    first.trim_start_matches('#'),
                    naming::upper_first(&how)
                )),
            },
            boxed: false,
            constant: None,
        });
        self.warn(
            &first,
            format!(
                "example member {member:?} is not declared by `{owner}`: added field `{rust_name}`, {how}{more}"
            ),
        );
    }

    /// The declared siblings never present beside an undeclared member that every value of it
    /// fits best: `(wire name, type, nullable)`; the member is typed like the one when it is the
    /// only best.
    fn best_siblings(
        &self,
        owner: &str,
        s: &Struct,
        seen: &Seen<'a>,
        added: &BTreeSet<(String, String)>,
    ) -> Vec<(String, TypeRef, bool)> {
        let mut candidates: Vec<(usize, &Field)> = Vec::new();
        for f in &s.fields {
            let declared = !added.contains(&(owner.to_string(), f.wire_name.clone()));
            let absent = seen
                .absent
                .as_ref()
                .is_some_and(|a| a.contains(&f.wire_name));
            if !declared || !absent {
                continue;
            }
            let score: Option<usize> = seen.values.iter().map(|v| self.fit(&f.ty, v, 0)).sum();
            if let Some(score) = score.filter(|s| *s > 0) {
                candidates.push((score, f));
            }
        }
        let best = candidates.iter().map(|(s, _)| *s).max();
        candidates
            .iter()
            .filter(|(s, _)| Some(*s) == best)
            .map(|(_, f)| (f.wire_name.clone(), f.ty.clone(), f.nullable))
            .collect()
    }

    /// A type for the (non-null) `values`: a scalar, an array, an inline struct named `hint`, or
    /// `serde_json::Value` when they differ in kind or are all `null`.
    fn infer(&mut self, values: &[&Value], hint: &str, ptr: &str) -> TypeRef {
        let values: Vec<&Value> = values.iter().copied().filter(|v| !v.is_null()).collect();
        if values.is_empty() {
            return TypeRef::Json;
        }
        if values.iter().all(|v| v.is_string()) {
            return TypeRef::String;
        }
        if values.iter().all(|v| v.is_boolean()) {
            return TypeRef::Boolean;
        }
        if values.iter().all(|v| v.is_i64() || v.is_u64()) {
            return TypeRef::Integer;
        }
        if values.iter().all(|v| v.is_number()) {
            return TypeRef::Number;
        }
        if values.iter().all(|v| v.is_array()) {
            let items: Vec<&Value> = values
                .iter()
                .filter_map(|v| v.as_array())
                .flatten()
                .collect();
            let item = self.infer(&items, &format!("{hint}Item"), &format!("{ptr}/0"));
            return TypeRef::Array(Box::new(item));
        }
        if values.iter().all(|v| v.is_object()) {
            return self.infer_object(&values, hint, ptr);
        }
        TypeRef::Json
    }

    /// A struct named `hint` (claimed) for object `values`: their members in first-seen order,
    /// each typed from every value it takes; a JSON object when they have none.
    fn infer_object(&mut self, values: &[&Value], hint: &str, ptr: &str) -> TypeRef {
        // Members in first-seen order, each with every value it takes.
        let mut members: Vec<(&str, Vec<&Value>)> = Vec::new();
        for v in values.iter().filter_map(|v| v.as_object()) {
            for (k, x) in v {
                match members.iter_mut().find(|(m, _)| *m == k.as_str()) {
                    Some((_, xs)) => xs.push(x),
                    None => members.push((k.as_str(), vec![x])),
                }
            }
        }
        if members.is_empty() {
            return TypeRef::JsonObject;
        }
        let name = naming::claim(&mut self.taken, hint, &["Object"]);
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for (wire, xs) in members {
            let mptr = format!("{ptr}/{}", pointer_token(wire));
            let ty = self.infer(&xs, &format!("{name}{}", naming::type_name(wire)), &mptr);
            fields.push(Field {
                wire_name: wire.to_string(),
                rust_name: naming::claim(&mut taken, &naming::field_name(wire), &["_"]),
                nullable: xs.iter().any(|x| x.is_null()),
                ty,
                required: false,
                docs: Docs::default(),
                boxed: false,
                constant: None,
            });
        }
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                pointer: ptr.to_string(),
                schema_name: None,
                docs: Docs {
                    title: None,
                    description: Some(format!(
                        "Inferred from the spec's success examples (`{}`): the spec does not declare this object.",
                        ptr.trim_start_matches('#')
                    )),
                },
                kind: TypeKind::Struct(Struct {
                    fields,
                    additional: None,
                    additional_name: String::new(),
                    list_member: None,
                }),
                usage: Usage::default(),
                module: String::new(),
                file: String::new(),
                used_at: None,
            },
        );
        TypeRef::Named(name)
    }
}

/// What `Lowerer::fit_as` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// Evidence that example values are of a type: an object must share most of its members with
    /// the struct.
    Typing,
    /// The client decodes the value without drift: undeclared members are kept, a decimal integer
    /// string fits an integer.
    Decoding,
}

/// `-?[0-9]+`: what the decoder accepts as an integer in a string.
fn is_decimal_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::is_decimal_integer;

    #[test]
    fn decimal_integers_are_what_the_decoder_coerces() {
        for text in ["0", "42", "-7", "1663597223"] {
            assert!(is_decimal_integer(text), "{text}");
        }
        for text in ["", "-", "1.5", "1e3", "+5", " 5", "5 ", "0x10", "true"] {
            assert!(!is_decimal_integer(text), "{text}");
        }
    }
}
