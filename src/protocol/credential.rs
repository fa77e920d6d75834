//! A box's credential, `<box_id>.<secret>`, and the hash the hub keeps of it.
//!
//! The secret is 256 random bits, so a slow password hash (argon2) buys nothing: nobody can
//! guess 2²⁵⁶ values, fast or slow. The hub stores blake3 in key-derivation mode over the
//! secret (a domain-separated hash), so its database never holds anything that opens a box's
//! door, and comparing two [`SecretHash`]es is constant-time (blake3's `Hash` equality).

use std::fmt;

use super::values::BoxId;

/// The context string that separates these hashes from every other blake3 use.
const CONTEXT: &str = "dalaba 2026-12-02 box credential secret v1";

/// A credential that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// Not `<box_id>.<secret>`.
    #[error("credential is not `<box_id>.<64 hex secret>` (as printed by `dalaba hub enroll`)")]
    Shape,
    /// The box id part is not a box id.
    #[error("credential: {0}")]
    BoxId(#[from] super::values::ValueError),
}

/// `box_id` plus secret. `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    box_id: BoxId,
    secret: String,
}

impl Credential {
    /// A credential for `box_id` from 32 random bytes.
    pub fn new(box_id: BoxId, random: [u8; 32]) -> Self {
        let secret = random.iter().map(|b| format!("{b:02x}")).collect();
        Self { box_id, secret }
    }

    /// Reads `<box_id>.<64 hex>` (the `Authorization: Bearer` value).
    pub fn parse(text: &str) -> Result<Self, CredentialError> {
        let (id, secret) = text.split_once('.').ok_or(CredentialError::Shape)?;
        let hex_ok = secret.len() == 64
            && secret
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hex_ok {
            return Err(CredentialError::Shape);
        }
        Ok(Self {
            box_id: id.parse()?,
            secret: secret.to_owned(),
        })
    }

    /// The box it names.
    pub fn box_id(&self) -> &BoxId {
        &self.box_id
    }

    /// The text a box sends: `<box_id>.<secret>`. Print it once, at enrolment.
    pub fn reveal(&self) -> String {
        format!("{}.{}", self.box_id, self.secret)
    }

    /// What the hub stores.
    pub fn hash(&self) -> SecretHash {
        let mut hasher = blake3::Hasher::new_derive_key(CONTEXT);
        hasher.update(self.secret.as_bytes());
        SecretHash(hasher.finalize())
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credential({}.<secret>)", self.box_id)
    }
}

/// The stored hash of a secret; equality is constant-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretHash(blake3::Hash);

impl SecretHash {
    /// The 32 stored bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// From 32 stored bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(blake3::Hash::from_bytes(bytes))
    }
}
