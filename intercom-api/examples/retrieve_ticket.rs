//! Retrieve a ticket.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example retrieve_ticket -- <ticket_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;

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
    let ticket_id = args.next().unwrap_or_else(|| "123".to_owned());

    let ticket = client
        .v2_16()
        .tickets()
        .get_ticket(ticket_id)
        .send()
        .await?;
    println!(
        "ticket {} ({}): {}",
        ticket.id.as_deref().unwrap_or("?"),
        ticket
            .ticket_type
            .as_ref()
            .and_then(|t| t.name.as_deref())
            .unwrap_or("?"),
        // Since 2.14 a ticket's state is an object with labels and a category.
        ticket
            .ticket_state
            .as_ref()
            .and_then(|s| s.external_label.as_deref())
            .unwrap_or("?"),
    );
    Ok(())
}
