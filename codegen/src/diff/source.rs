//! The sides of `cargo xtask diff OLD NEW`: a pinned version (`2.10`), a spec file path, or
//! `<git-rev>:<version>` (the spec pinned by `specs/<version>.toml` at that git revision). A pinned
//! side is read as regen reads it, with its corrections; `<side>-corrections` is the same
//! description without them, `<side>+corrections` insists that it has some.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::Error;
use crate::ir::Api;
use crate::specs::{self, CorrectionsText, Pin, is_version};

/// Suffix of a pinned side read without its corrections (`2.14-corrections`).
pub const WITHOUT_CORRECTIONS: &str = "-corrections";
/// Suffix of a pinned side that must have corrections (`2.14+corrections`, the same as `2.14`
/// when it has them).
pub const WITH_CORRECTIONS: &str = "+corrections";

/// What a diff argument names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecRef {
    /// A version pinned in the workspace's `specs/`.
    Pinned(String),
    /// A spec file; its version is its `info.version`.
    File(PathBuf),
    /// The pin of `version` at git revision `rev`.
    GitPin {
        /// Any revision `git show` understands (`origin/main`, `HEAD~1`, a commit).
        rev: String,
        /// The version.
        version: String,
    },
    /// A pinned side (`Pinned` or `GitPin`) read without its corrections (`2.14-corrections`).
    WithoutCorrections(Box<SpecRef>),
    /// A pinned side that must have corrections (`2.14+corrections`).
    WithCorrections(Box<SpecRef>),
}

impl SpecRef {
    /// Interprets a command-line argument: an existing file wins, then a version, then
    /// `<rev>:<version>`.
    /// A pinned side may end in `-corrections` or `+corrections`.
    pub fn parse(arg: &str) -> Result<SpecRef, Error> {
        let path = Path::new(arg);
        if path.is_file() {
            return Ok(SpecRef::File(path.to_path_buf()));
        }
        for (suffix, wrap) in [
            (
                WITHOUT_CORRECTIONS,
                SpecRef::WithoutCorrections as fn(Box<SpecRef>) -> SpecRef,
            ),
            (WITH_CORRECTIONS, SpecRef::WithCorrections),
        ] {
            if let Some(inner) = arg.strip_suffix(suffix) {
                return match SpecRef::parse(inner)
                    .map_err(|e| Error::other(format!("`{arg}`: {e}")))?
                {
                    r @ (SpecRef::Pinned(_) | SpecRef::GitPin { .. }) => Ok(wrap(Box::new(r))),
                    _ => Err(Error::other(format!(
                        "`{arg}`: only a pinned version (2.14{suffix}) or <git-rev>:<version>{suffix} has corrections"
                    ))),
                };
            }
        }
        if is_version(arg) {
            return Ok(SpecRef::Pinned(arg.to_string()));
        }
        if let Some((rev, version)) = arg.rsplit_once(':')
            && !rev.is_empty()
            && is_version(version)
        {
            return Ok(SpecRef::GitPin {
                rev: rev.to_string(),
                version: version.to_string(),
            });
        }
        Err(Error::other(format!(
            "`{arg}` is not an existing file, a pinned version (like 2.11 or Preview), or <git-rev>:<version> (like origin/main:2.11)"
        )))
    }

    /// How the report names this side.
    pub fn label(&self) -> String {
        match self {
            SpecRef::Pinned(v) => v.clone(),
            SpecRef::File(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
            SpecRef::GitPin { rev, version } => format!("{rev}:{version}"),
            SpecRef::WithoutCorrections(inner) => format!("{}{WITHOUT_CORRECTIONS}", inner.label()),
            SpecRef::WithCorrections(inner) => format!("{}{WITH_CORRECTIONS}", inner.label()),
        }
    }
}

/// A spec text ready to lower.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// How the report names it.
    pub label: String,
    /// API version (`None` for a file: taken from its `info.version` when lowering).
    pub version: Option<String>,
    /// Where it was read from.
    pub path: PathBuf,
    /// The text.
    pub text: String,
    /// The pin's corrections, applied when lowering.
    pub corrections: Option<CorrectionsText>,
}

impl LoadedSpec {
    /// Lowers the text; a file's version is its `info.version`.
    pub fn lower(&self) -> Result<Api, Error> {
        let doc = crate::load::load_with(
            &self.text,
            self.corrections.as_ref(),
            self.version.as_deref().unwrap_or(&self.label),
        )
        .map_err(|e| Error::other(format!("{}: {e}", self.path.display())))?
        .doc;
        let version = match &self.version {
            Some(v) => v.clone(),
            None => {
                let v = doc.openapi.info.version.trim().to_string();
                if let Err(e) = specs::check_version(&v) {
                    return Err(Error::at(
                        "#/info/version",
                        format!("{}: info.version: {e}", self.path.display()),
                    ));
                }
                v
            }
        };
        crate::lower::lower(&doc, &version)
            .map_err(|e| Error::other(format!("{}: {e}", self.path.display())))
    }
}

/// Reads the spec `r` names, relative to `workspace` (pins are hash-checked as in regen).
pub fn load(workspace: &Path, r: &SpecRef) -> Result<LoadedSpec, Error> {
    match r {
        SpecRef::Pinned(version) => {
            let file = Pin::file(workspace, version);
            let text = std::fs::read_to_string(&file).map_err(|e| {
                Error::other(format!(
                    "`{version}` is neither an existing file nor a pinned version: cannot read {}: {e}",
                    file.display()
                ))
            })?;
            let pin: Pin = toml::from_str(&text)
                .map_err(|e| Error::other(format!("invalid pin {}: {e}", file.display())))?;
            located(r, workspace, &pin)
        }
        SpecRef::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Error::other(format!("cannot read {}: {e}", path.display())))?;
            Ok(LoadedSpec {
                label: r.label(),
                version: None,
                path: path.clone(),
                text,
                corrections: None,
            })
        }
        SpecRef::GitPin { rev, version } => {
            let pin = git_pin(workspace, rev, version)?;
            located(r, workspace, &pin)
        }
        SpecRef::WithoutCorrections(inner) => Ok(LoadedSpec {
            corrections: None,
            ..with_corrections(workspace, r, inner)?
        }),
        SpecRef::WithCorrections(inner) => with_corrections(workspace, r, inner),
    }
}

/// The pin of `version` as commit `rev` has it (`git show`).
fn git_pin(workspace: &Path, rev: &str, version: &str) -> Result<Pin, Error> {
    let spec = format!("{rev}:specs/{version}.toml");
    let output = Command::new("git")
        .arg("-C")
        .arg(workspace)
        .args(["show", &spec])
        .output()
        .map_err(|e| Error::other(format!("cannot run `git show {spec}`: {e}")))?;
    if !output.status.success() {
        return Err(Error::other(format!(
            "`git show {spec}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let text = String::from_utf8(output.stdout)
        .map_err(|_| Error::other(format!("{spec} is not UTF-8")))?;
    let pin: Pin =
        toml::from_str(&text).map_err(|e| Error::other(format!("invalid pin {spec}: {e}")))?;
    if pin.version != *version {
        return Err(Error::other(format!(
            "{spec} pins version {} instead of {version}",
            pin.version
        )));
    }
    Ok(pin)
}

/// The spec `inner` names, labelled as `r`, whose pin must have corrections.
fn with_corrections(workspace: &Path, r: &SpecRef, inner: &SpecRef) -> Result<LoadedSpec, Error> {
    let spec = load(workspace, inner)?;
    if spec.corrections.is_none() {
        return Err(Error::other(format!(
            "`{}`: the pin of {} has no corrections",
            r.label(),
            inner.label()
        )));
    }
    Ok(LoadedSpec {
        label: r.label(),
        ..spec
    })
}

fn located(r: &SpecRef, workspace: &Path, pin: &Pin) -> Result<LoadedSpec, Error> {
    let spec = specs::locate(workspace, pin)?;
    Ok(LoadedSpec {
        label: r.label(),
        version: Some(pin.version.clone()),
        path: spec.path,
        text: spec.text,
        corrections: spec.corrections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse() {
        assert_eq!(
            SpecRef::parse("2.10").ok(),
            Some(SpecRef::Pinned("2.10".into()))
        );
        assert_eq!(
            SpecRef::parse("origin/main:2.11").ok(),
            Some(SpecRef::GitPin {
                rev: "origin/main".into(),
                version: "2.11".into()
            })
        );
        // A named version, pinned or at a revision.
        assert_eq!(
            SpecRef::parse("Preview").ok(),
            Some(SpecRef::Pinned("Preview".into()))
        );
        assert_eq!(
            SpecRef::parse("HEAD~1:Preview").ok(),
            Some(SpecRef::GitPin {
                rev: "HEAD~1".into(),
                version: "Preview".into()
            })
        );
        let err = SpecRef::parse("no/such-file.yaml")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("no/such-file.yaml")));
        assert!(SpecRef::parse(":2.11").is_err());
        assert_eq!(
            SpecRef::parse("2.14-corrections").ok(),
            Some(SpecRef::WithoutCorrections(Box::new(SpecRef::Pinned(
                "2.14".into()
            ))))
        );
        let with = SpecRef::parse("origin/main:2.14+corrections").ok();
        assert_eq!(
            with.as_ref().map(SpecRef::label).as_deref(),
            Some("origin/main:2.14+corrections")
        );
        let err = SpecRef::parse("2..1-corrections")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("2..1-corrections")));
        assert!(SpecRef::parse("HEAD:2..1").is_err());
        assert!(!is_version("2..1") && !is_version("") && is_version("2.11"));
    }

    #[test]
    fn a_missing_file_that_reads_as_a_version_is_reported_as_both() {
        // `no-such-file.yaml` is a well-formed version string: it is looked up as a pin.
        let r = SpecRef::parse("no-such-file.yaml").map_err(|e| e.to_string());
        assert_eq!(r, Ok(SpecRef::Pinned("no-such-file.yaml".into())));
        let dir = std::env::temp_dir().join(format!("codegen-diff-source-{}", std::process::id()));
        let err = r
            .ok()
            .and_then(|r| load(&dir, &r).err())
            .map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e
                .contains("`no-such-file.yaml` is neither an existing file nor a pinned version")),
            "{err:?}"
        );
    }
}
