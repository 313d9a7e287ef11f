//! Each drift is one `tracing` warning naming the Rust type and the field path, never the value.
//!
//! Its own test binary: `tracing` caches per call site whether anyone listens, and another test
//! hitting the same call site on another thread without a subscriber could make this one miss a line.
#![cfg(feature = "v2_11")]

use intercom_api::drift;
use intercom_api::v2_11::models::{ContactList, Tag};
use serde_json::json;

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut out) = self.0.lock() {
            out.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn each_drift_is_a_tracing_warning_with_type_and_path_but_no_value() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let secret = "secret-4242@example.com";
    let body = json!({"data": [{"id": "1", "email": {"v": secret}, "created_at": secret}]});
    let (list, report) = drift::collect(|| serde_json::from_value::<ContactList>(body.clone()));
    list.expect("decodes");
    assert_eq!(report.len(), 2);
    // Outside `collect`: logged at once, with the member name.
    let _: Tag = serde_json::from_str(&format!(r#"{{"applied_at": "{secret}"}}"#)).expect("ok");

    let output = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 3, "{output}");
    assert!(lines.iter().all(|l| l.contains("WARN")), "{output}");
    assert!(lines[0].contains("path=data[0].email"), "{output}");
    assert!(lines[0].contains("type_name=\"Contact\""), "{output}");
    assert!(lines[0].contains("expected=String"), "{output}");
    assert!(lines[1].contains("path=data[0].created_at"), "{output}");
    assert!(lines[2].contains("path=\"applied_at\""), "{output}");
    assert!(lines[2].contains("type_name=\"Tag\""), "{output}");
    assert!(!output.contains(secret), "{output}");
}

/// The client's decode (`decode_json`) decodes a body once without field paths and, only when
/// that fails, again with them: each drift is still one record and one warning, whether the body
/// decodes or not, and the error names the path.
#[test]
fn the_client_decode_logs_each_drift_once_when_it_decodes_and_when_it_fails() {
    use intercom_api::__private::reqwest::header::HeaderMap;
    use intercom_api::__private::{RawResponse, decode_json};
    use intercom_api::{Error, StatusCode};

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let raw = |body: &str| {
        RawResponse::new(
            StatusCode::OK,
            HeaderMap::new(),
            bytes::Bytes::from(body.to_owned()),
        )
    };

    let ok = decode_json::<ContactList>(raw(r#"{"data": [{"id": "1", "email": {"v": 1}}]}"#))
        .expect("decodes");
    let paths: Vec<&str> = ok.drift().iter().map(|d| d.path()).collect();
    assert_eq!(paths, ["data[0].email"]);

    // The drifted member comes before the member that fails (a string in an array of strings
    // is fine; a truncated body is not).
    let failed = decode_json::<ContactList>(raw(
        r#"{"data": [{"id": "2", "created_at": "soon"}, {"id": "3", "name": tru"#,
    ));
    let Err(Error::Decode(error)) = failed else {
        panic!("expected a decode error, got {failed:?}");
    };
    assert_eq!(error.path(), "data[1].name", "{error}");

    let output = String::from_utf8_lossy(&captured.0.lock().expect("lock")).into_owned();
    let lines: Vec<&str> = output.lines().collect();
    assert_eq!(lines.len(), 2, "{output}");
    assert!(lines[0].contains("path=data[0].email"), "{output}");
    // (A record made before a failure is logged as far as its path was built when the decoder
    // stopped unwinding into the enclosing members.)
    assert!(lines[1].contains("[0].created_at"), "{output}");
    assert!(!output.contains("soon"), "{output}");
}
