//! Requests, answers and the route table's matching. Each route names the wire shapes of its
//! request and answer, so the contract check runs on every request that reaches the fake.

use crate::{contract::Wire, state::Shared};
use axum::http::HeaderMap;
use futures::future::BoxFuture;
use serde_json::{Value, json};

/// Which service a host name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Entra,
    Arm,
    Graph,
    /// `{vault}.vault.azure.net`.
    KeyVault,
}

/// One request, as a handler sees it.
pub struct Ctx {
    pub state: Shared,
    pub method: String,
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
    /// The JSON body, or Null.
    pub body: Value,
    pub raw_body: Vec<u8>,
    /// Captured `{name}` segments of the route pattern.
    pub params: Vec<(&'static str, String)>,
    /// The vault's name, for Key Vault hosts.
    pub vault: String,
    /// A scripted failure for the operation this request starts.
    pub lro_failure: Option<(String, String)>,
}

impl Ctx {
    pub fn p(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("route has no parameter {name}"))
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.into_owned())
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    /// The path as the client sent it, without a trailing slash: the resource ID.
    pub fn id(&self) -> String {
        self.path.trim_end_matches('/').to_string()
    }
}

/// An answer before it is checked and sent.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
    /// Overrides the route's answer shape (an operation poll that ends with a resource, say).
    pub wire: Option<Wire>,
    /// Why this answer is not checked against the vocabulary: the service sends a body its own
    /// API definition does not describe (a cited deviation, never a convenience).
    pub unchecked: Option<&'static str>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: Some(body),
            wire: None,
            unchecked: None,
        }
    }

    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: vec![],
            body: None,
            wire: None,
            unchecked: None,
        }
    }

    pub fn header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_string(), value.into()));
        self
    }

    pub fn shaped(mut self, wire: Wire) -> Reply {
        self.wire = Some(wire);
        self
    }

    /// ARM's error envelope (ARM RPC, "Error Response Content":
    /// `{"error": {"code", "message"}}`); codes are what clients key on.
    pub fn arm_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(status, json!({"error": {"code": code, "message": message}}))
    }

    /// The bare error body AKS sends for some 409s — `code`, `message`, `subcode` and `details`
    /// at the top level, no `error` envelope (Azure/terraform-azurerm-aks#604, 2024-11-15:
    /// `{"code": "EtagMismatch", "details": [...], "message": "Operation is not allowed: Another
    /// operation is in progress", "subcode": "PutManagedClusterAndComponents_Fa…"}`; also
    /// microsoft/retina#1212). The API definition's CloudError has neither the bare form nor
    /// `subcode`, so the contract check cannot apply to it.
    pub fn aks_bare_error(status: u16, code: &str, message: &str, subcode: &str) -> Reply {
        let mut r = Reply::json(
            status,
            json!({"code": code, "message": message, "subcode": subcode,
                   "details": [{"code": "Unspecified", "message": "rpc error: code = FailedPrecondition desc = Etag mismatched"}]}),
        );
        r.unchecked = Some("AKS's bare 409 body (Azure/terraform-azurerm-aks#604)");
        r
    }
}

pub type SyncHandler = fn(&Ctx) -> Reply;
pub type AsyncHandler = fn(Ctx) -> BoxFuture<'static, Reply>;

#[derive(Clone, Copy)]
pub enum Handler {
    Sync(SyncHandler),
    Async(AsyncHandler),
}

/// The `api-version` query parameter a route expects. A request that sends none, another or two
/// of them is a contract violation (`check_api_version`).
#[derive(Debug, Clone, Copy)]
pub enum ApiVersion {
    /// The version of the wire vocabulary the route's bodies come from (its `api_version`): the
    /// models the fake checks bodies against are that version's, so a request must ask for it.
    Vocabulary(Wire),
    /// No vocabulary describes the route: a version with the source that names it.
    Pinned {
        version: &'static str,
        source: &'static str,
    },
    /// The route takes no `api-version` (its service versions paths, or has no versions).
    None { why: &'static str },
}

impl ApiVersion {
    /// The version a request must send, or `None` when it must send none.
    pub fn expected(&self) -> Option<&'static str> {
        match self {
            ApiVersion::Vocabulary(w) => Some(w.api_version()),
            ApiVersion::Pinned { version, .. } => Some(version),
            ApiVersion::None { .. } => None,
        }
    }

    /// Where the expected version comes from, for the report.
    pub fn source(&self) -> String {
        match self {
            ApiVersion::Vocabulary(w) => format!("tests/fixtures/wire/{}.json", w.file),
            ApiVersion::Pinned { source, .. } => source.to_string(),
            ApiVersion::None { why } => why.to_string(),
        }
    }
}

/// A violation when the request's `api-version` query parameters are not exactly the route's.
pub fn check_api_version(route: &Route, query: &str, context: &str) -> Option<crate::contract::Violation> {
    let sent: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k.eq_ignore_ascii_case("api-version"))
        .map(|(_, v)| v.into_owned())
        .collect();
    let expected = route.api_version.expected();
    let ok = match expected {
        Some(want) => sent.len() == 1 && sent[0] == want,
        None => sent.is_empty(),
    };
    if ok {
        return None;
    }
    let sent = match sent.as_slice() {
        [] => "none".to_string(),
        [one] => one.clone(),
        many => format!("{} of them ({})", many.len(), many.join(", ")),
    };
    let expected = expected.unwrap_or("none");
    Some(crate::contract::Violation {
        context: context.to_string(),
        path: "?api-version".into(),
        problem: format!(
            "route {} {} expects api-version {expected} ({}), the request sent {sent}",
            route.method,
            route.pattern,
            route.api_version.source()
        ),
    })
}

/// One row of the route table.
pub struct Route {
    pub service: Service,
    pub method: &'static str,
    /// `/subscriptions/{sub}/…`; `{scope*}` takes zero or more segments; a segment may wrap a
    /// parameter in literal text: `servicePrincipals(appId='{app}')`. Literals match without case.
    pub pattern: &'static str,
    pub handler: Handler,
    /// Shape of the request body (checked when there is one).
    pub request: Option<Wire>,
    /// Shape of a successful answer's body.
    pub response: Option<Wire>,
    /// Shape of an error answer's body.
    pub error: Option<Wire>,
    /// The `api-version` every request to this route must carry.
    pub api_version: ApiVersion,
}

/// The route for a request, with its captured parameters.
pub fn find<'r>(
    routes: &'r [Route],
    service: Service,
    method: &str,
    path: &str,
) -> Option<(&'r Route, Vec<(&'static str, String)>)> {
    let segs: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    routes
        .iter()
        .filter(|r| r.service == service && r.method.eq_ignore_ascii_case(method))
        .find_map(|r| {
            let pat: Vec<&'static str> = r
                .pattern
                .trim_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            let mut params = vec![];
            matches(&pat, &segs, &mut params).then_some((r, params))
        })
}

fn matches(pat: &[&'static str], segs: &[&str], params: &mut Vec<(&'static str, String)>) -> bool {
    let Some((first, rest)) = pat.split_first() else {
        return segs.is_empty();
    };
    if let Some(name) = first.strip_prefix('{').and_then(|s| s.strip_suffix("*}")) {
        // Greedy-from-short: the scope is as long as the rest of the pattern allows.
        for take in 0..=segs.len() {
            let mark = params.len();
            params.push((name, format!("/{}", segs[..take].join("/"))));
            if matches(rest, &segs[take..], params) {
                return true;
            }
            params.truncate(mark);
        }
        return false;
    }
    let Some((seg, tail)) = segs.split_first() else {
        return false;
    };
    match first.find('{') {
        Some(open) => {
            let close = first.find('}').expect("pattern braces close");
            let (prefix, name, suffix) = (&first[..open], &first[open + 1..close], &first[close + 1..]);
            let decoded = percent_decode(seg);
            let ok = decoded.len() >= prefix.len() + suffix.len()
                && decoded[..prefix.len()].eq_ignore_ascii_case(prefix)
                && decoded[decoded.len() - suffix.len()..].eq_ignore_ascii_case(suffix);
            if !ok {
                return false;
            }
            let value = decoded[prefix.len()..decoded.len() - suffix.len()].to_string();
            if value.is_empty() {
                return false;
            }
            let mark = params.len();
            params.push((name, value));
            if matches(rest, tail, params) {
                return true;
            }
            params.truncate(mark);
            false
        }
        None => first.eq_ignore_ascii_case(seg) && matches(rest, tail, params),
    }
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sync(_: &Ctx) -> Reply {
        Reply::empty(200)
    }

    #[test]
    fn patterns_capture_scopes_and_embedded_parameters() {
        let routes = [
            Route {
                service: Service::Arm,
                method: "GET",
                pattern: "{scope*}/providers/Microsoft.Authorization/roleAssignments/{name}",
                handler: Handler::Sync(sync),
                request: None,
                response: None,
                error: None,
                api_version: ApiVersion::None { why: "test" },
            },
            Route {
                service: Service::Graph,
                method: "GET",
                pattern: "/v1.0/servicePrincipals(appId='{app}')",
                handler: Handler::Sync(sync),
                request: None,
                response: None,
                error: None,
                api_version: ApiVersion::None { why: "test" },
            },
        ];
        let (_, p) = find(
            &routes,
            Service::Arm,
            "get",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/providers/microsoft.authorization/roleassignments/abc",
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                (
                    "scope",
                    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv".to_string()
                ),
                ("name", "abc".to_string())
            ]
        );
        let (_, p) = find(
            &routes,
            Service::Graph,
            "GET",
            "/v1.0/servicePrincipals(appId=%27x-1%27)",
        )
        .unwrap();
        assert_eq!(p, vec![("app", "x-1".to_string())]);
        assert!(
            find(
                &routes,
                Service::Arm,
                "PUT",
                "/a/providers/Microsoft.Authorization/roleAssignments/x"
            )
            .is_none()
        );
    }
}
