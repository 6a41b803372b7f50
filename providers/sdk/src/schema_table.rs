//! Provider blocks as tables: the whole `provider` block of a Terraform provider (hundreds of
//! arguments, mostly endpoints) kept as a generated text file, one line per attribute, and
//! parsed into a [`Block`] once. The AWS and Google providers generate theirs from the
//! upstream provider's own schema, so every configuration Terraform accepts is accepted here.
//!
//! Format: `<path> <cty type as JSON>` for an attribute (`region "string"`,
//! `allowed_account_ids ["set","string"]`, `assume_role.role_arn "string"`), `<name> block
//! <nesting>` for a nested block (`list`, `set` or `single`); `#` starts a comment line.
//! Every attribute is optional.

use crate::schema::{Attribute, Block, Nesting};
use autostack_value::json::type_from_json;
use autostack_value::Type;

/// Parses a table; `sensitive` names top-level attributes to mark sensitive (credentials the
/// upstream schema leaves unmarked). A malformed line is returned as the error.
pub fn parse<'t>(table: &'t str, sensitive: &[&str]) -> Result<Block, &'t str> {
    let mut root = Block::new();
    let mut nested: Vec<(String, Nesting, Block)> = Vec::new();
    for line in table
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (path, rest) = line.split_once(' ').ok_or(line)?;
        if let Some(nesting) = rest.strip_prefix("block ") {
            let nesting = match nesting {
                "list" => Nesting::List,
                "set" => Nesting::Set,
                "single" => Nesting::Single,
                _ => return Err(line),
            };
            nested.push((path.to_string(), nesting, Block::new()));
            continue;
        }
        let ty: Type = serde_json::from_str(rest)
            .ok()
            .and_then(|j| type_from_json(&j))
            .ok_or(line)?;
        let mut attr = Attribute::optional(ty);
        match path.split_once('.') {
            None => {
                if sensitive.contains(&path) {
                    attr = attr.sensitive();
                }
                root = root.attr(path, attr);
            }
            Some((block, name)) => {
                let (_, _, b) = nested.iter_mut().find(|(n, _, _)| n == block).ok_or(line)?;
                *b = std::mem::take(b).attr(name, attr);
            }
        }
    }
    for (name, nesting, block) in nested {
        root = root.block(&name, nesting, block);
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_parse_into_blocks() {
        let table = "# comment\nregion \"string\"\nkey \"string\"\nids [\"set\",\"string\"]\nrole block list\nrole.arn \"string\"\n";
        let b = parse(table, &["key"]).unwrap();
        assert_eq!(b.attributes["ids"].ty, Type::set(Type::String));
        assert!(b.attributes["key"].sensitive && !b.attributes["region"].sensitive);
        assert_eq!(b.blocks["role"].nesting, Nesting::List);
        assert!(b.blocks["role"].block.attributes["arn"].optional);
    }

    #[test]
    fn a_malformed_line_is_reported() {
        assert_eq!(parse("x nonsense", &[]).err(), Some("x nonsense"));
        assert_eq!(parse("b.x \"string\"", &[]).err(), Some("b.x \"string\""));
        assert_eq!(parse("b block tree", &[]).err(), Some("b block tree"));
    }
}
