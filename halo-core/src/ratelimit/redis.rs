//! The Redis store: limits shared by every process that uses one Redis.
//!
//! Each check runs one Lua script that reads the key's state, applies GCRA
//! and the block, writes the state back and sets the key to expire when it
//! becomes idle, atomically. Redis keeps times in whole microseconds (Lua
//! numbers are doubles): emission intervals are rounded up to a whole
//! microsecond, so rules faster than 1 000 000 requests per second run at
//! 1 000 000 per second on Redis.
//!
//! Every process's clock is the time source (the limiter's [`Clock`]), so
//! the hosts sharing a Redis must keep their clocks in step (NTP); a skew
//! of `d` between two of them moves the limit by `d`.
//!
//! Calls are blocking and short: a connection attempt gives up after
//! [`DEFAULT_CONNECT_TIMEOUT`] and a command after
//! [`DEFAULT_COMMAND_TIMEOUT`] (both configurable). After a failed
//! connection, a pooled connection is not retried for
//! [`DEFAULT_RECONNECT_BACKOFF`], so that an outage costs each check
//! microseconds rather than a timeout; this back-off runs on the monotonic
//! clock, not on the limiter's [`Clock`]. A failure is
//! `ratelimit.store_unavailable` (unreachable, timed out, dropped) or
//! `ratelimit.store_failed` (an unexpected reply); the limiter's
//! [`FailureMode`](super::FailureMode) decides what a check does with it.
//!
//! [`Clock`]: super::Clock

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::{Client, Connection, RedisError, RedisResult, Script};
use secrecy::{ExposeSecret, SecretString};

use super::RateLimitError;
use super::rule::{Rule, Verdict};
use super::store::RateStore;

/// How long a connection attempt may take by default (250 ms).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a command may take by default, each way (250 ms).
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a pooled connection waits after a failed connection attempt
/// before trying again, by default (1 s).
pub const DEFAULT_RECONNECT_BACKOFF: Duration = Duration::from_secs(1);
/// The default number of pooled connections (4).
pub const DEFAULT_CONNECTIONS: usize = 4;
/// The default prefix of every key the store writes (`halo:`).
pub const DEFAULT_KEY_PREFIX: &str = "halo:";

const CHECK_SCRIPT: &str = r"
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local block = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'b')
local tat = tonumber(state[1]) or 0
local blocked = tonumber(state[2]) or 0
if blocked > now then
  return {2, blocked}
end
if tat < now then
  tat = now
end
local nxt = tat + interval
local code, at
if nxt - now <= window then
  tat = nxt
  code, at = 0, nxt
elseif block > 0 then
  blocked = now + block
  code, at = 2, blocked
else
  return {1, nxt - window}
end
redis.call('HSET', KEYS[1], 't', string.format('%.0f', tat), 'b', string.format('%.0f', blocked))
local ttl = math.ceil((math.max(tat, blocked) - now) / 1000)
redis.call('PEXPIRE', KEYS[1], math.max(ttl, 1))
return {code, at}
";

/// Rate-limit state and replay claims on Redis.
///
/// Built with [`RedisStore::builder`]; connects lazily, so a limiter can
/// start while Redis is down (and fail as its failure mode says). Keys are
/// `{prefix}rl:{rule name length}:{rule name}:{key}` (a hash with the
/// theoretical arrival time and block end, in microseconds) and
/// `{prefix}claim:{key}`; all expire on their own.
pub struct RedisStore {
    client: Client,
    slots: Box<[Mutex<Slot>]>,
    next: AtomicUsize,
    script: Script,
    prefix: String,
    connect_timeout: Duration,
    command_timeout: Duration,
    backoff: Duration,
}

/// Settings of a [`RedisStore`].
pub struct RedisStoreBuilder {
    url: SecretString,
    connections: usize,
    prefix: String,
    connect_timeout: Duration,
    command_timeout: Duration,
    backoff: Duration,
}

#[derive(Default)]
struct Slot {
    connection: Option<Connection>,
    retry_at: Option<Instant>,
}

impl RedisStore {
    /// Settings for the Redis at `url` (`redis://[user:password@]host:port/db`;
    /// the URL may hold a password, so it is a secret and is never printed).
    pub fn builder(url: SecretString) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url,
            connections: DEFAULT_CONNECTIONS,
            prefix: DEFAULT_KEY_PREFIX.to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            command_timeout: DEFAULT_COMMAND_TIMEOUT,
            backoff: DEFAULT_RECONNECT_BACKOFF,
        }
    }

    /// Checks that Redis answers.
    pub fn ping(&self) -> Result<(), RateLimitError> {
        self.run(|c| redis::cmd("PING").query::<String>(c).map(drop))
    }

    /// Claims `key` once for `ttl` (rounded up to a millisecond): `true` for
    /// the first claim, `false` while an earlier claim of any process lives.
    /// One atomic `SET NX PX` on `{prefix}claim:{key}`; the expiry runs on
    /// Redis's clock, so no time is passed in.
    pub fn claim_once(&self, key: &str, ttl: Duration) -> Result<bool, RateLimitError> {
        let name = format!("{}claim:{key}", self.prefix);
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
        let millis =
            millis.saturating_add(u64::from(!ttl.subsec_nanos().is_multiple_of(1_000_000)));
        self.run(|c| {
            redis::cmd("SET")
                .arg(&name)
                .arg(1)
                .arg("NX")
                .arg("PX")
                .arg(millis.max(1))
                .query::<Option<String>>(c)
                .map(|reply| reply.is_some())
        })
    }

    /// Releases a claim of `key` (after the work it guarded failed), so that
    /// a retry can claim it. Any process may release any claim: the caller
    /// releases only what it claimed.
    pub fn release(&self, key: &str) -> Result<(), RateLimitError> {
        let name = format!("{}claim:{key}", self.prefix);
        self.run(|c| redis::cmd("DEL").arg(&name).query::<i64>(c).map(drop))
    }

    /// Runs `op` on a pooled connection, connecting it first if needed.
    fn run<T>(
        &self,
        op: impl FnOnce(&mut Connection) -> RedisResult<T>,
    ) -> Result<T, RateLimitError> {
        let index = self.next.fetch_add(1, Ordering::Relaxed) % self.slots.len();
        let mut slot = self.slots[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);

        let connection = match slot.connection.as_mut() {
            Some(connection) => connection,
            None => {
                if slot.retry_at.is_some_and(|at| Instant::now() < at) {
                    return Err(unavailable(std::io::Error::new(
                        std::io::ErrorKind::NotConnected,
                        "waiting before reconnecting to redis",
                    )));
                }
                match self.connect() {
                    Ok(connection) => slot.connection.insert(connection),
                    Err(err) => {
                        slot.retry_at = Some(Instant::now() + self.backoff);
                        return Err(classify(err));
                    }
                }
            }
        };

        op(connection).map_err(|err| {
            let err = classify(err);
            if matches!(err, RateLimitError::StoreUnavailable { .. }) {
                slot.connection = None;
            }
            err
        })
    }

    fn connect(&self) -> RedisResult<Connection> {
        let connection = self
            .client
            .get_connection_with_timeout(self.connect_timeout)?;
        connection.set_read_timeout(Some(self.command_timeout))?;
        connection.set_write_timeout(Some(self.command_timeout))?;
        Ok(connection)
    }
}

impl RedisStoreBuilder {
    /// How many connections are pooled. Default [`DEFAULT_CONNECTIONS`].
    #[must_use]
    pub fn connections(mut self, connections: usize) -> Self {
        self.connections = connections.max(1);
        self
    }

    /// The prefix of every key. Default [`DEFAULT_KEY_PREFIX`].
    #[must_use]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long a connection attempt may take. Default
    /// [`DEFAULT_CONNECT_TIMEOUT`].
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long sending a command, and reading its reply, may each take.
    /// Default [`DEFAULT_COMMAND_TIMEOUT`].
    #[must_use]
    pub fn command_timeout(mut self, timeout: Duration) -> Self {
        self.command_timeout = timeout;
        self
    }

    /// How long to wait after a failed connection attempt. Default
    /// [`DEFAULT_RECONNECT_BACKOFF`].
    #[must_use]
    pub fn reconnect_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The store; fails with `ratelimit.invalid_store_url` when the URL
    /// cannot be used. Does not connect.
    pub fn build(self) -> Result<RedisStore, RateLimitError> {
        let client = Client::open(self.url.expose_secret()).map_err(|err| {
            RateLimitError::InvalidStoreUrl {
                source: Box::new(err),
            }
        })?;
        Ok(RedisStore {
            client,
            slots: (0..self.connections).map(|_| Mutex::default()).collect(),
            next: AtomicUsize::new(0),
            script: Script::new(CHECK_SCRIPT),
            prefix: self.prefix,
            connect_timeout: self.connect_timeout,
            command_timeout: self.command_timeout,
            backoff: self.backoff,
        })
    }
}

impl RateStore for RedisStore {
    fn acquire(
        &self,
        rule_name: &str,
        rule: &Rule,
        key: &str,
        now: u64,
    ) -> Result<Verdict, RateLimitError> {
        let name = format!("{}rl:{}:{rule_name}:{key}", self.prefix, rule_name.len());
        let interval = micros_up(rule.emission_interval()).max(1);
        let window = interval.saturating_mul(u64::from(rule.burst()));
        let block = rule.block().map_or(0, micros_up);

        let (code, at): (i64, i64) = self.run(|c| {
            self.script
                .key(&name)
                .arg(now / 1000)
                .arg(interval)
                .arg(window)
                .arg(block)
                .invoke(c)
        })?;
        let at = u64::try_from(at).unwrap_or(0).saturating_mul(1000);
        match code {
            0 => Ok(Verdict::Allowed { tat: at }),
            1 => Ok(Verdict::Limited { allowed_at: at }),
            2 => Ok(Verdict::Blocked { until: at }),
            _ => Err(RateLimitError::StoreFailed {
                reason: "the rate-limit script returned an unknown outcome".to_owned(),
            }),
        }
    }
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &"[REDACTED]")
            .field("connections", &self.slots.len())
            .field("prefix", &self.prefix)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("url", &"[REDACTED]")
            .field("connections", &self.connections)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn micros_up(d: Duration) -> u64 {
    let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
    micros.saturating_add(u64::from(!d.subsec_nanos().is_multiple_of(1000)))
}

fn unavailable(err: impl std::error::Error + Send + Sync + 'static) -> RateLimitError {
    RateLimitError::StoreUnavailable {
        source: Box::new(err),
    }
}

/// Unreachable, timed out and dropped connections are `store_unavailable`;
/// anything else Redis says is `store_failed`.
fn classify(err: RedisError) -> RateLimitError {
    if err.is_io_error()
        || err.is_timeout()
        || err.is_connection_refusal()
        || err.is_connection_dropped()
        || err.is_unrecoverable_error()
    {
        unavailable(err)
    } else {
        RateLimitError::StoreFailed {
            reason: "redis gave an unexpected reply".to_owned(),
        }
    }
}
