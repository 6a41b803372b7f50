//! IP network functions: cidrhost, cidrnetmask, cidrsubnet, cidrsubnets (IPv4 and IPv6).

use super::{rt, str_arg, CallCtx, FnError, FnResult, Function, Functions, Param, Ret};
use crate::value::{Number, Type, Value};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub(super) fn register(f: &mut Functions) {
    let p = |n| Param::new(n, Type::String);
    let n = |n| Param::new(n, Type::Number);
    f.add(
        "cidrhost",
        Function::new(
            vec![p("prefix"), n("hostnum")],
            Ret::Fixed(rt::string),
            cidrhost,
        ),
    );
    f.add(
        "cidrnetmask",
        Function::new(vec![p("prefix")], Ret::Fixed(rt::string), cidrnetmask),
    );
    f.add(
        "cidrsubnet",
        Function::new(
            vec![p("prefix"), n("newbits"), n("netnum")],
            Ret::Fixed(rt::string),
            cidrsubnet,
        ),
    );
    f.add(
        "cidrsubnets",
        Function::new(
            vec![p("prefix")],
            Ret::Fixed(|| Type::list(Type::String)),
            cidrsubnets,
        )
        .variadic(n("newbits")),
    );
}

/// A parsed network: address as u128, total bits (32/128), prefix length.
struct Net {
    addr: u128,
    bits: u32,
    prefix: u32,
}

fn parse(s: &str) -> Result<Net, FnError> {
    let (ip, len) = s.split_once('/').ok_or_else(|| {
        FnError::new(format!(
            "invalid CIDR expression: invalid CIDR address: {s}"
        ))
    })?;
    let ip: IpAddr = ip.parse().map_err(|_| {
        FnError::new(format!(
            "invalid CIDR expression: invalid CIDR address: {s}"
        ))
    })?;
    let (addr, bits) = match ip {
        IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    };
    let prefix: u32 = len.parse().ok().filter(|p| *p <= bits).ok_or_else(|| {
        FnError::new(format!(
            "invalid CIDR expression: invalid CIDR address: {s}"
        ))
    })?;
    let mask = mask(bits, prefix);
    Ok(Net {
        addr: addr & mask,
        bits,
        prefix,
    })
}

/// The network mask of a prefix, within `bits` address bits.
fn mask(bits: u32, prefix: u32) -> u128 {
    host_mask(bits, 0) & !host_mask(bits, prefix)
}

fn show(addr: u128, bits: u32) -> String {
    if bits == 32 {
        Ipv4Addr::from(addr as u32).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

fn int(v: &Value) -> BigInt {
    v.as_number()
        .and_then(Number::to_bigint)
        .unwrap_or_default()
}

fn cidrhost(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let net = parse(str_arg(a, 0))?;
    let hostnum = int(&a[1]);
    let host_bits = net.bits - net.prefix;
    let size = BigInt::from(1) << host_bits;
    let n = if hostnum.is_negative() {
        &size + &hostnum
    } else {
        hostnum.clone()
    };
    if n.is_negative() || n >= size {
        return Err(FnError::new(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            net.prefix
        )));
    }
    Ok(Value::string(show(
        net.addr | n.to_u128().unwrap_or(0),
        net.bits,
    )))
}

fn cidrnetmask(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let net = parse(str_arg(a, 0))?;
    if net.bits != 32 {
        return Err(FnError::new(format!(
            "IPv6 addresses cannot have a netmask: {}",
            str_arg(a, 0)
        )));
    }
    Ok(Value::string(show(mask(32, net.prefix), 32)))
}

fn subnet(net: &Net, newbits: i64, netnum: &BigInt) -> Result<Net, FnError> {
    let new_prefix = net.prefix as i64 + newbits;
    if newbits < 0 || new_prefix > net.bits as i64 {
        return Err(FnError::new(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.prefix
        )));
    }
    if netnum.is_negative() || *netnum >= (BigInt::from(1) << newbits as u32) {
        return Err(FnError::new(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        )));
    }
    let shift = net.bits - new_prefix as u32;
    let n = netnum.to_u128().unwrap_or(0);
    Ok(Net {
        addr: net.addr | (n.checked_shl(shift).unwrap_or(0)),
        bits: net.bits,
        prefix: new_prefix as u32,
    })
}

fn cidrsubnet(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let net = parse(str_arg(a, 0))?;
    let newbits = int(&a[1]).to_i64().unwrap_or(i64::MAX);
    let s = subnet(&net, newbits, &int(&a[2]))?;
    Ok(Value::string(format!(
        "{}/{}",
        show(s.addr, s.bits),
        s.prefix
    )))
}

fn host_mask(bits: u32, prefix: u32) -> u128 {
    let host = bits - prefix;
    if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    }
}

fn cidrsubnets(_: &CallCtx<'_>, a: &[Value]) -> FnResult {
    let net = parse(str_arg(a, 0))?;
    let end = net.addr | host_mask(net.bits, net.prefix);
    let mut next = Some(net.addr);
    let mut out: Vec<String> = Vec::new();
    for (i, nb) in a[1..].iter().enumerate() {
        let newbits = int(nb).to_i64().unwrap_or(i64::MAX);
        let prefix = net.prefix as i64 + newbits;
        if newbits < 1 || prefix > net.bits as i64 {
            return Err(FnError::arg(
                i + 1,
                format!(
                    "would extend prefix to {prefix} bits, which is too long for an IPv{} address",
                    if net.bits == 32 { 4 } else { 6 }
                ),
            ));
        }
        let span = host_mask(net.bits, prefix as u32);
        // The next subnet starts at the first address aligned to its size.
        let start = next.and_then(|n| {
            if n & span == 0 {
                Some(n)
            } else {
                (n | span).checked_add(1)
            }
        });
        let last = start.and_then(|s| s.checked_add(span));
        let (Some(start), Some(last)) = (start, last) else {
            return Err(not_enough(&net, prefix, &out, i + 1));
        };
        if last > end {
            return Err(not_enough(&net, prefix, &out, i + 1));
        }
        out.push(format!("{}/{}", show(start, net.bits), prefix));
        next = last.checked_add(1);
    }
    Ok(Value::list(
        Type::String,
        out.into_iter().map(Value::string).collect(),
    ))
}

fn not_enough(net: &Net, prefix: i64, out: &[String], arg: usize) -> FnError {
    let prev = out
        .last()
        .cloned()
        .unwrap_or_else(|| format!("{}/{}", show(net.addr, net.bits), net.prefix));
    FnError::arg(arg, format!("not enough remaining address space for a subnet with a prefix of {prefix} bits after {prev}"))
}
