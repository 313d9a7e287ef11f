//! Reply to a ticket on behalf of a contact identified by their Intercom id.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example reply_ticket_contact -- <ticket_id> <contact_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::{
    ReplyTicketRequestContact, ReplyTicketRequestContactIntercomUserId,
};

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
    let contact_id = args
        .next()
        .unwrap_or_else(|| "6762f1e31bb69f9f2193bb9f".to_owned());

    let reply = ReplyTicketRequestContact::from(ReplyTicketRequestContactIntercomUserId::new(
        "Any news on this?",
        contact_id,
    ));
    let part = client
        .v2_16()
        .tickets()
        .reply_ticket(ticket_id, reply)
        .send()
        .await?;
    println!(
        "added ticket part {} ({})",
        part.id.as_deref().unwrap_or("?"),
        part.part_type
            .map_or_else(|| "?".to_owned(), |t| t.to_string()),
    );
    Ok(())
}
