//! The lead pipeline, end to end, against the embedded HaloPSA sandbox.
//!
//! ```text
//! cargo run -p halo-core-examples --bin lead-pipeline -- [--leads N] [--faults] [--config PATH]
//! ```
//!
//! Signed webhook deliveries of Apollo-style person records arrive (some
//! tampered with, some replayed, some from a sender that floods), are
//! verified and rate-limited per sender, validated and normalised, logged
//! masked, stored encrypted with a blind index of the email, checked
//! against the acting role's permission to `data.sync`, synced into
//! HaloPSA, and recorded in the audit trail, which is verified at the end.
//!
//! It starts the sandbox in process unless `HALO_BASE_URL`,
//! `HALO_CLIENT_ID` and `HALO_CLIENT_SECRET` name a real tenant. Secrets
//! the configuration references through environment variables that are not
//! set are generated for the run, and the at-rest keys (a KMS in the
//! example configuration) are fresh in-memory keys: this is a demonstration.

mod deliveries;
mod run;
mod secrets;
mod store;

use std::process::ExitCode;

const HELP: &str = "\
lead-pipeline: webhook deliveries in, leads verified, protected and synced into HaloPSA

USAGE:
    lead-pipeline [--leads N] [--faults] [--config PATH] [--out DIR] [--role ROLE]

OPTIONS:
    --leads N       webhook deliveries to generate (default 500)
    --faults        turn on the sandbox's fault injection (5xx, resets, 429
                    storms, token expiry, commit-then-lose)
    --config PATH   the configuration document (default: the bundled
                    examples/config/halo-core.json, the guide's settings)
    --out DIR       where the encrypted lead store, the masked log and the
                    audit trail go (default: a new directory under the
                    system temporary directory)
    --role ROLE     the role the pipeline acts as (default operator)
    -h, --help      this text

ENVIRONMENT:
    HALO_BASE_URL, HALO_CLIENT_ID, HALO_CLIENT_SECRET
                    sync into this HaloPSA tenant instead of the sandbox
";

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line program"
)]
fn main() -> ExitCode {
    let args = match run::Args::parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("lead-pipeline: {message}\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("lead-pipeline: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run::run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("lead-pipeline: {err}");
            ExitCode::FAILURE
        }
    }
}
