//! The HaloPSA client against the sandbox, over real loopback HTTP.

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use halo_core::SecretString;
use halo_core::halo::{
    Client, HaloClient, HaloError, ListParams, Method, Opportunity, OpportunityParams, RateLimit,
    RetryPolicy, User, UserParams,
};
use halo_core::sandbox::{Fault, Sandbox, SandboxOptions};
use serde_json::json;

/// Retries with millisecond backoff, so tests stay fast.
fn quick_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxOptions::default()).await.unwrap()
}

fn client(sandbox: &Sandbox) -> HaloClient {
    sandbox
        .client_builder()
        .retry(quick_retry(3))
        .build()
        .unwrap()
}

fn user(n: usize) -> User {
    User {
        name: Some(format!("Contact {n}")),
        emailaddress: Some(format!("contact{n}@example.com")),
        client_id: Some(1),
        ..Default::default()
    }
}

fn count(sandbox: &Sandbox, method: &str, route: &str, status: u16) -> u64 {
    sandbox
        .requests()
        .iter()
        .filter(|c| c.method == method && c.route == route && c.status == status)
        .map(|c| c.count)
        .sum()
}

#[tokio::test]
async fn lists_page_through_250_records() {
    let sandbox = sandbox().await;
    sandbox.seed(&(0..257).map(user).collect::<Vec<_>>());
    let halo = client(&sandbox);

    let all = halo.users().list_all(UserParams::default()).await.unwrap();
    assert_eq!(all.len(), 257);
    assert_eq!(
        all.iter()
            .filter_map(|u| u.id)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        257
    );
    assert_eq!(sandbox.request_count("GET", "/api/Users"), 3);

    // Asking for 1000 still yields pages of 100.
    let mut params = UserParams::default();
    params.common.page_size = 1000;
    assert_eq!(halo.users().list_all(params).await.unwrap().len(), 257);
    assert_eq!(sandbox.request_count("GET", "/api/Users"), 6);
}

#[tokio::test]
async fn the_sandbox_caps_pages_and_ignores_page_size_without_pageinate() {
    let sandbox = sandbox().await;
    sandbox.seed(&(0..250).map(user).collect::<Vec<_>>());
    let halo = client(&sandbox);

    let paged = [
        ("pageinate", "true"),
        ("page_size", "1000"),
        ("page_no", "1"),
    ];
    let page = halo
        .raw(Method::GET, "Users", &paged, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page["users"].as_array().unwrap().len(), 100);
    assert_eq!(page["record_count"], json!(250));

    let unpaged = [("page_size", "200")];
    let page = halo
        .raw(Method::GET, "users", &unpaged, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page["users"].as_array().unwrap().len(), 50);
}

#[tokio::test]
async fn a_server_with_smaller_pages_is_still_read_to_the_end() {
    let options = SandboxOptions {
        max_page_size: 40,
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.unwrap();
    sandbox.seed(&(0..130).map(user).collect::<Vec<_>>());
    let all = client(&sandbox)
        .users()
        .list_all(UserParams::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 130);
    assert_eq!(sandbox.request_count("GET", "/api/Users"), 4);
}

#[tokio::test]
async fn max_rows_stops_early() {
    let sandbox = sandbox().await;
    sandbox.seed(&(0..250).map(user).collect::<Vec<_>>());
    let params = UserParams {
        common: ListParams {
            max_rows: Some(120),
            ..ListParams::default()
        },
        ..UserParams::default()
    };
    let rows: Vec<User> = client(&sandbox)
        .users()
        .list(params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rows.len(), 120);
    assert_eq!(sandbox.request_count("GET", "/api/Users"), 2);
}

#[tokio::test]
async fn typed_filters_reach_the_server() {
    let sandbox = sandbox().await;
    let leads = [
        ("Globex", "hank@globex.example"),
        ("Initech", "bill@initech.example"),
    ];
    sandbox.seed(
        &leads
            .iter()
            .map(|(company, email)| Opportunity {
                oppcompanyname: Some((*company).into()),
                oppemailaddress: Some((*email).into()),
                ..Default::default()
            })
            .collect::<Vec<_>>(),
    );
    let params = OpportunityParams {
        search_oppemailaddress: Some("hank@globex".into()),
        ..OpportunityParams::default()
    };
    let found = client(&sandbox)
        .opportunities()
        .list_all(params)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].oppcompanyname.as_deref(), Some("Globex"));
}

#[tokio::test]
async fn get_upsert_delete_round_trip() {
    let sandbox = sandbox().await;
    let halo = client(&sandbox);

    let one = halo.users().upsert(&[user(1)]).await.unwrap();
    assert_eq!(one.len(), 1, "a single object reply");
    let two = halo.users().upsert(&[user(2), user(3)]).await.unwrap();
    assert_eq!(two.len(), 2, "an array reply");

    let id = one[0].id.unwrap();
    let mut fetched = halo.users().get(id).await.unwrap();
    fetched.jobtitle = Some("CTO".into());
    halo.users().upsert(&[fetched]).await.unwrap();
    assert_eq!(sandbox.records::<User>().len(), 3);
    assert_eq!(
        halo.users().get(id).await.unwrap().jobtitle.as_deref(),
        Some("CTO")
    );

    halo.users().delete(id).await.unwrap();
    let err = halo.users().get(id).await.unwrap_err();
    assert_eq!(err.code(), "halo.not_found");
}

#[tokio::test]
async fn unknown_fields_survive_get_modify_upsert() {
    let sandbox = sandbox().await;
    let halo = client(&sandbox);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/halo-wide.json");
    let mut wide: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    wide["client"].as_object_mut().unwrap().remove("id");
    let created = halo
        .raw(Method::POST, "Client", &[], Some(&json!([wide["client"]])))
        .await;
    let id = created.unwrap().unwrap()["id"].as_i64().unwrap();

    let mut client: Client = halo.clients().get(id).await.unwrap();
    client.name = Some("Renamed".into());
    halo.clients().upsert(&[client]).await.unwrap();

    let stored = &sandbox.record_values("Client")[0];
    assert_eq!(stored["name"], json!("Renamed"));
    assert_eq!(stored["customfields"], wide["client"]["customfields"]);
    assert_eq!(stored["percentage_to_survey"], json!(0.25));
    assert_eq!(
        stored.as_object().unwrap().len(),
        wide["client"].as_object().unwrap().len() + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_share_one_token() {
    let sandbox = sandbox().await;
    let ids = sandbox.seed(&[user(1)]);
    let halo = client(&sandbox);
    let calls = (0..50).map(|_| {
        let halo = halo.clone();
        let id = ids[0];
        tokio::spawn(async move { halo.users().get(id).await })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert_eq!(sandbox.tokens_issued(), 1);
    assert_eq!(sandbox.request_count("GET", "/api/Users/{id}"), 50);
}

#[tokio::test]
async fn tokens_are_renewed_before_they_expire() {
    let options = SandboxOptions {
        token_lifetime: Duration::from_millis(600),
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.unwrap();
    let ids = sandbox.seed(&[user(1)]);
    let halo = client(&sandbox);

    halo.users().get(ids[0]).await.unwrap();
    halo.users().get(ids[0]).await.unwrap();
    assert_eq!(sandbox.tokens_issued(), 1);
    // Renewal is due half-way through a short lifetime (300 ms here).
    tokio::time::sleep(Duration::from_millis(350)).await;
    halo.users().get(ids[0]).await.unwrap();
    assert_eq!(sandbox.tokens_issued(), 2);
    assert_eq!(count(&sandbox, "GET", "/api/Users/{id}", 401), 0);
}

#[tokio::test]
async fn a_401_drops_the_token_and_retries_once() {
    let sandbox = sandbox().await;
    let ids = sandbox.seed(&[user(1)]);
    let halo = client(&sandbox);
    halo.users().get(ids[0]).await.unwrap();

    sandbox.expire_tokens();
    halo.users().get(ids[0]).await.unwrap();
    assert_eq!(sandbox.tokens_issued(), 2);
    assert_eq!(count(&sandbox, "GET", "/api/Users/{id}", 401), 1);

    sandbox.inject(Fault::with_body(401, r#"{"message": "token revoked"}"#), 2);
    let err = halo.users().get(ids[0]).await.unwrap_err();
    assert_eq!(err.code(), "halo.auth_failed");
    assert_eq!(sandbox.tokens_issued(), 3);
}

#[tokio::test]
async fn wrong_credentials_report_halos_description() {
    let sandbox = sandbox().await;
    let halo = sandbox
        .client_builder()
        .client_secret(SecretString::from("wrong"))
        .build()
        .unwrap();
    let err = halo
        .users()
        .list_all(UserParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "halo.auth_failed");
    assert!(
        err.to_string()
            .contains("the client id or secret is not valid"),
        "{err}"
    );
}

#[tokio::test]
async fn the_tenant_goes_to_the_discovered_token_endpoint() {
    let options = SandboxOptions {
        tenant: Some("acme".into()),
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.unwrap();
    client(&sandbox).agents().me().await.unwrap();
    assert_eq!(sandbox.request_count("GET", "/api/authinfo"), 1);

    let wrong = sandbox.client_builder().tenant("globex").build().unwrap();
    let err = wrong.agents().me().await.unwrap_err();
    assert_eq!(err.code(), "halo.auth_failed");
    assert!(err.to_string().contains("unknown tenant"));
}

#[tokio::test]
async fn discovery_falls_back_to_the_base_token_url() {
    let options = SandboxOptions {
        discovery: false,
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.unwrap();
    let me = client(&sandbox).agents().me().await.unwrap();
    assert_eq!(me.name.as_deref(), Some("API Agent"));
    assert_eq!(count(&sandbox, "GET", "/api/authinfo", 404), 1);
    assert_eq!(sandbox.tokens_issued(), 1);
}

#[tokio::test]
async fn agents_come_back_as_a_bare_array() {
    let sandbox = sandbox().await;
    let agents = client(&sandbox)
        .agents()
        .list_all(Default::default())
        .await
        .unwrap();
    assert_eq!(agents.len(), 1);
}

#[tokio::test]
async fn a_429_with_retry_after_is_honoured() {
    let sandbox = sandbox().await;
    let ids = sandbox.seed(&[user(1)]);
    let halo = client(&sandbox);
    sandbox.inject(Fault::rate_limited(Some(1)), 1);
    let started = Instant::now();
    halo.users().get(ids[0]).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(count(&sandbox, "GET", "/api/Users/{id}", 429), 1);
}

#[tokio::test]
async fn a_429_without_retry_after_backs_off_then_gives_up() {
    let sandbox = sandbox().await;
    let halo = client(&sandbox);
    sandbox.inject(Fault::rate_limited(None), 2);
    halo.users().upsert(&[user(1)]).await.unwrap();
    assert_eq!(
        sandbox.records::<User>().len(),
        1,
        "a 429 is safe to retry, even for a create"
    );

    sandbox.inject(Fault::rate_limited(None), 3);
    let err = halo
        .users()
        .list_all(UserParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "halo.rate_limited");
}

#[tokio::test]
async fn pacing_keeps_within_the_servers_limit() {
    let limit = RateLimit {
        requests: 5,
        per: Duration::from_millis(300),
    };
    let options = SandboxOptions {
        rate_limit: Some(limit),
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.unwrap();
    let ids = sandbox.seed(&[user(1)]);
    // A 10% margin over the server's window absorbs loopback jitter on a
    // loaded machine.
    let paced = RateLimit {
        requests: 5,
        per: Duration::from_millis(330),
    };
    let halo = sandbox
        .client_builder()
        .rate_limit(paced)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..12 {
        halo.users().get(ids[0]).await.unwrap();
    }
    assert_eq!(count(&sandbox, "GET", "/api/Users/{id}", 200), 12);
    assert_eq!(count(&sandbox, "GET", "/api/Users/{id}", 429), 0);
}

#[tokio::test]
async fn the_servers_own_429_is_survived_without_pacing() {
    let limit = RateLimit {
        requests: 3,
        per: Duration::from_millis(200),
    };
    let options = SandboxOptions {
        rate_limit: Some(limit),
        send_retry_after: false,
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.unwrap();
    let ids = sandbox.seed(&[user(1)]);
    let retry = RetryPolicy {
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(200),
        ..quick_retry(6)
    };
    let halo = sandbox.client_builder().retry(retry).build().unwrap();
    for _ in 0..6 {
        halo.users().get(ids[0]).await.unwrap();
    }
    assert_eq!(count(&sandbox, "GET", "/api/Users/{id}", 200), 6);
    assert!(count(&sandbox, "GET", "/api/Users/{id}", 429) >= 1);
}

#[tokio::test]
async fn each_error_shape_is_parsed() {
    let sandbox = sandbox().await;
    let ids = sandbox.seed(&[user(1)]);
    let halo = sandbox
        .client_builder()
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let cases = [
        (
            500,
            r#"{"ClassName": "System.Exception", "Message": "boom"}"#,
            "boom",
        ),
        (
            400,
            r#"{"resultCode": 3, "errorMessage": "Invalid site"}"#,
            "Invalid site",
        ),
        (
            422,
            r#"{"message": "email is required"}"#,
            "email is required",
        ),
        (400, r#"{"error": "bad_request"}"#, "bad_request"),
        (502, "Bad gateway", "Bad gateway"),
        (200, r#"{"errorMessage": "report failed"}"#, "report failed"),
    ];
    for (status, body, message) in cases {
        sandbox.inject(Fault::with_body(status, body), 1);
        match halo.users().get(ids[0]).await.unwrap_err() {
            HaloError::Api {
                status: s,
                message: m,
                route,
            } => {
                assert_eq!(
                    (s, m.as_str(), route.as_str()),
                    (status, message, "/api/Users/{id}")
                );
            }
            other => panic!("{status}: {other:?}"),
        }
    }
    sandbox.inject(Fault::with_body(403, r#"{"message": "no"}"#), 1);
    let err = halo.users().get(ids[0]).await.unwrap_err();
    assert_eq!(err.code(), "halo.forbidden");
    assert!(err.to_string().contains("scopes"));
}

#[tokio::test]
async fn scopes_are_enforced_as_forbidden() {
    let sandbox = sandbox().await;
    let halo = sandbox
        .client_builder()
        .scope("read:customers")
        .build()
        .unwrap();
    halo.users().list_all(UserParams::default()).await.unwrap();
    let err = halo.users().upsert(&[user(1)]).await.unwrap_err();
    assert_eq!(err.code(), "halo.forbidden");
    assert!(sandbox.records::<User>().is_empty());
}

#[tokio::test]
async fn a_lost_create_is_reported_and_never_duplicated() {
    let sandbox = sandbox().await;
    let halo = client(&sandbox);

    sandbox.inject(Fault::CommitThenLose, 1);
    let err = halo.users().upsert(&[user(1)]).await.unwrap_err();
    assert_eq!(err.code(), "halo.outcome_unknown", "{err:?}");
    assert_eq!(
        sandbox.records::<User>().len(),
        1,
        "the create was applied once"
    );
    assert_eq!(
        sandbox.request_count("POST", "/api/Users"),
        1,
        "and never resent"
    );

    sandbox.inject(Fault::with_body(500, r#"{"message": "deadlock"}"#), 1);
    let err = halo.users().upsert(&[user(2)]).await.unwrap_err();
    assert_eq!(err.code(), "halo.outcome_unknown");
    assert_eq!(sandbox.request_count("POST", "/api/Users"), 2);
}

#[tokio::test]
async fn updates_and_reads_are_retried_after_broken_connections() {
    let sandbox = sandbox().await;
    let ids = sandbox.seed(&[user(1)]);
    let halo = client(&sandbox);

    sandbox.inject(Fault::Reset, 1);
    halo.users().get(ids[0]).await.unwrap();

    let mut update = user(1);
    update.id = Some(ids[0]);
    update.jobtitle = Some("CFO".into());
    sandbox.inject(Fault::CommitThenLose, 1);
    sandbox.inject(Fault::status(503), 1);
    halo.users().upsert(&[update]).await.unwrap();
    assert_eq!(sandbox.records::<User>().len(), 1);
    assert_eq!(
        sandbox.records::<User>()[0].jobtitle.as_deref(),
        Some("CFO")
    );
    assert_eq!(sandbox.request_count("POST", "/api/Users"), 3);
}

#[tokio::test]
async fn timeouts_retry_reads_and_leave_creates_unknown() {
    let sandbox = sandbox().await;
    let ids = sandbox.seed(&[user(1)]);
    let halo = sandbox
        .client_builder()
        .retry(quick_retry(2))
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();

    sandbox.inject(Fault::Delay(Duration::from_millis(400)), 1);
    halo.users().get(ids[0]).await.unwrap();

    sandbox.inject(Fault::Delay(Duration::from_millis(400)), 2);
    let err = halo
        .users()
        .list_all(UserParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), "halo.timeout");

    sandbox.inject(Fault::Delay(Duration::from_millis(400)), 1);
    let err = halo.users().upsert(&[user(2)]).await.unwrap_err();
    assert_eq!(err.code(), "halo.outcome_unknown");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let sandbox = sandbox().await;
    let base = sandbox.base_url();
    let builder = sandbox.client_builder().retry(quick_retry(2));
    sandbox.stop();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let halo = builder.discover_auth(false).build().unwrap();
    let err = halo.users().upsert(&[user(1)]).await.unwrap_err();
    assert_eq!(err.code(), "halo.transport", "{err:?} at {base}");
}

#[tokio::test]
async fn debug_output_holds_no_secret_or_token() {
    let sandbox = sandbox().await;
    let halo = sandbox
        .client_builder()
        .client_secret(SecretString::from("sandbox-secret"))
        .build()
        .unwrap();
    halo.agents().me().await.unwrap();
    let shown = format!(
        "{halo:?} {:?} {:?} {sandbox:?}",
        sandbox.client_builder(),
        sandbox.options()
    );
    assert!(!shown.contains("sandbox-secret"), "{shown}");
    assert!(shown.contains("[REDACTED]"));
}

#[tokio::test]
async fn builder_refuses_unsafe_settings() {
    let base = || {
        HaloClient::builder()
            .client_id("x")
            .client_secret(SecretString::from("s"))
    };
    let err = base()
        .base_url("http://acme.halopsa.com")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "halo.config");
    let err = base()
        .base_url("https://acme.halopsa.com")
        .min_tls_version(halo_core::config::TlsVersion::V1_1)
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "halo.config");
    let err = HaloClient::builder()
        .base_url("https://acme.halopsa.com")
        .build()
        .unwrap_err();
    assert_eq!(err.code(), "halo.config");
    base().base_url("https://acme.halopsa.com").build().unwrap();
}

/// Collects everything `tracing` writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_and_errors_carry_no_query_body_or_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sandbox = sandbox().await;
    let halo = client(&sandbox);
    let secret_email = "jane.doe@example.com";
    let params = UserParams {
        common: ListParams {
            search: Some(secret_email.into()),
            ..ListParams::default()
        },
        ..UserParams::default()
    };
    let mut lead = user(1);
    lead.emailaddress = Some(secret_email.into());
    halo.users().upsert(&[lead]).await.unwrap();
    halo.users().list_all(params.clone()).await.unwrap();
    sandbox.inject(Fault::Reset, 3);
    let err = halo.users().list_all(params).await.unwrap_err();

    let mut chain = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("/api/Users"), "the route template is logged");
    for text in [&logs, &chain] {
        assert!(!text.contains("jane.doe"), "{text}");
        assert!(!text.contains("sandbox-secret"), "{text}");
        assert!(!text.contains("Bearer"), "{text}");
        assert!(!text.contains("pageinate"), "{text}");
    }
}

#[tokio::test]
async fn actions_are_listed_and_fetched_within_their_ticket() {
    use halo_core::halo::{Action, ActionParams, Ticket};
    let sandbox = sandbox().await;
    let halo = client(&sandbox);
    let ticket = Ticket {
        summary: Some("Call back".into()),
        ..Default::default()
    };
    let ticket_id = halo.tickets().upsert(&[ticket]).await.unwrap()[0]
        .id
        .unwrap();
    let note = |text: &str, ticket_id| Action {
        ticket_id: Some(ticket_id),
        note: Some(text.into()),
        ..Default::default()
    };
    let saved = halo
        .actions()
        .upsert(&[note("first", ticket_id), note("other", 999)])
        .await;
    let id = saved.unwrap()[0].id.unwrap();
    let params = ActionParams {
        ticket_id: Some(ticket_id),
        ..ActionParams::default()
    };
    assert_eq!(halo.actions().list_all(params).await.unwrap().len(), 1);
    let action = halo.actions().get_on_ticket(id, ticket_id).await.unwrap();
    assert_eq!(action.note.as_deref(), Some("first"));
    halo.actions()
        .delete_on_ticket(id, ticket_id)
        .await
        .unwrap();
    assert_eq!(sandbox.records::<Action>().len(), 1);
}

#[tokio::test]
async fn the_halo_sandbox_binary_serves_the_api() {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_halo-sandbox"))
        .args([
            "--port",
            "0",
            "--client-id",
            "bin-client",
            "--tenant",
            "acme",
        ])
        .env("HALO_SANDBOX_CLIENT_SECRET", "bin-secret")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let started: serde_json::Value = serde_json::from_str(&line).unwrap();
    let halo = HaloClient::builder()
        .base_url(started["base_url"].as_str().unwrap())
        .client_id("bin-client")
        .client_secret(SecretString::from("bin-secret"))
        .tenant("acme")
        .build()
        .unwrap();
    let result = halo.agents().me().await;
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(result.unwrap().name.as_deref(), Some("API Agent"));
}
