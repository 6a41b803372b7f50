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
    pub fn sym(&self, s: Sym) -> &'static str {
        match (s, self.color) {
            (Sym::None, _) => " ",
            (Sym::Create, false) => "+",
            (Sym::Create, true) => "\x1b[32m+\x1b[0m",
            (Sym::Delete, false) => "-",
            (Sym::Delete, true) => "\x1b[31m-\x1b[0m",
            (Sym::Update, false) => "~",
            (Sym::Update, true) => "\x1b[33m~\x1b[0m",
        }
    }

    /// A resource-level action symbol, right-aligned to three columns.
    pub fn action(&self, sym: &str) -> &'static str {
        // Constants: a plan prints one per resource.
        let (plain, painted) = match sym {
            "" | " " => ("   ", "   "),
            "~>" => (" ~>", " ~>"),
            "+" => ("  +", "\x1b[32m  +\x1b[0m"),
            "-" => ("  -", "\x1b[31m  -\x1b[0m"),
            "~" => ("  ~", "\x1b[33m  ~\x1b[0m"),
            "<=" => (" <=", "\x1b[36m <=\x1b[0m"),
            "-/+" => ("-/+", "\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m"),
            "+/-" => ("+/-", "\x1b[32m+\x1b[0m/\x1b[31m-\x1b[0m"),
            _ => ("  ?", "  ?"),
        };
        if self.color {
            painted
        } else {
            plain
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
