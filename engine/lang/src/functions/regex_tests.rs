//! Table tests for `regex`, `regexall` and Go's RE2 syntax; expected strings are
//! `terraform console` (v1.11) output.

use crate::functions::testkit::check_table;
use crate::functions::{CallCtx, CallError, Functions};
use crate::value::{Type, Value};

fn call(name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    let f = Functions::standard();
    let ctx = CallCtx {
        base_dir: ".".into(),
        functions: &f,
        plan_mode: false,
    };
    f.call(&ctx, name, args)
}

#[test]
fn regex_functions() {
    check_table(&[
            (r#"regex("[a-z]+", "53453453.345345aaabbbccc23454")"#, r#""aaabbbccc""#),
            (r#"regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")"#, "[\n  \"2019\",\n  \"02\",\n  \"01\",\n]"),
            (r#"regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")"#, "{\n  \"authority\" = \"terraform.io\"\n  \"scheme\" = \"https\"\n}"),
            (r#"regex("[a-z]+", "1234")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(a)|(b)", "b")"#, "[\n  tostring(null),\n  \"b\",\n]"),
            (r#"regex("(?P<a>a)|(?P<b>b)", "b")"#, "{\n  \"a\" = tostring(null)\n  \"b\" = \"b\"\n}"),
            (r#"regex("(a)(?P<b>b)", "ab")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: cannot mix both named and unnamed capture groups."#),
            (r#"regex("(", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (."#),
            (r#"regex("a{1001}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {1001}."#),
            (r#"regex("a**", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in **."#),
            (r#"regex("[z-a]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in z-a."#),
            (r#"regex("\\1", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \1."#),
            (r#"regex("\\Z", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \Z."#),
            (r#"regex("(?x)a", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?x."#),
            (r#"regex("(?<n>a)", "a")"#, "{\n  \"n\" = \"a\"\n}"),
            (r#"regex("(?P<n>a)(?P<n>b)", "ab")"#, "{\n  \"n\" = \"b\"\n}"),
            (r#"regex("(?P<>a)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?P<>."#),
            (r#"regex("[[:foo:]]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in [:foo:]."#),
            (r#"regex("\\pX", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \pX."#),
            (r#"regex("a)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: unexpected ) in a)."#),
            (r#"regex("[a", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in [a."#),
            (r#"regex("x\\", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: trailing backslash at end of expression in ."#),
            (r#"regex("\\d+", "١٢٣456")"#, r#""456""#),
            (r#"regex("\\w+", "héllo")"#, r#""h""#),
            (r#"regex("\\s+", "a\u00a0 b")"#, r#"" ""#),
            (r#"regex("\\bfoo\\b", "éfoo")"#, r#""foo""#),
            (r#"regex("[\\d]+", "a12")"#, r#""12""#),
            (r#"regex("\\Qa.b\\E+", "a.bbb")"#, r#""a.bbb""#),
            (r#"regex("\\<", "a<b")"#, r#""<""#),
            (r#"regex("[a&&b]+", "&&ab")"#, r#""&&ab""#),
            (r#"regex("[a[b]", "[")"#, r#""[""#),
            (r#"regex("\\101", "A")"#, r#""A""#),
            (r#"regex("\\0", "\u0000")"#, r#""\x00""#),
            (r#"regex("(?i)straße", "STRASSE")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(?U)a+", "aaa")"#, r#""a""#),
            (r#"regex("(?s).+", "a\nb")"#, "<<EOT\na\nb\nEOT"),
            (r#"regex("^b$", "a\nb")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(?m)^b$", "a\nb")"#, r#""b""#),
            (r#"regex("", "abc")"#, r#""""#),
            (r#"regex("a|", "b")"#, r#""""#),
            (r#"regex("[^a]", "é")"#, r#""é""#),
            (r#"regex("\\x{41}\\x42", "AB")"#, r#""AB""#),
            (r#"regex("\\pL+", "héllo1")"#, r#""héllo""#),
            (r#"regex("\\p{Greek}+", "aαβγ")"#, r#""αβγ""#),
            (r#"regex("[[:upper:]]+", "abCDe")"#, r#""CD""#),
            (r#"regex("a{2,}", "aaaa")"#, r#""aaaa""#),
            (r#"regex("a{,2}", "a{,2}")"#, r#""a{,2}""#),
            (r#"regex("a{2", "a{2")"#, r#""a{2""#),
            (r#"regex("(?i)K", "\u212a")"#, r#""K""#),
            (r#"regexall("[a-z]+", "1234abcd5678efgh9")"#, "tolist([\n  \"abcd\",\n  \"efgh\",\n])"),
            (r#"regexall("[a-z]+", "123456789")"#, r#"tolist([])"#),
            (r#"regexall("a*", "baaab")"#, "tolist([\n  \"\",\n  \"aaa\",\n  \"\",\n])"),
            (r#"regexall("(a)(b)?", "aab")"#, "tolist([\n  [\n    \"a\",\n    tostring(null),\n  ],\n  [\n    \"a\",\n    \"b\",\n  ],\n])"),
            (r#"regexall("(?P<x>a)", "aa")"#, "tolist([\n  {\n    \"x\" = \"a\"\n  },\n  {\n    \"x\" = \"a\"\n  },\n])"),
            (r#"regexall("", "héllo")"#, "tolist([\n  \"\",\n  \"\",\n  \"\",\n  \"\",\n  \"\",\n  \"\",\n])"),
            (r#"regexall("(", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (."#),
            (r#"regexall("\\b", "ab cd")"#, "tolist([\n  \"\",\n  \"\",\n  \"\",\n  \"\",\n])"),
            (r#"regex(null, "a")"#, r#"error: Invalid value for "pattern" parameter: argument must not be null."#),
            (r#"regex("a", 1)"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regexall(1, "1")"#, "tolist([\n  \"1\",\n])"),
            (r#"regex("(?i)É", "é")"#, r#""é""#),
            (r#"regex("[[:^alpha:]]+", "ab12")"#, r#""12""#),
            (r#"regex("(?-i)a", "a")"#, r#""a""#),
            (r#"regex("(?i-s:a.)", "A\n")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(?:a", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (?:a."#),
            (r#"regex("a{1000}", "a")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("a{2}{3}", "aaaaaa")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in {2}{3}."#),
            (r#"regex("a+*", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in +*."#),
            (r#"regex("*", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#),
            (r#"regex("(*)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#),
            (r#"regex("[]a]", "]")"#, r#""]""#),
            (r#"regex("[^]a]", "b")"#, r#""b""#),
            (r#"regex("[a-]", "-")"#, r#""-""#),
            (r#"regex("[\\w-z]", "-")"#, r#""-""#),
            (r#"regex("\\8", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \8."#),
            (r#"regex("\\C", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \C."#),
            (r#"regex("(?P<n!>a)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?P<n!>."#),
            (r#"regex("(?'n'a)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?'."#),
            (r#"regex("(?#c)a", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?#."#),
            (r#"regex("\\z", "a")"#, r#""""#),
            (r#"regex("\\A", "a")"#, r#""""#),
            (r#"regex("\\e", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \e."#),
            (r#"regex("[\\pL]", "é")"#, r#""é""#),
            (r#"regex("\\p{Foo}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Foo}."#),
            (r#"regex("[[:word:]]+", "a_1-")"#, r#""a_1""#),
            (r#"regex("\\v\\f", "\u000b\u000c")"#, r#""\v\f""#),
            (r#"regex("(?i)[k]", "\u212a")"#, r#""K""#),
            (r#"regex("a{0}", "b")"#, r#""""#),
            (r#"regex("\\.", "a.b")"#, r#"".""#),
            (r#"regex("\\-", "-")"#, r#""-""#),
            (r#"regex("\\_", "_")"#, r#""_""#),
            (r#"regex("[\\Q]\\E]", "]")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \Q."#),
            (r#"regex("\\p{greek}", "α")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{greek}."#),
            (r#"regex("\\p{Old_Italic}", "a")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("\\p{Letter}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Letter}."#),
            (r#"regex("\\p{Any}", "a")"#, r#""a""#),
            (r#"regex("\\p{LC}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{LC}."#),
            (r#"regex("\\p{Cn}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Cn}."#),
            (r#"regex("\\p{Han}", "中")"#, r#""中""#),
            (r#"regex("\\p{^Greek}", "α1")"#, r#""1""#),
            (r#"regex("\\P{^Greek}", "1α")"#, r#""α""#),
            (r#"regex("\\BA", "AA")"#, r#""A""#),
            (r#"regexall("\\B", "éa")"#, "tolist([\n  \"\",\n])"),
            (r#"regex("^*a", "a")"#, r#""a""#),
            (r#"regex("$*", "a")"#, r#""""#),
            (r#"regex("\\b+", "a")"#, r#""""#),
            (r#"regex("(?i)(?-i)*a", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#),
            (r#"regex("a(?i)*", "aa")"#, r#""aa""#),
            (r#"regex("(|a)+", "aa")"#, "[\n  \"\",\n]"),
            (r#"regex("()", "a")"#, "[\n  \"\",\n]"),
            (r#"regex("(?i)", "a")"#, r#""""#),
            (r#"regex("(?i)(a)(?-i:B)", "Ab")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(?i)(a)(?-i:B)", "AB")"#, "[\n  \"A\",\n]"),
            (r#"regex("((a){2}){501}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {501}."#),
            (r#"regex("(a{100}){10}", "a")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(a{100}){11}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {11}."#),
            (r#"regex("a{1000}{1}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in {1000}{1}."#),
            (r#"regex("a{2}*", "aaaa")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid nested repetition operator in {2}*."#),
            (r#"regex("x{0,1001}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {0,1001}."#),
            (r#"regex("x{2,1}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {2,1}."#),
            (r#"regex("x{01}", "x{01}")"#, r#""x{01}""#),
            (r#"regex("x{100000000}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {100000000}."#),
            (r#"regex("**", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#),
            (r#"regex("a|*", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#),
            (r#"regex("(?P<n", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid named capture in (?P<n."#),
            (r#"regex("(?P", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?P."#),
            (r#"regex("(?", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?."#),
            (r#"regex("(?i", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?i."#),
            (r#"regex("(?-)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?-)."#),
            (r#"regex("(?i-)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?i-)."#),
            (r#"regex("(?--i)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?--."#),
            (r#"regex("(?P=n)", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid or unsupported Perl syntax in (?P."#),
            (r#"regex("[a-\\d]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \d."#),
            (r#"regex("[\\b]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \b."#),
            (r#"regex("[\\x{110000}]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x{110000."#),
            (r#"regex("\\x{110000}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x{110000."#),
            (r#"regex("\\x{}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x{}."#),
            (r#"regex("\\xZ1", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \xZ1."#),
            (r#"regex("\\x", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x."#),
            (r#"regex("\\x1", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid escape sequence in \x1."#),
            (r#"regex("\\p{", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{."#),
            (r#"regex("\\p", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p."#),
            (r#"regex("[\\p{Foo}]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid character class range in \p{Foo}."#),
            (r#"regex("[^\\n]+", "ab\nc")"#, r#""ab""#),
            (r#"regex("[^a]", "\n")"#, "<<EOT\n\n\nEOT"),
            (r#"regex("a{,}", "a{,}")"#, r#""a{,}""#),
            (r#"regex("(?U)a+?", "aaa")"#, r#""aaa""#),
            (r#"regex("(?:a|ab)(c|bcd)(d*)", "abcd")"#, "[\n  \"bcd\",\n  \"\",\n]"),
            (r#"regexall("(a|ab)(c|bcd)(d*)", "abcd")"#, "tolist([\n  [\n    \"a\",\n    \"bcd\",\n    \"\",\n  ],\n])"),
            (r#"regex("[[:alpha:]-z]+", "a-z")"#, r#""a-z""#),
            (r#"regex("[a-a]", "a")"#, r#""a""#),
            (r#"regex("[]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in []."#),
            (r#"regex("[^]", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in [^]."#),
            (r#"regex("a{2}?b", "aab")"#, r#""aab""#),
            (r#"regex("a??", "a")"#, r#""""#),
            (r#"regex("a{1,2}?", "aa")"#, r#""a""#),
            (r#"regex("\\Qab", "ab")"#, r#""ab""#),
            (r#"regex("\\Q\\E*", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."#),
            (r#"regex("a\\Q\\E*", "aa")"#, r#""aa""#),
            (r#"regexall("(?m)^\\w+$", "ab\ncd\n")"#, "tolist([\n  \"ab\",\n  \"cd\",\n])"),
            (r#"regexall("a|", "baab")"#, "tolist([\n  \"\",\n  \"a\",\n  \"a\",\n  \"\",\n])"),
            (r#"regexall("\\d{2,3}", "1 12 1234 12345")"#, "tolist([\n  \"12\",\n  \"123\",\n  \"123\",\n  \"45\",\n])"),
            (r#"regexall("(?i)[a-c]+", "xAbCdaBc")"#, "tolist([\n  \"AbC\",\n  \"aBc\",\n])"),
            (r#"regex("(\\w+)@(\\w+)\\.com", "mail me: joe@example.com")"#, "[\n  \"joe\",\n  \"example\",\n]"),
            (r#"regex("(?P<user>\\w+)@(?P<host>\\w+)", "joe@example")"#, "{\n  \"host\" = \"example\"\n  \"user\" = \"joe\"\n}"),
            (r#"regex("(a)?b", "b")"#, "[\n  tostring(null),\n]"),
            (r#"regex("[^[:space:]]+", "  xy z")"#, r#""xy""#),
            (r#"regex("[\\x{1F600}-\\x{1F64F}]+", "hi 😀😁!")"#, r#""😀😁""#),
            (r#"regex("\\p{Lu}\\p{Ll}+", "hello World")"#, r#""World""#),
            (r#"regex("\\PL+", "abc123def")"#, r#""123""#),
            (r#"regex("(?s:a.b)", "a\nb")"#, "<<EOT\na\nb\nEOT"),
            (r#"regex("a.b", "a\nb")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("\\Ba\\B", "bab")"#, r#""a""#),
            (r#"regex("\\ba\\b", "b a b")"#, r#""a""#),
            (r#"regex("[\\d\\s]+", "ab1 2c")"#, r#""1 2""#),
            (r#"regex("[^\\d]+", "12ab3")"#, r#""ab""#),
            (r#"regex("[\\D]+", "12ab3")"#, r#""ab""#),
            (r#"regex("[\\W_]+", "ab_-!cd")"#, r#""_-!""#),
            (r#"regex("\\S+", " ab ")"#, r#""ab""#),
            (r#"regex("x*", "")"#, r#""""#),
            (r#"regexall("x*", "")"#, "tolist([\n  \"\",\n])"),
            (r#"regex("(|x)", "x")"#, "[\n  \"\",\n]"),
            (r#"regex("é+", "ééé")"#, r#""ééé""#),
            (r#"regex("(?i)é+", "ÉéÉ")"#, r#""ÉéÉ""#),
            (r#"regex("\\x41+", "AAA")"#, r#""AAA""#),
            (r#"regex("\\101\\102", "AB")"#, r#""AB""#),
            (r#"regex("[\\101-\\103]+", "ABCD")"#, r#""ABC""#),
            (r#"regex("\\00", "\u0000")"#, r#""\x00""#),
            (r#"regex("\\a\\t", "\u0007\t")"#, r#""\a\t""#),
            (r#"regex("[[:^digit:]]+", "12ab34")"#, r#""ab""#),
            (r#"regex("[[:alpha:][:digit:]]+", "-ab12-")"#, r#""ab12""#),
            (r#"regex("[[:alpha]]", "a")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("[a-z&&[^aeiou]]+", "&&")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("a~~b", "a~~b")"#, r#""a~~b""#),
            (r#"regex("a--b", "a--b")"#, r#""a--b""#),
            (r#"regex("(?i:Σ)+", "σςΣ")"#, r#""σςΣ""#),
            (r#"regex("(?m)$", "a\nb")"#, r#""""#),
            (r#"regex("(?U)(a+)(a*)", "aaa")"#, "[\n  \"a\",\n  \"\",\n]"),
            (r#"regex("(?U)(a+?)(a*)", "aaa")"#, "[\n  \"aaa\",\n  \"\",\n]"),
            (r#"regex("(?i)(?-i:a)A", "aa")"#, r#""aa""#),
            (r#"regex("a{,3}", "a{,3}")"#, r#""a{,3}""#),
            (r#"regex("a{3,}", "aaaa")"#, r#""aaaa""#),
            (r#"regex("a{1,1000}", "aa")"#, r#""aa""#),
            (r#"regex("(?:a{10}){100}", "a")"#, r#"error: Call to function "regex" failed: pattern did not match any part of the given string."#),
            (r#"regex("(?:a{10}){101}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {101}."#),
            (r#"regex("a{1001,}", "a")"#, r#"error: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {1001,}."#),
            (r#"regex("a{2}?", "aaa")"#, r#""aa""#),
            (r#"regex("x{2}{,3}", "xx{,3}")"#, r#""xx{,3}""#),
    ]);
}

#[test]
fn regex_unknowns_and_marks() {
    let s = |v: &str| Value::string(v);
    let unk = || Value::Unknown(Type::String);
    assert!(matches!(
        call("regex", vec![unk(), s("a")]),
        Ok(Value::Unknown(Type::Dynamic))
    ));
    assert!(matches!(
        call("regex", vec![s("(a)(b)"), unk()]),
        Ok(Value::Unknown(Type::Tuple(ts))) if ts.len() == 2
    ));
    assert!(matches!(
        call("regex", vec![s("a"), unk()]),
        Ok(Value::Unknown(Type::String))
    ));
    assert!(matches!(
        call("regexall", vec![s("(?P<x>a)"), unk()]),
        Ok(Value::Unknown(Type::List(t))) if matches!(*t, Type::Object(_))
    ));
    assert!(matches!(
        call("regexall", vec![unk(), s("a")]),
        Ok(Value::Unknown(Type::List(t))) if *t == Type::Dynamic
    ));
    // The pattern is checked even when the string is unknown.
    assert_eq!(
        call("regex", vec![s("("), unk()]).unwrap_err(),
        CallError::Arg(
            0,
            "Invalid value for \"pattern\" parameter: invalid regexp pattern: missing closing ) in (.".into()
        )
    );
    let r = call("regex", vec![s("b+"), s("abbc").sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive());
    assert_eq!(r.unmarked().as_str(), Some("bb"));
    let r = call("regexall", vec![s("b").sensitive(), s("abbc")]).expect("ok");
    assert!(r.marks().is_sensitive());
    assert_eq!(r.length(), Some(2));
}

#[test]
fn regex_translation_never_panics() {
    let inputs = [
        "",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "\\",
        "(?",
        "(?P",
        "(?P<",
        "(?<",
        "[[:",
        "[[:a",
        "\\p",
        "\\p{",
        "\\x",
        "\\x{",
        "\\x{1",
        "\\Q",
        "[\\",
        "[a-",
        "[a-\\",
        "a{1,",
        "a{1",
        "a{",
        "(?i-",
        "é\\",
        "[é-",
        "\\pé",
        "\\P{^}",
        "x{99999999999}",
        "((((",
        "))))",
        "|||",
        "[^",
        "\\8",
        "\\08",
        "[\\x{D800}-\\x{DFFF}]",
        "\\x{D800}",
        "(?i)[\\x{D7FF}-\\x{E000}]",
    ];
    for p in inputs {
        let _ = call("regexall", vec![s_val(p), s_val("abc é 123")]);
        let _ = call(
            "replace",
            vec![
                s_val("abc é 123"),
                s_val(&format!("/{p}/")),
                s_val("$1${x}$"),
            ],
        );
    }
}

fn s_val(v: &str) -> Value {
    Value::string(v)
}
