//! The access token and the `Authorization` header built from it.

use std::fmt;

use reqwest::header::HeaderValue;

/// An Intercom access token.
///
/// Its `Debug` output is redacted; the token is only ever turned into a
/// sensitive `Authorization` header value.
#[derive(Clone)]
pub(crate) struct AccessToken(String);

impl AccessToken {
    pub(crate) fn new(token: String) -> Self {
        Self(token)
    }

    /// `Bearer <token>` as a header value marked sensitive (so `http`'s own
    /// `Debug` redacts it too). `None` when the token contains bytes that are
    /// not allowed in an HTTP header (control characters, newlines, ...).
    pub(crate) fn bearer_header(&self) -> Option<HeaderValue> {
        let mut value = HeaderValue::try_from(format!("Bearer {}", self.0)).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::AccessToken;

    #[test]
    fn debug_is_redacted() {
        let token = AccessToken::new("s3cr3t-token".to_owned());
        assert!(!format!("{token:?}").contains("s3cr3t"));
        let header = token.bearer_header();
        assert!(header.as_ref().is_some_and(|h| h.is_sensitive()));
        assert!(!format!("{header:?}").contains("s3cr3t"));
    }

    #[test]
    fn invalid_header_bytes_are_rejected() {
        assert!(
            AccessToken::new("a\nb".to_owned())
                .bearer_header()
                .is_none()
        );
    }
}
