//! Cloud errors sorted into the classes that decide what to do about them: a missing object
//! (done, for a delete; not yet, for a waiter), throttling and transient failures (retry with
//! backoff), conflicts with objects still changing (retry while they settle), and everything
//! else (fail). Each cloud maps its own codes onto [`ErrorClass`] in one table and implements
//! [`CloudError`]; the retry and wait helpers of [`crate::retry`] and the apply helpers here
//! are written once against the classes.

use crate::attrs::Obj;
use crate::provider::ApplyError;
use autostack_value::{Diagnostic, Diagnostics, Value};

/// What kind of failure a cloud error is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The object does not exist (`InvalidInstanceID.NotFound`, `NoSuchBucket`, HTTP 404).
    NotFound,
    /// The API is rate limiting the caller (`RequestLimitExceeded`, `Throttling`, HTTP 429).
    Throttled,
    /// The object or one it depends on is in a state that forbids the call for now
    /// (`DependencyViolation`, `IncorrectState`, HTTP 409).
    Conflict,
    /// A transient failure that the same call may not meet again (HTTP 5xx, timeouts,
    /// dropped connections).
    Retryable,
    /// Anything else: the call is wrong and will stay wrong.
    Fatal,
}

impl ErrorClass {
    /// The class of an HTTP status, for APIs whose errors carry little more.
    pub fn of_status(status: u16) -> ErrorClass {
        match status {
            404 | 410 => ErrorClass::NotFound,
            429 => ErrorClass::Throttled,
            409 | 412 => ErrorClass::Conflict,
            408 | 500..=599 => ErrorClass::Retryable,
            _ => ErrorClass::Fatal,
        }
    }

    /// True for the classes a plain retry may cure (throttling, transient failures).
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorClass::Throttled | ErrorClass::Retryable)
    }

    /// True for the classes waiting may cure: a conflict (an object it depends on is still
    /// being torn down or changing state) or a transient failure.
    pub fn is_settling(self) -> bool {
        self == ErrorClass::Conflict || self.is_transient()
    }
}

/// An error of one cloud's API, classified.
pub trait CloudError: Sized + Send {
    /// The error's class.
    fn class(&self) -> ErrorClass;
    /// The error of a waiter that gave up on `what` ("VPC available").
    fn timed_out(what: &str) -> Self;
    /// The diagnostic for `action` ("creating EC2 VPC") failing with this error.
    fn diagnostic(&self, action: &str) -> Diagnostic;

    /// True when the object does not exist.
    fn is_not_found(&self) -> bool {
        self.class() == ErrorClass::NotFound
    }

    /// The diagnostics for `action` failing with this error.
    fn diags(&self, action: &str) -> Diagnostics {
        self.diagnostic(action).into()
    }

    /// The apply error for `action` failing with this error (nothing left behind).
    fn apply_error(&self, action: &str) -> ApplyError {
        ApplyError::from(self.diags(action))
    }
}

/// Turns cloud errors into diagnostics or apply errors that name the failed action.
pub trait ActionExt<T> {
    /// Diagnostics for `action` failing.
    fn or_diags(self, action: &str) -> Result<T, Diagnostics>;
    /// An apply error for `action` failing.
    fn or_apply(self, action: &str) -> Result<T, ApplyError>;
}

impl<T, E: CloudError> ActionExt<T> for Result<T, E> {
    fn or_diags(self, action: &str) -> Result<T, Diagnostics> {
        self.map_err(|e| e.diags(action))
    }
    fn or_apply(self, action: &str) -> Result<T, ApplyError> {
        self.map_err(|e| e.apply_error(action))
    }
}

/// A delete's outcome, with an object already gone counting as deleted.
pub fn done_if_gone<T, E: CloudError>(r: Result<T, E>) -> Result<(), E> {
    match r {
        Err(e) if e.is_not_found() => Ok(()),
        r => r.map(|_| ()),
    }
}

/// The rest of a create once the cloud has made the object: `steps` (waiting for it to become
/// usable, setting what the create call cannot) run, and a failure among them keeps `made`
/// (the planned state with the new ID, unknowns nulled) as the partial state, so the engine
/// records the object tainted instead of losing track of it.
pub async fn settle<T, E: CloudError>(
    action: &str,
    made: &Value,
    steps: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, ApplyError> {
    steps
        .await
        .map_err(|e| e.apply_error(action).with_partial(Obj::from(made).finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_statuses_fall_into_classes() {
        assert_eq!(ErrorClass::of_status(404), ErrorClass::NotFound);
        assert_eq!(ErrorClass::of_status(429), ErrorClass::Throttled);
        assert_eq!(ErrorClass::of_status(409), ErrorClass::Conflict);
        assert_eq!(ErrorClass::of_status(503), ErrorClass::Retryable);
        assert_eq!(ErrorClass::of_status(400), ErrorClass::Fatal);
        assert!(ErrorClass::Throttled.is_transient());
        assert!(!ErrorClass::Conflict.is_transient());
    }
}
