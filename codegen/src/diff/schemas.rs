//! Schema-level rules: named types (matched by Rust name), their fields (matched by wire name),
//! enum values (by wire value) and union variants (by tag value, or by Rust name when untagged).

use std::collections::BTreeMap;

use super::{Change, Context, Rule, Section};
use crate::ir::{Field, StringEnum, Struct, TypeDef, TypeKind, Union, Usage};
use crate::surface::{field_type, kind_name, policy, rust_type, variant_payload};

/// Every schema-level change.
pub(crate) fn compare(cx: &Context<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    for (name, def) in &cx.new.types {
        match cx.old.types.get(name) {
            None => out.push(change(
                name,
                only(type_path(cx.new_vmod, name)),
                Rule::TypeAdded,
                format!("new {}, {}", kind_name(&def.kind), policy(def.usage)),
            )),
            Some(old) => type_changes(cx, old, def, &mut out),
        }
    }
    for (name, def) in &cx.old.types {
        if !cx.new.types.contains_key(name) {
            out.push(change(
                name,
                only(type_path(cx.old_vmod, name)),
                Rule::TypeRemoved,
                format!("{} removed", kind_name(&def.kind)),
            ));
        }
    }
    out
}

fn type_path(vmod: &str, name: &str) -> String {
    crate::surface::type_item(vmod, name)
}

/// The item a change is about, and the same item in the old version when both have it.
type Item = (String, Option<String>);

/// An item only one version has (an addition or a removal).
fn only(item: String) -> Item {
    (item, None)
}

fn change(subject: &str, (item, old_item): Item, rule: Rule, message: String) -> Change {
    Change {
        section: Section::Schemas,
        subject: subject.to_string(),
        item,
        old_item,
        rule,
        message,
    }
}

fn kind_id(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Union(_) => "union",
        TypeKind::Alias(_) => "alias",
    }
}

fn type_changes(cx: &Context<'_>, old: &TypeDef, new: &TypeDef, out: &mut Vec<Change>) {
    let name = new.name.as_str();
    let item = (
        type_path(cx.new_vmod, name),
        Some(type_path(cx.old_vmod, name)),
    );
    if kind_id(&old.kind) != kind_id(&new.kind) {
        out.push(change(
            name,
            item,
            Rule::TypeKindChanged,
            format!("{} -> {}", kind_name(&old.kind), kind_name(&new.kind)),
        ));
        return;
    }
    match (old.usage.lenient(), new.usage.lenient()) {
        (true, false) => out.push(change(
            name,
            item.clone(),
            Rule::TypeBecameStrict,
            format!("{} -> {}", policy(old.usage), policy(new.usage)),
        )),
        (false, true) => out.push(change(
            name,
            item.clone(),
            Rule::TypeBecameLenient,
            format!("{} -> {}", policy(old.usage), policy(new.usage)),
        )),
        _ => {}
    }
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            struct_changes(cx, name, (old.usage, a), (new.usage, b), out)
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => enum_changes(cx, name, a, b, out),
        (TypeKind::Union(a), TypeKind::Union(b)) => union_changes(cx, name, a, b, out),
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            let (at, bt) = (rust_type(a), rust_type(b));
            if at != bt {
                out.push(change(
                    name,
                    item,
                    Rule::AliasTargetChanged,
                    format!("alias `{at}` -> `{bt}`"),
                ));
            }
        }
        _ => {}
    }
}

fn struct_changes(
    cx: &Context<'_>,
    name: &str,
    (old_usage, old): (Usage, &Struct),
    (new_usage, new): (Usage, &Struct),
    out: &mut Vec<Change>,
) {
    let index = |s: &Struct| -> BTreeMap<String, Field> {
        s.fields
            .iter()
            .map(|f| (f.wire_name.clone(), f.clone()))
            .collect()
    };
    let (of, nf) = (index(old), index(new));
    // A constant member of a strict type is no Rust field: the type names it.
    let field_item = |vmod: &str, usage: Usage, f: &Field| {
        if f.is_rust_field(usage) {
            format!("{}::{}", type_path(vmod, name), f.rust_name)
        } else {
            type_path(vmod, name)
        }
    };
    for (wire, f) in &nf {
        let new_item = field_item(cx.new_vmod, new_usage, f);
        let Some(o) = of.get(wire) else {
            out.push(field_added(name, only(new_item), new_usage, f));
            continue;
        };
        let item = (new_item, Some(field_item(cx.old_vmod, old_usage, o)));
        field_changes(name, item, (old_usage, o), (new_usage, f), out);
    }
    for (wire, f) in &of {
        if !nf.contains_key(wire) {
            out.push(change(
                name,
                only(field_item(cx.old_vmod, old_usage, f)),
                Rule::PropertyRemoved,
                format!(
                    "field `{}: {}` removed",
                    f.rust_name,
                    field_type(old_usage, f)
                ),
            ));
        }
    }
    additional_changes(cx, name, (old_usage, old), (new_usage, new), out);
}

/// A new field: its rule depends on whether the type is used in requests and the field required.
fn field_added(name: &str, item: Item, new_usage: Usage, f: &Field) -> Change {
    let ty = field_type(new_usage, f);
    let (rule, msg) = if !new_usage.request {
        (Rule::PropertyAdded, format!("new field `{ty}`"))
    } else if f.required {
        (
            Rule::RequestPropertyAddedRequired,
            format!("new required field `{ty}` in a type used in requests"),
        )
    } else {
        (
            Rule::RequestPropertyAdded,
            format!("new optional field `{ty}` in a type used in requests"),
        )
    };
    change(name, item, rule, msg)
}

/// The map of undeclared members: added, removed, renamed or retyped.
fn additional_changes(
    cx: &Context<'_>,
    name: &str,
    (old_usage, old): (Usage, &Struct),
    (new_usage, new): (Usage, &Struct),
    out: &mut Vec<Change>,
) {
    let describe = |a: &Option<(String, crate::ir::TypeRef)>| match a {
        Some((n, t)) => format!("`{n}: BTreeMap<String, {}>`", rust_type(t)),
        None => "none".to_string(),
    };
    let (oa, na) = (
        old.additional_field(old_usage),
        new.additional_field(new_usage),
    );
    if oa != na {
        out.push(change(
            name,
            (
                type_path(cx.new_vmod, name),
                Some(type_path(cx.old_vmod, name)),
            ),
            Rule::AdditionalPropertiesChanged,
            format!(
                "map of undeclared members {} -> {}",
                describe(&oa),
                describe(&na)
            ),
        ));
    }
}

fn field_changes(
    name: &str,
    item: Item,
    (old_usage, o): (Usage, &Field),
    (new_usage, f): (Usage, &Field),
    out: &mut Vec<Change>,
) {
    let (ot, nt) = (field_type(old_usage, o), field_type(new_usage, f));
    let option_changed = o.is_option(old_usage) != f.is_option(new_usage);
    let mut push = |(rule, msg): (Rule, String)| out.push(change(name, item.clone(), rule, msg));
    if let Some(c) = constant_change(o, f, &ot, &nt) {
        push(c);
    }
    // Those are the type changes of a constant: not reported twice.
    let constant_changed = o.constant.is_some() != f.constant.is_some();
    if o.rust_name != f.rust_name {
        push((
            Rule::PropertyRenamed,
            format!(
                "wire `{}`: field `{}` -> `{}`",
                f.wire_name, o.rust_name, f.rust_name
            ),
        ));
    }
    let spec_type_changed = o.ty != f.ty || o.boxed != f.boxed;
    if spec_type_changed && ot != nt && !constant_changed {
        push((Rule::PropertyTypeChanged, format!("type `{ot}` -> `{nt}`")));
    }
    let types = if ot == nt {
        format!(" (field stays `{nt}`)")
    } else {
        format!(" (field `{ot}` -> `{nt}`)")
    };
    if let Some(c) = required_change(o, f, new_usage, option_changed, &types) {
        push(c);
    }
    if let Some(c) = nullable_change(o, f, option_changed, &types) {
        push(c);
    }
    if !spec_type_changed
        && !constant_changed
        && o.required == f.required
        && o.nullable == f.nullable
        && ot != nt
    {
        push((
            Rule::PropertyRustTypeChanged,
            format!(
                "type `{ot}` -> `{nt}`: the type is now {}",
                policy(new_usage)
            ),
        ));
    }
}

/// A member becoming or ceasing to be a constant matters when its Rust field changes (`ot` ->
/// `nt`): a lenient `Option<String>` that becomes a constant stays `Option<String>`.
fn constant_change(o: &Field, f: &Field, ot: &str, nt: &str) -> Option<(Rule, String)> {
    match (&o.constant, &f.constant) {
        (Some(_), None) if ot != nt => Some((
            Rule::ConstantBecameEnum,
            format!("constant member became `{nt}`: the spec now allows other values"),
        )),
        (None, Some(c)) if ot != nt => Some((
            Rule::MemberBecameConstant,
            format!("`{ot}` became the constant {c:?} (`{nt}`)"),
        )),
        (Some(a), Some(b)) if a != b => Some((
            Rule::ConstantValueChanged,
            format!("constant {a:?} -> {b:?}"),
        )),
        _ => None,
    }
}

/// A field that became required or optional; `types`: how its Rust type changed.
fn required_change(
    o: &Field,
    f: &Field,
    new_usage: Usage,
    option_changed: bool,
    types: &str,
) -> Option<(Rule, String)> {
    if o.required == f.required {
        return None;
    }
    Some(if f.required {
        let rule = if new_usage.request {
            Rule::RequestPropertyBecameRequired
        } else {
            Rule::PropertyBecameRequired
        };
        (rule, format!("became required{types}"))
    } else {
        let rule = if option_changed {
            Rule::RequestPropertyBecameOptional
        } else {
            Rule::PropertyBecameOptional
        };
        (rule, format!("became optional{types}"))
    })
}

/// A field that became nullable or non-nullable; `types`: how its Rust type changed.
fn nullable_change(
    o: &Field,
    f: &Field,
    option_changed: bool,
    types: &str,
) -> Option<(Rule, String)> {
    if o.nullable == f.nullable {
        return None;
    }
    let rule = match (f.nullable, option_changed) {
        (true, true) => Rule::RequestPropertyBecameNullable,
        (true, false) => Rule::PropertyBecameNullable,
        (false, true) => Rule::RequestPropertyBecameNonNullable,
        (false, false) => Rule::PropertyBecameNonNullable,
    };
    let what = if f.nullable {
        "became nullable"
    } else {
        "no longer nullable"
    };
    Some((rule, format!("{what}{types}")))
}

fn enum_changes(
    cx: &Context<'_>,
    name: &str,
    old: &StringEnum,
    new: &StringEnum,
    out: &mut Vec<Change>,
) {
    let index = |e: &StringEnum| -> BTreeMap<String, String> {
        e.variants
            .iter()
            .map(|v| (v.wire.clone(), v.rust_name.clone()))
            .collect()
    };
    let (ov, nv) = (index(old), index(new));
    for (wire, rust) in &nv {
        let item = format!("{}::{rust}", type_path(cx.new_vmod, name));
        match ov.get(wire) {
            None => out.push(change(
                name,
                only(item),
                Rule::EnumValueAdded,
                format!("new value {wire:?}"),
            )),
            Some(old_rust) if old_rust != rust => out.push(change(
                name,
                (
                    item,
                    Some(format!("{}::{old_rust}", type_path(cx.old_vmod, name))),
                ),
                Rule::EnumVariantRenamed,
                format!("value {wire:?}: variant `{old_rust}` -> `{rust}`"),
            )),
            Some(_) => {}
        }
    }
    for (wire, rust) in &ov {
        if !nv.contains_key(wire) {
            out.push(change(
                name,
                only(format!("{}::{rust}", type_path(cx.old_vmod, name))),
                Rule::EnumValueRemoved,
                format!("value {wire:?} removed (now decodes as `Unknown`)"),
            ));
        }
    }
}

fn union_changes(cx: &Context<'_>, name: &str, old: &Union, new: &Union, out: &mut Vec<Change>) {
    let type_item = (
        type_path(cx.new_vmod, name),
        Some(type_path(cx.old_vmod, name)),
    );
    if old.tag != new.tag {
        let show = |t: &Option<String>| match t {
            Some(t) => format!("tagged by {t:?}"),
            None => "untagged".to_string(),
        };
        out.push(change(
            name,
            type_item,
            Rule::UnionTagChanged,
            format!("{} -> {}", show(&old.tag), show(&new.tag)),
        ));
    }
    // Tagged unions: variants are identified by their tag value; untagged ones by Rust name.
    let tagged = old.tag.is_some() && new.tag.is_some();
    let key = |v: &crate::ir::UnionVariant| {
        if tagged {
            v.tag_value.clone().unwrap_or_else(|| v.rust_name.clone())
        } else {
            v.rust_name.clone()
        }
    };
    let index = |u: &Union| -> BTreeMap<String, crate::ir::UnionVariant> {
        u.variants.iter().map(|v| (key(v), v.clone())).collect()
    };
    let (ov, nv) = (index(old), index(new));
    let what = |v: &crate::ir::UnionVariant| match &v.tag_value {
        Some(t) => format!("`{}({})` (tag {t:?})", v.rust_name, variant_payload(v)),
        None => format!("`{}({})`", v.rust_name, variant_payload(v)),
    };
    for (k, v) in &nv {
        let item = format!("{}::{}", type_path(cx.new_vmod, name), v.rust_name);
        match ov.get(k) {
            None => out.push(change(
                name,
                only(item),
                Rule::UnionVariantAdded,
                format!("new variant {}", what(v)),
            )),
            Some(o) => {
                let item = (
                    item,
                    Some(format!("{}::{}", type_path(cx.old_vmod, name), o.rust_name)),
                );
                if o.rust_name != v.rust_name {
                    out.push(change(
                        name,
                        item.clone(),
                        Rule::UnionVariantRenamed,
                        format!("variant `{}` -> `{}`", o.rust_name, v.rust_name),
                    ));
                }
                let (ot, nt) = (variant_payload(o), variant_payload(v));
                if ot != nt {
                    out.push(change(
                        name,
                        item,
                        Rule::UnionVariantTypeChanged,
                        format!("variant `{}`: payload `{ot}` -> `{nt}`", v.rust_name),
                    ));
                }
            }
        }
    }
    for (k, v) in &ov {
        if !nv.contains_key(k) {
            out.push(change(
                name,
                only(format!("{}::{}", type_path(cx.old_vmod, name), v.rust_name)),
                Rule::UnionVariantRemoved,
                format!("variant {} removed", what(v)),
            ));
        }
    }
}
