//! Reply to a conversation on behalf of a contact identified by their email.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example reply_conversation_contact_email -- <conversation_id> <email>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::{ContactReplyConversationRequest, ContactReplyEmailRequest};

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
    let email = args.next().unwrap_or_else(|| "jdoe@example.com".to_owned());

    // `new` takes the required fields and fills in the constant ones (`type: user`,
    // `message_type: comment`); `from` wraps it in a union variant, and the body argument
    // (`impl Into<ReplyConversationRequest>`) in the outer one.
    let reply = ContactReplyConversationRequest::from(ContactReplyEmailRequest::new(
        "Thanks, that fixed it!",
        email,
    ));
    let conversation = client
        .v2_16()
        .conversations()
        .reply_conversation(conversation_id, reply)
        .send()
        .await?;
    println!(
        "replied to conversation {} (state: {})",
        conversation.id.as_deref().unwrap_or("?"),
        conversation
            .state
            .map_or_else(|| "?".to_owned(), |s| s.to_string()),
    );
    Ok(())
}
