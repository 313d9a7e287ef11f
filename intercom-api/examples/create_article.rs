//! Create a draft article in the help center.
//!
//! ```sh
//! INTERCOM_TOKEN=... cargo run --example create_article -- <author_admin_id>
//! ```
//!
//! `INTERCOM_BASE_URL` (optional) sends the requests elsewhere, e.g. to a mock server.

use std::process::ExitCode;

use intercom_api::Client;
use intercom_api::prelude::*;
use intercom_api::v2_16::models::{CreateArticleRequest, CreateArticleRequestState};

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
    let author_id: i64 = args.next().as_deref().unwrap_or("991267407").parse()?;

    let request = CreateArticleRequest::new("Getting started", author_id)
        .with_description("Everything you need on day one")
        .with_body("<p>Welcome aboard!</p>")
        .with_state(CreateArticleRequestState::Draft);
    let article = client
        .v2_16()
        .articles()
        .create_article(request)
        .send()
        .await?;
    println!(
        "created article {} \"{}\" ({})",
        article.id.as_deref().unwrap_or("?"),
        article.title.as_deref().unwrap_or(""),
        article
            .state
            .map_or_else(|| "?".to_owned(), |s| s.to_string()),
    );
    Ok(())
}
