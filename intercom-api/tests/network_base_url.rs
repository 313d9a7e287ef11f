//! Issue 12 (point 5): plain-http base URLs only to loopback addresses unless
//! opted in; a base URL's password never shows in errors or `Debug`.

use intercom_api::{Client, Error};

const TOKEN: &str = "tok_SECRET_YmFzZS11cmw";

#[test]
fn plain_http_is_refused_unless_loopback() {
    for url in [
        "http://api.example.com",
        "http://10.0.0.1:8080",
        "http://[fe80::1]/x",
    ] {
        let error = Client::builder(TOKEN)
            .base_url(url)
            .build()
            .expect_err("plain http to another host");
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{url}: {error:?}"
        );
        assert!(error.to_string().contains("allow_insecure_http"), "{error}");
    }
    for url in [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://[::1]:9000",
        "http://localhost:3000/api",
        "https://api.example.com",
    ] {
        assert!(
            Client::builder(TOKEN).base_url(url).build().is_ok(),
            "{url}"
        );
    }
    let client = Client::builder(TOKEN)
        .base_url("http://api.example.com")
        .allow_insecure_http(true)
        .build()
        .expect("opted in");
    assert_eq!(client.base_url(), Some("http://api.example.com"));
}

#[test]
fn a_password_in_the_base_url_never_shows() {
    for url in [
        "https://user:hunter2-PASSWORD@api.example.com",
        "http://user:hunter2-PASSWORD@127.0.0.1:8080/",
        "https://user:hunter2-PASSWORD@",
        "user:hunter2-PASSWORD@api.example.com",
    ] {
        let builder = Client::builder(TOKEN).base_url(url);
        let debug = format!("{builder:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        let error = builder.build().expect_err("credentials are refused");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("SECRET"), "{shown}");
    }
}
