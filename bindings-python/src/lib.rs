//! The Python face of halo-core: argument and error conversion only. Every
//! rule and default lives in the `halo-core` crate.

mod config;
mod errors;
mod ratelimit;

use pyo3::prelude::*;

/// The native module, imported by the `halo_core` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<config::Config>()?;
    m.add_class::<config::Finding>()?;
    m.add_class::<config::Problem>()?;
    m.add_class::<ratelimit::Rule>()?;
    m.add_class::<ratelimit::ManualClock>()?;
    m.add_class::<ratelimit::RateLimiter>()?;
    m.add_class::<ratelimit::RateDecision>()?;
    m.add_function(wrap_pyfunction!(ratelimit::client_ip, m)?)?;
    Ok(())
}
