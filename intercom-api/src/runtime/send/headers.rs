//! The request headers of a call.

use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};

use crate::runtime::client::Ready;
use crate::runtime::error::Error;
use crate::runtime::request::RequestParts;

/// The `Intercom-Version` request header.
static INTERCOM_VERSION: HeaderName = HeaderName::from_static("intercom-version");

/// The headers of every attempt: authentication, `Intercom-Version` (when set), `Accept`,
/// `User-Agent`, `Content-Type` for a body, then the caller's extra headers, which replace the
/// client's ones of the same name (`Authorization` and `Intercom-Version` cannot be extra
/// headers: see `Extras::push_header`).
pub(super) fn request_headers(ready: &Ready, parts: &RequestParts) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::with_capacity(5 + parts.extra_headers().len());
    headers.insert(AUTHORIZATION, ready.auth.clone());
    if let Some(version) = &parts.api_version {
        let value = HeaderValue::from_str(version).map_err(|e| {
            Error::invalid_request_with(format!("invalid Intercom-Version `{version}`"), e)
        })?;
        headers.insert(&INTERCOM_VERSION, value);
    }
    headers.insert(ACCEPT, HeaderValue::from_static(parts.accept));
    headers.insert(USER_AGENT, ready.user_agent.clone());
    if parts.body().is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    for (name, _) in parts.extra_headers() {
        headers.remove(name);
    }
    for (name, value) in parts.extra_headers() {
        headers.append(name.clone(), value.clone());
    }
    Ok(headers)
}
