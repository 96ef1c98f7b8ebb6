//! Typed HaloPSA records.
//!
//! Halo's objects are wide (a client has about 450 fields, a ticket about
//! 835). Each model names the fields this crate works with and keeps every
//! other field in [`extra`](Client::extra), so a record read, changed and
//! sent back loses nothing. Fields that were absent (or `null`) stay absent
//! when the record is written. Ids decode from integers or whole floats.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::params::{
    ActionParams, AgentParams, ClientParams, ListQuery, OpportunityParams, SiteParams,
    TicketParams, UserParams,
};

/// A HaloPSA resource: its path under `/api`, the keys its lists use and its
/// typed list parameters.
pub trait Resource: Serialize + for<'de> Deserialize<'de> + Send + Sync + 'static {
    /// The path segment under `/api`, as Halo spells it (`Client`).
    const PATH: &'static str;
    /// The keys a list reply may carry its rows under, in order of preference.
    const LIST_KEYS: &'static [&'static str];
    /// The list parameters this resource understands.
    type Params: ListQuery + Default + Clone + Send + Sync + 'static;

    /// The record's id; `None` for a record not yet created.
    fn id(&self) -> Option<i64>;
}

/// Declares a model: its struct, `extra` map and [`Resource`] impl.
macro_rules! model {
    (
        $(#[$meta:meta])*
        $name:ident, $path:literal, [$($key:literal),+], $params:ty,
        { $( $(#[$fmeta:meta])* $field:ident : $ty:ty, )* }
        ids { $( $(#[$imeta:meta])* $idfield:ident, )* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        pub struct $name {
            /// The record id; `None` before the record is created.
            #[serde(default, deserialize_with = "super::id::opt", skip_serializing_if = "Option::is_none")]
            pub id: Option<i64>,
            $(
                $(#[$imeta])*
                #[serde(default, deserialize_with = "super::id::opt", skip_serializing_if = "Option::is_none")]
                pub $idfield: Option<i64>,
            )*
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// Every field not named above, kept as Halo sent it.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }

        impl Resource for $name {
            const PATH: &'static str = $path;
            const LIST_KEYS: &'static [&'static str] = &[$($key),+];
            type Params = $params;

            fn id(&self) -> Option<i64> {
                self.id
            }
        }
    };
}

model! {
    /// A customer or prospect company (`/api/Client`).
    Client, "Client", ["clients"], ClientParams,
    {
        /// The company name.
        name: String,
        /// The website.
        website: String,
        /// Whether the client is inactive.
        inactive: bool,
    }
    ids {}
}

model! {
    /// A site (location) of a client (`/api/Site`).
    Site, "Site", ["sites"], SiteParams,
    {
        /// The site name.
        name: String,
    }
    ids {
        /// The client this site belongs to.
        client_id,
    }
}

model! {
    /// A contact (`/api/Users`).
    User, "Users", ["users"], UserParams,
    {
        /// The display name.
        name: String,
        /// The first name.
        firstname: String,
        /// The surname.
        surname: String,
        /// The email address.
        emailaddress: String,
        /// The phone number.
        phonenumber: String,
        /// The job title.
        jobtitle: String,
    }
    ids {
        /// The client the contact belongs to.
        client_id,
        /// The site the contact belongs to.
        site_id,
    }
}

model! {
    /// A CRM opportunity: how Halo holds leads (`/api/Opportunities`).
    Opportunity, "Opportunities", ["tickets", "opportunities"], OpportunityParams,
    {
        /// The summary line.
        summary: String,
        /// The details.
        details: String,
        /// The prospect's company name.
        oppcompanyname: String,
        /// The prospect contact's name.
        oppcontactname: String,
        /// The prospect contact's email address.
        oppemailaddress: String,
        /// The prospect contact's phone number.
        opptel: String,
        /// The prospect contact's job title.
        oppjobtitle: String,
        /// The prospect's country.
        oppcountry: String,
        /// The estimated value.
        oppvalue: f64,
    }
    ids {
        /// The client the opportunity is for.
        client_id,
        /// The site the opportunity is for.
        site_id,
        /// The contact the opportunity is for.
        user_id,
    }
}

model! {
    /// A ticket (`/api/Tickets`).
    Ticket, "Tickets", ["tickets"], TicketParams,
    {
        /// The summary line.
        summary: String,
        /// The details.
        details: String,
    }
    ids {
        /// The client.
        client_id,
        /// The site.
        site_id,
        /// The contact.
        user_id,
        /// The ticket type.
        tickettype_id,
    }
}

model! {
    /// An action (note, email, update) on a ticket (`/api/Actions`).
    Action, "Actions", ["actions"], ActionParams,
    {
        /// The note text.
        note: String,
        /// The outcome label.
        outcome: String,
    }
    ids {
        /// The ticket the action belongs to.
        ticket_id,
    }
}

model! {
    /// An agent (`/api/Agent`); read-only here.
    Agent, "Agent", ["agents"], AgentParams,
    {
        /// The agent's name.
        name: String,
        /// The agent's email address.
        email: String,
    }
    ids {}
}
