//! Result objects built by two small JavaScript functions, compiled once per
//! environment.
//!
//! N-API adds properties one at a time through V8's runtime, each a map
//! transition looked up afresh; a JavaScript function that assigns them is
//! compiled with inline caches and does the same for a fraction of the cost.
//! The functions' source is generated here from constant names (the lead's
//! field names, `Verified`'s fields): no input ever reaches it, and the values
//! are passed as arguments.

use std::ffi::c_void;
use std::fmt::Write as _;
use std::ptr;

use halo_core::lead::LeadField;
use napi::{Result, sys};

use crate::js::{Handle, Js, check};

/// The fields of `Verified`, in the order `verified` takes them.
const VERIFIED: &str = "(function (provider, scheme, id, timestamp) { \
                        return { provider, scheme, id, timestamp } })";

/// The compiled functions of one environment, kept alive by references.
#[derive(Clone, Copy)]
struct Builders {
    lead: sys::napi_ref,
    verified: sys::napi_ref,
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
