//! The one HTTP client: ARM, Key Vault (via the SDK) and Entra (via azure_identity) all go through it,
//! so the CA bundle, `--resolve`, proxy, timeouts, user agent and the plain-http guard apply everywhere.

use crate::util::input::{self, Source, read_bounded_bytes};
use crate::{debug, trace};
use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    str::FromStr,
    sync::Arc,
    time::{Duration, Instant},
};
use url::Url;

pub(crate) const USER_AGENT: &str = concat!("kvwire/", env!("CARGO_PKG_VERSION"));

/// curl-style `HOST:PORT:ADDR` (PORT may be `*`): connect to ADDR whenever a URL names HOST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveRule {
    pub(crate) host: String,
    pub(crate) port: Option<u16>,
    pub(crate) addr: IpAddr,
}

impl FromStr for ResolveRule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "invalid --resolve {s_q}: expected HOST:PORT:ADDR, e.g. kv-demo.vault.azure.net:443:127.0.0.1 (PORT may be *)",
                s_q = crate::util::text::quoted(s)
            )
        };
        let mut parts = s.splitn(3, ':');
        let (host, port, addr) = match (parts.next(), parts.next(), parts.next()) {
            (Some(h), Some(p), Some(a)) if !h.is_empty() => (h, p, a),
            _ => return Err(bad()),
        };
        let port = match port {
            "*" => None,
            p => Some(p.parse::<u16>().map_err(|_| bad())?),
        };
        let addr = addr.trim_start_matches('[').trim_end_matches(']');
        let addr = addr.parse::<IpAddr>().map_err(|_| bad())?;
        Ok(ResolveRule {
            host: host.to_ascii_lowercase(),
            port,
            addr,
        })
    }
}

/// Settings for the shared client, from global flags and environment.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// Extra PEM CA certificates trusted in addition to the system store.
    pub ca_bundle: Option<PathBuf>,
    pub resolve: Vec<ResolveRule>,
    /// Whole-request timeout.
    pub timeout: Option<Duration>,
    /// Retries the Azure SDK clients (Key Vault, sign-in) may make, as `--retries` says.
    pub retries: u32,
    /// Pace requests to hosts under this DNS suffix (the cloud's Key Vault) to this many per host
    /// per 10 seconds (`--keyvault-rate`).
    pub keyvault_pace: Option<(String, u32)>,
}

/// The Azure Instance Metadata Service: managed identity tokens come from here over plain http by design;
/// a link-local address never leaves the host's own link.
const IMDS: std::net::Ipv4Addr = std::net::Ipv4Addr::new(169, 254, 169, 254);

/// Refuse plain http except to loopback (and IMDS): a bearer token must never cross a network in
/// clear text. This looks at the URL only; [`Http`] also checks where `--resolve` sends it.
pub(crate) fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) || url.host() == Some(url::Host::Ipv4(IMDS)) => Ok(()),
        "http" => Err(format!(
            "refusing plain http to {}: only https is allowed for hosts that are not loopback",
            url.host_str().unwrap_or("?")
        )),
        other => Err(format!("unsupported URL scheme {other:?} in {url}")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// A header value fit for logs: an absolute URL (`Location`, `Azure-AsyncOperation`, whose ARM
/// operation URLs carry signatures such as `…?api-version=…&t=…&c=MIIH…&s=…&h=…`) as
/// [`loggable_url`] shows URLs; anything else as it is.
pub(crate) fn loggable_header_value(value: &str) -> String {
    match Url::parse(value) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => loggable_url(&u),
        _ => value.to_string(),
    }
}

/// A URL fit for logs: no query values other than api-version.
pub(crate) fn loggable_url(url: &Url) -> String {
    let mut u = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "api-version" {
                v.into_owned()
            } else {
                "REDACTED".into()
            };
            (k.into_owned(), v)
        })
        .collect();
    if pairs.is_empty() {
        u.set_query(None);
    } else {
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

/// A transport failure: no HTTP response was received (or its body could not be read).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct TransportError {
    pub(crate) message: String,
    /// Worth another try: connection refused/reset, timeout.
    pub(crate) retryable: bool,
}

impl From<reqwest::Error> for TransportError {
    fn from(e: reqwest::Error) -> Self {
        if let Some(why) = untrusted_certificate(&e) {
            // The same certificate is presented on every try: retrying only delays the answer.
            return TransportError {
                message: format!(
                    "{}: the server's TLS certificate is not trusted ({why}). If a proxy or firewall re-signs TLS, trust its CA with --ca-bundle PEM (or KVWIRE_CA_BUNDLE, or the system store)",
                    with_causes(&e)
                ),
                retryable: false,
            };
        }
        let retryable = e.is_connect() || e.is_timeout() || e.is_request() || e.is_body();
        TransportError {
            message: with_causes(&e),
            retryable,
        }
    }
}

/// rustls's verdict on the server's certificate, when that is what failed. It comes wrapped in
/// I/O errors, nested (hyper's connect error holds an io::Error holding an io::Error holding it).
fn untrusted_certificate(e: &reqwest::Error) -> Option<String> {
    let found = |err: &(dyn std::error::Error + 'static)| match err.downcast_ref::<rustls::Error>() {
        Some(rustls::Error::InvalidCertificate(c)) => Some(format!("{c:?}")),
        _ => None,
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(why) = found(s) {
            return Some(why);
        }
        let mut io = s.downcast_ref::<std::io::Error>();
        while let Some(inner) = io.and_then(std::io::Error::get_ref) {
            if let Some(why) = found(inner) {
                return Some(why);
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        source = s.source();
    }
    None
}

/// The transport failure somewhere in an error's chain (an SDK error wraps it in context).
pub(crate) fn transport_failure<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a TransportError> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(t) = err.downcast_ref::<TransportError>() {
            return Some(t);
        }
        cur = err.source();
    }
    None
}

/// An error and its causes, each said once: what the SDK's "authentication failed" wraps.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![];
    let mut cur = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = err.source();
    }
    parts.join(": ")
}

/// reqwest's Display omits the cause chain, which is where the useful part (TLS, DNS) lives.
fn with_causes(e: &reqwest::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

#[derive(Clone, Debug)]
pub struct Http {
    client: reqwest::Client,
    /// `--resolve` rules: where a host is really dialled.
    resolve: Vec<ResolveRule>,
    retries: u32,
    /// Key Vault hosts (`.` + the cloud's suffix) and their pacing.
    keyvault: Option<(String, std::sync::Arc<crate::azure::pace::Pacer>)>,
}

/// The proxy for https, from `HTTPS_PROXY` (else `ALL_PROXY`), with `NO_PROXY`'s exclusions and
/// always loopback and IMDS.
/// Plain http — allowed only to loopback and IMDS, where managed identity tokens come from —
/// never goes through a proxy: a token must not leave the host in clear text.
fn https_proxy() -> Result<Option<reqwest::Proxy>, String> {
    let var = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .into_iter()
        .find_map(|n| std::env::var(n).ok().filter(|v| !v.trim().is_empty()).map(|v| (n, v)));
    let Some((name, url)) = var else { return Ok(None) };
    let proxy = reqwest::Proxy::https(url.trim()).map_err(|e| format!("{name}: not a proxy URL: {e}"))?;
    // Loopback and the instance metadata address never go through a proxy, https or not.
    let own = ["NO_PROXY", "no_proxy"]
        .into_iter()
        .find_map(|n| std::env::var(n).ok())
        .unwrap_or_default();
    let list = format!("{own},localhost,127.0.0.1,::1,169.254.169.254");
    Ok(Some(
        proxy.no_proxy(reqwest::NoProxy::from_string(list.trim_start_matches(','))),
    ))
}

impl Http {
    pub fn new(opts: &HttpOptions) -> Result<Http, String> {
        // Only ring is compiled in; install it once so every rustls user (reqwest, SDK) agrees.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(20))
            .read_timeout(Duration::from_secs(120))
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .tls_backend_rustls()
            .no_proxy();
        if let Some(p) = https_proxy()? {
            b = b.proxy(p);
        }
        if let Some(t) = opts.timeout {
            b = b.timeout(t);
        }
        if let Some(path) = &opts.ca_bundle {
            let pem = read_bounded_bytes(
                Source::File(path),
                input::CA_BUNDLE,
                &format!("--ca-bundle {}", path.display()),
            )
            .map_err(|e| e.to_string())?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| format!("--ca-bundle {}: not a PEM bundle: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!("--ca-bundle {}: no certificates found", path.display()));
            }
            b = b.tls_certs_merge(certs);
        }
        for r in &opts.resolve {
            b = b.resolve(&r.host, SocketAddr::new(r.addr, r.port.unwrap_or(443)));
        }
        let client = b.build().map_err(|e| TransportError::from(e).message)?;
        Ok(Http {
            client,
            resolve: opts.resolve.clone(),
            retries: opts.retries,
            keyvault: opts.keyvault_pace.as_ref().map(|(suffix, rate)| {
                (
                    format!(".{}", suffix.trim_start_matches('.').to_ascii_lowercase()),
                    std::sync::Arc::new(crate::azure::pace::Pacer::new(*rate)),
                )
            }),
        })
    }

    /// What the Azure SDK clients are given: this client as transport and `--retries` as their
    /// bound (their default is 8 retries over a minute).
    pub fn sdk_options(self: &Arc<Self>) -> azure_core::http::ClientOptions {
        use azure_core::http::{ExponentialRetryOptions, RetryOptions, Transport};
        azure_core::http::ClientOptions {
            transport: Some(Transport::new(self.clone())),
            retry: if self.retries == 0 {
                RetryOptions::none()
            } else {
                RetryOptions::exponential(ExponentialRetryOptions {
                    max_retries: self.retries,
                    ..Default::default()
                })
            },
            ..Default::default()
        }
    }

    /// [`check_scheme`], and for plain http also the address `--resolve` really dials: a rule
    /// that sends `localhost` elsewhere must not take a bearer token across the network.
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), String> {
        check_scheme(url)?;
        if url.scheme() != "http" {
            return Ok(());
        }
        let host = url
            .host_str()
            .unwrap_or("")
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        // Any rule for the host, whatever its port: reqwest overrides a host's address for every
        // port (it keeps the URL's port and drops the rule's), so `HOST:443:ADDR` sends
        // `http://HOST:8080/` to ADDR too.
        let rule = self
            .resolve
            .iter()
            .find(|r| r.host == host && !(r.addr.is_loopback() || r.addr == IpAddr::V4(IMDS)));
        match rule {
            Some(r) => Err(format!(
                "refusing plain http to {host}: --resolve sends it to {}, which is not loopback",
                r.addr
            )),
            None => Ok(()),
        }
    }

    pub(crate) fn request(&self, method: reqwest::Method, url: Url) -> reqwest::RequestBuilder {
        self.client.request(method, url)
    }

    /// Send one request: the scheme guard, then the wire, with redacted logging.
    pub(crate) async fn execute(&self, req: reqwest::Request) -> Result<reqwest::Response, TransportError> {
        self.check_url(req.url()).map_err(|message| TransportError {
            message,
            retryable: false,
        })?;
        if let (Some((suffix, pacer)), Some(host)) = (&self.keyvault, req.url().host_str())
            && host.to_ascii_lowercase().ends_with(suffix.as_str())
        {
            pacer.pace(host).await;
        }
        let started = Instant::now();
        let line = format!("{} {}", req.method(), loggable_url(req.url()));
        debug!("→ {line}");
        log_headers("→", req.headers());
        let result = self.client.execute(req).await;
        match &result {
            Ok(resp) => {
                debug!(
                    "← {} {line} ({} ms)",
                    resp.status().as_u16(),
                    started.elapsed().as_millis()
                );
                log_headers("←", resp.headers());
            }
            Err(e) => debug!("✗ {line}: {}", with_causes(e)),
        }
        Ok(result?)
    }
}

fn log_headers(dir: &str, headers: &reqwest::header::HeaderMap) {
    if !crate::ui::log::enabled(3) {
        return;
    }
    for (name, value) in headers {
        trace!("{dir} {name}: {}", loggable_header(name.as_str(), value.as_bytes()));
    }
}

/// A header's value as `-vvv` shows it: credentials (by name, [`crate::ui::redact::CREDENTIAL_HEADERS`])
/// as `REDACTED`, URLs without their query values, anything not text as `(binary)`.
fn loggable_header(name: &str, value: &[u8]) -> String {
    if crate::ui::redact::credential_header(name) {
        return "REDACTED".into();
    }
    std::str::from_utf8(value)
        .map(loggable_header_value)
        .unwrap_or_else(|_| "(binary)".into())
}

/// The SDK clients (azure_identity, Key Vault) use this same client as their transport.
#[async_trait::async_trait]
impl azure_core::http::HttpClient for Http {
    async fn execute_request(
        &self,
        request: &azure_core::http::Request,
    ) -> azure_core::Result<azure_core::http::AsyncRawResponse> {
        use azure_core::error::{Error as AzError, ErrorKind};
        use azure_core::http::{Body, headers};
        use futures::AsyncReadExt;

        let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes())
            .map_err(|e| AzError::with_error(ErrorKind::Other, e, "unsupported HTTP method"))?;
        let mut rb = self.client.request(method, request.url().clone());
        for (name, value) in request.headers().iter() {
            rb = rb.header(name.as_str(), value.as_str());
        }
        let body = match request.body() {
            Body::Bytes(b) => b.clone(),
            Body::SeekableStream(s) => {
                let mut s = s.clone();
                s.reset().await?;
                let mut buf = Vec::new();
                s.read_to_end(&mut buf)
                    .await
                    .map_err(|e| AzError::with_error(ErrorKind::Io, e, "reading request body"))?;
                buf.into()
            }
        };
        let req = rb
            .body(body)
            .build()
            .map_err(|e| AzError::with_error(ErrorKind::Other, e, "building request"))?;
        let resp = self.execute(req).await.map_err(|e| {
            let kind = if e.retryable { ErrorKind::Io } else { ErrorKind::Other };
            // Kept as the error itself, so callers can tell a network failure from a refusal.
            AzError::new(kind, e)
        })?;
        let status = resp.status().as_u16();
        let mut hs = headers::Headers::new();
        for (k, v) in resp.headers() {
            if let Ok(v) = v.to_str() {
                hs.insert(k.as_str().to_owned(), v.to_owned());
            }
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| AzError::with_message(ErrorKind::Io, TransportError::from(e).message))?;
        Ok(azure_core::http::AsyncRawResponse::from_bytes(status.into(), hs, bytes))
    }
}

/// Shared handle, cheap to clone.
pub type SharedHttp = Arc<Http>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://management.azure.com/",
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://[::1]:1/",
            "http://169.254.169.254/metadata/identity/oauth2/token",
        ] {
            assert!(check_scheme(&Url::parse(ok).unwrap()).is_ok(), "{ok}");
        }
        for bad in [
            "http://management.azure.com/",
            "http://10.0.0.1/",
            "http://169.254.1.1/",
            "ftp://127.0.0.1/",
        ] {
            assert!(check_scheme(&Url::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn resolve_rules_parse_like_curl() {
        let r: ResolveRule = "Kv-Demo.vault.azure.net:443:127.0.0.1".parse().unwrap();
        assert_eq!((r.host.as_str(), r.port), ("kv-demo.vault.azure.net", Some(443)));
        let r: ResolveRule = "h:*:[::1]".parse().unwrap();
        assert_eq!(r.addr, "::1".parse::<IpAddr>().unwrap());
        for bad in ["h:443", "h:x:127.0.0.1", ":1:127.0.0.1", "h:1:not-an-ip"] {
            assert!(bad.parse::<ResolveRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_credential_header_is_redacted_whatever_its_case() {
        for name in crate::ui::redact::CREDENTIAL_HEADERS {
            for spelled in [name.to_string(), name.to_ascii_uppercase()] {
                let shown = loggable_header(&spelled, b"Bearer s3cr3t-value");
                assert_eq!(shown, "REDACTED", "{spelled}");
            }
        }
        // The header secrets of azure_identity's managed-identity sources are on the list.
        for name in ["x-identity-header", "secret"] {
            assert_eq!(loggable_header(name, b"s3cr3t"), "REDACTED", "{name}");
        }
        // A marker, not a credential: still shown.
        assert_eq!(loggable_header("metadata", b"true"), "true");
    }

    #[test]
    fn logged_urls_hide_query_values() {
        let u = Url::parse("https://x/a?api-version=2022-04-01&$filter=secret").unwrap();
        assert_eq!(
            loggable_url(&u),
            "https://x/a?api-version=2022-04-01&%24filter=REDACTED"
        );
    }
}
