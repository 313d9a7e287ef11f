//! Verifying and signing Intercom webhook notifications (the `webhooks` feature).
//!
//! Intercom signs each notification it sends with the app's **client secret**: the
//! `X-Hub-Signature` header is `sha1=` followed by the hex HMAC-SHA1 of the raw request body.
//! [`verify`] checks that header against the raw bytes, before anything parses them, with a
//! constant-time comparison (RustCrypto's `hmac`); it is kept apart from parsing so a service can
//! verify, queue the bytes, and parse later (the generated `webhooks` module of each version,
//! e.g. `v2_16::webhooks::Notification::parse`). [`sign`] makes the header value, for tests.
//!
//! What [`verify`] accepts: the `sha1=` prefix (ASCII case-insensitive), then exactly 40 hex
//! digits, lower- or uppercase (hex is case-insensitive; Intercom sends lowercase); whitespace
//! around the value is ignored, as HTTP does for header values. Anything else is
//! [`SignatureError::Malformed`]; no header, or an empty one, is [`SignatureError::Missing`]; a
//! well-formed signature that does not match is [`SignatureError::Mismatch`]. No error, `Display`
//! or `Debug`, contains the secret, the body or the header value.
//!
//! ```
//! use intercom_api::webhooks::{self, SignatureError};
//!
//! let secret = b"client-secret";
//! let body = br#"{"type":"notification_event","topic":"ping"}"#;
//! let header = webhooks::sign(secret, body);
//! assert!(header.starts_with("sha1="));
//! assert_eq!(webhooks::verify(secret, Some(header.as_str()), body), Ok(()));
//! assert_eq!(webhooks::verify(b"other", Some(header.as_str()), body), Err(SignatureError::Mismatch));
//! assert_eq!(webhooks::verify(secret, None, body), Err(SignatureError::Missing));
//! ```

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The header Intercom puts the signature in.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature";

/// The scheme prefix of the signature header's value.
const PREFIX: &str = "sha1=";

/// Hex digits of an HMAC-SHA1 (20 bytes).
const HEX_LEN: usize = 40;

type HmacSha1 = Hmac<Sha1>;

/// Why a notification's signature was not accepted by [`verify`].
///
/// Neither `Display` nor `Debug` includes the secret, the body or the header's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// No signature header, or an empty one.
    #[error("webhook signature missing (no {SIGNATURE_HEADER} header)")]
    Missing,
    /// The header is not `sha1=` followed by 40 hex digits.
    #[error("webhook signature malformed: {0}")]
    Malformed(Malformed),
    /// A well-formed signature that is not the body's HMAC-SHA1 under this secret (wrong secret,
    /// or the body was changed).
    #[error("webhook signature does not match the body")]
    Mismatch,
}

/// What is wrong with a malformed signature header ([`SignatureError::Malformed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// The value does not start with `sha1=` (e.g. `sha256=...`, or a bare digest).
    Scheme,
    /// The digest after `sha1=` is not 40 characters long (its length is given).
    Length(usize),
    /// The digest has a character that is not a hex digit.
    NotHex,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::Scheme => write!(f, "expected the `{PREFIX}` scheme"),
            Malformed::Length(len) => {
                write!(
                    f,
                    "expected {HEX_LEN} hex digits after `{PREFIX}`, found {len} characters"
                )
            }
            Malformed::NotHex => write!(f, "the digest after `{PREFIX}` is not hex"),
        }
    }
}

/// Checks Intercom's `X-Hub-Signature` header (`signature_header`: its value, `None` or `""` when
/// absent) against the raw request body, under the app's client secret. HMAC-SHA1 over the exact
/// bytes received, compared in constant time. See the [module docs](self) for what is accepted.
///
/// # Errors
///
/// [`SignatureError::Missing`], [`SignatureError::Malformed`] or [`SignatureError::Mismatch`].
pub fn verify<'a>(
    client_secret: impl AsRef<[u8]>,
    signature_header: impl Into<Option<&'a str>>,
    raw_body: impl AsRef<[u8]>,
) -> Result<(), SignatureError> {
    let header = signature_header.into().map(str::trim).unwrap_or_default();
    if header.is_empty() {
        return Err(SignatureError::Missing);
    }
    let digest = match header.get(..PREFIX.len()) {
        Some(scheme) if scheme.eq_ignore_ascii_case(PREFIX) => &header[PREFIX.len()..],
        _ => return Err(SignatureError::Malformed(Malformed::Scheme)),
    };
    if digest.len() != HEX_LEN {
        return Err(SignatureError::Malformed(Malformed::Length(
            digest.chars().count(),
        )));
    }
    let expected = hex::decode(digest).map_err(|_| SignatureError::Malformed(Malformed::NotHex))?;
    mac(client_secret.as_ref(), raw_body.as_ref())
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// The `X-Hub-Signature` value Intercom would send for `body` under `secret`:
/// `sha1=<40 lowercase hex digits>`. For tests of a receiver.
pub fn sign(secret: impl AsRef<[u8]>, body: impl AsRef<[u8]>) -> String {
    let tag = mac(secret.as_ref(), body.as_ref()).finalize().into_bytes();
    format!("{PREFIX}{}", hex::encode(tag))
}

fn mac(secret: &[u8], body: &[u8]) -> HmacSha1 {
    // HMAC takes a key of any length (a long one is hashed first): this cannot fail.
    let mut mac = <HmacSha1 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(body);
    mac
}
