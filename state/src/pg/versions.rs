//! State versions in PostgreSQL: rows of `autostack_state_versions(name, serial, meta,
//! body)` in the backend's schema, beside Terraform's `states` table (which Terraform
//! reads unchanged). Meta and body are stored through the encryptor, as bytes. The table is
//! created by the first version kept.

use super::PgStore;
use crate::error::Result;
use crate::versions::Versions;
use async_trait::async_trait;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;

impl PgStore {
    fn versions_table(&self) -> String {
        format!("{}.autostack_state_versions", self.schema)
    }
}

/// An empty answer for a table not created yet (no version kept so far).
fn missing_table(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::UNDEFINED_TABLE)
}

#[async_trait]
impl Versions for PgStore {
    fn versions_location(&self, workspace: &str) -> String {
        format!("{} (name = {workspace:?})", self.versions_table())
    }

    async fn keep_version(
        &self,
        workspace: &str,
        serial: u64,
        meta: &[u8],
        body: &[u8],
        keep: usize,
    ) -> Result<()> {
        let table = self.versions_table();
        let meta = self.encryptor.encrypt(meta.to_vec())?;
        let body = self.encryptor.encrypt(body.to_vec())?;
        let serial = serial as i64;
        let keep = keep.max(1) as i64;
        self.with_client(|c| {
            let (table, meta, body) = (&table, &meta, &body);
            async move {
                let create = format!("CREATE TABLE IF NOT EXISTS {table} (name text NOT NULL, serial bigint NOT NULL, meta bytea NOT NULL, body bytea NOT NULL, PRIMARY KEY (name, serial))");
                match c.batch_execute(&create).await {
                    Err(e) if e.code().is_some_and(super::already_exists) => {}
                    other => other?,
                }
                let put = format!("INSERT INTO {table} (name, serial, meta, body) VALUES ($1, $2, $3, $4) ON CONFLICT (name, serial) DO UPDATE SET meta = $3, body = $4");
                let row: [&(dyn ToSql + Sync); 4] = [&workspace, &serial, meta, body];
                c.execute(&put, &row).await?;
                let prune = format!("DELETE FROM {table} WHERE name = $1 AND serial NOT IN (SELECT serial FROM {table} WHERE name = $1 ORDER BY serial DESC LIMIT $2)");
                c.execute(&prune, &[&workspace, &keep]).await.map(drop)
            }
        })
        .await
    }

    async fn versions(&self, workspace: &str) -> Result<Vec<(u64, Vec<u8>)>> {
        let q = format!(
            "SELECT serial, meta FROM {} WHERE name = $1 ORDER BY serial",
            self.versions_table()
        );
        let rows = self
            .with_client(|c| {
                let q = q.clone();
                async move {
                    match c.query(&q, &[&workspace]).await {
                        Err(e) if missing_table(&e) => Ok(Vec::new()),
                        other => Ok(other?
                            .iter()
                            .map(|r| (r.get::<_, i64>(0) as u64, r.get::<_, Vec<u8>>(1)))
                            .collect()),
                    }
                }
            })
            .await?;
        rows.into_iter()
            .map(|(s, m)| Ok((s, self.encryptor.decrypt(m)?)))
            .collect()
    }

    async fn version_body(&self, workspace: &str, serial: u64) -> Result<Option<Vec<u8>>> {
        let q = format!(
            "SELECT body FROM {} WHERE name = $1 AND serial = $2",
            self.versions_table()
        );
        let serial = serial as i64;
        let body = self
            .with_client(|c| {
                let q = q.clone();
                async move {
                    match c.query_opt(&q, &[&workspace, &serial]).await {
                        Err(e) if missing_table(&e) => Ok(None),
                        other => Ok(other?.map(|r| r.get::<_, Vec<u8>>(0))),
                    }
                }
            })
            .await?;
        body.map(|b| self.encryptor.decrypt(b)).transpose()
    }
}
