//! String functions.

use super::{rt, str_arg, CallCtx, FnResult, Function, Functions, Param, Ret};
use crate::value::{Type, Value};

pub(super) fn register(f: &mut Functions) {
    f.add(
        "upper",
        Function::new(
            vec![Param::new("str", Type::String)],
            Ret::Fixed(rt::string),
            upper,
        ),
    );
    f.add(
        "lower",
        Function::new(
            vec![Param::new("str", Type::String)],
            Ret::Fixed(rt::string),
            lower,
        ),
    );
}

fn upper(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::string(str_arg(args, 0).to_uppercase()))
}

fn lower(_: &CallCtx<'_>, args: &[Value]) -> FnResult {
    Ok(Value::string(str_arg(args, 0).to_lowercase()))
}

#[cfg(test)]
mod tests {
    use crate::functions::testkit::check_table;

    #[test]
    fn string_functions() {
        check_table(&[
            (r#"upper("abc")"#, r#""ABC""#),
            (r#"lower("ÀB")"#, r#""àb""#),
            (r#"upper(1)"#, r#""1""#),
            (
                r#"upper(null)"#,
                "error: Invalid value for \"str\" parameter: argument must not be null.",
            ),
            (r#"upper(sensitive("a"))"#, "(sensitive value)"),
        ]);
    }
}
