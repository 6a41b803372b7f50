//! Plan symbols and colors (ANSI, off when not a terminal or with `-no-color`).

/// A change symbol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sym {
    /// No symbol (unchanged context).
    None,
    /// `+`.
    Create,
    /// `-`.
    Delete,
    /// `~`.
    Update,
}

/// Color settings.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Emit ANSI colors.
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// A symbol, colored.
    pub fn sym(&self, s: Sym) -> String {
        match s {
            Sym::None => " ".into(),
            Sym::Create => self.paint("32", "+"),
            Sym::Delete => self.paint("31", "-"),
            Sym::Update => self.paint("33", "~"),
        }
    }

    /// A resource-level action symbol, right-aligned to three columns.
    pub fn action(&self, sym: &str) -> String {
        let padded = format!("{sym:>3}");
        match sym {
            "+" => self.paint("32", &padded),
            "-" => self.paint("31", &padded),
            "~" => self.paint("33", &padded),
            "<=" => self.paint("36", &padded),
            "-/+" => format!("{}{}{}", self.paint("31", "-"), "/", self.paint("32", "+")),
            "+/-" => format!("{}{}{}", self.paint("32", "+"), "/", self.paint("31", "-")),
            _ => padded,
        }
    }

    /// A `# ...` comment.
    pub fn comment(&self, s: &str) -> String {
        self.paint("90", s)
    }

    /// Bold text.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}
