//! Pairing the operations of two versions: by `operationId` first, then by HTTP method and path
//! with path parameter names normalized (`/contacts/{id}` ~ `/contacts/{contact_id}`).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Operation, ParamLocation, Parameter};

/// How two operations were paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// Same `operationId`.
    OperationId,
    /// Same HTTP method and path, up to path parameter names.
    MethodAndPath,
}

/// One operation present in both versions.
#[derive(Debug, Clone, Copy)]
pub struct OpPair<'a> {
    /// In the old version.
    pub old: &'a Operation,
    /// In the new version.
    pub new: &'a Operation,
    /// How they were paired.
    pub by: MatchedBy,
}

/// The result of pairing.
#[derive(Debug, Clone, Default)]
pub struct Matching<'a> {
    /// Operations in both versions, in the new version's order.
    pub pairs: Vec<OpPair<'a>>,
    /// Only in the old version.
    pub removed: Vec<&'a Operation>,
    /// Only in the new version.
    pub added: Vec<&'a Operation>,
}

impl Matching<'_> {
    /// Distinct `(old path, new path)` pairs of paired operations whose paths differ only in
    /// parameter names.
    pub fn renamed_path_params(&self) -> BTreeSet<(String, String)> {
        self.pairs
            .iter()
            .filter(|p| {
                p.old.path != p.new.path
                    && normalize_path(&p.old.path) == normalize_path(&p.new.path)
            })
            .map(|p| (p.old.path.clone(), p.new.path.clone()))
            .collect()
    }
}

/// `/contacts/{contact_id}/notes` -> `/contacts/{}/notes`.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches('/').to_string()
}

/// The names of the `{…}` placeholders of a path template, in order.
pub fn path_placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(rest[open + 1..open + close].to_string());
        rest = &rest[open + close + 1..];
    }
    out
}

/// Pairs `old` and `new` operations.
pub fn match_operations<'a>(old: &'a [Operation], new: &'a [Operation]) -> Matching<'a> {
    let mut old_used = vec![false; old.len()];
    let mut new_match: Vec<Option<(usize, MatchedBy)>> = vec![None; new.len()];
    let by_id: BTreeMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(i, o)| (o.operation_id.as_str(), i))
        .collect();
    for (j, n) in new.iter().enumerate() {
        if let Some(&i) = by_id.get(n.operation_id.as_str())
            && !old_used[i]
        {
            old_used[i] = true;
            new_match[j] = Some((i, MatchedBy::OperationId));
        }
    }
    let key = |o: &Operation| (o.http_method.to_string(), normalize_path(&o.path));
    let mut by_route: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, o) in old.iter().enumerate() {
        if !old_used[i] {
            by_route.entry(key(o)).or_default().push(i);
        }
    }
    for (j, n) in new.iter().enumerate() {
        if new_match[j].is_some() {
            continue;
        }
        if let Some(candidates) = by_route.get_mut(&key(n))
            && !candidates.is_empty()
        {
            let i = candidates.remove(0);
            old_used[i] = true;
            new_match[j] = Some((i, MatchedBy::MethodAndPath));
        }
    }
    let mut m = Matching::default();
    for (j, n) in new.iter().enumerate() {
        match new_match[j] {
            Some((i, by)) => m.pairs.push(OpPair {
                old: &old[i],
                new: n,
                by,
            }),
            None => m.added.push(n),
        }
    }
    m.removed = old
        .iter()
        .enumerate()
        .filter(|(i, _)| !old_used[*i])
        .map(|(_, o)| o)
        .collect();
    m
}

/// How a parameter is identified across versions: path parameters by their position in the path
/// (their names may be renamed), others by location and wire name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamKey {
    /// The n-th `{…}` of the path (or, for a path parameter not in the template, its name).
    Path(usize, String),
    /// Query or header parameter.
    Named(ParamLocation, String),
}

/// The [`ParamKey`] of `p` in `op`.
pub fn param_key(op: &Operation, p: &Parameter) -> ParamKey {
    match p.location {
        ParamLocation::Path => {
            let pos = path_placeholders(&op.path)
                .iter()
                .position(|n| *n == p.name)
                .unwrap_or(usize::MAX);
            if pos == usize::MAX {
                ParamKey::Path(pos, p.name.clone())
            } else {
                ParamKey::Path(pos, String::new())
            }
        }
        l => ParamKey::Named(l, p.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_parameter_names() {
        assert_eq!(normalize_path("/contacts/{id}"), "/contacts/{}");
        assert_eq!(
            normalize_path("/contacts/{contact_id}/notes/"),
            "/contacts/{}/notes"
        );
        assert_eq!(
            path_placeholders("/a/{x}/b/{y_z}"),
            vec!["x".to_string(), "y_z".to_string()]
        );
        assert!(path_placeholders("/a/{broken").is_empty());
    }
}
