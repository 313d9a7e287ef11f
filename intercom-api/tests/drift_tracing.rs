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
