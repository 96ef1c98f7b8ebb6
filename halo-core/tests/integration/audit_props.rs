//! Properties of the audit chain: any sequence of events verifies and reads
//! back; any single-byte change to a committed file is detected.

use halo_core::audit::{AuditAction, AuditCategory, AuditEvent, AuditLog, read_log, verify};
use halo_core::masking::Masker;
use proptest::prelude::*;
use serde_json::json;

use crate::audit_files::{TempDir, key, segments, small_sink, write_log};

fn category() -> impl Strategy<Value = AuditCategory> {
    prop_oneof![
        Just(AuditCategory::Authentication),
        Just(AuditCategory::DataAccess),
        Just(AuditCategory::ConfigurationChange),
        Just(AuditCategory::Security),
    ]
}

fn action() -> impl Strategy<Value = AuditAction> {
    prop_oneof![
        Just(AuditAction::LoginFailed),
        Just(AuditAction::Read),
        Just(AuditAction::Export),
        Just(AuditAction::PermissionChange),
        "[a-z][a-z0-9_.-]{0,20}x".prop_map(|n| AuditAction::custom(n).unwrap()),
    ]
}

fn event() -> impl Strategy<Value = AuditEvent> {
    (
        category(),
        action(),
        "\\PC{0,24}",
        any::<i32>(),
        0i64..4_000_000_000,
    )
        .prop_map(|(category, action, actor, n, secs)| {
            AuditEvent::new(category, action)
                .actor(actor)
                .detail("n", json!(n))
                .at(jiff::Timestamp::from_second(secs).unwrap())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_sequence_of_events_verifies_and_reads_back(
        events in prop::collection::vec(event(), 1..40),
        segment_bytes in 300u64..3_000,
    ) {
        let dir = TempDir::new("prop-seq");
        let masker = Masker::builder().build().unwrap();
        let log = AuditLog::builder()
            .sink(small_sink(dir.path(), segment_bytes))
            .masker(masker)
            .build()
            .unwrap();
        for event in &events {
            log.record(event.clone()).unwrap();
        }
        let report = verify(dir.path(), &key()).unwrap();
        prop_assert!(report.is_intact(), "{:?}", report.damage);
        prop_assert_eq!(report.entries, events.len() as u64);
        let read: Vec<AuditEvent> =
            read_log(dir.path(), &key()).unwrap().into_iter().map(|e| e.event).collect();
        prop_assert_eq!(read, events);
    }

    #[test]
    fn any_single_byte_change_is_detected(
        pick in any::<prop::sample::Index>(),
        offset in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let dir = TempDir::new("prop-byte");
        write_log(dir.path(), 6, 900);
        let mut files = segments(dir.path());
        files.push(dir.file("HEAD.json"));
        let file = pick.get(&files);
        let mut bytes = std::fs::read(file).unwrap();
        let at = offset.index(bytes.len());
        bytes[at] ^= flip;
        std::fs::write(file, &bytes).unwrap();

        let report = verify(dir.path(), &key()).unwrap();
        prop_assert!(report.damage.is_some(), "byte {} of {:?} changed unnoticed", at, file);
    }
}
