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

fn pair_changes(cx: &Context<'_>, pair: &OpPair<'_>, out: &mut Vec<Change>) {
    let (old, new) = (pair.old, pair.new);
    let subject = op_subject(new);
    let item = operation_item(cx.new_vmod, new);
    let old_item = operation_item(cx.old_vmod, old);
    // `old`: the same item in the old version, for changes to something both have.
    let mut push = |rule: Rule, (item, old): (&str, Option<&str>), message: String| {
        out.push(Change {
            section: Section::Operations,
            subject: subject.clone(),
            item: item.to_string(),
            old_item: old.map(str::to_string),
            rule,
            message,
        });
    };
    let both = (item.as_str(), Some(old_item.as_str()));

    if old.method_name != new.method_name {
        push(
            Rule::OperationRenamed,
            both,
            format!(
                "operationId `{}` -> `{}`: {} -> {}",
                old.operation_id,
                new.operation_id,
                surface::call_path(cx.old_vmod, old),
                surface::call_path(cx.new_vmod, new)
            ),
        );
    } else if old.operation_id != new.operation_id {
        push(
            Rule::OperationIdChanged,
            both,
            format!(
                "operationId `{}` -> `{}` (same method name)",
                old.operation_id, new.operation_id
            ),
        );
    }
    if old.module != new.module {
        push(
            Rule::OperationMoved,
            both,
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
        push(
            Rule::OperationMethodChanged,
            both,
            format!("HTTP method {} -> {}", old.http_method, new.http_method),
        );
    }
    if normalize_path(&old.path) != normalize_path(&new.path) {
        push(
            Rule::OperationPathChanged,
            both,
            format!("path `{}` -> `{}`", old.path, new.path),
        );
    } else if old.path != new.path {
        let renames: Vec<String> = path_placeholders(&old.path)
            .into_iter()
            .zip(path_placeholders(&new.path))
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("`{{{a}}}` -> `{{{b}}}`"))
            .collect();
        push(
            Rule::PathParamRenamed,
            both,
            format!(
                "path parameters renamed: {} (path was `{}`)",
                renames.join(", "),
                old.path
            ),
        );
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => push(
            Rule::OperationDeprecated,
            both,
            "now deprecated".to_string(),
        ),
        (true, false) => push(
            Rule::OperationUndeprecated,
            both,
            "no longer deprecated".to_string(),
        ),
        _ => {}
    }

    // Parameters.
    let old_params = param_index(old);
    let new_params = param_index(new);
    let param_item = |vmod: &str, op: &Operation, p: &Parameter| {
        format!("{}({})", operation_item(vmod, op), p.rust_name)
    };
    let describe = |p: &Parameter| {
        format!(
            "{} parameter `{}` (`{}`)",
            p.location.as_str(),
            p.name,
            rust_type(&p.ty)
        )
    };
    for (key, np) in &new_params {
        match old_params.get(key) {
            None => {
                let rule = if np.required {
                    Rule::ParamAddedRequired
                } else {
                    Rule::ParamAddedOptional
                };
                let what = if np.required {
                    "required: a new argument"
                } else {
                    "optional: a new setter"
                };
                push(
                    rule,
                    (&param_item(cx.new_vmod, new, np), None),
                    format!("new {}, {what}", describe(np)),
                );
            }
            Some(op_) => {
                let new_pi = param_item(cx.new_vmod, new, np);
                let old_pi = param_item(cx.old_vmod, old, op_);
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
                    push(rule, pi, format!("{} {what}", describe(np)));
                }
                let (ot, nt) = (rust_type(&op_.ty), rust_type(&np.ty));
                if ot != nt {
                    push(
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
        }
    }
    for (key, op_) in &old_params {
        if !new_params.contains_key(key) {
            push(
                Rule::ParamRemoved,
                (&param_item(cx.old_vmod, old, op_), None),
                format!("{} removed", describe(op_)),
            );
        }
    }

    // Request body.
    let body_item = format!("{item}(body)");
    let old_body_item = format!("{old_item}(body)");
    let body_both = (body_item.as_str(), Some(old_body_item.as_str()));
    match (&old.body, &new.body) {
        (None, Some(b)) => {
            let (rule, what) = if b.required {
                (Rule::RequestBodyAddedRequired, "required: a new argument")
            } else {
                (Rule::RequestBodyAddedOptional, "optional: a new setter")
            };
            push(
                rule,
                (&body_item, None),
                format!("new request body `{}`, {what}", rust_type(&b.ty)),
            );
        }
        (Some(b), None) => push(
            Rule::RequestBodyRemoved,
            (&old_body_item, None),
            format!("request body `{}` removed", rust_type(&b.ty)),
        ),
        (Some(a), Some(b)) => {
            if a.required != b.required {
                push(
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
                push(
                    Rule::RequestBodyTypeChanged,
                    body_both,
                    format!("request body type `{at}` -> `{bt}`"),
                );
            }
        }
        (None, None) => {}
    }

    // Success response.
    let (ort, nrt) = (return_type(old), return_type(new));
    if ort != nrt {
        push(
            Rule::ResponseTypeChanged,
            both,
            format!("returns `{ort}` -> `{nrt}`"),
        );
    }
    let statuses =
        |op: &Operation| -> Vec<String> { op.responses.iter().map(|r| r.status.clone()).collect() };
    let (os, ns) = (statuses(old), statuses(new));
    for s in ns.iter().filter(|s| !os.contains(s)) {
        push(
            Rule::ResponseStatusAdded,
            both,
            format!("response {s} documented"),
        );
    }
    for s in os.iter().filter(|s| !ns.contains(s)) {
        push(
            Rule::ResponseStatusRemoved,
            both,
            format!("response {s} no longer documented"),
        );
    }
}
