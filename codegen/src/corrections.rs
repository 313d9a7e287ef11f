//! Corrections: a file of fixes to a description, applied to its JSON tree before lowering.
//!
//! Intercom generates its official SDKs from a description plus an override file of the same
//! upstream repository (`fern/openapi-overrides.yml`), deep-merged onto it. Part of that file fixes
//! schemas Intercom found wrong against its servers; most of it is SDK-only (`x-fern-*` naming and
//! pagination hints). A pin may name such a file (`[corrections]` in `specs/<version>.toml`, see
//! [`crate::specs`]); so may a user, with a file of their own.
//!
//! The merge is JSON Merge Patch (RFC 7386), through the `json-patch` crate: objects merge member by
//! member, a `null` member removes that member, anything else (scalars, arrays) replaces. The
//! differences from Intercom's own tool (Fern: lodash `mergeWith`, then every `null` removed), and
//! why they do not matter for Intercom's files, are in README ("Corrections").
//!
//! Before merging, every `x-fern-*` member is dropped (SDK-only), and an object left empty by that
//! is dropped too, so a patch entry that only named an SDK method adds no empty object.
//!
//! One reading goes beyond RFC 7386, because Intercom's file needs it: a `null` member of an object
//! inside an array (`anyOf: [{properties: {id: ..., user_id: null}}]`: "this branch has no
//! `user_id`") is dropped, as RFC 7386 drops a `null` in a new object, instead of being kept as a
//! literal `null` (which is not a valid schema). Fern gets there by dropping every `null`.
//!
//! A *change* is a JSON pointer at which applying the patch changed the description: a member
//! added (once, however large its value), removed, or replaced by a different value; an object
//! merged into an object counts through its members. Entries that change nothing (a `null` for an
//! absent member, a value equal to the one there) are not changes. `cargo xtask regen` prints the
//! count: `corrections: <version>: <n> schema changes applied`.
//!
//! Pure functions, no I/O: [`crate::specs`] finds the file, [`crate::load`] applies it.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Warning, pointer_token};

/// Members of a corrections file whose name starts with this are SDK-only and ignored.
pub const SDK_PREFIX: &str = "x-fern-";

/// A parsed corrections file, ready to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    /// The merge patch, without its SDK-only members (always an object).
    pub patch: Value,
    /// How many `x-fern-*` members were dropped.
    pub sdk_members: usize,
    /// Pointers (into the corrections file) of mapping keys given twice; the later value is used.
    pub duplicates: Vec<String>,
    /// How many `null` members of objects inside arrays were dropped.
    pub array_nulls: usize,
}

/// What applying a patch changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A member that was not there.
    Added,
    /// A member removed by a `null`.
    Removed,
    /// A member given a different value.
    Replaced,
}

/// One change: where, and what kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// JSON pointer into the description (`#/components/schemas/contact/required`).
    pub pointer: String,
    /// What happened there.
    pub kind: ChangeKind,
}

/// The outcome of [`apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// Every change, in patch order.
    pub changes: Vec<Change>,
    /// `x-fern-*` members ignored.
    pub sdk_members: usize,
    /// Things about the corrections file worth a look (duplicate keys).
    pub warnings: Vec<Warning>,
}

/// Parses a corrections file (YAML or JSON) into a [`Patch`]. A mapping key given twice is not an
/// error: the later value is used, as Intercom's own tool (js-yaml with `json: true`) reads it,
/// and the key is listed in [`Patch::duplicates`]. Errors name the JSON pointer in the file.
pub fn parse(text: &str) -> Result<Patch, Error> {
    let duplicates = RefCell::new(Vec::new());
    let failed_at = RefCell::new(None);
    let seed = Node {
        ptr: "#".to_string(),
        duplicates: &duplicates,
        failed_at: &failed_at,
    };
    let raw = seed
        .deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            let ptr = failed_at
                .borrow()
                .clone()
                .unwrap_or_else(|| "#".to_string());
            Error::at(ptr, format!("invalid corrections: {e}"))
        })?;
    if !raw.is_object() {
        return Err(Error::at(
            "#",
            "corrections must be a mapping at the top level (a JSON Merge Patch of the description)",
        ));
    }
    let mut sdk_members = 0;
    let mut array_nulls = 0;
    let patch = drop_nulls_in_arrays(strip_sdk(&raw, &mut sdk_members), false, &mut array_nulls);
    Ok(Patch {
        patch,
        sdk_members,
        duplicates: duplicates.into_inner(),
        array_nulls,
    })
}

/// `value` without the `null` members of objects inside arrays (at any depth below an array),
/// counted in `dropped`. Outside arrays a `null` member is kept: it removes that member.
pub fn drop_nulls_in_arrays(value: Value, in_array: bool, dropped: &mut usize) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if in_array && v.is_null() {
                    *dropped += 1;
                } else {
                    out.insert(k, drop_nulls_in_arrays(v, in_array, dropped));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| drop_nulls_in_arrays(v, true, dropped))
                .collect(),
        ),
        other => other,
    }
}

/// `value` without its `x-fern-*` members (at any depth, also inside arrays), counting them in
/// `dropped`. An object that had members and has none left is dropped from its parent object.
pub fn strip_sdk(value: &Value, dropped: &mut usize) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                if k.starts_with(SDK_PREFIX) {
                    *dropped += 1;
                    continue;
                }
                let stripped = strip_sdk(v, dropped);
                let emptied = v.as_object().is_some_and(|m| !m.is_empty())
                    && stripped.as_object().is_some_and(Map::is_empty);
                if !emptied {
                    out.insert(k.clone(), stripped);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| strip_sdk(v, dropped)).collect()),
        other => other.clone(),
    }
}

/// The changes `patch` makes to `target` (see the module docs), without applying it.
pub fn changes(target: &Value, patch: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    collect(Some(target), patch, "#", &mut out);
    out
}

fn collect(target: Option<&Value>, patch: &Value, ptr: &str, out: &mut Vec<Change>) {
    let Some(members) = patch.as_object() else {
        return;
    };
    let target = target.and_then(Value::as_object);
    for (k, pv) in members {
        let here = format!("{ptr}/{}", pointer_token(k));
        let tv = target.and_then(|t| t.get(k));
        let kind = match (tv, pv) {
            (None, Value::Null) => None,
            (Some(_), Value::Null) => Some(ChangeKind::Removed),
            (Some(t @ Value::Object(_)), Value::Object(_)) => {
                collect(Some(t), pv, &here, out);
                None
            }
            (None, _) => Some(ChangeKind::Added),
            (Some(t), _) => {
                let mut merged = t.clone();
                json_patch::merge(&mut merged, pv);
                (merged != *t).then_some(ChangeKind::Replaced)
            }
        };
        if let Some(kind) = kind {
            out.push(Change {
                pointer: here,
                kind,
            });
        }
    }
}

/// Applies `patch` to the description tree `doc` (RFC 7386, `json_patch::merge`) and says what
/// changed.
pub fn apply(doc: &mut Value, patch: &Patch) -> Applied {
    let changes = changes(doc, &patch.patch);
    json_patch::merge(doc, &patch.patch);
    let warnings = patch
        .duplicates
        .iter()
        .map(|ptr| Warning {
            pointer: ptr.clone(),
            message: "corrections file: this key is given twice; the later value is used (as Intercom's own tool reads it)".to_string(),
        })
        .collect();
    Applied {
        changes,
        sdk_members: patch.sdk_members,
        warnings,
    }
}

/// Deserializes one YAML node into JSON, tracking its pointer: duplicate keys are recorded (the
/// later value wins), keys are stringified as [`crate::load`] does.
struct Node<'a> {
    ptr: String,
    duplicates: &'a RefCell<Vec<String>>,
    failed_at: &'a RefCell<Option<String>>,
}

impl Node<'_> {
    fn child(&self, token: &str) -> Self {
        Node {
            ptr: format!("{}/{}", self.ptr, pointer_token(token)),
            duplicates: self.duplicates,
            failed_at: self.failed_at,
        }
    }

    fn fail<E: de::Error>(&self, message: impl fmt::Display) -> E {
        self.failed_at
            .borrow_mut()
            .get_or_insert_with(|| self.ptr.clone());
        E::custom(message)
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| self.fail(format!("number {v} cannot be represented in JSON")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self.child(&out.len().to_string()))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<serde_yaml::Value>()? {
            let key = match key {
                serde_yaml::Value::String(s) => s,
                serde_yaml::Value::Number(n) => n.to_string(),
                serde_yaml::Value::Bool(b) => b.to_string(),
                serde_yaml::Value::Null => "null".to_string(),
                _ => return Err(self.fail("mapping keys must be scalars")),
            };
            let child = self.child(&key);
            let ptr = child.ptr.clone();
            let value = map.next_value_seed(child)?;
            if out.insert(key, value).is_some() {
                self.duplicates.borrow_mut().push(ptr);
            }
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged node (`!tag value`): its value, as `load` reads tags.
        let (_tag, variant) = data.variant::<serde_yaml::Value>()?;
        de::VariantAccess::newtype_variant_seed(variant, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(text: &str) -> Patch {
        parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn applied(doc: Value, text: &str) -> (Value, Applied) {
        let mut doc = doc;
        let a = apply(&mut doc, &patch(text));
        (doc, a)
    }

    fn kinds(a: &Applied) -> Vec<(&str, ChangeKind)> {
        a.changes
            .iter()
            .map(|c| (c.pointer.as_str(), c.kind))
            .collect()
    }

    #[test]
    fn null_removes_objects_merge_arrays_and_scalars_replace() {
        let doc = json!({
            "s": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
                  "required": ["a", "b"]},
            "keep": 1
        });
        let (out, a) = applied(
            doc,
            "s:\n  properties:\n    b: null\n    c: {type: boolean}\n  required: [a]\n  type: object\n",
        );
        assert_eq!(
            out,
            json!({
                "s": {"type": "object", "properties": {"a": {"type": "string"}, "c": {"type": "boolean"}},
                      "required": ["a"]},
                "keep": 1
            })
        );
        // `type: object` is the value already there: no change.
        assert_eq!(
            kinds(&a),
            vec![
                ("#/s/properties/b", ChangeKind::Removed),
                ("#/s/properties/c", ChangeKind::Added),
                ("#/s/required", ChangeKind::Replaced),
            ]
        );
    }

    #[test]
    fn an_array_is_replaced_whole_not_merged_by_position() {
        let doc =
            json!({"p": [{"name": "a", "in": "query", "example": 1}, {"name": "b", "in": "path"}]});
        let (out, a) = applied(doc, "p:\n  - {name: b, in: path}\n");
        assert_eq!(out, json!({"p": [{"name": "b", "in": "path"}]}));
        assert_eq!(kinds(&a), vec![("#/p", ChangeKind::Replaced)]);
    }

    #[test]
    fn a_null_member_inside_an_array_means_absent() {
        let doc = json!({"s": {"properties": {"id": {}, "user_id": {}}, "anyOf": [{"required": ["id"]}]}});
        let text = "s:\n  properties: null\n  anyOf:\n    - properties: {id: {type: string}, user_id: null}\n      required: [id]\n    - [{a: null, b: 1}, null]\n";
        let p = patch(text);
        assert_eq!(p.array_nulls, 2);
        let (out, _) = applied(doc, text);
        assert_eq!(
            out,
            json!({"s": {"anyOf": [
                {"properties": {"id": {"type": "string"}}, "required": ["id"]},
                [{"b": 1}, null]
            ]}})
        );
    }

    #[test]
    fn sdk_members_are_ignored_and_leave_no_empty_objects() {
        let doc = json!({"paths": {"/a": {"get": {"operationId": "x"}}}});
        let text = "paths:\n  /a:\n    get:\n      x-fern-sdk-method-name: list\n  /b:\n    post:\n      x-fern-sdk-group-name: [b]\nx-fern-version: {default: '1'}\n";
        let p = patch(text);
        assert_eq!(p.sdk_members, 3);
        assert_eq!(p.patch, json!({}));
        let (out, a) = applied(doc.clone(), text);
        assert_eq!(out, doc);
        assert!(a.changes.is_empty());
        // An object empty in the file itself is kept: merging it adds an empty object.
        let (out, a) = applied(json!({}), "a: {}\n");
        assert_eq!(out, json!({"a": {}}));
        assert_eq!(kinds(&a), vec![("#/a", ChangeKind::Added)]);
    }

    #[test]
    fn no_op_entries_are_not_changes_and_a_new_subtree_counts_once() {
        let doc = json!({"a": {"b": 1}, "n": null});
        let (out, a) = applied(
            doc,
            "a: {b: 1}\nmissing: null\nnew: {x: {y: 1, z: [1, 2]}}\n",
        );
        assert_eq!(out["new"], json!({"x": {"y": 1, "z": [1, 2]}}));
        assert_eq!(kinds(&a), vec![("#/new", ChangeKind::Added)]);
        // Replacing a scalar by an object is one change.
        let (out, a) = applied(json!({"a": "s"}), "a: {t: 1}\n");
        assert_eq!(out, json!({"a": {"t": 1}}));
        assert_eq!(kinds(&a), vec![("#/a", ChangeKind::Replaced)]);
    }

    #[test]
    fn duplicate_keys_keep_the_later_value_with_a_warning() {
        let text =
            "components:\n  schemas:\n    a: {required: [x]}\n    b: {}\n    a: {required: [y]}\n";
        let p = patch(text);
        assert_eq!(p.duplicates, vec!["#/components/schemas/a".to_string()]);
        assert_eq!(
            p.patch["components"]["schemas"]["a"],
            json!({"required": ["y"]})
        );
        let (_, a) = applied(json!({}), text);
        assert_eq!(a.warnings.len(), 1);
        assert_eq!(a.warnings[0].pointer, "#/components/schemas/a");
    }

    #[test]
    fn bad_files_are_errors_with_pointers_not_panics() {
        let e = parse("- a\n- b\n").err().map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|e| e.starts_with("#: corrections must be a mapping")),
            "{e:?}"
        );
        let e = parse("a: [1\n").err().map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|e| e.contains("invalid corrections")),
            "{e:?}"
        );
        let e = parse("a:\n  b:\n    ? [1, 2]\n    : c\n").err();
        assert_eq!(
            e.as_ref().map(|e| e.pointer.as_str()),
            Some("#/a/b"),
            "{e:?}"
        );
        let e = parse("a:\n  - .nan\n").err();
        assert_eq!(
            e.as_ref().map(|e| e.pointer.as_str()),
            Some("#/a/0"),
            "{e:?}"
        );
        // YAML keys that are not strings are stringified, as the description's are.
        assert_eq!(
            patch("r:\n  200: {d: 1}\n").patch,
            json!({"r": {"200": {"d": 1}}})
        );
    }
}
