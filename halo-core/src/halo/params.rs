//! Typed list parameters.
//!
//! Halo ignores query parameters it does not know, so a misspelt filter
//! silently returns the whole tenant. Here every filter is a field: a typo
//! does not compile. Paging (`pageinate`, `page_no`, `page_size`) is always
//! set by the client and is not a parameter.

/// The largest page Halo returns, whatever is asked for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The query pairs a list parameter set produces.
pub type QueryPairs = Vec<(&'static str, String)>;

/// Parameters every list accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// Rows per page, capped at [`MAX_PAGE_SIZE`]. Default 100.
    pub page_size: u32,
    /// Stop after this many rows in total. Default: no limit.
    pub max_rows: Option<u64>,
    /// `search`: free-text search.
    pub search: Option<String>,
    /// `order`: the field to sort by.
    pub order: Option<String>,
    /// `orderdesc`: sort descending.
    pub order_desc: Option<bool>,
    /// `includeactive`.
    pub include_active: Option<bool>,
    /// `includeinactive`.
    pub include_inactive: Option<bool>,
    /// `lastupdatefromdate`, as Halo expects it (ISO 8601).
    pub last_updated_from: Option<String>,
}

impl Default for ListParams {
    fn default() -> Self {
        Self {
            page_size: MAX_PAGE_SIZE,
            max_rows: None,
            search: None,
            order: None,
            order_desc: None,
            include_active: None,
            include_inactive: None,
            last_updated_from: None,
        }
    }
}

/// What a list parameter set tells the client.
pub trait ListQuery {
    /// The parameters shared by every list.
    fn common(&self) -> &ListParams;

    /// Appends this resource's own filters.
    fn push_filters(&self, out: &mut QueryPairs);

    /// Every filter pair, paging excluded.
    fn query_pairs(&self) -> QueryPairs {
        let c = self.common();
        let mut out = QueryPairs::new();
        push(&mut out, "search", c.search.as_ref());
        push(&mut out, "order", c.order.as_ref());
        push(&mut out, "orderdesc", c.order_desc);
        push(&mut out, "includeactive", c.include_active);
        push(&mut out, "includeinactive", c.include_inactive);
        push(&mut out, "lastupdatefromdate", c.last_updated_from.as_ref());
        self.push_filters(&mut out);
        out
    }

    /// The page size actually requested: between 1 and [`MAX_PAGE_SIZE`].
    fn effective_page_size(&self) -> u32 {
        self.common().page_size.clamp(1, MAX_PAGE_SIZE)
    }
}

fn push<T: ToString>(out: &mut QueryPairs, key: &'static str, value: Option<T>) {
    if let Some(value) = value {
        out.push((key, value.to_string()));
    }
}

/// Declares a parameter struct with its resource-specific filters.
macro_rules! params {
    ($(#[$meta:meta])* $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty => $key:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name {
            /// The parameters every list accepts.
            pub common: ListParams,
            $( $(#[$fmeta])* pub $field: Option<$ty>, )*
        }

        impl ListQuery for $name {
            fn common(&self) -> &ListParams {
                &self.common
            }

            #[allow(unused_variables, reason = "some resources have no own filters")]
            fn push_filters(&self, out: &mut QueryPairs) {
                $( push(out, $key, self.$field.as_ref()); )*
            }
        }
    };
}

params! {
    /// Filters for `/api/Client`.
    ClientParams {
        /// `domain`: clients whose domain matches.
        domain: String => "domain",
    }
}

params! {
    /// Filters for `/api/Site`.
    SiteParams {
        /// `client_id`: sites of this client.
        client_id: i64 => "client_id",
    }
}

params! {
    /// Filters for `/api/Users`.
    UserParams {
        /// `client_id`: contacts of this client.
        client_id: i64 => "client_id",
        /// `site_id`: contacts of this site.
        site_id: i64 => "site_id",
        /// `search_phonenumbers`: let `search` match phone numbers too.
        search_phonenumbers: bool => "search_phonenumbers",
    }
}

params! {
    /// Filters for `/api/Opportunities`.
    OpportunityParams {
        /// `client_id`: opportunities of this client.
        client_id: i64 => "client_id",
        /// `search_oppemailaddress`: by the prospect's email address.
        search_oppemailaddress: String => "search_oppemailaddress",
        /// `search_oppcompanyname`: by the prospect's company name.
        search_oppcompanyname: String => "search_oppcompanyname",
        /// `open_only`: leave out closed opportunities.
        open_only: bool => "open_only",
    }
}

params! {
    /// Filters for `/api/Tickets`.
    TicketParams {
        /// `client_id`: tickets of this client.
        client_id: i64 => "client_id",
        /// `open_only`: leave out closed tickets.
        open_only: bool => "open_only",
    }
}

params! {
    /// Filters for `/api/Actions`.
    ActionParams {
        /// `ticket_id`: actions of this ticket.
        ticket_id: i64 => "ticket_id",
    }
}

params! {
    /// Filters for `/api/Agent`.
    AgentParams {}
}
