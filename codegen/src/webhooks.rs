//! Webhook topics (issue 19): `specs/webhooks.toml` (the facts of Intercom's "Webhook models"
//! page) read at regen, attached to each lowered version ([`attach`]: a topic is typed where the
//! version's description has its `schema`), and emitted as `<vmod>/webhooks.rs` ([`emit`]).

use std::collections::BTreeSet;
use std::path::Path;

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;

use crate::error::Error;
use crate::ir::{Api, TypeKind, TypeRef, WebhookTopic};

/// The data file, relative to the workspace root.
pub const FILE: &str = "specs/webhooks.toml";

/// One `[[topic]]` of the data file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    /// The topic, as in a notification's `topic` member.
    pub name: String,
    /// The object the page names for it.
    pub object: String,
    /// The component schema `data.item` is, where descriptions have one.
    #[serde(default)]
    pub schema: Option<String>,
    /// When Intercom sends it.
    pub fires: String,
    /// Which copy of the page it comes from.
    pub source: String,
    /// A `*.deleted` topic: the item has only identifying fields.
    #[serde(default)]
    pub deleted: bool,
    /// The first API version that has the topic (`"2.15"`); `None`: every shipped version.
    #[serde(default)]
    pub since: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    topic: Vec<Topic>,
}

/// The topics of `workspace`'s data file; none when it is absent.
pub fn load(workspace: &Path) -> Result<Vec<Topic>, Error> {
    let path = workspace.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::other(format!("{FILE}: {e}"))),
    };
    parse(&text)
}

/// Parses the data file's text; topic names must be distinct and map to distinct Rust names.
pub fn parse(text: &str) -> Result<Vec<Topic>, Error> {
    let file: File = toml::from_str(text).map_err(|e| Error::other(format!("{FILE}: {e}")))?;
    let mut names = BTreeSet::new();
    let mut variants = BTreeSet::new();
    for t in &file.topic {
        if !names.insert(t.name.as_str()) {
            return Err(Error::other(format!("{FILE}: topic `{}` twice", t.name)));
        }
        if let Some(since) = &t.since
            && version_key(since).is_none()
        {
            return Err(Error::other(format!(
                "{FILE}: topic `{}`: `since = \"{since}\"` is not a version like \"2.15\"",
                t.name
            )));
        }
        let variant = variant_name(&t.name);
        if variant.is_empty() || !variants.insert(variant.clone()) || variant == "Unknown" {
            return Err(Error::other(format!(
                "{FILE}: topic `{}` has no distinct Rust name (`{variant}`)",
                t.name
            )));
        }
    }
    Ok(file.topic)
}

/// The `Event` variant of `topic`: `ticket.state.updated` -> `TicketStateUpdated`.
pub fn variant_name(topic: &str) -> String {
    topic.replace('.', "_").to_upper_camel_case()
}

fn const_name(topic: &str) -> String {
    topic.replace('.', "_").to_shouty_snake_case()
}

/// `"2.15"` as `(2, 15)`; `None` for anything else.
fn version_key(version: &str) -> Option<(u32, u32)> {
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

impl Topic {
    /// Whether API `version` (a description's `info.version`) lists this topic (its `since`). A
    /// version that is not a number (`Preview`, `Unstable`) is newer than every numbered one.
    pub fn listed_in(&self, version: &str) -> bool {
        match (
            self.since.as_deref().and_then(version_key),
            version_key(version),
        ) {
            (None, _) | (Some(_), None) => true,
            (Some(since), Some(version)) => version >= since,
        }
    }
}

/// Attaches the topics of `topics` that `api`'s version lists (`since`) to `api`: each gets the
/// Rust type of its `schema` where the version has that component schema as a decodable (lenient)
/// struct, union or enum.
pub fn attach(api: &mut Api, topics: &[Topic]) {
    let version = api.version.clone();
    api.webhooks = topics
        .iter()
        .filter(|t| t.listed_in(&version))
        .map(|t| {
            let model = t.schema.as_deref().and_then(|schema| {
                api.types
                    .values()
                    .find(|d| {
                        d.schema_name.as_deref() == Some(schema)
                            && d.usage.lenient()
                            && !matches!(d.kind, TypeKind::Alias(_))
                    })
                    .map(|d| d.name.clone())
            });
            WebhookTopic {
                name: t.name.clone(),
                object: t.object.clone(),
                schema: t.schema.clone(),
                fires: t.fires.clone(),
                deleted: t.deleted,
                model,
                item_type: None,
            }
        })
        .collect();
}

/// Sets each typed topic's [`WebhookTopic::item_type`]: the value the topic's schema (in `raw`,
/// the version's description) fixes its `type` member to, where the model holds that member as
/// a string. The value is a one-value `enum`, else a `const`, else a single example (`example`,
/// or `examples` with one value); the `type` property is looked up in the schema's
/// `properties`, then in its `allOf` members (following `$ref`s).
pub fn item_kinds(api: &mut Api, raw: &serde_json::Value) {
    let kinds: Vec<Option<String>> = api
        .webhooks
        .iter()
        .map(|t| {
            let (schema, model) = (t.schema.as_deref()?, t.model.as_deref()?);
            type_field(api, model)?;
            let pointer = format!(
                "/components/schemas/{}",
                crate::error::pointer_token(schema)
            );
            let property = type_property(raw, raw.pointer(&pointer)?, 0)?;
            fixed_value(deref(raw, property))
        })
        .collect();
    for (t, kind) in api.webhooks.iter_mut().zip(kinds) {
        t.item_type = kind;
    }
}

/// The model's field holding the `type` member, as a string (the field's Rust name).
fn type_field(api: &Api, model: &str) -> Option<String> {
    match &api.types.get(model)?.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .find(|f| f.wire_name == "type" && f.ty == TypeRef::String)
            .map(|f| f.rust_name.clone()),
        _ => None,
    }
}

/// `value` with a local `$ref` followed (a few levels at most).
fn deref<'a>(
    raw: &'a serde_json::Value,
    mut value: &'a serde_json::Value,
) -> &'a serde_json::Value {
    for _ in 0..8 {
        match value
            .get("$ref")
            .and_then(serde_json::Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| raw.pointer(p))
        {
            Some(target) => value = target,
            None => break,
        }
    }
    value
}

/// The `type` property of `schema`: in its `properties`, else in its `allOf` members.
fn type_property<'a>(
    raw: &'a serde_json::Value,
    schema: &'a serde_json::Value,
    depth: usize,
) -> Option<&'a serde_json::Value> {
    if depth > 8 {
        return None;
    }
    let schema = deref(raw, schema);
    if let Some(p) = schema.pointer("/properties/type") {
        return Some(p);
    }
    schema
        .get("allOf")?
        .as_array()?
        .iter()
        .find_map(|member| type_property(raw, member, depth + 1))
}

/// The one string a property schema allows or shows: a one-value `enum`, a `const`, a single
/// example.
fn fixed_value(property: &serde_json::Value) -> Option<String> {
    let one = |v: &serde_json::Value| match v.as_array().map(Vec::as_slice) {
        Some([only]) => only.as_str().map(str::to_string),
        _ => None,
    };
    if let Some(values) = property.get("enum") {
        return one(values);
    }
    if let Some(value) = property.get("const") {
        return value.as_str().map(str::to_string);
    }
    if let Some(value) = property.get("example") {
        return value.as_str().map(str::to_string);
    }
    property.get("examples").and_then(one)
}

/// The tokens of `<vmod>/webhooks.rs`.
pub fn emit(api: &Api) -> TokenStream {
    let module_doc = module_doc(api);
    let Items {
        consts,
        variants,
        arms,
        item_arms,
        topic_arms,
    } = items(api);
    let event_impls = event_impls(&arms, &topic_arms, &item_arms);
    quote! {
        #![doc = #module_doc]
        use crate::drift::Drift;

        /// The topic names of this version, as in a notification's `topic` member.
        pub mod topics {
            #(#consts)*
        }

        /// A webhook notification: the JSON Intercom posts. Every member is optional and
        /// drift-tolerant, like a response type: a member of the wrong type is `None` and kept
        /// raw in `additional_properties` with a [`Drift`] record; members not declared here are
        /// kept there too, so re-encoding reproduces the input.
        pub type Notification = crate::notification::Notification<Event>;

        /// What a notification carries, by topic. `#[non_exhaustive]`: topics are added.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #(#variants)*
            /// A topic this crate does not know, or an item that is not the topic's object (with
            /// a [`Drift`] record): the topic and the raw item.
            Unknown {
                /// The notification's `topic` (empty when it has none).
                topic: String,
                /// `data.item`, as received (`null` when absent).
                item: serde_json::Value,
            },
        }

        #event_impls

        /// Parses a notification's raw body (after `crate::webhooks::verify`) and decodes its
        /// event: the envelope, the event, and every drift record of both.
        ///
        /// # Errors
        ///
        /// The body is not a JSON object.
        #[inline]
        pub fn parse(body: &[u8]) -> Result<(Notification, Event, Vec<Drift>), serde_json::Error> {
            crate::notification::parse(body)
        }
    }
}

/// The `impl Topics for Event` (decoding by topic) and `impl Event` (topic, item) of the webhooks file.
///
/// `#[inline]` on the functions that decode or encode models: they are then compiled in the crates
/// that call them, not in every build of the version (the model decoders they instantiate would
/// otherwise add about 40 % to it; BENCHMARKS).
fn event_impls(
    arms: &[TokenStream],
    topic_arms: &[TokenStream],
    item_arms: &[TokenStream],
) -> TokenStream {
    quote! {
    impl crate::notification::Topics for Event {
        #[inline]
        fn decode(topic: &str, item: Option<&serde_json::value::RawValue>) -> Self {
            match topic {
                #(#arms)*
                _ => Event::Unknown {
                    topic: topic.to_string(),
                    item: crate::notification::item_value(item),
                },
            }
        }
    }

    impl Event {
        /// The topic constant of this event (`None` for [`Event::Unknown`]).
        pub fn topic(&self) -> Option<&'static str> {
            match self {
                #(#topic_arms)*
                Event::Unknown { .. } => None,
            }
        }

        /// The item re-encoded as JSON (for a typed variant: its model serialized).

        #[inline]
        pub fn item(&self) -> serde_json::Value {
            match self {
                #(#item_arms)*
                Event::Unknown { item, .. } => item.clone(),
            }
        }
    }
    }
}

/// The `//!` docs of a version's webhooks module.
fn module_doc(api: &Api) -> String {
    let version = &api.version;
    let typed = api.webhooks.iter().filter(|t| t.model.is_some()).count();
    format!(
        " Webhook notifications of the Intercom API {version}: the [`Notification`] envelope, the [`Event`] it carries (one variant per topic, {typed} of {} with the item decoded into this version's model) and the topic names ([`topics`]).\n\n Verify the raw body first (`crate::webhooks::verify`, the `webhooks` feature), then [`Notification::parse`] and [`Notification::event`]. Topics are the facts of Intercom's \"Webhook models\" page (`specs/webhooks.toml`); a topic this crate does not know is [`Event::Unknown`], an item that is not the topic's object is kept raw with a [`Drift`] record.",
        api.webhooks.len()
    )
}

/// The per-topic pieces of the webhooks file.
struct Items {
    consts: Vec<TokenStream>,
    variants: Vec<TokenStream>,
    arms: Vec<TokenStream>,
    item_arms: Vec<TokenStream>,
    topic_arms: Vec<TokenStream>,
}

/// One topic constant, `Event` variant and match arms per topic.
fn items(api: &Api) -> Items {
    let mut consts = Vec::new();
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut item_arms = Vec::new();
    let mut topic_arms = Vec::new();
    for t in &api.webhooks {
        let cname = format_ident!("{}", const_name(&t.name));
        let vname = format_ident!("{}", variant_name(&t.name));
        let name = &t.name;
        let deleted = if t.deleted {
            " A `*.deleted` topic: the item carries only identifying fields."
        } else {
            ""
        };
        let what = match (&t.model, &t.schema) {
            (Some(model), _) => format!("[`{model}`](super::models::{model})"),
            (None, Some(schema)) => {
                format!("raw JSON (this version's description has no `{schema}` schema)")
            }
            (None, None) => "raw JSON (a webhook-only object, no schema in the description)".into(),
        };
        let cdoc = format!(
            " `{name}`: sent when {}. The item is a {} object.{deleted}",
            t.fires, t.object
        );
        consts.push(quote! { #[doc = #cdoc] pub const #cname: &str = #name; });
        let vdoc = format!(" [`topics::{cname}`]: the item, {what}.{deleted}");
        match &t.model {
            Some(model) => {
                let model = format_ident!("{}", model);
                variants.push(quote! { #[doc = #vdoc] #vname(Box<super::models::#model>), });
                let kind = match (&t.item_type, type_field(api, &model.to_string())) {
                    (Some(expected), Some(field)) => {
                        let field = format_ident!("{}", field);
                        quote! {
                            Some((#expected, |m: &super::models::#model| m.#field.as_deref()))
                        }
                    }
                    _ => quote! { None },
                };
                arms.push(quote! {
                    topics::#cname => match crate::notification::decode_item::<super::models::#model>(
                        stringify!(#model), item, #kind,
                    ) {
                        Ok(model) => Event::#vname(Box::new(model)),
                        Err(item) => Event::Unknown { topic: topic.to_string(), item },
                    },
                });
                item_arms.push(quote! {
                    Event::#vname(model) => serde_json::to_value(model).unwrap_or(serde_json::Value::Null),
                });
            }
            None => {
                variants.push(quote! { #[doc = #vdoc] #vname(serde_json::Value), });
                arms.push(quote! {
                    topics::#cname => Event::#vname(crate::notification::item_value(item)),
                });
                item_arms.push(quote! { Event::#vname(item) => item.clone(), });
            }
        }
        topic_arms.push(quote! { Event::#vname(_) => Some(topics::#cname), });
    }
    Items {
        consts,
        variants,
        arms,
        item_arms,
        topic_arms,
    }
}

/// The Rust type of `topic`'s item in its `Event` variant: `Box<Ticket>` (decoded into the version's
/// model) or `serde_json::Value` (raw).
pub fn item_spelling(topic: &WebhookTopic) -> String {
    topic
        .model
        .as_ref()
        .map_or_else(|| "serde_json::Value".to_string(), |m| format!("Box<{m}>"))
}

/// The generated item of `topic` in version module `vmod`: `v2_16::webhooks::Event::TicketResolved`.
pub fn event_item(vmod: &str, topic: &str) -> String {
    format!("{vmod}::webhooks::Event::{}", variant_name(topic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(version: &str, topics: &[(&str, Option<&str>)]) -> Api {
        Api {
            version: version.into(),
            types: Default::default(),
            operations: Vec::new(),
            warnings: Vec::new(),
            example_members: 0,
            webhooks: topics
                .iter()
                .map(|(name, model)| WebhookTopic {
                    name: (*name).into(),
                    object: "Ticket".into(),
                    schema: Some("ticket".into()),
                    fires: "x".into(),
                    deleted: false,
                    model: model.map(Into::into),
                    item_type: None,
                })
                .collect(),
        }
    }

    /// The diff's webhook changes: `<rule> <topic>: <item>`, sorted.
    fn compare(old: &Api, new: &Api) -> Vec<String> {
        let report = crate::diff::compare(old, new, &old.version, &new.version);
        let mut out: Vec<String> = report
            .changes
            .iter()
            .filter(|c| c.section == crate::diff::Section::Webhooks)
            .map(|c| format!("{} {}: {}", c.rule.id(), c.subject, c.item))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn compare_reports_topics_added_removed_and_typed() {
        let old = api(
            "2.10",
            &[
                ("a.gone", None),
                ("b.kept", Some("Ticket")),
                ("c.typed", None),
            ],
        );
        let new = api(
            "2.11",
            &[
                ("b.kept", Some("Ticket")),
                ("c.typed", Some("Ticket")),
                ("d.new", None),
            ],
        );
        assert_eq!(
            compare(&old, &new),
            [
                "webhook-topic-added d.new: v2_11::webhooks::Event::DNew",
                "webhook-topic-removed a.gone: v2_10::webhooks::Event::AGone",
                "webhook-topic-retyped c.typed: v2_11::webhooks::Event::CTyped"
            ]
        );
        assert!(compare(&new, &new).is_empty());
    }

    #[test]
    fn the_fixed_type_comes_from_enum_const_example_or_all_of() {
        let raw = serde_json::json!({"components": {"schemas": {
            "a": {"properties": {"type": {"type": "string", "enum": ["a"], "example": "x"}}},
            "b": {"properties": {"type": {"const": "b"}}},
            "c": {"properties": {"type": {"$ref": "#/components/schemas/c_type"}}},
            "c_type": {"type": "string", "example": "c"},
            "d": {"allOf": [{"$ref": "#/components/schemas/a"}]},
            "two": {"properties": {"type": {"enum": ["x", "y"]}}},
            "none": {"properties": {"type": {"type": "string"}}},
        }}});
        let fixed = |schema: &str| {
            let s = raw.pointer(&format!("/components/schemas/{schema}"))?;
            fixed_value(deref(&raw, type_property(&raw, s, 0)?))
        };
        assert_eq!(fixed("a").as_deref(), Some("a"));
        assert_eq!(fixed("b").as_deref(), Some("b"));
        assert_eq!(fixed("c").as_deref(), Some("c"));
        assert_eq!(fixed("d").as_deref(), Some("a"));
        assert_eq!(fixed("two"), None);
        assert_eq!(fixed("none"), None);
    }

    #[test]
    fn the_data_file_parses_and_rejects_duplicates() {
        let one = "[[topic]]\nname = \"a.b\"\nobject = \"A\"\nfires = \"f\"\nsource = \"A\"\n";
        assert_eq!(parse(one).map(|t| t.len()).ok(), Some(1));
        assert!(parse(&format!("{one}{one}")).is_err());
        assert!(parse("[[topic]]\nname = \"x\"\n").is_err());
        let bad_since = format!("{one}since = \"soon\"\n");
        let err = parse(&bad_since)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("since = \"soon\""), "{err}");
    }

    #[test]
    fn a_topic_is_attached_from_its_since_version_on() {
        let data = "[[topic]]\nname = \"a.old\"\nobject = \"A\"\nfires = \"f\"\nsource = \"A\"\n\
                    [[topic]]\nname = \"b.new\"\nobject = \"A\"\nfires = \"f\"\nsource = \"C\"\nsince = \"2.15\"\n";
        let topics = parse(data).unwrap_or_default();
        assert_eq!(topics.len(), 2);
        let names = |version: &str| {
            let mut a = api(version, &[]);
            attach(&mut a, &topics);
            a.webhooks.into_iter().map(|t| t.name).collect::<Vec<_>>()
        };
        assert_eq!(names("2.14"), ["a.old"]);
        assert_eq!(names("2.15"), ["a.old", "b.new"]);
        assert_eq!(names("2.16"), ["a.old", "b.new"]);
        assert_eq!(names("2.9"), ["a.old"]);
        assert_eq!(names("Preview"), ["a.old", "b.new"]);
        let old = {
            let mut a = api("2.14", &[]);
            attach(&mut a, &topics);
            a
        };
        let new = {
            let mut a = api("2.16", &[]);
            attach(&mut a, &topics);
            a
        };
        assert_eq!(
            compare(&old, &new),
            ["webhook-topic-added b.new: v2_16::webhooks::Event::BNew"]
        );
    }
}
