//! Request handling: token endpoint, discovery, resources, faults.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as Extract};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use secrecy::ExposeSecret;
use serde_json::{Map, Value, json};
use subtle::ConstantTimeEq;

use super::Shared;
use super::fault::Fault;
use super::state::{Grant, Kind, State};
use crate::halo::wire;

/// The largest request body read, in bytes.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Fields `search` looks in.
const SEARCH_FIELDS: [&str; 9] = [
    "name",
    "firstname",
    "surname",
    "emailaddress",
    "summary",
    "website",
    "oppcompanyname",
    "oppcontactname",
    "oppemailaddress",
];

/// What the sandbox decided to do with a request.
enum Outcome {
    Reply(Response),
    /// Apply nothing more and break the connection.
    Break,
}

/// The single entry point: routes by lower-cased path, as Halo's paths are
/// case-insensitive.
pub(crate) async fn dispatch(Extract(shared): Extract<Arc<Shared>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_ascii_lowercase();
    let query: HashMap<String, String> = request
        .uri()
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let headers = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();

    let (route, outcome) = match segments.as_slice() {
        ["auth", "token"] => (
            "/auth/token".to_owned(),
            Outcome::Reply(token(&shared, &method, &query, &body)),
        ),
        ["api", "authinfo"] => (
            "/api/authinfo".to_owned(),
            Outcome::Reply(authinfo(&shared)),
        ),
        ["api", rest @ ..] => api(&shared, &method, &headers, &query, &body, rest).await,
        _ => (
            "other".to_owned(),
            Outcome::Reply(reply(
                StatusCode::NOT_FOUND,
                json!({"message": "no such endpoint"}),
            )),
        ),
    };
    let (status, response) = match outcome {
        Outcome::Reply(response) => (response.status().as_u16(), response),
        Outcome::Break => (0, broken()),
    };
    lock(&shared).count(method.as_str(), &route, status);
    response
}

async fn api(
    shared: &Shared,
    method: &Method,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    body: &[u8],
    rest: &[&str],
) -> (String, Outcome) {
    let kind = rest.first().and_then(|s| Kind::from_path(s));
    let route = match (kind, rest) {
        (Some(Kind::Agent), [_, "me"]) => "/api/Agent/me".to_owned(),
        (Some(k), [_]) => format!("/api/{}", k.path()),
        (Some(k), [_, _]) => format!("/api/{}/{{id}}", k.path()),
        _ => "/api/other".to_owned(),
    };

    let fault = lock(shared).next_fault();
    let mut commit_then_lose = false;
    match fault {
        Some(Fault::Status {
            status,
            body,
            retry_after,
        }) => {
            return (
                route,
                Outcome::Reply(fault_reply(status, body, retry_after)),
            );
        }
        Some(Fault::Reset) => return (route, Outcome::Break),
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::CommitThenLose) => commit_then_lose = true,
        Some(Fault::ExpireTokens) => lock(shared).tokens.clear(),
        None => {}
    }

    if let Some(limit) = shared.options.rate_limit {
        let booked = lock(shared).book(limit.requests, limit.per, Instant::now());
        if let Err(seconds) = booked {
            let retry_after = shared.options.send_retry_after.then_some(seconds.max(1));
            let body = r#"{"message": "API rate limit exceeded"}"#.to_owned();
            return (route, Outcome::Reply(fault_reply(429, body, retry_after)));
        }
    }

    let Some(kind) = kind else {
        return (
            route,
            Outcome::Reply(reply(
                StatusCode::NOT_FOUND,
                json!({"message": "no such resource"}),
            )),
        );
    };
    let write = *method != Method::GET;
    if let Err(response) = authorise(shared, headers, kind, write) {
        return (route, Outcome::Reply(*response));
    }

    let mut state = lock(shared);
    let response = match (method.clone(), rest) {
        (Method::GET, [_, "me"]) if kind == Kind::Agent => get(&state, kind, 1),
        (Method::GET, [_]) => list(&state, kind, query, &shared.options),
        (Method::POST, [_]) => upsert(&mut state, kind, body),
        (Method::GET, [_, id]) => match id.parse() {
            Ok(id) => get(&state, kind, id),
            Err(_) => not_found(),
        },
        (Method::DELETE, [_, id]) => match id.parse::<i64>() {
            Ok(id) => delete(&mut state, kind, id),
            Err(_) => not_found(),
        },
        _ => reply(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"message": "method not allowed"}),
        ),
    };
    drop(state);
    if commit_then_lose {
        return (route, Outcome::Break);
    }
    (route, Outcome::Reply(response))
}

fn token(
    shared: &Shared,
    method: &Method,
    query: &HashMap<String, String>,
    body: &[u8],
) -> Response {
    let options = &shared.options;
    if *method != Method::POST {
        return reply(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({"error": "invalid_request"}),
        );
    }
    if let Some(tenant) = &options.tenant
        && query.get("tenant") != Some(tenant)
    {
        let body = json!({"error": "invalid_request", "error_description": "unknown tenant"});
        return reply(StatusCode::BAD_REQUEST, body);
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        let body = json!({"error": "unsupported_grant_type", "error_description": "only client_credentials is served"});
        return reply(StatusCode::BAD_REQUEST, body);
    }
    let id_ok = form
        .get("client_id")
        .is_some_and(|id| *id == options.client_id);
    let given = form.get("client_secret").map_or(&[][..], |s| s.as_bytes());
    let secret_ok: bool = given
        .ct_eq(options.client_secret.expose_secret().as_bytes())
        .into();
    if !(id_ok && secret_ok) {
        let body = json!({"error": "invalid_client", "error_description": "the client id or secret is not valid"});
        return reply(StatusCode::UNAUTHORIZED, body);
    }

    let scope = form.get("scope").cloned().unwrap_or_else(|| "all".into());
    let value: String = (0..40).map(|_| fastrand::alphanumeric()).collect();
    let grant = Grant {
        expires: Instant::now() + options.token_lifetime,
        scopes: scope.split_whitespace().map(str::to_owned).collect(),
    };
    lock(shared).tokens.insert(value.clone(), grant);
    reply(
        StatusCode::OK,
        json!({
            "access_token": value,
            "token_type": "Bearer",
            "expires_in": options.token_lifetime.as_secs_f64(),
            "scope": scope,
        }),
    )
}

fn authinfo(shared: &Shared) -> Response {
    if !shared.options.discovery {
        return reply(StatusCode::NOT_FOUND, json!({"message": "not found"}));
    }
    let auth_url = format!("http://{}/auth", shared.addr);
    let tenant = shared.options.tenant.clone().unwrap_or_default();
    reply(
        StatusCode::OK,
        json!({"auth_url": auth_url, "tenant_id": tenant}),
    )
}

fn authorise(
    shared: &Shared,
    headers: &HeaderMap,
    kind: Kind,
    write: bool,
) -> Result<(), Box<Response>> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let state = lock(shared);
    let grant = presented
        .and_then(|t| state.tokens.get(t))
        .filter(|g| g.expires > Instant::now());
    let Some(grant) = grant else {
        let body = json!({"error": "invalid_token", "error_description": "the access token is missing or expired"});
        return Err(Box::new(reply(StatusCode::UNAUTHORIZED, body)));
    };
    let broad = grant
        .scopes
        .iter()
        .any(|s| matches!(s.as_str(), "all" | "all:standard" | "admin"));
    let allowed = broad
        || match kind.scope_area() {
            None => !write,
            Some(area) => {
                let edit = format!("edit:{area}");
                let read = format!("read:{area}");
                grant
                    .scopes
                    .iter()
                    .any(|s| *s == edit || (!write && *s == read))
            }
        };
    if !allowed {
        let body = json!({"ClassName": "HaloForbidden", "Message": "the token's scopes do not allow this"});
        return Err(Box::new(reply(StatusCode::FORBIDDEN, body)));
    }
    Ok(())
}

fn list(
    state: &State,
    kind: Kind,
    query: &HashMap<String, String>,
    options: &super::SandboxOptions,
) -> Response {
    let flag = |key: &str| {
        query
            .get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    let mut rows: Vec<&Map<String, Value>> =
        state.table(kind).filter(|r| matches(r, query)).collect();
    if let Some(field) = query.get("order") {
        rows.sort_by(|a, b| compare(a.get(field), b.get(field)));
        if flag("orderdesc") {
            rows.reverse();
        }
    }
    let total = rows.len();
    let (offset, size) = match query.get("page_no").and_then(|p| p.parse::<usize>().ok()) {
        Some(page_no) if flag("pageinate") => {
            let asked = query.get("page_size").and_then(|s| s.parse::<usize>().ok());
            let size = asked
                .unwrap_or(options.default_page_size)
                .clamp(1, options.max_page_size);
            (page_no.saturating_sub(1).saturating_mul(size), size)
        }
        _ => (0, options.default_page_size),
    };
    let page: Vec<Value> = rows
        .into_iter()
        .skip(offset)
        .take(size)
        .map(|r| Value::Object(r.clone()))
        .collect();
    let body = match kind.list_key() {
        Some(key) => json!({"record_count": total, key: page}),
        None => Value::Array(page),
    };
    reply(StatusCode::OK, body)
}

fn matches(record: &Map<String, Value>, query: &HashMap<String, String>) -> bool {
    let text = |field: &str| {
        record
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_lowercase()
    };
    let contains = |field: &str, needle: &str| text(field).contains(&needle.to_lowercase());
    let flag = |key: &str| {
        query
            .get(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    };
    for (key, value) in query {
        let ok = match key.as_str() {
            "search" => {
                SEARCH_FIELDS.iter().any(|f| contains(f, value))
                    || (flag("search_phonenumbers") && contains("phonenumber", value))
            }
            "client_id" | "site_id" | "ticket_id" => {
                let id = record.get(key.as_str()).and_then(wire::lenient_id);
                value.parse::<i64>().ok() == id
            }
            "search_oppemailaddress" => contains("oppemailaddress", value),
            "search_oppcompanyname" => contains("oppcompanyname", value),
            "domain" => contains("website", value) || contains("domain", value),
            "open_only" if flag("open_only") => {
                record.get("hasbeenclosed").and_then(Value::as_bool) != Some(true)
            }
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    let inactive = record.get("inactive").and_then(Value::as_bool) == Some(true);
    !inactive || flag("includeinactive")
}

fn compare(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a.and_then(Value::as_f64), b.and_then(Value::as_f64)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => {
            let text =
                |v: Option<&Value>| v.and_then(Value::as_str).unwrap_or_default().to_lowercase();
            text(a).cmp(&text(b))
        }
    }
}

fn get(state: &State, kind: Kind, id: i64) -> Response {
    match state.records.get(&kind).and_then(|t| t.get(&id)) {
        Some(record) => reply(StatusCode::OK, Value::Object(record.clone())),
        None => not_found(),
    }
}

fn delete(state: &mut State, kind: Kind, id: i64) -> Response {
    match state.records.get_mut(&kind).and_then(|t| t.remove(&id)) {
        Some(_) => Response::new(Body::empty()),
        None => not_found(),
    }
}

fn upsert(state: &mut State, kind: Kind, body: &[u8]) -> Response {
    if kind == Kind::Agent {
        return reply(
            StatusCode::FORBIDDEN,
            json!({"message": "agents are read-only in the sandbox"}),
        );
    }
    let items = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items,
        _ => {
            let body = json!({"ClassName": "System.ArgumentException", "Message": "the body must be a JSON array of objects"});
            return reply(StatusCode::BAD_REQUEST, body);
        }
    };
    let mut records = Vec::with_capacity(items.len());
    for item in items {
        let Value::Object(record) = item else {
            let body = json!({"ClassName": "System.ArgumentException", "Message": "the body must be a JSON array of objects"});
            return reply(StatusCode::BAD_REQUEST, body);
        };
        let id = record
            .get("id")
            .and_then(wire::lenient_id)
            .filter(|id| *id > 0);
        if let Some(id) = id
            && state
                .records
                .get(&kind)
                .is_none_or(|t| !t.contains_key(&id))
        {
            let body = json!({"resultCode": 1, "errorMessage": format!("no record with id {id}")});
            return reply(StatusCode::BAD_REQUEST, body);
        }
        records.push((id, record));
    }
    let mut saved: Vec<Value> = Vec::with_capacity(records.len());
    for (id, record) in records {
        let stored = match id.and_then(|id| state.records.get_mut(&kind)?.get_mut(&id)) {
            Some(existing) => {
                existing.extend(record);
                existing.clone()
            }
            None => state.insert(kind, record),
        };
        saved.push(Value::Object(stored));
    }
    match <[Value; 1]>::try_from(saved) {
        Ok([one]) => reply(StatusCode::OK, one),
        Err(many) => reply(StatusCode::OK, Value::Array(many)),
    }
}

fn not_found() -> Response {
    reply(
        StatusCode::NOT_FOUND,
        json!({"message": "record not found"}),
    )
}

fn fault_reply(status: u16, body: String, retry_after: Option<u64>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let is_json = serde_json::from_str::<Value>(&body).is_ok();
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let content_type = if is_json {
        "application/json"
    } else {
        "text/plain"
    };
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

fn reply(status: StatusCode, body: Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A reply promising a body that never comes: the connection breaks.
fn broken() -> Response {
    let failing = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(1)).await;
        Err::<Bytes, std::io::Error>(std::io::Error::other("connection dropped by the sandbox"))
    });
    let mut response = Response::new(Body::from_stream(failing));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("64"));
    response
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(PoisonError::into_inner)
}
