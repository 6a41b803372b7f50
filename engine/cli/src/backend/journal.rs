//! The apply journal seen from the engine: records of finished operations and intents
//! written as the apply goes (`StateSink`), and replayed into the raw document after a crash.
//! The record format is stated in `autostack_state::journal`.

use autostack_core::addrs::{parse_instance, InstanceAddr};
use autostack_core::apply::{Intent, StateSink};
use autostack_core::state::InstanceObject;
use autostack_core::statefile::{self, SchemaMemo, SchemaSource};
use autostack_lang::value::json::{decode_full, encode_full};
use autostack_state::model::{Change, Document, Instance, RawJson};
use serde::{Deserialize, Serialize};

/// An operation record as written: the object's provider and instance in state v4 form,
/// neither after a destroy.
#[derive(Serialize)]
struct OperationOut<'a> {
    lineage: &'a str,
    addr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance: Option<Instance>,
    /// The intent the operation resolves (a create's that journaled one).
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    /// The deposed object the record is about (absent: the current object).
    #[serde(skip_serializing_if = "Option::is_none")]
    deposed: Option<&'a str>,
    /// True when the current object became deposed object `deposed`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    depose: bool,
}

/// A record as read back; intents and resolutions have no `addr`.
#[derive(Deserialize)]
struct OperationIn {
    #[serde(default)]
    lineage: String,
    addr: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    instance: Option<Box<Instance>>,
    /// The object as earlier journals wrote it: a v4 document of its one resource.
    #[serde(default)]
    object: Option<RawJson>,
    #[serde(default)]
    deposed: Option<String>,
    #[serde(default)]
    depose: bool,
}

/// Applies journal records (in order) to a raw document; returns how many were applied.
/// Needs no provider: the records hold instances in state v4 form.
pub fn replay(doc: &mut Document, records: &[Vec<u8>]) -> usize {
    let mut changes = Vec::new();
    for rec in records {
        let Ok(op) = serde_json::from_slice::<OperationIn>(rec) else {
            break;
        };
        let Some(addr) = op.addr else {
            // An intent or a resolution: see `journal::pending`.
            continue;
        };
        if !doc.lineage.is_empty() && op.lineage != doc.lineage {
            continue;
        }
        if doc.lineage.is_empty() {
            doc.lineage = op.lineage;
        }
        let Ok(addr) = parse_instance(&addr) else {
            break;
        };
        let id = statefile::instance_id(&addr);
        let object = match (op.provider, op.instance) {
            (Some(provider), Some(instance)) => Some((provider, instance)),
            _ => op.object.as_ref().and_then(object_of_document),
        };
        changes.push(match (op.deposed, object) {
            (Some(key), _) if op.depose => Change::Depose(id, key),
            (Some(key), _) => Change::RemoveDeposed(id, key),
            (None, None) if op.object.is_some() => continue,
            (None, None) => Change::Remove(id),
            (None, Some((provider, instance))) => Change::Put {
                id,
                provider,
                instance,
            },
        });
    }
    let n = changes.len();
    doc.apply_changes(changes);
    n
}

/// The provider and instance of an earlier journal's object, a document of its one resource
/// (`None`: not one).
fn object_of_document(raw: &RawJson) -> Option<(String, Box<Instance>)> {
    let doc = serde_json::from_str::<Document>(raw.get()).ok()?;
    let r = doc.resources.into_iter().next()?;
    let instance = r.instances.into_iter().next()?;
    Some((r.provider, Box::new(instance)))
}

/// Journals every finished resource operation of an apply.
pub struct Journal<'a> {
    inner: autostack_state::journal::Journal,
    lineage: String,
    schemas: &'a (dyn SchemaSource + Sync),
    /// The last record's schema: an apply's records come a run of one type at a time.
    memo: std::sync::Mutex<SchemaMemo>,
    /// A remote backend's flusher, which uploads what is journaled.
    tee: Option<super::flusher::Pending>,
}

impl<'a> Journal<'a> {
    /// A journal over the open file `inner`, for a state of `lineage`.
    pub fn new(
        inner: autostack_state::journal::Journal,
        lineage: String,
        schemas: &'a (dyn SchemaSource + Sync),
    ) -> Self {
        Journal {
            inner,
            lineage,
            schemas,
            memo: Default::default(),
            tee: None,
        }
    }

    /// Also hands every operation record to a flusher.
    pub fn tee(&mut self, pending: super::flusher::Pending) {
        self.tee = Some(pending);
    }

    /// The lineage the journaled records belong to (the new state's lineage).
    pub fn lineage(&self) -> &str {
        &self.lineage
    }

    /// The journal is no longer needed once the snapshot is written.
    pub fn finish(self) {
        self.inner.remove();
    }
}

/// An intent record's `intent` object read back (`None` when it is not one this version
/// wrote).
pub fn intent_of(j: &serde_json::Value) -> Option<Intent> {
    let s = |k: &str| j[k].as_str().map(str::to_string);
    let addr = parse_instance(j["addr"].as_str()?).ok()?;
    let value = decode_full(&j["planned"]).ok()?;
    Some(Intent {
        addr,
        token: s("token")?,
        provider: s("provider")?.parse().ok()?,
        object: InstanceObject {
            value,
            provider: s("state_provider")?.into(),
            schema_version: j["schema_version"].as_u64().unwrap_or(0),
            dependencies: j["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| d.as_str().map(str::to_string))
                .collect(),
            tainted: false,
            private: None,
            create_before_destroy: j["create_before_destroy"].as_bool().unwrap_or(false),
        },
    })
}

impl StateSink for Journal<'_> {
    fn intent(&self, i: &Intent) -> Result<(), String> {
        let o = &i.object;
        let payload = serde_json::to_vec(&serde_json::json!({
            "lineage": self.lineage,
            "intent": {
                "token": i.token,
                "addr": i.addr.to_string(),
                "provider": i.provider.to_string(),
                "type": i.addr.resource.ty,
                "planned": encode_full(&o.value),
                "state_provider": o.provider,
                "schema_version": o.schema_version,
                "dependencies": &*o.dependencies,
                "create_before_destroy": o.create_before_destroy,
            }
        }))
        .map_err(|e| e.to_string())?;
        self.inner.append(&payload).map_err(|e| e.to_string())
    }

    fn resolved(&self, token: &str) -> Result<(), String> {
        let payload =
            serde_json::to_vec(&serde_json::json!({ "lineage": self.lineage, "resolved": token }))
                .map_err(|e| e.to_string())?;
        // Not fsync'd: lost to a power cut, it only costs the next command a lookup.
        self.inner
            .append_unsynced(&payload)
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn record(
        &self,
        addr: &InstanceAddr,
        obj: Option<&InstanceObject>,
        token: Option<&str>,
    ) -> Result<(), String> {
        let instance = obj.map(|o| {
            let mut memo = self.memo.lock().unwrap_or_else(|e| e.into_inner());
            statefile::encode_object(addr, o, self.schemas, &mut memo)
        });
        let record = OperationOut {
            lineage: &self.lineage,
            addr: addr.to_string(),
            provider: obj.map(|o| &*o.provider),
            instance,
            token,
            deposed: None,
            depose: false,
        };
        // Held until the apply flushes, before it starts what depends on this operation.
        let payload = self.payload(&record)?;
        self.inner.hold(&payload).map_err(|e| e.to_string())
    }

    fn depose(&self, addr: &InstanceAddr, key: &str) -> Result<(), String> {
        self.operation(OperationOut {
            lineage: &self.lineage,
            addr: addr.to_string(),
            provider: None,
            instance: None,
            token: None,
            deposed: Some(key),
            depose: true,
        })
    }

    fn flush(&self) -> Result<(), String> {
        self.inner.flush().map_err(|e| e.to_string())
    }

    fn deposed_gone(&self, addr: &InstanceAddr, key: &str) -> Result<(), String> {
        self.operation(OperationOut {
            lineage: &self.lineage,
            addr: addr.to_string(),
            provider: None,
            instance: None,
            token: None,
            deposed: Some(key),
            depose: false,
        })
    }
}

impl Journal<'_> {
    /// One operation record's payload, also handed to the flusher.
    fn payload(&self, record: &OperationOut<'_>) -> Result<Vec<u8>, String> {
        let payload = serde_json::to_vec(record).map_err(|e| e.to_string())?;
        if let Some(tee) = &self.tee {
            tee.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(payload.clone());
        }
        Ok(payload)
    }

    /// Appends one operation record (and hands it to the flusher).
    fn operation(&self, record: OperationOut<'_>) -> Result<(), String> {
        let payload = self.payload(&record)?;
        // Written before dependents start (a killed process loses nothing); the next intent's
        // fsync or the snapshot takes it to disk (see `journal`'s durability note).
        self.inner
            .append_unsynced(&payload)
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use autostack_core::state::State;

    fn doc(json: &str) -> Document {
        serde_json::from_str(json).expect("document")
    }

    /// A move's records replayed after a kill: the old object deposed, the new one current,
    /// and once deleted, the deposed one gone; the state holds both sides in between.
    #[test]
    fn deposed_records_replay_into_state_v4() {
        let old = r#"{"version":4,"terraform_version":"1.15.5","serial":1,"lineage":"L","outputs":{},"resources":[{"mode":"managed","type":"portable_bucket","name":"b","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{"schema_version":0,"attributes":{"cloud":"aws"}}]}]}"#;
        let new = old
            .replace("aws", "google")
            .replace("\"cloud\":\"google\"", "\"cloud\":\"gcp\"");
        let mut d = doc(old);
        let depose = br#"{"lineage":"L","addr":"portable_bucket.b","object":null,"deposed":"0badf00d","depose":true}"#.to_vec();
        let put = serde_json::to_vec(&serde_json::json!({
            "lineage": "L", "addr": "portable_bucket.b",
            "object": serde_json::from_str::<serde_json::Value>(&new).unwrap(),
        }))
        .unwrap();
        assert_eq!(replay(&mut d, &[depose, put]), 2);
        let instances: Vec<(Option<String>, String)> = (d.instances())
            .map(|(r, i)| (i.deposed.clone(), r.provider.clone()))
            .collect();
        assert_eq!(instances.len(), 2, "{instances:?}");
        let deposed: Vec<_> = (d.instances())
            .filter_map(|(_, i)| Some((i.deposed.clone()?, i.object_provider.clone()?)))
            .collect();
        let aws = "provider[\"registry.terraform.io/hashicorp/aws\"]".to_string();
        assert_eq!(deposed, [("0badf00d".to_string(), aws)]);
        // The resource's provider follows the current object, now on google.
        assert!(d.resources[0].provider.contains("hashicorp/google"));
        let current = d.instances().find(|(_, i)| i.deposed.is_none()).unwrap().1;
        assert!(current.attributes.get().contains("gcp"));
        let gone =
            br#"{"lineage":"L","addr":"portable_bucket.b","object":null,"deposed":"0badf00d"}"#;
        assert_eq!(replay(&mut d, &[gone.to_vec()]), 1);
        let left: Vec<_> = d.instances().map(|(_, i)| i.deposed.clone()).collect();
        assert_eq!(left, [None]);
    }

    /// Operation records written as an apply writes them (each object its provider and v4
    /// instance) replay into the same document the whole state encodes to.
    #[test]
    fn recorded_objects_replay_into_the_state_they_were_taken_from() {
        use autostack_state::seams::Plaintext;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("terraform.tfstate.journal");
        let file = autostack_state::journal::Journal::open(&path, std::sync::Arc::new(Plaintext));
        let j = Journal::new(file.unwrap(), "L".into(), &statefile::NoSchemas);
        let mut st = State::default();
        for (i, a) in ["t_a.x[0]", "t_a.x[1]", "module.m[\"k\"].t_b.y"]
            .iter()
            .enumerate()
        {
            let obj = InstanceObject {
                value: autostack_lang::Value::object_from([(
                    "id",
                    autostack_lang::Value::from(i as i64),
                )]),
                provider: r#"provider["registry.terraform.io/hashicorp/t"]"#.into(),
                schema_version: 0,
                dependencies: std::sync::Arc::from(Vec::new()),
                tainted: false,
                private: None,
                create_before_destroy: false,
            };
            let addr = parse_instance(a).unwrap();
            j.record(&addr, Some(&obj), None).unwrap();
            st.instances.insert(addr, obj);
        }
        j.flush().unwrap();
        let records = autostack_state::journal::read(&path, &Plaintext).unwrap();
        // The object alone: no document head, no resource around it, no token without an
        // intent to resolve.
        for r in &records {
            let r: serde_json::Value = serde_json::from_slice(r).unwrap();
            let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["lineage", "addr", "provider", "instance"]);
        }
        let mut d = doc(r#"{"version":4,"serial":1,"lineage":"L","resources":[]}"#);
        assert_eq!(replay(&mut d, &records), 3);
        let want = statefile::encode(&st, &statefile::NoSchemas);
        let json = |d: &Document| serde_json::to_value(&d.resources).unwrap();
        assert_eq!(json(&d), json(&want));
    }
}
