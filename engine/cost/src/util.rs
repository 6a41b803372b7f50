//! Small helpers shared by the modules: money rounding and formatting, glob matching, line:column.

/// Rounds a dollar amount to 6 decimal places so sums print without binary noise.
pub(crate) fn round_usd(x: f64) -> f64 {
    (x * 1_000_000.0).round() / 1_000_000.0
}

/// Formats dollars as `$1,234.56` (negative as `-$1.00`).
pub fn fmt_usd(x: f64) -> String {
    let cents = (x.abs() * 100.0).round() as u64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}${grouped}.{frac:02}")
}

/// Formats a delta with an explicit sign: `+$3.00`, `-$1.50`, `$0.00`.
pub fn fmt_delta(x: f64) -> String {
    if (x * 100.0).round() == 0.0 {
        "$0.00".to_string()
    } else if x > 0.0 {
        format!("+{}", fmt_usd(x))
    } else {
        fmt_usd(x)
    }
}

/// Formats a unit price with up to 6 significant decimals: `$0.0104`.
pub fn fmt_unit_price(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0');
    let s = if s.ends_with('.') {
        format!("{s}00")
    } else {
        s.to_string()
    };
    format!("${s}")
}

/// Formats a quantity without trailing zeros: `730`, `8`, `0.5`.
pub fn fmt_qty(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// Case-insensitive glob match where `*` matches any run of characters.
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let t: Vec<char> = text.to_lowercase().chars().collect();
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None, 0usize);
    while ti < t.len() {
        if pi < p.len() && p[pi] != '*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// 1-based line and column of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formatting() {
        for (x, want) in [
            (0.0, "$0.00"),
            (7.592, "$7.59"),
            (1234.5, "$1,234.50"),
            (-2.0, "-$2.00"),
            (1_000_000.0, "$1,000,000.00"),
        ] {
            assert_eq!(fmt_usd(x), want, "{x}");
        }
        assert_eq!(fmt_delta(3.0), "+$3.00");
        assert_eq!(fmt_delta(-0.001), "$0.00");
        assert_eq!(fmt_unit_price(0.0104), "$0.0104");
        assert_eq!(fmt_unit_price(2.0), "$2.00");
        assert_eq!(fmt_qty(730.0), "730");
        assert_eq!(fmt_qty(0.5), "0.5");
    }

    #[test]
    fn globs() {
        for (p, t, want) in [
            ("t3", "t3", true),
            ("T3", "t3", true),
            ("t*", "t3a", true),
            ("*v5", "Dsv5", true),
            ("m5", "m5a", false),
            ("*", "", true),
            ("a*b*c", "axxbyyc", true),
            ("a*b*c", "axxbyy", false),
        ] {
            assert_eq!(glob_match(p, t), want, "{p} ~ {t}");
        }
    }

    #[test]
    fn line_columns() {
        let t = "ab\ncd\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 4), (2, 2));
        assert_eq!(line_col(t, 99), (3, 1));
    }
}
