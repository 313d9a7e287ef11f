//! Issue 19.3/19.5: `intercom_api::webhooks::verify` and `sign` against an adversary.

use std::time::{Duration, Instant};

use intercom_api::webhooks::{self, Malformed, SignatureError};

const SECRET: &[u8] = b"s3cr3t-client-secret";
const BODY: &[u8] =
    br#"{"type":"notification_event","topic":"ping","data":{"item":{"type":"ping"}}}"#;

/// RFC 2202 test case 2: HMAC-SHA1, key "Jefe".
#[test]
fn sign_matches_the_rfc_2202_vector() {
    assert_eq!(
        webhooks::sign("Jefe", "what do ya want for nothing?"),
        "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
    );
}

#[test]
fn a_correct_signature_verifies() {
    let header = webhooks::sign(SECRET, BODY);
    assert_eq!(header.len(), 5 + 40);
    assert_eq!(webhooks::verify(SECRET, header.as_str(), BODY), Ok(()));
    assert_eq!(
        webhooks::verify(SECRET, Some(header.as_str()), BODY),
        Ok(())
    );
    // Whitespace around a header value is not part of it (HTTP).
    assert_eq!(
        webhooks::verify(SECRET, format!("  {header}\t").as_str(), BODY),
        Ok(())
    );
}

#[test]
fn a_wrong_secret_is_a_mismatch() {
    let header = webhooks::sign(b"another-secret", BODY);
    assert_eq!(
        webhooks::verify(SECRET, header.as_str(), BODY),
        Err(SignatureError::Mismatch)
    );
    // The empty secret is a key like any other.
    let header = webhooks::sign(b"", BODY);
    assert_eq!(
        webhooks::verify(SECRET, header.as_str(), BODY),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(webhooks::verify(b"", header.as_str(), BODY), Ok(()));
}

#[test]
fn missing_and_empty_headers_are_missing() {
    assert_eq!(
        webhooks::verify(SECRET, None, BODY),
        Err(SignatureError::Missing)
    );
    assert_eq!(
        webhooks::verify(SECRET, "", BODY),
        Err(SignatureError::Missing)
    );
    assert_eq!(
        webhooks::verify(SECRET, "   ", BODY),
        Err(SignatureError::Missing)
    );
}

#[test]
fn truncated_and_overlong_headers_are_malformed() {
    let header = webhooks::sign(SECRET, BODY);
    for cut in [header.len() - 1, header.len() - 2, 20, 6, 5] {
        assert_eq!(
            webhooks::verify(SECRET, &header[..cut], BODY),
            Err(SignatureError::Malformed(Malformed::Length(cut - 5))),
            "cut at {cut}"
        );
    }
    for cut in [4, 1] {
        assert_eq!(
            webhooks::verify(SECRET, &header[..cut], BODY),
            Err(SignatureError::Malformed(Malformed::Scheme)),
            "cut at {cut}"
        );
    }
    let long = format!("{header}0");
    assert_eq!(
        webhooks::verify(SECRET, long.as_str(), BODY),
        Err(SignatureError::Malformed(Malformed::Length(41)))
    );
}

#[test]
fn other_schemes_are_malformed() {
    let digest = &webhooks::sign(SECRET, BODY)[5..];
    for header in [
        format!("sha256={digest}"),
        format!("sha1:{digest}"),
        digest.to_owned(),
        format!("md5={digest}"),
    ] {
        assert_eq!(
            webhooks::verify(SECRET, header.as_str(), BODY),
            Err(SignatureError::Malformed(Malformed::Scheme)),
            "{header}"
        );
    }
    // A real 64-digit sha256 digest under `sha256=`: still the scheme, before any length check.
    let sha256 = format!("sha256={}", "ab".repeat(32));
    assert_eq!(
        webhooks::verify(SECRET, sha256.as_str(), BODY),
        Err(SignatureError::Malformed(Malformed::Scheme))
    );
}

#[test]
fn non_hex_digests_are_malformed() {
    let header = webhooks::sign(SECRET, BODY);
    let bad = format!("{}g", &header[..header.len() - 1]);
    assert_eq!(
        webhooks::verify(SECRET, bad.as_str(), BODY),
        Err(SignatureError::Malformed(Malformed::NotHex))
    );
    // 40 bytes of which some are not ASCII: never sliced mid-character, not hex.
    let multibyte = format!("sha1={}é", "0".repeat(38));
    assert_eq!(
        webhooks::verify(SECRET, multibyte.as_str(), BODY),
        Err(SignatureError::Malformed(Malformed::NotHex))
    );
}

/// Decision: hex is case-insensitive, so an uppercase digest (and `SHA1=`) verifies.
#[test]
fn uppercase_hex_and_scheme_are_accepted() {
    let header = webhooks::sign(SECRET, BODY);
    let upper = format!("sha1={}", header[5..].to_ascii_uppercase());
    assert_ne!(upper, header);
    assert_eq!(webhooks::verify(SECRET, upper.as_str(), BODY), Ok(()));
    let all_upper = header.to_ascii_uppercase();
    assert_eq!(webhooks::verify(SECRET, all_upper.as_str(), BODY), Ok(()));
}

#[test]
fn an_empty_body_is_signed_like_any_other() {
    let header = webhooks::sign(SECRET, b"");
    assert_eq!(webhooks::verify(SECRET, header.as_str(), b""), Ok(()));
    assert_eq!(
        webhooks::verify(SECRET, header.as_str(), BODY),
        Err(SignatureError::Mismatch)
    );
    let body_header = webhooks::sign(SECRET, BODY);
    assert_eq!(
        webhooks::verify(SECRET, body_header.as_str(), b""),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn any_one_byte_change_is_a_mismatch() {
    let header = webhooks::sign(SECRET, BODY);
    for index in 0..BODY.len() {
        let mut changed = BODY.to_vec();
        changed[index] ^= 0x01;
        assert_eq!(
            webhooks::verify(SECRET, header.as_str(), &changed),
            Err(SignatureError::Mismatch),
            "byte {index}"
        );
    }
    // One byte more or less.
    assert_eq!(
        webhooks::verify(SECRET, header.as_str(), &BODY[..BODY.len() - 1]),
        Err(SignatureError::Mismatch)
    );
    let mut longer = BODY.to_vec();
    longer.push(b'\n');
    assert_eq!(
        webhooks::verify(SECRET, header.as_str(), &longer),
        Err(SignatureError::Mismatch)
    );
    // One digit of the signature changed.
    let mut digits = header.into_bytes();
    let last = digits.len() - 1;
    digits[last] = if digits[last] == b'0' { b'1' } else { b'0' };
    let changed = String::from_utf8(digits).expect("ascii");
    assert_eq!(
        webhooks::verify(SECRET, changed.as_str(), BODY),
        Err(SignatureError::Mismatch)
    );
}

/// Verification is over bytes: a body that is not JSON (or not UTF-8) verifies or not like any other.
#[test]
fn non_json_bodies_are_verified_as_bytes() {
    for body in [
        &b"not json at all"[..],
        &[0xff, 0xfe, 0x00, 0x80][..],
        &b"{\"truncated\":"[..],
    ] {
        let header = webhooks::sign(SECRET, body);
        assert_eq!(webhooks::verify(SECRET, header.as_str(), body), Ok(()));
        assert_eq!(
            webhooks::verify(b"x", header.as_str(), body),
            Err(SignatureError::Mismatch)
        );
    }
}

#[test]
fn a_10_mib_body_verifies_in_bounded_time() {
    let body: Vec<u8> = (0..10 * 1024 * 1024)
        .map(|i: u32| (i % 251) as u8)
        .collect();
    let started = Instant::now();
    let header = webhooks::sign(SECRET, &body);
    assert_eq!(webhooks::verify(SECRET, header.as_str(), &body), Ok(()));
    let mut changed = body;
    let middle = changed.len() / 2;
    changed[middle] ^= 0x80;
    assert_eq!(
        webhooks::verify(SECRET, header.as_str(), &changed),
        Err(SignatureError::Mismatch)
    );
    let elapsed = started.elapsed();
    // Three passes over 10 MiB (sha1 is optimized in the dev profile): far below this bound.
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[test]
fn errors_print_no_secret_body_or_header() {
    let secret = "TOPSECRETVALUE";
    let body = "BODYCONTENTMARKER";
    let header = webhooks::sign("another", body);
    let cases = [
        webhooks::verify(secret, header.as_str(), body),
        webhooks::verify(secret, None, body),
        webhooks::verify(secret, &header[..10], body),
        webhooks::verify(secret, format!("sha256={}", &header[5..]).as_str(), body),
        webhooks::verify(secret, format!("sha1={}zz", &header[5..43]).as_str(), body),
    ];
    let digest = &header[5..];
    for case in cases {
        let error = case.expect_err("every case fails");
        for text in [error.to_string(), format!("{error:?}")] {
            assert!(!text.contains(secret), "{text}");
            assert!(!text.contains(body), "{text}");
            assert!(!text.contains(&digest[..8]), "{text}");
        }
    }
    // The variants are told apart in their messages.
    let messages: Vec<String> = [
        SignatureError::Missing,
        SignatureError::Malformed(Malformed::Scheme),
        SignatureError::Mismatch,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert!(messages[0].contains("missing"), "{}", messages[0]);
    assert!(messages[1].contains("malformed"), "{}", messages[1]);
    assert!(messages[2].contains("does not match"), "{}", messages[2]);
}
