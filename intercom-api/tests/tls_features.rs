//! Issue 22: the TLS backend is a feature (`rustls-tls`, default, or `native-tls`). With one, an
//! `https` call goes to the network (here: a closed port, so a connect error); with neither, it
//! fails before sending, naming the features.

use intercom_api::{Client, Error, Method};

/// An `https` base URL on a loopback port nothing listens on.
fn closed_https_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    format!("https://127.0.0.1:{port}")
}

async fn call() -> Error {
    let client = Client::builder("tok_tls_features")
        .base_url(closed_https_url())
        .max_attempts(1)
        .build()
        .expect("client");
    client
        .request(Method::GET, "/me")
        .send_json()
        .await
        .expect_err("nothing listens")
}

#[cfg(any(feature = "rustls-tls", feature = "native-tls"))]
#[tokio::test]
async fn with_a_tls_backend_https_calls_are_sent() {
    let error = call().await;
    assert!(error.is_connect(), "{error:?}");
}

#[cfg(not(any(feature = "rustls-tls", feature = "native-tls")))]
#[tokio::test]
async fn without_a_tls_backend_https_calls_fail_naming_the_features() {
    let error = call().await;
    let Error::InvalidRequest(invalid) = &error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(invalid.message().contains("`rustls-tls`"), "{error}");
    assert!(invalid.message().contains("`native-tls`"), "{error}");
}
