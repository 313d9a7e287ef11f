//! Send an in-app message from an admin to a user.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example create_inapp_message -- <admin_id> <contact_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::{
    CreateMessageRequest, CreateMessageRequestFrom, CreateMessageRequestMessageType, Recipient,
    RecipientType,
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
    let admin_id: i64 = args.next().as_deref().unwrap_or("991267716").parse()?;
    let contact_id = args
        .next()
        .unwrap_or_else(|| "667d616c8a68186f43bafe52".to_owned());

    // `from` is always an admin (its `type` is written for you); `to` takes one recipient or a list.
    let request = CreateMessageRequest::new(
        CreateMessageRequestMessageType::InApp,
        CreateMessageRequestFrom::new(admin_id),
        Recipient::new(RecipientType::User, contact_id),
    )
    .with_body("Hi! Your export is ready.");
    let message = client
        .v2_16()
        .messages()
        .create_message(request)
        .send()
        .await?;
    println!(
        "sent {} message {}",
        message
            .message_type
            .map_or_else(|| "?".to_owned(), |t| t.to_string()),
        message.id.as_deref().unwrap_or("?"),
    );
    Ok(())
}
