//! Unit tests of the masking module.
