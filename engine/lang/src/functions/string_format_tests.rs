//! Table tests for `format` and `formatlist`; expected strings are `terraform console`
//! (v1.11) output.

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
fn format_functions() {
    check_table(&[
            (r#"format("%v", true)"#, r#""true""#),
            (r#"format("%v", 1.5)"#, r#""1.5""#),
            (r#"format("%v", "x")"#, r#""x""#),
            (r#"format("%5v|", "é")"#, r#""    é|""#),
            (r#"format("%-5v|", 12)"#, r#""12   |""#),
            (r#"format("%05v", 12)"#, r#""00012""#),
            (r#"format("%v", {b=1, a="x"})"#, r#""{\"a\":\"x\",\"b\":1}""#),
            (r#"format("%v", tomap({b=1, a=2}))"#, r#""{\"a\":2,\"b\":1}""#),
            (r#"format("%v", toset(["b", "a"]))"#, r#""[\"a\",\"b\"]""#),
            (r#"format("%v", [null, tostring(null)])"#, r#""[null,null]""#),
            (r#"format("%#v", 0.1)"#, r#""0.1""#),
            (r#"format("%v", 1/0)"#, r#""+Inf""#),
            (r#"format("%#v", 1/0)"#, r#"error: Call to function "format" failed: unsupported value for "%#v" at 0: cannot serialize infinity as JSON."#),
            (r#"format("%f", 1/0)"#, r#""+Inf""#),
            (r#"format("%d", 1/0)"#, r#"error: Call to function "format" failed: unsupported value for "%d" at 0: an integer is required."#),
            (r#"format("%e", -1/0)"#, r#""-Inf""#),
            (r#"format("%08.2f", -1/0)"#, r#""    -Inf""#),
            (r#"format("% f", 1/0)"#, r#"" Inf""#),
            (r#"format("%+f", 1/0)"#, r#""+Inf""#),
            (r#"format("%q", "<a&b>")"#, r#""\"\\u003ca\\u0026b\\u003e\"""#),
            (r#"format("%q", "é\u2028\t\u0001")"#, r#""\"é\\u2028\\t\\u0001\"""#),
            (r#"format("%#v", "é\u2028\t\u0001\u007f")"#, r#""\"é\\u2028\\t\\u0001\x7f\"""#),
            (r#"format("%v", ["<"])"#, r#""[\"\\u003c\"]""#),
            (r#"format("%10q|", "ab")"#, r#""      \"ab\"|""#),
            (r#"format("%.1q", "abc")"#, r#""\"a\"""#),
            (r#"format("%.0s|", "abc")"#, r#""abc|""#),
            (r#"format("%.10s|", "abc")"#, r#""abc|""#),
            (r#"format("%5.1s|", "abc")"#, r#""    a|""#),
            (r#"format("%-05s|", "ab")"#, r#""ab000|""#),
            (r#"format("%s", 1.5)"#, r#""1.5""#),
            (r#"format("%s", true)"#, r#""true""#),
            (r#"format("%t", true)"#, r#""true""#),
            (r#"format("%5t|", true)"#, r#""true|""#),
            (r#"format("%f", 3)"#, r#""3.000000""#),
            (r#"format("%.3f", 2.0005)"#, r#""2.001""#),
            (r#"format("%.2f", 1.005)"#, r#""1.00""#),
            (r#"format("%.2f", 0.125)"#, r#""0.12""#),
            (r#"format("%.2f", 0.375)"#, r#""0.38""#),
            (r#"format("%.0f", 0.5)"#, r#""0""#),
            (r#"format("%.0f", 1.5)"#, r#""2""#),
            (r#"format("%.0f", -0.5)"#, r#""-0""#),
            (r#"format("%e", 0)"#, r#""0.000000e+00""#),
            (r#"format("%g", 0)"#, r#""0""#),
            (r#"format("%f", 0)"#, r#""0.000000""#),
            (r#"format("%f", -0)"#, r#""-0.000000""#),
            (r#"format("%v", -0)"#, r#""-0""#),
            (r#"format("%.3e", 1234.5678)"#, r#""1.235e+03""#),
            (r#"format("%10.3e|", 1234.5678)"#, r#"" 1.235e+03|""#),
            (r#"format("%-12.3e|", -1234.5678)"#, r#""-1.235e+03  |""#),
            (r#"format("%012.3e|", -1234.5678)"#, r#""-001.235e+03|""#),
            (r#"format("%+012.3e|", 1234.5678)"#, r#""+001.235e+03|""#),
            (r#"format("% .3e", 1234.5678)"#, r#"" 1.235e+03""#),
            (r#"format("%g", 123456.789)"#, r#""123456.789""#),
            (r#"format("%g", 1234567.89)"#, r#""1.23456789e+06""#),
            (r#"format("%g", 0.0001)"#, r#""0.0001""#),
            (r#"format("%g", 0.00001)"#, r#""1e-05""#),
            (r#"format("%.3g", 0.0001234)"#, r#""0.000123""#),
            (r#"format("%.1g", 150)"#, r#""2e+02""#),
            (r#"format("%.1g", 250)"#, r#""2e+02""#),
            (r#"format("%.0g", 123)"#, r#""1e+02""#),
            (r#"format("%G", 1.5e-20)"#, r#""1.5E-20""#),
            (r#"format("%#g", 1.5)"#, r#""1.5""#),
            (r#"format("%#.3f", 1)"#, r#""1.000""#),
            (r#"format("%x", 3.0)"#, r#""3""#),
            (r#"format("%08b", 5)"#, r#""00000101""#),
            (r#"format("%-8d|", 42)"#, r#""42      |""#),
            (r#"format("%-08d|", 42)"#, r#""42      |""#),
            (r#"format("%+08d", 42)"#, r#""+0000042""#),
            (r#"format("% 8d|", 42)"#, r#""      42|""#),
            (r#"format("%.5d", 42)"#, r#""00042""#),
            (r#"format("%8.5d|", -42)"#, r#""  -00042|""#),
            (r#"format("%08.5d|", 42)"#, r#""   00042|""#),
            (r#"format("%.0d|", 0)"#, r#""|""#),
            (r#"format("%5.0d|", 0)"#, r#""|""#),
            (r#"format("%#o", 8)"#, r#""010""#),
            (r#"format("%#b", 5)"#, r#""0b101""#),
            (r#"format("%#X", 255)"#, r#""0XFF""#),
            (r#"format("%#d", 255)"#, r#""255""#),
            (r#"format("%x", "255")"#, r#""ff""#),
            (r#"format("%d", "0x10")"#, r#"error: Call to function "format" failed: unsupported value for "%d" at 0: a number is required."#),
            (r#"format("%X", -1)"#, r#""-1""#),
            (r#"format("%d", -0)"#, r#""0""#),
            (r#"format("%[1]d %[1]x %[1]o", 64)"#, r#""64 40 100""#),
            (r#"format("%[2]d %d", 1, 2, 3)"#, r#""2 3""#),
            (r#"format("%[3]d", 1, 2)"#, r#"error: Call to function "format" failed: not enough arguments for "%[3]d" at 0: need index 3 but have 2 total."#),
            (r#"format("%[1]s %[1]s", "a", "b")"#, r#"error: Invalid value for "args" parameter: too many arguments; only 1 used by format string."#),
            (r#"format("%2$s", "a")"#, r#"error: Call to function "format" failed: unrecognized format character '$' at offset 2."#),
            (r#"format("%*d", 5, 1)"#, r#"error: Call to function "format" failed: unrecognized format character '*' at offset 1."#),
            (r#"format("%-[1]d", 1)"#, r#""1""#),
            (r#"format("%[1]-d", 1)"#, r#"error: Call to function "format" failed: unrecognized format character '-' at offset 4."#),
            (r#"format("%[1]5d|", 1)"#, r#"error: Call to function "format" failed: unrecognized format character '5' at offset 4."#),
            (r#"format("%5[1]d|", 1)"#, r#""    1|""#),
            (r#"format("%%")"#, r#""%""#),
            (r#"format("%%", 1)"#, r#"error: Invalid value for "args" parameter: too many arguments; no verbs in format string."#),
            (r#"format("100%% %s", "x")"#, r#""100% x""#),
            (r#"format("%5%")"#, r#"error: Call to function "format" failed: unrecognized format character '%' at offset 2."#),
            (r#"format("%c", 65)"#, r#"error: Call to function "format" failed: unsupported format verb 'c' in "%c" at offset 0."#),
            (r#"format("%U", 65)"#, r#"error: Call to function "format" failed: unsupported format verb 'U' in "%U" at offset 0."#),
            (r#"format("%p", 1)"#, r#"error: Call to function "format" failed: unsupported format verb 'p' in "%p" at offset 0."#),
            (r#"format("%T", 1)"#, r#"error: Call to function "format" failed: unsupported format verb 'T' in "%T" at offset 0."#),
            (r#"format("%v %v", 1)"#, r#"error: Call to function "format" failed: not enough arguments for "%v" at 3: need index 2 but have 1 total."#),
            (r#"format("%s", sensitive("x"))"#, r#"(sensitive value)"#),
            (r#"format(sensitive("%s"), "x")"#, r#"(sensitive value)"#),
            (r#"format("%s", [sensitive(1)])"#, r#"error: Call to function "format" failed: unsupported value for "%s" at 0: string required."#),
            (r#"format("%v", [sensitive(1)])"#, r#"(sensitive value)"#),
            (r#"format("%v", {a=sensitive(1)})"#, r#"(sensitive value)"#),
            (r#"format("é%sé", "ü")"#, r#""éüé""#),
            (r#"format("%5s|", "a\u0301")"#, r#""    á|""#),
            (r#"format("%-3s|", "🇩🇪")"#, r#""🇩🇪  |""#),
            (r#"format("%.1s|", "🇩🇪x")"#, r#""🇩🇪|""#),
            (r#"format("%v", 100000000000000000000)"#, r#""1e+20""#),
            (r#"format("%v", 0.1)"#, r#""0.1""#),
            (r#"format("%v", 1e-7)"#, r#""1e-07""#),
            (r#"format("%v", 123456.5)"#, r#""123456.5""#),
            (r#"format("%v", 1234567.5)"#, r#""1.2345675e+06""#),
            (r#"format("%g", 1e100)"#, r#""1e+100""#),
            (r#"format("%f", pow(2,0.5))"#, r#""1.414214""#),
            (r#"format("%.20f", pow(2,0.5))"#, r#""1.41421356237309514547""#),
            (r#"format("%v", pow(2, 0.5))"#, r#""1.4142135623730951""#),
            (r#"format("%#v", pow(2, 0.5))"#, r#""1.4142135623730951""#),
            (r#"format("%.3v", 3.14159)"#, r#""3.14159""#),
            (r#"format("%.3v", "abcdef")"#, r#""abcdef""#),
            (r#"format("% v", 5)"#, r#""5""#),
            (r#"format("%+v", 5)"#, r#""5""#),
            (r#"format("%+s", "a")"#, r#""a""#),
            (r#"format("%#s", "a")"#, r#""a""#),
            (r#"format("%x", -3.5)"#, r#"error: Call to function "format" failed: unsupported value for "%x" at 0: an integer is required."#),
            (r#"format("%5.2[1]f|", 3.14159)"#, r#"" 3.14|""#),
            (r#"format("%.2[1]f|", 3.14159)"#, r#""3.14|""#),
            (r#"format("%[1].2f|", 3.14159)"#, r#"error: Call to function "format" failed: unrecognized format character '.' at offset 4."#),
            (r#"format("%5[1].2f|", 3.14159)"#, r#"error: Call to function "format" failed: unrecognized format character '.' at offset 5."#),
            (r#"format("%[1]", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 4."#),
            (r#"format("%[", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 2."#),
            (r#"format("%[1", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 3."#),
            (r#"format("%[a]d", 1)"#, r#"error: Call to function "format" failed: unrecognized format character 'a' at offset 2."#),
            (r#"format("%[01]d", 1)"#, r#"error: Call to function "format" failed: unrecognized format character '0' at offset 2."#),
            (r#"format("%05[1]d", 1)"#, r#""00001""#),
            (r#"format("%0[1]5d", 1)"#, r#"error: Call to function "format" failed: unrecognized format character '5' at offset 5."#),
            (r#"format("%.[1]d", 1)"#, r#""1""#),
            (r#"format("%-#+ 0x", 255)"#, r#""+0xff""#),
            (r#"format("%q", "\u007f\u0080\u00a0\u200b\ufeff")"#, r#""\"\x7f\u0080\u00a0\u200b\ufeff\"""#),
            (r#"format("%v", "\u2029")"#, r#""\u2029""#),
            (r#"format("%#v", true)"#, r#""true""#),
            (r#"format("%#v", null)"#, r#"(known after apply)"#),
            (r#"format("%v", tolist([]))"#, r#""[]""#),
            (r#"format("%v", {})"#, r#""{}""#),
            (r#"format("%#v", [1.5, "x", true, {}])"#, r#""[1.5,\"x\",true,{}]""#),
            (r#"format("%v", [[1], {a=[2]}])"#, r#""[[1],{\"a\":[2]}]""#),
            (r#"format("%s%s", "a")"#, r#"error: Call to function "format" failed: not enough arguments for "%s" at 2: need index 2 but have 1 total."#),
            (r#"format("%d%d", 1, "x")"#, r#"error: Call to function "format" failed: unsupported value for "%d" at 2: a number is required."#),
            (r#"format("%d %s", "x")"#, r#"error: Call to function "format" failed: unsupported value for "%d" at 0: a number is required."#),
            (r#"format("a%", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 2."#),
            (r#"format("%-", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 2."#),
            (r#"format("%5", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 2."#),
            (r#"format("%5.", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 3."#),
            (r#"format("%.2", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 3."#),
            (r#"format("%0", 1)"#, r#"error: Call to function "format" failed: invalid format string starting at offset 2."#),
            (r#"format("%é", 1)"#, r#"error: Call to function "format" failed: unrecognized format character 'é' at offset 1."#),
            (r#"format("%!d", 1)"#, r#"error: Call to function "format" failed: unrecognized format character '!' at offset 1."#),
            (r#"format("é%ü", 1)"#, r#"error: Call to function "format" failed: unrecognized format character 'ü' at offset 3."#),
            (r#"format("%00d", 1)"#, r#""1""#),
            (r#"format("%01d", 1)"#, r#""1""#),
            (r#"format("%010d|", -5)"#, r#""-000000005|""#),
            (r#"format("%.d", 5)"#, r#""5""#),
            (r#"format("%.x", 0)"#, r#""""#),
            (r#"format("%10.4s|", "héllo wörld")"#, r#""      héll|""#),
            (r#"format("%v", tostring(null))"#, r#""null""#),
            (r#"format("%#v", tonumber(null))"#, r#""null""#),
            (r#"format("%d", tonumber(null))"#, r#"error: Call to function "format" failed: unsupported value for "%d" at 0: null value cannot be formatted."#),
            (r#"format("%t", "yes")"#, r#"error: Call to function "format" failed: unsupported value for "%t" at 0: a bool is required."#),
            (r#"format("%t", null)"#, r#"(known after apply)"#),
            (r#"format("%v", null, 1)"#, r#"(known after apply)"#),
            (r#"formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"])"#, "tolist([\n  \"Hello, Valentina!\",\n  \"Hello, Ander!\",\n  \"Hello, Olivia!\",\n  \"Hello, Sam!\",\n])"),
            (r#"formatlist("%s, %s%s", ["Salutations", "Valentines"], "friend", ["", "!"])"#, "tolist([\n  \"Salutations, friend\",\n  \"Valentines, friend!\",\n])"),
            (r#"formatlist("%s", [])"#, r#"tolist([])"#),
            (r#"formatlist("%s")"#, r#"error: Call to function "formatlist" failed: not enough arguments for "%s" at 0: need index 1 but have 0 total."#),
            (r#"formatlist("a")"#, "tolist([\n  \"a\",\n])"),
            (r#"formatlist("%s %s", ["a", "b"], ["c"])"#, r#"error: Invalid value for "args" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2."#),
            (r#"formatlist("%s %s %s", ["a"], "x", ["c", "d"])"#, r#"error: Invalid value for "args" parameter: argument 3 has length 2, which is inconsistent with argument 1 of length 1."#),
            (r#"formatlist("%s", toset(["b", "a"]))"#, "tolist([\n  \"a\",\n  \"b\",\n])"),
            (r#"formatlist("%s", "x")"#, "tolist([\n  \"x\",\n])"),
            (r#"formatlist("%d", ["x"])"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%d" at 0: a number is required."#),
            (r#"formatlist("%d", [1, "x"])"#, r#"error: Call to function "formatlist" failed: error on format iteration 1: unsupported value for "%d" at 0: a number is required."#),
            (r#"formatlist("%s", [null])"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%s" at 0: null value cannot be formatted."#),
            (r#"formatlist("%v", [null])"#, "tolist([\n  \"null\",\n])"),
            (r#"formatlist("%s", {a="b"})"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%s" at 0: string required."#),
            (r#"formatlist("%v", {a="b"})"#, "tolist([\n  \"{\\\"a\\\":\\\"b\\\"}\",\n])"),
            (r#"formatlist("%s", [["a"]])"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%s" at 0: string required."#),
            (r#"formatlist("%v", [["a"]])"#, "tolist([\n  \"[\\\"a\\\"]\",\n])"),
            (r#"formatlist("%s-%s", ["a", "b"], [])"#, r#"error: Invalid value for "args" parameter: argument 2 has length 0, which is inconsistent with argument 1 of length 2."#),
            (r#"formatlist("%s", [], [])"#, r#"tolist([])"#),
            (r#"formatlist("%s %s", "a", "b", "c")"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: too many arguments; only 2 used by format string."#),
            (r#"formatlist("%s", ["a"], "x")"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: too many arguments; only 1 used by format string."#),
            (r#"formatlist("", [])"#, r#"tolist([])"#),
            (r#"formatlist("%s", sensitive(["a", "b"]))"#, r#"(sensitive value)"#),
            (r#"formatlist("%s", [sensitive("a"), "b"])"#, r#"(sensitive value)"#),
            (r#"formatlist(null, ["a"])"#, r#"error: Invalid value for "format" parameter: argument must not be null."#),
            (r#"formatlist("%s", tolist(null))"#, r#"error: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%s" at 0: null value cannot be formatted."#),
            (r#"type(formatlist("%s", []))"#, r#"list(string)"#),
            (r#"formatlist("%[2]s", ["a"], ["b"])"#, "tolist([\n  \"b\",\n])"),
            (r#"format("%99999999999999999999d", 1)"#, r#""%!(NOVERB)%!(EXTRA *big.Int=1)""#),
            (r#"format("%[99999999999999999999]d", 1)"#, r#"error: Call to function "format" failed: not enough arguments for "%[99999999999999999999]d" at 0: need index 7766279631452241919 but have 1 total."#),
            (r#"format("%.99999999999999999999f", 1.5)"#, r#""%!(NOVERB)%!(EXTRA *big.Float=1.5)""#),
            (r#"format("%9999999999d", 1.5)"#, r#"error: Call to function "format" failed: unsupported value for "%9999999999d" at 0: an integer is required."#),
            (r#"format("%-5d|%5.1f|%-8.3e|%x", 42, 3.14159, 1234.5, 255)"#, r#""42   |  3.1|1.234e+03|ff""#),
            (r#"format("%08.3f", 3.14159)"#, r#""0003.142""#),
            (r#"format("%+.1e", -0.000123)"#, r#""-1.2e-04""#),
            (r#"format("%.2g", 0.000012345)"#, r#""1.2e-05""#),
            (r#"format("%g", 1e-5)"#, r#""1e-05""#),
            (r#"format("%G", 1e21)"#, r#""1E+21""#),
            (r#"format("%.0e", 5)"#, r#""5e+00""#),
            (r#"format("%.0e", 15)"#, r#""2e+01""#),
            (r#"format("%.0e", 25)"#, r#""2e+01""#),
            (r#"format("%#.0f", 1)"#, r#""1""#),
            (r#"format("%5.3s|", "abcdef")"#, r#""  abc|""#),
            (r#"format("%-5.3s|", "ab")"#, r#""ab   |""#),
            (r#"format("%05d", -42)"#, r#""-0042""#),
            (r#"format("%x", 1e20)"#, r#""56bc75e2d63100000""#),
            (r#"format("%o", -8)"#, r#""-10""#),
            (r#"format("%b", 0)"#, r#""0""#),
            (r#"format("%.3d", 0)"#, r#""000""#),
            (r#"format("%e", 1e-300)"#, r#""1.000000e-300""#),
            (r#"format("%.1f", 0.05)"#, r#""0.1""#),
            (r#"format("%.0f", 0.5000001)"#, r#""1""#),
            (r#"format("%v", 1e21)"#, r#""1e+21""#),
            (r#"format("%v", 123456789)"#, r#""1.23456789e+08""#),
            (r#"format("%v", 0.000001234)"#, r#""1.234e-06""#),
            (r#"format("%v", -1.5)"#, r#""-1.5""#),
            (r#"format("%5v|", -1.5)"#, r#"" -1.5|""#),
            (r#"format("%v %v %v", true, false, null)"#, r#"(known after apply)"#),
            (r#"format("%s%%", 50)"#, r#""50%""#),
            (r#"format("%[2]*d", 1, 2)"#, r#"error: Call to function "format" failed: unrecognized format character '*' at offset 4."#),
    ]);
}

/// needs exact Number: 512-bit values (1/3, 1e30, 0.1 as parsed by cty) and big integers.
#[test]
fn format_functions_exact_number() {
    check_table(&[
        (
            r#"format("%#v", 1e30)"#,
            r#""1000000000000000000000000000000""#,
        ),
        (
            r#"format("%s", 1e30)"#,
            r#""1000000000000000000000000000000""#,
        ),
        (
            r#"format("%s", 1/3)"#,
            r#""0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335""#,
        ),
        (r#"format("%.10g", 1/3)"#, r#""0.3333333333""#),
        (
            r#"format("%d", 12345678901234567890123)"#,
            r#""12345678901234567890123""#,
        ),
        (
            r#"format("%e", 12345678901234567890123)"#,
            r#""1.234568e+22""#,
        ),
        (
            r#"format("%.30e", 0.1)"#,
            r#""1.000000000000000000000000000000e-01""#,
        ),
        (
            r#"format("%.60f", 0.1)"#,
            r#""0.100000000000000000000000000000000000000000000000000000000000""#,
        ),
        (
            r#"format("%.25f", 1/3)"#,
            r#""0.3333333333333333333333333""#,
        ),
        (
            r#"format("%f", 1e30)"#,
            r#""1000000000000000000000000000000.000000""#,
        ),
        (
            r#"format("%v", 2/3)"#,
            r#""0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667""#,
        ),
        (
            r#"format("%#v", [1/3])"#,
            r#""[0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335]""#,
        ),
        (r#"format("%.3e", 9.9995)"#, r#""1.000e+01""#),
        (r#"format("%.2f", 9.995)"#, r#""10.00""#),
    ]);
}

#[test]
fn format_unknowns_and_marks() {
    let s = |v: &str| Value::string(v);
    let unk = || Value::Unknown(Type::String);
    assert!(matches!(
        call("format", vec![s("%s"), unk()]),
        Ok(Value::Unknown(Type::String))
    ));
    assert!(matches!(
        call("format", vec![s("%v"), Value::tuple(vec![unk()])]),
        Ok(Value::Unknown(Type::String))
    ));
    assert!(matches!(
        call("format", vec![s("%v"), Value::unknown()]),
        Ok(Value::Unknown(Type::Dynamic))
    ));
    assert!(matches!(
        call("format", vec![s("%v"), Value::null()]),
        Ok(Value::Unknown(Type::Dynamic))
    ));
    let r = call(
        "formatlist",
        vec![s("<%s>"), Value::tuple(vec![unk(), s("b")])],
    )
    .expect("ok");
    let items = r.as_seq().expect("list").to_vec();
    assert!(items[0].is_unknown());
    assert_eq!(items[1].as_str(), Some("<b>"));
    assert_eq!(r.ty(), Type::list(Type::String));
    assert!(matches!(
        call(
            "formatlist",
            vec![s("%s"), Value::Unknown(Type::list(Type::String))]
        ),
        Ok(Value::Unknown(Type::List(_)))
    ));
    let r = call("formatlist", vec![s("%s"), unk()]).expect("ok");
    assert!(r
        .as_seq()
        .is_some_and(|xs| xs.len() == 1 && xs[0].is_unknown()));
    let two = Value::tuple(vec![s("a"), s("b")]);
    assert_eq!(
        call(
            "formatlist",
            vec![s("%s%s"), Value::Unknown(Type::Tuple(vec![Type::String])), two]
        )
        .unwrap_err(),
        CallError::Arg(
            2,
            "Invalid value for \"args\" parameter: argument 2 has length 2, which is inconsistent with argument 1 of length 1.".into()
        )
    );
    let r = call("format", vec![s("%s-%s"), s("a"), s("b").sensitive()]).expect("ok");
    assert!(r.marks().is_sensitive());
    assert_eq!(r.unmarked().as_str(), Some("a-b"));
    let r = call(
        "formatlist",
        vec![s("%s"), Value::tuple(vec![s("a").sensitive()])],
    )
    .expect("ok");
    assert!(r.marks().is_sensitive());
}

#[test]
fn format_never_panics() {
    let fmts = [
        "%",
        "%%%",
        "%[",
        "%[9999999999999999999999]d",
        "%99999999999999999999d",
        "%.9999999999999999999f",
        "%-+# 0",
        "%é",
        "%[1]",
        "é%",
        "%ü",
        "%.",
        "%5.",
        "%[1]é",
    ];
    for f in fmts {
        let _ = call("format", vec![Value::string(f), Value::int(1)]);
        let _ = call(
            "formatlist",
            vec![Value::string(f), Value::tuple(vec![Value::int(1)])],
        );
    }
}
