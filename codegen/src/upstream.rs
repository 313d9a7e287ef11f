//! What upstream has that the pins do not (`cargo xtask upstream`): for each pin, the commits of its
//! upstream branch that touched its file after the pinned commit, and the versions under upstream's
//! `descriptions/` that are not pinned. Asks the GitHub REST API through [`crate::http`]; the base
//! URL comes from `GITHUB_API_URL` (as GitHub Actions sets it; a mock server in tests) and
//! `GITHUB_TOKEN` is sent when set.
//!
//! Requests, per repository of the pins: `GET /repos/{repo}/commits/{pinned sha}` (the pinned
//! commit's date), `GET /repos/{repo}/commits?path=...&sha={branch}&since={date}` (newest first,
//! following `Link: rel="next"`, stopping at the pinned commit), `GET /repos/{repo}/contents/descriptions?ref={branch}`
//! and, for each version not pinned yet and newer than every pin, the newest commit touching its
//! file. A pin whose commit is not a full sha (`unknown`) reports upstream's newest commit of its
//! file as newer.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::error::Error;
use crate::http;
use crate::specs::{self, Pin};
use crate::versions::{UPSTREAM_REPOSITORY, upstream_path};

/// Default GitHub REST API base URL.
pub const DEFAULT_API_URL: &str = "https://api.github.com";
/// Default upstream branch.
pub const DEFAULT_BRANCH: &str = "main";
/// Folder of upstream's descriptions, one sub-folder per version.
pub const DESCRIPTIONS_DIR: &str = "descriptions";
/// Most pages of commits read for one file (100 commits each).
pub const MAX_PAGES: usize = 20;

/// Where and how to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// GitHub REST API base URL, without a trailing slash.
    pub api_url: String,
    /// Bearer token (`GITHUB_TOKEN`), if any.
    pub token: Option<String>,
    /// Upstream branch (`main`).
    pub branch: String,
}

impl Config {
    /// From the environment: `GITHUB_API_URL` (default [`DEFAULT_API_URL`]) and `GITHUB_TOKEN`
    /// (ignored when empty).
    pub fn from_env(branch: &str) -> Config {
        let api_url = std::env::var("GITHUB_API_URL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let token = std::env::var("GITHUB_TOKEN")
            .ok()
            .filter(|v| !v.trim().is_empty());
        Config {
            api_url: api_url.trim().trim_end_matches('/').to_string(),
            token,
            branch: branch.to_string(),
        }
    }
}

/// One upstream commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commit {
    /// Full sha.
    pub sha: String,
    /// Committer date (ISO 8601), as GitHub gives it.
    pub date: String,
    /// First line of the message.
    pub message: String,
    /// Web page of the commit.
    pub url: String,
}

/// What upstream has for one pinned version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PinStatus {
    /// The version.
    pub version: String,
    /// Upstream repository (`owner/name`).
    pub repository: String,
    /// Path of the file upstream.
    pub path: String,
    /// The pinned commit.
    pub pinned_commit: String,
    /// Whether the pinned commit is a full sha (else every listed commit counts as newer).
    pub pinned_commit_known: bool,
    /// Commits touching the file after the pinned one, newest first.
    pub newer_commits: Vec<Commit>,
    /// The newest of them (what `cargo xtask pin <version> --commit` takes), if any.
    pub latest_commit: Option<String>,
}

/// A version upstream has and the pins do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewVersion {
    /// The version.
    pub version: String,
    /// Upstream repository.
    pub repository: String,
    /// Path of its file upstream.
    pub path: String,
    /// The newest commit touching that file (what `cargo xtask add-version <v> --commit` takes);
    /// `None` when the folder has no such file.
    pub latest_commit: Option<Commit>,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// API base URL asked.
    pub api_url: String,
    /// Upstream branch.
    pub branch: String,
    /// One entry per pin, in version order.
    pub pins: Vec<PinStatus>,
    /// Versions upstream newer than every pin, in version order.
    pub new_versions: Vec<NewVersion>,
    /// Versions upstream not pinned but older than the newest pin (never added automatically).
    pub unpinned_older_versions: Vec<String>,
    /// Whether nothing is newer upstream (no newer commit, no new version).
    pub up_to_date: bool,
}

/// A GitHub REST API client over [`http::get`].
struct GitHub<'a> {
    config: &'a Config,
}

impl GitHub<'_> {
    fn url(&self, path: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!("{}{path}", self.config.api_url);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(&encode_query_value(v));
        }
        url
    }

    /// `GET url`: the JSON body and the `rel="next"` link.
    fn get(&self, url: &str) -> Result<(Value, Option<String>), Error> {
        let auth = self.config.token.as_ref().map(|t| format!("Bearer {t}"));
        let mut headers = vec![
            ("Accept", "application/vnd.github+json"),
            ("X-GitHub-Api-Version", "2022-11-28"),
            ("User-Agent", "intercom-api-xtask"),
        ];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        let response = http::get(url, &headers).map_err(|e| {
            let hint = match e.status() {
                Some(403 | 429) if self.config.token.is_none() => {
                    " (rate limited? set GITHUB_TOKEN)"
                }
                _ => "",
            };
            Error::other(format!("upstream: {e}{hint}"))
        })?;
        let json = serde_json::from_slice(&response.body)
            .map_err(|e| Error::other(format!("upstream: GET {url}: invalid JSON: {e}")))?;
        let next = response.header("link").and_then(next_link);
        Ok((json, next))
    }

    /// The committer date of `sha`.
    fn commit_date(&self, repo: &str, sha: &str) -> Result<String, Error> {
        let url = self.url(&format!("/repos/{repo}/commits/{sha}"), &[]);
        let (json, _) = self.get(&url)?;
        parse_commit(&json)
            .map(|c| c.date)
            .ok_or_else(|| Error::other(format!("upstream: GET {url}: not a commit object")))
    }

    /// Commits of the branch touching `path`, newest first, until `stop` (excluded) or the end.
    fn commits_touching(
        &self,
        repo: &str,
        path: &str,
        since: Option<&str>,
        stop: Option<&str>,
        per_page: &str,
        max_pages: usize,
    ) -> Result<Vec<Commit>, Error> {
        let mut query = vec![
            ("path", path),
            ("sha", self.config.branch.as_str()),
            ("per_page", per_page),
        ];
        if let Some(since) = since {
            query.push(("since", since));
        }
        let mut next = Some(self.url(&format!("/repos/{repo}/commits"), &query));
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut pages = 0;
        while let Some(url) = next.take() {
            if pages == max_pages || !seen.insert(url.clone()) {
                break;
            }
            pages += 1;
            let (json, link) = self.get(&url)?;
            let items = json.as_array().ok_or_else(|| {
                Error::other(format!("upstream: GET {url}: expected a JSON array"))
            })?;
            for item in items {
                let commit = parse_commit(item).ok_or_else(|| {
                    Error::other(format!("upstream: GET {url}: an item is not a commit"))
                })?;
                if stop == Some(commit.sha.as_str()) {
                    return Ok(out);
                }
                out.push(commit);
            }
            next = link;
        }
        Ok(out)
    }

    /// Names of the version folders under `descriptions/`.
    fn description_versions(&self, repo: &str) -> Result<Vec<String>, Error> {
        let url = self.url(
            &format!("/repos/{repo}/contents/{DESCRIPTIONS_DIR}"),
            &[("ref", self.config.branch.as_str())],
        );
        let (json, _) = self.get(&url)?;
        let items = json
            .as_array()
            .ok_or_else(|| Error::other(format!("upstream: GET {url}: expected a JSON array")))?;
        let mut versions: Vec<String> = items
            .iter()
            .filter(|i| i.get("type").and_then(Value::as_str) == Some("dir"))
            .filter_map(|i| i.get("name").and_then(Value::as_str))
            // Upstream numbers its version folders; other names (a `README`, a scratch folder)
            // are not versions to offer.
            .filter(|name| specs::is_stable(name))
            .map(str::to_string)
            .collect();
        versions.sort_by_key(|v| specs::version_key(v));
        Ok(versions)
    }
}

/// Asks upstream about every pin (see the module documentation).
pub fn check(pins: &[Pin], config: &Config) -> Result<Report, Error> {
    let github = GitHub { config };
    let mut dates: BTreeMap<(String, String), String> = BTreeMap::new();
    let statuses = pins
        .iter()
        .map(|pin| pin_status(&github, pin, &mut dates))
        .collect::<Result<Vec<_>, Error>>()?;
    let (new_versions, older) = unpinned_versions(&github, pins)?;
    let up_to_date = statuses.iter().all(|s| s.newer_commits.is_empty())
        && new_versions.iter().all(|v| v.latest_commit.is_none());
    Ok(Report {
        api_url: config.api_url.clone(),
        branch: config.branch.clone(),
        pins: statuses,
        new_versions,
        unpinned_older_versions: older,
        up_to_date,
    })
}

/// The commits upstream newer than one pin: those touching its file since the pinned commit's
/// date (asked once per repository and commit, kept in `dates`), or only the newest one when the
/// pinned commit is not a full sha.
fn pin_status(
    github: &GitHub<'_>,
    pin: &Pin,
    dates: &mut BTreeMap<(String, String), String>,
) -> Result<PinStatus, Error> {
    let known = is_full_sha(&pin.commit);
    let newer = if known {
        let key = (pin.repository.clone(), pin.commit.clone());
        let since = match dates.get(&key) {
            Some(d) => d.clone(),
            None => {
                let d = github
                    .commit_date(&pin.repository, &pin.commit)
                    .map_err(|e| {
                        Error::other(format!(
                            "spec {}: pinned commit {}: {e}",
                            pin.version, pin.commit
                        ))
                    })?;
                dates.insert(key, d.clone());
                d
            }
        };
        github.commits_touching(
            &pin.repository,
            &pin.path,
            Some(&since),
            Some(&pin.commit),
            "100",
            MAX_PAGES,
        )?
    } else {
        github.commits_touching(&pin.repository, &pin.path, None, None, "1", 1)?
    };
    Ok(PinStatus {
        version: pin.version.clone(),
        repository: pin.repository.clone(),
        path: pin.path.clone(),
        pinned_commit: pin.commit.clone(),
        pinned_commit_known: known,
        latest_commit: newer.first().map(|c| c.sha.clone()),
        newer_commits: newer,
    })
}

/// The versions upstream that no pin has, in each pinned repository (or the upstream one when
/// there are no pins): those newer than the newest stable pin, with their latest commit, and the
/// older ones by name only (sorted, deduplicated).
fn unpinned_versions(
    github: &GitHub<'_>,
    pins: &[Pin],
) -> Result<(Vec<NewVersion>, Vec<String>), Error> {
    let pinned: BTreeSet<&str> = pins.iter().map(|p| p.version.as_str()).collect();
    // Newer than the newest stable pin: a pinned named version (`Preview`) sorts after every
    // numbered one and would hide them.
    let newest_pin =
        specs::newest_stable(pins.iter().map(|p| p.version.as_str())).map(specs::version_key);
    let mut repositories: Vec<&str> = pins.iter().map(|p| p.repository.as_str()).collect();
    repositories.sort_unstable();
    repositories.dedup();
    if repositories.is_empty() {
        repositories.push(UPSTREAM_REPOSITORY);
    }
    let mut new_versions = Vec::new();
    let mut older = Vec::new();
    for repo in repositories {
        for version in github.description_versions(repo)? {
            if pinned.contains(version.as_str()) {
                continue;
            }
            let is_newer = newest_pin
                .as_ref()
                .is_none_or(|newest| specs::version_key(&version) > *newest);
            if !is_newer {
                older.push(version);
                continue;
            }
            let path = upstream_path(&version);
            let latest = github
                .commits_touching(repo, &path, None, None, "1", 1)?
                .into_iter()
                .next();
            new_versions.push(NewVersion {
                version,
                repository: repo.to_string(),
                path,
                latest_commit: latest,
            });
        }
    }
    older.sort_by_key(|v| specs::version_key(v));
    older.dedup();
    Ok((new_versions, older))
}

impl Report {
    /// Pretty JSON (what the update workflow reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A human-readable report, with the commands that apply each update.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for p in &self.pins {
            if p.newer_commits.is_empty() {
                out.push_str(&format!(
                    "{}: up to date with {}@{} ({})\n",
                    p.version,
                    p.repository,
                    self.branch,
                    short(&p.pinned_commit)
                ));
                continue;
            }
            let what = if p.pinned_commit_known {
                format!(
                    "{} newer commit(s) touching {} since the pinned {}",
                    p.newer_commits.len(),
                    p.path,
                    short(&p.pinned_commit)
                )
            } else {
                format!(
                    "pinned commit {:?} is not a sha; the newest commit touching {}",
                    p.pinned_commit, p.path
                )
            };
            out.push_str(&format!("{}: {what}:\n", p.version));
            for c in &p.newer_commits {
                out.push_str(&format!(
                    "  {} {} {}\n",
                    short(&c.sha),
                    c.date.get(..10).unwrap_or(&c.date),
                    c.message
                ));
            }
            if let Some(latest) = &p.latest_commit {
                out.push_str(&format!(
                    "  update: cargo xtask pin {} --commit {latest}\n",
                    p.version
                ));
            }
        }
        for v in &self.new_versions {
            match &v.latest_commit {
                Some(c) => out.push_str(&format!(
                    "{}: new upstream version ({} at {}): cargo xtask add-version {} --commit {}\n",
                    v.version,
                    v.path,
                    short(&c.sha),
                    v.version,
                    c.sha
                )),
                None => out.push_str(&format!(
                    "{}: new upstream folder without {}\n",
                    v.version, v.path
                )),
            }
        }
        if !self.unpinned_older_versions.is_empty() {
            out.push_str(&format!(
                "not pinned, older than the newest pin (not added): {}\n",
                self.unpinned_older_versions.join(", ")
            ));
        }
        out.push_str(if self.up_to_date {
            "upstream: the pins are up to date\n"
        } else {
            "upstream: updates available\n"
        });
        out
    }
}

/// Whether `s` is a full (40 hex digit) commit sha.
pub fn is_full_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}

/// A commit object of the commits API; `None` when a field is missing or the sha is not a sha
/// (it is put on command lines).
fn parse_commit(v: &Value) -> Option<Commit> {
    let sha = v.get("sha")?.as_str()?;
    if !is_full_sha(sha) {
        return None;
    }
    let inner = v.get("commit")?;
    let date = inner
        .pointer("/committer/date")
        .or_else(|| inner.pointer("/author/date"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = inner
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default();
    let url = v
        .get("html_url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Some(Commit {
        sha: sha.to_ascii_lowercase(),
        date: date.to_string(),
        message: message.to_string(),
        url: url.to_string(),
    })
}

/// The `rel="next"` URL of a `Link` header (RFC 8288, as GitHub sends it).
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim();
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| target.to_string())
    })
}

/// Percent-encodes a query value (unreserved characters, `/` and `:` kept).
fn encode_query_value(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links() {
        let h = r#"<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last""#;
        assert_eq!(
            next_link(h).as_deref(),
            Some("https://api.github.com/x?page=2")
        );
        assert_eq!(
            next_link(r#"<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next""#)
                .as_deref(),
            Some("https://a/x?page=3")
        );
        assert_eq!(next_link(r#"<https://a/x?page=1>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn commits_are_parsed_and_checked() {
        let sha = "a".repeat(40);
        let v = serde_json::json!({
            "sha": sha,
            "html_url": "https://github.com/o/r/commit/aaa",
            "commit": {"message": "first line\n\nbody", "committer": {"date": "2025-01-02T03:04:05Z"}}
        });
        let c = parse_commit(&v);
        assert_eq!(c.as_ref().map(|c| c.message.as_str()), Some("first line"));
        assert_eq!(
            c.as_ref().map(|c| c.date.as_str()),
            Some("2025-01-02T03:04:05Z")
        );
        let bad = serde_json::json!({"sha": "$(rm -rf /)", "commit": {}});
        assert_eq!(parse_commit(&bad), None);
        assert!(is_full_sha(&sha) && !is_full_sha("unknown") && !is_full_sha(&"g".repeat(40)));
    }

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("descriptions/2.11/api.intercom.io.yaml"),
            "descriptions/2.11/api.intercom.io.yaml"
        );
        assert_eq!(
            encode_query_value("2025-01-01T00:00:00+01:00 x&y"),
            "2025-01-01T00:00:00%2B01:00%20x%26y"
        );
    }
}
