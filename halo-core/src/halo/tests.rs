//! Unit tests of the halo module.
