//! `halo-sandbox`: serves the HaloPSA sandbox on a loopback port until
//! killed, for Python and Node tests and for trying integrations offline.
//!
//! ```text
//! halo-sandbox [--port N] [--client-id ID] [--tenant NAME]
//!              [--token-lifetime SECONDS] [--rate-limit REQUESTS/SECONDS]
//! ```
//!
//! The client secret comes from `HALO_SANDBOX_CLIENT_SECRET` (default
//! `sandbox-secret`). On start it prints one JSON line with `base_url` and
//! `client_id`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]

use std::time::Duration;

use halo_core::halo::RateLimit;
use halo_core::sandbox::{Sandbox, SandboxOptions};
use halo_core::secret::SecretString;

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("halo-sandbox: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::start(options).await {
        Ok(sandbox) => sandbox,
        Err(err) => {
            eprintln!("halo-sandbox: {err}");
            return std::process::ExitCode::from(1);
        }
    };
    let line = serde_json::json!({
        "base_url": sandbox.base_url(),
        "client_id": sandbox.options().client_id,
    });
    println!("{line}");
    std::future::pending::<()>().await;
    std::process::ExitCode::SUCCESS
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<SandboxOptions, String> {
    let mut options = SandboxOptions::default();
    if let Ok(secret) = std::env::var("HALO_SANDBOX_CLIENT_SECRET") {
        options.client_secret = SecretString::from(secret);
    }
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{flag}` needs a value"));
        match flag.as_str() {
            "--port" => options.port = value()?.parse().map_err(|_| "bad `--port`")?,
            "--client-id" => options.client_id = value()?,
            "--tenant" => options.tenant = Some(value()?),
            "--token-lifetime" => {
                let seconds: f64 = value()?.parse().map_err(|_| "bad `--token-lifetime`")?;
                options.token_lifetime =
                    Duration::try_from_secs_f64(seconds).map_err(|_| "bad `--token-lifetime`")?;
            }
            "--rate-limit" => {
                let text = value()?;
                let (requests, seconds) = text.split_once('/').ok_or("bad `--rate-limit`")?;
                options.rate_limit = Some(RateLimit {
                    requests: requests.parse().map_err(|_| "bad `--rate-limit`")?,
                    per: Duration::from_secs(seconds.parse().map_err(|_| "bad `--rate-limit`")?),
                });
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}
