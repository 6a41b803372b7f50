//! A lossless lexer for HCL native syntax, producing the token kinds that `hclsyntax` does.
//!
//! Every byte of the input is either covered by exactly one token or is a space/tab between
//! tokens, so the formatter can rebuild the file from token text plus recomputed spacing.
//! Template content (quoted strings and heredocs) is split into literal chunks and the
//! `${`/`%{` sequences whose inner tokens are lexed like ordinary expression tokens.

use super::FormatError;

/// The kind of a lexical token; mirrors `hclsyntax.TokenType` where formatting cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    OQuote,
    CQuote,
    OHeredoc,
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    DoubleColon,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    TemplateInterp,
    TemplateControl,
    TemplateSeqEnd,
    QuotedLit,
    StringLit,
    NumberLit,
    Ident,
    Comment,
    Newline,
}

impl Kind {
    /// +1 for openers (including `${`/`%{`), -1 for closers, 0 otherwise.
    pub(super) fn bracket_change(self) -> i64 {
        match self {
            Kind::OBrace
            | Kind::OBrack
            | Kind::OParen
            | Kind::TemplateInterp
            | Kind::TemplateControl => 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen | Kind::TemplateSeqEnd => -1,
            _ => 0,
        }
    }
}

/// One token: its kind and its byte range in the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    /// The token's text within `src`.
    pub(super) fn text(self, src: &str) -> &str {
        &src[self.start..self.end]
    }

    /// True for a newline, or a `#`/`//` comment (which swallows its line ending).
    pub(super) fn ends_line(self, src: &str) -> bool {
        match self.kind {
            Kind::Newline => true,
            Kind::Comment => src.as_bytes()[self.end - 1] == b'\n',
            _ => false,
        }
    }
}

/// What the lexer is inside of; the top of the stack selects the scanning mode.
enum Frame {
    /// A `{` opened in expression mode.
    Brace,
    /// A `${` or `%{` sequence; its `}` returns to the enclosing template.
    Interp,
    /// A quoted template `"..."`, with the offset of its opening quote.
    Quoted { open: usize },
    /// A heredoc template: opener offset, marker byte range, whether a line just started.
    Heredoc {
        open: usize,
        marker: (usize, usize),
        start_of_line: bool,
    },
}

/// Splits `src` into tokens, or reports the first lexical error.
pub(super) fn lex(src: &str) -> Result<Vec<Token>, FormatError> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        // A leading byte-order mark is skipped like whitespace, as `hclsyntax` does.
        pos: if src.starts_with('\u{FEFF}') { 3 } else { 0 },
        stack: Vec::new(),
        tokens: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.tokens)
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    stack: Vec<Frame>,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn run(&mut self) -> Result<(), FormatError> {
        while self.pos < self.bytes.len() {
            match self.stack.last() {
                Some(Frame::Quoted { .. }) => self.quoted()?,
                Some(Frame::Heredoc { .. }) => self.heredoc(),
                _ => self.normal()?,
            }
        }
        self.check_unclosed()
    }

    fn check_unclosed(&self) -> Result<(), FormatError> {
        let open = self.stack.iter().rev().find_map(|frame| match frame {
            Frame::Quoted { open } | Frame::Heredoc { open, .. } => Some(*open),
            _ => None,
        });
        match open {
            Some(open) => Err(FormatError::at(
                self.src,
                open,
                "Unterminated template string: no closing marker was found for the string",
            )),
            None => Ok(()),
        }
    }

    fn push(&mut self, kind: Kind, len: usize) {
        self.tokens.push(Token {
            kind,
            start: self.pos,
            end: self.pos + len,
        });
        self.pos += len;
    }

    fn peek(&self, offset: usize) -> u8 {
        self.bytes.get(self.pos + offset).copied().unwrap_or(0)
    }

    fn error(&self, message: &str) -> FormatError {
        FormatError::at(self.src, self.pos, message)
    }

    /// Scans one token (or a run of spaces) in expression mode.
    fn normal(&mut self) -> Result<(), FormatError> {
        let c = self.peek(0);
        match c {
            b' ' | b'\t' => self.pos += 1,
            b'\n' => self.push(Kind::Newline, 1),
            b'\r' if self.peek(1) == b'\n' => self.push(Kind::Newline, 2),
            b'#' => self.line_comment(),
            b'/' if self.peek(1) == b'/' => self.line_comment(),
            b'/' if self.peek(1) == b'*' => self.block_comment()?,
            b'0'..=b'9' => self.number(),
            b'"' => {
                self.stack.push(Frame::Quoted { open: self.pos });
                self.push(Kind::OQuote, 1);
            }
            b'{' => {
                self.push(Kind::OBrace, 1);
                self.stack.push(Frame::Brace);
            }
            b'}' => self.close_brace(1),
            b'~' if self.peek(1) == b'}' && matches!(self.stack.last(), Some(Frame::Interp)) => {
                self.close_brace(2)
            }
            b'<' if self.peek(1) == b'<' && self.try_heredoc() => {}
            _ => return self.operator_or_ident(c),
        }
        Ok(())
    }

    fn operator_or_ident(&mut self, c: u8) -> Result<(), FormatError> {
        let next = self.peek(1);
        let (kind, len) = match (c, next) {
            (b'=', b'=') => (Kind::EqualOp, 2),
            (b'=', b'>') => (Kind::FatArrow, 2),
            (b'!', b'=') => (Kind::NotEqual, 2),
            (b'<', b'=') => (Kind::Le, 2),
            (b'>', b'=') => (Kind::Ge, 2),
            (b'&', b'&') => (Kind::And, 2),
            (b'|', b'|') => (Kind::Or, 2),
            (b':', b':') => (Kind::DoubleColon, 2),
            (b'.', b'.') if self.peek(2) == b'.' => (Kind::Ellipsis, 3),
            (b'=', _) => (Kind::Equal, 1),
            (b'!', _) => (Kind::Bang, 1),
            (b'<', _) => (Kind::Lt, 1),
            (b'>', _) => (Kind::Gt, 1),
            (b':', _) => (Kind::Colon, 1),
            (b'.', _) => (Kind::Dot, 1),
            (b'[', _) => (Kind::OBrack, 1),
            (b']', _) => (Kind::CBrack, 1),
            (b'(', _) => (Kind::OParen, 1),
            (b')', _) => (Kind::CParen, 1),
            (b',', _) => (Kind::Comma, 1),
            (b'?', _) => (Kind::Question, 1),
            (b'*', _) => (Kind::Star, 1),
            (b'/', _) => (Kind::Slash, 1),
            (b'+', _) => (Kind::Plus, 1),
            (b'-', _) => (Kind::Minus, 1),
            (b'%', _) => (Kind::Percent, 1),
            _ => return self.ident(),
        };
        self.push(kind, len);
        Ok(())
    }

    fn ident(&mut self) -> Result<(), FormatError> {
        let rest = &self.src[self.pos..];
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_ident_start(c) => {}
            Some((_, c)) => {
                let msg = format!(
                    "Invalid character: this character is not used within the language: {c:?}"
                );
                return Err(self.error(&msg));
            }
            None => return Err(self.error("Invalid character")),
        }
        let len = chars
            .find(|&(_, c)| !is_ident_continue(c))
            .map_or(rest.len(), |(i, _)| i);
        self.push(Kind::Ident, len);
        Ok(())
    }

    /// A number literal: digits, then any run of digits, `.` and exponents not ending in `.`.
    fn number(&mut self) {
        let mut i = 1;
        let mut end = 1;
        loop {
            match self.peek(i) {
                b'0'..=b'9' => {
                    i += 1;
                    end = i;
                }
                b'.' => i += 1,
                b'e' | b'E' => {
                    let sign = usize::from(matches!(self.peek(i + 1), b'+' | b'-'));
                    if !self.peek(i + 1 + sign).is_ascii_digit() {
                        break;
                    }
                    i += 2 + sign;
                    end = i;
                }
                _ => break,
            }
        }
        self.push(Kind::NumberLit, end);
    }

    fn line_comment(&mut self) {
        let rest = &self.bytes[self.pos..];
        let len = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        self.push(Kind::Comment, len);
    }

    fn block_comment(&mut self) -> Result<(), FormatError> {
        match self.src[self.pos + 2..].find("*/") {
            Some(i) => {
                self.push(Kind::Comment, i + 4);
                Ok(())
            }
            None => Err(self.error("Unterminated block comment")),
        }
    }

    fn close_brace(&mut self, len: usize) {
        match self.stack.last() {
            Some(Frame::Interp) => {
                self.stack.pop();
                self.push(Kind::TemplateSeqEnd, len);
            }
            Some(Frame::Brace) => {
                self.stack.pop();
                self.push(Kind::CBrace, len);
            }
            _ => self.push(Kind::CBrace, len),
        }
    }

    /// Recognises `<<EOT` / `<<-EOT` followed by a line ending.
    fn try_heredoc(&mut self) -> bool {
        let flush = usize::from(self.peek(2) == b'-');
        let name_start = self.pos + 2 + flush;
        let rest = &self.src[name_start..];
        let Some(first) = rest.chars().next() else {
            return false;
        };
        if !is_ident_start(first) {
            return false;
        }
        let name_len = rest
            .char_indices()
            .find(|&(_, c)| !is_ident_continue(c))
            .map_or(rest.len(), |(i, _)| i);
        let after = &rest.as_bytes()[name_len..];
        let eol = match after {
            [b'\n', ..] => 1,
            [b'\r', b'\n', ..] => 2,
            _ => return false,
        };
        let marker = (name_start, name_start + name_len);
        let total = 2 + flush + name_len + eol;
        self.stack.push(Frame::Heredoc {
            open: self.pos,
            marker,
            start_of_line: true,
        });
        self.push(Kind::OHeredoc, total);
        true
    }

    /// Scans a `${`/`%{` opener at the current position, if any.
    fn template_opener_len(&self) -> Option<(Kind, usize)> {
        let kind = match (self.peek(0), self.peek(1)) {
            (b'$', b'{') => Kind::TemplateInterp,
            (b'%', b'{') => Kind::TemplateControl,
            _ => return None,
        };
        let strip = usize::from(self.peek(2) == b'~');
        Some((kind, 2 + strip))
    }

    /// Length of heredoc literal text starting here: up to a line ending or a `${`/`%{`
    /// opener (a doubled `$${`/`%%{` is an escape and stays literal).
    fn heredoc_literal_len(&self) -> usize {
        let bytes = &self.bytes[self.pos..];
        let mut i = 0;
        while i < bytes.len() && bytes[i] != b'\n' {
            let b = bytes[i];
            if (b == b'$' || b == b'%') && bytes.get(i + 1) == Some(&b) {
                i += if bytes.get(i + 2) == Some(&b'{') {
                    3
                } else {
                    1
                };
            } else if (b == b'$' || b == b'%') && bytes.get(i + 1) == Some(&b'{') {
                break;
            } else {
                i += 1;
            }
        }
        i
    }

    /// Length of the next quoted-literal token, split as `hclsyntax` splits them: a lone
    /// `$`/`%`, an escaped `$${`/`%%{`, or a run of other characters and `\x` escapes.
    fn quoted_literal_len(&self) -> usize {
        let bytes = &self.bytes[self.pos..];
        let first = bytes[0];
        if first == b'$' || first == b'%' {
            if bytes.get(1) == Some(&first) && bytes.get(2) == Some(&b'{') {
                return 3 + usize::from(bytes.get(3) == Some(&b'~'));
            }
            return 1;
        }
        let mut i = 0;
        while i < bytes.len() && !b"$%\"\n\r".contains(&bytes[i]) {
            i += match bytes.get(i + 1) {
                Some(&next) if bytes[i] == b'\\' && next != b'\n' && next != b'\r' => {
                    1 + utf8_len(next)
                }
                _ => 1,
            };
        }
        i
    }

    /// Scans one piece of a quoted template.
    fn quoted(&mut self) -> Result<(), FormatError> {
        if let Some((kind, len)) = self.template_opener_len() {
            self.push(kind, len);
            self.stack.push(Frame::Interp);
            return Ok(());
        }
        match self.peek(0) {
            b'"' => {
                self.stack.pop();
                self.push(Kind::CQuote, 1);
            }
            b'\n' | b'\r' => return Err(self.error(
                "Invalid multi-line string: quoted strings may not be split over multiple lines",
            )),
            _ => {
                let len = self.quoted_literal_len();
                self.push(Kind::QuotedLit, len);
            }
        }
        Ok(())
    }

    /// Scans one piece of a heredoc template: an interpolation opener, a literal chunk, or
    /// the closing marker line (emitted as the marker token plus a newline token).
    fn heredoc(&mut self) {
        let Some(Frame::Heredoc {
            marker,
            start_of_line,
            ..
        }) = self.stack.last_mut()
        else {
            return;
        };
        let (marker, at_line_start) = (*marker, *start_of_line);
        if let Some((kind, len)) = self.template_opener_len() {
            self.set_start_of_line(false);
            self.push(kind, len);
            self.stack.push(Frame::Interp);
            return;
        }
        let len = self.heredoc_literal_len();
        let ends_line = self.peek(len) == b'\n';
        if !ends_line {
            self.set_start_of_line(false);
            self.push(Kind::StringLit, len);
            return;
        }
        let line = &self.src[self.pos..self.pos + len];
        let wanted = &self.src[marker.0..marker.1];
        if at_line_start && line.trim_matches(|c: char| c.is_ascii_whitespace()) == wanted {
            let cr = usize::from(line.ends_with('\r'));
            self.push(Kind::CHeredoc, len - cr);
            self.push(Kind::Newline, 1 + cr);
            self.stack.pop();
        } else {
            self.set_start_of_line(true);
            self.push(Kind::StringLit, len + 1);
        }
    }

    fn set_start_of_line(&mut self, value: bool) {
        if let Some(Frame::Heredoc { start_of_line, .. }) = self.stack.last_mut() {
            *start_of_line = value;
        }
    }
}

/// Byte length of the UTF-8 sequence introduced by `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// Identifier start: ASCII letter, `_`, or a non-ASCII letter.
pub(super) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!c.is_ascii() && c.is_alphabetic())
}

/// Identifier continuation: also digits, `-`, and non-ASCII letters, digits and marks.
pub(super) fn is_ident_continue(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_' || c == '-';
    }
    c.is_alphanumeric() || is_combining_mark(c)
}

/// The common blocks of combining marks (a subset of Unicode categories Mn/Mc).
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{3099}'..='\u{309A}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}')
}
