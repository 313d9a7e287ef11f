//! Convert a visitor into a user (merging into the user when one already exists).
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example convert_visitor -- <visitor_user_id> <user_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::{
    ConvertVisitorRequest, ConvertVisitorRequestUser, ConvertVisitorRequestVisitor,
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
    let visitor_user_id = args
        .next()
        .unwrap_or_else(|| "3ecf64d0-9ed1-4e9f-88e1-da7d6e6782f3".to_owned());
    let user_id = args.next().unwrap_or_else(|| "my-user-42".to_owned());

    let request = ConvertVisitorRequest::new(
        "user",
        ConvertVisitorRequestUser::new().with_user_id(user_id),
        ConvertVisitorRequestVisitor::new().with_user_id(visitor_user_id),
    );
    let contact = client
        .v2_16()
        .visitors()
        .convert_visitor(request)
        .send()
        .await?;
    println!(
        "converted into contact {} (role: {})",
        contact.id.as_deref().unwrap_or("?"),
        contact.role.as_deref().unwrap_or("?"),
    );
    Ok(())
}
