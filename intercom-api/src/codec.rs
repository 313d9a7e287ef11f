//! Serde helpers shared by the generated code (one copy instead of one per type).

use serde::de::DeserializeOwned;

/// Implements `Serialize`, `Deserialize`, `Display` and `From<&str>` for a generated string enum
/// that has `as_str()` and `from_wire()`.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::codec::WireVisitor(Self::from_wire))
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

/// Visits a string (borrowed or owned) and maps it with the enum's `from_wire`.
pub struct WireVisitor<T>(pub fn(&str) -> T);

impl<T> serde::de::Visitor<'_> for WireVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// The string value of member `tag` of a JSON object.
pub fn tag_of(value: &serde_json::Value, tag: &str) -> Option<String> {
    value
        .get(tag)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

/// Decodes a tagged-union variant from its buffered JSON, keeping the inner field path in the message.
pub fn from_value<T: DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
) -> Result<T, E> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            E::custom(e.into_inner())
        } else {
            E::custom(format_args!("{path}: {}", e.into_inner()))
        }
    })
}

/// The error for a tag value no variant has.
pub fn unknown_tag<E: serde::de::Error>(tag: &str, found: Option<&str>, expected: &[&str]) -> E {
    match found {
        Some(v) => E::custom(format_args!(
            "unknown {tag} {v:?}, expected one of {expected:?}"
        )),
        None => E::custom(format_args!(
            "missing string member {tag:?} (expected one of {expected:?})"
        )),
    }
}

/// Decodes a `string` field that may arrive as a number or boolean (Intercom sends numeric ids as
/// either); the value is kept as its JSON text, so nothing is lost.
pub fn string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(LenientString)
}

/// [`string`] for optional fields (`null` -> `None`).
pub fn opt_string<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    deserializer.deserialize_option(OptLenientString)
}

struct LenientString;

impl serde::de::Visitor<'_> for LenientString {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string (or a number)")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
}

struct OptLenientString;

impl<'de> serde::de::Visitor<'de> for OptLenientString {
    type Value = Option<String>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string, a number or null")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        string(deserializer).map(Some)
    }
}

/// A response struct decoded member by member: the `Deserialize` the generator writes for lenient
/// (response) structs, in place of derive + `#[serde(flatten)]`. One `match` on the member name
/// fills the field; a member the spec does not declare goes to the struct's undeclared-members map,
/// so nothing is dropped. A repeated member keeps its last value (as `serde_json::Value` does).
pub trait LenientStruct: Default {
    /// The type's name, for the "expected struct ..." error message.
    const NAME: &'static str;

    /// Decodes the value of member `key` from `map` into its field.
    fn member<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: Key<'de>,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// `Deserialize::deserialize` of a [`LenientStruct`]: a JSON object, member by member.
pub fn lenient_struct<'de, T: LenientStruct, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(LenientStructVisitor(std::marker::PhantomData))
}

struct LenientStructVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: LenientStruct> serde::de::Visitor<'de> for LenientStructVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            value.member(key, &mut map)?;
        }
        Ok(value)
    }
}

/// A member name: borrowed from the input where the format allows it (JSON without escapes),
/// owned otherwise.
#[derive(Debug)]
pub enum Key<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Copied (the name had escapes, or the input is not borrowed).
    Owned(String),
}

impl Key<'_> {
    /// The member name.
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    /// The member name as an owned `String` (for the undeclared-members map).
    pub fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> serde::de::Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// The seed for an optional `string` field of a lenient struct ([`opt_string`]).
pub struct OptString;

impl<'de> serde::de::DeserializeSeed<'de> for OptString {
    type Value = Option<String>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        opt_string(deserializer)
    }
}

/// An object query parameter with `style: form, explode: true`: one `(name, value)` pair per member
/// (scalars as their text, anything else as JSON).
pub fn query_object<T: serde::Serialize>(
    value: &T,
) -> Result<Vec<(String, String)>, crate::runtime::Error> {
    let json = serde_json::to_value(value).map_err(|e| {
        crate::runtime::Error::invalid_request_with("cannot encode a query parameter", e)
    })?;
    match json {
        serde_json::Value::Object(members) => Ok(members
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, scalar_text(v)))
            .collect()),
        other => Err(crate::runtime::Error::invalid_request(format!(
            "an exploded query parameter must be an object, got {other}"
        ))),
    }
}

/// A non-scalar query parameter as JSON text (scalars as their text).
pub fn query_json<T: serde::Serialize>(value: &T) -> Result<String, crate::runtime::Error> {
    serde_json::to_value(value).map(scalar_text).map_err(|e| {
        crate::runtime::Error::invalid_request_with("cannot encode a query parameter", e)
    })
}

fn scalar_text(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}
