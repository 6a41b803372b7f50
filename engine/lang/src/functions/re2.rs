//! Go's `regexp/syntax` (RE2 with Perl flags, Go 1.23) for the `regex` crate: validates a
//! pattern with Go's rules and error messages, and rewrites it into an equivalent pattern.
//!
//! The rewrite makes every Go-specific meaning explicit: `\d`, `\s`, `\w` and `\b` are ASCII,
//! `\pX` names are Go's exact category/script names (`\p{Greek}` is the Script property, not
//! Script_Extensions), flags are applied per atom, punctuation and `{` are escaped, and all
//! groups become plain numbered groups (Go allows duplicate names; names are returned aside).

#[path = "re2_atoms.rs"]
mod atoms;
use atoms::{
    class_char, class_range, count_cost, count_op, escape, literal, parse_repeat, perl_class,
    unicode_class, POSIX,
};

/// A syntax error: Go's error code text and the offending part of the pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// e.g. `missing closing )`.
    pub code: &'static str,
    /// The part of the pattern Go reports.
    pub expr: String,
}

/// A pattern rewritten for the `regex` crate, with the names of its capture groups.
#[derive(Debug, Clone)]
pub struct Translated {
    /// The equivalent `regex`-crate pattern.
    pub pattern: String,
    /// Name of each capture group in order (empty for unnamed groups).
    pub names: Vec<String>,
}

pub(super) const MISSING_BRACKET: &str = "missing closing ]";
const MISSING_PAREN: &str = "missing closing )";
const UNEXPECTED_PAREN: &str = "unexpected )";
pub(super) const BAD_RANGE: &str = "invalid character class range";
pub(super) const BAD_ESCAPE: &str = "invalid escape sequence";
const BAD_NAMED: &str = "invalid named capture";
const BAD_PERL_OP: &str = "invalid or unsupported Perl syntax";
const BAD_REPEAT_OP: &str = "invalid nested repetition operator";
const BAD_REPEAT_SIZE: &str = "invalid repeat count";
const MISSING_REPEAT_ARG: &str = "missing argument to repetition operator";
pub(super) const TRAILING_BACKSLASH: &str = "trailing backslash at end of expression";
const NESTS_TOO_DEEPLY: &str = "expression nests too deeply";
const MAX_REPEAT: u64 = 1000;
const MAX_HEIGHT: u32 = 1000;

/// A syntax error with the given code and offending text.
pub(super) fn err(code: &'static str, expr: &str) -> SyntaxError {
    SyntaxError {
        code,
        expr: expr.to_string(),
    }
}

/// Parses Go syntax and returns the equivalent `regex`-crate pattern.
pub fn translate(src: &str) -> Result<Translated, SyntaxError> {
    let mut p = Parser {
        src,
        pos: 0,
        flags: Flags::default(),
        frames: vec![Frame::new(Flags::default(), None)],
        names: Vec::new(),
        last_repeat: None,
    };
    while p.pos < src.len() {
        let repeat = p.step()?;
        p.last_repeat = repeat;
    }
    if p.frames.len() != 1 {
        return Err(err(MISSING_PAREN, src));
    }
    let top = p.frames.pop().map(|f| f.alternation()).unwrap_or_default();
    if top.height > MAX_HEIGHT {
        return Err(err(NESTS_TOO_DEEPLY, src));
    }
    Ok(Translated {
        pattern: top.text,
        names: p.names,
    })
}

/// Go's parse flags (Perl mode: `OneLine` is on unless `(?m)`).
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    fold: bool,
    multi_line: bool,
    dot_nl: bool,
    non_greedy: bool,
}

/// A translated piece: its text (atomic), repeat cost (`repeatIsValid`) and tree height.
#[derive(Debug, Clone, Default)]
struct Node {
    text: String,
    cost: u64,
    height: u32,
    literal: bool,
}

impl Node {
    fn atom(text: String) -> Node {
        Node {
            text,
            cost: 0,
            height: 1,
            literal: false,
        }
    }
}

/// An open group: its alternatives so far, the flags to restore, and its capture index.
struct Frame {
    alts: Vec<Vec<Node>>,
    saved: Flags,
    capture: Option<usize>,
}

impl Frame {
    fn new(saved: Flags, capture: Option<usize>) -> Frame {
        Frame {
            alts: vec![Vec::new()],
            saved,
            capture,
        }
    }

    /// The group's content as one node (not yet wrapped in parentheses).
    fn alternation(self) -> Node {
        let n = self.alts.len();
        let branches: Vec<Node> = self.alts.into_iter().map(concat).collect();
        let cost = branches.iter().map(|b| b.cost).max().unwrap_or(0);
        let inner = branches.iter().map(|b| b.height).max().unwrap_or(1);
        let text = branches
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("|");
        Node {
            text,
            cost,
            height: if n > 1 { inner + 1 } else { inner },
            literal: false,
        }
    }
}

/// A concatenation; runs of literals count as one node for Go's tree height.
fn concat(nodes: Vec<Node>) -> Node {
    let mut parts = 0;
    let mut prev_literal = false;
    for n in &nodes {
        if !(n.literal && prev_literal) {
            parts += 1;
        }
        prev_literal = n.literal;
    }
    let inner = nodes.iter().map(|n| n.height).max().unwrap_or(1);
    Node {
        text: nodes.iter().map(|n| n.text.as_str()).collect(),
        cost: nodes.iter().map(|n| n.cost).max().unwrap_or(0),
        height: if parts > 1 { inner + 1 } else { inner },
        literal: false,
    }
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    flags: Flags,
    frames: Vec<Frame>,
    names: Vec<String>,
    last_repeat: Option<usize>,
}

/// The kinds of repetition.
#[derive(Clone, Copy)]
enum Rep {
    Star,
    Plus,
    Quest,
    Count(i64, i64),
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or_default()
    }

    fn push(&mut self, node: Node) {
        if let Some(alt) = self.frames.last_mut().and_then(|f| f.alts.last_mut()) {
            alt.push(node);
        }
    }

    /// An atom with the case-folding flag applied.
    fn push_atom(&mut self, text: String) {
        let text = if self.flags.fold {
            format!("(?i:{text})")
        } else {
            text
        };
        self.push(Node::atom(text));
    }

    fn push_literal(&mut self, c: u32) {
        self.push_atom(literal(c));
        if let Some(n) = self
            .frames
            .last_mut()
            .and_then(|f| f.alts.last_mut())
            .and_then(|a| a.last_mut())
        {
            n.literal = true;
        }
    }

    /// One iteration of Go's parse loop; returns where a repetition operator started.
    fn step(&mut self) -> Result<Option<usize>, SyntaxError> {
        let rest = self.rest();
        let Some(c) = rest.chars().next() else {
            return Ok(None);
        };
        match c {
            '(' if rest.starts_with("(?") => self.perl_flags()?,
            '(' => {
                self.names.push(String::new());
                let idx = self.names.len();
                self.frames.push(Frame::new(self.flags, Some(idx)));
                self.pos += 1;
            }
            '|' => {
                if let Some(f) = self.frames.last_mut() {
                    f.alts.push(Vec::new());
                }
                self.pos += 1;
            }
            ')' => self.close_group()?,
            '^' | '$' | '.' => {
                let text = match (c, self.flags.multi_line, self.flags.dot_nl) {
                    ('^', true, _) => "(?m:^)",
                    ('^', false, _) => "^",
                    ('$', true, _) => "(?m:$)",
                    ('$', false, _) => "$",
                    (_, _, true) => "(?s:.)",
                    _ => ".",
                };
                self.push(Node::atom(text.to_string()));
                self.pos += 1;
            }
            '[' => self.class()?,
            '*' | '+' | '?' => {
                let start = self.pos;
                let rep = match c {
                    '*' => Rep::Star,
                    '+' => Rep::Plus,
                    _ => Rep::Quest,
                };
                self.repeat(rep, start, start + 1)?;
                return Ok(Some(start));
            }
            '{' => return self.brace(),
            '\\' => self.backslash()?,
            _ => {
                self.pos += c.len_utf8();
                self.push_literal(c as u32);
            }
        }
        Ok(None)
    }

    /// `{n}`, `{n,}`, `{n,m}`; anything else makes `{` a literal.
    fn brace(&mut self) -> Result<Option<usize>, SyntaxError> {
        let start = self.pos;
        let Some((min, max, after)) = parse_repeat(self.src, start) else {
            self.pos += 1;
            self.push_literal('{' as u32);
            return Ok(None);
        };
        if !(0..=1000).contains(&min) || max > 1000 || (max >= 0 && min > max) {
            return Err(err(BAD_REPEAT_SIZE, &self.src[start..after]));
        }
        self.repeat(Rep::Count(min, max), start, after)?;
        Ok(Some(start))
    }

    /// Applies a repetition operator to the previous node (Go's `parser.repeat`).
    fn repeat(&mut self, rep: Rep, start: usize, after: usize) -> Result<(), SyntaxError> {
        let mut after = after;
        let mut non_greedy = self.flags.non_greedy;
        if self.src[after..].starts_with('?') {
            after += 1;
            non_greedy = !non_greedy;
        }
        if let Some(last) = self.last_repeat {
            return Err(err(BAD_REPEAT_OP, &self.src[last..after]));
        }
        let sub = self
            .frames
            .last_mut()
            .and_then(|f| f.alts.last_mut())
            .and_then(Vec::pop)
            .ok_or_else(|| err(MISSING_REPEAT_ARG, &self.src[start..after]))?;
        let (op, cost) = match rep {
            Rep::Star => ("*".to_string(), sub.cost),
            Rep::Plus => ("+".to_string(), sub.cost),
            Rep::Quest => ("?".to_string(), sub.cost),
            Rep::Count(min, max) => (count_op(min, max), count_cost(min, max, sub.cost)),
        };
        if let Rep::Count(min, max) = rep {
            if (min >= 2 || max >= 2) && cost > MAX_REPEAT {
                return Err(err(BAD_REPEAT_SIZE, &self.src[start..after]));
            }
        }
        let lazy = if non_greedy { "?" } else { "" };
        if sub.height >= MAX_HEIGHT {
            return Err(err(NESTS_TOO_DEEPLY, self.src));
        }
        self.push(Node {
            text: format!("(?:{}){op}{lazy}", sub.text),
            cost,
            height: sub.height + 1,
            literal: false,
        });
        self.pos = after;
        Ok(())
    }

    fn close_group(&mut self) -> Result<(), SyntaxError> {
        if self.frames.len() < 2 {
            return Err(err(UNEXPECTED_PAREN, self.src));
        }
        let Some(frame) = self.frames.pop() else {
            return Err(err(UNEXPECTED_PAREN, self.src));
        };
        self.flags = frame.saved;
        let capture = frame.capture.is_some();
        let mut node = frame.alternation();
        node.text = if capture {
            format!("({})", node.text)
        } else {
            format!("(?:{})", node.text)
        };
        if capture {
            node.height += 1;
        }
        if node.height > MAX_HEIGHT {
            return Err(err(NESTS_TOO_DEEPLY, self.src));
        }
        self.push(node);
        self.pos += 1;
        Ok(())
    }

    /// `(?P<name>`, `(?<name>`, `(?flags)` and `(?flags:`.
    fn perl_flags(&mut self) -> Result<(), SyntaxError> {
        let t = self.rest();
        let b = t.as_bytes();
        let with_p = b.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let with_name = b.len() > 3 && b[2] == b'<';
        if with_p || with_name {
            let name_start = if with_p { 4 } else { 3 };
            let Some(end) = t.find('>') else {
                return Err(err(BAD_NAMED, t));
            };
            let name = &t[name_start..end];
            if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric()) {
                return Err(err(BAD_NAMED, &t[..=end]));
            }
            self.names.push(name.to_string());
            let idx = self.names.len();
            self.frames.push(Frame::new(self.flags, Some(idx)));
            self.pos += end + 1;
            return Ok(());
        }
        let mut flags = self.flags;
        let mut negate = false;
        let mut saw = false;
        let mut i = 2;
        while let Some(c) = t[i..].chars().next() {
            i += c.len_utf8();
            match c {
                'i' => flags.fold = !negate,
                'm' => flags.multi_line = !negate,
                's' => flags.dot_nl = !negate,
                'U' => flags.non_greedy = !negate,
                '-' if !negate => {
                    negate = true;
                    saw = false;
                    continue;
                }
                ':' | ')' if !negate || saw => {
                    if c == ':' {
                        self.frames.push(Frame::new(self.flags, None));
                    }
                    self.flags = flags;
                    self.pos += i;
                    return Ok(());
                }
                _ => break,
            }
            saw = true;
        }
        Err(err(BAD_PERL_OP, &t[..i]))
    }

    /// Everything that starts with a backslash outside a class.
    fn backslash(&mut self) -> Result<(), SyntaxError> {
        let rest = self.rest();
        let special = match rest.as_bytes().get(1) {
            Some(b'A') => Some(r"\A"),
            Some(b'z') => Some(r"\z"),
            Some(b'b') => Some(r"(?-u:\b)"),
            Some(b'B') => Some(r"(?-u:\B)"),
            Some(b'C') => return Err(err(BAD_ESCAPE, &rest[..2])),
            Some(b'Q') => {
                let body = &rest[2..];
                let (lit, used) = match body.find(r"\E") {
                    Some(e) => (&body[..e], 2 + e + 2),
                    None => (body, rest.len()),
                };
                self.pos += used;
                for c in lit.chars() {
                    self.push_literal(c as u32);
                }
                return Ok(());
            }
            _ => None,
        };
        if let Some(text) = special {
            self.push(Node::atom(text.to_string()));
            self.pos += 2;
            return Ok(());
        }
        if let Some((text, used)) = unicode_class(rest)? {
            self.pos += used;
            self.push_atom(text);
            return Ok(());
        }
        if let Some(text) = perl_class(rest, false) {
            self.pos += 2;
            self.push_atom(text.to_string());
            return Ok(());
        }
        let (c, used) = escape(rest)?;
        self.pos += used;
        self.push_literal(c);
        Ok(())
    }

    /// A bracketed class (Go's `parseClass`).
    fn class(&mut self) -> Result<(), SyntaxError> {
        let whole = self.rest();
        let mut t = 1;
        let mut out = String::from("[");
        if whole[t..].starts_with('^') {
            out.push('^');
            t += 1;
        }
        let mut first = true;
        while first || !whole[t..].starts_with(']') {
            first = false;
            let rest = &whole[t..];
            if rest.len() > 2 && rest.starts_with("[:") {
                if let Some(end) = rest[2..].find(":]") {
                    let name = &rest[..end + 4];
                    let inner = &name[2..name.len() - 2];
                    let bare = inner.strip_prefix('^').unwrap_or(inner);
                    if !POSIX.contains(&bare) {
                        return Err(err(BAD_RANGE, name));
                    }
                    out.push_str(name);
                    t += name.len();
                    continue;
                }
            }
            if let Some((text, used)) = unicode_class(rest)? {
                out.push_str(&text);
                t += used;
                continue;
            }
            if let Some(text) = perl_class(rest, true) {
                out.push_str(text);
                t += 2;
                continue;
            }
            let (lo, used) = class_char(rest, whole)?;
            let mut hi = lo;
            let mut end = t + used;
            let after = &whole[end..];
            if after.len() >= 2 && after.starts_with('-') && !after[1..].starts_with(']') {
                let (h, used2) = class_char(&after[1..], whole)?;
                if h < lo {
                    return Err(err(BAD_RANGE, &whole[t..end + 1 + used2]));
                }
                hi = h;
                end += 1 + used2;
            }
            out.push_str(&class_range(lo, hi));
            t = end;
        }
        out.push(']');
        self.pos += t + 1;
        self.push_atom(out);
        Ok(())
    }
}
