//! The sandbox's records, tokens, counters, faults and rate window.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::fault::{Fault, FaultPlan};

/// The resources the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Kind {
    Client,
    Site,
    Users,
    Opportunities,
    Tickets,
    Actions,
    Agent,
}

impl Kind {
    pub(crate) const ALL: [Kind; 7] = [
        Kind::Client,
        Kind::Site,
        Kind::Users,
        Kind::Opportunities,
        Kind::Tickets,
        Kind::Actions,
        Kind::Agent,
    ];

    /// The path as Halo spells it.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Kind::Client => "Client",
            Kind::Site => "Site",
            Kind::Users => "Users",
            Kind::Opportunities => "Opportunities",
            Kind::Tickets => "Tickets",
            Kind::Actions => "Actions",
            Kind::Agent => "Agent",
        }
    }

    /// Paths are case-insensitive.
    pub(crate) fn from_path(segment: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.path().eq_ignore_ascii_case(segment))
    }

    /// The key a list reply uses; `None` for a bare array.
    pub(crate) fn list_key(self) -> Option<&'static str> {
        match self {
            Kind::Client => Some("clients"),
            Kind::Site => Some("sites"),
            Kind::Users => Some("users"),
            // As the HaloAPI PowerShell module reads it.
            Kind::Opportunities | Kind::Tickets => Some("tickets"),
            Kind::Actions => Some("actions"),
            Kind::Agent => None,
        }
    }

    /// The scope area guarding the resource; `None` when any token may read.
    pub(crate) fn scope_area(self) -> Option<&'static str> {
        match self {
            Kind::Client | Kind::Site | Kind::Users => Some("customers"),
            Kind::Opportunities => Some("crm"),
            Kind::Tickets | Kind::Actions => Some("tickets"),
            Kind::Agent => None,
        }
    }
}

/// A token the sandbox issued.
#[derive(Debug)]
pub(crate) struct Grant {
    pub(crate) expires: Instant,
    pub(crate) scopes: Vec<String>,
}

/// Everything that changes while the sandbox runs.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) records: HashMap<Kind, BTreeMap<i64, Map<String, Value>>>,
    next_id: HashMap<Kind, i64>,
    pub(crate) tokens: HashMap<String, Grant>,
    pub(crate) faults: VecDeque<(Fault, u32)>,
    pub(crate) plan: Option<(FaultPlan, fastrand::Rng)>,
    pub(crate) counts: BTreeMap<(String, String, u16), u64>,
    pub(crate) sent: VecDeque<Instant>,
}

impl State {
    pub(crate) fn new() -> Self {
        let mut state = Self {
            records: HashMap::new(),
            next_id: HashMap::new(),
            tokens: HashMap::new(),
            faults: VecDeque::new(),
            plan: None,
            counts: BTreeMap::new(),
            sent: VecDeque::new(),
        };
        let agent = json!({"name": "API Agent", "email": "api-agent@sandbox.invalid"});
        if let Value::Object(agent) = agent {
            state.insert(Kind::Agent, agent);
        }
        state
    }

    /// Stores a new record under the next id, and returns it.
    pub(crate) fn insert(
        &mut self,
        kind: Kind,
        mut record: Map<String, Value>,
    ) -> Map<String, Value> {
        let next = self.next_id.entry(kind).or_insert(1);
        let id = *next;
        *next += 1;
        record.insert("id".into(), Value::from(id));
        self.records
            .entry(kind)
            .or_default()
            .insert(id, record.clone());
        record
    }

    /// The rows of `kind`, by id.
    pub(crate) fn table(&self, kind: Kind) -> impl Iterator<Item = &Map<String, Value>> {
        self.records
            .get(&kind)
            .into_iter()
            .flat_map(BTreeMap::values)
    }

    /// Takes the next fault: a queued one, else one drawn from the plan.
    pub(crate) fn next_fault(&mut self) -> Option<Fault> {
        if self.faults.is_empty() {
            self.draw_fault();
        }
        let (fault, left) = self.faults.front_mut()?;
        let fault = fault.clone();
        *left = left.saturating_sub(1);
        if *left == 0 {
            self.faults.pop_front();
        }
        Some(fault)
    }

    /// Queues a fault drawn from the plan, if the draw says so.
    fn draw_fault(&mut self) {
        let Some((plan, rng)) = &mut self.plan else {
            return;
        };
        if plan.faults.is_empty() || rng.f64() >= plan.chance {
            return;
        }
        let (fault, times) = &plan.faults[rng.usize(..plan.faults.len())];
        if *times > 0 {
            self.faults.push_back((fault.clone(), *times));
        }
    }

    /// Books a request in the rolling window; on overflow, the seconds until
    /// a slot frees up.
    pub(crate) fn book(&mut self, limit: u32, window: Duration, now: Instant) -> Result<(), u64> {
        while self
            .sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < limit as usize {
            self.sent.push_back(now);
            return Ok(());
        }
        let free = self
            .sent
            .front()
            .map_or(Duration::ZERO, |t| (*t + window) - now);
        Err(free.as_secs() + u64::from(free.subsec_nanos() > 0))
    }

    pub(crate) fn count(&mut self, method: &str, route: &str, status: u16) {
        *self
            .counts
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
    }
}
