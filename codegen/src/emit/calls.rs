//! Test support: a per-version table from operationId to a call of the generated client with
//! arguments taken from a JSON argument bag, so that the contract test can call every operation.

use quote::{format_ident, quote};

use super::Output;
use super::types::rust_type;
use crate::ir::{Api, ParamLocation};
use crate::render::Provenance;
use crate::{layout, naming};

/// `intercom-api/tests/generated_calls/<vmod>.rs`.
pub fn dispatch(api: &Api, prov: &Provenance) -> Output {
    let vmod = naming::version_module(&api.version);
    let vmod_ident = format_ident!("{}", vmod);
    let prefix = quote!(models::);
    let mut fns = Vec::new();
    let mut arms = Vec::new();
    for op in &api.operations {
        let module = &op.module;
        let fn_ident = format_ident!("{}__{}", module, op.method_name);
        let module_ident = format_ident!("{}", module);
        let method_ident = format_ident!("{}", op.method_name);
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for p in op
            .parameters
            .iter()
            .filter(|p| p.location != ParamLocation::Header)
        {
            let name = &p.name;
            let ty = rust_type(&p.ty, &prefix);
            let setter = format_ident!("{}", p.rust_name);
            if p.required {
                required.push(quote! { args.param::<#ty>(#name)?, });
            } else {
                optional.push(quote! {
                    let call = match args.optional_param::<#ty>(#name)? { Some(v) => call.#setter(v), None => call };
                });
            }
        }
        if let Some(b) = &op.body {
            let ty = rust_type(&b.ty, &prefix);
            if b.required {
                required.push(quote! { args.body::<#ty>()?, });
            } else {
                optional.push(quote! {
                    let call = match args.optional_body::<#ty>()? { Some(v) => call.body(v), None => call };
                });
            }
        }
        let args_ident = if required.is_empty() && optional.is_empty() {
            format_ident!("_args")
        } else {
            format_ident!("args")
        };
        fns.push(quote! {
            async fn #fn_ident(client: &Client, #args_ident: &crate::Args) -> Result<crate::Outcome, String> {
                let call = client.#vmod_ident().#module_ident().#method_ident(#(#required)*);
                #(#optional)*
                crate::finish(call.send_with_response().await)
            }
        });
        let id = &op.operation_id;
        arms.push(quote! { #id => #fn_ident(client, args).await, });
    }
    let doc = format!(
        " operationId -> a call through the generated client, for Intercom API {}.",
        api.version
    );
    let tokens = quote! {
        #![doc = #doc]
        #![allow(unused_imports, non_snake_case)]
        use intercom_api::#vmod_ident::models;
        use intercom_api::Client;
        use intercom_api::prelude::*;

        #(#fns)*

        /// Calls `operation_id` with arguments from `args`; `None` when there is no such operation.
        pub async fn call(client: &Client, operation_id: &str, args: &crate::Args) -> Option<Result<crate::Outcome, String>> {
            Some(match operation_id { #(#arms)* _ => return None })
        }
    };
    Output::new(
        layout::calls_file(&api.version),
        tokens,
        prov,
        "call dispatch",
    )
}

/// `intercom-api/tests/generated_calls/mod.rs`: which versions have a table.
pub fn registry(versions: &[String]) -> Output {
    let (mods, arms) = super::version_table(versions, |v, ident| {
        quote! { #v => Some(#ident::call(client, operation_id, args).await), }
    });
    let tokens = quote! {
        //! Generated call tables, one per pinned version.
        #(#mods)*

        /// Calls `operation_id` of `version`; `None` when the version's feature is off.
        pub async fn call(
            version: &str,
            client: &intercom_api::Client,
            operation_id: &str,
            args: &crate::Args,
        ) -> Option<Option<Result<crate::Outcome, String>>> {
            let _ = (client, operation_id, args);
            match version { #(#arms)* _ => None }
        }
    };
    Output::new(
        layout::calls_registry(),
        tokens,
        &Provenance::all(),
        "call registry",
    )
}
