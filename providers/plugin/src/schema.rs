//! A plugin's schema (protocol 6's `Schema` messages) as the engine's [`ProviderSchema`], and
//! the on-disk cache that spares starting a plugin only to ask for it: keyed by the SHA-256
//! of the executable, which is computed once per (path, size, modification time).

use crate::proto::tfplugin6::{self as v6, schema};
use autostack_provider_sdk::schema::{Attribute, Block, NestedBlock, Nesting, ResourceSchema};
use autostack_provider_sdk::{FunctionParam, FunctionSignature, ProviderSchema};
use autostack_value::json::type_from_json;
use autostack_value::Type;
use prost::Message as _;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The engine's schema for a plugin's `GetProviderSchema` response.
pub fn provider_schema(r: &v6::get_provider_schema::Response) -> ProviderSchema {
    let convert = |m: &std::collections::HashMap<String, v6::Schema>| {
        m.iter()
            .map(|(k, s)| (k.clone(), resource_schema(s)))
            .collect()
    };
    ProviderSchema {
        provider: r
            .provider
            .as_ref()
            .map(|s| resource_schema(s).block)
            .unwrap_or_default(),
        resources: convert(&r.resource_schemas),
        data_sources: convert(&r.data_source_schemas),
        functions: r
            .functions
            .iter()
            .map(|(k, f)| (k.clone(), function_signature(f)))
            .collect(),
        move_resource_state: r
            .server_capabilities
            .as_ref()
            .is_some_and(|c| c.move_resource_state),
    }
}

/// The engine's signature of a provider-defined function.
pub fn function_signature(f: &v6::Function) -> FunctionSignature {
    let param = |p: &v6::function::Parameter| FunctionParam {
        name: p.name.clone(),
        ty: parse_type(&p.r#type).unwrap_or(Type::Dynamic),
        allow_null: p.allow_null_value,
        allow_unknown: p.allow_unknown_values,
    };
    FunctionSignature {
        params: f.parameters.iter().map(param).collect(),
        variadic: f.variadic_parameter.as_ref().map(param),
        ret: f
            .r#return
            .as_ref()
            .and_then(|r| parse_type(&r.r#type))
            .unwrap_or(Type::Dynamic),
        summary: f.summary.clone(),
    }
}

fn resource_schema(s: &v6::Schema) -> ResourceSchema {
    ResourceSchema {
        version: u64::try_from(s.version).unwrap_or(0),
        block: s.block.as_ref().map(block).unwrap_or_default(),
    }
}

fn block(b: &schema::Block) -> Block {
    let mut out = Block::new();
    for a in &b.attributes {
        out.attributes.insert(a.name.clone(), attribute(a));
    }
    for nb in &b.block_types {
        let nesting = match schema::nested_block::NestingMode::try_from(nb.nesting) {
            Ok(schema::nested_block::NestingMode::List) => Nesting::List,
            Ok(schema::nested_block::NestingMode::Set) => Nesting::Set,
            // GROUP is SINGLE that is never null; MAP blocks have no engine counterpart yet,
            // so they are offered as single blocks (their configurations are rare).
            _ => Nesting::Single,
        };
        out.blocks.insert(
            nb.type_name.clone(),
            NestedBlock {
                nesting,
                block: nb.block.as_ref().map(block).unwrap_or_default(),
                min_items: usize::try_from(nb.min_items).unwrap_or(0),
                max_items: usize::try_from(nb.max_items).unwrap_or(0),
                force_new: false,
                computed: false,
            },
        );
    }
    out
}

fn attribute(a: &schema::Attribute) -> Attribute {
    Attribute {
        ty: attribute_type(a),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        force_new: false,
        description: "",
        default: None,
    }
}

/// An attribute's type: its `type` JSON, or the object its nested attributes make.
pub fn attribute_type(a: &schema::Attribute) -> Type {
    if let Some(nested) = &a.nested_type {
        let obj = Type::Object(
            nested
                .attributes
                .iter()
                .map(|n| (n.name.clone(), attribute_type(n)))
                .collect(),
        );
        return match schema::object::NestingMode::try_from(nested.nesting) {
            Ok(schema::object::NestingMode::List) => Type::list(obj),
            Ok(schema::object::NestingMode::Set) => Type::set(obj),
            Ok(schema::object::NestingMode::Map) => Type::map(obj),
            _ => obj,
        };
    }
    parse_type(&a.r#type).unwrap_or(Type::Dynamic)
}

/// A type from cty's type JSON bytes.
pub fn parse_type(bytes: &[u8]) -> Option<Type> {
    serde_json::from_slice(bytes)
        .ok()
        .and_then(|j| type_from_json(&j))
}

/// Where schemas are cached: `AUTOSTACK_PLUGIN_CACHE_DIR`, else the user's cache directory.
pub fn cache_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("AUTOSTACK_PLUGIN_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("autostack").join("plugins"))
}

/// The SHA-256 of the executable at `path` (hex), remembered per path, size and mtime so a
/// large plugin is hashed once, not on every run.
pub fn executable_sha256(path: &Path, dir: &Path) -> std::io::Result<String> {
    let meta = std::fs::metadata(path)?;
    let mtime = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let canonical = std::fs::canonicalize(path)?;
    let stamp_key = hex(&Sha256::digest(format!(
        "{}\0{}\0{mtime}",
        canonical.display(),
        meta.len()
    )));
    let stamp = dir.join("stamps").join(stamp_key);
    if let Ok(known) = std::fs::read_to_string(&stamp) {
        return Ok(known.trim().to_string());
    }
    let sum = hex(&sha256_file(path)?);
    write_atomic(&stamp, sum.as_bytes());
    Ok(sum)
}

/// The SHA-256 of a file's bytes, read in 1 MiB pieces.
pub fn sha256_file(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finalize().to_vec());
        }
        hasher.update(&buf[..n]);
    }
}

/// The cached schema response of the plugin whose executable hashes to `sha256`.
pub fn load_cached(dir: &Path, sha256: &str) -> Option<v6::get_provider_schema::Response> {
    let bytes = std::fs::read(dir.join("schemas").join(format!("{sha256}.pb"))).ok()?;
    v6::get_provider_schema::Response::decode(bytes.as_slice()).ok()
}

/// Caches a schema response (best effort: a read-only cache only costs a plugin start).
pub fn store_cached(dir: &Path, sha256: &str, r: &v6::get_provider_schema::Response) {
    write_atomic(
        &dir.join("schemas").join(format!("{sha256}.pb")),
        &r.encode_to_vec(),
    );
}

fn write_atomic(path: &Path, bytes: &[u8]) {
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let tmp = parent.join(format!(".tmp-{}-{}", std::process::id(), fastrand_suffix()));
    if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

fn fastrand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
