//! Arbitrary bytes into the configuration loader: it must return a coded
//! error or a configuration that serialises and loads back equal.

#![no_main]

use halo_core::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::from_json_str(text) {
        Ok(config) => {
            let _ = config.posture();
            if let Ok(written) = config.to_json_string() {
                assert_eq!(Config::from_json_str(&written).ok(), Some(config));
            }
        }
        Err(err) => assert!(err.code().starts_with("config.")),
    }
});
