//! Checks of a portable configuration beyond its schema, with diagnostics that say what is
//! accepted. Values unknown until apply are left alone (as every provider's `validate`).

use crate::images::Image;
use crate::schema::Kind;
use autostack_provider_sdk::attrs::{get, get_blocks};
use autostack_value::{Diagnostic, Diagnostics, Value};

/// The architectures a portable instance may ask for.
pub const ARCHES: [&str; 2] = ["x86_64", "arm64"];
/// The disk classes a portable disk may ask for.
pub const DISK_CLASSES: [&str; 3] = ["standard", "ssd", "premium"];
/// The protocols a firewall rule may open.
pub const PROTOCOLS: [&str; 4] = ["tcp", "udp", "icmp", "all"];

/// The configuration's problems, one diagnostic each.
pub fn validate(kind: Kind, config: &Value) -> Diagnostics {
    let mut v = Check::new(kind, config);
    match kind {
        Kind::Network => v.cidr("cidr_block"),
        Kind::Subnet => {
            v.cidr("cidr_block");
            v.whole("zone_index", 0, 15);
        }
        Kind::Firewall => firewall(&mut v, config),
        Kind::Instance => {
            v.number("vcpu", 0.5, 448.0);
            v.number("memory", 0.5, 24_576.0);
            v.one_of("arch", &ARCHES);
            let images: Vec<&str> = Image::ALL.iter().map(|i| i.name()).collect();
            v.one_of("image", &images);
            v.whole("root_disk_size", 8, 65_536);
        }
        Kind::Disk => {
            v.whole("size", 1, 65_536);
            v.one_of("class", &DISK_CLASSES);
        }
        Kind::Bucket => v.bucket_name(),
    }
    v.name();
    v.diags
}

fn firewall(v: &mut Check<'_>, config: &Value) {
    for (i, rule) in get_blocks(config, "ingress").iter().enumerate() {
        let at = format!("ingress[{i}]");
        let protocol = get(rule, "protocol").and_then(Value::as_str);
        if let Some(p) = protocol.filter(|p| !PROTOCOLS.contains(p)) {
            v.bad(
                &format!("{at}.protocol"),
                format!("{p:?} is not one of {}", PROTOCOLS.join(", ")),
            );
        }
        for port in get(rule, "ports").and_then(Value::as_seq).unwrap_or(&[]) {
            let n = port.as_number().map(|n| n.to_f64());
            if n.is_some_and(|n| !(0.0..=65535.0).contains(&n) || n.fract() != 0.0) {
                v.bad(
                    &format!("{at}.ports"),
                    "ports are whole numbers from 0 to 65535".into(),
                );
            }
        }
        for c in get(rule, "cidr_blocks")
            .and_then(Value::as_seq)
            .unwrap_or(&[])
        {
            if let Some(c) = c.as_str().filter(|c| c.parse::<ipnet::IpNet>().is_err()) {
                v.bad(
                    &format!("{at}.cidr_blocks"),
                    format!("{c:?} is not a CIDR block"),
                );
            }
        }
    }
}

struct Check<'a> {
    kind: Kind,
    config: &'a Value,
    diags: Diagnostics,
}

impl<'a> Check<'a> {
    fn new(kind: Kind, config: &'a Value) -> Check<'a> {
        Check {
            kind,
            config,
            diags: Diagnostics::new(),
        }
    }

    fn bad(&mut self, attr: &str, why: String) {
        self.diags.push(Diagnostic::error(
            format!("Invalid {attr} for {}", self.kind.name()),
            format!("{}: {why}.", attr),
            None,
        ));
    }

    /// The attribute when it is set and known.
    fn known(&self, attr: &str) -> Option<&'a Value> {
        get(self.config, attr).filter(|v| !v.is_null() && v.is_wholly_known())
    }

    fn cidr(&mut self, attr: &str) {
        let Some(s) = self.known(attr).and_then(Value::as_str) else {
            return;
        };
        match s.parse::<ipnet::Ipv4Net>() {
            Ok(n) if n.network() == n.addr() && (8..=28).contains(&n.prefix_len()) => {}
            Ok(_) => self.bad(attr, format!("{s:?} must be a network address with a prefix from /8 to /28 (e.g. 10.0.0.0/16)")),
            Err(_) => self.bad(attr, format!("{s:?} is not an IPv4 CIDR block (e.g. 10.0.0.0/16)")),
        }
    }

    fn number(&mut self, attr: &str, min: f64, max: f64) {
        let Some(n) = self.known(attr).and_then(|v| Some(v.as_number()?.to_f64())) else {
            return;
        };
        if !(min..=max).contains(&n) {
            self.bad(attr, format!("{n} is outside {min} to {max}"));
        }
    }

    fn whole(&mut self, attr: &str, min: i64, max: i64) {
        let Some(n) = self.known(attr).and_then(|v| Some(v.as_number()?.to_f64())) else {
            return;
        };
        if n.fract() != 0.0 || n < min as f64 || n > max as f64 {
            self.bad(
                attr,
                format!("{n} is not a whole number from {min} to {max}"),
            );
        }
    }

    fn one_of(&mut self, attr: &str, allowed: &[&str]) {
        let Some(s) = self.known(attr).and_then(Value::as_str) else {
            return;
        };
        if !allowed.contains(&s) {
            self.bad(attr, format!("{s:?} is not one of {}", allowed.join(", ")));
        }
    }

    /// Names become parts of concrete names on every cloud: the strictest rule of the three
    /// (GCE's) applies.
    fn name(&mut self) {
        if self.kind == Kind::Bucket {
            return;
        }
        let Some(s) = self.known("name").and_then(Value::as_str) else {
            return;
        };
        let ok = s.len() <= 40
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.ends_with('-');
        if !ok {
            self.bad("name", format!("{s:?} must be 1 to 40 lowercase letters, digits or dashes, starting with a letter and not ending with a dash"));
        }
    }

    /// Bucket names that every cloud accepts: 3 to 24 lowercase letters and digits (Azure
    /// storage accounts are the narrowest), dashes allowed where the cloud allows them.
    fn bucket_name(&mut self) {
        let Some(s) = self.known("name").and_then(Value::as_str) else {
            return;
        };
        let ok = (3..=63).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.ends_with('-');
        if !ok {
            self.bad("name", format!("{s:?} must be 3 to 63 lowercase letters, digits or dashes, starting and ending with a letter or digit"));
        }
    }
}
