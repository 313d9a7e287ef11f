//! Operation-level rules: added, removed, renamed and moved methods, routes, parameters, request
//! bodies and success return types.

use std::collections::BTreeMap;

use super::match_ops::{Matching, OpPair, ParamKey, normalize_path, param_key, path_placeholders};
use super::{Change, Context, Rule, Section, op_subject};
use crate::ir::{Operation, Parameter};
use crate::surface::{self, operation_item, return_type, rust_type};

/// Every operation-level change between the paired, added and removed operations.
pub(crate) fn compare(cx: &Context<'_>, m: &Matching<'_>) -> Vec<Change> {
    let mut out = Vec::new();
    for op in &m.added {
        out.push(Change {
            section: Section::Operations,
            subject: op_subject(op),
            item: operation_item(cx.new_vmod, op),
            old_item: None,
            rule: Rule::OperationAdded,
            message: format!(
                "new operation `{}`: {} -> `{}`",
                op.operation_id,
                surface::call_path(cx.new_vmod, op),
                return_type(op)
            ),
        });
    }
    for op in &m.removed {
        out.push(Change {
            section: Section::Operations,
            subject: op_subject(op),
            item: operation_item(cx.old_vmod, op),
            old_item: None,
            rule: Rule::OperationRemoved,
            message: format!(
                "operation `{}` removed: {} is gone",
                op.operation_id,
                surface::call_path(cx.old_vmod, op)
            ),
        });
    }
    for pair in &m.pairs {
        pair_changes(cx, pair, &mut out);
    }
    out
}

fn param_index(op: &Operation) -> BTreeMap<ParamKey, &Parameter> {
    op.parameters
        .iter()
        .map(|p| (param_key(op, p), p))
        .collect()
}

/// The changes of one paired operation, in the order the report lists them.
fn pair_changes(cx: &Context<'_>, pair: &OpPair<'_>, out: &mut Vec<Change>) {
    let mut changes = PairChanges {
        cx,
        old: pair.old,
        new: pair.new,
        subject: op_subject(pair.new),
        item: operation_item(cx.new_vmod, pair.new),
        old_item: operation_item(cx.old_vmod, pair.old),
        out,
    };
    changes.identity();
    changes.parameters();
    changes.request_body();
    changes.responses();
}

/// One paired operation and the changes found so far.
struct PairChanges<'c, 'o> {
    cx: &'c Context<'c>,
    old: &'c Operation,
    new: &'c Operation,
    subject: String,
    /// The operation's item in the new version.
    item: String,
    /// The same item in the old version.
    old_item: String,
    out: &'o mut Vec<Change>,
}

impl PairChanges<'_, '_> {
    /// `old`: the same item in the old version, for changes to something both have.
    fn push(&mut self, rule: Rule, (item, old): (&str, Option<&str>), message: String) {
        self.out.push(Change {
            section: Section::Operations,
            subject: self.subject.clone(),
            item: item.to_string(),
            old_item: old.map(str::to_string),
            rule,
            message,
        });
    }

    /// A change to the operation as a whole, in both versions.
    fn push_both(&mut self, rule: Rule, message: String) {
        let (item, old_item) = (self.item.clone(), self.old_item.clone());
        self.push(rule, (&item, Some(&old_item)), message);
    }

    /// Name, operationId, module, HTTP method, path and deprecation.
    fn identity(&mut self) {
        let (cx, old, new) = (self.cx, self.old, self.new);
        if old.method_name != new.method_name {
            self.push_both(
                Rule::OperationRenamed,
                format!(
                    "operationId `{}` -> `{}`: {} -> {}",
                    old.operation_id,
                    new.operation_id,
                    surface::call_path(cx.old_vmod, old),
                    surface::call_path(cx.new_vmod, new)
                ),
            );
        } else if old.operation_id != new.operation_id {
            self.push_both(
                Rule::OperationIdChanged,
                format!(
                    "operationId `{}` -> `{}` (same method name)",
                    old.operation_id, new.operation_id
                ),
            );
        }
        if old.module != new.module {
            self.push_both(
                Rule::OperationMoved,
                format!(
                    "tag `{}` -> `{}`: {} -> {}",
                    old.tag,
                    new.tag,
                    surface::call_path(cx.old_vmod, old),
                    surface::call_path(cx.new_vmod, new)
                ),
            );
        }
        if old.http_method != new.http_method {
            self.push_both(
                Rule::OperationMethodChanged,
                format!("HTTP method {} -> {}", old.http_method, new.http_method),
            );
        }
        self.route();
        match (old.deprecated, new.deprecated) {
            (false, true) => {
                self.push_both(Rule::OperationDeprecated, "now deprecated".to_string())
            }
            (true, false) => self.push_both(
                Rule::OperationUndeprecated,
                "no longer deprecated".to_string(),
            ),
            _ => {}
        }
    }

    /// A changed path, or only its placeholders renamed.
    fn route(&mut self) {
        let (old, new) = (self.old, self.new);
        if normalize_path(&old.path) != normalize_path(&new.path) {
            self.push_both(
                Rule::OperationPathChanged,
                format!("path `{}` -> `{}`", old.path, new.path),
            );
        } else if old.path != new.path {
            let renames: Vec<String> = path_placeholders(&old.path)
                .into_iter()
                .zip(path_placeholders(&new.path))
                .filter(|(a, b)| a != b)
                .map(|(a, b)| format!("`{{{a}}}` -> `{{{b}}}`"))
                .collect();
            self.push_both(
                Rule::PathParamRenamed,
                format!(
                    "path parameters renamed: {} (path was `{}`)",
                    renames.join(", "),
                    old.path
                ),
            );
        }
    }

    /// Parameters added, changed (required, type) and removed.
    fn parameters(&mut self) {
        let (cx, old, new) = (self.cx, self.old, self.new);
        let old_params = param_index(old);
        let new_params = param_index(new);
        for (key, np) in &new_params {
            match old_params.get(key) {
                None => {
                    let (rule, what) = added(
                        np.required,
                        Rule::ParamAddedRequired,
                        Rule::ParamAddedOptional,
                    );
                    self.push(
                        rule,
                        (&param_item(cx.new_vmod, new, np), None),
                        format!("new {}, {what}", describe_param(np)),
                    );
                }
                Some(op_) => self.parameter_changed(op_, np),
            }
        }
        for (key, op_) in &old_params {
            if !new_params.contains_key(key) {
                self.push(
                    Rule::ParamRemoved,
                    (&param_item(cx.old_vmod, old, op_), None),
                    format!("{} removed", describe_param(op_)),
                );
            }
        }
    }

    /// A parameter both versions have: whether it is required, and its type.
    fn parameter_changed(&mut self, op_: &Parameter, np: &Parameter) {
        let new_pi = param_item(self.cx.new_vmod, self.new, np);
        let old_pi = param_item(self.cx.old_vmod, self.old, op_);
        let pi = (new_pi.as_str(), Some(old_pi.as_str()));
        if op_.required != np.required {
            let (rule, what) = if np.required {
                (
                    Rule::ParamBecameRequired,
                    "became required: setter -> argument",
                )
            } else {
                (
                    Rule::ParamBecameOptional,
                    "became optional: argument -> setter",
                )
            };
            self.push(rule, pi, format!("{} {what}", describe_param(np)));
        }
        let (ot, nt) = (rust_type(&op_.ty), rust_type(&np.ty));
        if ot != nt {
            self.push(
                Rule::ParamTypeChanged,
                pi,
                format!(
                    "{} parameter `{}`: type `{ot}` -> `{nt}`",
                    np.location.as_str(),
                    np.name
                ),
            );
        }
    }

    /// The request body added, removed, or changed (required, type).
    fn request_body(&mut self) {
        let body_item = format!("{}(body)", self.item);
        let old_body_item = format!("{}(body)", self.old_item);
        let body_both = (body_item.as_str(), Some(old_body_item.as_str()));
        match (&self.old.body, &self.new.body) {
            (None, Some(b)) => {
                let (rule, what) = added(
                    b.required,
                    Rule::RequestBodyAddedRequired,
                    Rule::RequestBodyAddedOptional,
                );
                self.push(
                    rule,
                    (&body_item, None),
                    format!("new request body `{}`, {what}", rust_type(&b.ty)),
                );
            }
            (Some(b), None) => self.push(
                Rule::RequestBodyRemoved,
                (&old_body_item, None),
                format!("request body `{}` removed", rust_type(&b.ty)),
            ),
            (Some(a), Some(b)) => {
                if a.required != b.required {
                    self.push(
                        Rule::RequestBodyRequiredChanged,
                        body_both,
                        format!(
                            "request body became {}",
                            if b.required {
                                "required: setter -> argument"
                            } else {
                                "optional: argument -> setter"
                            }
                        ),
                    );
                }
                let (at, bt) = (rust_type(&a.ty), rust_type(&b.ty));
                if at != bt {
                    self.push(
                        Rule::RequestBodyTypeChanged,
                        body_both,
                        format!("request body type `{at}` -> `{bt}`"),
                    );
                }
            }
            (None, None) => {}
        }
    }

    /// The success return type and the documented statuses.
    fn responses(&mut self) {
        let (old, new) = (self.old, self.new);
        let (ort, nrt) = (return_type(old), return_type(new));
        if ort != nrt {
            self.push_both(
                Rule::ResponseTypeChanged,
                format!("returns `{ort}` -> `{nrt}`"),
            );
        }
        let statuses = |op: &Operation| -> Vec<String> {
            op.responses.iter().map(|r| r.status.clone()).collect()
        };
        let (os, ns) = (statuses(old), statuses(new));
        for s in ns.iter().filter(|s| !os.contains(s)) {
            self.push_both(
                Rule::ResponseStatusAdded,
                format!("response {s} documented"),
            );
        }
        for s in os.iter().filter(|s| !ns.contains(s)) {
            self.push_both(
                Rule::ResponseStatusRemoved,
                format!("response {s} no longer documented"),
            );
        }
    }
}

/// The rule of a new parameter or body and what it means for the call: a new argument when
/// `required`, else a new setter.
fn added(required: bool, if_required: Rule, if_optional: Rule) -> (Rule, &'static str) {
    if required {
        (if_required, "required: a new argument")
    } else {
        (if_optional, "optional: a new setter")
    }
}

/// A parameter's item: its operation's item and its Rust name.
fn param_item(vmod: &str, op: &Operation, p: &Parameter) -> String {
    format!("{}({})", operation_item(vmod, op), p.rust_name)
}

/// A parameter as the report names it: location, name and Rust type.
fn describe_param(p: &Parameter) -> String {
    format!(
        "{} parameter `{}` (`{}`)",
        p.location.as_str(),
        p.name,
        rust_type(&p.ty)
    )
}
