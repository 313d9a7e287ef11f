//! Serde helpers shared by the generated code (one copy instead of one per type).

pub mod drift;
mod enums;
mod lenient;
mod lists;
mod structs;
mod unions;

pub use lenient::{
    Fit, Lenient, LenientSeed, lenient_enum, via_deserialize, via_deserialize_untagged, via_value,
};
pub use lists::ArrayBody;
pub use structs::{
    Key, ObjectWriter, Outcome, StructDecode, decode_struct, fill, fill_constant, fill_opt_string,
    fill_string, missing, set, set_boxed, set_extra, unknown_member,
};
pub use unions::{
    TaggedDecode, UnionDecode, decode_tagged, decode_union, map, map_or_other, rest, seq,
    seq_or_other,
};

pub use enums::{UnknownEnumValue, UnknownValue};

use serde::de::{DeserializeOwned, Unexpected};

use lenient::Scalar as _;

/// Implements `Serialize`, `Deserialize`, `Display`, `AsRef<str>` and [`Lenient`] for a generated
/// string enum that has `as_str()` and `FromStr`. `string_enum!(Name)` is an open (response) enum,
/// whose `FromStr` is infallible (`Unknown`); it also gets `From<&str>`. `string_enum!(closed Name)`
/// is a request-only enum without `Unknown`: decoding rejects a value it does not know (and a
/// response type reaching it keeps such a value raw, as drift).
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident) => {
        $crate::codec::string_enum!(@common $name);
        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match <Self as std::str::FromStr>::from_str(value) {
                    Ok(v) => v,
                    Err(never) => match never {},
                }
            }
        }
    };
    (closed $name:ident) => {
        $crate::codec::string_enum!(@common $name);
    };
    (@common $name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::codec::WireVisitor::<Self>::new())
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
        impl $crate::codec::Lenient for $name {
            fn decode_lenient<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<$crate::codec::Fit<Self>, D::Error> {
                $crate::codec::lenient_enum(deserializer)
            }
        }
    };
}

/// Implements [`Lenient`] for a generated response union: its own `Deserialize` already keeps
/// what no variant takes (`Other`/`Unknown`) and records the drift. `@via` is the one shape of the
/// three union macros: `decode_lenient` hands the deserializer (and an extra argument) to a helper.
#[allow(unused_macros)]
macro_rules! lenient_union {
    ($name:ident) => {
        $crate::codec::lenient_union!(@via $name, $crate::codec::via_deserialize);
    };
    (@via $name:ident, $helper:path $(, $extra:expr)?) => {
        impl $crate::codec::Lenient for $name {
            fn decode_lenient<'de, D: serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<$crate::codec::Fit<Self>, D::Error> {
                $helper(deserializer $(, $extra)?)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use lenient_union;

/// [`lenient_union!`] for a response union decoded by serde's untagged derive: a value that lands
/// in its `Other` variant (no variant took it) is recorded as drift.
#[allow(unused_macros)]
macro_rules! lenient_untagged {
    ($name:ident) => {
        $crate::codec::lenient_union!(
            @via $name,
            $crate::codec::via_deserialize_untagged,
            |value: &Self| match value {
                Self::Other(raw) => Some(raw),
                _ => None,
            }
        );
    };
}
#[allow(unused_imports)]
pub(crate) use lenient_untagged;

/// [`Lenient`] for a request (strict) union, which a response type can reach through a schema
/// no operation uses: a value it rejects is handed back raw ([`via_value`]).
#[allow(unused_macros)]
macro_rules! lenient_strict_union {
    ($name:ident) => {
        $crate::codec::lenient_union!(@via $name, $crate::codec::via_value);
    };
}
#[allow(unused_imports)]
pub(crate) use lenient_strict_union;
#[allow(unused_imports)]
pub(crate) use string_enum;

/// Visits a string (borrowed or owned) and parses it with the enum's `FromStr` (an error for a
/// value a closed enum does not know).
pub struct WireVisitor<T>(std::marker::PhantomData<T>);

impl<T> WireVisitor<T> {
    /// The visitor for enum `T`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        WireVisitor(std::marker::PhantomData)
    }
}

impl<T: std::str::FromStr> serde::de::Visitor<'_> for WireVisitor<T>
where
    T::Err: std::fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
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

/// Which variant of an untagged union of structs an object goes to: the one whose declared
/// members (`members[i]`: wire names, and `member.inner` for the members of a struct-typed
/// member) cover the most of its keys, one level deep; the first on a tie; `None` when `value`
/// is not an object.
#[doc(hidden)]
pub fn best_fit(value: &serde_json::Value, members: &[&[&str]]) -> Option<usize> {
    let object = value.as_object()?;
    let mut best: Option<(usize, usize)> = None;
    for (i, declared) in members.iter().enumerate() {
        let mut score = 0;
        for (key, member) in object {
            if !declared.contains(&key.as_str()) {
                continue;
            }
            score += 1;
            if let Some(inner) = member.as_object() {
                score += inner
                    .keys()
                    .filter(|sub| {
                        declared.iter().any(|d| {
                            d.strip_prefix(key.as_str())
                                .and_then(|rest| rest.strip_prefix('.'))
                                == Some(sub.as_str())
                        })
                    })
                    .count();
            }
        }
        if best.is_none_or(|(_, top)| score > top) {
            best = Some((i, score));
        }
    }
    best.map(|(i, _)| i)
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

impl LenientString {
    /// The text the lenient `String` takes a scalar as; an error naming `found` if it takes none.
    fn text<E: serde::de::Error>(text: Option<String>, found: Unexpected<'_>) -> Result<String, E> {
        text.ok_or_else(|| E::invalid_type(found, &LenientString))
    }
}

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

    // A number or boolean is kept as its text: the rule of the lenient `String` ([`lenient`]),
    // asked here so that it has one home.
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Self::text(String::accept_i64(v), Unexpected::Signed(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Self::text(String::accept_u64(v), Unexpected::Unsigned(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
        Self::text(String::accept_f64(v), Unexpected::Float(v))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
        Self::text(String::accept_bool(v), Unexpected::Bool(v))
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

    // Deserializers without a notion of `Option` (such as `serde::de::value::StrDeserializer`)
    // hand over the value itself.
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        LenientString.visit_str(v).map(Some)
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
        LenientString.visit_string(v).map(Some)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        LenientString.visit_i64(v).map(Some)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        LenientString.visit_u64(v).map(Some)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        LenientString.visit_f64(v).map(Some)
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        LenientString.visit_bool(v).map(Some)
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

#[cfg(test)]
mod best_fit_tests {
    use super::best_fit;
    use serde_json::json;

    #[test]
    fn the_variant_declaring_most_members_wins_the_first_on_a_tie() {
        let members: &[&[&str]] = &[&["workflow", "event"], &["action"], &["action", "result"]];
        assert_eq!(best_fit(&json!({"action": {}}), members), Some(1));
        assert_eq!(
            best_fit(&json!({"action": {}, "result": "ok"}), members),
            Some(2)
        );
        assert_eq!(best_fit(&json!({"workflow": {}}), members), Some(0));
        assert_eq!(best_fit(&json!({}), members), Some(0));
        assert_eq!(best_fit(&json!({"unknown": 1}), members), Some(0));
        assert_eq!(best_fit(&json!("text"), members), None);
        // One level down: `action.result` tells the two `action` variants apart.
        let nested: &[&[&str]] = &[
            &["action", "action.name"],
            &["action", "action.name", "action.result"],
        ];
        assert_eq!(best_fit(&json!({"action": {"name": "x"}}), nested), Some(0));
        assert_eq!(
            best_fit(&json!({"action": {"name": "x", "result": "ok"}}), nested),
            Some(1)
        );
    }
}
