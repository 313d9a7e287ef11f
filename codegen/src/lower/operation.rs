//! Paths -> operations: parameters, request bodies and responses.

use std::collections::BTreeSet;

use openapiv3::{Parameter as OaParameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::Lowerer;
use super::view::{Node, View};
use crate::error::{Error, pointer_token};
use crate::ir::{
    Api, Body, Docs, HttpMethod, Operation, PageKind, ParamLocation, Parameter, ResponseBody,
    ResponseDef, RetryClass, TypeRef, media_is_form, media_is_json, media_is_text,
};
use crate::naming;

/// The header the runtime sends itself, from the module the call came from.
const VERSION_HEADER: &str = "intercom-version";
/// The header the generated call sets from the media types its success response declares
/// (`application/json`, or the one non-JSON type), so a parameter declaring it is no argument.
const ACCEPT_HEADER: &str = "accept";

/// Argument names the generated call takes itself: a parameter with one of these names is renamed.
const RESERVED_ARGS: &[&str] = &[
    "body",
    "call",
    "client",
    "extra",
    "header",
    "options",
    "pages",
    "query_param",
    "raw_body",
    "request_parts",
    "send",
    "send_with_response",
    "stream",
];

/// Where an operation stands: its path item and HTTP method.
struct At<'a, 'p> {
    path: &'a String,
    item: &'a openapiv3::PathItem,
    path_ptr: &'p str,
    method: HttpMethod,
}

/// The names already given out: operation ids in the spec, method names per tag.
#[derive(Default)]
struct Taken {
    ids: BTreeSet<String>,
    methods: BTreeSet<(String, String)>,
}

/// What `r` is, following `$ref`s into `#/components/<section>/` (`lookup` finds a name there).
fn resolve<'a, T>(
    r: &'a ReferenceOr<T>,
    section: &str,
    comps: Option<&'a openapiv3::Components>,
    lookup: impl Fn(&'a openapiv3::Components, &str) -> Option<&'a ReferenceOr<T>>,
    ptr: &str,
) -> Result<&'a T, Error> {
    let mut current = r;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(t) => return Ok(t),
            ReferenceOr::Reference { reference } => {
                let prefix = format!("#/components/{section}/");
                let name = reference.strip_prefix(&prefix).ok_or_else(|| {
                    Error::at(
                        ptr,
                        format!("unsupported $ref {reference:?} (expected {prefix}*)"),
                    )
                })?;
                current = comps
                    .and_then(|c| lookup(c, name))
                    .ok_or_else(|| Error::at(ptr, format!("dangling $ref {reference:?}")))?;
            }
        }
    }
    Err(Error::at(ptr, "$ref loop"))
}

impl<'a> Lowerer<'a> {
    pub(crate) fn lower_operations(&mut self) -> Result<Vec<Operation>, Error> {
        let doc = self.doc;
        let mut out = Vec::new();
        let mut taken = Taken::default();
        for (path, item) in &doc.openapi.paths.paths {
            let path_ptr = format!("#/paths/{}", pointer_token(path));
            let item = match item {
                ReferenceOr::Item(i) => i,
                ReferenceOr::Reference { reference } => {
                    return Err(Error::at(
                        path_ptr,
                        format!("unsupported path item $ref {reference:?}"),
                    ));
                }
            };
            let ops = [
                (HttpMethod::Get, &item.get),
                (HttpMethod::Put, &item.put),
                (HttpMethod::Post, &item.post),
                (HttpMethod::Delete, &item.delete),
                (HttpMethod::Options, &item.options),
                (HttpMethod::Head, &item.head),
                (HttpMethod::Patch, &item.patch),
                (HttpMethod::Trace, &item.trace),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let at = At {
                    path,
                    item,
                    path_ptr: &path_ptr,
                    method,
                };
                out.push(self.lower_operation(&at, op, &mut taken)?);
            }
        }
        Ok(out)
    }

    /// One operation of a path item: its names, parameters, body and responses.
    fn lower_operation(
        &mut self,
        at: &At<'a, '_>,
        op: &'a openapiv3::Operation,
        taken: &mut Taken,
    ) -> Result<Operation, Error> {
        let ptr = format!("{}/{}", at.path_ptr, at.method.as_str().to_lowercase());
        let operation_id = self.operation_id(at, op, &ptr, taken)?;
        let tag = op
            .tags
            .first()
            .cloned()
            .unwrap_or_else(|| "Misc".to_string());
        let mut method_name = naming::method_name(&operation_id);
        while !taken.methods.insert((tag.clone(), method_name.clone())) {
            method_name.push_str("_op");
        }
        let hint = naming::type_name(naming::operation_name(&operation_id));
        let (parameters, api_version) = self.operation_parameters(at, op, &ptr, &hint)?;
        let body = match &op.request_body {
            None => None,
            Some(rb) => self.request_body(rb, &ptr, &hint)?,
        };
        let responses = self.responses(at, op, &ptr, &hint)?;
        Ok(Operation {
            operation_id,
            method_name,
            http_method: at.method,
            // Refined by `retry_classes` once pagination is known.
            retry: RetryClass::Method,
            path: at.path.clone(),
            pointer: ptr,
            tag,
            module: String::new(),
            accessor: String::new(),
            builder: String::new(),
            docs: Docs {
                title: op.summary.clone(),
                description: op.description.clone(),
            },
            parameters,
            api_version,
            body,
            responses,
            deprecated: op.deprecated,
            pagination: None,
        })
    }

    /// The operation's `operationId` (named from method and path when missing), unique in the spec.
    fn operation_id(
        &mut self,
        at: &At<'a, '_>,
        op: &openapiv3::Operation,
        ptr: &str,
        taken: &mut Taken,
    ) -> Result<String, Error> {
        let operation_id = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => id.clone(),
            _ => {
                let id = format!(
                    "{}{}",
                    at.method.as_str().to_lowercase(),
                    naming::type_name(at.path)
                );
                self.warn(ptr, format!("operation has no operationId: named {id:?}"));
                id
            }
        };
        if !taken.ids.insert(operation_id.clone()) {
            return Err(Error::at(
                format!("{ptr}/operationId"),
                format!("duplicate operationId {operation_id:?}"),
            ));
        }
        Ok(operation_id)
    }

    /// The operation's parameters (operation-level ones override path-level ones with the same
    /// name and location) and the `Intercom-Version` its own header parameter requires.
    fn operation_parameters(
        &mut self,
        at: &At<'a, '_>,
        op: &'a openapiv3::Operation,
        ptr: &str,
        hint: &str,
    ) -> Result<(Vec<Parameter>, Option<String>), Error> {
        let doc = self.doc;
        let mut params = Vec::new();
        let mut seen = BTreeSet::new();
        let all: Vec<(&ReferenceOr<OaParameter>, String)> = op
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p, format!("{ptr}/parameters/{i}")))
            .chain(
                at.item
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, format!("{}/parameters/{i}", at.path_ptr))),
            )
            .collect();
        let mut arg_names: BTreeSet<String> = RESERVED_ARGS.iter().map(|s| s.to_string()).collect();
        let mut api_version = None;
        let mut version_seen = false;
        for (p, pptr) in all {
            let comps = doc.openapi.components.as_ref();
            let p = resolve(p, "parameters", comps, |c, n| c.parameters.get(n), &pptr)?;
            // The operation-level declaration comes first and wins.
            if let OaParameter::Header { parameter_data, .. } = p
                && parameter_data.name.eq_ignore_ascii_case(VERSION_HEADER)
                && !std::mem::replace(&mut version_seen, true)
            {
                api_version = self.declared_version(parameter_data, &pptr);
            }
            if let Some(param) = self.parameter(p, &pptr, hint, &mut seen, &mut arg_names)? {
                params.push(param);
            }
        }
        Ok((params, api_version))
    }

    /// The request body: its JSON media type, or else the first one declared.
    fn request_body(
        &mut self,
        rb: &'a ReferenceOr<openapiv3::RequestBody>,
        ptr: &str,
        hint: &str,
    ) -> Result<Option<Body>, Error> {
        let doc = self.doc;
        let bptr = format!("{ptr}/requestBody");
        let comps = doc.openapi.components.as_ref();
        let rb = resolve(
            rb,
            "requestBodies",
            comps,
            |c, n| c.request_bodies.get(n),
            &bptr,
        )?;
        let Some((ct, media)) = rb
            .content
            .iter()
            .find(|(ct, _)| media_is_json(ct))
            .or_else(|| rb.content.first())
        else {
            return Ok(None);
        };
        let mptr = format!("{bptr}/content/{}/schema", pointer_token(ct));
        if !media_is_json(ct) && !media_is_form(ct) {
            self.warn(
                &mptr,
                format!("request body media type {ct:?} is not JSON: sent as JSON anyway"),
            );
        }
        let ty = match &media.schema {
            Some(s) => self.node(Node::of(s), &mptr, &format!("{hint}Request"))?,
            None => {
                self.warn(
                    &mptr,
                    "request body without schema: using serde_json::Value",
                );
                TypeRef::Json
            }
        };
        Ok(Some(Body {
            media_type: ct.clone(),
            ty,
            required: rb.required,
        }))
    }

    /// The declared responses, by status (`default` last); the first success is `<Hint>Response`.
    fn responses(
        &mut self,
        at: &At<'a, '_>,
        op: &'a openapiv3::Operation,
        ptr: &str,
        hint: &str,
    ) -> Result<Vec<ResponseDef>, Error> {
        let doc = self.doc;
        let mut responses = Vec::new();
        let entries: Vec<(String, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (status_name(code), r))
            .chain(
                op.responses
                    .default
                    .iter()
                    .map(|r| ("default".to_string(), r)),
            )
            .collect();
        let mut first_success = true;
        for (status, r) in entries {
            let rptr = format!("{ptr}/responses/{}", pointer_token(&status));
            let comps = doc.openapi.components.as_ref();
            let r = resolve(r, "responses", comps, |c, n| c.responses.get(n), &rptr)?;
            let success = status.starts_with('2');
            let rhint = if success && first_success {
                format!("{hint}Response")
            } else {
                format!("{hint}Response{}", naming::type_name(&status))
            };
            if success {
                first_success = false;
            }
            let get = at.method == HttpMethod::Get;
            responses.push(self.response(status, r, &rptr, &rhint, success, get)?);
        }
        Ok(responses)
    }

    /// One response: JSON first; otherwise the first declared media type. The others stay
    /// reachable (`other_media`).
    fn response(
        &mut self,
        status: String,
        r: &'a openapiv3::Response,
        rptr: &str,
        rhint: &str,
        success: bool,
        get: bool,
    ) -> Result<ResponseDef, Error> {
        let chosen = r
            .content
            .iter()
            .find(|(ct, _)| media_is_json(ct))
            .or_else(|| r.content.first());
        let other_media: Vec<String> = r
            .content
            .keys()
            .filter(|ct| Some(*ct) != chosen.map(|(c, _)| c))
            .cloned()
            .collect();
        let body = self.response_body(chosen, rptr, rhint, success, get)?;
        if success && !other_media.is_empty() {
            self.warn(
                rptr,
                format!(
                    "response declares several media types: `.send()` decodes {}, the others ({}) are returned by `send_as_*` methods",
                    chosen.map(|(c, _)| c.as_str()).unwrap_or_default(),
                    other_media.join(", ")
                ),
            );
        }
        let headers = r
            .headers
            .iter()
            .map(|(name, h)| {
                let description = match h {
                    ReferenceOr::Item(h) => h.description.clone().unwrap_or_default(),
                    ReferenceOr::Reference { .. } => String::new(),
                };
                (name.clone(), description)
            })
            .collect();
        Ok(ResponseDef {
            status,
            description: r.description.clone(),
            body,
            other_media,
            headers,
            example: None,
        })
    }

    /// How the chosen media type of a response is read.
    fn response_body(
        &mut self,
        chosen: Option<(&'a String, &'a openapiv3::MediaType)>,
        rptr: &str,
        rhint: &str,
        success: bool,
        get: bool,
    ) -> Result<ResponseBody, Error> {
        Ok(match chosen {
            Some((ct, media)) if media_is_json(ct) => {
                let mptr = format!("{rptr}/content/{}", pointer_token(ct));
                match &media.schema {
                    Some(s) => ResponseBody::Json(self.node(
                        Node::of(s),
                        &format!("{mptr}/schema"),
                        rhint,
                    )?),
                    None => {
                        self.warn(
                            &mptr,
                            "response has no schema: decoded as serde_json::Value",
                        );
                        ResponseBody::Json(TypeRef::Json)
                    }
                }
            }
            Some((ct, _)) if media_is_text(ct) => ResponseBody::Text(ct.clone()),
            Some((ct, _)) => ResponseBody::Bytes(ct.clone()),
            // A GET answers with data: a success that declares no content is
            // returned as raw bytes (Intercom's data export download does this).
            None if success && get => {
                self.warn(
                    rptr,
                    "GET success response declares no content: returned as raw bytes (Accept: application/octet-stream)",
                );
                ResponseBody::Bytes("application/octet-stream".to_string())
            }
            None => ResponseBody::Empty,
        })
    }

    /// The `Intercom-Version` an operation's own `Intercom-Version` header parameter requires,
    /// when that is not the module's version: its schema (inline or a component) allows one
    /// string only. Several allowed values without the module's version are a warning (the
    /// module's version is sent).
    fn declared_version(&mut self, data: &openapiv3::ParameterData, ptr: &str) -> Option<String> {
        let ParameterSchemaOrContent::Schema(s) = &data.format else {
            return None;
        };
        let view = match Node::of(s) {
            Node::Inline(s) => View::new(s),
            Node::Ref(target) => View::new(self.component_of_ref(target)?.1),
        };
        let allowed = view.enum_values;
        if allowed.is_empty() || allowed.iter().any(|v| v == self.version) {
            return None;
        }
        match allowed.as_slice() {
            [only] => Some(only.clone()),
            _ => {
                self.warn(
                    &format!("{ptr}/schema"),
                    format!(
                        "the `Intercom-Version` header allows {} but not {:?}: sends {:?}",
                        allowed.join(", "),
                        self.version,
                        self.version
                    ),
                );
                None
            }
        }
    }

    fn parameter(
        &mut self,
        p: &'a OaParameter,
        ptr: &str,
        hint: &str,
        seen: &mut BTreeSet<(String, ParamLocation)>,
        arg_names: &mut BTreeSet<String>,
    ) -> Result<Option<Parameter>, Error> {
        let Some((data, location, exploded)) = self.parameter_location(p, ptr) else {
            return Ok(None);
        };
        if location == ParamLocation::Header
            && (data.name.eq_ignore_ascii_case(VERSION_HEADER)
                || data.name.eq_ignore_ascii_case(ACCEPT_HEADER))
        {
            return Ok(None);
        }
        if !seen.insert((data.name.clone(), location)) {
            return Ok(None);
        }
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => {
                let sptr = format!("{ptr}/schema");
                self.node(
                    Node::of(s),
                    &sptr,
                    &format!("{hint}{}", naming::type_name(&data.name)),
                )?
            }
            ParameterSchemaOrContent::Content(_) => {
                self.warn(
                    ptr,
                    "parameter with `content` is not supported: sent as a JSON string",
                );
                TypeRef::Json
            }
        };
        let object_like = object_like(&ty, &data.format);
        let required = data.required || location == ParamLocation::Path;
        let rust_name = naming::claim(arg_names, &naming::field_name(&data.name), &["_param"]);
        Ok(Some(Parameter {
            name: data.name.clone(),
            rust_name,
            location,
            required,
            ty,
            exploded_object: location == ParamLocation::Query && exploded && object_like,
            docs: Docs {
                title: None,
                description: data.description.clone(),
            },
        }))
    }

    /// A parameter's data, location and whether a query parameter is exploded (`explode`, by
    /// default for the form style); `None` for a cookie parameter (warned: not supported).
    fn parameter_location(
        &mut self,
        p: &'a OaParameter,
        ptr: &str,
    ) -> Option<(&'a openapiv3::ParameterData, ParamLocation, bool)> {
        Some(match p {
            OaParameter::Path { parameter_data, .. } => {
                (parameter_data, ParamLocation::Path, false)
            }
            OaParameter::Query {
                parameter_data,
                style,
                ..
            } => {
                let explode = parameter_data
                    .explode
                    .unwrap_or(matches!(style, openapiv3::QueryStyle::Form));
                (parameter_data, ParamLocation::Query, explode)
            }
            OaParameter::Header { parameter_data, .. } => {
                (parameter_data, ParamLocation::Header, false)
            }
            OaParameter::Cookie { parameter_data, .. } => {
                self.warn(
                    ptr,
                    format!(
                        "cookie parameter {:?} is not supported: skipped",
                        parameter_data.name
                    ),
                );
                return None;
            }
        })
    }
}

/// Whether a parameter's type is an object or a union (a named type from an inline object or
/// union schema, or from a `$ref`): exploded, its members are query parameters of their own.
fn object_like(ty: &TypeRef, format: &ParameterSchemaOrContent) -> bool {
    match (ty, format) {
        (TypeRef::Named(_), ParameterSchemaOrContent::Schema(s)) => match Node::of(s) {
            Node::Inline(s) => {
                let v = View::new(s);
                v.ty == Some("object")
                    || !v.properties.is_empty()
                    || !v.one_of.is_empty()
                    || !v.any_of.is_empty()
            }
            Node::Ref(_) => true,
        },
        _ => false,
    }
}

fn status_name(code: &StatusCode) -> String {
    match code {
        StatusCode::Code(c) => c.to_string(),
        StatusCode::Range(r) => format!("{r}XX"),
    }
}

/// Sets every operation's [`RetryClass`] from its shapes (after pagination is detected): a scroll
/// is stateful (the server advances it with every call); a `POST` whose path ends in `/search`
/// only reads (Intercom's searches take their query as a body); the rest retry as their method says.
pub(super) fn retry_classes(api: &mut Api) {
    for op in &mut api.operations {
        op.retry = if op
            .pagination
            .as_ref()
            .is_some_and(|p| matches!(p.kind, PageKind::Scroll { .. }))
        {
            RetryClass::Stateful
        } else if op.http_method == HttpMethod::Post && op.path.ends_with("/search") {
            RetryClass::Read
        } else {
            RetryClass::Method
        };
    }
}
