//! Spec pins (`specs/<version>.toml`) and finding the pinned YAML: `$INTERCOM_OPENAPI_DIR`, then
//! `../shared/intercom-openapi` beside the workspace, then the download cache, then a download of the
//! pinned upstream commit. The sha256 is checked every time. A pin may also name a corrections file
//! (`[corrections]`, see [`crate::corrections`]), found and checked the same way under `corrections/`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;

/// File name of a description inside a version directory.
pub const SPEC_FILE: &str = "api.intercom.io.yaml";

/// File name of a corrections file inside `corrections/<version>/` of a mirror.
pub const CORRECTIONS_FILE: &str = "openapi-overrides.yml";

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
    /// The corrections applied to the description before lowering (a `[corrections]` table), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrections: Option<CorrectionsPin>,
}

/// A pinned corrections file: a JSON Merge Patch (RFC 7386) of the description, such as Intercom's
/// own `fern/openapi-overrides.yml` (see [`crate::corrections`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionsPin {
    /// Path of the file in the pin's upstream repository (`fern/openapi-overrides.yml`).
    pub path: String,
    /// Upstream commit it is taken from (`unknown` for a file of one's own).
    pub commit: String,
    /// Expected sha256 of the file, lower-case hex.
    pub sha256: String,
}

impl Pin {
    /// Raw download URL of the pinned file.
    pub fn url(&self) -> String {
        raw_url(&self.repository, &self.commit, &self.path)
    }

    /// Raw download URL of the pinned corrections file, if the pin has one.
    pub fn corrections_url(&self) -> Option<String> {
        self.corrections
            .as_ref()
            .map(|c| raw_url(&self.repository, &c.commit, &c.path))
    }

    /// `specs/<version>.toml` of `workspace`.
    pub fn file(workspace: &Path, version: &str) -> PathBuf {
        workspace.join("specs").join(format!("{version}.toml"))
    }

    /// The hashes generated files name in their header: the description's sha256, and the
    /// corrections' when the pin has them (`<sha256>; corrections sha256 <sha256>`).
    pub fn provenance_hash(&self) -> String {
        match &self.corrections {
            Some(c) => format!("{}; corrections sha256 {}", self.sha256, c.sha256),
            None => self.sha256.clone(),
        }
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

fn raw_url(repository: &str, commit: &str, path: &str) -> String {
    format!("https://raw.githubusercontent.com/{repository}/{commit}/{path}")
}

/// A located, hash-checked corrections file.
#[derive(Debug, Clone)]
pub struct CorrectionsText {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
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
    /// The pin's corrections file, located and hash-checked (`None` when the pin has none, or
    /// after [`SpecText::without_corrections`]).
    pub corrections: Option<CorrectionsText>,
}

impl SpecText {
    /// The same description without its corrections (what `cargo xtask diff 2.14-corrections`
    /// reads).
    pub fn without_corrections(mut self) -> SpecText {
        self.corrections = None;
        self.pin.corrections = None;
        self
    }
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

/// Reads every `specs/*.toml` but `webhooks.toml`, sorted by version.
pub fn load_pins(workspace: &Path) -> Result<Vec<Pin>, Error> {
    let dir = workspace.join("specs");
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| Error::other(format!("cannot read {}: {e}", dir.display())))?;
    let mut pins = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| Error::other(format!("cannot read {}: {e}", dir.display())))?
            .path();
        // `specs/webhooks.toml` is the webhook topics (`crate::webhooks`), not a pin.
        if path.extension().and_then(|e| e.to_str()) != Some("toml")
            || path.ends_with(crate::webhooks::FILE)
        {
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
    mirror_places(
        workspace,
        &[pin.version.as_str(), SPEC_FILE],
        cache_path(workspace, pin),
    )
}

/// The places a pin's corrections file is looked for, in order (the download cache last): like the
/// description, under `corrections/<version>/openapi-overrides.yml`. Empty when the pin has none.
pub fn corrections_candidates(workspace: &Path, pin: &Pin) -> Vec<PathBuf> {
    match corrections_cache_path(workspace, pin) {
        Some(cache) => mirror_places(
            workspace,
            &["corrections", pin.version.as_str(), CORRECTIONS_FILE],
            cache,
        ),
        None => Vec::new(),
    }
}

fn mirror_places(workspace: &Path, rel: &[&str], cache: PathBuf) -> Vec<PathBuf> {
    let join = |base: PathBuf| rel.iter().fold(base, |p, part| p.join(part));
    let mut out = Vec::new();
    if let Some(dir) = std::env::var_os("INTERCOM_OPENAPI_DIR") {
        out.push(join(PathBuf::from(dir)));
    }
    out.push(join(
        workspace.join("..").join("shared").join("intercom-openapi"),
    ));
    out.push(cache);
    out
}

/// Where a downloaded description is cached (git-ignored).
pub fn cache_path(workspace: &Path, pin: &Pin) -> PathBuf {
    workspace
        .join(".cache")
        .join("specs")
        .join(format!("{}-{}.yaml", pin.version, pin.sha256))
}

/// Where a pin's downloaded corrections file is cached (git-ignored), if the pin has one.
pub fn corrections_cache_path(workspace: &Path, pin: &Pin) -> Option<PathBuf> {
    pin.corrections.as_ref().map(|c| {
        workspace
            .join(".cache")
            .join("specs")
            .join(format!("{}-corrections-{}.yml", pin.version, c.sha256))
    })
}

/// One file to find: what it is called in messages, its hash, the places and the download.
struct Wanted {
    /// `spec 2.11` or `corrections 2.14`.
    what: String,
    version: String,
    sha256: String,
    places: Vec<PathBuf>,
    url: String,
    cache: PathBuf,
}

/// Finds the pinned description, checking its hash; downloads it into the cache as a last resort.
/// A file with another hash (an older mirror) is passed over when a later place (the cache) has the
/// pinned one; if none has it, the first mismatch is the error. The pin's corrections file, if
/// any, is found the same way.
pub fn locate(workspace: &Path, pin: &Pin) -> Result<SpecText, Error> {
    let spec = Wanted {
        what: format!("spec {}", pin.version),
        version: pin.version.clone(),
        sha256: pin.sha256.clone(),
        places: candidates(workspace, pin),
        url: pin.url(),
        cache: cache_path(workspace, pin),
    };
    let (path, text) = find(&spec)?;
    Ok(SpecText {
        pin: pin.clone(),
        path,
        text,
        corrections: locate_corrections(workspace, pin)?,
    })
}

/// Finds the pin's corrections file like [`locate`] finds the description (`None` when the pin
/// has none).
pub fn locate_corrections(workspace: &Path, pin: &Pin) -> Result<Option<CorrectionsText>, Error> {
    let (Some(c), Some(url), Some(cache)) = (
        &pin.corrections,
        pin.corrections_url(),
        corrections_cache_path(workspace, pin),
    ) else {
        return Ok(None);
    };
    let wanted = Wanted {
        what: format!("corrections {}", pin.version),
        version: pin.version.clone(),
        sha256: c.sha256.clone(),
        places: corrections_candidates(workspace, pin),
        url,
        cache,
    };
    let (path, text) = find(&wanted)?;
    Ok(Some(CorrectionsText { path, text }))
}

fn find(wanted: &Wanted) -> Result<(PathBuf, String), Error> {
    let tried: Vec<String> = wanted
        .places
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut first_mismatch: Option<Error> = None;
    for path in &wanted.places {
        if let Ok(bytes) = std::fs::read(path) {
            match checked(wanted, path, bytes) {
                Ok(text) => return Ok((path.clone(), text)),
                Err(e) => {
                    first_mismatch.get_or_insert(e);
                }
            }
        }
    }
    if let Some(e) = first_mismatch {
        return Err(Error::other(format!("{e}; tried {}", tried.join(", "))));
    }
    match crate::http::download(&wanted.url) {
        Ok(bytes) => {
            let actual = sha256_hex(&bytes);
            if actual != wanted.sha256 {
                return Err(mismatch(wanted, &wanted.url, &actual));
            }
            let cache = &wanted.cache;
            if let Some(parent) = cache.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            std::fs::write(cache, &bytes)
                .map_err(|e| Error::other(format!("cannot write {}: {e}", cache.display())))?;
            let text = checked(wanted, cache, bytes)?;
            Ok((cache.clone(), text))
        }
        Err(e) => Err(Error::other(format!(
            "{} not found (expected sha256 {}): tried {}, then downloading failed: {e}",
            wanted.what,
            wanted.sha256,
            tried.join(", "),
        ))),
    }
}

/// Reads a description from an explicit file and checks it against `pin` (its corrections are
/// not read: the result has none).
pub fn read_checked(pin: &Pin, path: &Path) -> Result<SpecText, Error> {
    let wanted = Wanted {
        what: format!("spec {}", pin.version),
        version: pin.version.clone(),
        sha256: pin.sha256.clone(),
        places: Vec::new(),
        url: pin.url(),
        cache: PathBuf::new(),
    };
    let bytes = std::fs::read(path).map_err(|e| {
        Error::other(format!(
            "spec {}: cannot read {}: {e}",
            pin.version,
            path.display()
        ))
    })?;
    let text = checked(&wanted, path, bytes)?;
    Ok(SpecText {
        pin: pin.clone(),
        path: path.to_path_buf(),
        text,
        corrections: None,
    })
}

fn checked(wanted: &Wanted, path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    let actual = sha256_hex(&bytes);
    if actual != wanted.sha256 {
        return Err(mismatch(wanted, &path.display().to_string(), &actual));
    }
    String::from_utf8(bytes)
        .map_err(|_| Error::other(format!("{}: {} is not UTF-8", wanted.what, path.display())))
}

fn mismatch(wanted: &Wanted, place: &str, actual: &str) -> Error {
    Error::other(format!(
        "{}: sha256 mismatch for {place}: expected {}, actual {actual} (update specs/{}.toml with `cargo xtask pin` if the new file is intended)",
        wanted.what, wanted.sha256, wanted.version
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
            corrections: None,
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
