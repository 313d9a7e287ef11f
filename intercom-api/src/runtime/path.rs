//! Percent-encoding of path parameters.
//!
//! A path parameter is always encoded as exactly one path segment: every byte
//! outside RFC 3986 `unreserved` (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, so
//! `/`, `?`, `#` and `%` can never change the path or start a query. The dot
//! segments `.` and `..` are encoded as `%2E` / `%2E%2E`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 `unreserved` characters.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` percent-encoded as exactly one path segment, for the paths of
/// [`RawRequest`](super::RawRequest)s: every byte outside RFC 3986 `unreserved`
/// (`A-Z a-z 0-9 - . _ ~`) is encoded, and so are the segments `.` and `..`.
///
/// ```
/// use intercom_api::path_segment;
///
/// assert_eq!(path_segment("a/b c@x.io"), "a%2Fb%20c%40x.io");
/// assert_eq!(path_segment(".."), "%2E%2E");
/// ```
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    push_encoded_segment(&mut out, value);
    out
}

/// Appends `value`, percent-encoded as a single path segment, to `out`.
pub(crate) fn push_encoded_segment(out: &mut String, value: &str) {
    match value {
        "." => out.push_str("%2E"),
        ".." => out.push_str("%2E%2E"),
        _ => out.extend(utf8_percent_encode(value, SEGMENT)),
    }
}

#[cfg(test)]
mod tests {
    use super::push_encoded_segment;

    fn enc(value: &str) -> String {
        let mut out = String::new();
        push_encoded_segment(&mut out, value);
        out
    }

    #[test]
    fn encodes_reserved_characters() {
        assert_eq!(enc("abc-123_x.y~z"), "abc-123_x.y~z");
        assert_eq!(enc("a/../b"), "a%2F..%2Fb");
        assert_eq!(enc("x?y=1"), "x%3Fy%3D1");
        assert_eq!(enc("%2F"), "%252F");
        assert_eq!(enc("a#b c"), "a%23b%20c");
        assert_eq!(enc("é"), "%C3%A9");
        assert_eq!(enc("."), "%2E");
        assert_eq!(enc(".."), "%2E%2E");
        assert_eq!(enc("..."), "...");
    }
}
