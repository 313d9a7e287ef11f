//! The rules of the spec diff: every kind of change has a stable id and a fixed class, judged from
//! the point of view of a user of the generated crate (see README "Decoding policy"):
//!
//! - Response (lenient) types have every field as `Option`, keep undeclared members and have an
//!   `Unknown`/`Other` fallback in every enum and union: new fields, values and variants decode.
//!   Code that names a removed or changed item no longer compiles.
//! - Every generated string enum and union is `#[non_exhaustive]` (`surface::non_exhaustive`), so
//!   users' `match`es already have a wildcard arm: that is why `enum-value-added` and
//!   `union-variant-added` are non-breaking, for request-only enums and strict unions too (which
//!   have no `Unknown` variant). Without the attribute an added variant would break every
//!   exhaustive `match`; `codegen/tests/rules_agree.rs` checks the generated code has it.
//! - A single-value string enum is no type but a constant member (`ir::Field::constant`):
//!   `Option<String>` in lenient types, no field in strict types (serialization writes it). A
//!   constant that gains values becomes an enum-typed field (`constant-became-enum`) and an enum
//!   that loses all values but one becomes a constant (`member-became-constant`): both change the
//!   Rust field, so both are breaking (a response string that becomes a constant stays
//!   `Option<String>` and is not reported).
//! - Request (strict) types are built by users: a new required field, or a field that loses its
//!   `Option`, breaks their code; a new optional field breaks struct literals that do not end in
//!   `..Default::default()`.
//! - Operations are `client.<vmod>().<tag>().<method>(required args...)`, then one setter per
//!   optional parameter: a parameter moving between required and optional changes the signature.

use std::fmt;

/// How a change affects users of the generated crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code using the item no longer compiles, or requests that worked are now rejected.
    Breaking,
    /// Compiles for most users, but some code or some requests may break (struct literals,
    /// changed wire behavior).
    PotentiallyBreaking,
    /// Additions and relaxations: existing code keeps compiling and working.
    NonBreaking,
}

impl Class {
    /// Every class, most severe first.
    pub const ALL: [Class; 3] = [
        Class::Breaking,
        Class::PotentiallyBreaking,
        Class::NonBreaking,
    ];

    /// `breaking`, `potentially-breaking`, `non-breaking`.
    pub fn id(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::PotentiallyBreaking => "potentially-breaking",
            Class::NonBreaking => "non-breaking",
        }
    }

    /// Parses [`Class::id`].
    pub fn from_id(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|c| c.id() == s)
    }

    /// Whether `self` is at least as severe as `threshold`.
    pub fn at_least(self, threshold: Class) -> bool {
        self <= threshold
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

macro_rules! rules {
    ($( $(#[doc = $doc:literal])* $variant:ident = $id:literal, $class:ident; )*) => {
        /// A kind of change. Ids are stable: scripts and reviewers may rely on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl Rule {
            /// Every rule, in declaration order.
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];

            /// The stable id, e.g. `operation-removed`.
            pub fn id(self) -> &'static str {
                match self { $( Rule::$variant => $id, )* }
            }

            /// The class of every change under this rule.
            pub fn class(self) -> Class {
                match self { $( Rule::$variant => Class::$class, )* }
            }

            /// One sentence on what the rule detects and why it has its class.
            pub fn description(self) -> &'static str {
                match self { $( Rule::$variant => concat!($($doc),*).trim_start(), )* }
            }
        }
    };
}

rules! {
    /// An operation was added: a new method.
    OperationAdded = "operation-added", NonBreaking;
    /// An operation was removed: calls to its method no longer compile.
    OperationRemoved = "operation-removed", Breaking;
    /// The operationId changed so that the method name changed (matched by method and path).
    OperationRenamed = "operation-renamed", Breaking;
    /// The operation's first tag changed: the method moved to another accessor.
    OperationMoved = "operation-moved", Breaking;
    /// The operationId changed but the method name did not.
    OperationIdChanged = "operation-id-changed", NonBreaking;
    /// The HTTP method changed: the same call now sends another request.
    OperationMethodChanged = "operation-method-changed", PotentiallyBreaking;
    /// The path changed beyond parameter names: the same call now hits another endpoint.
    OperationPathChanged = "operation-path-changed", PotentiallyBreaking;
    /// Path parameters were renamed (`{id}` -> `{contact_id}`): positional arguments, same call.
    PathParamRenamed = "path-param-renamed", NonBreaking;
    /// The operation is now marked deprecated.
    OperationDeprecated = "operation-deprecated", NonBreaking;
    /// The operation is no longer marked deprecated.
    OperationUndeprecated = "operation-undeprecated", NonBreaking;
    /// A new required parameter: a new argument of the method.
    ParamAddedRequired = "param-added-required", Breaking;
    /// A new optional parameter: a new setter.
    ParamAddedOptional = "param-added-optional", NonBreaking;
    /// A parameter was removed: its argument or setter is gone.
    ParamRemoved = "param-removed", Breaking;
    /// An optional parameter became required: its setter became an argument.
    ParamBecameRequired = "param-became-required", Breaking;
    /// A required parameter became optional: its argument became a setter.
    ParamBecameOptional = "param-became-optional", Breaking;
    /// A parameter's Rust type changed.
    ParamTypeChanged = "param-type-changed", Breaking;
    /// A required request body was added: a new argument.
    RequestBodyAddedRequired = "request-body-added-required", Breaking;
    /// An optional request body was added: a new setter.
    RequestBodyAddedOptional = "request-body-added-optional", NonBreaking;
    /// The request body was removed: its argument or setter is gone.
    RequestBodyRemoved = "request-body-removed", Breaking;
    /// The request body became required or optional: argument and setter swap.
    RequestBodyRequiredChanged = "request-body-required-changed", Breaking;
    /// The request body is another Rust type.
    RequestBodyTypeChanged = "request-body-type-changed", Breaking;
    /// The success response is another Rust type: the method returns something else.
    ResponseTypeChanged = "response-type-changed", Breaking;
    /// A response status was documented (errors are not part of the return type).
    ResponseStatusAdded = "response-status-added", NonBreaking;
    /// A response status is no longer documented.
    ResponseStatusRemoved = "response-status-removed", NonBreaking;
    /// A webhook topic was added: a new `Event` variant and topic constant (`Event` is
    /// `#[non_exhaustive]`, so matches keep compiling).
    WebhookTopicAdded = "webhook-topic-added", NonBreaking;
    /// A webhook topic was removed: code naming its `Event` variant or topic constant no longer
    /// compiles.
    WebhookTopicRemoved = "webhook-topic-removed", Breaking;
    /// A webhook topic's item changed type (raw JSON to a model, a model to raw JSON, or another
    /// model): code matching its `Event` variant no longer compiles.
    WebhookTopicRetyped = "webhook-topic-retyped", Breaking;
    /// A type was added.
    TypeAdded = "type-added", NonBreaking;
    /// A type was removed (or renamed): code naming it no longer compiles.
    TypeRemoved = "type-removed", Breaking;
    /// A type changed kind (struct, enum, union, alias): code using it no longer compiles.
    TypeKindChanged = "type-kind-changed", Breaking;
    /// A lenient type became strict (now only used in requests): it rejects undeclared members and
    /// loses its fallbacks; its fields' changes are listed separately.
    TypeBecameStrict = "type-became-strict", PotentiallyBreaking;
    /// A strict type became lenient (now used in responses): it gains a map of undeclared members
    /// and fallbacks; its fields' changes are listed separately.
    TypeBecameLenient = "type-became-lenient", PotentiallyBreaking;
    /// A property was added to a type only read by users (responses): it decodes into a new field.
    PropertyAdded = "property-added", NonBreaking;
    /// An optional property was added to a type users build (requests): struct literals without
    /// `..Default::default()` no longer compile.
    RequestPropertyAdded = "request-property-added", PotentiallyBreaking;
    /// A required property was added to a type users build (requests).
    RequestPropertyAddedRequired = "request-property-added-required", Breaking;
    /// A property was removed: code reading or setting the field no longer compiles.
    PropertyRemoved = "property-removed", Breaking;
    /// The Rust field name changed for the same wire name.
    PropertyRenamed = "property-renamed", Breaking;
    /// A property's type changed (the Rust field type changed).
    PropertyTypeChanged = "property-type-changed", Breaking;
    /// A field's Rust type changed only because the type's policy changed (lenient/strict).
    PropertyRustTypeChanged = "property-rust-type-changed", Breaking;
    /// A property of a type only read by users became required: no Rust change (fields of
    /// response types are always `Option`).
    PropertyBecameRequired = "property-became-required", NonBreaking;
    /// A property of a type users build became required: requests without it are rejected (and in a
    /// strict type the field loses its `Option`).
    RequestPropertyBecameRequired = "request-property-became-required", Breaking;
    /// A property became optional without a Rust change.
    PropertyBecameOptional = "property-became-optional", NonBreaking;
    /// A property of a strict type became optional: its field becomes an `Option`.
    RequestPropertyBecameOptional = "request-property-became-optional", Breaking;
    /// A property became nullable without a Rust change.
    PropertyBecameNullable = "property-became-nullable", NonBreaking;
    /// A required property of a strict type became nullable: its field becomes an `Option`.
    RequestPropertyBecameNullable = "request-property-became-nullable", Breaking;
    /// A property is no longer nullable, without a Rust change.
    PropertyBecameNonNullable = "property-became-non-nullable", NonBreaking;
    /// A required property of a strict type is no longer nullable: its field loses its `Option`.
    RequestPropertyBecameNonNullable = "request-property-became-non-nullable", Breaking;
    /// The map of undeclared members (`additionalProperties`) appeared, disappeared or changed type.
    AdditionalPropertiesChanged = "additional-properties-changed", PotentiallyBreaking;
    /// A string enum value was added: older crates decode it as `Unknown`, and enums are
    /// `#[non_exhaustive]`, so `match`es have a wildcard arm.
    EnumValueAdded = "enum-value-added", NonBreaking;
    /// A string enum value was removed: its variant is gone.
    EnumValueRemoved = "enum-value-removed", Breaking;
    /// The Rust variant name of an enum value changed.
    EnumVariantRenamed = "enum-variant-renamed", Breaking;
    /// A constant member (a single-value enum: `Option<String>` in response types, no field in
    /// request types) now allows other values: its field changed type (an enum) or appeared.
    ConstantBecameEnum = "constant-became-enum", Breaking;
    /// A member now allows one value only and its Rust field changed: an enum-typed field became
    /// `Option<String>` (its enum type is gone), or a request type lost the field.
    MemberBecameConstant = "member-became-constant", Breaking;
    /// The one value a constant member allows changed: request types send the new one.
    ConstantValueChanged = "constant-value-changed", PotentiallyBreaking;
    /// A union variant was added: unions are `#[non_exhaustive]`, so `match`es have a wildcard arm.
    UnionVariantAdded = "union-variant-added", NonBreaking;
    /// A union variant was removed: its variant is gone.
    UnionVariantRemoved = "union-variant-removed", Breaking;
    /// A union variant's payload is another Rust type.
    UnionVariantTypeChanged = "union-variant-type-changed", Breaking;
    /// A tagged union variant got another Rust name for the same tag value.
    UnionVariantRenamed = "union-variant-renamed", Breaking;
    /// The tag property of a union changed (or it became tagged or untagged): the wire form and
    /// dispatch change.
    UnionTagChanged = "union-tag-changed", PotentiallyBreaking;
    /// An alias now names another Rust type.
    AliasTargetChanged = "alias-target-changed", Breaking;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_described() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        for id in &ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{id}"
            );
        }
        for r in Rule::ALL {
            assert!(!r.description().is_empty(), "{r}");
            assert!(r.description().ends_with('.'), "{r}");
        }
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }

    #[test]
    fn classes_parse_and_order() {
        assert_eq!(
            Class::from_id("potentially-breaking"),
            Some(Class::PotentiallyBreaking)
        );
        assert_eq!(Class::from_id("minor"), None);
        assert!(Class::Breaking.at_least(Class::PotentiallyBreaking));
        assert!(!Class::NonBreaking.at_least(Class::PotentiallyBreaking));
    }
}
