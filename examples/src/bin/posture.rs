//! Loads a configuration document and prints its posture findings.
//!
//! ```text
//! cargo run -p halo-core-examples --bin posture -- examples/config/halo-core.json
//! ```
//!
//! Exits 0 when the document loads without high-severity findings, 1 when it
//! has some, and 2 when it does not load (every problem is printed).

use std::process::ExitCode;

use halo_core::config::{Config, Severity};

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line program"
)]
fn main() -> ExitCode {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/config/halo-core.json".into());
    let config = match Config::from_path(&path) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("{path}: {err} [{}]", err.code());
            return ExitCode::from(2);
        }
    };

    let findings = config.posture();
    for finding in &findings {
        println!(
            "{:<6}  {:<36}  {}",
            finding.severity, finding.code, finding.path
        );
        println!("        {}", finding.message);
    }
    let high = findings
        .iter()
        .filter(|f| f.severity == Severity::High)
        .count();
    println!("{path}: {} findings, {high} high", findings.len());
    if high == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
