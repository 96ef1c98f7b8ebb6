//! One handler per resource: paging lists, get, upsert, delete.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use futures_util::stream::{self, Stream, TryStreamExt};
use reqwest::Method;

use super::client::{Call, Core, HaloClient, Safety};
use super::error::HaloError;
use super::models::{Action, Agent, Resource};
use super::params::ListQuery;
use super::wire;

/// The operations on one resource, from [`HaloClient::clients`] and its
/// siblings.
pub struct Handler<R> {
    core: Arc<Core>,
    resource: PhantomData<fn() -> R>,
}

/// Where a list stands between pages.
struct Paging<P> {
    params: P,
    page_no: u64,
    fetched: u64,
    done: bool,
}

impl<R: Resource> Handler<R> {
    pub(crate) fn new(client: &HaloClient) -> Self {
        Self {
            core: Arc::clone(&client.core),
            resource: PhantomData,
        }
    }

    /// Every matching record, fetched page by page as the stream is read.
    ///
    /// Always sends `pageinate=true` and `page_no` (from 1) with a page size
    /// of at most 100, because Halo ignores `page_size` otherwise and never
    /// returns more than 100 rows. Stops when `record_count` rows have been
    /// read, on an empty page, on a short page when Halo sent no
    /// `record_count`, or at [`ListParams::max_rows`](super::ListParams::max_rows).
    pub fn list(
        &self,
        params: R::Params,
    ) -> impl Stream<Item = Result<R, HaloError>> + Send + 'static {
        let core = Arc::clone(&self.core);
        let start = Paging {
            params,
            page_no: 1,
            fetched: 0,
            done: false,
        };
        stream::try_unfold((core, start), |(core, mut paging)| async move {
            if paging.done {
                return Ok(None);
            }
            let rows = next_page::<R>(&core, &mut paging).await?;
            Ok(Some((rows, (core, paging))))
        })
        .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
        .try_flatten()
    }

    /// Every matching record, collected.
    pub async fn list_all(&self, params: R::Params) -> Result<Vec<R>, HaloError> {
        self.list(params).try_collect().await
    }

    /// How many records match, as Halo's `record_count` reports it, read
    /// from a one-row page (one request). `None` when Halo sent no count.
    pub async fn count(&self, params: R::Params) -> Result<Option<u64>, HaloError> {
        let mut call = self.call(Method::GET, None, None, Safety::Repeatable);
        call.query = page_query(&params, 1, 1);
        let body = self.core.execute(&call).await?;
        let page = wire::decode_list::<R>(&call.route, R::LIST_KEYS, &body)?;
        Ok(page.record_count)
    }

    /// The record with `id`.
    pub async fn get(&self, id: i64) -> Result<R, HaloError> {
        let call = self.call(Method::GET, Some(id), None, Safety::Repeatable);
        let body = self.core.execute(&call).await?;
        wire::decode_object(&call.route, &body)
    }

    /// Creates records without an id and updates those with one, in one
    /// `POST` of an array. Returns the records Halo sent back (it answers
    /// with one object or an array; both are read).
    ///
    /// A batch holding any record without an id is a create: if the request
    /// is sent and no reply comes back, the call fails with
    /// `halo.outcome_unknown` and is not retried, so nothing is created
    /// twice. Batches of updates only are retried like reads.
    pub async fn upsert(&self, records: &[R]) -> Result<Vec<R>, HaloError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let safety = if records.iter().all(|r| r.id().is_some()) {
            Safety::Repeatable
        } else {
            Safety::Create
        };
        let body = serde_json::to_vec(records).map_err(|e| HaloError::decode(&e))?;
        let call = self.call(Method::POST, None, Some(body), safety);
        let reply = self.core.execute(&call).await?;
        tracing::debug!(route = %call.route, count = records.len(), "halo upsert");
        wire::decode_upsert(&call.route, &reply)
    }

    /// Deletes the record with `id`.
    pub async fn delete(&self, id: i64) -> Result<(), HaloError> {
        let call = self.call(Method::DELETE, Some(id), None, Safety::Repeatable);
        self.core.execute(&call).await.map(drop)
    }

    fn call(&self, method: Method, id: Option<i64>, body: Option<Vec<u8>>, safety: Safety) -> Call {
        let mut segments = vec![R::PATH.to_owned()];
        let route = match id {
            Some(id) => {
                segments.push(id.to_string());
                format!("/api/{}/{{id}}", R::PATH)
            }
            None => format!("/api/{}", R::PATH),
        };
        Call {
            method,
            route,
            segments,
            query: Vec::new(),
            body,
            safety,
        }
    }
}

impl Handler<Agent> {
    /// The agent the application acts as (`/api/Agent/me`).
    pub async fn me(&self) -> Result<Agent, HaloError> {
        let mut call = self.call(Method::GET, None, None, Safety::Repeatable);
        call.segments.push("me".into());
        call.route = "/api/Agent/me".into();
        let body = self.core.execute(&call).await?;
        wire::decode_object(&call.route, &body)
    }
}

impl Handler<Action> {
    /// The action `id` of ticket `ticket_id` (Halo looks actions up within
    /// their ticket: `/api/Actions/{id}?ticket_id=`).
    pub async fn get_on_ticket(&self, id: i64, ticket_id: i64) -> Result<Action, HaloError> {
        let mut call = self.call(Method::GET, Some(id), None, Safety::Repeatable);
        call.query.push(("ticket_id".into(), ticket_id.to_string()));
        let body = self.core.execute(&call).await?;
        wire::decode_object(&call.route, &body)
    }

    /// Deletes the action `id` of ticket `ticket_id`.
    pub async fn delete_on_ticket(&self, id: i64, ticket_id: i64) -> Result<(), HaloError> {
        let mut call = self.call(Method::DELETE, Some(id), None, Safety::Repeatable);
        call.query.push(("ticket_id".into(), ticket_id.to_string()));
        self.core.execute(&call).await.map(drop)
    }
}

async fn next_page<R: Resource>(
    core: &Core,
    paging: &mut Paging<R::Params>,
) -> Result<Vec<R>, HaloError> {
    let page_size = paging.params.effective_page_size();
    let query = page_query(&paging.params, page_size, paging.page_no);
    let call = Call {
        method: Method::GET,
        route: format!("/api/{}", R::PATH),
        segments: vec![R::PATH.to_owned()],
        query,
        body: None,
        safety: Safety::Repeatable,
    };
    let body = core.execute(&call).await?;
    let page = wire::decode_list::<R>(&call.route, R::LIST_KEYS, &body)?;
    let mut rows = page.rows;
    let returned = rows.len() as u64;

    paging.page_no += 1;
    paging.fetched += returned;
    paging.done = returned == 0
        || match page.record_count {
            Some(total) => paging.fetched >= total,
            None => returned < u64::from(page_size),
        };
    if let Some(max) = paging.params.common().max_rows
        && paging.fetched >= max
    {
        let keep = returned.saturating_sub(paging.fetched - max);
        rows.truncate(usize::try_from(keep).unwrap_or(usize::MAX));
        paging.done = true;
    }
    tracing::debug!(route = %call.route, rows = returned, "halo page");
    Ok(rows)
}

/// The query of one page: Halo's paging switches (all three are needed for
/// `page_size` to count) and then the filters.
fn page_query<P: ListQuery>(params: &P, page_size: u32, page_no: u64) -> Vec<(String, String)> {
    let mut query = vec![
        ("pageinate".to_owned(), "true".to_owned()),
        ("page_size".to_owned(), page_size.to_string()),
        ("page_no".to_owned(), page_no.to_string()),
    ];
    query.extend(
        params
            .query_pairs()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v)),
    );
    query
}

impl<R> Clone for Handler<R> {
    fn clone(&self) -> Self {
        Self {
            core: Arc::clone(&self.core),
            resource: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Handler<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handler")
            .field("resource", &std::any::type_name::<R>())
            .finish()
    }
}
