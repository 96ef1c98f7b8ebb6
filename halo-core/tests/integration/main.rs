//! halo-core's integration tests: one binary, one module per concept.

mod config_vectors;
mod vectors;
