//! Atoms of Go's regexp syntax: escapes, classes, Unicode names and repeat counts.

use super::{err, SyntaxError, BAD_ESCAPE, BAD_RANGE, MISSING_BRACKET, TRAILING_BACKSLASH};

/// A class that matches nothing (Go accepts e.g. `\p{Cs}`; valid UTF-8 has no surrogates).
const NOTHING: &str = r"[^\x{0}-\x{10FFFF}]";

/// Go 1.23's `unicode.Categories` keys.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

/// Go 1.23's `unicode.Scripts` keys (Unicode 15.0).
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nag_Mundari",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
];

/// POSIX class names Go accepts inside brackets.
pub(super) const POSIX: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Go's `parseRepeat`: `(min, max, end)`; max is -1 for `{n,}`; min is -1 when too big.
pub(super) fn parse_repeat(src: &str, start: usize) -> Option<(i64, i64, usize)> {
    let b = src.as_bytes();
    let mut i = start + 1;
    let (mut min, next) = parse_int(b, i)?;
    i = next;
    let max;
    match b.get(i)? {
        b',' => {
            i += 1;
            if *b.get(i)? == b'}' {
                max = -1;
            } else {
                let (m, next) = parse_int(b, i)?;
                i = next;
                max = m;
                if m < 0 {
                    min = -1;
                }
            }
        }
        _ => max = min,
    }
    (*b.get(i)? == b'}').then_some((min, max, i + 1))
}

/// Go's `parseInt`: decimal digits without leading zeros; -1 when too large.
fn parse_int(b: &[u8], start: usize) -> Option<(i64, usize)> {
    let first = *b.get(start)?;
    if !first.is_ascii_digit() {
        return None;
    }
    if first == b'0' && b.get(start + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut end = start;
    while b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    let mut n: i64 = 0;
    for d in &b[start..end] {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(d - b'0');
    }
    Some((n, end))
}

pub(super) fn count_op(min: i64, max: i64) -> String {
    match max {
        -1 => format!("{{{min},}}"),
        m if m == min => format!("{{{min}}}"),
        m => format!("{{{min},{m}}}"),
    }
}

/// The smallest `n` for which Go's `repeatIsValid(re, n)` holds.
pub(super) fn count_cost(min: i64, max: i64, sub: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let m = u64::try_from(if max < 0 { min } else { max }).unwrap_or(0);
    if m == 0 {
        sub
    } else {
        m.max(m.saturating_mul(sub))
    }
}

/// A literal code point for the `regex` crate (surrogates can never match).
pub(super) fn literal(c: u32) -> String {
    match char::from_u32(c) {
        Some(ch) if ch.is_ascii_alphanumeric() => ch.to_string(),
        Some(_) => format!("\\x{{{c:X}}}"),
        None => NOTHING.to_string(),
    }
}

/// A class range, leaving out surrogates.
pub(super) fn class_range(lo: u32, hi: u32) -> String {
    let lo = if (0xD800..=0xDFFF).contains(&lo) {
        0xE000
    } else {
        lo
    };
    let hi = if (0xD800..=0xDFFF).contains(&hi) {
        0xD7FF
    } else {
        hi
    };
    if lo > hi {
        return NOTHING.to_string();
    }
    if lo == hi {
        return literal(lo);
    }
    format!("{}-{}", literal(lo), literal(hi))
}

/// `\d \D \s \S \w \W` with Go's ASCII meanings, for use outside or inside a class.
pub(super) fn perl_class(s: &str, in_class: bool) -> Option<&'static str> {
    let b = s.as_bytes();
    if b.first() != Some(&b'\\') {
        return None;
    }
    Some(match (b.get(1)?, in_class) {
        (b'd', true) => "0-9",
        (b'd', false) => "[0-9]",
        (b'D', _) => "[^0-9]",
        (b's', true) => r"\t\n\x0C\r ",
        (b's', false) => r"[\t\n\x0C\r ]",
        (b'S', _) => r"[^\t\n\x0C\r ]",
        (b'w', true) => "0-9A-Za-z_",
        (b'w', false) => "[0-9A-Za-z_]",
        (b'W', _) => "[^0-9A-Za-z_]",
        _ => return None,
    })
}

/// `\pX`, `\p{Name}`, `\PX`, `\p{^Name}` with Go 1.23's names; `(text, bytes used)`.
pub(super) fn unicode_class(s: &str) -> Result<Option<(String, usize)>, SyntaxError> {
    let negated = match s.as_bytes() {
        [b'\\', b'p', ..] => false,
        [b'\\', b'P', ..] => true,
        _ => return Ok(None),
    };
    let (seq, mut name) = match s[2..].chars().next() {
        Some('{') => match s.find('}') {
            Some(end) => (&s[..=end], &s[3..end]),
            None => return Err(err(BAD_RANGE, s)),
        },
        Some(c) => (&s[..2 + c.len_utf8()], &s[2..2 + c.len_utf8()]),
        None => (s, ""),
    };
    let mut negated = negated;
    if let Some(n) = name.strip_prefix('^') {
        negated = !negated;
        name = n;
    }
    let p = if negated { 'P' } else { 'p' };
    let text = if name == "Any" {
        format!("\\{p}{{Any}}")
    } else if name == "C" {
        let caret = if negated { "^" } else { "" };
        format!(r"[{caret}\p{{Cc}}\p{{Cf}}\p{{Co}}]")
    } else if name == "Cs" {
        if negated { r"\p{Any}" } else { NOTHING }.to_string()
    } else if CATEGORIES.contains(&name) {
        format!("\\{p}{{{name}}}")
    } else if SCRIPTS.contains(&name) {
        format!("\\{p}{{sc={name}}}")
    } else {
        return Err(err(BAD_RANGE, seq));
    };
    Ok(Some((text, seq.len())))
}

/// A character inside a class: an escape or a plain character; `(code point, bytes used)`.
pub(super) fn class_char(s: &str, whole: &str) -> Result<(u32, usize), SyntaxError> {
    match s.chars().next() {
        None => Err(err(MISSING_BRACKET, whole)),
        Some('\\') => escape(s),
        Some(c) => Ok((c as u32, c.len_utf8())),
    }
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

/// Go's `parseEscape` for a string starting with a backslash; `(code point, bytes used)`.
pub(super) fn escape(s: &str) -> Result<(u32, usize), SyntaxError> {
    let Some(c) = s.get(1..).and_then(|t| t.chars().next()) else {
        return Err(err(TRAILING_BACKSLASH, ""));
    };
    let mut end = 1 + c.len_utf8();
    let octal_at = |i: usize| {
        s.as_bytes()
            .get(i)
            .filter(|b| (b'0'..=b'7').contains(*b))
            .map(|b| u32::from(b - b'0'))
    };
    let value = match c {
        '1'..='7' if octal_at(end).is_none() => None,
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                let Some(d) = octal_at(end) else { break };
                r = r * 8 + d;
                end += 1;
            }
            Some(r)
        }
        'x' => return hex_escape(s),
        'a' => Some(7),
        'f' => Some(12),
        'n' => Some(10),
        'r' => Some(13),
        't' => Some(9),
        'v' => Some(11),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Some(c as u32),
        _ => None,
    };
    value
        .map(|r| (r, end))
        .ok_or_else(|| err(BAD_ESCAPE, &s[..end]))
}

/// `\xHH` and `\x{H...}`.
fn hex_escape(s: &str) -> Result<(u32, usize), SyntaxError> {
    let mut pos = 2;
    let mut next = || {
        let c = s[pos..].chars().next();
        pos += c.map_or(0, char::len_utf8);
        c
    };
    let first = next();
    let result = match first {
        Some('{') => {
            let mut r: u32 = 0;
            let mut n = 0;
            loop {
                match next() {
                    Some('}') if n > 0 => break Some(r),
                    Some(c) => match unhex(c) {
                        Some(v) if r * 16 + v <= 0x10FFFF => {
                            r = r * 16 + v;
                            n += 1;
                        }
                        _ => break None,
                    },
                    None => break None,
                }
            }
        }
        Some(c) => {
            let second = next();
            unhex(c)
                .zip(second.and_then(unhex))
                .map(|(x, y)| x * 16 + y)
        }
        None => None,
    };
    result
        .map(|r| (r, pos))
        .ok_or_else(|| err(BAD_ESCAPE, &s[..pos]))
}
