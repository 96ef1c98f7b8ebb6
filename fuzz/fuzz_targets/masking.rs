//! Arbitrary text through `mask_text` and arbitrary JSON through
//! `mask_record`: neither may panic, both must be idempotent, and a detected
//! email or card number must not survive (only copies of it that no detector
//! finds, such as digits glued to a word, may).

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
    let found = masker.find(text);
    for detection in &found {
        if matches!(detection.detector, Detector::Email | Detector::Card) {
            // Copies that no detector finds (digits glued to a word, an
            // address followed by `@`) may stay, and so may copies in or
            // reaching into the domain an email keeps; the detected one may
            // not, nor may masking make a new one.
            let needle = &text[detection.range.clone()];
            let undetected = text
                .match_indices(needle)
                .filter(|(at, _)| {
                    let copy = *at..at + needle.len();
                    !found.iter().any(|d| {
                        let masked_end = match d.detector {
                            Detector::Email => text[d.range.clone()]
                                .find('@')
                                .map_or(d.range.end, |a| d.range.start + a + 1),
                            _ => d.range.end,
                        };
                        d.range.start <= copy.start && copy.end <= masked_end
                    })
                })
                .count();
            assert!(once.matches(needle).count() <= undetected);
        }
    }

    if let Ok(mut record) = serde_json::from_str::<serde_json::Value>(text) {
        masker.mask_record(&mut record);
        let first = record.clone();
        masker.mask_record(&mut record);
        assert_eq!(record, first);
    }
});
