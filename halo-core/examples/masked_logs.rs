//! Logs through a `tracing-subscriber` formatter whose every line is masked.
//!
//! Run with `cargo run -p halo-core --example masked_logs --features tracing`:
//! the email address, phone number, password and bearer credential below
//! never reach standard output.

use std::sync::Arc;

use halo_core::config::Config;
use halo_core::masking::{Masker, MaskingMakeWriter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_json_str(
        r#"{"security": {"data_masking": {"log_masking": {"mask_in_logs": ["password", "api_key", "token", "session_id"]}}}}"#,
    )?;
    let masker = Arc::new(Masker::from_config(&config)?);

    let writer = MaskingMakeWriter::new(masker, std::io::stdout);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .init();

    tracing::info!(
        lead = "jane.doe@example.com",
        phone = "+1 (415) 555-0123",
        "lead received"
    );
    tracing::warn!("login failed for jane.doe@example.com password=hunter2 session_id=s-81723");
    tracing::debug!(
        header = "Authorization: Bearer 9f8e7d6c5b4a",
        "calling HaloPSA"
    );
    tracing::info!(status = 200, duration_ms = 37, "opportunity synced");
    Ok(())
}
