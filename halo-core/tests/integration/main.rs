//! halo-core's integration tests: one binary, one module per concept.

// Helpers outside `#[test]` functions read vectors; a malformed vector must
// fail loudly, which is what these lints would forbid.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod config_vectors;
mod masking_properties;
mod masking_vectors;
mod vectors;
