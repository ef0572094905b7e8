//! ARM errors, typed by `error.code` (never by message text, which changes and is localised).
//! `ArmError::from_body` reads ARM's error envelope, or the bare body some resource providers
//! send; the ARM client attaches the operation.

use serde::Deserialize;

/// The codes kvwire acts on, each written once: the variant, its wire spelling and why it matters.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {
        /// The ARM error codes kvwire acts on. Anything else is kept verbatim in `Other`.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub(crate) enum ErrorCode {
            $($(#[$doc])* $name,)*
            Other(String),
        }

        impl ErrorCode {
            const KNOWN: &'static [ErrorCode] = &[$(ErrorCode::$name),*];

            pub(crate) fn as_str(&self) -> &str {
                match self {
                    $(ErrorCode::$name => stringify!($name),)*
                    ErrorCode::Other(s) => s,
                }
            }
        }
    };
}

error_codes! {
    RoleAssignmentExists,
    RoleAssignmentUpdateNotPermitted,
    PrincipalNotFound,
    ResourceNotFound,
    ResourceGroupNotFound,
    NotFound,
    AuthorizationFailed,
    /// 409 from Microsoft.ManagedIdentity while another federated-credential write on the same
    /// identity runs (Entra docs, workload-identity-federation-considerations: "concurrent writes").
    ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity,
    /// A plain 409; for federated credentials, the concurrent-write refusal in its short form.
    Conflict,
    /// A child written right after its parent was created, before the parent has replicated
    /// (a federated credential on a new user-assigned identity).
    ParentResourceNotFound,
    /// 409 from AKS while another operation runs on the cluster or pool.
    OperationNotAllowed,
    /// 409 from AKS: "Another operation is in progress" — the cluster's or pool's entity tag moved
    /// under an operation that is still running (Azure/terraform-azurerm-aks#604, #354).
    EtagMismatch,
    /// 412: `If-Match` named an entity tag the resource no longer has.
    PreconditionFailed,
    /// An LRO ended in `Failed` or `Canceled` without a code of its own.
    OperationFailed,
}

impl ErrorCode {
    /// ARM codes are matched without case: services spell some differently (AKS answers 412 with
    /// `PreConditionFailed`).
    pub(crate) fn parse(code: &str) -> ErrorCode {
        ErrorCode::KNOWN
            .iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(code))
            .cloned()
            .unwrap_or_else(|| ErrorCode::Other(code.to_string()))
    }

    /// AKS is busy with another operation on the resource: wait, read again, plan again.
    pub(crate) fn is_busy(&self) -> bool {
        matches!(self, ErrorCode::OperationNotAllowed | ErrorCode::EtagMismatch)
    }
}

/// How a long-running operation ended badly (ARM RPC, "Asynchronous operations": the terminal
/// states besides `Succeeded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    Failed,
    Canceled,
}

impl Ended {
    /// ARM's word for it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Ended::Failed => "Failed",
            Ended::Canceled => "Canceled",
        }
    }

    /// A terminal state other than `Succeeded`, as the operation's status names it.
    pub(crate) fn of(state: &str) -> Ended {
        if state.eq_ignore_ascii_case("canceled") || state.eq_ignore_ascii_case("cancelled") {
            Ended::Canceled
        } else {
            Ended::Failed
        }
    }
}

/// An error answer from ARM, or a long-running operation that ended badly.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{} failed: {}{} ({}): {}", self.operation, self.code.as_str(), self.subcode.as_deref().map(|s| format!("/{s}")).unwrap_or_default(), self.how(), self.message)]
pub struct ArmError {
    /// HTTP status of the answer that carried the error (for LROs: of the status poll).
    pub(crate) status: u16,
    /// For a long-running operation that ended badly: the state it ended in; its poll answered
    /// 200, which says nothing about the failure.
    pub(crate) ended: Option<Ended>,
    pub(crate) code: ErrorCode,
    /// AKS's `subcode` (e.g. `PutManagedClusterAndOperationIsInProgress`), kept for the message.
    pub(crate) subcode: Option<String>,
    pub(crate) message: String,
    /// "PUT https://…" (query values redacted), to say what was being done.
    pub(crate) operation: String,
}

impl ArmError {
    /// `409`, or `the operation ended Failed`.
    fn how(&self) -> String {
        match &self.ended {
            Some(state) => format!("the operation ended {}", state.as_str()),
            None => self.status.to_string(),
        }
    }

    pub(crate) fn is(&self, code: &ErrorCode) -> bool {
        &self.code == code
    }

    pub(crate) fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// Parse ARM's `{"error":{"code","message"}}` (ARM RPC, "Error Response Content"), or the
    /// bare `{"code","message","subcode"}` AKS sends for some 409s (Azure/terraform-azurerm-aks#604).
    pub(crate) fn from_body(status: u16, body: &[u8], operation: String) -> ArmError {
        #[derive(Deserialize)]
        struct Inner {
            code: Option<String>,
            message: Option<String>,
            subcode: Option<String>,
        }
        #[derive(Deserialize)]
        struct Envelope {
            error: Option<Inner>,
            #[serde(flatten)]
            bare: Inner,
        }
        let parsed: Option<Envelope> = serde_json::from_slice(body).ok();
        let inner = match parsed {
            Some(Envelope { error: Some(i), .. }) => Some(i),
            Some(Envelope { bare, .. }) => Some(bare),
            None => None,
        };
        let (code, message, subcode) = match inner {
            Some(i) => (i.code, i.message, i.subcode.filter(|s| !s.is_empty())),
            None => (None, None, None),
        };
        let code = code.unwrap_or_else(|| match status {
            404 => "NotFound".into(),
            409 => "Conflict".into(),
            _ => format!("HttpStatus{status}"),
        });
        ArmError {
            status,
            ended: None,
            code: ErrorCode::parse(&code),
            subcode,
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

    #[test]
    fn bare_bodies_keep_their_subcode() {
        let e = ArmError::from_body(
            409,
            br#"{"code":"EtagMismatch","message":"Another operation is in progress","subcode":"PutManagedClusterAndOperationIsInProgress"}"#,
            "PUT x".into(),
        );
        assert!(e.is(&ErrorCode::EtagMismatch) && e.code.is_busy());
        assert_eq!(e.subcode.as_deref(), Some("PutManagedClusterAndOperationIsInProgress"));
        assert!(
            e.to_string()
                .contains("EtagMismatch/PutManagedClusterAndOperationIsInProgress"),
            "{e}"
        );
        let e = ArmError::from_body(
            409,
            br#"{"error":{"code":"etagmismatch","message":"m","subcode":""}}"#,
            "PUT x".into(),
        );
        assert!(e.is(&ErrorCode::EtagMismatch) && e.subcode.is_none());
        for k in ErrorCode::KNOWN {
            assert_eq!(&ErrorCode::parse(k.as_str()), k);
        }
    }
}
