//! Provider-private data: bytes a provider keeps with an object between operations (timeouts,
//! schema details, anything the state should not show), opaque to the engine. The engine
//! reads them from the state file's `private` (base64), passes them into plan, apply and
//! read, and records what the provider returns in the state and in a saved plan.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

/// The private bytes of one object; empty when the provider keeps none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Private(Vec<u8>);

impl Private {
    /// No private data.
    pub const fn empty() -> Private {
        Private(Vec::new())
    }

    /// Private data holding `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Private {
        Private(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// True when there is nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Decodes the state file's `private` (standard base64; absent means none).
    pub fn from_state(text: Option<&str>) -> Result<Private, String> {
        match text {
            None | Some("") => Ok(Private::default()),
            Some(t) => B64
                .decode(t.trim())
                .map(Private)
                .map_err(|e| format!("private data is not valid base64: {e}")),
        }
    }

    /// The state file's `private`: standard base64, `None` when empty.
    pub fn to_state(&self) -> Option<String> {
        (!self.0.is_empty()).then(|| B64.encode(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_state_encoding() {
        let p = Private::new(b"{\"schema_version\":\"1\"}".to_vec());
        let text = p.to_state().unwrap();
        assert_eq!(Private::from_state(Some(&text)).unwrap(), p);
        assert_eq!(Private::default().to_state(), None);
        assert!(Private::from_state(None).unwrap().is_empty());
        assert!(Private::from_state(Some("not base64!")).is_err());
    }
}
