//! The SIEM sink against real HTTP receivers on 127.0.0.1: delivery in
//! batches, a receiver that fails and then recovers, and a full buffer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use halo_core::audit::{
    AuditAction, AuditCategory, AuditEvent, AuditLog, AuditSink, HttpFormat, HttpSink,
};
use halo_core::secret::SecretString;
use serde_json::Value;
use tokio::sync::Semaphore;

/// What the receiver saw, and how it answers.
#[derive(Default)]
struct Receiver {
    batches: Mutex<Vec<Vec<Value>>>,
    authorization: Mutex<Vec<String>>,
    requests: AtomicUsize,
    /// The first this many requests are answered 503.
    fail_first: usize,
    /// When set, each request waits for a permit before it is answered.
    gate: Option<Arc<Semaphore>>,
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let n = rx.requests.fetch_add(1, Ordering::SeqCst);
    if let Some(gate) = &rx.gate {
        gate.acquire().await.unwrap().forget();
    }
    if n < rx.fail_first {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    rx.authorization.lock().unwrap().extend(auth);
    let batch: Vec<Value> = serde_json::from_slice(&body).unwrap();
    rx.batches.lock().unwrap().push(batch);
    StatusCode::NO_CONTENT
}

async fn serve(rx: Arc<Receiver>) -> url::Url {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().route("/ingest", post(receive)).with_state(rx);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/ingest").parse().unwrap()
}

fn event(i: usize) -> AuditEvent {
    AuditEvent::new(AuditCategory::Authentication, AuditAction::LoginFailed)
        .actor(format!("user-{i}"))
}

/// Runs blocking sink calls off the runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_arrive_in_batches_in_order() {
    let rx = Arc::new(Receiver::default());
    let url = serve(Arc::clone(&rx)).await;
    let builder = HttpSink::builder(url)
        .batch_size(4)
        .authorization(SecretString::from("Bearer siem-token-123"));
    let printed_builder = format!("{builder:?}");
    let sink = builder.start().unwrap();
    for printed in [printed_builder, format!("{sink:?}")] {
        assert!(!printed.contains("siem-token-123"), "{printed}");
    }
    let log = Arc::new(AuditLog::builder().sink(sink).build().unwrap());

    let log2 = Arc::clone(&log);
    blocking(move || {
        for i in 1..=10 {
            log2.record(event(i)).unwrap();
        }
        log2.flush().unwrap();
    })
    .await;

    let batches = rx.batches.lock().unwrap().clone();
    assert!(batches.iter().all(|b| b.len() <= 4));
    let events: Vec<&Value> = batches.iter().flatten().collect();
    let seqs: Vec<u64> = events.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<_>>());
    assert_eq!(events[0]["action"], "login_failed");
    assert_eq!(events[0]["actor"], "user-1");
    assert!(
        rx.authorization
            .lock()
            .unwrap()
            .iter()
            .all(|a| a == "Bearer siem-token-123")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_gets_the_batch_once_it_recovers() {
    let rx = Arc::new(Receiver {
        fail_first: 3,
        ..Receiver::default()
    });
    let url = serve(Arc::clone(&rx)).await;
    let sink = HttpSink::builder(url)
        .format(HttpFormat::Ecs)
        .backoff(Duration::from_millis(5), Duration::from_millis(20))
        .max_attempts(5)
        .start()
        .unwrap();
    let sink = Arc::new(sink);

    let s = Arc::clone(&sink);
    blocking(move || {
        s.append(&event(1)).unwrap();
        s.flush().unwrap();
    })
    .await;

    let stats = sink.stats();
    assert_eq!(
        (stats.sent, stats.failed, stats.retries, stats.pending),
        (1, 0, 3, 0)
    );
    assert_eq!(rx.requests.load(Ordering::SeqCst), 4);
    let batches = rx.batches.lock().unwrap().clone();
    assert_eq!(batches[0][0]["event"]["action"], "login_failed");
    assert_eq!(batches[0][0]["event"]["sequence"], 1);
    assert_eq!(batches[0][0]["user"]["name"], "user-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_recovers_fails_the_batch() {
    let rx = Arc::new(Receiver {
        fail_first: usize::MAX,
        ..Receiver::default()
    });
    let url = serve(Arc::clone(&rx)).await;
    let sink = HttpSink::builder(url)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
        .max_attempts(3)
        .start()
        .unwrap();
    let sink = Arc::new(sink);
    let s = Arc::clone(&sink);
    blocking(move || {
        s.append(&event(1)).unwrap();
        s.flush().unwrap();
    })
    .await;
    let stats = sink.stats();
    assert_eq!((stats.sent, stats.failed, stats.retries), (0, 1, 2));
    assert_eq!(rx.requests.load(Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_buffer_drops_and_counts_instead_of_blocking() {
    let gate = Arc::new(Semaphore::new(0));
    let rx = Arc::new(Receiver {
        gate: Some(Arc::clone(&gate)),
        ..Receiver::default()
    });
    let url = serve(Arc::clone(&rx)).await;
    let sink = HttpSink::builder(url)
        .capacity(3)
        .batch_size(1)
        .start()
        .unwrap();
    let sink = Arc::new(sink);

    let s = Arc::clone(&sink);
    let results = blocking(move || (1..=10).map(|i| s.append(&event(i))).collect::<Vec<_>>()).await;
    let dropped: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(dropped.iter().all(|e| e.code() == "audit.buffer_full"));
    // At most one batch of one is in flight and three wait.
    assert!(
        (6..=7).contains(&dropped.len()),
        "{} dropped",
        dropped.len()
    );
    assert_eq!(sink.stats().dropped, dropped.len() as u64);

    gate.add_permits(100);
    let s = Arc::clone(&sink);
    blocking(move || s.shutdown(Duration::from_secs(10)).unwrap()).await;
    let stats = sink.stats();
    assert_eq!(stats.sent + stats.dropped, 10);
    assert_eq!(stats.pending, 0);
    let err = sink.append(&event(11)).unwrap_err();
    assert_eq!(err.code(), "audit.shut_down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flush_that_cannot_finish_times_out() {
    let gate = Arc::new(Semaphore::new(0));
    let rx = Arc::new(Receiver {
        gate: Some(Arc::clone(&gate)),
        ..Receiver::default()
    });
    let url = serve(Arc::clone(&rx)).await;
    let sink = Arc::new(HttpSink::builder(url).start().unwrap());
    let s = Arc::clone(&sink);
    let err = blocking(move || {
        s.append(&event(1)).unwrap();
        s.flush_within(Duration::from_millis(50)).unwrap_err()
    })
    .await;
    assert_eq!(err.code(), "audit.flush_timeout");
    gate.add_permits(10);
}
