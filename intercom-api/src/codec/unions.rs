//! `Deserialize` of the generated untagged unions whose variants are told apart by their JSON kind
//! alone (at most one string, one number, one boolean, one array, one object variant, and `null`),
//! such as `TicketCustomAttributesValue` (string | number | boolean | array | file | null).
//!
//! One `deserialize_any` visitor dispatches on what the input is, instead of serde's untagged
//! derive, which buffers every value and then tries the variants in turn: decoding is several times
//! faster, and the generated code is a handful of one-line hooks.
//!
//! Leniency is that of the derive: in a response union (one with an `Other(Value)` variant) a value
//! no variant takes, or an array or object its variant rejects, becomes `Other`, so decoding never
//! fails on it; a request union reports it as an error.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, MapAccess, SeqAccess, Unexpected};
use serde_json::Value;

/// A generated union decoded by the JSON kind of its input. Each hook returns the variant for a
/// value of its kind; the defaults mean "no variant of this kind".
pub trait UnionDecode: Sized {
    /// What the union accepts, for the "invalid type" error message.
    const EXPECTING: &'static str;

    /// The variant for a string.
    fn string(value: &str) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a negative integer.
    fn int(value: i64) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a non-negative integer.
    fn uint(value: u64) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a number with a fraction or exponent.
    fn float(value: f64) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for a boolean.
    fn boolean(value: bool) -> Option<Self> {
        let _ = value;
        None
    }

    /// The variant for `null`.
    fn null() -> Option<Self> {
        None
    }

    /// The variant for an array (by default none: kept in [`other`](Self::other) if the union has
    /// it).
    fn array<'de, A: SeqAccess<'de>>(seq: A) -> Result<Self, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Self::other(value)
            .ok_or_else(|| de::Error::invalid_type(Unexpected::Seq, &Expecting::<Self>::new()))
    }

    /// The variant for an object (by default none: kept in [`other`](Self::other) if the union
    /// has it).
    fn object<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        Self::other(value)
            .ok_or_else(|| de::Error::invalid_type(Unexpected::Map, &Expecting::<Self>::new()))
    }

    /// The catch-all variant of a response union (`Other(Value)`); `None` for request unions.
    fn other(value: Value) -> Option<Self> {
        let _ = value;
        None
    }
}

/// `Deserialize::deserialize` of a [`UnionDecode`] type.
pub fn decode_union<'de, T: UnionDecode, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_any(Expecting::<T>::new())
}

/// An array variant, streamed: `T` decodes the elements directly.
pub fn seq<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(seq: A) -> Result<T, A::Error> {
    T::deserialize(SeqAccessDeserializer::new(seq))
}

/// An object variant, streamed: `T` decodes the members directly.
pub fn map<'de, T: Deserialize<'de>, A: MapAccess<'de>>(map: A) -> Result<T, A::Error> {
    T::deserialize(MapAccessDeserializer::new(map))
}

/// An array variant of a response union: if the variant rejects the array, it is kept in
/// `other` instead of failing the decode.
pub fn seq_or_other<'de, T, U, A>(
    seq: A,
    variant: fn(T) -> U,
    other: fn(Value) -> U,
) -> Result<U, A::Error>
where
    T: DeserializeOwned,
    A: SeqAccess<'de>,
{
    let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
    Ok(or_other(value, variant, other))
}

/// An object variant of a response union: if the variant rejects the object, it is kept in
/// `other` instead of failing the decode.
pub fn map_or_other<'de, T, U, A>(
    map: A,
    variant: fn(T) -> U,
    other: fn(Value) -> U,
) -> Result<U, A::Error>
where
    T: DeserializeOwned,
    A: MapAccess<'de>,
{
    let value = Value::deserialize(MapAccessDeserializer::new(map))?;
    Ok(or_other(value, variant, other))
}

fn or_other<T: DeserializeOwned, U>(value: Value, variant: fn(T) -> U, other: fn(Value) -> U) -> U {
    match T::deserialize(&value) {
        Ok(decoded) => variant(decoded),
        Err(_) => other(value),
    }
}

/// The visitor of [`decode_union`] (and its "expected ..." text).
struct Expecting<T>(std::marker::PhantomData<T>);

impl<T> Expecting<T> {
    fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T: UnionDecode> Expecting<T> {
    fn scalar<E: de::Error>(
        &self,
        found: Option<T>,
        value: Value,
        unexpected: Unexpected<'_>,
    ) -> Result<T, E> {
        found
            .or_else(|| T::other(value))
            .ok_or_else(|| E::invalid_type(unexpected, self))
    }
}

impl<'de, T: UnionDecode> de::Visitor<'de> for Expecting<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        match T::string(v) {
            Some(found) => Ok(found),
            None => self.scalar(None, Value::String(v.to_owned()), Unexpected::Str(v)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        self.scalar(T::int(v), v.into(), Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        self.scalar(T::uint(v), v.into(), Unexpected::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        self.scalar(T::float(v), v.into(), Unexpected::Float(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        self.scalar(T::boolean(v), v.into(), Unexpected::Bool(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        self.scalar(T::null(), Value::Null, Unexpected::Unit)
    }

    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        T::array(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::object(map)
    }
}
