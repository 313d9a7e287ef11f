//! The webhook notification envelope shared by every version's generated `webhooks` module
//! (`v2_16::webhooks::Notification` is [`Notification`]`<v2_16::webhooks::Event>`).
//!
//! Decoding is drift-tolerant like a response type's: every member is optional; a member of the
//! wrong JSON type is `None`, kept raw in `additional_properties` and reported as a [`Drift`];
//! members not declared here (and `null` ones) are kept there too, so re-encoding reproduces the
//! input.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::codec::drift::{self, Kind};
use crate::drift::Drift;

/// A version's event enum: decodes a notification's item by its topic (generated).
pub trait Topics: Sized {
    /// The event for `topic` with `item` (`data.item`, `null` when absent); never fails: an
    /// unknown topic or an item that does not fit is the enum's `Unknown` variant.
    fn decode(topic: &str, item: Value) -> Self;
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NotificationData {
    /// `type`: `notification_event_data`.
    pub type_: Option<String>,
    /// `item`: the object the topic is about, raw (decoded by [`Notification::event`]).
    pub item: Option<Value>,
    /// Members not declared above, as received.
    pub additional_properties: BTreeMap<String, Value>,
}

impl<E: Topics> Notification<E> {
    /// Parses a raw body (verify it first: `crate::webhooks::verify`) into the envelope, with the
    /// drift records of the envelope.
    ///
    /// # Errors
    ///
    /// The body is not JSON, or not a JSON object.
    pub fn parse(body: &[u8]) -> Result<(Self, Vec<Drift>), serde_json::Error> {
        let value: Value = serde_json::from_slice(body)?;
        let Value::Object(map) = value else {
            return Err(serde::de::Error::custom(format!(
                "a webhook notification is a JSON object, found {}",
                Kind::of(&value).as_str()
            )));
        };
        Ok(drift::collect(|| Self::from_map(map)))
    }

    /// The event this notification carries, decoded by its topic, with the drift records of
    /// the item (paths under `data.item`).
    pub fn event(&self) -> (E, Vec<Drift>) {
        let topic = self.topic.as_deref().unwrap_or_default();
        let item = self
            .data
            .as_ref()
            .and_then(|d| d.item.clone())
            .unwrap_or(Value::Null);
        drift::collect(|| {
            let mark = drift::mark();
            let event = E::decode(topic, item);
            drift::prefix_key(mark, "item");
            drift::prefix_key(mark, "data");
            event
        })
    }

    fn from_map(mut map: Map<String, Value>) -> Self {
        let mut extra = BTreeMap::new();
        let data = map.remove("data").and_then(|v| match v {
            Value::Object(mut data) => {
                let mut data_extra = BTreeMap::new();
                let type_ = take(&mut data, "type", &mut data_extra);
                let item = data.remove("item");
                data_extra.extend(data);
                Some(NotificationData {
                    type_,
                    item,
                    additional_properties: data_extra,
                })
            }
            other => {
                drift::record("Notification", Some("data"), "object", Kind::of(&other));
                extra.insert("data".to_string(), other);
                None
            }
        });
        let n = Notification {
            type_: take(&mut map, "type", &mut extra),
            id: take(&mut map, "id", &mut extra),
            topic: take(&mut map, "topic", &mut extra),
            app_id: take(&mut map, "app_id", &mut extra),
            created_at: take(&mut map, "created_at", &mut extra),
            delivery_attempts: take(&mut map, "delivery_attempts", &mut extra),
            first_sent_at: take(&mut map, "first_sent_at", &mut extra),
            self_: take(&mut map, "self", &mut extra),
            data,
            additional_properties: BTreeMap::new(),
            event: PhantomData,
        };
        extra.extend(map);
        Notification {
            additional_properties: extra,
            ..n
        }
    }
}

/// Member `key` of `map` as a `T`; `null` and a value that does not fit are kept raw in `extra`
/// (the latter with a drift record).
fn take<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    key: &str,
    extra: &mut BTreeMap<String, Value>,
) -> Option<T> {
    let value = map.remove(key)?;
    if value.is_null() {
        extra.insert(key.to_string(), value);
        return None;
    }
    match T::deserialize(&value) {
        Ok(v) => Some(v),
        Err(_) => {
            drift::record(
                "Notification",
                Some(key),
                std::any::type_name::<T>(),
                Kind::of(&value),
            );
            extra.insert(key.to_string(), value);
            None
        }
    }
}

fn insert<T: Serialize>(map: &mut Map<String, Value>, key: &str, value: &Option<T>) {
    if let Some(v) = value
        && let Ok(v) = serde_json::to_value(v)
    {
        map.insert(key.to_string(), v);
    }
}

impl<E> Serialize for Notification<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map: Map<String, Value> = self
            .additional_properties
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        insert(&mut map, "type", &self.type_);
        insert(&mut map, "id", &self.id);
        insert(&mut map, "topic", &self.topic);
        insert(&mut map, "app_id", &self.app_id);
        insert(&mut map, "created_at", &self.created_at);
        insert(&mut map, "delivery_attempts", &self.delivery_attempts);
        insert(&mut map, "first_sent_at", &self.first_sent_at);
        insert(&mut map, "self", &self.self_);
        if let Some(data) = &self.data {
            let mut d: Map<String, Value> = data
                .additional_properties
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            insert(&mut d, "type", &data.type_);
            insert(&mut d, "item", &data.item);
            map.insert("data".to_string(), Value::Object(d));
        }
        map.serialize(serializer)
    }
}

/// Decodes `item` into the topic's model `T`; an item that is not an object, or does not decode,
/// is returned raw with a drift record (`type_name`: the model's name).
pub fn decode_item<T: DeserializeOwned>(type_name: &'static str, item: Value) -> Result<T, Value> {
    if item.is_object()
        && let Ok(model) = T::deserialize(&item)
    {
        return Ok(model);
    }
    drift::record(type_name, None, "object", Kind::of(&item));
    Err(item)
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
