//! A thin Azure Resource Manager client on the shared reqwest client: retries with backoff that
//! honours `Retry-After`, and long-running-operation (LRO) polling.

pub mod api;
pub mod models;
pub mod writable;

pub(crate) use crate::error::{ArmError, ErrorCode};

use crate::{
    azure::http::{SharedHttp, loggable_url},
    debug,
    error::{Error, Result},
    info, trace,
    util::observation::Observation,
};
use azure_core::credentials::TokenCredential;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::Value;
use std::{sync::Arc, time::Duration};
use tokio::time::{Instant, sleep};
use url::Url;

/// Retry tuning. Defaults suit real Azure; tests shorten the base delay through the environment.
#[derive(Debug, Clone)]
pub(crate) struct RetryPolicy {
    /// Total tries per request, first included.
    pub(crate) max_attempts: u32,
    /// First backoff when the server does not say how long to wait; doubles each try.
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    /// A `Retry-After` longer than this is clamped (a CLI should not sleep for an hour).
    pub(crate) max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self.base_delay.saturating_mul(1u32 << (attempt - 1).min(16));
        crate::util::backoff::jittered(exp.min(self.max_delay))
    }
}

/// How long-running operations are awaited.
#[derive(Debug, Clone)]
pub(crate) struct LroPolicy {
    /// Give up (with an error naming the operation) after this long.
    pub(crate) timeout: Duration,
    /// `--no-wait`: start operations and return after Azure accepted them.
    pub(crate) no_wait: bool,
}

impl Default for LroPolicy {
    fn default() -> Self {
        LroPolicy {
            timeout: Duration::from_secs(3600),
            no_wait: false,
        }
    }
}

impl LroPolicy {
    /// How long to wait after the `n`th look at an operation that gave no `Retry-After`: every
    /// 2 s for the first half minute (most cluster operations end within minutes, and a late look
    /// costs the whole run its wait), then backing off to every 30 s.
    pub(crate) fn poll_interval(&self, n: u32) -> Duration {
        let two = Duration::from_secs(2);
        if n < 15 {
            two
        } else {
            two.saturating_mul(1 << (n - 14).min(4)).min(Duration::from_secs(30))
        }
    }

    /// Look at something that is not ours to poll (the cluster or a pool busy with someone's
    /// operation) at [`LroPolicy::poll_interval`] until `look` finds it done (`Ok(value)`), while
    /// it says what still runs (`Err(status)`), telling `waiting` before each wait; within
    /// `--lro-timeout`, past which the error is `timed_out(last status)`.
    pub(crate) async fn wait_until<T, F, Fut>(
        &self,
        mut look: F,
        waiting: impl Fn(&str),
        timed_out: impl FnOnce(&str) -> Error,
    ) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<std::result::Result<T, String>>>,
    {
        let deadline = tokio::time::Instant::now() + self.timeout;
        let mut n = 0;
        loop {
            let status = match look().await? {
                Ok(done) => return Ok(done),
                Err(status) => status,
            };
            let wait = self.poll_interval(n);
            if tokio::time::Instant::now() + wait > deadline {
                return Err(timed_out(&status));
            }
            waiting(&status);
            tokio::time::sleep(wait).await;
            n += 1;
        }
    }
}

/// AKS throttles status polls to about two a second per subscription after a burst of 200
/// (AKS docs, "Throttling limits": GET of operation status); one budget across every operation
/// kvwire awaits keeps parallel waits under it.
#[derive(Debug)]
struct PollBudget {
    tokens: f64,
    at: std::time::Instant,
}

impl PollBudget {
    const BURST: f64 = 200.0;
    const PER_SECOND: f64 = 2.0;

    fn new() -> PollBudget {
        PollBudget {
            tokens: Self::BURST,
            at: std::time::Instant::now(),
        }
    }

    /// Take one poll; `Some(wait)` when there is none left yet.
    fn take(&mut self) -> Option<Duration> {
        let now = std::time::Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.at).as_secs_f64() * Self::PER_SECOND).min(Self::BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            None
        } else {
            Some(Duration::from_secs_f64((1.0 - self.tokens) / Self::PER_SECOND))
        }
    }
}

/// A `provisioningState` that will not change on its own: anything else means an operation is
/// still running (AKS reports Updating, Upgrading, UpgradingNodeImageVersion, Scaling, Creating,
/// Deleting, Starting, Stopping, … and new ones appear), as cluster-api-provider-azure treats it.
pub(crate) fn is_terminal(state: &str) -> bool {
    TERMINAL.contains(&state.to_ascii_lowercase().as_str())
}

/// An operation's status or a resource's `provisioningState` in kvwire's words, for progress
/// lines: ARM's spelling (`InProgress`, `Accepted`) never reaches the terminal raw. States ARM
/// documents are named here; any other (AKS adds its own: `UpgradingNodeImageVersion`) becomes
/// lower-case words ("upgrading node image version").
pub(crate) fn in_words(state: &str) -> String {
    let named = match state.to_ascii_lowercase().as_str() {
        // Accepted: the provider has the request but has not started on it.
        "accepted" => "waiting for Azure",
        "inprogress" | "running" | "" => "in progress",
        "creating" => "creating",
        "updating" => "updating",
        "deleting" => "deleting",
        "upgrading" => "upgrading",
        "succeeded" => "succeeded",
        "failed" => "failed",
        "canceled" | "cancelled" => "canceled",
        _ => {
            let mut words = String::new();
            for c in state.chars() {
                if c.is_uppercase() && !words.is_empty() {
                    words.push(' ');
                }
                words.extend(c.to_lowercase());
            }
            return words;
        }
    };
    named.to_string()
}

/// The operation a resource's non-terminal `provisioningState` says runs, as a noun in kvwire's
/// words: "update" for `Updating`, "node image upgrade" for `UpgradingNodeImageVersion`; a state
/// not named here reads "{state in words} operation".
pub(crate) fn operation_in_words(state: &str) -> String {
    let named = match state.to_ascii_lowercase().as_str() {
        "creating" => "creation",
        "updating" => "update",
        "upgrading" => "upgrade",
        "upgradingnodeimageversion" => "node image upgrade",
        "deleting" => "deletion",
        "scaling" => "scaling",
        "starting" => "start",
        "stopping" => "stop",
        "canceling" | "cancelling" => "cancellation",
        _ => return format!("{} operation", in_words(state)),
    };
    named.to_string()
}

pub(crate) use crate::util::Progress as OnStatus;

/// One HTTP answer from ARM, body already read.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    /// The body as JSON; empty is `null`. Anything else that is not JSON is an error, never a
    /// `null` that would read as "absent" and plan a create.
    fn json(&self) -> Result<Value> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::runtime(format!(
                "Azure answered {} with a body that is not JSON ({e}): {}",
                self.status.as_u16(),
                String::from_utf8_lossy(&self.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ))
        })
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Arm {
    http: SharedHttp,
    credential: Arc<dyn TokenCredential>,
    base: Url,
    scope: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) lro: LroPolicy,
    polls: Arc<std::sync::Mutex<PollBudget>>,
}

const RETRYABLE: &[u16] = &[408, 429, 500, 502, 503, 504];
const TERMINAL: &[&str] = &["succeeded", "failed", "canceled", "cancelled"];

impl Arm {
    pub fn new(http: SharedHttp, credential: Arc<dyn TokenCredential>, base: Url, scope: String) -> Arm {
        Arm {
            http,
            credential,
            base,
            scope,
            retry: RetryPolicy::default(),
            lro: LroPolicy::default(),
            polls: Arc::new(std::sync::Mutex::new(PollBudget::new())),
        }
    }

    /// `path` is a resource ID or other path starting with `/`; an empty `api_version` adds none
    /// (Microsoft Graph versions its paths instead).
    pub(crate) fn url(&self, path: &str, api_version: &str) -> Url {
        let mut u = self.base.clone();
        u.set_path(path);
        if !api_version.is_empty() {
            u.query_pairs_mut().append_pair("api-version", api_version);
        }
        u
    }

    // ---- reads -------------------------------------------------------------------------------

    pub async fn get(&self, path: &str, api_version: &str) -> Result<Value> {
        let url = self.url(path, api_version);
        match self.read(&url).await? {
            Some(v) => Ok(v),
            None => Err(Error::Arm(ArmError::from_body(
                404,
                b"",
                format!("GET {}", loggable_url(&url)),
            ))),
        }
    }

    /// Like [`Arm::get`], but a 404 is `None`.
    pub(crate) async fn get_opt(&self, path: &str, api_version: &str) -> Result<Option<Value>> {
        self.read(&self.url(path, api_version)).await
    }

    /// One GET (404 = `None`), shared with identical reads of the same observation.
    async fn read(&self, url: &Url) -> Result<Option<Value>> {
        let fetch = || async {
            match self.checked(Method::GET, url.clone(), None, &[]).await {
                Ok(a) => a.json().map(Some),
                Err(Error::Arm(e)) if e.is_not_found() => Ok(None),
                Err(e) => Err(e),
            }
        };
        match Observation::current() {
            Some(o) => shared(o.read(url.as_str()), fetch).await,
            None => fetch().await,
        }
    }

    /// All items of a collection, following `nextLink`.
    pub(crate) async fn list(&self, path: &str, api_version: &str) -> Result<Vec<Value>> {
        self.list_filtered(path, api_version, None).await
    }

    /// Like [`Arm::list`] with an OData `$filter`.
    pub(crate) async fn list_filtered(
        &self,
        path: &str,
        api_version: &str,
        filter: Option<&str>,
    ) -> Result<Vec<Value>> {
        let url = self.list_url(path, api_version, filter);
        let fetch = || async {
            let mut url = url.clone();
            let mut items = Vec::new();
            loop {
                let page = self.checked(Method::GET, url, None, &[]).await?.json()?;
                if let Some(v) = page.get("value").and_then(Value::as_array) {
                    items.extend(v.iter().cloned());
                }
                match page.get("nextLink").and_then(Value::as_str) {
                    Some(next) if !next.is_empty() => url = self.same_host(next)?,
                    _ => return Ok(items),
                }
            }
        };
        match Observation::current() {
            Some(o) => shared(o.list(url.as_str()), fetch).await,
            None => fetch().await,
        }
    }

    /// The first page's URL of a list: [`Arm::url`] and the OData `$filter`, if any (also the key
    /// of the list's slot in an observation).
    pub(crate) fn list_url(&self, path: &str, api_version: &str, filter: Option<&str>) -> Url {
        let mut url = self.url(path, api_version);
        if let Some(f) = filter {
            url.query_pairs_mut().append_pair("$filter", f);
        }
        url
    }

    // ---- writes (each awaits its long-running operation) --------------------------------------

    /// PUT and wait; returns the resource as it is once the operation has finished.
    pub(crate) async fn put(&self, path: &str, api_version: &str, body: &Value, on: OnStatus<'_>) -> Result<Value> {
        self.put_if_match(path, api_version, body, None, on).await
    }

    /// PUT only if the resource still has entity tag `etag` (ARM answers 412 PreconditionFailed
    /// otherwise): a change someone made since kvwire read the resource is never overwritten.
    pub(crate) async fn put_if_match(
        &self,
        path: &str,
        api_version: &str,
        body: &Value,
        etag: Option<&str>,
        on: OnStatus<'_>,
    ) -> Result<Value> {
        // An entity-tag header value is quoted (RFC 9110 §8.8.3); the body carries it bare.
        let quoted = etag.map(|e| {
            if e.starts_with('"') {
                e.to_string()
            } else {
                format!("\"{e}\"")
            }
        });
        let headers: Vec<(&str, &str)> = quoted.as_deref().map(|e| ("if-match", e)).into_iter().collect();
        self.write(Method::PUT, path, api_version, Some(body), &headers, on)
            .await
            .map(|v| v.unwrap_or(Value::Null))
    }

    pub(crate) async fn patch(&self, path: &str, api_version: &str, body: &Value, on: OnStatus<'_>) -> Result<Value> {
        self.write(Method::PATCH, path, api_version, Some(body), &[], on)
            .await
            .map(|v| v.unwrap_or(Value::Null))
    }

    /// POST an action and wait; returns the final body when the operation has one.
    pub(crate) async fn post(
        &self,
        path: &str,
        api_version: &str,
        body: Option<&Value>,
        on: OnStatus<'_>,
    ) -> Result<Option<Value>> {
        self.write(Method::POST, path, api_version, body, &[], on).await
    }

    /// DELETE and wait. A resource that is already gone is success.
    pub(crate) async fn delete(&self, path: &str, api_version: &str, on: OnStatus<'_>) -> Result<()> {
        match self.write(Method::DELETE, path, api_version, None, &[], on).await {
            Ok(_) => Ok(()),
            Err(Error::Arm(e)) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Send a write once, then await its operation (unless `--no-wait`). A busy answer from AKS
    /// (409 `OperationNotAllowed` or `EtagMismatch`) is returned, never resent: a resent request
    /// may start the same work twice (a second re-image), so the step that wrote waits, reads
    /// again and plans again ([`ErrorCode::is_busy`]).
    async fn write(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
        on: OnStatus<'_>,
    ) -> Result<Option<Value>> {
        let url = self.url(path, api_version);
        let first = self.checked(method.clone(), url.clone(), body, headers).await?;
        if self.lro.no_wait {
            on("started (not waiting)");
            return Ok(non_null(first.json()?));
        }
        self.await_operation(&method, &url, first, on).await
    }

    /// Follow an LRO to its end: `Azure-AsyncOperation` first, then `Location`, then the
    /// resource's own `provisioningState`. The first look comes at once; then `Retry-After` is
    /// honoured, or [`LroPolicy::poll_interval`] paces it. A finished PUT is not read again here:
    /// the step that made it reads it when it verifies.
    async fn await_operation(
        &self,
        method: &Method,
        url: &Url,
        first: Answer,
        on: OnStatus<'_>,
    ) -> Result<Option<Value>> {
        let async_op = first.header("azure-asyncoperation").map(str::to_owned);
        let location = first.header("location").map(str::to_owned);
        let mut polls = Polls {
            arm: self,
            deadline: Instant::now() + self.lro.timeout,
            n: 0,
            retry_after: None,
        };

        if let Some(op) = async_op {
            let op_url = self.same_host(&op)?;
            loop {
                polls.pause(&op_url).await?;
                let a = self.checked(Method::GET, op_url.clone(), None, &[]).await?;
                let status_doc = a.json()?;
                let status = status_doc
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("InProgress")
                    .to_string();
                on(&in_words(&status));
                info!("operation {}: {status}", loggable_url(&op_url));
                if TERMINAL.contains(&status.to_ascii_lowercase().as_str()) {
                    if !status.eq_ignore_ascii_case("succeeded") {
                        return Err(lro_failure(&status_doc, &status, method, url));
                    }
                    return Ok(None);
                }
                polls.retry_after = self.retry_after(&a.headers);
            }
        }

        if first.status == StatusCode::ACCEPTED {
            if let Some(loc) = location {
                let loc_url = self.same_host(&loc)?;
                loop {
                    polls.pause(&loc_url).await?;
                    let a = self.checked(Method::GET, loc_url.clone(), None, &[]).await?;
                    if a.status != StatusCode::ACCEPTED {
                        on(&in_words("Succeeded"));
                        return Ok(non_null(a.json()?));
                    }
                    on(&in_words("InProgress"));
                    polls.retry_after = self.retry_after(&a.headers);
                }
            }
            return Ok(non_null(first.json()?));
        }

        let mut doc = first.json()?;
        // The answer itself was the first look.
        polls.n = 1;
        polls.retry_after = self.retry_after(&first.headers);
        if matches!(*method, Method::PUT | Method::PATCH) {
            loop {
                let state = provisioning_state(&doc);
                match state {
                    Some(s) if !TERMINAL.contains(&s.to_ascii_lowercase().as_str()) => {
                        on(&in_words(&s));
                        polls.pause(url).await?;
                        let a = self.checked(Method::GET, url.clone(), None, &[]).await?;
                        polls.retry_after = self.retry_after(&a.headers);
                        doc = a.json()?;
                    }
                    Some(s) if !s.eq_ignore_ascii_case("succeeded") => {
                        return Err(lro_failure(&doc, &s, method, url));
                    }
                    _ => break,
                }
            }
        }
        Ok(non_null(doc))
    }

    /// Polling and paging URLs come from the server; only ever send our token back to ARM itself.
    fn same_host(&self, link: &str) -> Result<Url> {
        let u = Url::parse(link).map_err(|e| Error::runtime(format!("ARM sent an invalid link {link:?}: {e}")))?;
        if u.scheme() != self.base.scheme()
            || u.host_str() != self.base.host_str()
            || u.port_or_known_default() != self.base.port_or_known_default()
        {
            return Err(Error::runtime(format!(
                "refusing to follow {} : it is not on the Resource Manager host {}",
                loggable_url(&u),
                self.base.host_str().unwrap_or("?")
            )));
        }
        Ok(u)
    }

    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        retry_after(headers).map(|d| d.min(self.retry.max_retry_after))
    }

    // ---- one request, with retries ----------------------------------------------------------

    /// Send with retries; a non-2xx final answer becomes an [`ArmError`].
    async fn checked(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Result<Answer> {
        let a = self.send(method.clone(), url.clone(), body, headers).await?;
        if a.status.is_success() {
            return Ok(a);
        }
        Err(Error::Arm(ArmError::from_body(
            a.status.as_u16(),
            &a.body,
            format!("{method} {}", loggable_url(&url)),
        )))
    }

    async fn send(&self, method: Method, url: Url, body: Option<&Value>, headers: &[(&str, &str)]) -> Result<Answer> {
        let body_bytes = body.map(|b| serde_json::to_vec(b).expect("JSON values serialise"));
        if let Some(b) = body {
            trace!("request body: {}", crate::ui::redact::json(b));
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.credential.get_token(&[&self.scope], None).await.map_err(|e| {
                match crate::azure::http::transport_failure(&e) {
                    Some(t) => Error::Http(t.message.clone()),
                    None => Error::Auth(crate::azure::http::error_chain(&e)),
                }
            })?;
            let mut rb = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.token.secret())
                .header("accept", "application/json");
            for (k, v) in headers {
                rb = rb.header(*k, *v);
            }
            if let Some(b) = &body_bytes {
                rb = rb.header("content-type", "application/json").body(b.clone());
            }
            let req = rb.build().map_err(|e| Error::Http(e.to_string()))?;
            let last = attempt >= self.retry.max_attempts;
            let resp = match self.http.execute(req).await {
                Ok(r) => r,
                Err(e) if e.retryable && !last => {
                    let d = self.retry.backoff(attempt);
                    debug!("retrying {method} in {} ms after: {}", d.as_millis(), e.message);
                    sleep(d).await;
                    continue;
                }
                Err(e) => return Err(Error::Http(format!("{method} {}: {}", loggable_url(&url), e.message))),
            };
            let status = resp.status();
            let headers = resp.headers().clone();
            if RETRYABLE.contains(&status.as_u16()) && !last {
                let d = self
                    .retry_after(&headers)
                    .unwrap_or_else(|| self.retry.backoff(attempt));
                info!(
                    "{} from {method} {}; retry {attempt} in {} ms",
                    status.as_u16(),
                    loggable_url(&url),
                    d.as_millis()
                );
                sleep(d).await;
                continue;
            }
            let body = match resp.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if !last => {
                    let d = self.retry.backoff(attempt);
                    debug!(
                        "retrying {method} in {} ms after reading the body failed: {e}",
                        d.as_millis()
                    );
                    sleep(d).await;
                    continue;
                }
                Err(e) => {
                    return Err(Error::Http(format!(
                        "{method} {}: reading the answer: {e}",
                        loggable_url(&url)
                    )));
                }
            };
            if crate::ui::log::enabled(3)
                && let Ok(v) = serde_json::from_slice::<Value>(&body)
            {
                trace!("response body: {}", crate::ui::redact::json(&v));
            }
            return Ok(Answer { status, headers, body });
        }
    }
}

/// The pace of one operation's polls.
struct Polls<'a> {
    arm: &'a Arm,
    deadline: Instant,
    /// Looks so far.
    n: u32,
    /// What the last answer asked for.
    retry_after: Option<Duration>,
}

impl Polls<'_> {
    /// Wait before the next look (none before the first), within the deadline and the shared budget.
    async fn pause(&mut self, what: &Url) -> Result<()> {
        let wait = match self.n {
            0 => Duration::ZERO,
            n => self.retry_after.unwrap_or_else(|| self.arm.lro.poll_interval(n - 1)),
        };
        self.n += 1;
        if Instant::now() + wait > self.deadline {
            return Err(Error::runtime(format!(
                "timed out after {}s waiting for the long-running operation {} (raise --lro-timeout; the operation itself may still finish in Azure)",
                self.arm.lro.timeout.as_secs(),
                loggable_url(what)
            )));
        }
        sleep(wait).await;
        loop {
            let over = self.arm.polls.lock().expect("poll budget").take();
            match over {
                None => return Ok(()),
                Some(w) => sleep(w).await,
            }
        }
    }
}

/// One answer per observation slot: the first asker fetches; an ARM error answer is kept and
/// given to every later asker as well (see [`crate::util::observation::Answer`]).
async fn shared<T, F, Fut>(
    slot: std::sync::Arc<tokio::sync::OnceCell<crate::util::observation::Answer<T>>>,
    fetch: F,
) -> Result<T>
where
    T: Clone,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let answer = slot
        .get_or_try_init(|| async {
            match fetch().await {
                Ok(v) => Ok(Ok(v)),
                Err(Error::Arm(e)) => Ok(Err(e)),
                Err(other) => Err(other),
            }
        })
        .await?;
    answer.clone().map_err(Error::Arm)
}

fn non_null(v: Value) -> Option<Value> {
    (!v.is_null()).then_some(v)
}

fn provisioning_state(doc: &Value) -> Option<String> {
    doc.pointer("/properties/provisioningState")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn lro_failure(doc: &Value, status: &str, method: &Method, url: &Url) -> Error {
    // An operation status carries `error`; AKS resources that end Failed carry
    // `properties.status.provisioningError`.
    let err = doc
        .get("error")
        .or_else(|| doc.pointer("/properties/status/provisioningError"));
    let code = err
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str)
        .unwrap_or("OperationFailed");
    let message = err
        .and_then(|e| e.get("message"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        // How it ended is said beside the code already.
        .unwrap_or_else(|| "Azure gave no message".to_string());
    Error::Arm(ArmError {
        status: 200,
        ended: Some(crate::error::Ended::of(status)),
        code: ErrorCode::parse(code),
        subcode: err
            .and_then(|e| e.get("subcode"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        message,
        operation: format!("{method} {}", loggable_url(url)),
    })
}

/// `retry-after-ms` / `x-ms-retry-after-ms` (milliseconds) win over `Retry-After` (seconds or an
/// HTTP date). At most an hour: a broken or hostile header must not park kvwire for longer.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_unbounded(headers).map(|d| d.min(Duration::from_secs(3600)))
}

fn retry_after_unbounded(headers: &HeaderMap) -> Option<Duration> {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(ms) = headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
        {
            return Some(Duration::from_millis(ms));
        }
    }
    let v = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate(v)?;
    let now = time::OffsetDateTime::now_utc();
    Some(Duration::try_from(when - now).unwrap_or(Duration::ZERO))
}

/// IMF-fixdate, the only HTTP-date form servers may send (RFC 9110 §5.6.7).
fn httpdate(s: &str) -> Option<time::OffsetDateTime> {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(s, &fmt).ok().map(|p| p.assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3"), ("retry-after-ms", "250")])),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn statuses_are_said_in_kvwires_words() {
        for (arm, words) in [
            ("InProgress", "in progress"),
            ("Accepted", "waiting for Azure"),
            ("Running", "in progress"),
            ("Updating", "updating"),
            ("Succeeded", "succeeded"),
            ("Cancelled", "canceled"),
            ("UpgradingNodeImageVersion", "upgrading node image version"),
        ] {
            assert_eq!(in_words(arm), words, "{arm}");
        }
        for (state, operation) in [
            ("Updating", "update"),
            ("UpgradingNodeImageVersion", "node image upgrade"),
            ("Scaling", "scaling"),
            ("Migrating", "migrating operation"),
        ] {
            assert_eq!(operation_in_words(state), operation, "{state}");
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..Default::default()
        };
        let b1 = p.backoff(1);
        let b3 = p.backoff(3);
        assert!(
            b1 >= Duration::from_millis(80) && b1 <= Duration::from_millis(120),
            "{b1:?}"
        );
        assert!(
            b3 >= Duration::from_millis(320) && b3 <= Duration::from_millis(480),
            "{b3:?}"
        );
        assert!(p.backoff(20) <= Duration::from_millis(1200));
    }
}
