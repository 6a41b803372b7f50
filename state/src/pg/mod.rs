//! The PostgreSQL backend, with Terraform's layout: in schema `schema_name` (default
//! `terraform_remote_state`), table `states(id bigint from public.global_states_id_seq,
//! name text unique, data text)` holding one row per workspace, and index
//! `states_by_name`; created when missing unless `skip_*_creation` says otherwise, with
//! Terraform's statements. Locks are Terraform's session advisory locks (see [`lock`]); state
//! versions are rows of a table of ours beside `states` (see [`versions`]).
//!
//! Connections are plain TCP (tokio-postgres without TLS): `sslmode=disable` or `prefer` in
//! `conn_str`. A connection that drops is opened again and the request retried (a write runs
//! in a transaction, so a retried write either happened once or not at all).

mod lock;
mod versions;

use crate::backend_config::{attr, Attr, Kind};
use crate::backends::{OpenOptions, Storage};
use crate::codec;
use crate::error::{Result, StateError};
use crate::rules::Expected;
use crate::seams::{Encryptor, StateStore, DEFAULT_WORKSPACE};
use async_trait::async_trait;
use serde_json::{Map, Value as Json};
use std::sync::Arc;
use std::time::Duration;
use tokio_postgres::{Client, NoTls};

/// Terraform's pg backend arguments.
pub const SCHEMA: &[Attr] = &[
    attr("conn_str", Kind::String),
    attr("schema_name", Kind::String),
    attr("skip_schema_creation", Kind::Bool),
    attr("skip_table_creation", Kind::Bool),
    attr("skip_index_creation", Kind::Bool),
];

/// How often a request is tried when the connection fails.
const ATTEMPTS: u32 = 6;

/// State rows in a PostgreSQL schema.
pub struct PgStore {
    conn_str: String,
    /// The schema's name, quoted as an identifier.
    schema: String,
    client: tokio::sync::Mutex<Option<Arc<Client>>>,
    /// A connection being opened for the first lock (connecting takes a round trip or two;
    /// this one overlaps the backend's own setup).
    spare:
        tokio::sync::Mutex<Option<tokio::task::JoinHandle<Result<Client, tokio_postgres::Error>>>>,
    encryptor: Arc<dyn Encryptor>,
}

/// An argument, else its environment variable (as Terraform's `SDKLikeDefaults`).
fn setting(config: &Map<String, Json>, name: &str, env: &str) -> Option<String> {
    match config.get(name) {
        Some(Json::String(s)) => Some(s.clone()),
        Some(Json::Bool(b)) => Some(b.to_string()),
        _ => std::env::var(env).ok().filter(|v| !v.is_empty()),
    }
}

/// Opens the backend: connects and creates schema, table and index as Terraform does.
pub async fn open(config: &Map<String, Json>, opts: &OpenOptions) -> Result<Storage> {
    let conn_str = setting(config, "conn_str", "PG_CONN_STR").ok_or_else(|| {
        StateError::Config("The pg backend needs \"conn_str\" (or PG_CONN_STR).".into())
    })?;
    let schema_name = setting(config, "schema_name", "PG_SCHEMA_NAME")
        .unwrap_or_else(|| "terraform_remote_state".into());
    let skip = |n: &str, env: &str| setting(config, n, env).is_some_and(|v| v == "true");
    let store = PgStore {
        conn_str,
        schema: quote_ident(&schema_name),
        client: tokio::sync::Mutex::new(None),
        spare: tokio::sync::Mutex::new(None),
        encryptor: opts.encryptor.clone(),
    };
    let spare = tokio::spawn({
        let conn_str = store.conn_str.clone();
        async move { connect(&conn_str).await }
    });
    *store.spare.lock().await = Some(spare);
    let creation = Creation {
        schema_name,
        schema: !skip("skip_schema_creation", "PG_SKIP_SCHEMA_CREATION"),
        table: !skip("skip_table_creation", "PG_SKIP_TABLE_CREATION"),
        index: !skip("skip_index_creation", "PG_SKIP_INDEX_CREATION"),
    };
    store.create(&creation).await?;
    let store = Arc::new(store);
    let mut storage = Storage::remote(store.clone(), opts);
    // Versions are rows beside the states table (see [`versions`]).
    storage.versions = store;
    Ok(storage)
}

/// Which of Terraform's objects to create when missing.
struct Creation {
    schema_name: String,
    schema: bool,
    table: bool,
    index: bool,
}

/// `"name"` with inner quotes doubled (lib/pq's `QuoteIdentifier`).
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('\0', "").replace('"', "\"\""))
}

impl PgStore {
    fn table(&self) -> String {
        format!("{}.states", self.schema)
    }

    /// Terraform's `Configure`: schema, sequence, table and index, each when missing.
    async fn create(&self, c: &Creation) -> Result<()> {
        let s = &self.schema;
        let mut statements = Vec::new();
        if c.table {
            statements.push(
                "CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint".to_string(),
            );
            statements.push(format!("CREATE TABLE IF NOT EXISTS {s}.states (\n\t\t\tid bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY,\n\t\t\tname text UNIQUE,\n\t\t\tdata text\n\t\t\t)"));
            statements.push(lock::INFO_TABLE.replace("{schema}", s));
        }
        if c.index {
            statements.push(format!(
                "CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON {s}.states (name)"
            ));
        }
        let schema_name = c.schema_name.clone();
        let want_schema = c.schema;
        self.with_client(move |client| {
            let statements = statements.clone();
            let schema_name = schema_name.clone();
            let schema = s.clone();
            async move {
                // Everything in place already (the usual case): one round trip, no DDL.
                let present = "SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND to_regclass($3) IS NOT NULL AND to_regclass('public.global_states_id_seq') IS NOT NULL";
                let names = [
                    format!("{schema}.states"),
                    format!("{schema}.states_by_name"),
                    format!("{schema}.autostack_locks"),
                ];
                let row = client
                    .query_one(present, &[&names[0], &names[1], &names[2]])
                    .await?;
                if row.get::<_, Option<bool>>(0) == Some(true) {
                    return Ok(());
                }
                if want_schema {
                    let q =
                        "select count(1) from information_schema.schemata where schema_name = $1";
                    let n: i64 = client.query_one(q, &[&schema_name]).await?.get(0);
                    if n < 1 {
                        let create = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
                        match client.batch_execute(&create).await {
                            Err(e) if e.code().is_some_and(already_exists) => {}
                            other => other?,
                        }
                    }
                }
                for st in &statements {
                    match client.batch_execute(st).await {
                        // `IF NOT EXISTS` is not atomic: another process created it meanwhile.
                        Err(e) if e.code().is_some_and(already_exists) => {}
                        other => other?,
                    }
                }
                Ok(())
            }
        })
        .await
    }

    /// Runs `op` on the shared connection (one request at a time, so a transaction's
    /// statements are not interleaved), opening it (again) when needed, retrying with
    /// backoff while the connection fails; SQL errors are returned at once.
    async fn with_client<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(Arc<Client>) -> Fut,
        Fut: std::future::Future<Output = Result<T, tokio_postgres::Error>>,
    {
        let mut guard = self.client.lock().await;
        let mut delay = Duration::from_millis(50);
        for attempt in 1..=ATTEMPTS {
            let client = match guard.as_ref().filter(|c| !c.is_closed()) {
                Some(c) => c.clone(),
                None => match connect(&self.conn_str).await {
                    Ok(c) => guard.insert(Arc::new(c)).clone(),
                    Err(e) if attempt < ATTEMPTS && transient(&e) => {
                        tokio::time::sleep(delay).await;
                        delay *= 2;
                        continue;
                    }
                    Err(e) => return Err(remote(&e)),
                },
            };
            match op(client).await {
                Err(e) if attempt < ATTEMPTS && transient(&e) => {
                    *guard = None;
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
                other => return other.map_err(|e| remote(&e)),
            }
        }
        Err(StateError::Remote(
            "PostgreSQL: the connection kept failing".into(),
        ))
    }
}

/// A unique violation or duplicate object: what a concurrent `CREATE ... IF NOT EXISTS` of
/// the same object fails with.
fn already_exists(code: &tokio_postgres::error::SqlState) -> bool {
    use tokio_postgres::error::SqlState;
    [
        SqlState::UNIQUE_VIOLATION,
        SqlState::DUPLICATE_TABLE,
        SqlState::DUPLICATE_OBJECT,
        SqlState::DUPLICATE_SCHEMA,
    ]
    .contains(code)
}

/// Opens a connection; its I/O runs on the runtime until the client is dropped.
async fn connect(conn_str: &str) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(conn_str, NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

/// A failure of the connection (closed, reset, refused, timed out) rather than of the SQL.
fn transient(e: &tokio_postgres::Error) -> bool {
    e.is_closed() || (e.code().is_none() && !e.to_string().contains("password"))
}

fn remote(e: &tokio_postgres::Error) -> StateError {
    let detail = std::error::Error::source(e).map_or(String::new(), |s| format!(": {s}"));
    StateError::Remote(format!("PostgreSQL: {e}{detail}"))
}

#[async_trait]
impl StateStore for PgStore {
    fn location(&self, workspace: &str) -> String {
        format!("{}.states (name = {workspace:?})", self.schema)
    }

    async fn read(&self, workspace: &str) -> Result<Option<Vec<u8>>> {
        let q = format!("SELECT data FROM {} WHERE name = $1", self.table());
        let data = self
            .with_client(|c| {
                let q = q.clone();
                async move {
                    let row = c.query_opt(&q, &[&workspace]).await?;
                    Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
                }
            })
            .await?;
        Ok(data.filter(|d| !d.is_empty()).map(String::into_bytes))
    }

    async fn write(&self, workspace: &str, bytes: &[u8], expected: &Expected) -> Result<()> {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            StateError::Remote("PostgreSQL stores state as text; these bytes are not UTF-8".into())
        })?;
        let table = self.table();
        let location = self.location(workspace);
        let check = |stored: Option<String>| -> Result<bool> {
            let Some(stored) = stored.filter(|s| !s.is_empty()) else {
                return Ok(true);
            };
            if stored == text {
                // A retried write whose first try committed.
                return Ok(false);
            }
            let plain = self.encryptor.decrypt(stored.into_bytes());
            if let Ok(stamp) = plain.and_then(|p| codec::stamp(&p)) {
                expected.check(&stamp, &location)?;
            }
            Ok(true)
        };
        let outcome = self
            .with_client(|c| {
                let (table, check) = (&table, &check);
                async move {
                    // Requests polled together are pipelined: two round trips, not four.
                    let q = format!("SELECT data FROM {table} WHERE name = $1 FOR UPDATE");
                    let name: [&(dyn tokio_postgres::types::ToSql + Sync); 1] = [&workspace];
                    let (begun, stored) =
                        tokio::join!(c.batch_execute("BEGIN"), c.query_opt(&q, &name));
                    let body = async {
                        begun?;
                        let verdict = check(stored?.and_then(|r| r.get(0)));
                        if !matches!(verdict, Ok(true)) {
                            c.batch_execute("ROLLBACK").await?;
                            return Ok(verdict);
                        }
                        let put = format!("INSERT INTO {table} (name, data) VALUES ($1, $2)\n\t\tON CONFLICT (name) DO UPDATE\n\t\tSET data = $2 WHERE states.name = $1");
                        let row: [&(dyn tokio_postgres::types::ToSql + Sync); 2] =
                            [&workspace, &text];
                        let (put, commit) =
                            tokio::join!(c.execute(&put, &row), c.batch_execute("COMMIT"));
                        put?;
                        commit?;
                        Ok(verdict)
                    };
                    let result = body.await;
                    if result.is_err() {
                        // Leave no aborted transaction on the shared connection.
                        let _ = c.batch_execute("ROLLBACK").await;
                    }
                    result
                }
            })
            .await?;
        outcome.map(drop)
    }

    async fn delete(&self, workspace: &str) -> Result<()> {
        if workspace == DEFAULT_WORKSPACE || workspace.is_empty() {
            return Err(StateError::Remote("can't delete default state".into()));
        }
        let q = format!("DELETE FROM {} WHERE name = $1", self.table());
        self.with_client(|c| {
            let q = q.clone();
            async move { c.execute(&q, &[&workspace]).await.map(drop) }
        })
        .await
    }

    async fn list(&self) -> Result<Vec<String>> {
        let q = format!(
            "SELECT name FROM {} WHERE name != 'default' ORDER BY name",
            self.table()
        );
        let names = self
            .with_client(|c| {
                let q = q.clone();
                async move {
                    let rows = c.query(&q, &[]).await?;
                    Ok(rows
                        .iter()
                        .map(|r| r.get::<_, String>(0))
                        .collect::<Vec<_>>())
                }
            })
            .await?;
        Ok(std::iter::once(DEFAULT_WORKSPACE.to_string())
            .chain(names)
            .collect())
    }
}
