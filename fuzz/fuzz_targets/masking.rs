//! Arbitrary text through `mask_text` and arbitrary JSON through
//! `mask_record`: neither may panic, both must be idempotent, and a detected
//! email or card number must not survive.

#![no_main]

use std::sync::OnceLock;

use halo_core::masking::{Detector, Masker};
use libfuzzer_sys::fuzz_target;

fn masker() -> &'static Masker {
    static MASKER: OnceLock<Masker> = OnceLock::new();
    MASKER.get_or_init(Masker::default)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let masker = masker();

    let once = masker.mask_text(text);
    assert_eq!(masker.mask_text(&once), once);
    for found in masker.find(text) {
        if matches!(found.detector, Detector::Email | Detector::Card) {
            assert!(!once.contains(&text[found.range]));
        }
    }

    if let Ok(mut record) = serde_json::from_str::<serde_json::Value>(text) {
        masker.mask_record(&mut record);
        let first = record.clone();
        masker.mask_record(&mut record);
        assert_eq!(record, first);
    }
});
