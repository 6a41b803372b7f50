//! The bcrypt hash of `random_password` (hashicorp/random), which is a `random_string`
//! with a sensitive `result` (see [`crate::random_string`]).

/// Go's `bcrypt.DefaultCost`, which hashicorp/random uses.
const BCRYPT_COST: u32 = 10;

/// A `$2a$` bcrypt hash of the first 72 bytes of `password`, like golang.org/x/crypto/bcrypt.
pub(crate) async fn bcrypt_hash(password: String) -> Result<String, String> {
    let job = tokio::task::spawn_blocking(move || {
        let bytes = password.as_bytes();
        let bytes = &bytes[..bytes.len().min(72)];
        bcrypt::hash_with_result(bytes, BCRYPT_COST)
            .map(|h| h.format_for_version(bcrypt::Version::TwoA))
    });
    match job.await {
        Ok(Ok(h)) => Ok(h),
        Ok(Err(e)) => Err(format!("bcrypt hashing failed: {e}")),
        Err(e) => Err(format!("bcrypt hashing task failed: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_and_uses_go_format() {
        let h = bcrypt_hash("hunter2".into()).await.unwrap();
        assert!(h.starts_with("$2a$10$"), "{h}");
        assert!(bcrypt::verify("hunter2", &h).unwrap());
        assert!(!bcrypt::verify("hunter3", &h).unwrap());
    }

    #[tokio::test]
    async fn long_passwords_hash_their_first_72_bytes() {
        let long = "x".repeat(100);
        let h = bcrypt_hash(long).await.unwrap();
        assert!(bcrypt::verify("x".repeat(72), &h).unwrap());
    }
}
