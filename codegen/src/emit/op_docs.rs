//! The rustdoc of an operation method: summary, `METHOD /path`, description, and a generated
//! `no_run` example of the call (compiled by `cargo test --doc`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs;
use super::types::spelling;
use crate::ir::{Api, Docs, Operation, ParamLocation, ResponseBody, TypeRef};
use crate::naming;

/// Summary, then the route line, then the description (when it is not the summary again). Without
/// a summary the description (or `fallback`) leads.
pub fn head(op: &Operation, fallback: &str, route_line: &str) -> TokenStream {
    let title = op
        .docs
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(title) = title else {
        let all = docs::attrs(&op.docs, fallback);
        return quote! { #all #[doc = ""] #[doc = #route_line] };
    };
    let summary = docs::attrs(
        &Docs {
            title: Some(title.to_string()),
            description: None,
        },
        fallback,
    );
    let description = op
        .docs
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty() && *d != title)
        .map(|d| {
            let attrs = docs::attrs(
                &Docs {
                    title: None,
                    description: Some(d.to_string()),
                },
                "",
            );
            quote! { #[doc = ""] #attrs }
        });
    quote! { #summary #[doc = ""] #[doc = #route_line] #description }
}

/// `# Example`: a client and the call, with placeholder arguments of the right types (a string
/// literal for a string parameter, a parameter of the example function for anything else).
pub fn example(api: &Api, op: &Operation) -> TokenStream {
    let vmod = naming::version_module(&api.version);
    let mut inputs: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    for p in op
        .parameters
        .iter()
        .filter(|p| p.location != ParamLocation::Header && p.required)
    {
        if p.ty == TypeRef::String {
            args.push(format!("\"<{}>\"", p.name.replace(['"', '\\'], "")));
        } else {
            inputs.push(format!("{}: {}", p.rust_name, spelling(&p.ty, "models::")));
            args.push(p.rust_name.clone());
        }
    }
    if let Some(b) = op.body.as_ref().filter(|b| b.required) {
        // `body` cannot clash: parameters named `body` are renamed by lowering.
        inputs.push(format!("body: {}", spelling(&b.ty, "models::")));
        args.push("body".to_string());
    }
    let call = format!(
        "client.{vmod}().{}().{}({}).send().await?;",
        op.module,
        op.method_name,
        args.join(", ")
    );
    let unit = matches!(op.success().map(|r| &r.body), Some(ResponseBody::Empty));
    let mut lines = vec![
        " # Example".to_string(),
        String::new(),
        " ```no_run".to_string(),
    ];
    // `send` is a method of the `Operation` trait: the prelude brings it into scope.
    lines.push(" use intercom_api::prelude::*;".to_string());
    if inputs.iter().any(|i| i.contains("models::")) {
        lines.push(format!(" use intercom_api::{vmod}::models;"));
    }
    lines.push(String::new());
    // The function's parameters are the placeholders: shown, so their types are.
    lines.push(format!(
        " async fn example({}) -> Result<(), intercom_api::Error> {{",
        inputs.join(", ")
    ));
    lines.push("     let client = intercom_api::Client::new(\"<token>\");".to_string());
    if unit {
        lines.push(format!("     {call}"));
    } else {
        lines.push(format!("     let response = {call}"));
        lines.push(" #   let _ = response;".to_string());
    }
    lines.push("     Ok(())".to_string());
    lines.push(" }".to_string());
    lines.push(" ```".to_string());
    quote! { #[doc = ""] #( #[doc = #lines] )* }
}
