//! Stage 2: `openapiv3` -> IR. The only code that touches `openapiv3`.
//!
//! Resolves `$ref`s (a dangling one becomes a free-form object plus a warning), names inline schemas
//! after their position, merges `allOf`, classifies `oneOf`/`anyOf` into tagged or untagged unions,
//! records where each type is used, and finally decides every generated name and file that depends on
//! more than one node ([`placement`]).

mod bodies;
mod examples;
mod lists;
mod operation;
mod pagination;
pub mod placement;
pub mod post_api {
    //! Graph helpers over the IR (reachability), shared with other tools.
    pub use super::placement::{SHARED_MODULE, UNREFERENCED_MODULE};
    pub use super::post::{children, named_in, operation_roots, reachable};
}
mod post;
mod schema;
mod view;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Error, Warning, pointer_token};
use crate::ir::{Api, TypeDef, TypeRef};
use crate::load::Document;

/// Names no generated type may take: they would shadow prelude or serde items in generated code.
const RESERVED: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "Default",
    "Clone",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Serialize",
    "Deserialize",
    "Serializer",
    "Deserializer",
    "Value",
    "Map",
    "Self",
    "From",
    "Into",
    "Display",
    "Send",
    "Sync",
    "Sized",
    "Copy",
    "Fn",
    "Iterator",
];

/// Lowers a loaded description into the IR for `version`.
pub fn lower(doc: &Document, version: &str) -> Result<Api, Error> {
    let mut cx = Lowerer::new(doc, version);
    cx.claim_component_names();
    cx.lower_components()?;
    let mut operations = cx.lower_operations()?;
    let example_members = cx.type_example_members(&operations);
    cx.attach_examples(&mut operations);
    let mut api = Api {
        version: version.to_string(),
        types: cx.types,
        operations,
        warnings: cx.warnings,
        example_members,
        webhooks: Vec::new(),
    };
    post::finish(&mut api)?;
    lists::mark_list_objects(&mut api);
    bodies::require_bodies(&mut api);
    pagination::detect(&mut api);
    operation::retry_classes(&mut api);
    placement::place(&mut api);
    api.warnings.sort();
    api.warnings.dedup();
    Ok(api)
}

/// Lowering state.
pub(crate) struct Lowerer<'a> {
    doc: &'a Document,
    /// The API version lowered (the `Intercom-Version` its module sends).
    version: &'a str,
    /// Rust names in use.
    taken: BTreeSet<String>,
    /// Types of the members written beside a `oneOf`, by pointer: lowered once (named after the
    /// union) and shared by every variant they are merged into.
    base_fields: BTreeMap<String, TypeRef>,
    /// Component schema name -> Rust type name.
    component_names: BTreeMap<String, String>,
    /// Component schemas lowered or being lowered.
    started: BTreeSet<String>,
    /// Output types.
    types: BTreeMap<String, TypeDef>,
    /// Warnings.
    warnings: Vec<Warning>,
    /// Dangling `$ref` target -> the free-form type that stands in for it.
    dangling: BTreeMap<String, String>,
    /// Inline schema pointer -> its lowered type (an inline schema is lowered once).
    memo: BTreeMap<String, crate::ir::TypeRef>,
}

impl<'a> Lowerer<'a> {
    fn new(doc: &'a Document, version: &'a str) -> Self {
        Lowerer {
            doc,
            version,
            taken: RESERVED.iter().map(|s| s.to_string()).collect(),
            base_fields: BTreeMap::new(),
            component_names: BTreeMap::new(),
            started: BTreeSet::new(),
            types: BTreeMap::new(),
            warnings: Vec::new(),
            dangling: BTreeMap::new(),
            memo: BTreeMap::new(),
        }
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>) {
        self.warnings.push(Warning {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    /// The raw JSON node at `pointer` (`#/a/b`), for what `openapiv3` drops (siblings of `$ref`).
    fn raw_at(&self, pointer: &str) -> Option<&'a Value> {
        let p = pointer.strip_prefix('#')?;
        self.doc.raw.pointer(p)
    }

    fn component_schemas(&self) -> Vec<String> {
        self.doc
            .openapi
            .components
            .as_ref()
            .map(|c| c.schemas.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Component schemas claim their names first (in sorted order), so inline names never take them.
    fn claim_component_names(&mut self) {
        let mut names = self.component_schemas();
        names.sort();
        for name in names {
            let rust = crate::naming::claim(
                &mut self.taken,
                &crate::naming::type_name(&name),
                &["Schema"],
            );
            self.component_names.insert(name, rust);
        }
    }

    fn lower_components(&mut self) -> Result<(), Error> {
        let mut names = self.component_schemas();
        names.sort();
        for name in names {
            self.ensure_component(&name)?;
        }
        Ok(())
    }
}

/// `#/components/schemas/<name>` pointer.
pub(crate) fn component_pointer(name: &str) -> String {
    format!("#/components/schemas/{}", pointer_token(name))
}
