//! The request URL of a call.

use reqwest::Url;

use crate::runtime::client::Ready;
use crate::runtime::error::Error;
use crate::runtime::request::RequestParts;

/// Base URL + encoded path + query (declared, then extra parameters). Fails instead of sending
/// to a different path when URL parsing would normalise the path (dot segments, characters that
/// need percent-encoding in a raw path), and never sends to another host than the base URL's.
pub(super) fn build_url(ready: &Ready, parts: &RequestParts) -> Result<Url, Error> {
    let mut url = Url::parse(&format!("{}{}", ready.base_url, parts.path()))
        .map_err(|e| Error::invalid_request_with("cannot build the request URL", e))?;
    let expected = format!("{}{}", ready.base_path, parts.path());
    if url.path() != expected && !(expected.is_empty() && url.path() == "/") {
        return Err(Error::invalid_request(format!(
            "the path `{}` cannot be sent unchanged (URL normalisation turns it into `{}`); \
             `.` and `..` segments are not allowed, and other characters must be percent-encoded",
            parts.path(),
            url.path()
        )));
    }
    if url.origin() != ready.base_parsed.origin() {
        return Err(Error::invalid_request(format!(
            "the path `{}` does not stay on the client's base URL",
            parts.path()
        )));
    }
    let mut query = parts.query().peekable();
    if query.peek().is_some() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in query {
            pairs.append_pair(name, value);
        }
    }
    Ok(url)
}
