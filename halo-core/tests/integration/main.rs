//! halo-core's integration tests: one binary, one module per concept.

mod config_vectors;
mod masking_properties;
mod masking_vectors;
mod vectors;
