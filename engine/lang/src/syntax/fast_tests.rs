//! The direct parser against hcl-edit: wherever it accepts text, the tree must be identical
//! (ranges included), and it must never accept text that hcl-edit rejects.

use super::body::Body;
use super::fast;
use super::lower::Lowerer;
use crate::diag::SourceFile;

/// `Some(accepted)` when both agree; panics on any difference.
fn compare(text: &str) -> bool {
    let file = SourceFile::new("t.tf", text);
    let l = Lowerer::new(&file);
    let mut direct = Body {
        range: file.range(0..text.len()),
        ..Body::default()
    };
    let accepted = fast::body_into(&l, text, &mut direct);
    match hcl_edit::parser::parse_body(text) {
        Ok(tree) => {
            let whole = Lowerer::new(&file).body(&tree, file.range(0..text.len()));
            let (a, b) = (format!("{direct:#?}"), format!("{whole:#?}"));
            if accepted && a != b {
                let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
                let i = (0..a.len())
                    .find(|&i| a.get(i) != b.get(i))
                    .unwrap_or(a.len());
                let from = i.saturating_sub(12);
                panic!(
                    "differs:\n{text}\ndirect:\n{}\nhcl-edit:\n{}",
                    a[from..(i + 3).min(a.len())].join("\n"),
                    b[from..(i + 3).min(b.len())].join("\n")
                );
            }
        }
        Err(e) => assert!(!accepted, "accepted invalid text ({e}):\n{text}"),
    }
    accepted
}

const ACCEPTED: &[&str] = &[
    "",
    "\n\n",
    "a = 1\n",
    "a = 1",
    "a = 1.5\nb = 0\nc = 10.25\n",
    "a = true\nb = false\nc = null\n",
    "a = \"x\"\nb = \"\"\nc = \"a\\\"b\\\\c\\nd\\te\"\n",
    "a = \"%s-%05d 100% $ x\"\n",
    "a = \"${x}\"\nb = \"p-${var.x}-s\"\nc = \"${ f(1) }${y}\"\n",
    "a = var.x\nb = local.tags.team\nc = x[0]\nd = x[\"k\"].y[1]\n",
    "a = f()\nb = f(1)\nc = f(1, \"a\", x.y)\nd = f(\n  1,\n  2,\n)\n",
    "a = [1, 2, 3]\nb = []\nc = [\n  1,\n  [2],\n]\n",
    "a = { x = 1, y = \"b\" }\nb = {}\nc = {\n  x = 1\n  \"y\" = 2\n  z : 3,\n}\n",
    "a = { k = { nested = [1, { z = f(q) }] } }\n",
    "# c\n// d\n/* e\n f */\na = 1 # trailing\nb = 2 // trailing\n",
    "resource \"a\" \"b\" {\n}\n",
    "resource \"a\" \"b\" {\n  x = 1\n}\n",
    "r a \"b\" {\n  x = 1\n  y = [1]\n  n {\n    z = 2\n  }\n  n {\n  }\n}\n\nq {\n}\n",
    "resource \"terraform_data\" \"r1\" {\n  for_each = local.regions\n  input = {\n    name = format(\"%s-1-%s\", var.prefix, each.key)\n    tags = merge(local.tags, { index = \"1\" })\n  }\n}\n",
    "variable \"prefix\" {\n  default = \"bench\"\n}\n\nlocals {\n  regions = toset([\"us-east-1\", \"eu-west-1\"])\n  tags    = { team = \"platform\" }\n}\n",
    "a = 1 + 2\nb = 1 + 2 * 3 - 4 / 5 % 6\nc = a == b && c != d || !e\nd = x < 1 || x >= 2 && y <= 3 || z > 4\n",
    "a = -1\nb = -1.5\nc = -x\nd = !x.y\ne = 1 - -1\nf = a -1\ng = -x * 2\nh = 1 - 2 - 3\n",
    "a = x ? 1 : 2\nb = x == 1 ? \"a\" : y ? 2 : 3\nc = x ? y ? 1 : 2 : 3\nd = f(x ? 1 : 2, [a ? b : c])\n",
    "a = (1)\nb = (1 + 2) * 3\nc = (x ? 1 : 2)\nd = -(1)\n",
    "a = [for x in y : x]\nb = [for i, x in range(3) : x * i if x != 1]\nc = {for k, v in m : k => v}\nd = {for k, v in m : upper(k) => v + 1 if v > 0}\n",
    "a = sum([for x in range(3) : x * 7])\nb = \"${x + 1}-${y ? \"a\" : \"b\"}\"\n",
    "a = x.y-1\nb = x -1\nc = x-1\nd = x - 1\ne = x[0]-1\n",
    "a = x // trailing\nb = 1 + 2 # trailing\nc = x / 2\n",
    "locals {\n  name_7 = format(\"%s-%05d\", var.prefix, 7)\n}\n\nresource \"terraform_data\" \"r7\" {\n  for_each = toset(local.regions)\n  input = {\n    name   = upper(local.name_7)\n    region = each.key\n    tags   = merge(local.tags, { index = \"7\" })\n    cidr   = cidrsubnet(\"10.0.0.0/8\", 16, 7)\n    sum    = sum([for x in range(3) : x * 7])\n  }\n}\n",
];

const DECLINED_OR_INVALID: &[&str] = &[
    "a = 1\na = 2\n",
    "a = { x = 1, x = 2 }\n",
    "a = { x = 1 y = 2 }\n",
    "a = [1 2]\n",
    "a = f(1 2)\n",
    "a = 1 +\n2\n",
    "a = 1\n+ 2\n",
    "a = 1 + + 2\n",
    "a = 1 --1\n",
    "a = - 1\n",
    "a = --1\n",
    "a = !!x\n",
    "a = 1 ++ 2\n",
    "a = 1 === 2\n",
    "a = 1 + /* c */ 2\n",
    "a = x ?\n1 : 2\n",
    "a = x ? 1\n",
    "a = (1\n)\n",
    "a = [for x in y : x...]\n",
    "a = {for k, v in y : k => v...}\n",
    "a = [for x in y : x if]\n",
    "a = [for in y : x]\n",
    "a = [for x y : x]\n",
    "a = [ for x in y : x]\n",
    "a = [for x in y :\n x]\n",
    "a = {for k in y : k}\n",
    "a = [for x in y : x]y\n",
    "a = 1 < 2 < 3\n",
    "a = 007\nb = 0.0\nc = 1.50\nd = 9223372036854775808\ne = -0\nf = -0.0\ng = 00.5\n",
    "for = 1\n",
    "in = 1\nif = 2\n",
    "true = 1\n",
    "null {\n}\n",
    "for \"x\" {\n}\n",
    "a- = 1\n",
    "a = b-\n",
    "a = x.in\nb = x.for\nc = x.true\n",
    "a = { in = 1 }\n",
    "a = { \"x\" = 1, x = 2 }\n",
    "a = [for x in y : x ? 1 : 2]\n",
    "a = [for x in provider::f() : x]\n",
    "a = \"${f(\"}\")}\"\n",
    "a = \"$\"\nb = \"%\"\nc = \"a$b%c\"\nd = \"$${\"\n",
    "a = \"x\" # \"\n",
    "a = [\n  # c\n  1, // d\n  2 /* e */,\n]\n",
    "b \"x\" y {\n}\n",
    "b \"x\"{\n}\n",
    "b{\n}\n",
    "a=1\nb =2\nc= 3\n",
    "a = x => y\n",
    "a = 1e3\n",
    "a = 1.\n",
    "a = x.0\n",
    "a = x[*].y\n",
    "a = x.*.y\n",
    "a = x[y]\n",
    "a = f(x...)\n",
    "a = [for x in y : x]\n",
    "a = {for k, v in y : k => v}\n",
    "a = \"${x\"\n",
    "a = \"x\n",
    "a = \"%{ if x }y%{ endif }\"\n",
    "a = \"$${x}\"\n",
    "a = \"\\u0041\"\n",
    "a = <<EOT\nx\nEOT\n",
    "a = (1)\n",
    "a = true.x\n",
    "a = { for = 1 }\n",
    "a = 1 b = 2\n",
    "b { x = 1 }\n",
    "b {\n  x = 1 }\n",
    "b {\n}\nc = 1 }\n",
    "}\n",
    "b {\n",
    "a = \n",
    "a = caf\u{e9}\n",
    "a\t= 1\n",
    "a = 1\r\n",
    "a = x. y\n",
    "a = f (1)\n",
    "a = 01x\n",
    "a = [1,,2]\n",
    "a = {,}\n",
    "a = \"${~ x}\"\n",
    "a = /* c */ 1\n",
    "a = x /* c */\n",
];

#[test]
fn direct_parser_matches_hcl_edit_where_it_accepts() {
    for text in ACCEPTED {
        assert!(compare(text), "declined:\n{text}");
    }
    for text in DECLINED_OR_INVALID {
        compare(text);
    }
}

#[test]
fn direct_parser_matches_hcl_edit_on_the_repository_configurations() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut stack = vec![root];
    let (mut files, mut accepted) = (0, 0);
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() && !name.starts_with('.') && name != "target" {
                stack.push(p);
            } else if name.ends_with(".tf") {
                if let Ok(text) = std::fs::read_to_string(&p) {
                    files += 1;
                    accepted += usize::from(compare(&text));
                }
            }
        }
    }
    eprintln!("direct parser accepted {accepted} of {files} repository files");
    assert!(files > 0 && accepted > 0, "{accepted} of {files}");
}

/// A large file goes through the splitter and the direct parser, chunk by chunk.
#[test]
fn large_files_parse_directly_in_pieces_like_hcl_edit_whole() {
    let mut text = String::from("locals {\n  tags = { team = \"platform\" }\n}\n\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "resource \"terraform_data\" \"r{i}\" {{\n  for_each = local.regions\n  input = {{\n    name = format(\"%s-{i}-%s\", var.prefix, each.key)\n    tags = merge(local.tags, {{ index = \"${{i}}\" }})\n  }}\n}}\n\n"
        ));
    }
    assert!(super::split::chunks(&text).len() > 2);
    assert!(compare(&text));
    let file = SourceFile::new("t.tf", text.as_str());
    let pieces = super::parse_file(&file).expect("parses");
    let tree = hcl_edit::parser::parse_body(&text).expect("parses");
    let whole = Lowerer::new(&file).body(&tree, file.range(0..text.len()));
    assert!(format!("{pieces:?}") == format!("{whole:?}"));
}

/// hcl-edit bounds nesting (64 levels) and operators (128 on a path); the direct parser
/// leaves such input to it.
#[test]
fn deep_input_is_left_to_hcl_edit() {
    for n in [20, 31, 40, 64, 65, 70, 200] {
        for (open, close) in [
            ("[", "]"),
            ("{a = ", "}"),
            ("f(", ")"),
            ("(", ")"),
            ("\"${", "}\""),
        ] {
            compare(&format!("a = {}1{}\n", open.repeat(n), close.repeat(n)));
        }
        compare(&format!("a = 1{}\n", " + 1".repeat(n)));
        compare(&format!(
            "a = {}1{}\n",
            "(1 + ".repeat(n / 2),
            ")".repeat(n / 2)
        ));
        compare(&format!("{}a = 1\n{}", "b {\n".repeat(n), "}\n".repeat(n)));
        compare(&format!("a = x{}\n", "[0]".repeat(n)));
        compare(&format!("a = {}\n", "x[".repeat(n) + "0" + &"]".repeat(n)));
    }
    assert!(compare(&format!(
        "a = {}1{}\n",
        "[".repeat(20),
        "]".repeat(20)
    )));
    assert!(compare(&format!("a = 1{}\n", " + 1".repeat(20))));
}

/// Random edits of the accepted examples (a fixed seed; `FAST_PARSER_FUZZ` sets how many):
/// the direct parser must still agree with hcl-edit or decline.
#[test]
fn direct_parser_agrees_on_mutated_inputs() {
    let n: usize = std::env::var("FAST_PARSER_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let mut accepted = 0;
    let alphabet = b" \n\"'{}[]()=,.:?!-+*/%<>&|#$~\\0123abxyz_";
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |m: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % m as u64) as usize
    };
    for _ in 0..n {
        let mut text = ACCEPTED[next(ACCEPTED.len())].as_bytes().to_vec();
        for _ in 0..1 + next(3) {
            let at = next(text.len() + 1);
            match next(3) {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 if at < text.len() => text[at] = alphabet[next(alphabet.len())],
                _ => text.insert(at, alphabet[next(alphabet.len())]),
            }
        }
        if let Ok(text) = String::from_utf8(text) {
            accepted += usize::from(compare(&text));
        }
    }
    eprintln!("direct parser accepted {accepted} of {n} mutated inputs");
}

/// Number literals beyond f64's range (hcl-edit rejects them; found by the hcl fuzz target):
/// the direct parser declines them too, and agrees on the largest finite ones.
#[test]
fn huge_number_literals_are_left_to_hcl_edit() {
    for digits in [15, 20, 300, 308, 309, 310, 330, 400] {
        compare(&format!("a = {}\n", "9".repeat(digits)));
        compare(&format!("a = {}", "9".repeat(digits)));
        compare(&format!("a = 1{}.5\n", "0".repeat(digits)));
    }
    compare(&format!("//\u{1d}\n  fi= {}0670", "9".repeat(330)));
    assert!(compare(&format!("a = {}\n", "9".repeat(300))));
}
