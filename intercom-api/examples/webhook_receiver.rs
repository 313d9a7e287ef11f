//! A webhook receiver: verifies `X-Hub-Signature` over the raw body, parses the notification,
//! matches two topics, and answers 200 at once (slow work belongs on a queue).
//!
//! `INTERCOM_CLIENT_SECRET=... cargo run -p intercom-api --example webhook_receiver --features webhooks`
//! (listens on `WEBHOOK_ADDR`, default `127.0.0.1:8080`). `tests/webhook_receiver.rs` runs it
//! against requests signed by `intercom_api::webhooks::sign`.

use std::convert::Infallible;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use intercom_api::v2_16::webhooks::{self, Event};
use intercom_api::webhooks::{SIGNATURE_HEADER, verify};
use tokio::net::TcpListener;

/// Notifications larger than this are refused (413) before they are verified.
const MAX_BODY: usize = 16 * 1024 * 1024;

#[allow(dead_code)]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret = std::env::var("INTERCOM_CLIENT_SECRET")?;
    let addr = std::env::var("WEBHOOK_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let listener = TcpListener::bind(&addr).await?;
    eprintln!("listening on {}", listener.local_addr()?);
    serve(listener, secret).await?;
    Ok(())
}

/// Answers every connection on `listener`.
pub async fn serve(listener: TcpListener, secret: String) -> std::io::Result<()> {
    let secret: Arc<str> = secret.into();
    loop {
        let (stream, _) = listener.accept().await?;
        let secret = secret.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let secret = secret.clone();
                async move { Ok::<_, Infallible>(handle(&secret, request).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await
            {
                eprintln!("connection: {error}");
            }
        });
    }
}

/// One notification: 401 when the signature does not verify, 400 when the body is not a
/// notification, else 200 (with what was understood, for the test).
pub async fn handle(secret: &str, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let signature = request
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return reply(StatusCode::PAYLOAD_TOO_LARGE, "body too large"),
    };
    // Verify the exact bytes received, before parsing anything.
    if let Err(error) = verify(secret, signature.as_deref(), &body) {
        return reply(StatusCode::UNAUTHORIZED, &error.to_string());
    }
    let (notification, event, drift) = match webhooks::parse(&body) {
        Ok(parsed) => parsed,
        Err(error) => {
            return reply(
                StatusCode::BAD_REQUEST,
                &format!("not a notification: {error}"),
            );
        }
    };
    if !drift.is_empty() {
        eprintln!("{} drift record(s) in {:?}", drift.len(), notification.id);
    }
    let text = match event {
        Event::ConversationAdminReplied(conversation) => {
            format!(
                "admin replied in conversation {}",
                conversation.id.unwrap_or_default()
            )
        }
        Event::TicketStateUpdated(ticket) => format!(
            "ticket {} state updated",
            ticket.id.clone().unwrap_or_default()
        ),
        other => format!("ignored {}", other.topic().unwrap_or("an unknown topic")),
    };
    reply(StatusCode::OK, &text)
}

fn reply(status: StatusCode, text: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(text.to_owned())));
    *response.status_mut() = status;
    response
}
