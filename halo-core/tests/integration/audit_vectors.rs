//! The audit chain vectors of `tests/vectors/audit`, computed outside Rust.

use halo_core::audit::{AuditEvent, ChainKey, read_log, verify};

use crate::audit_files::TempDir;
use crate::vectors;

#[test]
fn audit_vectors() {
    let files = vectors::files(&vectors::dir("audit"));
    assert!(!files.is_empty());
    for path in files {
        for case in vectors::cases(&path) {
            let name = case["name"].as_str().unwrap();
            let dir = TempDir::new("vectors");
            std::fs::create_dir_all(dir.path()).unwrap();
            for (file, text) in case["files"].as_object().unwrap() {
                std::fs::write(dir.file(file), text.as_str().unwrap()).unwrap();
            }
            let key = ChainKey::from_base64(case["chain_key"].as_str().unwrap()).unwrap();
            let report = verify(dir.path(), &key).unwrap();
            let expect = &case["expect"];
            assert_eq!(
                report.is_intact(),
                expect["intact"].as_bool().unwrap(),
                "{name}"
            );

            if let Some(damage) = expect.get("damage") {
                let found = report.damage.unwrap();
                assert_eq!(found.kind.as_str(), damage["kind"], "{name}");
                assert_eq!(found.file, damage["file"].as_str().unwrap(), "{name}");
                assert_eq!(
                    found.line as u64,
                    damage["line"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(found.seq, damage["seq"].as_u64(), "{name}");
                continue;
            }
            assert_eq!(
                report.entries,
                expect["entries"].as_u64().unwrap(),
                "{name}"
            );
            assert_eq!(report.last_seq, expect["last_seq"].as_u64(), "{name}");
            let read = read_log(dir.path(), &key).unwrap();
            let events = case["events"].as_array().unwrap();
            assert_eq!(read.len(), events.len(), "{name}");
            for (entry, want) in read.iter().zip(events) {
                assert_eq!(entry.seq, want["seq"].as_u64().unwrap(), "{name}");
                let want: AuditEvent = serde_json::from_value(want["event"].clone()).unwrap();
                assert_eq!(entry.event, want, "{name}");
            }
        }
    }
}
