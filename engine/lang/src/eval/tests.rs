//! Expression evaluation cases; expected outputs are `terraform console`'s (v1.11).

use crate::functions::testkit::check_table;

#[test]
fn operators_and_literals() {
    check_table(&[
        ("1 + 2", "3"),
        ("\"1\" * \"2\"", "2"),
        ("-\"2\"", "-2"),
        ("!\"true\"", "false"),
        ("1 == \"1\"", "false"),
        ("[1] == [1]", "true"),
        ("[1] == tolist([1])", "false"),
        ("null == null", "true"),
        ("1 < 2 && 2 <= 2", "true"),
        ("3 % 2 == 1 || false", "true"),
        (
            "\"a\" + 1",
            "error: Unsuitable value for left operand: a number is required.",
        ),
        (
            "1 < \"a\"",
            "error: Unsuitable value for right operand: a number is required.",
        ),
        (
            "!1",
            "error: Unsuitable value for unary operand: bool required.",
        ),
        (
            "null + 1",
            "error: Error during operation: argument must not be null.",
        ),
        (
            "true && null",
            "error: Error during operation: argument must not be null.",
        ),
        (
            "0/0",
            "error: Error during operation: can't divide zero by zero or infinity by infinity.",
        ),
        ("1/0", "+Inf"),
        ("-1/0", "-Inf"),
        ("sensitive(1) + 1", "(sensitive value)"),
        ("sensitive(true) ? 1 : 2", "(sensitive value)"),
    ]);
}

#[test]
fn conditionals_and_for() {
    check_table(&[
        ("true ? 1 : \"a\"", "\"1\""),
        ("true ? 1 : [1]", "error: The true and false result expressions must have consistent types. The 'true' value is number, but the 'false' value is tuple."),
        ("null ? 1 : 2", "error: The condition value is null. Conditions must either be true or false."),
        ("[for i, v in [\"a\",\"b\"]: \"${i}${v}\"]", "[\n  \"0a\",\n  \"1b\",\n]"),
        ("{for k, v in {a=1,b=2}: v => k}", "{\n  \"1\" = \"a\"\n  \"2\" = \"b\"\n}"),
        ("{for v in [\"a\",\"a\",\"b\"]: v => v...}", "{\n  \"a\" = [\n    \"a\",\n    \"a\",\n  ]\n  \"b\" = [\n    \"b\",\n  ]\n}"),
        ("[for x in 5: x]", "error: A value of type number cannot be used as the collection in a 'for' expression."),
        ("{for x in [1,1]: x => x}", "error: Two different items produced the key \"1\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
        ("[for x in [1]: x if null]", "error: The value of the 'if' clause must not be null."),
        ("[for x in [1, 2, 3]: x * 2 if x != 2]", "[\n  2,\n  6,\n]"),
    ]);
}

#[test]
fn templates_splats_and_access() {
    check_table(&[
        ("\"${1}\"", "1"),
        ("\"x${null}\"", "error: The expression result is null. Cannot include a null value in a string template."),
        ("\"a%{ if true }b%{ else }c%{ endif }\"", "\"ab\""),
        ("\"%{ for x in [1,2] }${x},%{ endfor }\"", "\"1,2,\""),
        ("\"a ${~ \"b\" ~} c\"", "\"abc\""),
        ("tolist([\"a\",\"b\"])[*]", "tolist([\n  \"a\",\n  \"b\",\n])"),
        ("{a=1}[*]", "[\n  {\n    \"a\" = 1\n  },\n]"),
        ("null[*]", "[]"),
        ("[{a=1},{a=2}][*].a", "[\n  1,\n  2,\n]"),
        ("[{a=[1]},{a=[2]}].*.a[0]", "[\n  1,\n]"),
        ("{a=1}.b", "error: This object does not have an attribute named \"b\"."),
        ("null.a", "error: This value is null, so it does not have any attributes."),
        ("[{a=1}].a", "error: This value does not have any attributes."),
        ("[1,2][5]", "error: The given key does not identify an element in this collection value."),
        ("{a={b=[10,20]}}.a.b[1]", "20"),
        ("{a=1}[\"a\"]", "1"),
        ("{\"a\"=1, a=2}", "{\n  \"a\" = 2\n}"),
        ("\"\\u00e9\" == \"e\\u0301\"", "true"),
        ("{a=sensitive(1)}", "{\n  \"a\" = (sensitive value)\n}"),
        ("[sensitive(\"x\")]", "[\n  (sensitive value),\n]"),
        ("\"a\\nb\\n\"", "<<EOT\na\nb\n\nEOT"),
        ("\"EOT\\nx\"", "<<EOT_\nEOT\nx\nEOT_"),
        ("\"tab\\there \\\"q\\\" é \\u0001 $${x}\"", "\"tab\\there \\\"q\\\" é \\x01 ${x}\""),
        ("[[1,[]],{a={}}]", "[\n  [\n    1,\n    [],\n  ],\n  {\n    \"a\" = {}\n  },\n]"),
        ("type({a=[1],b={c=true}})", "object({\n    a: tuple([\n        number,\n    ]),\n    b: object({\n        c: bool,\n    }),\n})"),
        ("nosuch(1)", "error: There is no function named \"nosuch\"."),
        ("upper(1, 2)", "error: Function \"upper\" expects only 1 argument(s)."),
        ("upper()", "error: Function \"upper\" expects 1 argument(s). Missing value for \"str\"."),
        ("upper([1])", "error: Invalid value for \"str\" parameter: string required."),
        ("try({}.x, \"fallback\")", "\"fallback\""),
        ("can({}.a)", "false"),
        ("can(1)", "true"),
        ("upper", "error: A reference to a resource type must be followed by at least one attribute access, specifying the resource name."),
        ("var.x", "error: An input variable with the name \"x\" has not been declared. This variable can be declared with a variable \"x\" {} block."),
        ("path.module", "\".\""),
        ("terraform.workspace", "\"default\""),
        ("count.index", "error: The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set."),
    ]);
}

/// `type()` as Terraform's console prints it (its `typeString`): empty structural types on
/// one line, collections of objects or tuples on their own indented line.
#[test]
fn type_printing() {
    check_table(&[
        ("type([])", "tuple([])"),
        ("type({})", "object({})"),
        ("type(tolist([]))", "list(dynamic)"),
        ("type([{}])", "tuple([\n    object({}),\n])"),
        ("type({a = []})", "object({\n    a: tuple([]),\n})"),
        ("type(tolist([{}]))", "list(\n    object({}),\n)"),
        ("type(tomap({a = {b = [1]}}))", "map(\n    object({\n        b: tuple([\n            number,\n        ]),\n    }),\n)"),
        ("type([[{a = 1}]])", "tuple([\n    tuple([\n        object({\n            a: number,\n        }),\n    ]),\n])"),
        ("type(tolist([tolist([{a = 1}])]))", "list(list(\n    object({\n        a: number,\n    }),\n))"),
        ("type({a = {b = {}}, c = [[]]})", "object({\n    a: object({\n        b: object({}),\n    }),\n    c: tuple([\n        tuple([]),\n    ]),\n})"),
        ("type(toset([[1]]))", "set(\n    tuple([\n        number,\n    ]),\n)"),
    ]);
}

/// cty's string-to-bool conversion also takes "1" and "0" (conditions, operators, `tobool`).
#[test]
fn string_to_bool_conversion() {
    check_table(&[
        ("tobool(\"1\")", "true"),
        ("tobool(\"0\")", "false"),
        ("\"1\" ? 1 : 2", "1"),
        ("!\"0\"", "true"),
        ("\"1\" && true", "true"),
        ("!\"True\"", "error: Unsuitable value for unary operand: a bool is required; to convert from string, use lowercase \"true\"."),
        ("tobool(\"True\")", "error: Invalid value for \"v\" parameter: cannot convert \"True\" to bool; only the strings \"true\" or \"false\" are allowed."),
    ]);
}

/// References are resolved before evaluation, as Terraform does: an undeclared name is an
/// error inside `try`/`can`, in an untaken conditional branch and in a `for` body that never
/// runs, while failures after the referenced object (attributes, indexes) stay catchable.
#[test]
fn references_are_resolved_before_evaluation() {
    check_table(&[
        ("try(local.nope, \"x\")", "error: A local value with the name \"nope\" has not been declared."),
        ("try(local.nope.a, \"x\")", "error: A local value with the name \"nope\" has not been declared."),
        ("can(local.nope)", "error: A local value with the name \"nope\" has not been declared."),
        ("try(var.nope, \"x\")", "error: An input variable with the name \"nope\" has not been declared. This variable can be declared with a variable \"nope\" {} block."),
        ("try(nope.x, \"x\")", "error: A managed resource \"nope\" \"x\" has not been declared in the root module."),
        ("try(\"ok\", local.nope)", "error: A local value with the name \"nope\" has not been declared."),
        ("try(local.nope, local.nope)", "error: A local value with the name \"nope\" has not been declared.; A local value with the name \"nope\" has not been declared."),
        ("false ? local.nope : 1", "error: A local value with the name \"nope\" has not been declared."),
        ("true ? 1 : var.nope", "error: An input variable with the name \"nope\" has not been declared. This variable can be declared with a variable \"nope\" {} block."),
        ("[for x in [] : local.nope]", "error: A local value with the name \"nope\" has not been declared."),
        ("[for x in [1] : x]", "[\n  1,\n]"),
        ("{for k, v in {} : k => var.nope}", "error: An input variable with the name \"nope\" has not been declared. This variable can be declared with a variable \"nope\" {} block."),
        ("\"%{if false}${local.nope}%{endif}\"", "error: A local value with the name \"nope\" has not been declared."),
        ("\"%{for x in []}${local.nope}%{endfor}\"", "error: A local value with the name \"nope\" has not been declared."),
        ("try(count.index, 1)", "error: The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set."),
        ("try(each.key, 1)", "error: The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set."),
        ("try(self, 1)", "error: The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks."),
        ("try(module.m, 1)", "error: No module call named \"m\" is declared in the root module."),
        ("try(var.n.x, \"y\")", "error: An input variable with the name \"n\" has not been declared. This variable can be declared with a variable \"n\" {} block."),
        ("try(var.n, \"y\")", "error: An input variable with the name \"n\" has not been declared. This variable can be declared with a variable \"n\" {} block."),
        ("can(path.module)", "true"),
        ("try(nosuch(1), 2)", "2"),
        ("try([for x in [1] : x.y], 2)", "2"),
        ("try({}.x, \"fallback\")", "\"fallback\""),
    ]);
}

/// The console's messages for bad `path`/`terraform` attributes and undeclared data sources
/// are Terraform 1.11's (a did-you-mean hint for `path`, `terraform.applying` listed).
#[test]
fn builtin_object_reference_errors() {
    check_table(&[
        ("path.modul", "error: The \"path\" object does not have an attribute named \"modul\". Did you mean \"module\"?"),
        ("path.nope", "error: The \"path\" object does not have an attribute named \"nope\"."),
        ("terraform.workspac", "error: The \"terraform\" object does not have an attribute named \"workspac\". The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply."),
        ("terraform.nope", "error: The \"terraform\" object does not have an attribute named \"nope\". The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply."),
        ("data.a.b", "error: A data resource \"a\" \"b\" has not been declared in the root module."),
        ("try(path.nope, 1)", "error: The \"path\" object does not have an attribute named \"nope\"."),
        ("try(data.a.b, 1)", "error: A data resource \"a\" \"b\" has not been declared in the root module."),
    ]);
}

/// Sequence index errors are HCL 2.23's (Terraform 1.11 and 1.15 alike), including its quirk
/// that the "length" wording is kept for an index equal to the length.
#[test]
fn index_errors_match_terraform() {
    check_table(&[
        ("[1,2][2]", "error: The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."),
        ("[][0]", "error: The given key does not identify an element in this collection value: the collection has no elements."),
        ("[][1]", "error: The given key does not identify an element in this collection value."),
        ("tolist([])[0]", "error: The given key does not identify an element in this collection value: the collection has no elements."),
        ("[1][0.5]", "error: The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part."),
        ("[1,2][5]", "error: The given key does not identify an element in this collection value."),
        ("[1][-1]", "error: The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence."),
        ("[1][-1e30]", "error: The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence."),
        ("[1][1e30]", "error: The given key does not identify an element in this collection value."),
        ("[1][\"a\"]", "error: The given key does not identify an element in this collection value: a number is required."),
        ("[1][true]", "error: The given key does not identify an element in this collection value: number required."),
        ("[1][\"0\"]", "1"),
        ("tolist([1,2])[2]", "error: The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection."),
        ("tolist([1,2])[3]", "error: The given key does not identify an element in this collection value."),
        ("null[0]", "error: This value is null, so it does not have any indices."),
    ]);
}

/// `type()` is the console's alone: printed at the top (parentheses allowed), rejected inside
/// an expression, arity-checked, "type" for the type of a type, unknown outside the console.
#[test]
fn type_function_is_console_only() {
    check_table(&[
        (
            "[type(1)]",
            "error: The console-only \"type\" function cannot be used as part of an expression.",
        ),
        (
            "type(1, 2)",
            "error: Function \"type\" expects only 1 argument(s).",
        ),
        (
            "type()",
            "error: Function \"type\" expects 1 argument(s). Missing value for \"value\".",
        ),
        ("type(type(1))", "type"),
        ("(type(1))", "number"),
        ("type(sensitive(1))", "number"),
        ("type(sensitive({a=1}))", "object({\n    a: number,\n})"),
    ]);
    let sources = crate::diag::Sources::new();
    let file = sources.add("main.tf", "type(1)".to_string());
    let expr = crate::syntax::parse_expr(&file).unwrap();
    let scope = crate::eval::MapScope::default();
    let functions = crate::functions::Functions::standard();
    let err = crate::eval::Evaluator::new(&scope, &functions, ".".into())
        .eval(&expr)
        .unwrap_err();
    let d = err.iter().next().unwrap();
    assert_eq!(d.summary, "Call to unknown function");
    assert_eq!(d.detail, "There is no function named \"type\".");
}
