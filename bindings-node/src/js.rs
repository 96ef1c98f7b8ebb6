//! Direct N-API access for the calls users time against plain JavaScript
//! (webhook verification, lead validation, masking, field encryption).
//!
//! napi-rs's generic conversions (`HashMap`, `String`, `serde_json::Value`)
//! allocate a Rust value per key and per string and ask V8 for each string's
//! length before copying it. Here strings are read into one buffer, usually
//! in a single call, and the caller's own key and string handles are put back
//! into results where the value did not change.
//!
//! Handles are only valid during the call that received them; nothing here
//! stores one.

use std::ffi::{CStr, c_char};
use std::ops::Range;
use std::ptr;

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, Unknown};
use napi::{Env, Error, JsValue, Result, Status, sys};

/// A JavaScript value handle, valid for the current call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Handle(sys::napi_value);

/// The current call's environment, for the calls below.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Js {
    env: sys::napi_env,
}

/// The JavaScript types the fast paths tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Undefined,
    Null,
    String,
    Object,
    Other,
}

/// How many bytes a string read may find missing before it knows that it
/// was cut: V8 stops before a character that does not fit, and one UTF-16
/// character is at most 4 bytes of UTF-8.
const MAX_CHAR_BYTES: usize = 4;

/// The spare room a string read starts with when the buffer has less.
const READ_CHUNK: usize = 256;

impl Handle {
    /// The handle of a value napi-rs passed in.
    pub(crate) fn of<'env>(value: &impl JsValue<'env>) -> Self {
        Self(value.raw())
    }
}

impl Js {
    pub(crate) fn new(env: &Env) -> Self {
        Self { env: env.raw() }
    }

    /// `value` as the `Unknown` a `#[napi]` function returns.
    pub(crate) fn unknown<'env>(self, value: Handle) -> Result<Unknown<'env>> {
        // SAFETY: `value` is a live handle of this environment.
        unsafe { Unknown::from_napi_value(self.env, value.0) }
    }

    pub(crate) fn raw(self) -> sys::napi_env {
        self.env
    }

    pub(crate) fn undefined(self) -> Result<Handle> {
        let mut value = ptr::null_mut();
        // SAFETY: `value` is written once.
        check(unsafe { sys::napi_get_undefined(self.env, &mut value) })?;
        Ok(Handle(value))
    }

    pub(crate) fn null(self) -> Result<Handle> {
        let mut value = ptr::null_mut();
        // SAFETY: `value` is written once.
        check(unsafe { sys::napi_get_null(self.env, &mut value) })?;
        Ok(Handle(value))
    }

    pub(crate) fn int64(self, number: i64) -> Result<Handle> {
        let mut value = ptr::null_mut();
        // SAFETY: `value` is written once.
        check(unsafe { sys::napi_create_int64(self.env, number, &mut value) })?;
        Ok(Handle(value))
    }

    /// Calls `function` with `this` undefined.
    pub(crate) fn call(self, function: Handle, args: &[Handle]) -> Result<Handle> {
        let this = self.undefined()?;
        let mut result = ptr::null_mut();
        // SAFETY: `Handle` is a transparent `napi_value`, so `args` is an
        // array of `args.len()` live handles.
        check(unsafe {
            sys::napi_call_function(
                self.env,
                this.0,
                function.0,
                args.len(),
                args.as_ptr().cast(),
                &mut result,
            )
        })?;
        Ok(Handle(result))
    }

    /// Compiles and runs `source`, a constant of this addon.
    pub(crate) fn run(self, source: &str) -> Result<Handle> {
        let script = self.string(source)?;
        let mut value = ptr::null_mut();
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_run_script(self.env, script.0, &mut value) })?;
        Ok(Handle(value))
    }

    /// A strong reference to `value`, for the environment's lifetime.
    pub(crate) fn keep(self, value: Handle) -> Result<sys::napi_ref> {
        let mut reference = ptr::null_mut();
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_create_reference(self.env, value.0, 1, &mut reference) })?;
        Ok(reference)
    }

    /// The value a reference made by `keep` holds.
    pub(crate) fn reference(self, reference: sys::napi_ref) -> Result<Handle> {
        let mut value = ptr::null_mut();
        // SAFETY: `reference` was made by `keep` in this environment.
        check(unsafe { sys::napi_get_reference_value(self.env, reference, &mut value) })?;
        Ok(Handle(value))
    }

    pub(crate) fn kind(self, value: Handle) -> Result<Kind> {
        let mut kind = 0;
        // SAFETY: a live handle of this environment; `kind` is written once.
        check(unsafe { sys::napi_typeof(self.env, value.0, &mut kind) })?;
        Ok(match kind {
            sys::ValueType::napi_undefined => Kind::Undefined,
            sys::ValueType::napi_null => Kind::Null,
            sys::ValueType::napi_string => Kind::String,
            sys::ValueType::napi_object => Kind::Object,
            _ => Kind::Other,
        })
    }

    pub(crate) fn is_array(self, value: Handle) -> Result<bool> {
        let mut array = false;
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_is_array(self.env, value.0, &mut array) })?;
        Ok(array)
    }

    pub(crate) fn len(self, array: Handle) -> Result<u32> {
        let mut len = 0;
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_get_array_length(self.env, array.0, &mut len) })?;
        Ok(len)
    }

    pub(crate) fn element(self, array: Handle, index: u32) -> Result<Handle> {
        let mut value = ptr::null_mut();
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_get_element(self.env, array.0, index, &mut value) })?;
        Ok(Handle(value))
    }

    pub(crate) fn set(self, object: Handle, key: Handle, value: Handle) -> Result<()> {
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_set_property(self.env, object.0, key.0, value.0) })
    }

    pub(crate) fn set_named(self, object: Handle, name: &CStr, value: Handle) -> Result<()> {
        // SAFETY: as in `kind`; `name` is NUL-terminated.
        check(unsafe { sys::napi_set_named_property(self.env, object.0, name.as_ptr(), value.0) })
    }

    pub(crate) fn array(self, len: u32) -> Result<Handle> {
        let mut array = ptr::null_mut();
        // SAFETY: `array` is written once.
        let status =
            unsafe { sys::napi_create_array_with_length(self.env, len as usize, &mut array) };
        check(status)?;
        Ok(Handle(array))
    }

    pub(crate) fn set_element(self, array: Handle, index: u32, value: Handle) -> Result<()> {
        // SAFETY: as in `kind`.
        check(unsafe { sys::napi_set_element(self.env, array.0, index, value.0) })
    }

    pub(crate) fn object(self) -> Result<Handle> {
        let mut object = ptr::null_mut();
        // SAFETY: `object` is written once.
        check(unsafe { sys::napi_create_object(self.env, &mut object) })?;
        Ok(Handle(object))
    }

    pub(crate) fn string(self, text: &str) -> Result<Handle> {
        let len = isize::try_from(text.len())
            .map_err(|_| Error::new(Status::InvalidArg, "a string is too long"))?;
        let mut value = ptr::null_mut();
        // SAFETY: `text` is valid UTF-8 of `len` bytes.
        let status = unsafe {
            sys::napi_create_string_utf8(self.env, text.as_ptr().cast(), len, &mut value)
        };
        check(status)?;
        Ok(Handle(value))
    }

    /// JSON as a new JavaScript value, by napi-rs's conversion.
    pub(crate) fn value(self, json: &serde_json::Value) -> Result<Handle> {
        // SAFETY: the current call's environment.
        unsafe { <&serde_json::Value as ToNapiValue>::to_napi_value(self.env, json) }.map(Handle)
    }

    /// Appends the UTF-8 of string `value` to `buffer` and returns where it
    /// is. Lone surrogates become U+FFFD, as in napi-rs's `String`. The
    /// caller checks the bytes as UTF-8 once, when it makes them a `str`.
    pub(crate) fn read(self, value: Handle, buffer: &mut Vec<u8>) -> Result<Range<usize>> {
        let start = buffer.len();
        if buffer.capacity() - start <= MAX_CHAR_BYTES {
            buffer.reserve(READ_CHUNK);
        }
        let copied = self.copy(value, buffer)?;
        if copied + MAX_CHAR_BYTES < buffer.capacity() - start {
            return self.finish(buffer, start, copied);
        }

        // Perhaps cut short: ask for the whole length and read again.
        let mut len = 0;
        // SAFETY: a null buffer only asks for the length.
        let status = unsafe {
            sys::napi_get_value_string_utf8(self.env, value.0, ptr::null_mut(), 0, &mut len)
        };
        check(status)?;
        if len != copied {
            buffer.reserve(len + 1);
            let again = self.copy(value, buffer)?;
            return self.finish(buffer, start, again);
        }
        self.finish(buffer, start, copied)
    }

    /// Copies as much of `value` as fits into `buffer`'s spare capacity
    /// (keeping one byte for the terminating NUL napi writes) and returns
    /// the bytes copied, which are not yet part of `buffer`.
    fn copy(self, value: Handle, buffer: &mut Vec<u8>) -> Result<usize> {
        let spare = buffer.spare_capacity_mut();
        let mut copied = 0;
        // SAFETY: napi writes at most `spare.len()` bytes, NUL included,
        // into the spare capacity and reports how many it wrote before it.
        let status = unsafe {
            sys::napi_get_value_string_utf8(
                self.env,
                value.0,
                spare.as_mut_ptr().cast::<c_char>(),
                spare.len(),
                &mut copied,
            )
        };
        check(status)?;
        Ok(copied.min(spare.len().saturating_sub(1)))
    }

    fn finish(self, buffer: &mut Vec<u8>, start: usize, copied: usize) -> Result<Range<usize>> {
        // SAFETY: `copy` initialised `copied` bytes after `start`, within
        // the capacity.
        unsafe { buffer.set_len(start + copied) };
        Ok(start..start + copied)
    }
}

/// The text of `range` in `buffer`, as `read` left it.
pub(crate) fn text(buffer: &[u8], range: Range<usize>) -> Result<&str> {
    std::str::from_utf8(&buffer[range])
        .map_err(|_| Error::new(Status::StringExpected, "a string is not UTF-8"))
}

pub(crate) fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        return Ok(());
    }
    if status == sys::Status::napi_string_expected {
        return Err(Error::new(Status::StringExpected, "expected a string"));
    }
    let status = Status::from(status);
    Err(Error::new(status, format!("N-API call failed: {status}")))
}
