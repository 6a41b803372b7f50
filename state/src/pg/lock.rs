//! The pg backend's lock: Terraform's session advisory locks, so Terraform and AutoStack
//! exclude each other. The lock key is the workspace row's `id`; a workspace without a row
//! yet is locked under the creation key `-1`. Locking tries `id` and `-1` together, as
//! Terraform does, and keeps the creation key only while creating: a workspace without a row
//! gets one (an empty state) under it, as Terraform's backend creates it when it first opens
//! a workspace. Meeting the creation key busy is waited out for a moment (it is only ever
//! held for one); Terraform reports it at once.
//!
//! An advisory lock belongs to a database session, so each lock has a connection of its own:
//! the server releases the lock when the holder dies (its connection closes), and no
//! `force-unlock` is needed after a crash. Terraform records nothing about the holder; we
//! keep its [`LockInfo`] in `autostack_locks` (one row per lock key, with the holder's
//! backend PID, so a row left by a holder that is gone is never shown), and `force-unlock`
//! ends the holder's session (`pg_terminate_backend`). A holder that left no row (Terraform)
//! is described from `pg_stat_activity`, with the ID `pg-backend-PID`.

use super::{connect, remote, PgStore};
use crate::error::{Result, StateError};
use crate::lock::LockInfo;
use crate::seams::{LockGuard, Locker};
use async_trait::async_trait;
use std::sync::Arc;
use tokio_postgres::Client;

/// The table of lock holders' info (ours; Terraform's backend ignores it).
pub const INFO_TABLE: &str = "CREATE TABLE IF NOT EXISTS {schema}.autostack_locks (\n  lock_key bigint PRIMARY KEY,\n  pid integer NOT NULL,\n  info text NOT NULL\n)";

/// The key under which a workspace that has no row yet is locked.
const CREATION_KEY: i64 = -1;

/// The outcome of one locking attempt on the lock's own session.
enum Attempt {
    /// Locked under this key.
    Held(i64),
    /// Another session holds this key.
    Busy(i64),
}

impl PgStore {
    /// Tries the workspace's key and the creation key together (Terraform's query).
    async fn attempt(&self, c: &Client, workspace: &str) -> Result<Attempt, tokio_postgres::Error> {
        let t = "states";
        let q = format!("SELECT {t}.id, pg_try_advisory_lock({t}.id), pg_try_advisory_lock(-1) FROM {}.{t} WHERE {t}.name = $1", self.schema);
        let unlock = |key: i64| async move {
            c.query_one("SELECT pg_advisory_unlock($1)", &[&key])
                .await
                .map(drop)
        };
        let Some(row) = c.query_opt(&q, &[&workspace]).await? else {
            let got: bool = c
                .query_one("SELECT pg_try_advisory_lock(-1)", &[])
                .await?
                .get(0);
            return Ok(if got {
                Attempt::Held(CREATION_KEY)
            } else {
                Attempt::Busy(CREATION_KEY)
            });
        };
        let (id, got_row, got_create): (i64, bool, bool) = (row.get(0), row.get(1), row.get(2));
        Ok(match (got_row, got_create) {
            (true, true) => {
                unlock(CREATION_KEY).await?;
                Attempt::Held(id)
            }
            (false, got_create) => {
                if got_create {
                    unlock(CREATION_KEY).await?;
                }
                Attempt::Busy(id)
            }
            (true, false) => {
                unlock(id).await?;
                Attempt::Busy(CREATION_KEY)
            }
        })
    }

    /// Who holds advisory lock `key` now: its backend PID and its info (recorded, or
    /// described from `pg_stat_activity`); `None` when nobody does.
    async fn holder(&self, key: i64) -> Result<Option<(i32, LockInfo)>> {
        let bits = key as u64;
        let (classid, objid) = ((bits >> 32) as u32, (bits & 0xffff_ffff) as u32);
        let who = "SELECT l.pid, coalesce(a.usename::text, ''), coalesce(host(a.client_addr), 'local'), coalesce(to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '') FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1 AND l.objid = $2 AND l.objsubid = 1";
        let info_q = format!(
            "SELECT pid, info FROM {}.autostack_locks WHERE lock_key = $1",
            self.schema
        );
        let location = self.location_of_key(key);
        self.with_client(|c| {
            let (info_q, location) = (info_q.clone(), location.clone());
            async move {
                let Some(row) = c.query_opt(who, &[&classid, &objid]).await? else {
                    return Ok(None);
                };
                let pid: i32 = row.get(0);
                let recorded = c.query_opt(&info_q, &[&key]).await.ok().flatten();
                let info = recorded
                    .filter(|r| r.get::<_, i32>(0) == pid)
                    .and_then(|r| serde_json::from_str(&r.get::<_, String>(1)).ok())
                    .unwrap_or_else(|| LockInfo {
                        id: format!("pg-backend-{pid}"),
                        operation: "unknown (the holder recorded no lock info)".into(),
                        who: format!("{}@{}", row.get::<_, String>(1), row.get::<_, String>(2)),
                        created: row.get(3),
                        path: location,
                        ..LockInfo::default()
                    });
                Ok(Some((pid, info)))
            }
        })
        .await
    }

    /// Locks `workspace` on `session`, or names the holder. The creation key is only ever
    /// held for a moment (every attempt takes it; creating a workspace holds it for one
    /// insert), so meeting it busy is retried for a while before it is reported; and a
    /// holder that lets go between our attempt and the look-up of who it was is not reported
    /// as a nameless holder: we try again.
    async fn acquire(&self, session: &Client, workspace: &str) -> Result<i64> {
        let (mut delay, mut tries) = (std::time::Duration::from_millis(10), 0);
        loop {
            let attempt = self.attempt(session, workspace).await;
            let key = match attempt.map_err(|e| remote(&e))? {
                Attempt::Held(key) => return Ok(key),
                Attempt::Busy(key) => key,
            };
            let last = tries == super::ATTEMPTS;
            if key != CREATION_KEY || last {
                match self.holder(key).await? {
                    Some((_, holder)) => return Err(StateError::Locked(Box::new(holder))),
                    None if last => {
                        let nameless = LockInfo {
                            path: self.location_of_key(key),
                            ..LockInfo::default()
                        };
                        return Err(StateError::Locked(Box::new(nameless)));
                    }
                    None => {}
                }
            }
            tokio::time::sleep(delay).await;
            (delay, tries) = (delay * 2, tries + 1);
        }
    }

    fn location_of_key(&self, key: i64) -> String {
        format!("{}.states advisory lock {key}", self.schema)
    }

    /// The key a lock of `workspace` is held under now (its row's, else the creation key).
    async fn key_of(&self, workspace: &str) -> Result<i64> {
        let q = format!("SELECT id FROM {}.states WHERE name = $1", self.schema);
        let id = self
            .with_client(|c| {
                let q = q.clone();
                async move { Ok(c.query_opt(&q, &[&workspace]).await?.map(|r| r.get(0))) }
            })
            .await?;
        Ok(id.unwrap_or(CREATION_KEY))
    }
}

#[async_trait]
impl Locker for PgStore {
    async fn try_lock(&self, workspace: &str, info: &LockInfo) -> Result<LockGuard> {
        let session = Arc::new(self.session().await?);
        let key = self.acquire(&session, workspace).await?;
        let info = LockInfo {
            path: self.location_of_key(key),
            ..info.clone()
        };
        let text = serde_json::to_string(&info).map_err(StateError::Malformed)?;
        let record = format!("INSERT INTO {}.autostack_locks (lock_key, pid, info) VALUES ($1, pg_backend_pid(), $2) ON CONFLICT (lock_key) DO UPDATE SET pid = pg_backend_pid(), info = $2", self.schema);
        // Waited for: another process that finds the lock held reads the holder's ID from
        // this row (`force-unlock ID` right after a lock must match). Without the info table
        // (skip_table_creation) the lock holds all the same.
        let _ = session.execute(&record, &[&key, &text]).await;
        let held = session.clone();
        Ok(LockGuard::releasing(
            info.id,
            Box::new(move || {
                Box::pin(async move {
                    held.query_one("SELECT pg_advisory_unlock($1)", &[&key])
                        .await
                        .map(drop)
                        .map_err(|e| remote(&e))
                })
            }),
        ))
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<()> {
        let key = self.key_of(workspace).await?;
        let Some((pid, info)) = self.holder(key).await? else {
            return Err(StateError::NotLocked);
        };
        if info.id != id {
            return Err(StateError::LockIdMismatch {
                given: id.to_string(),
                held: info.id,
            });
        }
        self.with_client(|c| async move {
            c.query_one("SELECT pg_terminate_backend($1)", &[&pid])
                .await
                .map(drop)
        })
        .await
    }
}

impl PgStore {
    /// A connection of the lock's own (the advisory lock lives as long as its session),
    /// retried while the server cannot be reached.
    async fn session(&self) -> Result<Client> {
        // The connection opened beside the backend's own when it was opened, if unused.
        let spare = self.spare.lock().await.take();
        if let Some(Ok(Ok(c))) = match spare {
            Some(handle) => Some(handle.await),
            None => None,
        } {
            if !c.is_closed() {
                return Ok(c);
            }
        }
        let mut delay = std::time::Duration::from_millis(50);
        let mut tries = 0;
        loop {
            match connect(&self.conn_str).await {
                Ok(c) => return Ok(c),
                Err(e) if tries < super::ATTEMPTS && super::transient(&e) => {
                    tries += 1;
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                Err(e) => return Err(remote(&e)),
            }
        }
    }
}
