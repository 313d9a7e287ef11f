//! The intermediate representation: what the generator knows about an API version, independent of
//! `openapiv3` (input) and of `quote` (output). `lower` builds it; `emit`, the API listing and the
//! spec diff read it. Every collection is ordered so that output is deterministic.

use std::collections::BTreeMap;

use crate::error::Warning;

/// One API version, lowered.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Version string, e.g. `2.11`.
    pub version: String,
    /// Every named type, keyed by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Every operation, in spec order (path, then method).
    pub operations: Vec<Operation>,
    /// Constructs that took a fallback.
    pub warnings: Vec<Warning>,
    /// Members of success examples that their struct did not declare, each now a typed field
    /// (`lower` adds the fields; one warning per struct and member).
    pub example_members: usize,
    /// Webhook topics (`specs/webhooks.toml`), attached after lowering by `webhooks::attach`.
    pub webhooks: Vec<WebhookTopic>,
}

/// A webhook topic as one version has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTopic {
    /// The topic, e.g. `conversation.admin.replied`.
    pub name: String,
    /// The object the topic's item is (the page's name).
    pub object: String,
    /// The component schema of the item, where descriptions have one.
    pub schema: Option<String>,
    /// When Intercom sends it.
    pub fires: String,
    /// A `*.deleted` topic (identifying fields only).
    pub deleted: bool,
    /// The Rust type of `schema` in this version, when it has it.
    pub model: Option<String>,
    /// The value the schema fixes the item's `type` member to (a one-value `enum`, a `const`, or
    /// a single example), where it does and `model` holds that member as a string; set by
    /// `webhooks::item_kinds`.
    pub item_type: Option<String>,
}

impl Api {
    /// `t` with named aliases followed to the type they stand for (at most 32 steps).
    pub fn resolve_alias<'a>(&'a self, t: &'a TypeRef) -> &'a TypeRef {
        resolve_alias_in(&self.types, t)
    }
}

/// [`Api::resolve_alias`] over the named types collected so far (while lowering).
pub fn resolve_alias_in<'a>(types: &'a BTreeMap<String, TypeDef>, t: &'a TypeRef) -> &'a TypeRef {
    let mut cur = t;
    for _ in 0..32 {
        match cur {
            TypeRef::Named(n) => match types.get(n).map(|d| &d.kind) {
                Some(TypeKind::Alias(inner)) => cur = inner,
                _ => return cur,
            },
            _ => return cur,
        }
    }
    cur
}

impl Field {
    /// Whether the field is an `Option` in Rust: always in lenient types; in strict types when it is
    /// not required or nullable.
    pub fn is_option(&self, usage: Usage) -> bool {
        usage.lenient() || !self.required || self.nullable
    }

    /// Whether the field is a Rust field of its struct: every field except a constant one
    /// ([`Field::constant`]) of a strict (request) type, which serialization writes itself.
    pub fn is_rust_field(&self, usage: Usage) -> bool {
        self.constant.is_none() || usage.lenient()
    }
}

impl Struct {
    /// The flattened map of undeclared members, if the struct has one (lenient types always do,
    /// as raw JSON, since members that drift are kept there too; strict types when the spec
    /// declares `additionalProperties`, typed): its Rust name (`additional_properties` unless a
    /// field has it, see [`Struct::additional_name`]) and its value type.
    pub fn additional_field(&self, usage: Usage) -> Option<(String, TypeRef)> {
        let value = match (&self.additional, usage.lenient()) {
            // Lenient types also keep members that drifted there, raw, whatever their declared type.
            (_, true) => TypeRef::Json,
            (Some(t), false) => t.clone(),
            (None, false) => return None,
        };
        Some((self.additional_name.clone(), value))
    }
}

impl ResponseBody {
    /// The item type of a JSON body declared as an array (through aliases): such a body also
    /// decodes from an object with exactly one array member (the runtime's `decode_json_array`).
    pub fn json_array_item<'a>(&'a self, api: &'a Api) -> Option<&'a TypeRef> {
        match self {
            ResponseBody::Json(t) => match api.resolve_alias(t) {
                TypeRef::Array(item) => Some(item),
                _ => None,
            },
            _ => None,
        }
    }
}

impl ParamLocation {
    /// `path`, `query`, `header`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
        }
    }
}

/// Where a type is used: decides strictness (requests) versus leniency (responses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Reachable from a request body or parameter.
    pub request: bool,
    /// Reachable from a response body (or from nothing: unused schemas are treated as responses).
    pub response: bool,
}

impl Usage {
    /// Response policy applies: every field is optional and null-tolerant.
    pub fn lenient(self) -> bool {
        self.response || !self.request
    }
}

/// Rustdoc text taken from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// `title` or `summary`.
    pub title: Option<String>,
    /// `description`.
    pub description: Option<String>,
}

impl Docs {
    /// No title or description with any text.
    pub fn is_empty(&self) -> bool {
        [&self.title, &self.description]
            .into_iter()
            .all(|t| t.as_deref().is_none_or(|t| t.trim().is_empty()))
    }
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name, unique within the version.
    pub name: String,
    /// JSON pointer of the schema it comes from.
    pub pointer: String,
    /// Component schema name, when it is one.
    pub schema_name: Option<String>,
    /// Documentation.
    pub docs: Docs,
    /// Shape.
    pub kind: TypeKind,
    /// Where it is used.
    pub usage: Usage,
    /// Group it belongs to: the module of the one tag whose operations reach it, `shared` (several
    /// tags) or `unreferenced` (none). Decided by `lower::placement`.
    pub module: String,
    /// Private module (file `models/<file>.rs`) it is emitted into, from `module` and its own name
    /// only. Decided by `lower::placement`.
    pub file: String,
    /// Where an inline type (no `schema_name`) is used, for its docs: the first site that refers
    /// to it, operations first. Decided by `lower::post`.
    pub used_at: Option<UsedAt>,
}

/// A place that refers to an inline type: the site, and whether the type is the site's value
/// itself or what an array or map there holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedAt {
    /// The operation or type member that refers to it.
    pub site: Site,
    /// The site's value itself, or an item or value inside it.
    pub within: Within,
}

/// A site that refers to a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site {
    /// The request body of an operation (Rust method name).
    Body(String),
    /// A response of an operation: Rust method name, status.
    Response(String, String),
    /// A parameter of an operation: Rust method name, wire name.
    Parameter(String, String),
    /// A member of a struct: owner type, wire name.
    Member(String, String),
    /// The undeclared members (`additionalProperties`) of a struct.
    Additional(String),
    /// A variant of a union: owner type, Rust variant name.
    Variant(String, String),
    /// An alias: the alias's name.
    Alias(String),
}

/// Where inside a site's value a type sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// The value itself (or its non-null case).
    Itself,
    /// An item of an array.
    Item,
    /// A value of a map.
    Value,
}

/// The shape of a named type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A JSON object with known properties.
    Struct(Struct),
    /// A string enum with at least two values (a single value is a constant, [`Field::constant`]).
    /// Lenient (response) enums have an `Unknown` fallback; request-only enums do not.
    Enum(StringEnum),
    /// oneOf / anyOf.
    Union(Union),
    /// A name for another type (`type: string`, an array, a map, a `$ref`).
    Alias(TypeRef),
}

/// Fields of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Properties in spec order.
    pub fields: Vec<Field>,
    /// `additionalProperties` value type, kept in a flattened map.
    pub additional: Option<TypeRef>,
    /// Rust name of the flattened map of undeclared members (`additional_properties` unless a
    /// field has it). Decided by `lower::placement`, once the fields are final.
    pub additional_name: String,
    /// Wire name of the one array member of a list object (a lenient struct whose other members
    /// are constants and numbers, such as `{"type": "list", "data": [..], "total_count": 2}`): a
    /// bare JSON array arriving for the struct decodes as this member. Decided by `lower::lists`.
    pub list_member: Option<String>,
}

/// One struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Name on the wire.
    pub wire_name: String,
    /// Rust field name (escaped, unique within the struct).
    pub rust_name: String,
    /// Value type (without the `Option` that optionality adds).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true` (on the property or the schema it refers to).
    pub nullable: bool,
    /// Documentation.
    pub docs: Docs,
    /// Needs `Box` to break a recursive cycle.
    pub boxed: bool,
    /// The one value the spec allows (a single-value string `enum`, mostly a `type` tag): no Rust
    /// type is generated for it. The field's `ty` is then `String`: lenient types hold what was
    /// received, and strict types have no Rust field (serialization writes the value).
    /// Decided by `lower` (the constant-members pass after lowering).
    pub constant: Option<String>,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringEnum {
    /// Known values in spec order.
    pub variants: Vec<EnumVariant>,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// Value on the wire.
    pub wire: String,
}

/// A oneOf / anyOf.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The property whose constant value tells the variants apart (internally tagged), if any.
    pub tag: Option<String>,
    /// Variants in spec order.
    pub variants: Vec<UnionVariant>,
}

/// One variant of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// Payload type.
    pub ty: TypeRef,
    /// Constant tag value, for tagged unions.
    pub tag_value: Option<String>,
    /// Documentation.
    pub docs: Docs,
    /// Needs `Box` to break a recursive cycle.
    pub boxed: bool,
}

/// A reference to a type, as used by fields, aliases, parameters and bodies.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// `type: string`.
    String,
    /// `type: integer` (always `i64`).
    Integer,
    /// `type: number` (`f64`).
    Number,
    /// `type: boolean`.
    Boolean,
    /// Any JSON value.
    Json,
    /// A JSON object with any members (`type: object` without properties).
    JsonObject,
    /// A named type.
    Named(String),
    /// `type: array`.
    Array(Box<TypeRef>),
    /// `additionalProperties` only: a string-keyed map.
    Map(Box<TypeRef>),
    /// A `nullable` array item or map value (`Option<T>`).
    Nullable(Box<TypeRef>),
}

/// The HTTP method of an operation (the methods an OpenAPI path item can hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// Upper case, as sent and printed (`GET`); also the name of `reqwest::Method`'s constant.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a failed call of an operation may be retried (the runtime's `RequestParts` flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryClass {
    /// As its HTTP method says: idempotent methods are retried, others only when the call opts in.
    Method,
    /// Only reads although its method is not idempotent (a `POST .../search`): retried like a `GET`.
    Read,
    /// Changes state on the server with every call (a scroll): a failed call is not retried, since
    /// the server may have advanced.
    Stateful,
}

/// An HTTP operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId` as written in the spec.
    pub operation_id: String,
    /// Rust method name (snake case of the operationId).
    pub method_name: String,
    /// HTTP method (printed upper case).
    pub http_method: HttpMethod,
    /// When a failed call may be retried; decided by `lower` from the operation's shapes.
    pub retry: RetryClass,
    /// Path template as in the spec, e.g. `/contacts/{contact_id}`.
    pub path: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// First tag (the group it is generated in).
    pub tag: String,
    /// Module (file `operations/<module>.rs`) of its tag, collision-free; also the accessor method
    /// (`client.v2_11().<module>()`). Decided by `lower::placement`.
    pub module: String,
    /// Accessor struct of its tag in that module. Decided by `lower::placement`.
    pub accessor: String,
    /// Request builder struct in that module. Decided by `lower::placement`.
    pub builder: String,
    /// Summary and description.
    pub docs: Docs,
    /// Path, query and header parameters (the `Intercom-Version` header is dropped: the runtime sends it).
    pub parameters: Vec<Parameter>,
    /// The `Intercom-Version` this operation sends instead of its module's version: set when its
    /// `Intercom-Version` header parameter allows one value only (a single-value `enum`) and that
    /// is not the module's version (an endpoint that needs another version than the rest).
    pub api_version: Option<String>,
    /// JSON request body.
    pub body: Option<Body>,
    /// Responses by status code (`200`, `404`, `default`), in spec order.
    pub responses: Vec<ResponseDef>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// How the operation pages through results, when it does.
    pub pagination: Option<Pagination>,
}

/// One step of a path through response fields (all of them `Option` in lenient response types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldStep {
    /// Wire name.
    pub wire_name: String,
    /// Rust field name.
    pub rust_name: String,
}

/// How a paginated operation finds the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageKind {
    /// `starting_after` query parameter; next cursor at `next` in the page.
    Cursor {
        /// Rust setter of the cursor parameter.
        setter: String,
        /// Path of the next cursor in the page.
        next: Vec<FieldStep>,
    },
    /// Cursor inside the request body's `pagination` object; next cursor at `next` in the page.
    SearchBody {
        /// Rust name of the body's pagination field.
        pagination_field: String,
        /// Rust name of the cursor field inside it.
        cursor_field: String,
        /// Whether the operation's body is optional (held as `Option`).
        body_optional: bool,
        /// For an optional body: the JSON of the body the stream sends when the caller set none
        /// (every required member an empty object, e.g. `{"query":{}}`), so that the cursor has
        /// a body to go into from page 2 on.
        empty_body: Option<String>,
        /// Path of the next cursor in the page.
        next: Vec<FieldStep>,
    },
    /// `page` query parameter; current page and total pages in the page.
    PageNumber {
        /// Rust setter of the page parameter.
        setter: String,
        /// Path of the current page number.
        page: Vec<FieldStep>,
        /// Path of the total page count.
        total: Vec<FieldStep>,
    },
    /// `scroll_param` query parameter echoed back at the top level of the page.
    Scroll {
        /// Rust setter of the scroll parameter.
        setter: String,
        /// Path of the next scroll parameter.
        next: Vec<FieldStep>,
    },
    /// A `GET` whose response carries a cursor or page numbers but which declares neither
    /// `starting_after` nor `page`: the next page is the one the response implies, sent as an
    /// undeclared query parameter. Tried in this order on every page (at least one is set):
    Implied {
        /// Path of `pages.next.starting_after` (a string): sends `starting_after`.
        cursor: Option<Vec<FieldStep>>,
        /// Path of `pages.next` declared as a string (a URL): sends the `starting_after`, else the
        /// `page`, of its query.
        next_url: Option<Vec<FieldStep>>,
        /// Paths of `pages.page` and `pages.total_pages` (integers): sends `page + 1` while below
        /// the total.
        page_number: Option<(Vec<FieldStep>, Vec<FieldStep>)>,
    },
}

/// Pagination of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// How the next page is requested.
    pub kind: PageKind,
    /// The page's array field holding the items.
    pub items: FieldStep,
    /// Other array fields of the same item type, read in order when `items` is absent.
    pub items_alt: Vec<FieldStep>,
    /// Item type.
    pub item_ty: TypeRef,
    /// The items' `id` (a string member of a response struct), compared between pages so that a
    /// page identical to the previous one ends the stream with an error.
    pub item_id: Option<FieldStep>,
    /// The items are nullable (`Vec<Option<Item>>`).
    pub item_nullable: bool,
    /// Page type.
    pub page_ty: TypeRef,
}

impl PageKind {
    /// Short name for reports: `cursor`, `search`, `page-number`, `scroll`.
    pub fn label(&self) -> &'static str {
        match self {
            PageKind::Cursor { .. } => "cursor",
            PageKind::SearchBody { .. } => "search",
            PageKind::PageNumber { .. } => "page-number",
            PageKind::Scroll { .. } => "scroll",
            PageKind::Implied {
                cursor,
                next_url,
                page_number,
            } => match (
                cursor.is_some() || next_url.is_some(),
                page_number.is_some() || next_url.is_some(),
            ) {
                (true, true) => "cursor or page-number",
                (true, false) => "cursor",
                _ => "page-number",
            },
        }
    }

    /// The kind for the `pagination:` report line: the label, and for an implied kind what the
    /// stream sends that the spec does not declare, e.g.
    /// `cursor (inferred: starting_after not declared)`.
    pub fn report(&self) -> String {
        let PageKind::Implied {
            cursor,
            next_url,
            page_number,
        } = self
        else {
            return self.label().to_owned();
        };
        let mut sent = Vec::new();
        if cursor.is_some() || next_url.is_some() {
            sent.push("starting_after");
        }
        if page_number.is_some() || next_url.is_some() {
            sent.push("page");
        }
        let from_url = if next_url.is_some() {
            "; pages.next is a URL"
        } else {
            ""
        };
        format!(
            "{} (inferred: {} not declared{from_url})",
            self.label(),
            sent.join(" and ")
        )
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    /// Path segment.
    Path,
    /// Query string.
    Query,
    /// Header.
    Header,
}

/// One parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// Wire name.
    pub name: String,
    /// Rust argument / setter name.
    pub rust_name: String,
    /// Location.
    pub location: ParamLocation,
    /// Required.
    pub required: bool,
    /// Type.
    pub ty: TypeRef,
    /// An object serialized as one query pair per property (`style: form`, `explode: true`).
    pub exploded_object: bool,
    /// Documentation.
    pub docs: Docs,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// Media type: `application/json` (or `multipart/form-data`, sent as one part per member;
    /// anything else is sent as JSON, with a warning).
    pub media_type: String,
    /// Type.
    pub ty: TypeRef,
    /// Taken as an argument of the operation method (else an optional `.body()` setter): the
    /// spec marks it `required`, or its schema has required members or is a union (decided by
    /// `lower::bodies`).
    pub required: bool,
}

/// The media type without parameters (`text/plain; charset=utf-8` -> `text/plain`), lower-case.
pub fn media_essence(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or(ct)
        .trim()
        .to_ascii_lowercase()
}

/// `application/json` or `*+json`: decoded into the generated type.
pub fn media_is_json(ct: &str) -> bool {
    let ct = media_essence(ct);
    ct == "application/json" || ct.ends_with("+json")
}

/// `multipart/form-data`: a request body sent as one part per member.
pub fn media_is_form(ct: &str) -> bool {
    media_essence(ct) == "multipart/form-data"
}

/// `text/*`: returned as a `String` (decoded as UTF-8).
pub fn media_is_text(ct: &str) -> bool {
    media_essence(ct).starts_with("text/")
}

/// What a response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// No content.
    Empty,
    /// JSON of this type.
    Json(TypeRef),
    /// Text (`text/*`), decoded as UTF-8 into a `String`, with its media type.
    Text(String),
    /// Neither JSON nor text (raw bytes), with its media type.
    Bytes(String),
}

/// One response.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseDef {
    /// Status code as written (`200`, `4XX`, `default`).
    pub status: String,
    /// Description.
    pub description: String,
    /// Body: the JSON content when the response declares one, else its first media type.
    pub body: ResponseBody,
    /// The response's other declared media types (not decoded by `.send()`; each is reachable
    /// through a generated `send_as_*` method on success responses).
    pub other_media: Vec<String>,
    /// Headers the response declares (wire name, description), in spec order.
    pub headers: Vec<(String, String)>,
    /// The first JSON example of a success response (`example`, else the first of `examples`), as
    /// compact JSON: the body the mock server of `intercom_api::testing` answers with.
    pub example: Option<String>,
}

impl Operation {
    /// The success response (the first 2xx), if any.
    pub fn success(&self) -> Option<&ResponseDef> {
        self.responses.iter().find(|r| r.status.starts_with('2'))
    }

    /// No success response but a declared 3xx: the call returns the redirect (`Redirect`), which
    /// is not followed.
    pub fn declares_redirect(&self) -> bool {
        self.success().is_none() && self.responses.iter().any(|r| r.status.starts_with('3'))
    }
}
