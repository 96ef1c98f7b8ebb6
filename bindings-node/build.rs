//! Sets the linker arguments a Node.js addon needs.

fn main() {
    napi_build::setup();
}
