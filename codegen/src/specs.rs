//! Spec pins (`specs/<version>.toml`) and finding the pinned YAML: `$INTERCOM_OPENAPI_DIR`, then
//! `../shared/intercom-openapi` beside the workspace, then the download cache, then a download of the
//! pinned upstream commit. The sha256 is checked every time.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// File name of a description inside a version directory.
pub const SPEC_FILE: &str = "api.intercom.io.yaml";

/// One pinned upstream description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// API version, e.g. `2.11`.
    pub version: String,
    /// Upstream GitHub repository (`owner/name`).
    pub repository: String,
    /// Upstream commit.
    pub commit: String,
    /// Path of the file in the upstream repository.
    pub path: String,
    /// Expected sha256 of the file, lower-case hex.
    pub sha256: String,
}

impl Pin {
    /// Raw download URL of the pinned file.
    pub fn url(&self) -> String {
        format!(
            "https://raw.githubusercontent.com/{}/{}/{}",
            self.repository, self.commit, self.path
        )
    }

    /// `specs/<version>.toml` of `workspace`.
    pub fn file(workspace: &Path, version: &str) -> PathBuf {
        workspace.join("specs").join(format!("{version}.toml"))
    }

    /// The TOML text of this pin, with a comment header.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Pinned upstream OpenAPI description for Intercom API {}.\n# The YAML itself is never committed; see README \"How specs are found\".\n{body}",
            self.version
        )
    }
}

/// A located, hash-checked description.
#[derive(Debug, Clone)]
pub struct SpecText {
    /// The pin it satisfies.
    pub pin: Pin,
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest accepted version string.
pub const MAX_VERSION_LEN: usize = 64;

/// Whether `s` is an API version: ASCII letters and digits in parts separated by single dots or
/// hyphens, at most [`MAX_VERSION_LEN`] bytes (`2.11`, `3.0`, `2.11-beta`, `Preview`). The one
/// version-string check of the workspace: a version becomes a file name (`specs/2.11.toml`), a
/// module and cargo feature ([`naming::version_module`](crate::naming::version_module)) and the
/// `Intercom-Version` header the module sends. Upstream's `descriptions/` folders are matched
/// against the numbered ones only ([`is_stable`]).
pub fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_VERSION_LEN
        && s.split(['.', '-'])
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether `v` is a stable (numbered) version: digits separated by single dots (`2.11`), as
/// opposed to a named one like `Preview`. Only a stable version becomes the default feature.
pub fn is_stable(v: &str) -> bool {
    is_version(v)
        && v.split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// [`is_version`] as a `Result`: the error names the rejected string and says why.
pub fn check_version(version: &str) -> Result<(), Error> {
    if is_version(version) {
        return Ok(());
    }
    let why = if version.is_empty() {
        "it is empty".to_string()
    } else if version.len() > MAX_VERSION_LEN {
        format!("it is longer than {MAX_VERSION_LEN} bytes")
    } else if let Some(c) = version
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '.' && *c != '-')
    {
        format!("{c:?} is not an ASCII letter, digit, dot or hyphen")
    } else {
        "a dot or hyphen is at the start or end, or next to another".to_string()
    };
    Err(Error::other(format!(
        "invalid version {version:?}: {why}; expected ASCII letters and digits in parts separated \
         by single dots or hyphens, like 2.12 or Preview"
    )))
}

/// Two versions of `versions` that share a module and feature
/// ([`naming::version_module`](crate::naming::version_module): they differ only in case, or in
/// `.` versus `-`) are an error naming both.
pub fn check_modules_distinct<'a>(
    versions: impl IntoIterator<Item = &'a str>,
) -> Result<(), Error> {
    let mut seen: std::collections::BTreeMap<String, &str> = std::collections::BTreeMap::new();
    for v in versions {
        let module = crate::naming::version_module(v);
        if let Some(other) = seen.insert(module.clone(), v)
            && other != v
        {
            return Err(Error::other(format!(
                "versions {other:?} and {v:?} would both be module and feature `{module}`: pin only one"
            )));
        }
    }
    Ok(())
}

/// Orders versions: stable ones ([`is_stable`]) first, numerically (`2.9` < `2.10`), then the
/// named ones (`Preview`), by their dot- and hyphen-separated parts, numeric parts numerically.
pub fn version_key(v: &str) -> (bool, Vec<(u64, String)>) {
    let parts = v
        .split(['.', '-'])
        .map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_string()))
        .collect();
    (!is_stable(v), parts)
}

/// The newest stable version of `versions` (the default feature), if any.
pub fn newest_stable<'a>(versions: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    versions
        .into_iter()
        .filter(|v| is_stable(v))
        .max_by_key(|v| version_key(v))
}

/// Reads every `specs/*.toml`, sorted by version.
pub fn load_pins(workspace: &Path) -> Result<Vec<Pin>, Error> {
    let dir = workspace.join("specs");
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| Error::other(format!("cannot read {}: {e}", dir.display())))?;
    let mut pins = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| Error::other(format!("cannot read {}: {e}", dir.display())))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Error::other(format!("cannot read {}: {e}", path.display())))?;
        let pin: Pin = toml::from_str(&text)
            .map_err(|e| Error::other(format!("invalid pin {}: {e}", path.display())))?;
        check_version(&pin.version)
            .map_err(|e| Error::other(format!("invalid pin {}: {e}", path.display())))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if stem != pin.version {
            return Err(Error::other(format!(
                "{} pins version {} but is named {stem}",
                path.display(),
                pin.version
            )));
        }
        pins.push(pin);
    }
    pins.sort_by_key(|p| version_key(&p.version));
    check_modules_distinct(pins.iter().map(|p| p.version.as_str()))
        .map_err(|e| Error::other(format!("{}: {e}", dir.display())))?;
    Ok(pins)
}

/// The places a pinned version is looked for, in order (the download cache last).
pub fn candidates(workspace: &Path, pin: &Pin) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(dir) = std::env::var_os("INTERCOM_OPENAPI_DIR") {
        out.push(PathBuf::from(dir).join(&pin.version).join(SPEC_FILE));
    }
    out.push(
        workspace
            .join("..")
            .join("shared")
            .join("intercom-openapi")
            .join(&pin.version)
            .join(SPEC_FILE),
    );
    out.push(cache_path(workspace, pin));
    out
}

/// Where a downloaded description is cached (git-ignored).
pub fn cache_path(workspace: &Path, pin: &Pin) -> PathBuf {
    workspace
        .join(".cache")
        .join("specs")
        .join(format!("{}-{}.yaml", pin.version, pin.sha256))
}

/// Finds the pinned description, checking its hash; downloads it into the cache as a last resort.
/// A file with another hash (an older mirror) is passed over when a later place (the cache) has the
/// pinned one; if none has it, the first mismatch is the error.
pub fn locate(workspace: &Path, pin: &Pin) -> Result<SpecText, Error> {
    let places = candidates(workspace, pin);
    let tried: Vec<String> = places.iter().map(|p| p.display().to_string()).collect();
    let mut first_mismatch: Option<Error> = None;
    for path in &places {
        if let Ok(bytes) = std::fs::read(path) {
            match checked(pin, path.clone(), bytes) {
                Ok(found) => return Ok(found),
                Err(e) => {
                    first_mismatch.get_or_insert(e);
                }
            }
        }
    }
    if let Some(e) = first_mismatch {
        return Err(Error::other(format!("{e}; tried {}", tried.join(", "))));
    }
    match crate::http::download(&pin.url()) {
        Ok(bytes) => {
            let actual = sha256_hex(&bytes);
            if actual != pin.sha256 {
                return Err(mismatch(pin, &pin.url(), &actual));
            }
            let cache = cache_path(workspace, pin);
            if let Some(parent) = cache.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            std::fs::write(&cache, &bytes)
                .map_err(|e| Error::other(format!("cannot write {}: {e}", cache.display())))?;
            checked(pin, cache, bytes)
        }
        Err(e) => Err(Error::other(format!(
            "spec {} not found (expected sha256 {}): tried {}, then downloading failed: {e}",
            pin.version,
            pin.sha256,
            tried.join(", "),
        ))),
    }
}

/// Reads a description from an explicit file and checks it against `pin`.
pub fn read_checked(pin: &Pin, path: &Path) -> Result<SpecText, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::other(format!(
            "spec {}: cannot read {}: {e}",
            pin.version,
            path.display()
        ))
    })?;
    checked(pin, path.to_path_buf(), bytes)
}

fn checked(pin: &Pin, path: PathBuf, bytes: Vec<u8>) -> Result<SpecText, Error> {
    let actual = sha256_hex(&bytes);
    if actual != pin.sha256 {
        return Err(mismatch(pin, &path.display().to_string(), &actual));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::other(format!(
            "spec {}: {} is not UTF-8",
            pin.version,
            path.display()
        ))
    })?;
    Ok(SpecText {
        pin: pin.clone(),
        path,
        text,
    })
}

fn mismatch(pin: &Pin, place: &str, actual: &str) -> Error {
    Error::other(format!(
        "spec {}: sha256 mismatch for {place}: expected {}, actual {actual} (update specs/{}.toml with `cargo xtask pin` if the new file is intended)",
        pin.version, pin.sha256, pin.version
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_checked() {
        for ok in [
            "2.11",
            "2.9",
            "3.0",
            "0",
            "10.20.30",
            "Preview",
            "2.11-beta",
            "v2.11",
            "Unstable-2",
        ] {
            assert!(is_version(ok), "{ok}");
            assert!(check_version(ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(MAX_VERSION_LEN + 1);
        for (bad, why) in [
            ("", "it is empty"),
            (
                "2..1",
                "a dot or hyphen is at the start or end, or next to another",
            ),
            (".2", "a dot or hyphen is at the start or end"),
            ("2.", "a dot or hyphen is at the start or end"),
            ("-Preview", "a dot or hyphen is at the start or end"),
            ("2.-1", "next to another"),
            (
                "../2.12",
                "'/' is not an ASCII letter, digit, dot or hyphen",
            ),
            ("2,11", "',' is not an ASCII letter, digit, dot or hyphen"),
            (
                "2.11 beta",
                "' ' is not an ASCII letter, digit, dot or hyphen",
            ),
            ("2_11", "'_' is not an ASCII letter"),
            ("２.11", "'２' is not an ASCII letter"),
            ("Prévu", "'é' is not an ASCII letter"),
            (long.as_str(), "it is longer than 64 bytes"),
        ] {
            assert!(!is_version(bad), "{bad}");
            let e = check_version(bad).err().map(|e| e.to_string());
            assert!(
                e.as_deref()
                    .is_some_and(|e| e.starts_with(&format!("invalid version {bad:?}: "))
                        && e.contains(why)
                        && e.contains("like 2.12 or Preview")),
                "{bad}: {e:?}"
            );
        }
    }

    #[test]
    fn stable_versions_are_numbered() {
        for stable in ["2.11", "0", "10.20.30"] {
            assert!(is_stable(stable), "{stable}");
        }
        for named in ["Preview", "2.11-beta", "v2.11", "2..1", ""] {
            assert!(!is_stable(named), "{named}");
        }
    }

    #[test]
    fn stable_versions_sort_numerically_before_named_ones() {
        let mut versions = vec![
            "Preview",
            "2.10",
            "2.11-beta",
            "2.9",
            "Alpha",
            "10.0",
            "2.11",
            "0",
        ];
        versions.sort_by_key(|v| version_key(v));
        assert_eq!(
            versions,
            [
                "0",
                "2.9",
                "2.10",
                "2.11",
                "10.0",
                "2.11-beta",
                "Alpha",
                "Preview"
            ]
        );
        assert_eq!(
            newest_stable(["2.10", "Preview", "2.16", "2.9"]),
            Some("2.16")
        );
        assert_eq!(newest_stable(["Preview"]), None);
    }

    #[test]
    fn versions_sharing_a_module_are_rejected() {
        assert!(check_modules_distinct(["2.10", "2.11", "Preview", "2.11"]).is_ok());
        for (a, b) in [("Preview", "preview"), ("2.11", "2-11")] {
            let e = check_modules_distinct(["2.10", a, b])
                .err()
                .map(|e| e.to_string());
            assert!(
                e.as_deref().is_some_and(|e| e.contains(&format!(
                    "versions {a:?} and {b:?} would both be module and feature `{}`",
                    crate::naming::version_module(a)
                ))),
                "{e:?}"
            );
        }
    }

    fn pin(version: &str) -> Pin {
        Pin {
            version: version.into(),
            repository: "o/r".into(),
            commit: "c".into(),
            path: "p".into(),
            sha256: "s".into(),
        }
    }

    /// `load_pins` of a `specs/` holding `pins` (file name, pin).
    fn load(test: &str, pins: &[(&str, Pin)]) -> Result<Vec<Pin>, Error> {
        let dir = std::env::temp_dir().join(format!("codegen-specs-{test}-{}", std::process::id()));
        let specs = dir.join("specs");
        std::fs::create_dir_all(&specs).unwrap_or_else(|e| panic!("{e}"));
        for (file, pin) in pins {
            std::fs::write(specs.join(file), pin.to_toml()).unwrap_or_else(|e| panic!("{e}"));
        }
        let loaded = load_pins(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        loaded
    }

    #[test]
    fn a_pin_with_an_invalid_version_is_rejected() {
        let e = load("invalid", &[("2..1.toml", pin("2..1"))])
            .err()
            .map(|e| e.to_string());
        assert!(
            e.as_deref()
                .is_some_and(|e| e.contains("invalid version \"2..1\"")),
            "{e:?}"
        );
    }

    #[test]
    fn named_pins_load_after_the_stable_ones_and_must_not_share_a_module() {
        let loaded = load(
            "named",
            &[
                ("Preview.toml", pin("Preview")),
                ("2.10.toml", pin("2.10")),
                ("2.9.toml", pin("2.9")),
            ],
        )
        .map(|pins| pins.into_iter().map(|p| p.version).collect::<Vec<_>>());
        assert_eq!(
            loaded.map_err(|e| e.to_string()),
            Ok(vec!["2.9".to_string(), "2.10".into(), "Preview".into()])
        );
        let e = load(
            "shared-module",
            &[
                ("Preview.toml", pin("Preview")),
                ("preview.toml", pin("preview")),
            ],
        )
        .err()
        .map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(|e| e.contains(
                "\"Preview\" and \"preview\" would both be module and feature `v_preview`"
            )),
            "{e:?}"
        );
    }
}
