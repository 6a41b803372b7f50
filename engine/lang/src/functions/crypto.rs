//! Hash and identifier functions: md5, sha1, sha256, sha512, base64sha256, base64sha512,
//! bcrypt, uuid, uuidv5.

use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{Number, Type, Value};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

/// Lower-case hex.
pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The digest functions by name, shared with the `file*` variants.
pub(crate) fn digest(kind: &str, bytes: &[u8]) -> String {
    match kind {
        "md5" => hex(&Md5::digest(bytes)),
        "sha1" => hex(&Sha1::digest(bytes)),
        "sha256" => hex(&Sha256::digest(bytes)),
        "sha512" => hex(&Sha512::digest(bytes)),
        "base64sha256" => STANDARD.encode(Sha256::digest(bytes)),
        _ => STANDARD.encode(Sha512::digest(bytes)),
    }
}

pub(super) fn register(f: &mut Functions) {
    let s = || vec![Param::new("str", Type::String)];
    f.add(
        "md5",
        Function::new(s(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(digest("md5", str_arg(a, 0).as_bytes())))
        }),
    );
    f.add(
        "sha1",
        Function::new(s(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(digest("sha1", str_arg(a, 0).as_bytes())))
        }),
    );
    f.add(
        "sha256",
        Function::new(s(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(digest("sha256", str_arg(a, 0).as_bytes())))
        }),
    );
    f.add(
        "sha512",
        Function::new(s(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(digest("sha512", str_arg(a, 0).as_bytes())))
        }),
    );
    f.add(
        "base64sha256",
        Function::new(s(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(digest(
                "base64sha256",
                str_arg(a, 0).as_bytes(),
            )))
        }),
    );
    f.add(
        "base64sha512",
        Function::new(s(), Ret::Fixed(rt::string), |_, a| {
            Ok(Value::string(digest(
                "base64sha512",
                str_arg(a, 0).as_bytes(),
            )))
        }),
    );
    f.add(
        "bcrypt",
        Function::new(s(), Ret::Fixed(rt::string), bcrypt)
            .variadic(Param::new("cost", Type::Number)),
    );
    f.add("uuid", Function::new(vec![], Ret::Fixed(rt::string), uuid));
    f.add(
        "uuidv5",
        Function::new(
            vec![
                Param::new("namespace", Type::String),
                Param::new("name", Type::String),
            ],
            Ret::Fixed(rt::string),
            uuidv5,
        ),
    );
}

fn bcrypt(ctx: &CallCtx<'_>, a: &[Value]) -> FnResult {
    if a.len() > 2 {
        return Err(FnError::new(format!(
            "bcrypt() takes no more than two arguments, but got {}",
            a.len()
        )));
    }
    let cost = match a.get(1) {
        Some(c) => c
            .as_number()
            .and_then(Number::to_i64)
            .ok_or_else(|| FnError::arg(1, "cost must be a whole number"))?,
        None => 10,
    };
    if ctx.plan_mode {
        return Ok(Value::Unknown(Type::String));
    }
    let hash = ::bcrypt::hash(str_arg(a, 0), cost as u32)
        .map_err(|e| FnError::new(format!("error occurred generating password {e}")))?;
    // Go's bcrypt writes the $2a$ prefix.
    Ok(Value::string(hash.replacen("$2b$", "$2a$", 1)))
}

fn uuid(ctx: &CallCtx<'_>, _: &[Value]) -> FnResult {
    if ctx.plan_mode {
        return Ok(Value::Unknown(Type::String));
    }
    Ok(Value::string(::uuid::Uuid::new_v4().to_string()))
}

fn uuidv5(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let ns = str_arg(a, 0);
    let namespace = match ns {
        "dns" => ::uuid::Uuid::NAMESPACE_DNS,
        "url" => ::uuid::Uuid::NAMESPACE_URL,
        "oid" => ::uuid::Uuid::NAMESPACE_OID,
        "x500" => ::uuid::Uuid::NAMESPACE_X500,
        other => ::uuid::Uuid::parse_str(other).map_err(|_| {
            FnError::new(format!(
                "uuidv5() doesn't support namespace {other} (invalid UUID length: {})",
                other.len()
            ))
        })?,
    };
    Ok(Value::string(
        ::uuid::Uuid::new_v5(&namespace, str_arg(a, 1).as_bytes()).to_string(),
    ))
}
