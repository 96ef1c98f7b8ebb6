//! The UniFFI code generator, built from the same `uniffi` version as the
//! binding, so that the generated Kotlin and Swift match the library.
//!
//! `uniffi-bindgen generate --library <cdylib> --language kotlin --out-dir <dir>`
//! reads the metadata compiled into the library; see `bindings-uniffi/README.md`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
