//! The Python face of halo-core: argument and error conversion only. Every
//! rule and default lives in the `halo-core` crate.

mod config;
mod crypto;
mod errors;
mod lead;

use pyo3::prelude::*;

/// The native module, imported by the `halo_core` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<config::Config>()?;
    m.add_class::<config::Finding>()?;
    m.add_class::<config::Problem>()?;
    m.add_class::<crypto::FieldCipher>()?;
    m.add_class::<crypto::BlindIndex>()?;
    m.add_class::<crypto::SubjectKeys>()?;
    m.add_class::<lead::LeadSchema>()?;
    m.add_class::<lead::ValidLead>()?;
    m.add_class::<lead::Violation>()?;
    m.add_class::<lead::Outcome>()?;
    m.add_class::<lead::Lead>()?;
    m.add_class::<lead::CsvMapping>()?;
    Ok(())
}
