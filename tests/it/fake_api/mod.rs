//! A loopback fake of the parts of the Kubernetes API that `promsite diff --cluster` uses: GET of
//! an object, LIST with `labelSelector`, and server-side apply (`PATCH`,
//! `application/apply-patch+yaml`) in dry-run mode, answering 401/403/404/405 like an API
//! server. It binds 127.0.0.1:0, serves one connection at a time, and stops when dropped or after
//! a minute, whichever is first.
#![allow(dead_code, unreachable_pub, clippy::missing_panics_doc)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use promsite::diff::resources::{self, Resource};
use serde_json::{Value, json};

/// The server never outlives a test by more than this.
const LIFETIME: Duration = Duration::from_secs(60);
/// Largest request accepted.
const MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// Where an object lives: (resource, namespace, name).
type Key = (&'static Resource, Option<String>, String);

/// What the fake serves and how it misbehaves.
#[derive(Debug, Default)]
pub struct State {
    objects: BTreeMap<(String, String, Option<String>, String), Value>,
    /// Plurals (`prometheuses`) whose resource type is not served, like a CRD not applied.
    pub unserved: BTreeSet<&'static str>,
    /// (verb, plural) pairs RBAC forbids.
    pub forbidden: BTreeSet<(&'static str, &'static str)>,
    /// Whether PATCH answers 405, like a server without server-side apply.
    pub refuse_dry_run: bool,
    /// The bearer token every request must carry, when set.
    pub token: Option<String>,
    /// Every request, as `METHOD path?query`.
    pub requests: Vec<String>,
}

impl State {
    /// Adds objects in `kubectl get -o yaml` form (each with apiVersion and kind).
    pub fn load(&mut self, objects: impl IntoIterator<Item = Value>) {
        for object in objects {
            let api_version = object["apiVersion"].as_str().expect("apiVersion");
            let kind = object["kind"].as_str().expect("kind");
            let resource = resources::lookup(resources::group_of(api_version), kind)
                .unwrap_or_else(|| panic!("unknown kind {kind}"));
            let namespace = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let name = object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .expect("name")
                .to_owned();
            // A server stores objects with its defaults filled in.
            let mut object = object;
            default(resource, &mut object);
            self.objects.insert(id(&(resource, namespace, name)), object);
        }
    }
}

fn id((resource, namespace, name): &Key) -> (String, String, Option<String>, String) {
    (
        resource.group.to_owned(),
        resource.plural.to_owned(),
        namespace.clone(),
        name.clone(),
    )
}

/// A running fake API server.
pub struct FakeApi {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeApi {
    /// Starts a server with this state.
    pub fn start(state: State) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("non-blocking");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || serve(&listener, &state, &stop))
        };
        Self {
            url,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// The state, to inspect the requests or change behaviour between runs.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, state: &Mutex<State>, stop: &AtomicBool) {
    let deadline = Instant::now() + LIFETIME;
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = handle(stream, state);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => return,
        }
    }
}

/// One parsed HTTP request.
struct Request {
    method: String,
    path: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

fn handle(stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let Some(request) = read_request(&mut reader)? else {
        return Ok(());
    };
    let (code, body) = {
        let mut state = state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let query: Vec<String> = request.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        state
            .requests
            .push(format!("{} {}?{}", request.method, request.path, query.join("&")));
        respond(&mut state, &request)
    };
    let text = body.to_string();
    let reason = match code {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Error",
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )?;
    stream.flush()
}

fn read_request(reader: &mut impl BufRead) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0)
        .min(MAX_REQUEST_BYTES);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    Ok(Some(Request {
        method: method.to_owned(),
        path: decode(path),
        query,
        headers,
        body,
    }))
}

/// Percent-decoding of a URL component (`+` is a space in queries).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(byte) = hex {
                    out.push(byte);
                    i += 3;
                } else {
                    out.push(b'%');
                    i += 1;
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An API `Status` document.
fn status(code: u16, reason: &str, message: &str, details: &Value) -> (u16, Value) {
    (
        code,
        json!({"apiVersion": "v1", "kind": "Status", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "details": details, "code": code}),
    )
}

/// Parses `/api/v1/...` and `/apis/GROUP/VERSION/...` into (resource, namespace, name).
fn route(path: &str) -> Option<(&'static Resource, Option<String>, Option<String>)> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let (namespace, plural, name) = match rest {
        ["namespaces", namespace, plural, name @ ..] => (Some((*namespace).to_owned()), *plural, name.first()),
        [plural, name @ ..] => (None, *plural, name.first()),
        [] => return None,
    };
    let resource = resources::RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)?;
    Some((resource, namespace, name.map(|n| (*n).to_owned())))
}

fn respond(state: &mut State, request: &Request) -> (u16, Value) {
    if let Some(token) = &state.token
        && request.headers.get("authorization") != Some(&format!("Bearer {token}"))
    {
        return status(401, "Unauthorized", "Unauthorized", &json!({}));
    }
    let Some((resource, namespace, name)) = route(&request.path) else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            &json!({}),
        );
    };
    if state.unserved.contains(resource.plural) {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            &json!({}),
        );
    }
    let verb = match (request.method.as_str(), &name) {
        ("GET", Some(_)) => "get",
        ("GET", None) => "list",
        ("PATCH", Some(_)) => "patch",
        _ => {
            return status(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                &json!({}),
            );
        }
    };
    if state.forbidden.contains(&(verb, resource.plural)) {
        let group = resource.group;
        let scope = namespace.as_ref().map_or_else(
            || "at the cluster scope".to_owned(),
            |n| format!("in the namespace \"{n}\""),
        );
        let message = format!(
            "{} is forbidden: User \"tester\" cannot {verb} resource \"{}\" in API group \"{group}\" {scope}",
            resource.qualified(),
            resource.plural
        );
        return status(
            403,
            "Forbidden",
            &message,
            &json!({"group": group, "kind": resource.plural}),
        );
    }
    match (verb, name) {
        ("list", None) => list(
            state,
            resource,
            namespace.as_deref(),
            request.query.get("labelSelector").map_or("", String::as_str),
        ),
        ("get", Some(name)) => match state.objects.get(&id(&(resource, namespace, name.clone()))) {
            Some(object) => (200, object.clone()),
            None => not_found(resource, &name),
        },
        (_, Some(name)) => apply(state, request, resource, namespace, &name),
        _ => status(405, "MethodNotAllowed", "unsupported", &json!({})),
    }
}

fn not_found(resource: &Resource, name: &str) -> (u16, Value) {
    status(
        404,
        "NotFound",
        &format!("{} \"{name}\" not found", resource.qualified()),
        &json!({"name": name, "group": resource.group, "kind": resource.plural}),
    )
}

fn list(state: &State, resource: &Resource, namespace: Option<&str>, selector: &str) -> (u16, Value) {
    let wanted: Vec<(&str, &str)> = selector.split(',').filter_map(|term| term.split_once('=')).collect();
    let items: Vec<Value> = state
        .objects
        .iter()
        .filter(|((group, plural, ns, _), _)| {
            group == resource.group && plural == resource.plural && (namespace.is_none() || ns.as_deref() == namespace)
        })
        .map(|(_, object)| object)
        .filter(|object| {
            wanted.iter().all(|(k, v)| {
                object
                    .pointer("/metadata/labels")
                    .and_then(|l| l.get(*k))
                    .and_then(Value::as_str)
                    == Some(*v)
            })
        })
        .map(|object| {
            // Like a real server: list items carry no apiVersion or kind.
            let mut item = object.clone();
            if let Some(map) = item.as_object_mut() {
                map.remove("apiVersion");
                map.remove("kind");
            }
            item
        })
        .collect();
    (
        200,
        json!({"apiVersion": resource.api_version(), "kind": format!("{}List", resource.kind), "metadata": {"resourceVersion": "99999"}, "items": items}),
    )
}

/// Server-side apply, dry run only: the live object merged with the patch (the patch wins), or
/// the object as it would be created. The fake stores nothing.
fn apply(
    state: &State,
    request: &Request,
    resource: &'static Resource,
    namespace: Option<String>,
    name: &str,
) -> (u16, Value) {
    if state.refuse_dry_run {
        return status(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            &json!({}),
        );
    }
    let query = |key: &str| request.query.get(key).map(String::as_str);
    let content_type = request.headers.get("content-type").map_or("", String::as_str);
    if query("dryRun") != Some("All")
        || query("fieldManager") != Some("promsite")
        || query("force") != Some("true")
        || content_type != "application/apply-patch+yaml"
    {
        return status(
            400,
            "BadRequest",
            &format!(
                "the fake only dry-runs a forced apply by promsite (got {:?}, {content_type})",
                request.query
            ),
            &json!({}),
        );
    }
    // The body is JSON, which is YAML too.
    let Ok(patch) = serde_json::from_slice::<Value>(&request.body) else {
        return status(400, "BadRequest", "the body is not an object", &json!({}));
    };
    let (code, mut result) = if let Some(live) = state.objects.get(&id(&(resource, namespace, name.to_owned()))) {
        (200, merge(live.clone(), patch))
    } else {
        let mut created = patch;
        created["metadata"]["uid"] = json!("00000000-0000-4000-8000-000000000000");
        created["metadata"]["creationTimestamp"] = json!("2026-03-02T10:00:00Z");
        created["metadata"]["resourceVersion"] = json!("0");
        (201, created)
    };
    default(resource, &mut result);
    result["metadata"]["managedFields"] = json!([{"apiVersion": resource.api_version(), "fieldsType": "FieldsV1", "fieldsV1": {}, "manager": "promsite", "operation": "Apply"}]);
    (code, result)
}

/// The one default the fixtures need, as the API server sets it: a Service port's protocol.
fn default(resource: &Resource, object: &mut Value) {
    if resource.kind != "Service" {
        return;
    }
    for port in object
        .pointer_mut("/spec/ports")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if port.get("protocol").is_none() {
            port["protocol"] = json!("TCP");
        }
    }
}

fn merge(base: Value, patch: Value) -> Value {
    match (base, patch) {
        (Value::Object(mut base), Value::Object(patch)) => {
            for (key, value) in patch {
                let merged = match base.remove(&key) {
                    Some(old) => merge(old, value),
                    None => value,
                };
                base.insert(key, merged);
            }
            Value::Object(base)
        }
        (_, patch) => patch,
    }
}

/// A kubeconfig for `url` with one context `fake` (and a second, `dead`, whose server is down),
/// as YAML text.
pub fn kubeconfig(url: &str, user: &Value) -> String {
    let config = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": "fake", "cluster": {"server": url}},
            {"name": "dead", "cluster": {"server": dead_url()}},
        ],
        "users": [{"name": "tester", "user": user}],
        "contexts": [
            {"name": "fake", "context": {"cluster": "fake", "user": "tester"}},
            {"name": "dead", "context": {"cluster": "dead", "user": "tester"}},
        ],
        "current-context": "fake",
    });
    serde_saphyr::to_string(&config).expect("kubeconfig serializes")
}

/// The URL of a loopback port nobody listens on.
pub fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    url
}
