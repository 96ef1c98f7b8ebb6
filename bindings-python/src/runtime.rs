//! The one tokio runtime behind the client, the sandbox and the sync, and
//! the two ways Python waits on it: blocking with the GIL released, or
//! awaiting from asyncio.
//!
//! The runtime has two worker threads and lives for the process. A blocking
//! call does not notice Python signals (Ctrl-C) until it returns; an
//! awaited task is aborted when its Python coroutine is dropped or
//! cancelled.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;

/// Worker threads of the shared runtime: HTTP work is I/O-bound.
const WORKER_THREADS: usize = 2;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The shared multi-thread runtime, started on first use.
pub(crate) fn runtime() -> PyResult<&'static Runtime> {
    let built = RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("halo-core")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });
    built
        .as_ref()
        .map_err(|e| PyRuntimeError::new_err(format!("the tokio runtime did not start: {e}")))
}

/// Runs `future` to completion on the runtime with the GIL released.
pub(crate) fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let rt = runtime()?;
    Ok(py.detach(|| rt.block_on(future)))
}

/// Starts `future` on the runtime; awaiting the result waits for it, and
/// dropping the result (a cancelled Python task) aborts it.
pub(crate) fn spawn<F>(future: F) -> PyResult<Task<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Ok(Task(runtime()?.spawn(future)))
}

/// A spawned future, aborted when dropped unfinished.
pub(crate) struct Task<T>(JoinHandle<T>);

impl<T> Future for Task<T> {
    type Output = PyResult<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|done| done.map_err(|e| PyRuntimeError::new_err(e.to_string())))
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
