//! The lead sync against the sandbox, over real loopback HTTP.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use halo_core::halo::{Client, HaloClient, Opportunity, RetryPolicy, User};
use halo_core::lead::{Lead, LeadSchema, ValidLead};
use halo_core::sandbox::{Fault, FaultPlan, Sandbox, SandboxOptions};
use halo_core::sync::{LeadSync, Lookup, Phase, SyncOptions, SyncReport};

fn quick_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        ..RetryPolicy::default()
    }
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).await.unwrap()
}

fn client(sandbox: &Sandbox, attempts: u32) -> HaloClient {
    sandbox
        .client_builder()
        .retry(quick_retry(attempts))
        .build()
        .unwrap()
}

/// One sync with `options` through a client with three attempts.
async fn sync_with(sandbox: &Sandbox, options: SyncOptions, leads: &[ValidLead<'_>]) -> SyncReport {
    let sync = LeadSync::new(client(sandbox, 3)).with_options(options);
    sync.sync(leads).await.unwrap()
}

fn lead(n: usize) -> Lead {
    Lead {
        first_name: format!("Ada{n}"),
        last_name: "Lovelace".into(),
        email: format!("ada.{n}@example.com"),
        phone: Some(format!("+1415555{:04}", n % 10_000)),
        company: format!("Company {}", n % 37),
        title: Some("CTO".into()),
        ..Lead::default()
    }
}

fn validate(leads: &[Lead]) -> Vec<ValidLead<'_>> {
    let schema = LeadSchema::default();
    leads
        .iter()
        .filter_map(|l| schema.validate(l).ok())
        .collect()
}

/// Opportunities stored in the sandbox, by lower-cased email.
fn stored(sandbox: &Sandbox) -> HashMap<String, Vec<Opportunity>> {
    let mut by_email: HashMap<String, Vec<Opportunity>> = HashMap::new();
    for opp in sandbox.records::<Opportunity>() {
        let email = opp
            .oppemailaddress
            .clone()
            .unwrap_or_default()
            .to_lowercase();
        by_email.entry(email).or_default().push(opp);
    }
    by_email
}

#[tokio::test]
async fn a_second_run_creates_nothing() {
    let sandbox = sandbox().await;
    let raw: Vec<Lead> = (0..120).map(lead).collect();
    let leads = validate(&raw);
    let sync = LeadSync::new(client(&sandbox, 3));

    let first = sync.sync(&leads).await.unwrap();
    let second = sync.sync(&leads).await.unwrap();

    assert_eq!(
        (first.created, first.unchanged, first.failed.len()),
        (120, 0, 0)
    );
    assert_eq!(
        (second.created, second.updated, second.unchanged),
        (0, 0, 120)
    );
    assert_eq!(sandbox.records::<Opportunity>().len(), 120);
    let opp = &stored(&sandbox)["ada.7@example.com"][0];
    assert_eq!(opp.oppcontactname.as_deref(), Some("Ada7 Lovelace"));
    assert_eq!(opp.oppcompanyname.as_deref(), Some("Company 7"));
    assert_eq!(opp.opptel.as_deref(), Some("+14155550007"));
    assert_eq!(first.requests, 4, "a count and three creates");
}

#[tokio::test]
async fn duplicates_in_the_input_are_skipped_by_key() {
    let sandbox = sandbox().await;
    let mut raw: Vec<Lead> = (0..10).map(lead).collect();
    let mut again = lead(3);
    again.email = "ADA.3@Example.com".into();
    raw.push(again);
    raw.push(lead(5));
    let leads = validate(&raw);

    let report = LeadSync::new(client(&sandbox, 3))
        .sync(&leads)
        .await
        .unwrap();

    assert_eq!(report.duplicates, vec![10, 11]);
    assert_eq!(report.created, 10);
    assert_eq!(sandbox.records::<Opportunity>().len(), 10);
}

#[tokio::test]
async fn changed_contact_fields_are_updated_and_nothing_else_is_touched() {
    let sandbox = sandbox().await;
    let old = Opportunity {
        oppemailaddress: Some("Ada.1@example.com".into()),
        oppcontactname: Some("Ada1 Lovelace".into()),
        oppcompanyname: Some("Company 1".into()),
        oppjobtitle: Some("Engineer".into()),
        opptel: Some("+14155550001".into()),
        summary: Some("kept as it is".into()),
        ..Opportunity::default()
    };
    let id = sandbox.seed(&[old])[0];
    let raw = vec![lead(1)];
    let leads = validate(&raw);

    let report = LeadSync::new(client(&sandbox, 3))
        .sync(&leads)
        .await
        .unwrap();

    assert_eq!((report.created, report.updated), (0, 1));
    let opps = sandbox.records::<Opportunity>();
    assert_eq!(opps.len(), 1);
    assert_eq!(opps[0].id, Some(id));
    assert_eq!(opps[0].oppjobtitle.as_deref(), Some("CTO"));
    assert_eq!(opps[0].summary.as_deref(), Some("kept as it is"));
}

#[tokio::test]
async fn substring_matches_in_halo_are_not_taken_for_the_lead() {
    let sandbox = sandbox().await;
    let other = Opportunity {
        oppemailaddress: Some("xada.1@example.com".into()),
        ..Opportunity::default()
    };
    sandbox.seed(&[other]);
    let raw = vec![lead(1)];
    let leads = validate(&raw);
    let options = SyncOptions {
        lookup: Lookup::PerLead,
        ..SyncOptions::default()
    };

    let report = sync_with(&sandbox, options, &leads).await;

    assert_eq!(report.created, 1);
    assert_eq!(sandbox.records::<Opportunity>().len(), 2);
}

#[tokio::test]
async fn auto_lookup_searches_per_lead_against_a_large_tenant() {
    let sandbox = sandbox().await;
    let existing: Vec<Opportunity> = (0..450)
        .map(|n| Opportunity {
            oppemailaddress: Some(format!("old{n}@example.org")),
            ..Opportunity::default()
        })
        .collect();
    sandbox.seed(&existing);
    let raw: Vec<Lead> = (0..3).map(lead).collect();
    let leads = validate(&raw);

    let report = LeadSync::new(client(&sandbox, 3))
        .sync(&leads)
        .await
        .unwrap();

    assert_eq!(report.created, 3);
    // One count, then one search per lead: reading five pages would cost more.
    assert_eq!(sandbox.request_count("GET", "/api/Opportunities"), 4);
}

#[tokio::test]
async fn a_create_committed_then_lost_is_found_not_repeated() {
    let sandbox = sandbox().await;
    let raw: Vec<Lead> = (0..10).map(lead).collect();
    let leads = validate(&raw);
    let halo = client(&sandbox, 3);
    // The count goes through (an empty tenant needs no snapshot); the create
    // is applied and its reply lost.
    sandbox.inject(Fault::Delay(Duration::ZERO), 1);
    sandbox.inject(Fault::CommitThenLose, 1);

    let report = LeadSync::new(halo).sync(&leads).await.unwrap();

    assert_eq!((report.created, report.reconciled), (10, 1));
    assert!(report.failed.is_empty());
    assert_eq!(sandbox.records::<Opportunity>().len(), 10);
    assert_eq!(sandbox.request_count("POST", "/api/Opportunities"), 1);
}

#[tokio::test]
async fn a_create_refused_with_a_5xx_is_looked_up_then_sent_again() {
    let sandbox = sandbox().await;
    let raw: Vec<Lead> = (0..10).map(lead).collect();
    let leads = validate(&raw);
    sandbox.inject(Fault::Delay(Duration::ZERO), 1);
    sandbox.inject(Fault::status(502), 1);

    let report = LeadSync::new(client(&sandbox, 3))
        .sync(&leads)
        .await
        .unwrap();

    assert_eq!((report.created, report.reconciled), (10, 1));
    assert_eq!(sandbox.records::<Opportunity>().len(), 10);
    assert_eq!(sandbox.request_count("POST", "/api/Opportunities"), 2);
}

#[tokio::test]
async fn failures_name_the_input_index_and_code_never_the_lead() {
    let sandbox = sandbox().await;
    let raw: Vec<Lead> = (0..4).map(lead).collect();
    let leads = validate(&raw);
    sandbox.inject(Fault::Delay(Duration::ZERO), 1);
    sandbox.inject(Fault::with_body(403, r#"{"message":"no"}"#), 1);
    let options = SyncOptions {
        batch_size: 2,
        concurrency: 1,
        ..SyncOptions::default()
    };

    let report = sync_with(&sandbox, options, &leads).await;

    assert_eq!(report.created, 2);
    let failed: Vec<(usize, &str)> = report.failed.iter().map(|f| (f.index, f.code)).collect();
    assert_eq!(failed.len(), 2);
    assert!(failed.iter().all(|(_, code)| *code == "halo.forbidden"));
    let shown = format!("{report:?}");
    assert!(!shown.contains("example.com") && !shown.contains("Lovelace"));
}

#[tokio::test]
async fn clients_and_contacts_are_found_or_created_and_linked() {
    let sandbox = sandbox().await;
    let existing = Client {
        name: Some("company 2".into()),
        ..Client::default()
    };
    let existing_id = sandbox.seed(&[existing])[0];
    let raw: Vec<Lead> = (0..40).map(lead).collect();
    let leads = validate(&raw);
    let phases = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&phases);
    let options = SyncOptions {
        clients: true,
        users: true,
        batch_size: 7,
        ..SyncOptions::default()
    };

    let report = LeadSync::new(client(&sandbox, 3))
        .with_options(options)
        .on_progress(move |p| seen.lock().unwrap().push(p))
        .sync(&leads)
        .await
        .unwrap();

    assert_eq!(
        (report.clients_created, report.users_created, report.created),
        (36, 40, 40)
    );
    let clients: HashMap<String, i64> = sandbox
        .records::<Client>()
        .into_iter()
        .map(|c| (c.name.unwrap().to_lowercase(), c.id.unwrap()))
        .collect();
    assert_eq!(clients.len(), 37);
    let users: HashMap<String, User> = sandbox
        .records::<User>()
        .into_iter()
        .map(|u| (u.emailaddress.clone().unwrap(), u))
        .collect();
    for (email, opps) in stored(&sandbox) {
        let opp = &opps[0];
        let company = opp.oppcompanyname.clone().unwrap().to_lowercase();
        assert_eq!(opp.client_id, Some(clients[&company]));
        assert_eq!(opp.user_id, users[&email].id);
        assert_eq!(users[&email].client_id, Some(clients[&company]));
    }
    assert_eq!(
        stored(&sandbox)["ada.2@example.com"][0].client_id,
        Some(existing_id)
    );
    let phases = phases.lock().unwrap();
    let last_opp = phases
        .iter()
        .rev()
        .find(|p| p.phase == Phase::Opportunities)
        .unwrap();
    assert_eq!((last_opp.done, last_opp.total), (40, 40));
}

#[tokio::test]
async fn bad_options_are_refused_with_a_code() {
    let sandbox = sandbox().await;
    let options = SyncOptions {
        batch_size: 101,
        ..SyncOptions::default()
    };
    let err = LeadSync::new(client(&sandbox, 3))
        .with_options(options)
        .sync(&[])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "sync.invalid_option");
}

/// 10 000 leads, 5 % duplicates and 5 % invalid, against a sandbox that
/// fails about one request in twenty in every way it can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_leads_under_faults_land_exactly_once() {
    let sandbox = sandbox().await;
    let mut raw: Vec<Lead> = Vec::with_capacity(10_000);
    for n in 0..10_000 {
        let mut l = lead(n);
        if n % 20 == 1 {
            l.email = format!("not-an-email-{n}");
        } else if n % 20 == 2 {
            l.email = format!("ADA.{}@EXAMPLE.com", n - 2);
        }
        raw.push(l);
    }
    let leads = validate(&raw);
    assert_eq!(leads.len(), 9_500);
    sandbox.set_fault_plan(Some(FaultPlan::mixed(20, 7)));
    let options = SyncOptions {
        clients: true,
        concurrency: 4,
        ..SyncOptions::default()
    };
    let sync = LeadSync::new(client(&sandbox, 12)).with_options(options);

    let first = sync.sync(&leads).await.unwrap();
    sandbox.clear_faults();
    let second = sync.sync(&leads).await.unwrap();

    assert!(first.failed.is_empty(), "{:?}", first.failed);
    assert_eq!(first.duplicates.len(), 500);
    assert_eq!(first.created, 9_000);
    assert!(first.reconciled > 0 && first.retries > 0);
    let stored = stored(&sandbox);
    assert_eq!(stored.len(), 9_000);
    assert!(stored.values().all(|opps| opps.len() == 1));
    assert_eq!(sandbox.records::<Client>().len(), 37);
    assert_eq!(
        (second.created, second.unchanged, second.clients_created),
        (0, 9_000, 0)
    );
}

#[tokio::test]
async fn one_audit_event_per_lead_names_index_result_and_id_only() {
    use halo_core::audit::{AuditLog, ChainKey, FileSink, read_log, verify};

    let sandbox = sandbox().await;
    let dir = std::env::temp_dir().join(format!("halo-sync-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let key = || ChainKey::from_base64("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=").unwrap();
    let sink = FileSink::builder(&dir, key()).open().unwrap();
    let audit = Arc::new(AuditLog::builder().sink(sink).build().unwrap());
    let mut raw: Vec<Lead> = (0..5).map(lead).collect();
    raw.push(lead(2));
    let leads = validate(&raw);
    sandbox.inject(Fault::Delay(Duration::ZERO), 1);
    sandbox.inject(Fault::with_body(403, "{}"), 1);
    let options = SyncOptions {
        batch_size: 3,
        concurrency: 1,
        ..SyncOptions::default()
    };

    let report = LeadSync::new(client(&sandbox, 3))
        .with_options(options)
        .with_audit(Arc::clone(&audit))
        .sync(&leads)
        .await
        .unwrap();
    audit.flush().unwrap();

    assert_eq!(
        (report.created, report.failed.len(), report.audit_failures),
        (2, 3, 0)
    );
    assert!(verify(&dir, &key()).unwrap().is_intact());
    let events: Vec<_> = read_log(&dir, &key())
        .unwrap()
        .into_iter()
        .map(|l| l.event)
        .collect();
    assert_eq!(events.len(), 5, "one per distinct lead");
    let ids: Vec<String> = sandbox
        .records::<Opportunity>()
        .iter()
        .map(|o| format!("opportunity/{}", o.id.unwrap()))
        .collect();
    for event in &events {
        assert_eq!(event.actor.as_deref(), Some("lead-sync"));
        let result = event.details["result"].as_str().unwrap();
        let index = event.details["input_index"].as_u64().unwrap() as usize;
        let failed = report.failed.iter().any(|f| f.index == index);
        assert_eq!(result == "failed", failed);
        if failed {
            assert_eq!(event.details["code"], "halo.forbidden");
        } else {
            assert!(ids.contains(event.resource.as_ref().unwrap()));
        }
        let text = serde_json::to_string(&event.details).unwrap();
        assert!(!text.contains("example.com") && !text.contains("Lovelace"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
