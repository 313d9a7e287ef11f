//! Create a help-center collection.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example create_collection -- <name>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::CreateCollectionRequest;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let token = std::env::var("INTERCOM_TOKEN").map_err(|_| "set INTERCOM_TOKEN")?;
    let client = match std::env::var("INTERCOM_BASE_URL") {
        Ok(url) => Client::builder(token).base_url(url).build()?,
        Err(_) => Client::new(token),
    };
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "Billing".to_owned());

    let request = CreateCollectionRequest {
        description: Some("Invoices, refunds and payment methods".to_owned()),
        ..CreateCollectionRequest::new(name)
    };
    let collection = client
        .v2_16()
        .help_center()
        .create_collection(request)
        .send()
        .await?;
    println!(
        "created collection {} \"{}\"",
        collection.id.as_deref().unwrap_or("?"),
        collection.name.as_deref().unwrap_or(""),
    );
    Ok(())
}
