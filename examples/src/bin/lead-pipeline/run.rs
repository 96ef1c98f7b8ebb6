//! The pipeline's steps, in order, and the summary.

use std::collections::BTreeMap;
use std::error::Error;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use halo_core::access::Policy;
use halo_core::audit::{
    AuditAction, AuditCategory, AuditEvent, AuditLog, AuditOutcome, ChainKey, FileSink,
    FsyncPolicy, retention_of, verify,
};
use halo_core::config::Config;
use halo_core::crypto::{BlindIndex, FieldCipher, KeyId, KeyMaterial, Keyring};
use halo_core::halo::{HaloClient, RateLimit, RetryPolicy};
use halo_core::lead::{Lead, LeadSchema, ValidLead};
use halo_core::masking::{Masker, MaskingMakeWriter};
use halo_core::ratelimit::{ClientInfo, RateDecision, RateLimiter};
use halo_core::sandbox::{FaultPlan, Sandbox, SandboxOptions};
use halo_core::secret::SecretString;
use halo_core::sync::{LeadSync, Phase, SyncOptions, SyncReport};
use halo_core::webhook::{WebhookRequest, WebhookSigner, WebhookVerifier};
use indicatif::{ProgressBar, ProgressStyle};

use crate::deliveries::{self, Delivery, USER_AGENT};
use crate::secrets::DemoSecrets;
use crate::store::{self, LeadStore};

type BoxError = Box<dyn Error>;

/// Deliveries sent by the one sender that floods the receiver.
const FLOOD: usize = 130;

/// The command line.
#[derive(Debug)]
pub(crate) struct Args {
    leads: usize,
    faults: bool,
    config: PathBuf,
    out: Option<PathBuf>,
    role: String,
}

/// What happened to the deliveries before the sync.
#[derive(Debug, Default)]
struct Intake {
    received: usize,
    refused: BTreeMap<&'static str, usize>,
    rate_limited: usize,
    invalid: BTreeMap<&'static str, usize>,
    accepted: Vec<Lead>,
}

impl Args {
    /// Reads the arguments; `Ok(None)` for `--help`.
    pub(crate) fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Self>, String> {
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/halo-core.json");
        let mut parsed = Self {
            leads: 500,
            faults: false,
            config: bundled,
            out: None,
            role: "operator".into(),
        };
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--faults" => parsed.faults = true,
                "--leads" => {
                    let n = value("--leads")?;
                    parsed.leads = n
                        .parse()
                        .ok()
                        .filter(|n| (1..=1_000_000).contains(n))
                        .ok_or("--leads takes a number from 1 to 1000000")?;
                }
                "--config" => parsed.config = value("--config")?.into(),
                "--out" => parsed.out = Some(value("--out")?.into()),
                "--role" => parsed.role = value("--role")?,
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(Some(parsed))
    }
}

/// Runs the pipeline; `Ok(false)` when it ran but something that must hold
/// did not (the role may not sync, the audit trail does not verify).
#[allow(clippy::print_stdout, reason = "a command-line program")]
pub(crate) async fn run(args: Args) -> Result<bool, BoxError> {
    let started = Instant::now();
    let config = Config::from_path(&args.config)?;
    let secrets = DemoSecrets::for_config(&config)?;
    let out = output_dir(args.out.as_deref())?;
    let masker = Arc::new(Masker::from_config(&config)?);
    let log_path = out.join("pipeline.log");
    let log = Mutex::new(File::create(&log_path)?);
    tracing_subscriber::fmt()
        .with_writer(MaskingMakeWriter::new(Arc::clone(&masker), log))
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .init();

    println!("configuration  {}", args.config.display());
    if !secrets.names.is_empty() {
        println!("demo secrets   generated for {}", secrets.names.join(", "));
    }

    let signer = WebhookSigner::from_config(&config, None, &secrets)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let deliveries = deliveries::generate(&signer, args.leads, FLOOD.min(args.leads), now)?;
    let audit_dir = out.join("audit");
    let audit = Arc::new(audit_log(&config, &secrets, &audit_dir)?);
    let mut intake = receive(&config, &secrets, &deliveries, &audit)?;

    let schema = LeadSchema::default();
    let mut leads: Vec<ValidLead<'_>> = Vec::with_capacity(intake.accepted.len());
    for lead in &intake.accepted {
        match schema.validate(lead) {
            Ok(valid) => {
                tracing::info!(
                    email = valid.email(),
                    phone = valid.phone().unwrap_or(""),
                    "lead accepted"
                );
                leads.push(valid);
            }
            Err(violations) => {
                for violation in violations.iter() {
                    *intake.invalid.entry(violation.code()).or_default() += 1;
                }
            }
        }
    }

    let (cipher, blind, key_note) = at_rest(&config, &secrets)?;
    let mut lead_store = LeadStore::create(&out.join("leads.jsonl"))?;
    for lead in &leads {
        lead_store.append(lead, &cipher, &blind)?;
    }
    let (store_path, stored) = lead_store.finish()?;
    let found = match leads.first() {
        Some(lead) => store::find_email(&store_path, lead.email(), &cipher, &blind)?
            .is_some_and(|email| email == lead.email()),
        None => true,
    };

    let policy = Policy::from_config(&config)?;
    let decision = policy.decide(&[args.role.as_str()], "data.sync");
    let granted = decision.granted_by.clone().filter(|_| decision.allowed);
    let mut event = AuditEvent::new(AuditCategory::Security, AuditAction::custom("authorize")?)
        .actor(args.role.clone())
        .resource("data.sync")
        .outcome(if granted.is_some() {
            AuditOutcome::Success
        } else {
            AuditOutcome::Denied
        });
    if let Some(grant) = &granted {
        event = event.detail(
            "granted_by",
            serde_json::json!(format!("{}:{}", grant.role, grant.permission)),
        );
    }
    audit.record(event)?;
    let Some(grant) = granted else {
        audit.flush()?;
        println!(
            "access         role `{}` may not `data.sync`: nothing synced",
            args.role
        );
        return Ok(false);
    };

    let target = Target::start(&args).await?;
    let bar = ProgressBar::new(leads.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("sync           [{bar:40}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = bar.clone();
    let sync = LeadSync::new(target.client.clone())
        .with_options(SyncOptions {
            clients: true,
            ..SyncOptions::default()
        })
        .with_masker(Arc::clone(&masker))
        .with_audit(Arc::clone(&audit))
        .on_progress(move |p| {
            if p.phase == Phase::Opportunities {
                progress.set_position(p.done as u64);
            }
        });
    let report = sync.sync(&leads).await?;
    bar.finish_and_clear();
    let second = sync.sync(&leads).await?;

    audit.flush()?;
    let trail = verify(&audit_dir, &ChainKey::from_config(&config, &secrets)?)?;
    let raw_emails = raw_emails_in(&log_path, &leads)?;
    summary(
        &intake, &report, &second, &target, stored, found, raw_emails,
    );
    println!("at rest        {} ({key_note})", store_path.display());
    println!("masked log     {}", log_path.display());
    println!(
        "audit trail    {}: {} entries in {} segment(s), {}",
        audit_dir.display(),
        trail.entries,
        trail.segments,
        if trail.is_intact() {
            "verified intact"
        } else {
            "DAMAGED"
        }
    );
    println!(
        "access         role `{}` may `data.sync` through `{}` of role `{}`",
        args.role, grant.permission, grant.role
    );
    println!("elapsed        {:.2} s", started.elapsed().as_secs_f64());
    Ok(report.failed.is_empty()
        && second.created == 0
        && raw_emails == 0
        && found
        && trail.is_intact())
}

/// Verifies and rate-limits every delivery, then maps the accepted ones
/// from Apollo's shape.
fn receive(
    config: &Config,
    secrets: &DemoSecrets,
    deliveries: &[Delivery],
    audit: &AuditLog,
) -> Result<Intake, BoxError> {
    let verifier = WebhookVerifier::from_config(config, secrets)?;
    let limiter = RateLimiter::from_config(config)?;
    let mut intake = Intake::default();
    for delivery in deliveries {
        intake.received += 1;
        let client = ClientInfo {
            ip: Some(delivery.remote),
            user_agent: Some(USER_AGENT),
        };
        let sender = delivery.remote.to_string();
        let decision = limiter.check("webhooks", &sender, &client)?;
        if matches!(
            decision,
            RateDecision::Limited { .. } | RateDecision::Blocked { .. }
        ) {
            intake.rate_limited += 1;
            audit.record(refusal(delivery, "ratelimit.limited")?)?;
            continue;
        }
        let request = WebhookRequest::from_pairs(&delivery.headers, &delivery.body)
            .remote_addr(delivery.remote);
        if let Err(err) = verifier.verify(&request) {
            *intake.refused.entry(err.code()).or_default() += 1;
            tracing::warn!(code = err.code(), "delivery refused");
            audit.record(refusal(delivery, err.code())?)?;
            continue;
        }
        let person: serde_json::Value = serde_json::from_slice(&delivery.body)?;
        match Lead::from_apollo_person(&person) {
            Ok(lead) => intake.accepted.push(lead),
            Err(err) => *intake.invalid.entry(err.code()).or_default() += 1,
        }
    }
    Ok(intake)
}

/// The security event of a refused delivery: who sent it and why it was
/// refused, nothing of its body.
fn refusal(delivery: &Delivery, code: &'static str) -> Result<AuditEvent, BoxError> {
    Ok(AuditEvent::new(
        AuditCategory::Security,
        AuditAction::custom("webhook_refused")?,
    )
    .outcome(AuditOutcome::Denied)
    .resource("webhooks")
    .source_ip(delivery.remote)
    .user_agent(USER_AGENT)
    .detail("code", serde_json::json!(code)))
}

/// The audit trail in `dir`: chained with the configuration's chain key,
/// filtered and masked as the configuration says, details encrypted (with a
/// key of this run, as the configuration's keys are in a KMS).
fn audit_log(config: &Config, secrets: &DemoSecrets, dir: &Path) -> Result<AuditLog, BoxError> {
    let auditing = &config.security.auditing;
    // One fsync per 64 entries (and at each flush) rather than per entry:
    // a crash may lose the last few events of a run, which is the trade a
    // batch job makes; a receiver serving requests keeps the default.
    let every = std::num::NonZeroU32::new(64).ok_or("64 is not zero")?;
    let mut sink = FileSink::builder(dir, ChainKey::from_config(config, secrets)?)
        .fsync(FsyncPolicy::EveryN(every));
    if auditing.storage.encryption {
        let keyring = Keyring::new(KeyId::new("audit-demo-1")?, KeyMaterial::generate()?);
        sink = sink.cipher(FieldCipher::new(keyring));
    }
    Ok(AuditLog::builder()
        .sink(sink.open()?)
        .masker(Masker::from_config(config)?)
        .enabled(auditing.enabled)
        .events(auditing.events.clone())
        .retention(retention_of(config))
        .build()?)
}

/// The at-rest cipher and blind index: from the configuration when its keys
/// are static references, otherwise (a KMS) fresh keys for this run.
fn at_rest(
    config: &Config,
    secrets: &DemoSecrets,
) -> Result<(FieldCipher, BlindIndex, &'static str), BoxError> {
    if let (Ok(cipher), Ok(blind)) = (
        FieldCipher::from_config(config, secrets),
        BlindIndex::from_config(config, secrets),
    ) {
        return Ok((cipher, blind, "keys from the configuration"));
    }
    let fields = config
        .security
        .encryption
        .at_rest
        .encrypted_fields
        .iter()
        .cloned();
    let keyring = Keyring::new(KeyId::new("demo-1")?, KeyMaterial::generate()?);
    let cipher = FieldCipher::new(keyring).with_fields(fields);
    let blind = BlindIndex::new(KeyMaterial::generate()?, 16)?;
    Ok((
        cipher,
        blind,
        "keys of this run: the configuration's are in a KMS",
    ))
}

/// The HaloPSA the run syncs into.
struct Target {
    client: HaloClient,
    sandbox: Option<Sandbox>,
}

impl Target {
    async fn start(args: &Args) -> Result<Self, BoxError> {
        let tenant = ["HALO_BASE_URL", "HALO_CLIENT_ID", "HALO_CLIENT_SECRET"]
            .map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
        if let [Some(base), Some(id), Some(secret)] = tenant {
            let client = HaloClient::builder()
                .base_url(base)
                .client_id(id)
                .client_secret(SecretString::from(secret))
                .build()?;
            return Ok(Self {
                client,
                sandbox: None,
            });
        }
        // The sandbox enforces Halo's default fair-use limit and the client
        // paces to the same limit, as against a real tenant.
        let options = SandboxOptions {
            rate_limit: Some(RateLimit::default()),
            ..SandboxOptions::default()
        };
        let sandbox = Sandbox::start(options).await?;
        if args.faults {
            sandbox.set_fault_plan(Some(FaultPlan::mixed(8, 2026)));
        }
        let retry = RetryPolicy {
            max_attempts: 10,
            base_delay: std::time::Duration::from_millis(50),
            max_delay: std::time::Duration::from_millis(800),
            ..RetryPolicy::default()
        };
        let client = sandbox
            .client_builder()
            .rate_limit(RateLimit::default())
            .retry(retry)
            .build()?;
        Ok(Self {
            client,
            sandbox: Some(sandbox),
        })
    }
}

/// How many of the leads' emails appear unmasked in the log.
fn raw_emails_in(log: &Path, leads: &[ValidLead<'_>]) -> Result<usize, BoxError> {
    let text = std::fs::read_to_string(log)?;
    Ok(leads.iter().filter(|l| text.contains(l.email())).count())
}

fn output_dir(asked: Option<&Path>) -> Result<PathBuf, BoxError> {
    let dir = match asked {
        Some(dir) => dir.to_owned(),
        None => {
            let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
            std::env::temp_dir().join(format!("halo-core-pipeline-{stamp}"))
        }
    };
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[allow(clippy::print_stdout, reason = "a command-line program")]
fn summary(
    intake: &Intake,
    report: &SyncReport,
    second: &SyncReport,
    target: &Target,
    stored: usize,
    found: bool,
    raw_emails: usize,
) {
    let codes = |map: &BTreeMap<&'static str, usize>| {
        let list: Vec<String> = map.iter().map(|(c, n)| format!("{c} {n}")).collect();
        if list.is_empty() {
            "none".to_owned()
        } else {
            list.join(", ")
        }
    };
    let halo = match &target.sandbox {
        Some(sandbox) => format!("sandbox at {}", sandbox.base_url()),
        None => "the tenant at HALO_BASE_URL".to_owned(),
    };
    println!();
    println!("{:<28} {:>8}", "step", "count");
    println!("{}", "-".repeat(60));
    let rows = [
        ("deliveries received", intake.received.to_string()),
        ("rate limited (per sender)", intake.rate_limited.to_string()),
        (
            "refused",
            intake.refused.values().sum::<usize>().to_string(),
        ),
        (
            "leads invalid",
            intake.invalid.values().sum::<usize>().to_string(),
        ),
        ("leads stored encrypted", stored.to_string()),
        ("duplicates in input", report.duplicates.len().to_string()),
        ("opportunities created", report.created.to_string()),
        ("opportunities updated", report.updated.to_string()),
        ("opportunities unchanged", report.unchanged.to_string()),
        ("clients created", report.clients_created.to_string()),
        ("sync failures", report.failed.len().to_string()),
        ("creates reconciled", report.reconciled.to_string()),
        (
            "halo requests (retries)",
            format!("{} ({})", report.requests, report.retries),
        ),
        ("second run: created", second.created.to_string()),
        ("raw emails in the log", raw_emails.to_string()),
    ];
    for (name, value) in rows {
        println!("{name:<28} {value:>8}");
    }
    println!("{}", "-".repeat(60));
    println!("refused by     {}", codes(&intake.refused));
    println!("invalid by     {}", codes(&intake.invalid));
    println!("halopsa        {halo}");
    println!(
        "blind index    {}",
        if found {
            "lead found by email without decrypting the store"
        } else {
            "lookup FAILED"
        }
    );
}
