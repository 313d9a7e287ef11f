//! Schemas -> named types and type references.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{ReferenceOr, Schema};

use super::view::{Additional, Node, View};
use super::{Lowerer, component_pointer};
use crate::error::{Error, pointer_token};
use crate::ir::{
    Docs, EnumVariant, Field, StringEnum, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant,
    Usage,
};
use crate::naming;

/// How deep `allOf` / `$ref` chains may nest before we call it a loop.
const MAX_DEPTH: usize = 64;

/// The merged properties of an object-like schema (its own, plus everything from `allOf`).
#[derive(Default, Clone)]
pub(crate) struct ObjectShape<'a> {
    pub properties: Vec<(&'a str, Node<'a>, String)>,
    pub required: BTreeSet<&'a str>,
    pub additional: Option<(Additional<'a>, String)>,
}

/// What a schema lowers to before it is given a name.
enum Shape {
    Ref(TypeRef),
    Kind(TypeKind, &'static [&'static str]),
}

/// What every variant of one union is lowered with.
struct UnionParts<'a, 'u> {
    ptr: &'u str,
    /// `oneOf` or `anyOf`.
    key: &'u str,
    union_name: &'u str,
    /// The members every variant has besides its own.
    base: Option<&'u ObjectShape<'a>>,
    /// Each variant's constant members.
    consts: &'u [BTreeMap<String, String>],
    tag: Option<&'u str>,
}

fn docs_of(v: &View<'_>) -> Docs {
    Docs {
        title: v.title.map(str::to_string),
        description: v.description.map(str::to_string),
    }
}

impl<'a> Lowerer<'a> {
    /// The component schema called `name`, following component-level `$ref` aliases.
    pub(crate) fn component_schema(&self, name: &str) -> Option<&'a Schema> {
        let comps = &self.doc.openapi.components.as_ref()?.schemas;
        let mut current = comps.get(name)?;
        for _ in 0..MAX_DEPTH {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    current = comps.get(reference.strip_prefix("#/components/schemas/")?)?;
                }
            }
        }
        None
    }

    /// Lowers component schema `name` (once) and returns its Rust name.
    pub(crate) fn ensure_component(&mut self, name: &str) -> Result<String, Error> {
        let rust = match self.component_names.get(name) {
            Some(r) => r.clone(),
            None => {
                return Err(Error::at(
                    component_pointer(name),
                    "unknown component schema",
                ));
            }
        };
        if !self.started.insert(name.to_string()) {
            return Ok(rust);
        }
        let ptr = component_pointer(name);
        let comps = &self.doc.openapi.components.as_ref().map(|c| &c.schemas);
        let entry = comps.and_then(|c| c.get(name));
        match entry {
            Some(ReferenceOr::Item(s)) => {
                self.schema(s, &ptr, &rust, Some(rust.clone()), Some(name))?;
            }
            Some(ReferenceOr::Reference { reference }) => {
                let target = self.resolve_ref(reference, &ptr)?;
                self.insert(TypeDef {
                    name: rust.clone(),
                    pointer: ptr,
                    schema_name: Some(name.to_string()),
                    docs: Docs::default(),
                    kind: TypeKind::Alias(target),
                    usage: Usage::default(),
                    module: String::new(),
                    file: String::new(),
                    used_at: None,
                });
            }
            None => return Err(Error::at(ptr, "unknown component schema")),
        }
        Ok(rust)
    }

    fn insert(&mut self, def: TypeDef) {
        self.types.insert(def.name.clone(), def);
    }

    /// A `$ref` target -> type. A dangling component ref becomes a free-form object (with a warning).
    pub(crate) fn resolve_ref(&mut self, target: &str, ptr: &str) -> Result<TypeRef, Error> {
        let Some(name) = target.strip_prefix("#/components/schemas/") else {
            self.warn(ptr, format!("unsupported $ref {target:?} (only #/components/schemas/*): using serde_json::Value"));
            return Ok(TypeRef::Json);
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        if self.component_names.contains_key(&name) {
            // Every component is lowered by `lower_components`; its name is already claimed, so a
            // reference needs no recursion (long $ref chains cannot overflow the stack).
            return Ok(TypeRef::Named(self.component_names[&name].clone()));
        }
        let rust = match self.dangling.get(&name) {
            Some(r) => r.clone(),
            None => {
                let rust = naming::claim(&mut self.taken, &naming::type_name(&name), &["Schema"]);
                self.dangling.insert(name.clone(), rust.clone());
                self.insert(TypeDef {
                    name: rust.clone(),
                    pointer: component_pointer(&name),
                    schema_name: Some(name.clone()),
                    docs: Docs {
                        title: None,
                        description: Some(format!(
                            "Free-form JSON object standing in for `{name}`, which the spec references but does not define."
                        )),
                    },
                    kind: TypeKind::Alias(TypeRef::JsonObject),
                    usage: Usage::default(),
                    module: String::new(),
                    file: String::new(),
                    used_at: None,
                });
                rust
            }
        };
        self.warn(
            ptr,
            format!(
                "dangling $ref {target:?}: no such schema; using a free-form JSON object (`{rust}`)"
            ),
        );
        Ok(TypeRef::Named(rust))
    }

    /// Lowers a schema position (`$ref` or inline) found at `ptr`; inline named types are called `hint`.
    pub(crate) fn node(&mut self, node: Node<'a>, ptr: &str, hint: &str) -> Result<TypeRef, Error> {
        match node {
            Node::Ref(target) => self.resolve_ref(target, ptr),
            Node::Inline(s) => {
                if let Some(t) = self.memo.get(ptr) {
                    return Ok(t.clone());
                }
                let t = self.schema(s, ptr, hint, None, None)?;
                self.memo.insert(ptr.to_string(), t.clone());
                Ok(t)
            }
        }
    }

    /// `nullable` of a schema position: on the inline schema, beside the `$ref`, or on the target.
    pub(crate) fn node_nullable(&self, node: Node<'a>, ptr: &str) -> bool {
        match node {
            Node::Inline(s) => {
                let v = View::new(s);
                v.nullable
                    || v.enum_has_null
                    || v.one_of
                        .iter()
                        .chain(&v.any_of)
                        .any(|n| self.node_nullable(*n, ""))
            }
            Node::Ref(target) => {
                let beside = self
                    .raw_at(ptr)
                    .and_then(|r| r.get("nullable"))
                    .and_then(|n| n.as_bool())
                    .unwrap_or(false);
                beside
                    || target
                        .strip_prefix("#/components/schemas/")
                        .and_then(|n| self.component_schema(n))
                        .is_some_and(|s| s.schema_data.nullable)
            }
        }
    }

    /// Docs of a schema position (a `$ref` keeps the description written beside it).
    fn node_docs(&self, node: Node<'a>, ptr: &str) -> Docs {
        match node {
            Node::Inline(s) => docs_of(&View::new(s)),
            Node::Ref(_) => {
                let raw = self.raw_at(ptr);
                let get = |k: &str| {
                    raw.and_then(|r| r.get(k))
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                };
                Docs {
                    title: get("title"),
                    description: get("description"),
                }
            }
        }
    }

    /// Lowers one schema. With `name`, the result is always a named type of that name.
    pub(crate) fn schema(
        &mut self,
        s: &'a Schema,
        ptr: &str,
        hint: &str,
        name: Option<String>,
        schema_name: Option<&str>,
    ) -> Result<TypeRef, Error> {
        let v = View::new(s);
        // Unions name their inline variants after themselves, so they need their name first.
        let union_name = if !v.one_of.is_empty() || !v.any_of.is_empty() {
            Some(match &name {
                Some(n) => n.clone(),
                None => naming::claim(&mut self.taken, hint, &["Union"]),
            })
        } else {
            None
        };
        let shape = self.shape(&v, ptr, hint, union_name.as_deref())?;
        let (kind, suffixes) = match shape {
            Shape::Ref(t) => match name {
                None => {
                    if let Some(u) = union_name {
                        self.taken.remove(&u);
                    }
                    return Ok(t);
                }
                Some(_) => (TypeKind::Alias(t), &[][..]),
            },
            Shape::Kind(k, suffixes) => (k, suffixes),
        };
        let rust = match (name, union_name) {
            (Some(n), _) => n,
            (None, Some(u)) => u,
            (None, None) => naming::claim(&mut self.taken, hint, suffixes),
        };
        self.insert(TypeDef {
            name: rust.clone(),
            pointer: ptr.to_string(),
            schema_name: schema_name.map(str::to_string),
            docs: docs_of(&v),
            kind,
            usage: Usage::default(),
            module: String::new(),
            file: String::new(),
            used_at: None,
        });
        Ok(TypeRef::Named(rust))
    }

    fn shape(
        &mut self,
        v: &View<'a>,
        ptr: &str,
        hint: &str,
        union_name: Option<&str>,
    ) -> Result<Shape, Error> {
        if v.not {
            self.warn(ptr, "`not` is not supported: using serde_json::Value");
            return Ok(Shape::Ref(TypeRef::Json));
        }
        if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (key, variants) = if v.one_of.is_empty() {
                ("anyOf", &v.any_of)
            } else {
                ("oneOf", &v.one_of)
            };
            if !v.one_of.is_empty() && !v.any_of.is_empty() {
                self.warn(ptr, "both oneOf and anyOf: anyOf is ignored");
            }
            let variants = variants.clone();
            return self.union_shape(
                v,
                &variants,
                ptr,
                key,
                hint,
                union_name.unwrap_or(hint),
                None,
            );
        }
        if !v.all_of.is_empty() {
            if v.all_of.len() == 1 && v.properties.is_empty() {
                let t = self.node(v.all_of[0], &format!("{ptr}/allOf/0"), hint)?;
                return Ok(Shape::Ref(t));
            }
            let shape = self.object_shape_of_view(v, ptr, 0)?;
            return self.struct_shape(shape, ptr, hint);
        }
        if v.enum_other && matches!(v.ty, None | Some("string")) {
            self.warn(
                ptr,
                "enum values that are not strings are ignored: only the string values get variants",
            );
        }
        if !v.enum_values.is_empty() && matches!(v.ty, None | Some("string")) {
            return Ok(Shape::Kind(
                TypeKind::Enum(enum_of(&v.enum_values)),
                &["Enum"],
            ));
        }
        self.typed_shape(v, ptr, hint)
    }

    /// A schema by its `type` alone: a scalar, an array, an object (a struct when it has
    /// properties, else a map or a JSON object), or any JSON value without a type.
    fn typed_shape(&mut self, v: &View<'a>, ptr: &str, hint: &str) -> Result<Shape, Error> {
        Ok(match v.ty {
            Some("string") => Shape::Ref(TypeRef::String),
            Some("integer") => Shape::Ref(TypeRef::Integer),
            Some("number") => Shape::Ref(TypeRef::Number),
            Some("boolean") => Shape::Ref(TypeRef::Boolean),
            Some("array") => {
                let item = match v.items {
                    Some(n) => {
                        let iptr = format!("{ptr}/items");
                        let t = self.node(n, &iptr, &format!("{hint}Item"))?;
                        nullable_if(t, self.node_nullable(n, &iptr))
                    }
                    None => TypeRef::Json,
                };
                Shape::Ref(TypeRef::Array(Box::new(item)))
            }
            Some("object") | None if !v.properties.is_empty() => {
                let shape = self.object_shape_of_view(v, ptr, 0)?;
                return self.struct_shape(shape, ptr, hint);
            }
            Some("object") => match v.additional {
                Some(Additional::Schema(n)) => {
                    let aptr = format!("{ptr}/additionalProperties");
                    let value = self.node(n, &aptr, &format!("{hint}Value"))?;
                    let value = nullable_if(value, self.node_nullable(n, &aptr));
                    Shape::Ref(TypeRef::Map(Box::new(value)))
                }
                _ => Shape::Ref(TypeRef::JsonObject),
            },
            None => Shape::Ref(TypeRef::Json),
            Some(other) => {
                return Err(Error::at(
                    format!("{ptr}/type"),
                    format!("unknown schema type {other:?}"),
                ));
            }
        })
    }

    /// Own properties plus everything merged in through `allOf` (following `$ref`s).
    pub(crate) fn object_shape_of_view(
        &mut self,
        v: &View<'a>,
        ptr: &str,
        depth: usize,
    ) -> Result<ObjectShape<'a>, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::at(ptr, "allOf / $ref loop"));
        }
        let mut out = ObjectShape::default();
        for (i, part) in v.all_of.iter().enumerate() {
            let part_ptr = format!("{ptr}/allOf/{i}");
            let sub = self.object_shape_of_node(*part, &part_ptr, depth + 1)?;
            merge(&mut out, sub);
        }
        let mut own = ObjectShape::default();
        for (name, node) in &v.properties {
            own.properties.push((
                name,
                *node,
                format!("{ptr}/properties/{}", pointer_token(name)),
            ));
        }
        own.required = v.required.iter().copied().collect();
        if let Some(a) = v.additional {
            own.additional = Some((a, format!("{ptr}/additionalProperties")));
        }
        // anyOf/oneOf entries that only add `required`: a field is required when every entry requires it.
        let constraints: Vec<&Node<'a>> = v.one_of.iter().chain(&v.any_of).collect();
        if !constraints.is_empty() {
            let mut common: Option<BTreeSet<&'a str>> = None;
            for c in constraints {
                // A `$ref` entry is not read here: it is taken to require nothing.
                let req: BTreeSet<&'a str> = match c {
                    Node::Inline(s) => View::new(s).required.iter().copied().collect(),
                    Node::Ref(_) => BTreeSet::new(),
                };
                common = Some(match common {
                    None => req,
                    Some(prev) => prev.intersection(&req).copied().collect(),
                });
            }
            own.required.extend(common.unwrap_or_default());
        }
        merge(&mut out, own);
        Ok(out)
    }

    fn object_shape_of_node(
        &mut self,
        node: Node<'a>,
        ptr: &str,
        depth: usize,
    ) -> Result<ObjectShape<'a>, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::at(ptr, "allOf / $ref loop"));
        }
        match node {
            Node::Inline(s) => {
                let v = View::new(s);
                let real_union = v
                    .one_of
                    .iter()
                    .chain(&v.any_of)
                    .any(|n| !n.is_constraint_only());
                if real_union {
                    self.warn(
                        ptr,
                        "a oneOf/anyOf inside allOf cannot be merged: its variants are ignored",
                    );
                }
                self.object_shape_of_view(&v, ptr, depth + 1)
            }
            Node::Ref(target) => {
                match self.component_of_ref(target) {
                    Some((name, s)) => {
                        let v = View::new(s);
                        self.object_shape_of_view(&v, &component_pointer(&name), depth + 1)
                    }
                    None => {
                        // Dangling: register the stand-in (and its warning); nothing to merge.
                        self.resolve_ref(target, ptr)?;
                        Ok(ObjectShape::default())
                    }
                }
            }
        }
    }

    /// The component a `$ref` names (`#/components/schemas/<name>`, `~1`/`~0` unescaped), if it
    /// exists.
    pub(super) fn component_of_ref(&self, target: &str) -> Option<(String, &'a Schema)> {
        let name = target
            .strip_prefix("#/components/schemas/")?
            .replace("~1", "/")
            .replace("~0", "~");
        let schema = self.component_schema(&name)?;
        Some((name, schema))
    }

    /// Docs for a member documented by nothing but its name: the first paragraph of the description
    /// of the schema it refers to (directly, or as the items of an array), or nothing.
    fn referenced_docs(&self, node: Node<'a>) -> Docs {
        let target = match node {
            Node::Ref(t) => Some(t),
            Node::Inline(s) => match View::new(s).items {
                Some(Node::Ref(t)) => Some(t),
                _ => None,
            },
        };
        let description = target
            .and_then(|t| self.component_of_ref(t))
            .and_then(|(_, schema)| schema.schema_data.description.as_deref())
            .and_then(|d| d.trim().split("\n\n").next())
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        Docs {
            title: None,
            description,
        }
    }

    fn struct_shape(
        &mut self,
        shape: ObjectShape<'a>,
        ptr: &str,
        hint: &str,
    ) -> Result<Shape, Error> {
        let mut fields = Vec::new();
        let mut taken = BTreeSet::new();
        for (wire, node, fptr) in shape.properties {
            let ty = match self.base_fields.get(&fptr) {
                Some(ty) => ty.clone(),
                None => self.node(node, &fptr, &format!("{hint}{}", naming::type_name(wire)))?,
            };
            let nullable = self.node_nullable(node, &fptr);
            let mut docs = self.node_docs(node, &fptr);
            if docs.is_empty() {
                docs = self.referenced_docs(node);
            }
            let rust_name = naming::claim(&mut taken, &naming::field_name(wire), &["_"]);
            fields.push(Field {
                wire_name: wire.to_string(),
                rust_name,
                ty,
                required: shape.required.contains(wire),
                nullable,
                docs,
                boxed: false,
                constant: None,
            });
        }
        let additional = match shape.additional {
            Some((Additional::Schema(n), aptr)) => {
                Some(self.node(n, &aptr, &format!("{hint}Value"))?)
            }
            Some((Additional::Any, _)) => Some(TypeRef::Json),
            Some((Additional::Deny, _)) | None => None,
        };
        if fields.is_empty() {
            return Ok(Shape::Ref(match additional {
                Some(TypeRef::Json) | None => TypeRef::JsonObject,
                Some(t) => TypeRef::Map(Box::new(t)),
            }));
        }
        let _ = ptr;
        Ok(Shape::Kind(
            TypeKind::Struct(Struct {
                fields,
                additional,
                additional_name: String::new(),
                list_member: None,
            }),
            &["Object"],
        ))
    }

    /// `base`: members every variant has besides its own (the properties and `required` written
    /// beside the `oneOf`, and those of enclosing unions), merged into each variant.
    #[allow(clippy::too_many_arguments)]
    fn union_shape(
        &mut self,
        v: &View<'a>,
        variants: &[Node<'a>],
        ptr: &str,
        key: &str,
        hint: &str,
        union_name: &str,
        base: Option<ObjectShape<'a>>,
    ) -> Result<Shape, Error> {
        // anyOf/oneOf entries that only add `required` constraints: a plain struct.
        let constraint_only = variants.iter().all(Node::is_constraint_only);
        if constraint_only && base.is_none() {
            let shape = self.object_shape_of_view(v, ptr, 0)?;
            return self.struct_shape(shape, ptr, hint);
        }
        let base = self.union_base(v, ptr, key, base)?;
        if let Some(base) = &base {
            self.lower_base_fields(base, union_name)?;
        }
        if variants.len() == 1 && base.is_none() {
            let t = self.node(variants[0], &format!("{ptr}/{key}/0"), hint)?;
            return Ok(Shape::Ref(t));
        }
        // Tag detection: one property with a distinct constant value in every variant.
        let consts: Vec<BTreeMap<String, String>> = variants
            .iter()
            .enumerate()
            .map(|(i, n)| self.const_props(*n, &format!("{ptr}/{key}/{i}"), 0))
            .collect();
        let tag = find_tag(&consts);
        let names = self.variant_names(variants, &consts, tag.as_deref());
        let union = UnionParts {
            ptr,
            key,
            union_name,
            base: base.as_ref(),
            consts: &consts,
            tag: tag.as_deref(),
        };
        let mut taken: BTreeSet<String> = ["Unknown", "Other", "Null"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut out = Vec::new();
        let mut has_null = v.nullable;
        for (i, node) in variants.iter().enumerate() {
            let rust_name = naming::claim(&mut taken, &names[i], &["Variant"]);
            let variant = self.union_variant(&union, i, *node, rust_name, &out, &mut has_null)?;
            out.push(variant);
        }
        if has_null && tag.is_none() {
            out.push(UnionVariant {
                rust_name: "Null".to_string(),
                ty: TypeRef::Json,
                tag_value: None,
                docs: Docs {
                    title: Some("JSON `null`.".to_string()),
                    description: None,
                },
                boxed: false,
            });
        }
        Ok(Shape::Kind(
            TypeKind::Union(Union { tag, variants: out }),
            &["Union"],
        ))
    }

    /// The members every variant of a union has: those of enclosing unions (`outer`) and those
    /// written beside the oneOf (and `required` naming members the variants declare). Each variant
    /// is lowered as base + its own members.
    fn union_base(
        &mut self,
        v: &View<'a>,
        ptr: &str,
        key: &str,
        outer: Option<ObjectShape<'a>>,
    ) -> Result<Option<ObjectShape<'a>>, Error> {
        Ok(match outer {
            Some(mut outer) => {
                if !v.properties.is_empty() || !v.required.is_empty() || !v.all_of.is_empty() {
                    let own = self.object_shape_of_view(v, ptr, 0)?;
                    merge(&mut outer, own);
                }
                Some(outer)
            }
            None if !v.properties.is_empty() || !v.all_of.is_empty() => {
                self.warn(
                    ptr,
                    format!(
                        "properties beside {key}: merged into every variant (each variant is the common members plus its own)"
                    ),
                );
                Some(self.object_shape_of_view(v, ptr, 0)?)
            }
            None => None,
        })
    }

    /// The types of a union's common members, lowered once per member (named after the union).
    fn lower_base_fields(&mut self, base: &ObjectShape<'a>, union_name: &str) -> Result<(), Error> {
        for (wire, node, fptr) in &base.properties {
            if !self.base_fields.contains_key(fptr) {
                let ty = self.node(
                    *node,
                    fptr,
                    &format!("{union_name}{}", naming::type_name(wire)),
                )?;
                self.base_fields.insert(fptr.clone(), ty);
            }
        }
        Ok(())
    }

    /// The variants' names before claiming: their types' names (without the words they all share
    /// when every one comes from a name), or the tag's values when those names collide.
    fn variant_names(
        &self,
        variants: &[Node<'a>],
        consts: &[BTreeMap<String, String>],
        tag: Option<&str>,
    ) -> Vec<String> {
        let mut bases: Vec<(String, bool)> =
            variants.iter().map(|n| self.variant_base(*n)).collect();
        distinguish_inline_objects(variants, &mut bases);
        let mut names: Vec<String> = bases.iter().map(|(b, _)| b.clone()).collect();
        if bases.iter().all(|(_, from_name)| *from_name)
            && let Some(stripped) = naming::strip_common_words(&names)
        {
            names = stripped;
        }
        if let Some(tag) = tag {
            let distinct: BTreeSet<&String> = names.iter().collect();
            if distinct.len() != names.len() {
                names = consts
                    .iter()
                    .map(|c| naming::enum_variant_name(&c[tag]))
                    .collect();
            }
        }
        names
    }

    /// Variant `i` of a union; `earlier`: the variants before it. Sets `has_null` when the
    /// variant is nullable.
    fn union_variant(
        &mut self,
        union: &UnionParts<'a, '_>,
        i: usize,
        node: Node<'a>,
        rust_name: String,
        earlier: &[UnionVariant],
        has_null: &mut bool,
    ) -> Result<UnionVariant, Error> {
        let vptr = format!("{}/{}/{i}", union.ptr, union.key);
        if let Node::Inline(s) = node {
            let vv = View::new(s);
            *has_null |= vv.nullable;
            if vv.is_constraint_only() {
                self.warn(
                    &vptr,
                    "a constraint-only variant mixed with real variants: using serde_json::Value",
                );
                return Ok(UnionVariant {
                    rust_name,
                    ty: TypeRef::Json,
                    tag_value: None,
                    docs: docs_of(&vv),
                    boxed: false,
                });
            }
        }
        let hint = format!("{}{rust_name}", union.union_name);
        let ty = match union.base {
            Some(base) => self.merged_variant(base.clone(), node, &vptr, &hint)?,
            None => self.node(node, &vptr, &hint)?,
        };
        if union.tag.is_none() && earlier.iter().any(|o| o.ty == ty) {
            self.warn(
                &vptr,
                "this variant has the same Rust type as an earlier one: untagged decoding never picks it",
            );
        }
        let mut docs = self.node_docs(node, &vptr);
        if docs.is_empty() {
            docs = self.referenced_docs(node);
        }
        let tag_value = union.tag.map(|t| union.consts[i][t].clone());
        Ok(UnionVariant {
            rust_name,
            ty,
            tag_value,
            docs,
            boxed: false,
        })
    }

    /// A union variant with the union's common members (`base`) merged in: a struct of base + the
    /// variant's members, or, when the variant is itself a union, a union of its variants each
    /// merged with `base`. Always a new named type (`hint`): the variant's own type lacks `base`.
    fn merged_variant(
        &mut self,
        base: ObjectShape<'a>,
        node: Node<'a>,
        ptr: &str,
        hint: &str,
    ) -> Result<TypeRef, Error> {
        let (view, vptr) = match node {
            Node::Inline(s) => (View::new(s), ptr.to_string()),
            Node::Ref(target) => match self.component_of_ref(target) {
                Some((name, s)) => (View::new(s), component_pointer(&name)),
                None => return self.resolve_ref(target, ptr),
            },
        };
        let name = naming::claim(&mut self.taken, hint, &["Variant"]);
        let nested: Vec<Node<'a>> = if view.one_of.is_empty() {
            view.any_of.clone()
        } else {
            view.one_of.clone()
        };
        let real_union = !nested.is_empty() && !nested.iter().all(Node::is_constraint_only);
        let kind = if real_union {
            let key = if view.one_of.is_empty() {
                "anyOf"
            } else {
                "oneOf"
            };
            match self.union_shape(&view, &nested, &vptr, key, &name, &name, Some(base))? {
                Shape::Kind(kind, _) => kind,
                Shape::Ref(t) => {
                    self.taken.remove(&name);
                    return Ok(t);
                }
            }
        } else {
            let mut shape = base;
            let own = self.object_shape_of_view(&view, &vptr, 1)?;
            merge(&mut shape, own);
            match self.struct_shape(shape, &vptr, &name)? {
                Shape::Kind(kind, _) => kind,
                Shape::Ref(t) => {
                    self.taken.remove(&name);
                    return Ok(t);
                }
            }
        };
        self.insert(TypeDef {
            name: name.clone(),
            pointer: ptr.to_string(),
            schema_name: None,
            docs: docs_of(&view),
            kind,
            usage: Usage::default(),
            module: String::new(),
            file: String::new(),
            used_at: None,
        });
        Ok(TypeRef::Named(name))
    }

    /// Base name of a union variant, and whether it comes from a schema name or title (strippable).
    fn variant_base(&self, node: Node<'a>) -> (String, bool) {
        match node {
            Node::Ref(target) => {
                let name = target
                    .rsplit('/')
                    .next()
                    .unwrap_or(target)
                    .replace("~1", "/")
                    .replace("~0", "~");
                let rust = self
                    .component_names
                    .get(&name)
                    .cloned()
                    .unwrap_or_else(|| naming::type_name(&name));
                (rust, true)
            }
            Node::Inline(s) => {
                let v = View::new(s);
                if let Some(t) = v.title.filter(|t| !naming::type_name(t).is_empty()) {
                    return (naming::type_name(t), true);
                }
                (json_type_name(&v), false)
            }
        }
    }

    /// Properties whose value is a single-valued string enum, with that value.
    fn const_props(&mut self, node: Node<'a>, ptr: &str, depth: usize) -> BTreeMap<String, String> {
        if depth > MAX_DEPTH {
            return BTreeMap::new();
        }
        let (view, vptr) = match node {
            Node::Inline(s) => (View::new(s), ptr.to_string()),
            Node::Ref(target) => {
                let Some(name) = target.strip_prefix("#/components/schemas/") else {
                    return BTreeMap::new();
                };
                match self.component_schema(name) {
                    Some(s) => (View::new(s), component_pointer(name)),
                    None => return BTreeMap::new(),
                }
            }
        };
        let nested: Vec<Node<'a>> = view.one_of.iter().chain(&view.any_of).copied().collect();
        if !nested.is_empty() && !nested.iter().all(Node::is_constraint_only) {
            // A union: the constants all of its variants share.
            let mut common: Option<BTreeMap<String, String>> = None;
            for (i, n) in nested.iter().enumerate() {
                let c = self.const_props(*n, &format!("{vptr}/oneOf/{i}"), depth + 1);
                common = Some(match common {
                    None => c,
                    Some(prev) => prev
                        .into_iter()
                        .filter(|(k, val)| c.get(k) == Some(val))
                        .collect(),
                });
            }
            return common.unwrap_or_default();
        }
        let shape = match self.object_shape_of_view(&view, &vptr, depth + 1) {
            Ok(s) => s,
            Err(_) => return BTreeMap::new(),
        };
        let mut out = BTreeMap::new();
        for (name, n, _) in shape.properties {
            let values = match n {
                Node::Inline(s) => View::new(s).enum_values,
                Node::Ref(t) => t
                    .strip_prefix("#/components/schemas/")
                    .and_then(|c| self.component_schema(c))
                    .map(|s| View::new(s).enum_values)
                    .unwrap_or_default(),
            };
            if values.len() == 1 && shape.required.contains(name) {
                out.insert(name.to_string(), values[0].clone());
            }
        }
        out
    }
}

/// `Option<T>` for nullable array items and map values (unions carry their own `Null` variant).
fn nullable_if(t: TypeRef, nullable: bool) -> TypeRef {
    match t {
        TypeRef::Json | TypeRef::Nullable(_) => t,
        _ if nullable => TypeRef::Nullable(Box::new(t)),
        _ => t,
    }
}

fn merge<'a>(into: &mut ObjectShape<'a>, from: ObjectShape<'a>) {
    for (name, node, ptr) in from.properties {
        match into.properties.iter_mut().find(|(n, _, _)| *n == name) {
            Some(slot) => *slot = (name, node, ptr),
            None => into.properties.push((name, node, ptr)),
        }
    }
    into.required.extend(from.required);
    if from.additional.is_some() {
        into.additional = from.additional;
    }
}

fn enum_of(values: &[String]) -> StringEnum {
    let mut taken: BTreeSet<String> = ["Unknown".to_string()].into();
    let mut seen = BTreeSet::new();
    let mut variants = Vec::new();
    for wire in values {
        if !seen.insert(wire.clone()) {
            continue;
        }
        let rust_name = naming::claim(&mut taken, &naming::enum_variant_name(wire), &["Value"]);
        variants.push(EnumVariant {
            rust_name,
            wire: wire.clone(),
        });
    }
    StringEnum { variants }
}

/// A property that every variant fixes to a different constant.
fn find_tag(consts: &[BTreeMap<String, String>]) -> Option<String> {
    let first = consts.first()?;
    let mut candidates: Vec<&String> = first.keys().collect();
    // Prefer the conventional tag names, then alphabetical.
    candidates.sort_by_key(|k| {
        (
            !matches!(k.as_str(), "type" | "message_type" | "object"),
            (*k).clone(),
        )
    });
    candidates
        .into_iter()
        .find(|key| {
            let values: Option<BTreeSet<&String>> = consts.iter().map(|c| c.get(*key)).collect();
            values.is_some_and(|set| set.len() == consts.len())
        })
        .cloned()
}

/// Untitled inline object variants are named after a property that sets them apart: the first
/// required property the other variants do not all require, else the first property the others lack.
fn distinguish_inline_objects(variants: &[Node<'_>], bases: &mut [(String, bool)]) {
    let views: Vec<Option<View<'_>>> = variants
        .iter()
        .map(|n| match n {
            Node::Inline(s) => {
                Some(View::new(s)).filter(|v| v.title.is_none() && !v.properties.is_empty())
            }
            Node::Ref(_) => None,
        })
        .collect();
    for (i, view) in views.iter().enumerate() {
        let Some(v) = view else { continue };
        let others: Vec<&View<'_>> = views
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .filter_map(|(_, o)| o.as_ref())
            .collect();
        if others.is_empty() {
            continue;
        }
        let unique_required = v
            .required
            .iter()
            .find(|r| !others.iter().all(|o| o.required.contains(r)));
        let unique_property = v.properties.iter().map(|(p, _)| p).find(|p| {
            !others
                .iter()
                .any(|o| o.properties.iter().any(|(q, _)| q == *p))
        });
        if let Some(name) = unique_required.or(unique_property) {
            bases[i].0 = naming::type_name(name);
        }
    }
}

fn json_type_name(v: &View<'_>) -> String {
    let prim = |t: Option<&str>| match t {
        Some("string") => "String",
        Some("integer") => "Integer",
        Some("number") => "Number",
        Some("boolean") => "Boolean",
        Some("array") => "Array",
        _ => "Object",
    };
    match v.ty {
        Some("array") => {
            let item = match v.items {
                Some(Node::Inline(s)) => prim(View::new(s).ty),
                Some(Node::Ref(r)) => {
                    return format!(
                        "{}Array",
                        naming::type_name(r.rsplit('/').next().unwrap_or(r))
                    );
                }
                None => "",
            };
            format!("{item}Array")
        }
        Some("object") | None => match (v.required.first(), v.properties.first()) {
            (Some(r), _) => naming::type_name(r),
            (None, Some((p, _))) => naming::type_name(p),
            _ => "Object".to_string(),
        },
        t => prim(t).to_string(),
    }
}
