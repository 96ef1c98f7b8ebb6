//! Arbitrary bytes as an audit log's first segment and head checkpoint
//! (split at the first NUL byte) into `verify`: it must never panic, must
//! answer with a report or a coded error, and a log it calls intact must
//! read back with the same entries.

#![no_main]

use halo_core::audit::{ChainKey, read_log, verify};
use libfuzzer_sys::fuzz_target;

/// The key of `tests/vectors/audit/chain.json`, so that seeds taken from it
/// start out valid.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fuzz_target!(|data: &[u8]| {
    let Ok(key) = ChainKey::from_base64(KEY) else { return };
    let dir = std::env::temp_dir().join(format!("halo-audit-fuzz-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let (segment, head) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let written = std::fs::write(dir.join("segment-00000001.jsonl"), segment)
        .and_then(|()| head.map_or(Ok(()), |h| std::fs::write(dir.join("HEAD.json"), h)));
    if written.is_err() {
        return;
    }

    match verify(&dir, &key) {
        Ok(report) if report.is_intact() => {
            let entries = read_log(&dir, &key).expect("an intact log reads back");
            assert_eq!(entries.len() as u64, report.entries);
        }
        Ok(_) => {}
        Err(err) => assert!(err.code().starts_with("audit.")),
    }
});
