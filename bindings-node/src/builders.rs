//! Small JavaScript functions, compiled once per environment, that read
//! objects and build results for the binding.
//!
//! N-API reads and adds properties one at a time through V8's runtime, and
//! lists keys without V8's enum cache; a JavaScript function does the same
//! with inline caches for a fraction of the cost. The functions' source is
//! generated here from constant names (the lead's field names, `Verified`'s
//! fields): no input ever reaches it, and values are passed as arguments.

use std::ffi::c_void;
use std::fmt::Write as _;
use std::ptr;

use halo_core::lead::LeadField;
use napi::{Result, sys};

use crate::js::{Handle, Js, check};

/// The fields of `Verified`, in the order `verified` takes them.
const VERIFIED: &str = "(function (provider, scheme, id, timestamp) { \
                        return { provider, scheme, id, timestamp } })";

/// An object's own enumerable string keys and their values, as one flat
/// array `[key, value, key, value, ...]`: `Object.keys` and `[[Get]]`, the
/// order and values N-API gives one call at a time. `Object.keys` is the
/// one in place when the binding is first used.
const ENTRIES: &str = "(function (keys) { return function (object) { \
                       const names = keys(object); const entries = []; \
                       for (let i = 0; i < names.length; i++) \
                       entries.push(names[i], object[names[i]]); \
                       return entries } })(Object.keys)";

/// The compiled functions of one environment, kept alive by references.
#[derive(Clone, Copy)]
struct Builders {
    entries: sys::napi_ref,
    lead: sys::napi_ref,
    verified: sys::napi_ref,
}

/// The own enumerable string keys of `object` and their values, as
/// `[key, value, ...]`.
pub(crate) fn entries(js: Js, object: Handle) -> Result<Handle> {
    let builders = builders(js)?;
    js.call(js.reference(builders.entries)?, &[object])
}

/// A new plain lead object with the fields whose value is given, in
/// `LeadField::ALL` order.
pub(crate) fn lead(js: Js, values: &[Option<Handle>; LeadField::ALL.len()]) -> Result<Handle> {
    let undefined = js.undefined()?;
    let args = values.map(|v| v.unwrap_or(undefined));
    let builders = builders(js)?;
    js.call(js.reference(builders.lead)?, &args)
}

/// A new plain `Verified` object from its four values.
pub(crate) fn verified(js: Js, values: [Handle; 4]) -> Result<Handle> {
    let builders = builders(js)?;
    js.call(js.reference(builders.verified)?, &values)
}

/// The environment's builders, compiled on first use. The instance data
/// slot is this addon's own: Node gives each addon its own per environment.
fn builders(js: Js) -> Result<Builders> {
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: `data` is written once.
    check(unsafe { sys::napi_get_instance_data(js.raw(), &mut data) })?;
    if !data.is_null() {
        // SAFETY: only `builders` sets this slot, to a leaked `Builders`
        // that lives until the environment's teardown frees it.
        return Ok(unsafe { *data.cast::<Builders>() });
    }

    let built = Builders {
        entries: js.keep(js.run(ENTRIES)?)?,
        lead: js.keep(js.run(&lead_source())?)?,
        verified: js.keep(js.run(VERIFIED)?)?,
    };
    let data = Box::into_raw(Box::new(built));
    // SAFETY: `drop_builders` frees exactly this box when the environment
    // is torn down; its references go with the environment.
    let status = unsafe {
        sys::napi_set_instance_data(js.raw(), data.cast(), Some(drop_builders), ptr::null_mut())
    };
    if status != sys::Status::napi_ok {
        // SAFETY: the box was not handed over.
        drop(unsafe { Box::from_raw(data) });
        check(status)?;
    }
    Ok(built_copy(data))
}

fn built_copy(data: *mut Builders) -> Builders {
    // SAFETY: `data` is the live box just handed to the environment.
    unsafe { *data }
}

/// `function (v0, …, v9) { const lead = {}; if (v0 !== undefined)
/// lead.first_name = v0; … return lead }`.
fn lead_source() -> String {
    let count = LeadField::ALL.len();
    let params: Vec<String> = (0..count).map(|i| format!("v{i}")).collect();
    let mut source = format!("(function ({}) {{ const lead = {{}}; ", params.join(", "));
    for (i, field) in LeadField::ALL.into_iter().enumerate() {
        let _ = write!(
            source,
            "if (v{i} !== undefined) lead.{} = v{i}; ",
            field.as_str()
        );
    }
    source.push_str("return lead })");
    source
}

unsafe extern "C" fn drop_builders(_: sys::napi_env, data: *mut c_void, _: *mut c_void) {
    // SAFETY: `data` is the box `builders` leaked, freed only here.
    drop(unsafe { Box::from_raw(data.cast::<Builders>()) });
}
