//! The webhook notification envelope shared by every version's generated `webhooks` module
//! (`v2_16::webhooks::Notification` is [`Notification`]`<v2_16::webhooks::Event>`).
//!
//! Decoding is drift-tolerant like a response type's: every member is optional; a member of the
//! wrong JSON type is `None`, kept raw in `additional_properties` and reported as a [`Drift`];
//! members not declared here (and `null` ones) are kept there too, so re-encoding reproduces the
//! input.
//!
//! The envelope is read straight from the bytes: `data.item` is kept as its JSON text
//! ([`RawValue`]) and [`Notification::event`] decodes the topic's model from that text, so no
//! `serde_json::Value` of the body is built.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::SeqAccessDeserializer;
use serde::de::{self, DeserializeOwned, Deserializer as _, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::codec::drift::{self, Kind};
use crate::drift::Drift;

/// A version's event enum: decodes a notification's item by its topic (generated).
pub trait Topics: Sized {
    /// The event for `topic` with `item` (`data.item` as received; `None` when absent); never
    /// fails: an unknown topic or an item that does not fit is the enum's `Unknown` variant.
    fn decode(topic: &str, item: Option<&RawValue>) -> Self;
}

/// A webhook notification: the JSON object Intercom posts (`E`: the version's `Event`).
#[derive(Debug, Clone, PartialEq)]
pub struct Notification<E> {
    /// `type`: `notification_event`.
    pub type_: Option<String>,
    /// The notification's id.
    pub id: Option<String>,
    /// The topic, e.g. `conversation.admin.replied`.
    pub topic: Option<String>,
    /// The workspace (app) id.
    pub app_id: Option<String>,
    /// When the notification was created (Unix seconds).
    pub created_at: Option<i64>,
    /// How many times Intercom has tried to deliver it.
    pub delivery_attempts: Option<i64>,
    /// When it was first sent (Unix seconds).
    pub first_sent_at: Option<i64>,
    /// `self`: the notification's URL, where given.
    pub self_: Option<String>,
    /// `data`: the item the topic is about.
    pub data: Option<NotificationData>,
    /// Members not declared above, and members that did not fit their field, as received.
    pub additional_properties: BTreeMap<String, Value>,
    event: PhantomData<fn() -> E>,
}

/// A notification's `data` member.
#[derive(Debug, Clone, Default)]
pub struct NotificationData {
    /// `type`: `notification_event_data`.
    pub type_: Option<String>,
    /// `item`: the object the topic is about, as its JSON text (decoded by
    /// [`Notification::event`]; as a `Value`: [`NotificationData::item_value`]).
    pub item: Option<Box<RawValue>>,
    /// Members not declared above, and a `type` that is not a string, as received.
    pub additional_properties: BTreeMap<String, Value>,
}

impl NotificationData {
    /// `item` parsed into a `serde_json::Value` (`None` when absent). An item a `Value` cannot hold
    /// (valid JSON with a number out of `f64` range) is its JSON text, as a string.
    pub fn item_value(&self) -> Option<Value> {
        self.item
            .as_deref()
            .map(|raw| raw_to_value(raw).unwrap_or_else(|text| text))
    }
}

impl PartialEq for NotificationData {
    /// Items compare by their JSON text.
    fn eq(&self, other: &Self) -> bool {
        self.type_ == other.type_
            && self.item.as_deref().map(RawValue::get) == other.item.as_deref().map(RawValue::get)
            && self.additional_properties == other.additional_properties
    }
}

impl<E: Topics> Notification<E> {
    /// Parses a raw body (verify it first: `crate::webhooks::verify`) into the envelope, with the
    /// drift records of the envelope.
    ///
    /// # Errors
    ///
    /// The body is not JSON, or not a JSON object.
    pub fn parse(body: &[u8]) -> Result<(Self, Vec<Drift>), serde_json::Error> {
        let (result, drifts) = drift::collect(|| {
            let mut de = serde_json::Deserializer::from_slice(body);
            let notification = de.deserialize_any(EnvelopeVisitor(PhantomData))?;
            de.end()?;
            Ok(notification)
        });
        result.map(|n| (n, drifts))
    }

    /// The event this notification carries, decoded by its topic, with the drift records of
    /// the item (paths under `data.item`).
    pub fn event(&self) -> (E, Vec<Drift>) {
        let topic = self.topic.as_deref().unwrap_or_default();
        let item = self.data.as_ref().and_then(|d| d.item.as_deref());
        drift::collect(|| {
            let mark = drift::mark();
            let event = E::decode(topic, item);
            drift::prefix_key(mark, "item");
            drift::prefix_key(mark, "data");
            event
        })
    }
}

/// The kind-only message for a body or `data` that is not an object (no value is printed).
fn not_an_object<E: de::Error>(what: &str, found: Kind) -> E {
    E::custom(format!("{what} is a JSON object, found {}", found.as_str()))
}

struct EnvelopeVisitor<E>(PhantomData<fn() -> E>);

const NOTIFICATION: &str = "a webhook notification";

impl<'de, E> Visitor<'de> for EnvelopeVisitor<E> {
    type Value = Notification<E>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a webhook notification (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut n = Notification {
            type_: None,
            id: None,
            topic: None,
            app_id: None,
            created_at: None,
            delivery_attempts: None,
            first_sent_at: None,
            self_: None,
            data: None,
            additional_properties: BTreeMap::new(),
            event: PhantomData,
        };
        let extra = &mut n.additional_properties;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => n.type_ = string_member("Notification", "type", map.next_value()?, extra),
                "id" => n.id = string_member("Notification", "id", map.next_value()?, extra),
                "topic" => {
                    n.topic = string_member("Notification", "topic", map.next_value()?, extra);
                }
                "app_id" => {
                    n.app_id = string_member("Notification", "app_id", map.next_value()?, extra);
                }
                "self" => n.self_ = string_member("Notification", "self", map.next_value()?, extra),
                "created_at" => n.created_at = int_member("created_at", map.next_value()?, extra),
                "delivery_attempts" => {
                    n.delivery_attempts = int_member("delivery_attempts", map.next_value()?, extra);
                }
                "first_sent_at" => {
                    n.first_sent_at = int_member("first_sent_at", map.next_value()?, extra);
                }
                "data" => {
                    extra.remove("data");
                    n.data = None;
                    let mark = drift::mark();
                    let member = map.next_value::<DataMember>()?;
                    if mark < drift::mark() {
                        drift::prefix_key(mark, "data");
                    }
                    match member {
                        DataMember::Data(data) => n.data = Some(data),
                        DataMember::Other(Value::Null) => {
                            extra.insert("data".to_string(), Value::Null);
                        }
                        DataMember::Other(other) => {
                            drift::record("Notification", Some("data"), "object", Kind::of(&other));
                            extra.insert("data".to_string(), other);
                        }
                    }
                }
                other => {
                    extra.insert(other.to_string(), map.next_value()?);
                }
            }
        }
        Ok(n)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(not_an_object(NOTIFICATION, Kind::Array))
    }
    fn visit_str<Er: de::Error>(self, _: &str) -> Result<Self::Value, Er> {
        Err(not_an_object(NOTIFICATION, Kind::String))
    }
    fn visit_bool<Er: de::Error>(self, _: bool) -> Result<Self::Value, Er> {
        Err(not_an_object(NOTIFICATION, Kind::Boolean))
    }
    fn visit_i64<Er: de::Error>(self, _: i64) -> Result<Self::Value, Er> {
        Err(not_an_object(NOTIFICATION, Kind::Number))
    }
    fn visit_u64<Er: de::Error>(self, _: u64) -> Result<Self::Value, Er> {
        Err(not_an_object(NOTIFICATION, Kind::Number))
    }
    fn visit_f64<Er: de::Error>(self, _: f64) -> Result<Self::Value, Er> {
        Err(not_an_object(NOTIFICATION, Kind::Number))
    }
    fn visit_unit<Er: de::Error>(self) -> Result<Self::Value, Er> {
        Err(not_an_object(NOTIFICATION, Kind::Null))
    }
}

/// The `data` member: an object, or anything else (kept raw).
enum DataMember {
    Data(NotificationData),
    Other(Value),
}

impl<'de> de::Deserialize<'de> for DataMember {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DataVisitor)
    }
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = DataMember;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataMember, A::Error> {
        let mut data = NotificationData::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => {
                    data.type_ = string_member(
                        "NotificationData",
                        "type",
                        map.next_value()?,
                        &mut data.additional_properties,
                    );
                }
                "item" => data.item = Some(map.next_value()?),
                other => {
                    data.additional_properties
                        .insert(other.to_string(), map.next_value()?);
                }
            }
        }
        Ok(DataMember::Data(data))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<DataMember, A::Error> {
        <Value as de::Deserialize>::deserialize(SeqAccessDeserializer::new(seq))
            .map(DataMember::Other)
    }
    fn visit_str<Er: de::Error>(self, v: &str) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::String(v.to_string())))
    }
    fn visit_string<Er: de::Error>(self, v: String) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::String(v)))
    }
    fn visit_bool<Er: de::Error>(self, v: bool) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::Bool(v)))
    }
    fn visit_i64<Er: de::Error>(self, v: i64) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::from(v)))
    }
    fn visit_u64<Er: de::Error>(self, v: u64) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::from(v)))
    }
    fn visit_f64<Er: de::Error>(self, v: f64) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::from(v)))
    }
    fn visit_unit<Er: de::Error>(self) -> Result<DataMember, Er> {
        Ok(DataMember::Other(Value::Null))
    }
}

/// A string member: `null` and a value of another kind are kept raw in `extra` (the latter with
/// a drift record).
fn string_member(
    type_name: &'static str,
    key: &str,
    value: Value,
    extra: &mut BTreeMap<String, Value>,
) -> Option<String> {
    match value {
        Value::String(s) => {
            extra.remove(key);
            Some(s)
        }
        other => {
            if !other.is_null() {
                drift::record(type_name, Some(key), "String", Kind::of(&other));
            }
            extra.insert(key.to_string(), other);
            None
        }
    }
}

/// An integer member (`i64`), kept raw like [`string_member`] when it does not fit.
fn int_member(key: &str, value: Value, extra: &mut BTreeMap<String, Value>) -> Option<i64> {
    match value.as_i64() {
        Some(v) => {
            extra.remove(key);
            Some(v)
        }
        None => {
            if !value.is_null() {
                drift::record("Notification", Some(key), "i64", Kind::of(&value));
            }
            extra.insert(key.to_string(), value);
            None
        }
    }
}

/// One member of a re-encoded envelope.
enum Member<'a> {
    Value(&'a Value),
    Raw(&'a RawValue),
    Str(&'a str),
    Int(i64),
    Data(&'a NotificationData),
}

impl Serialize for Member<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Member::Value(v) => v.serialize(serializer),
            Member::Raw(v) => v.serialize(serializer),
            Member::Str(v) => v.serialize(serializer),
            Member::Int(v) => v.serialize(serializer),
            Member::Data(data) => {
                let mut members: BTreeMap<&str, Member<'_>> = data
                    .additional_properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), Member::Value(v)))
                    .collect();
                if let Some(t) = &data.type_ {
                    members.insert("type", Member::Str(t));
                }
                if let Some(item) = &data.item {
                    members.insert("item", Member::Raw(item));
                }
                serialize_members(members, serializer)
            }
        }
    }
}

fn serialize_members<S: Serializer>(
    members: BTreeMap<&str, Member<'_>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(members.len()))?;
    for (k, v) in &members {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl<E> Serialize for Notification<E> {
    /// The members in name order; `data.item` is written as received.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut members: BTreeMap<&str, Member<'_>> = self
            .additional_properties
            .iter()
            .map(|(k, v)| (k.as_str(), Member::Value(v)))
            .collect();
        for (key, value) in [
            ("type", &self.type_),
            ("id", &self.id),
            ("topic", &self.topic),
            ("app_id", &self.app_id),
            ("self", &self.self_),
        ] {
            if let Some(v) = value {
                members.insert(key, Member::Str(v));
            }
        }
        for (key, value) in [
            ("created_at", self.created_at),
            ("delivery_attempts", self.delivery_attempts),
            ("first_sent_at", self.first_sent_at),
        ] {
            if let Some(v) = value {
                members.insert(key, Member::Int(v));
            }
        }
        if let Some(data) = &self.data {
            members.insert("data", Member::Data(data));
        }
        serialize_members(members, serializer)
    }
}

/// What a drift record expects of an item `serde_json::Value` cannot hold.
const REPRESENTABLE: &str = "JSON a serde_json::Value can hold (numbers within f64 range)";

/// The JSON text of a [`RawValue`] as a `Value`. The text is valid JSON (it was read as such), but
/// `Value` cannot hold everything valid JSON can (a number such as `1e999` is out of `f64`'s
/// range): such an item is kept as its text, a JSON string, never dropped; `Err` says so.
fn raw_to_value(raw: &RawValue) -> Result<Value, Value> {
    serde_json::from_str(raw.get()).map_err(|_| Value::String(raw.get().to_owned()))
}

/// The JSON kind of a valid JSON text, from its first character.
fn kind_of_text(text: &str) -> Kind {
    match text.trim_start().as_bytes().first() {
        Some(b'{') => Kind::Object,
        Some(b'[') => Kind::Array,
        Some(b'"') => Kind::String,
        Some(b't' | b'f') => Kind::Boolean,
        Some(b'n') | None => Kind::Null,
        Some(_) => Kind::Number,
    }
}

/// `item` as a `Value` (`null` when absent): the item of an untyped or unknown topic. An item a
/// `Value` cannot hold (a number out of `f64` range) is its JSON text as a string, with a drift
/// record.
pub fn item_value(item: Option<&RawValue>) -> Value {
    let Some(raw) = item else {
        return Value::Null;
    };
    raw_to_value(raw).unwrap_or_else(|text| {
        drift::record("Notification", None, REPRESENTABLE, kind_of_text(raw.get()));
        text
    })
}

/// The member of a model that holds its `type` tag, and the value the model's schema fixes it to
/// (generated where the schema has one).
pub type ItemKind<T> = (&'static str, fn(&T) -> Option<&str>);

/// Decodes `item` into the topic's model `T` straight from its JSON text. An item that is not an
/// object, or does not decode, is returned raw with a drift record (`type_name`: the model's
/// name); so is an object whose `type` member is a string other than `kind`'s (an
/// [`Action::OtherKind`](crate::drift::Action::OtherKind) record naming both). An item with no
/// `type` member decodes.
pub fn decode_item<T: DeserializeOwned>(
    type_name: &'static str,
    item: Option<&RawValue>,
    kind: Option<ItemKind<T>>,
) -> Result<T, Value> {
    let Some(raw) = item else {
        drift::record(type_name, None, "object", Kind::Null);
        return Err(Value::Null);
    };
    if raw.get().trim_start().starts_with('{') {
        let mark = drift::mark();
        // The same deserializer type as a response body's (`decode_json`): a user who both calls
        // operations and parses notifications compiles each model's decoder once.
        let mut de = serde_json::Deserializer::from_slice(raw.get().as_bytes());
        match T::deserialize(&mut de).and_then(|model| de.end().map(|()| model)) {
            Ok(model) => match kind {
                Some((expected, tag)) if tag(&model).is_some_and(|found| found != expected) => {
                    let found = tag(&model).unwrap_or_default().to_string();
                    drift::truncate(mark);
                    drift::record_other_kind(type_name, expected, &found);
                    return Err(raw_to_value(raw).unwrap_or_else(|text| text));
                }
                _ => return Ok(model),
            },
            Err(_) => drift::truncate(mark),
        }
    }
    match raw_to_value(raw) {
        Ok(value) => {
            drift::record(type_name, None, "object", Kind::of(&value));
            Err(value)
        }
        Err(text) => {
            drift::record(type_name, None, REPRESENTABLE, kind_of_text(raw.get()));
            Err(text)
        }
    }
}

/// [`Notification::parse`] then [`Notification::event`]: the envelope, the event, and the drift
/// records of both.
///
/// # Errors
///
/// The body is not JSON, or not a JSON object.
pub fn parse<E: Topics>(
    body: &[u8],
) -> Result<(Notification<E>, E, Vec<Drift>), serde_json::Error> {
    let (notification, mut drifts) = Notification::<E>::parse(body)?;
    let (event, item_drifts) = notification.event();
    drifts.extend(item_drifts);
    Ok((notification, event, drifts))
}
