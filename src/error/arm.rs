//! ARM errors, typed by `error.code` (never by message text, which changes and is localised).
//! `ArmError::from_body` reads ARM's error envelope; the ARM client attaches the operation.

use serde::Deserialize;

/// The ARM error codes kvwire acts on. Anything else is kept verbatim in `Other`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    RoleAssignmentExists,
    RoleAssignmentUpdateNotPermitted,
    PrincipalNotFound,
    ResourceNotFound,
    ResourceGroupNotFound,
    NotFound,
    AuthorizationFailed,
    ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity,
    Conflict,
    /// 409 from AKS while another operation runs on the cluster or pool.
    OperationNotAllowed,
    /// 412: `If-Match` named an entity tag the resource no longer has.
    PreconditionFailed,
    /// An LRO ended in `Failed` or `Canceled` without a code of its own.
    OperationFailed,
    Other(String),
}

impl ErrorCode {
    /// ARM codes are matched without case: services spell some differently (AKS answers 412 with
    /// `PreConditionFailed`).
    pub fn parse(code: &str) -> ErrorCode {
        use ErrorCode::*;
        let known = [
            RoleAssignmentExists,
            RoleAssignmentUpdateNotPermitted,
            PrincipalNotFound,
            ResourceNotFound,
            ResourceGroupNotFound,
            NotFound,
            AuthorizationFailed,
            ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity,
            Conflict,
            OperationNotAllowed,
            PreconditionFailed,
            OperationFailed,
        ];
        if let Some(k) = known.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(code)) {
            return k;
        }
        match code {
            "RoleAssignmentExists" => RoleAssignmentExists,
            "RoleAssignmentUpdateNotPermitted" => RoleAssignmentUpdateNotPermitted,
            "PrincipalNotFound" => PrincipalNotFound,
            "ResourceNotFound" => ResourceNotFound,
            "ResourceGroupNotFound" => ResourceGroupNotFound,
            "NotFound" => NotFound,
            "AuthorizationFailed" => AuthorizationFailed,
            "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity" => {
                ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity
            }
            "Conflict" => Conflict,
            "OperationNotAllowed" => OperationNotAllowed,
            "PreconditionFailed" => PreconditionFailed,
            "OperationFailed" => OperationFailed,
            other => Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        use ErrorCode::*;
        match self {
            RoleAssignmentExists => "RoleAssignmentExists",
            RoleAssignmentUpdateNotPermitted => "RoleAssignmentUpdateNotPermitted",
            PrincipalNotFound => "PrincipalNotFound",
            ResourceNotFound => "ResourceNotFound",
            ResourceGroupNotFound => "ResourceGroupNotFound",
            NotFound => "NotFound",
            AuthorizationFailed => "AuthorizationFailed",
            ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity => {
                "ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity"
            }
            Conflict => "Conflict",
            OperationNotAllowed => "OperationNotAllowed",
            PreconditionFailed => "PreconditionFailed",
            OperationFailed => "OperationFailed",
            Other(s) => s,
        }
    }
}

/// An error answer from ARM, or a long-running operation that ended badly.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} failed: {} ({}): {}", self.operation, self.code.as_str(), self.status, self.message)]
pub struct ArmError {
    /// HTTP status of the answer that carried the error (for LROs: of the status poll).
    pub status: u16,
    pub code: ErrorCode,
    pub message: String,
    /// "PUT https://…" (query values redacted), to say what was being done.
    pub operation: String,
}

impl ArmError {
    pub fn is(&self, code: &ErrorCode) -> bool {
        &self.code == code
    }

    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// Parse ARM's `{"error":{"code","message"}}` (or the bare `{"code","message"}` some RPs send).
    pub fn from_body(status: u16, body: &[u8], operation: String) -> ArmError {
        #[derive(Deserialize)]
        struct Inner {
            code: Option<String>,
            message: Option<String>,
        }
        #[derive(Deserialize)]
        struct Envelope {
            error: Option<Inner>,
            code: Option<String>,
            message: Option<String>,
        }
        let parsed: Option<Envelope> = serde_json::from_slice(body).ok();
        let (code, message) = match parsed {
            Some(Envelope { error: Some(i), .. }) => (i.code, i.message),
            Some(Envelope { code, message, .. }) => (code, message),
            None => (None, None),
        };
        let code = code.unwrap_or_else(|| match status {
            404 => "NotFound".into(),
            409 => "Conflict".into(),
            _ => format!("HttpStatus{status}"),
        });
        ArmError {
            status,
            code: ErrorCode::parse(&code),
            message: message.unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect()),
            operation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_not_messages() {
        let e = ArmError::from_body(
            409,
            br#"{"error":{"code":"RoleAssignmentExists","message":"The role assignment already exists."}}"#,
            "PUT x".into(),
        );
        assert!(e.is(&ErrorCode::RoleAssignmentExists));
        let e = ArmError::from_body(400, br#"{"code":"PrincipalNotFound","message":"m"}"#, "PUT x".into());
        assert!(e.is(&ErrorCode::PrincipalNotFound));
        let e = ArmError::from_body(404, b"", "GET x".into());
        assert!(e.is(&ErrorCode::NotFound) && e.is_not_found());
        let e = ArmError::from_body(
            400,
            br#"{"error":{"code":"SomethingNew","message":"m"}}"#,
            "PUT x".into(),
        );
        assert_eq!(e.code, ErrorCode::Other("SomethingNew".into()));
    }
}
