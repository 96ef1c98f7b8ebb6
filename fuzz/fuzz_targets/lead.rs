//! Arbitrary bytes into lead validation: it must return a coded error, or a
//! lead that validates again unchanged, under every unknown-field setting.

#![no_main]

use halo_core::lead::{LeadSchema, UnknownFields};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for unknown in [UnknownFields::Reject, UnknownFields::Strip, UnknownFields::Keep] {
        let schema = LeadSchema::builder().unknown_fields(unknown).build();
        match schema.validate_json(data) {
            Ok(valid) => {
                let lead = valid.to_lead();
                assert_eq!(schema.validate(&lead).ok(), Some(valid.clone()));
                let _ = valid.dedupe_key();
            }
            Err(err) => {
                assert!(err.code().starts_with("lead."));
                assert!(err.violations().iter().all(|v| v.code().starts_with("lead.")));
            }
        }
    }
    for outcome in LeadSchema::default().validate_jsonl(data) {
        let _ = outcome.result.map_err(|e| e.code());
    }
});
