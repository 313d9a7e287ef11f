//! Open (reopen) a conversation as an admin.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example open_conversation -- <conversation_id> <admin_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::OpenConversationRequest;

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
    let conversation_id = args.next().unwrap_or_else(|| "123".to_owned());
    let admin_id = args.next().unwrap_or_else(|| "991267536".to_owned());

    // `manage_conversation` takes `impl Into<ManageConversationRequest>`: any variant's payload.
    let request = OpenConversationRequest::new(admin_id);
    let conversation = client
        .v2_16()
        .conversations()
        .manage_conversation(conversation_id, request)
        .send()
        .await?;
    println!(
        "conversation {} is {}",
        conversation.id.as_deref().unwrap_or("?"),
        conversation
            .state
            .map_or_else(|| "?".to_owned(), |s| s.to_string()),
    );
    Ok(())
}
