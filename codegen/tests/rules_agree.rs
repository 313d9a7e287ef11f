//! The spec diff's rule classes agree with the generated code (issue 13, point 1).
//!
//! `enum-value-added` and `union-variant-added` are non-breaking only because every generated
//! string enum and union is `#[non_exhaustive]` (users' `match`es have a wildcard arm). This test
//! reads the checked-in crate back with `syn` (`intercom-api/src/<vmod>/models/`) and its API
//! listings (`intercom-api/api/<vmod>.txt`) and checks that:
//!
//! - every public enum of the models carries `#[non_exhaustive]`, and the listing marks exactly
//!   those types `(non_exhaustive)`, while the rule table classes adding a value or a variant as
//!   non-breaking and removing one as breaking;
//! - no string enum has a single value (a constant is no type: `Option<String>` in response types,
//!   no field in request types), and the rules for a constant that gains values or a member that
//!   becomes a constant change the Rust field, so they are breaking;
//! - open (response) enums have `Unknown(UnknownValue)` and an infallible `FromStr`; request-only
//!   enums have no `Unknown` and `FromStr` fails with `UnknownEnumValue`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use codegen::diff::{Class, Rule};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The version modules of the checked-in crate (`v2_10`, `v2_11`).
fn version_modules() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join("intercom-api/src"))
        .expect("intercom-api/src")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('v') && root().join("intercom-api/src").join(n).is_dir())
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no version modules");
    out
}

/// A public enum of the generated models, as `syn` reads it.
struct EnumItem {
    non_exhaustive: bool,
    variants: Vec<(String, String)>,
}

/// Every `pub enum` of `models/` (name -> variants (name, payload)), and the `FromStr` error type
/// of each enum that implements it.
fn model_enums(vmod: &str) -> (BTreeMap<String, EnumItem>, BTreeMap<String, String>) {
    let dir = root().join(format!("intercom-api/src/{vmod}/models"));
    let mut enums = BTreeMap::new();
    let mut from_str = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("models dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("model file");
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for item in file.items {
            match item {
                syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
                    let non_exhaustive =
                        e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                    let variants = e
                        .variants
                        .iter()
                        .map(|v| {
                            let payload = match &v.fields {
                                syn::Fields::Unnamed(f) => f
                                    .unnamed
                                    .iter()
                                    .map(|f| {
                                        let ty = &f.ty;
                                        quote::quote!(#ty).to_string().replace(' ', "")
                                    })
                                    .collect::<Vec<_>>()
                                    .join(","),
                                _ => String::new(),
                            };
                            (v.ident.to_string(), payload)
                        })
                        .collect();
                    enums.insert(
                        e.ident.to_string(),
                        EnumItem {
                            non_exhaustive,
                            variants,
                        },
                    );
                }
                syn::Item::Impl(i) => {
                    let Some((_, trait_path, _)) = &i.trait_ else {
                        continue;
                    };
                    if trait_path.segments.last().map(|s| s.ident.to_string())
                        != Some("FromStr".to_string())
                    {
                        continue;
                    }
                    let syn::Type::Path(self_ty) = &*i.self_ty else {
                        continue;
                    };
                    let name = self_ty
                        .path
                        .segments
                        .last()
                        .expect("name")
                        .ident
                        .to_string();
                    let err = i
                        .items
                        .iter()
                        .find_map(|it| match it {
                            syn::ImplItem::Type(t) if t.ident == "Err" => {
                                let ty = &t.ty;
                                Some(quote::quote!(#ty).to_string().replace(' ', ""))
                            }
                            _ => None,
                        })
                        .expect("type Err");
                    from_str.insert(name, err);
                }
                _ => {}
            }
        }
    }
    assert!(!enums.is_empty(), "no enums in {vmod}");
    (enums, from_str)
}

/// The types the listing marks `(non_exhaustive)`, and every type it lists with its line.
fn listing(vmod: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let text = std::fs::read_to_string(root().join(format!("intercom-api/api/{vmod}.txt")))
        .expect("listing");
    let mut marked = BTreeSet::new();
    let mut all = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("type models::") else {
            continue;
        };
        let (name, kind) = rest.split_once(": ").expect("type line");
        if kind.contains("(non_exhaustive)") {
            marked.insert(name.to_string());
        }
        all.insert(name.to_string(), line.to_string());
    }
    (marked, all)
}

#[test]
fn adding_a_value_or_variant_is_non_breaking_because_every_enum_is_non_exhaustive() {
    // The rule table: additions are non-breaking, removals breaking.
    assert_eq!(Rule::EnumValueAdded.class(), Class::NonBreaking);
    assert_eq!(Rule::UnionVariantAdded.class(), Class::NonBreaking);
    assert_eq!(Rule::EnumValueRemoved.class(), Class::Breaking);
    assert_eq!(Rule::UnionVariantRemoved.class(), Class::Breaking);
    assert_eq!(Rule::EnumVariantRenamed.class(), Class::Breaking);
    // ... which holds only if no user `match` can be exhaustive.
    for vmod in version_modules() {
        let (enums, _) = model_enums(&vmod);
        let (marked, listed) = listing(&vmod);
        let exhaustive: Vec<&String> = enums
            .iter()
            .filter(|(_, e)| !e.non_exhaustive)
            .map(|(n, _)| n)
            .collect();
        assert!(
            exhaustive.is_empty(),
            "{vmod}: enums without #[non_exhaustive], which would make enum-value-added and \
             union-variant-added breaking: {exhaustive:?}"
        );
        // The listing says so for exactly those types.
        let names: BTreeSet<String> = enums.keys().cloned().collect();
        assert_eq!(
            marked, names,
            "{vmod}: listing marks and generated attributes differ"
        );
        for name in &names {
            assert!(listed.contains_key(name), "{vmod}: {name} is not listed");
        }
    }
}

#[test]
fn constants_are_no_types_and_their_rules_are_breaking() {
    assert_eq!(Rule::ConstantBecameEnum.class(), Class::Breaking);
    assert_eq!(Rule::MemberBecameConstant.class(), Class::Breaking);
    assert_eq!(
        Rule::ConstantValueChanged.class(),
        Class::PotentiallyBreaking
    );
    for vmod in version_modules() {
        let (enums, from_str) = model_enums(&vmod);
        assert!(!from_str.is_empty(), "{vmod}: no string enums");
        let text = std::fs::read_to_string(root().join(format!("intercom-api/api/{vmod}.txt")))
            .expect("listing");
        for (name, err) in &from_str {
            let e = &enums[name];
            let unknown = e.variants.iter().find(|(v, _)| v == "Unknown");
            let values = e.variants.len() - usize::from(unknown.is_some());
            // A one-value enum is a constant, and a struct member holding a constant has no type.
            // An operation parameter keeps its enum (an optional query parameter that can take one
            // value, `folder_entity_type=folder`): nothing else may name it.
            if values < 2 {
                let users: Vec<&str> = text
                    .lines()
                    .filter(|l| !l.starts_with(&format!("type models::{name}:")))
                    .filter(|l| !l.starts_with(&format!("variant models::{name}::")))
                    .filter(|l| {
                        l.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .any(|w| w == name.as_str())
                    })
                    .collect();
                assert!(
                    !users.is_empty()
                        && users
                            .iter()
                            .all(|l| l.starts_with("op ") && l.contains(" param ")),
                    "{vmod}: string enum {name} has {values} value(s): a constant is no type \
                     (only a parameter may keep one), named by {users:?}"
                );
            }
            match unknown {
                Some((_, payload)) => {
                    assert_eq!(payload, "crate::UnknownValue", "{vmod}: {name}");
                    assert_eq!(err, "std::convert::Infallible", "{vmod}: {name}");
                }
                None => assert_eq!(err, "crate::UnknownEnumValue", "{vmod}: {name}"),
            }
        }
    }
}

#[test]
fn request_only_enums_have_no_unknown_variant() {
    for vmod in version_modules() {
        let (enums, from_str) = model_enums(&vmod);
        let (_, listed) = listing(&vmod);
        let mut closed = 0;
        for name in from_str.keys() {
            let line = &listed[name];
            let has_unknown = enums[name].variants.iter().any(|(v, _)| v == "Unknown");
            // `strict (request)` is the policy of a type only requests use.
            let request_only = line.ends_with("strict (request)");
            assert_eq!(
                has_unknown, !request_only,
                "{vmod}: {name} ({line}): Unknown exactly when the enum can be received"
            );
            closed += usize::from(request_only);
        }
        assert!(closed > 0, "{vmod}: no request-only enum checked");
    }
}
