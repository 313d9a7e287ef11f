//! A flat view of one `openapiv3` schema node, so that the rest of lowering does not care whether
//! `openapiv3` parsed it as a typed schema, a composition or an `AnySchema`.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub(crate) enum Node<'a> {
    /// `$ref` target string.
    Ref(&'a str),
    /// Inline schema.
    Inline(&'a Schema),
}

impl<'a> Node<'a> {
    pub(crate) fn of(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Inline(s),
        }
    }

    /// An inline schema that only adds constraints (`required`, ...) and declares no shape.
    pub(crate) fn is_constraint_only(&self) -> bool {
        matches!(self, Node::Inline(s) if View::new(s).is_constraint_only())
    }

    pub(crate) fn of_boxed(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Inline(s),
        }
    }
}

/// `additionalProperties`, flattened.
#[derive(Clone, Copy)]
pub(crate) enum Additional<'a> {
    /// `true` or `{}`.
    Any,
    /// `false`.
    Deny,
    /// A schema.
    Schema(Node<'a>),
}

/// Everything lowering needs from a schema node.
pub(crate) struct View<'a> {
    pub ty: Option<&'a str>,
    pub nullable: bool,
    pub title: Option<&'a str>,
    pub description: Option<&'a str>,
    pub properties: Vec<(&'a str, Node<'a>)>,
    pub required: Vec<&'a str>,
    pub additional: Option<Additional<'a>>,
    pub items: Option<Node<'a>>,
    /// String enum values (non-string values are dropped).
    pub enum_values: Vec<String>,
    /// `enum` contains `null`.
    pub enum_has_null: bool,
    /// `enum` contains values that are neither strings nor `null` (dropped, with a warning).
    pub enum_other: bool,
    pub one_of: Vec<Node<'a>>,
    pub any_of: Vec<Node<'a>>,
    pub all_of: Vec<Node<'a>>,
    pub not: bool,
    pub format: Option<&'a str>,
}

fn additional(a: &Option<AdditionalProperties>) -> Option<Additional<'_>> {
    match a {
        None => None,
        Some(AdditionalProperties::Any(true)) => Some(Additional::Any),
        Some(AdditionalProperties::Any(false)) => Some(Additional::Deny),
        Some(AdditionalProperties::Schema(s)) => match &**s {
            ReferenceOr::Item(inner) if is_empty_schema(inner) => Some(Additional::Any),
            other => Some(Additional::Schema(Node::of(other))),
        },
    }
}

/// `{}`: no constraints at all (no `type`, and only constraints such as `required` or `title`,
/// without an `enum` of any values).
fn is_empty_schema(s: &Schema) -> bool {
    let v = View::new(s);
    matches!(s.schema_kind, SchemaKind::Any(_))
        && v.is_constraint_only()
        && !v.enum_has_null
        && !v.enum_other
}

impl<'a> View<'a> {
    pub(crate) fn new(s: &'a Schema) -> Self {
        let d = &s.schema_data;
        let mut v = View {
            ty: None,
            nullable: d.nullable,
            title: d.title.as_deref(),
            description: d.description.as_deref(),
            properties: Vec::new(),
            required: Vec::new(),
            additional: None,
            items: None,
            enum_values: Vec::new(),
            enum_has_null: false,
            enum_other: false,
            one_of: Vec::new(),
            any_of: Vec::new(),
            all_of: Vec::new(),
            not: false,
            format: None,
        };
        match &s.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                v.ty = Some("string");
                for e in &t.enumeration {
                    match e {
                        Some(s) => v.enum_values.push(s.clone()),
                        None => v.enum_has_null = true,
                    }
                }
                v.format = fmt_name(&t.format);
            }
            SchemaKind::Type(Type::Number(_)) => v.ty = Some("number"),
            SchemaKind::Type(Type::Integer(_)) => v.ty = Some("integer"),
            SchemaKind::Type(Type::Boolean(_)) => v.ty = Some("boolean"),
            SchemaKind::Type(Type::Object(o)) => {
                v.ty = Some("object");
                v.set_members(&o.properties, &o.required, &o.additional_properties);
            }
            SchemaKind::Type(Type::Array(a)) => {
                v.ty = Some("array");
                v.items = a.items.as_ref().map(Node::of_boxed);
            }
            SchemaKind::OneOf { one_of } => v.one_of = one_of.iter().map(Node::of).collect(),
            SchemaKind::AnyOf { any_of } => v.any_of = any_of.iter().map(Node::of).collect(),
            SchemaKind::AllOf { all_of } => v.all_of = all_of.iter().map(Node::of).collect(),
            SchemaKind::Not { .. } => v.not = true,
            SchemaKind::Any(a) => {
                v.ty = a.typ.as_deref();
                v.set_members(&a.properties, &a.required, &a.additional_properties);
                v.items = a.items.as_ref().map(Node::of_boxed);
                for e in &a.enumeration {
                    match e {
                        serde_json::Value::String(s) => v.enum_values.push(s.clone()),
                        serde_json::Value::Null => v.enum_has_null = true,
                        _ => v.enum_other = true,
                    }
                }
                v.one_of = a.one_of.iter().map(Node::of).collect();
                v.any_of = a.any_of.iter().map(Node::of).collect();
                v.all_of = a.all_of.iter().map(Node::of).collect();
                v.not = a.not.is_some();
                v.format = a.format.as_deref();
            }
        }
        v
    }

    /// The object members of a schema (typed `object` or untyped): its properties, its required
    /// names and its `additionalProperties`.
    fn set_members(
        &mut self,
        properties: impl IntoIterator<Item = (&'a String, &'a ReferenceOr<Box<Schema>>)>,
        required: &'a [String],
        additional_properties: &'a Option<AdditionalProperties>,
    ) {
        self.properties = properties
            .into_iter()
            .map(|(k, p)| (k.as_str(), Node::of_boxed(p)))
            .collect();
        self.required = required.iter().map(String::as_str).collect();
        self.additional = additional(additional_properties);
    }

    /// Only constraints (`required`, `title`): an anyOf/oneOf entry like `{required: [email]}`.
    pub(crate) fn is_constraint_only(&self) -> bool {
        self.ty.is_none()
            && self.properties.is_empty()
            && self.items.is_none()
            && self.additional.is_none()
            && self.one_of.is_empty()
            && self.any_of.is_empty()
            && self.all_of.is_empty()
            && self.enum_values.is_empty()
    }
}

fn fmt_name(f: &openapiv3::VariantOrUnknownOrEmpty<openapiv3::StringFormat>) -> Option<&str> {
    match f {
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => Some("binary"),
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Byte) => Some("byte"),
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => Some("date"),
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => {
            Some("date-time")
        }
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Password) => {
            Some("password")
        }
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.as_str()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}
