//! Rendering the difference of two values in Terraform's plan notation.
//!
//! Every line is produced with its own indentation and action symbol; attribute names in one
//! object are padded to a common width; unchanged parts of updates are hidden behind
//! `# (N unchanged ... hidden)` comments, as Terraform does.

use super::style::{Style, Sym};
use autostack_lang::value::display::quote;
use autostack_lang::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// How an attribute or element changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Present only after.
    Create,
    /// Present only before.
    Delete,
    /// Present on both sides, different.
    Update,
    /// Equal.
    NoOp,
}

/// Classifies a pair of optional values (nulls count as absent).
pub fn classify(before: Option<&Value>, after: Option<&Value>) -> Change {
    let b = before.filter(|v| !v.is_null());
    let a = after.filter(|v| !v.is_null() || v.is_unknown());
    match (b, a) {
        (None, None) => Change::NoOp,
        (None, Some(_)) => Change::Create,
        (Some(_), None) => Change::Delete,
        (Some(b), Some(a)) => {
            if autostack_provider_sdk::differs(b, a) || b.marks() != a.marks() {
                Change::Update
            } else {
                Change::NoOp
            }
        }
    }
}

/// The writer of plan lines.
pub struct Renderer<'a> {
    /// Output lines.
    pub out: String,
    /// Colors on or off.
    pub style: &'a Style,
}

/// `n` spaces, pushed without building them: a plan indents every line.
pub fn indent_to(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        left -= k;
    }
}

impl Renderer<'_> {
    fn line(&mut self, indent: usize, sym: Sym, text: &str) {
        self.start(indent, sym);
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Indentation and symbol of a line with a symbol, and the space after it.
    fn start(&mut self, indent: usize, sym: Sym) {
        indent_to(&mut self.out, indent);
        self.out.push_str(self.style.sym(sym));
        self.out.push(' ');
    }

    fn plain(&mut self, indent: usize, text: &str) {
        indent_to(&mut self.out, indent);
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Renders `name = value` for an attribute given both sides, with `width` padding.
    pub fn attr(
        &mut self,
        indent: usize,
        name: &str,
        width: usize,
        before: Option<&Value>,
        after: Option<&Value>,
        forces: bool,
    ) {
        let change = classify(before, after);
        let suffix = if forces {
            self.style.comment(" # forces replacement")
        } else {
            String::new()
        };
        let null = Value::null();
        let (text, tail) = match change {
            Change::NoOp => {
                let v = after.or(before).unwrap_or(&null);
                (self.inline_or_block(v, indent + 4, Sym::None), "")
            }
            Change::Create => {
                let v = after.unwrap_or(&null);
                (self.inline_or_block(v, indent + 4, Sym::Create), "")
            }
            Change::Delete => {
                let v = before.unwrap_or(&null);
                (self.inline_or_block(v, indent + 4, Sym::Delete), " -> null")
            }
            Change::Update => {
                let (b, a) = (before.unwrap_or(&null), after.unwrap_or(&null));
                (self.update_text(b, a, indent + 4, &suffix), "")
            }
        };
        match change {
            Change::NoOp => indent_to(&mut self.out, indent + 2),
            Change::Create => self.start(indent, Sym::Create),
            Change::Delete => self.start(indent, Sym::Delete),
            Change::Update => self.start(indent, Sym::Update),
        }
        let suffix = if change == Change::Update || change == Change::NoOp {
            ""
        } else {
            &suffix
        };
        let _ = writeln!(self.out, "{name:<width$} = {text}{tail}{suffix}");
    }

    /// The right-hand side of an updated attribute.
    fn update_text(&mut self, b: &Value, a: &Value, indent: usize, suffix: &str) -> String {
        if b.marks().is_sensitive() || a.marks().is_sensitive() {
            return format!("(sensitive value){suffix}");
        }
        if a.is_unknown() {
            let old = self.inline_or_block(b, indent, Sym::Delete);
            return format!("{old} -> (known after apply){suffix}");
        }
        match (b.unmarked(), a.unmarked()) {
            (Value::String(x), Value::String(y)) if x.contains('\n') || y.contains('\n') => {
                self.heredoc_diff(x, y, indent, suffix)
            }
            (x, y) if is_mapping(x) && is_mapping(y) => self.mapping_diff(x, y, indent, suffix),
            (x, y) if x.as_seq().is_some() && y.as_seq().is_some() => {
                self.seq_diff(x, y, indent, suffix)
            }
            _ => {
                let old = self.inline_or_block(b, indent, Sym::Delete);
                let new = self.inline_or_block(a, indent, Sym::Create);
                format!("{old} -> {new}{suffix}")
            }
        }
    }

    /// A value on one line, or an opening bracket with the body rendered below.
    pub fn inline_or_block(&mut self, v: &Value, indent: usize, sym: Sym) -> String {
        // Sensitive first: a sensitive value that is not known yet still shows as sensitive.
        if v.marks().is_sensitive() {
            return "(sensitive value)".into();
        }
        if v.is_unknown() {
            return "(known after apply)".into();
        }
        match v.unmarked() {
            Value::Null(_) => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) if s.contains('\n') => self.heredoc(s, indent, sym),
            Value::String(s) => quote(s),
            x if is_mapping(x) => self.mapping(x, indent, sym),
            x => self.seq(x.as_seq().unwrap_or_default(), indent, sym),
        }
    }

    fn heredoc(&mut self, s: &str, indent: usize, sym: Sym) -> String {
        let lines: Vec<&str> = s.strip_suffix('\n').unwrap_or(s).split('\n').collect();
        let mut text = String::from("<<-EOT\n");
        for l in lines {
            text.push_str(&" ".repeat(indent + 2));
            text.push_str(l);
            text.push('\n');
        }
        let _ = sym;
        text.push_str(&" ".repeat(indent - 2));
        text.push_str("EOT");
        text
    }

    fn heredoc_diff(&mut self, old: &str, new: &str, indent: usize, suffix: &str) -> String {
        let mut text = format!("<<-EOT{suffix}\n");
        let diff = similar::TextDiff::from_lines(old, new);
        for change in diff.iter_all_changes() {
            let line = change.value().trim_end_matches('\n');
            let (sym, pad) = match change.tag() {
                similar::ChangeTag::Equal => (String::new(), indent + 2),
                similar::ChangeTag::Delete => {
                    (self.style.sym(Sym::Delete).to_string() + " ", indent)
                }
                similar::ChangeTag::Insert => {
                    (self.style.sym(Sym::Create).to_string() + " ", indent)
                }
            };
            text.push_str(&format!("{}{sym}{line}\n", " ".repeat(pad)));
        }
        text.push_str(&" ".repeat(indent - 2));
        text.push_str("EOT");
        text
    }

    fn mapping(&mut self, v: &Value, indent: usize, sym: Sym) -> String {
        let entries = v.as_entries().cloned().unwrap_or_default();
        if entries.is_empty() {
            return "{}".into();
        }
        let quoted = matches!(v.unmarked(), Value::Map(..));
        let key = |k: &str| if quoted { quote(k) } else { k.to_string() };
        let width = entries
            .keys()
            .map(|k| key(k).chars().count())
            .max()
            .unwrap_or(0);
        let mut inner = Renderer {
            out: String::new(),
            style: self.style,
        };
        for (k, x) in &entries {
            if x.is_null() && sym != Sym::None {
                continue;
            }
            let text = inner.inline_or_block(x, indent + 4, sym);
            let label = format!("{:<width$} =", key(k));
            if sym == Sym::None {
                inner.plain(indent + 2, &format!("{label} {text}"));
            } else {
                inner.line(indent, sym, &format!("{label} {text}"));
            }
        }
        format!("{{\n{}{}}}", inner.out, " ".repeat(indent - 2))
    }

    fn seq(&mut self, xs: &[Value], indent: usize, sym: Sym) -> String {
        if xs.is_empty() {
            return "[]".into();
        }
        let mut inner = Renderer {
            out: String::new(),
            style: self.style,
        };
        for x in xs {
            let text = inner.inline_or_block(x, indent + 4, sym);
            if sym == Sym::None {
                inner.plain(indent + 2, &format!("{text},"));
            } else {
                inner.line(indent, sym, &format!("{text},"));
            }
        }
        format!("[\n{}{}]", inner.out, " ".repeat(indent - 2))
    }

    fn mapping_diff(&mut self, b: &Value, a: &Value, indent: usize, suffix: &str) -> String {
        let (bm, am) = (
            b.as_entries().cloned().unwrap_or_default(),
            a.as_entries().cloned().unwrap_or_default(),
        );
        let quoted = matches!(a.unmarked(), Value::Map(..));
        let key = |k: &str| if quoted { quote(k) } else { k.to_string() };
        let keys: BTreeSet<&String> = bm.keys().chain(am.keys()).collect();
        let shown: Vec<&&String> = keys
            .iter()
            .filter(|k| classify(bm.get(**k), am.get(**k)) != Change::NoOp)
            .collect();
        let width = shown
            .iter()
            .map(|k| key(k).chars().count())
            .max()
            .unwrap_or(0);
        let mut inner = Renderer {
            out: String::new(),
            style: self.style,
        };
        for k in &shown {
            inner.attr(indent, &key(k), width, bm.get(**k), am.get(**k), false);
        }
        let hidden = keys.len() - shown.len();
        if hidden > 0 {
            let what = if quoted { "element" } else { "attribute" };
            inner.plain(
                indent + 2,
                &self.style.comment(&format!(
                    "# ({hidden} unchanged {what}{} hidden)",
                    if hidden == 1 { "" } else { "s" }
                )),
            );
        }
        format!("{{{suffix}\n{}{}}}", inner.out, " ".repeat(indent - 2))
    }

    fn seq_diff(&mut self, b: &Value, a: &Value, indent: usize, suffix: &str) -> String {
        let (bs, as_) = (
            b.as_seq().unwrap_or_default(),
            a.as_seq().unwrap_or_default(),
        );
        let key = |v: &Value| autostack_lang::value::display::format_value(v, 0);
        let old: Vec<String> = bs.iter().map(key).collect();
        let new: Vec<String> = as_.iter().map(key).collect();
        let ops = similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new);
        let mut rows: Vec<(Change, &Value)> = Vec::new();
        for op in ops {
            for change in op.iter_changes(&old, &new) {
                let (tag, oi, ni) = (change.tag(), change.old_index(), change.new_index());
                match tag {
                    similar::ChangeTag::Equal => rows.push((Change::NoOp, &as_[ni.unwrap_or(0)])),
                    similar::ChangeTag::Delete => rows.push((Change::Delete, &bs[oi.unwrap_or(0)])),
                    similar::ChangeTag::Insert => {
                        rows.push((Change::Create, &as_[ni.unwrap_or(0)]))
                    }
                }
            }
        }
        let near_change = |i: usize| {
            rows[i.saturating_sub(1)..(i + 2).min(rows.len())]
                .iter()
                .any(|(c, _)| *c != Change::NoOp)
        };
        let mut inner = Renderer {
            out: String::new(),
            style: self.style,
        };
        let mut hidden = 0;
        let flush = |inner: &mut Renderer, hidden: &mut usize| {
            if *hidden > 0 {
                let text = inner.style.comment(&format!(
                    "# ({hidden} unchanged element{} hidden)",
                    if *hidden == 1 { "" } else { "s" }
                ));
                inner.plain(indent + 2, &text);
                *hidden = 0;
            }
        };
        for (i, (c, v)) in rows.iter().enumerate() {
            if *c == Change::NoOp && !near_change(i) {
                hidden += 1;
                continue;
            }
            flush(&mut inner, &mut hidden);
            match c {
                Change::NoOp => {
                    let t = inner.inline_or_block(v, indent + 4, Sym::None);
                    inner.plain(indent + 2, &format!("{t},"));
                }
                Change::Create | Change::Delete | Change::Update => {
                    let sym = if *c == Change::Create {
                        Sym::Create
                    } else {
                        Sym::Delete
                    };
                    let t = inner.inline_or_block(v, indent + 4, sym);
                    inner.line(indent, sym, &format!("{t},"));
                }
            }
        }
        flush(&mut inner, &mut hidden);
        format!("[{suffix}\n{}{}]", inner.out, " ".repeat(indent - 2))
    }
}

/// Objects and maps render with `{ }`.
pub fn is_mapping(v: &Value) -> bool {
    matches!(v.unmarked(), Value::Object(_) | Value::Map(..))
}
