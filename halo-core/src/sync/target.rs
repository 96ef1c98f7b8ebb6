//! The HaloPSA resources a sync writes, and how each is matched to a lead.

use crate::halo::{
    Client, ClientParams, HaloClient, Handler, ListParams, Opportunity, OpportunityParams,
    Resource, User, UserParams,
};

/// A resource the sync finds or creates: how its records are keyed and
/// searched for.
pub(crate) trait Target: Resource + Clone + Default {
    /// The record's matching key: its email or name, trimmed and lower-cased.
    fn key(&self) -> Option<String>;

    /// Parameters that find records whose key contains `key`.
    fn search(key: &str) -> Self::Params;

    /// Parameters that list every record, inactive ones included.
    fn every() -> Self::Params;

    /// The client's handler for this resource.
    fn handler(client: &HaloClient) -> Handler<Self>;
}

/// The matching key of an email or name: trimmed and lower-cased whole, as
/// [`ValidLead::dedupe_key`](crate::lead::ValidLead::dedupe_key) does.
pub(crate) fn key_of(text: &str) -> String {
    text.trim().to_lowercase()
}

fn common(search: Option<&str>) -> ListParams {
    ListParams {
        search: search.map(str::to_owned),
        include_inactive: Some(true),
        ..ListParams::default()
    }
}

impl Target for Opportunity {
    fn key(&self) -> Option<String> {
        self.oppemailaddress.as_deref().map(key_of)
    }

    fn search(key: &str) -> OpportunityParams {
        OpportunityParams {
            common: common(None),
            search_oppemailaddress: Some(key.to_owned()),
            ..OpportunityParams::default()
        }
    }

    fn every() -> OpportunityParams {
        OpportunityParams {
            common: common(None),
            ..OpportunityParams::default()
        }
    }

    fn handler(client: &HaloClient) -> Handler<Self> {
        client.opportunities()
    }
}

impl Target for User {
    fn key(&self) -> Option<String> {
        self.emailaddress.as_deref().map(key_of)
    }

    fn search(key: &str) -> UserParams {
        UserParams {
            common: common(Some(key)),
            ..UserParams::default()
        }
    }

    fn every() -> UserParams {
        UserParams {
            common: common(None),
            ..UserParams::default()
        }
    }

    fn handler(client: &HaloClient) -> Handler<Self> {
        client.users()
    }
}

impl Target for Client {
    fn key(&self) -> Option<String> {
        self.name.as_deref().map(key_of)
    }

    fn search(key: &str) -> ClientParams {
        ClientParams {
            common: common(Some(key)),
            ..ClientParams::default()
        }
    }

    fn every() -> ClientParams {
        ClientParams {
            common: common(None),
            ..ClientParams::default()
        }
    }

    fn handler(client: &HaloClient) -> Handler<Self> {
        client.clients()
    }
}
