//! Arbitrary bytes into the HaloPSA reply decoders (lists, objects, upsert
//! replies, error bodies): each returns a record set or a coded error, never
//! panics, and an accepted record serialises and decodes back equal.

#![no_main]

use halo_core::halo::wire;
use halo_core::halo::{Client, Opportunity, User};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let list = wire::decode_list::<User>("/api/Users", &["users"], data);
    if let Ok(page) = &list {
        for user in &page.rows {
            let written = serde_json::to_vec(user).unwrap();
            assert_eq!(&serde_json::from_slice::<User>(&written).unwrap(), user);
        }
    }
    if let Err(err) = list {
        assert!(err.code().starts_with("halo."));
    }
    if let Err(err) =
        wire::decode_list::<Opportunity>("/api/Opportunities", &["tickets", "opportunities"], data)
    {
        assert!(err.code().starts_with("halo."));
    }
    if let Err(err) = wire::decode_object::<Client>("/api/Client/{id}", data) {
        assert!(err.code().starts_with("halo."));
    }
    if let Err(err) = wire::decode_upsert::<Client>("/api/Client", data) {
        assert!(err.code().starts_with("halo."));
    }
    if let Some(message) = wire::error_message(data) {
        assert!(message.chars().count() <= 303);
    }
});
