//! List every note of a contact, following the pagination.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example list_contact_notes -- <contact_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use futures_util::TryStreamExt;
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
    let contact_id = args
        .next()
        .unwrap_or_else(|| "667d60968a68186f43bafd9c".to_owned());

    // `.stream()` requests the next page only when the current one is used up.
    let mut notes = client
        .v2_16()
        .notes()
        .list_notes(contact_id)
        .stream()
        .max_items(500);
    let mut count = 0;
    while let Some(note) = notes.try_next().await? {
        count += 1;
        println!(
            "note {}: {}",
            note.id.as_deref().unwrap_or("?"),
            note.body.as_deref().unwrap_or(""),
        );
    }
    println!("{count} notes");
    Ok(())
}
