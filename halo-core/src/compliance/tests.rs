//! Unit tests of the compliance module.
