//! Azure resource IDs as azurerm writes them: each type has one ID shape
//! (`/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/...`), IDs
//! are built from configuration in that canonical casing, and an ID given to `import` is
//! parsed against the shape (static segments compared case-insensitively, as ARM does).

use autostack_provider_sdk::attrs::error;
use autostack_value::Diagnostics;

/// The ID shape of one resource type: static segments and `{placeholders}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdShape(pub &'static str);

/// A resource group.
pub const RESOURCE_GROUP: IdShape =
    IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}");

impl IdShape {
    fn segments(&self) -> impl Iterator<Item = &'static str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The ID with `values` filled into the placeholders in order.
    pub fn build(&self, values: &[&str]) -> String {
        let mut values = values.iter();
        let mut out = String::new();
        for seg in self.segments() {
            out.push('/');
            match seg.starts_with('{') {
                true => out.push_str(values.next().copied().unwrap_or_default()),
                false => out.push_str(seg),
            }
        }
        out
    }

    /// The placeholders' values of `id`, in order; an error naming the segment that does not
    /// match (azurerm's import check).
    pub fn parse(&self, id: &str) -> Result<Vec<String>, Diagnostics> {
        let got: Vec<&str> = id.split('/').filter(|s| !s.is_empty()).collect();
        let want: Vec<&str> = self.segments().collect();
        let mut values = Vec::new();
        for (i, w) in want.iter().enumerate() {
            let bad = |what: String| {
                error(
                    format!("parsing {id:?}"),
                    format!("{what}; the ID should look like {:?}", self.0),
                )
            };
            let g = got
                .get(i)
                .copied()
                .ok_or_else(|| bad(format!("the segment {w:?} is missing")))?;
            match w.strip_prefix('{') {
                Some(_) if g.is_empty() => return Err(bad(format!("the segment {w} is empty"))),
                Some(_) => values.push(g.to_string()),
                None if g.eq_ignore_ascii_case(w) => {}
                None => return Err(bad(format!("expected the segment {w:?}, got {g:?}"))),
            }
        }
        if got.len() > want.len() {
            return Err(error(
                format!("parsing {id:?}"),
                format!("the ID has more segments than {:?}", self.0),
            ));
        }
        Ok(values)
    }
}

/// The placeholder values of an ARM ID in an answer, leniently: the values after each static
/// segment of `shape`, whatever their case (ARM answers may upper-case a segment).
pub fn parts_of(shape: IdShape, id: &str) -> Vec<String> {
    shape.parse(id).unwrap_or_default()
}

/// The collection an ID belongs to (the ID without its last segment): objects that share one
/// are listed with one call.
pub fn collection_of(id: &str) -> &str {
    id.rsplit_once('/').map_or(id, |(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VNET: IdShape = IdShape("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}");

    #[test]
    fn ids_build_and_parse_case_insensitively() {
        let id = VNET.build(&["s", "rg", "net"]);
        assert_eq!(
            id,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/net"
        );
        assert_eq!(
            VNET.parse(&id.to_ascii_lowercase()).unwrap(),
            ["s", "rg", "net"]
        );
        let bad = VNET
            .parse("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/subnets/x")
            .unwrap_err()
            .to_string();
        assert!(bad.contains("virtualNetworks"), "{bad}");
        assert!(VNET.parse("/subscriptions/s").is_err());
        assert_eq!(
            collection_of(&id),
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks"
        );
    }
}
