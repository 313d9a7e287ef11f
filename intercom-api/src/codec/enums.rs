//! String enums: the opaque payload of `Unknown` and the error of a closed enum's `FromStr`.

use std::fmt;

/// A string enum value this version of the crate does not know, kept verbatim: the payload of the
/// `Unknown` variant of every response (lenient) string enum.
///
/// It can only be made by decoding or parsing (`FromStr`), and only from a value that no variant
/// names, so `Unknown` never stands for a known value: `"admin".parse()` is always the `Admin`
/// variant. [`as_str`](UnknownValue::as_str) and `Display` give the value back; the enum's `as_str()`,
/// `Display` and `Serialize` write it unchanged.
///
/// ```
/// # #[cfg(feature = "v2_11")] {
/// use intercom_api::v2_11::models::TicketTicketState;
///
/// let state: TicketTicketState = "on_the_moon".parse().unwrap();
/// match &state {
///     TicketTicketState::Unknown(value) => assert_eq!(value.as_str(), "on_the_moon"),
///     other => panic!("{other:?}"),
/// }
/// assert_eq!(state.to_string(), "on_the_moon");
/// # }
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue(String);

impl UnknownValue {
    /// Only the generated `FromStr` of an enum calls this, for a value none of its variants has.
    pub(crate) fn new(value: &str) -> Self {
        UnknownValue(value.to_owned())
    }

    /// The value as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UnknownValue {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The error of `FromStr` for a request-only string enum (one the crate only sends, so it has no
/// `Unknown` variant) when the string is none of its values: names the type and the value.
///
/// ```
/// # #[cfg(feature = "v2_11")] {
/// use intercom_api::v2_11::models::SingleFilterSearchRequestOperator;
///
/// let err = "~~".parse::<SingleFilterSearchRequestOperator>().unwrap_err();
/// assert_eq!(err.type_name(), "SingleFilterSearchRequestOperator");
/// assert_eq!(err.value(), "~~");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    type_name: &'static str,
    value: String,
}

impl UnknownEnumValue {
    /// Made by the generated `FromStr` of a request-only enum.
    pub(crate) fn new(type_name: &'static str, value: &str) -> Self {
        UnknownEnumValue {
            type_name,
            value: value.to_owned(),
        }
    }

    /// The enum's name, e.g. `SingleFilterSearchRequestOperator`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The string that is none of its values.
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} value {:?}", self.type_name, self.value)
    }
}

impl std::error::Error for UnknownEnumValue {}
