//! The one HTTP helper of the workspace: `GET` with a timeout and a size cap (over `ureq`), used to
//! download pinned descriptions ([`download`]) and to ask the GitHub REST API what upstream has
//! (`cargo xtask upstream`). Every error names the URL and the cause; nothing here panics.

use std::fmt;
use std::io::Read as _;
use std::time::Duration;

/// Largest body read (a description is a few MiB; an API page far less).
pub const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// Time allowed for one request (connect, send, read).
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// At most this much of an error body is kept in [`HttpError`].
const MAX_ERROR_BODY_CHARS: usize = 300;

/// A successful (2xx) response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpErrorKind {
    /// The server answered with a non-2xx status; `body` is the start of its body.
    Status {
        /// HTTP status.
        status: u16,
        /// The start of the body (a GitHub error's `message` when there is one).
        body: String,
    },
    /// No answer: DNS, connect, TLS, timeout, or an invalid URL.
    Transport(String),
    /// The body could not be read.
    Read(String),
    /// The body is larger than [`MAX_BODY_BYTES`].
    TooLarge,
}

/// A failed `GET`: the URL and the cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpError {
    /// The URL asked for.
    pub url: String,
    /// What went wrong.
    pub kind: HttpErrorKind,
}

impl HttpError {
    /// The HTTP status, when the server answered with an error status.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            HttpErrorKind::Status { status, .. } => Some(status),
            _ => None,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.url;
        match &self.kind {
            HttpErrorKind::Status { status, body } if body.is_empty() => {
                write!(f, "GET {url}: HTTP status {status}")
            }
            HttpErrorKind::Status { status, body } => {
                write!(f, "GET {url}: HTTP status {status}: {body}")
            }
            HttpErrorKind::Transport(cause) => write!(f, "GET {url}: no response: {cause}"),
            HttpErrorKind::Read(cause) => write!(f, "GET {url}: reading the body failed: {cause}"),
            HttpErrorKind::TooLarge => {
                write!(
                    f,
                    "GET {url}: the body is larger than {MAX_BODY_BYTES} bytes"
                )
            }
        }
    }
}

impl std::error::Error for HttpError {}

/// `GET url` with extra request headers. A non-2xx status is an error ([`HttpErrorKind::Status`]);
/// redirects are followed (raw file hosts redirect).
pub fn get(url: &str, headers: &[(&str, &str)]) -> Result<Response, HttpError> {
    let error = |kind| HttpError {
        url: url.to_string(),
        kind,
    };
    let agent = ureq::AgentBuilder::new().timeout(TIMEOUT).build();
    let mut request = agent.get(url);
    for (name, value) in headers {
        request = request.set(name, value);
    }
    let response = match request.call() {
        Ok(r) => r,
        Err(ureq::Error::Status(status, response)) => {
            let body = read_body(response).unwrap_or_default();
            return Err(error(HttpErrorKind::Status {
                status,
                body: error_text(&body),
            }));
        }
        Err(ureq::Error::Transport(t)) => {
            return Err(error(HttpErrorKind::Transport(transport_cause(&t))));
        }
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .filter_map(|name| {
            let value = response.header(&name)?.to_string();
            Some((name.to_ascii_lowercase(), value))
        })
        .collect();
    let body = read_body(response).map_err(error)?;
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// Downloads `url` (a raw file): its body.
pub fn download(url: &str) -> Result<Vec<u8>, HttpError> {
    get(url, &[]).map(|r| r.body)
}

fn read_body(response: ureq::Response) -> Result<Vec<u8>, HttpErrorKind> {
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(MAX_BODY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| HttpErrorKind::Read(e.to_string()))?;
    if bytes.len() as u64 > MAX_BODY_BYTES {
        return Err(HttpErrorKind::TooLarge);
    }
    Ok(bytes)
}

/// The cause of a transport failure, without the URL (the error names it once).
fn transport_cause(t: &ureq::Transport) -> String {
    let mut out = t.kind().to_string();
    if let Some(message) = t.message() {
        out.push_str(": ");
        out.push_str(message);
    }
    if let Some(source) = std::error::Error::source(t) {
        out.push_str(": ");
        out.push_str(&source.to_string());
    }
    out
}

/// What an error body says: GitHub's JSON `message` when present, else the start of the text.
fn error_text(body: &[u8]) -> String {
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(serde_json::Value::String(message)) = map.get("message")
    {
        return message.clone();
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(MAX_ERROR_BODY_CHARS) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_text_prefers_the_github_message() {
        assert_eq!(
            error_text(br#"{"message":"Not Found","documentation_url":"x"}"#),
            "Not Found"
        );
        assert_eq!(error_text(b"  plain text\n"), "plain text");
        let long = "x".repeat(1000);
        assert_eq!(
            error_text(long.as_bytes()).len(),
            MAX_ERROR_BODY_CHARS + "...".len()
        );
    }

    #[test]
    fn refused_connection_names_the_url_and_cause() {
        // Bind then drop a listener: the port is very likely closed right after.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let url = format!("http://127.0.0.1:{port}/x");
        let Err(e) = download(&url) else {
            panic!("a closed port answered");
        };
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("GET {url}: no response: ")),
            "{text}"
        );
        assert!(matches!(e.kind, HttpErrorKind::Transport(_)), "{e:?}");
    }
}
