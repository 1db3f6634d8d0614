//! Refuses credentials written into the site file. A site file lives in Git; a password, token or
//! private key belongs in a Kubernetes Secret that the site names.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::find;
use crate::site::{SpanIndex, escape};

/// Keys whose string value can only be a credential.
/// In the site format these keys only ever take a Secret reference, so a string there is the
/// credential itself (Slack's `api_url` is caught by its host instead: other integrations' `api_url`
/// is a public endpoint).
const CREDENTIAL_KEYS: &[&str] = &[
    "access_key",
    "access_token",
    "api_key",
    "api_secret",
    "api_token",
    "auth_password",
    "auth_secret",
    "auth_token",
    "bearer_token",
    "bot_token",
    "client_secret",
    "credentials",
    "passwd",
    "password",
    "private_key",
    "routing_key",
    "secret_key",
    "service_key",
    "token",
    "url_secret",
    "webhook_url",
];

/// Hosts whose URLs carry the credential in the path: Slack and Teams incoming webhooks, Feishu /
/// Lark bot hooks, Discord webhooks and Telegram's bot API (`/bot<token>/`).
const TOKEN_PATH_HOSTS: &[(&str, &str)] = &[
    ("hooks.slack.com", "/services/"),
    ("webhook.office.com", "/webhook"),
    ("outlook.office.com", "/webhook"),
    ("open.feishu.cn", "/hook/"),
    ("open.larksuite.com", "/hook/"),
    ("discord.com", "/api/webhooks/"),
    ("api.telegram.org", "/bot"),
];

/// URL query parameters that carry tokens (`?access_token=` in DingTalk and Feishu bot URLs).
const TOKEN_PARAMETERS: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "auth",
    "key",
    "password",
    "secret",
    "sig",
    "signature",
    "token",
];

/// Every credential in the document, and the pointers they were found at (so that the schema pass
/// does not report the same value again as a type error).
pub(crate) fn scan(document: &Value, spans: &SpanIndex, namespace: &str) -> (Vec<Diagnostic>, Vec<String>) {
    let mut found = Vec::new();
    walk(document, &mut Vec::new(), None, &mut found);
    let diagnostics = found
        .iter()
        .map(|(pointer, key, what)| {
            // A receiver URL with a token moves to `url_secret`; Prometheus' endpoints (headers, remote-write
            // URLs, probe targets) take no Secret there, so the token goes into `authorization`; every other
            // credential key takes the reference itself.
            let prometheus_side = pointer.contains("/headers/")
                || (!pointer.starts_with("/receivers/")
                    && (key.as_deref() == Some("url") || pointer.contains("/targets/")));
            let (field, key) = match key.as_deref() {
                _ if prometheus_side => ("authorization = { credentials = ", "token"),
                Some("url") => ("url_secret = ", "url"),
                Some(k) if CREDENTIAL_KEYS.contains(&k) => ("", k),
                _ => ("", "credential"),
            };
            let close = if prometheus_side { " }" } else { "" };
            // Labels and annotations take no Secret reference: they are copied into every alert.
            let help = if pointer.contains("/labels/") || pointer.contains("/annotations/") {
                "site files live in Git, and rule labels and annotations are copied into every alert and notification: \
                 remove the credential (a receiver that needs one references a Secret, e.g. `url_secret`)"
                    .to_owned()
            } else {
                format!(
                    "site files live in Git: put the value in a Secret \
                     (`kubectl -n {namespace} create secret generic <secret-name> --from-literal={key}=...`) \
                     and reference it: `{field}{{ secret = \"<secret-name>\", key = \"{key}\" }}{close}`"
                )
            };
            Diagnostic::error(
                Code::SecretPlaintext,
                spans.value(pointer),
                format!("{what} in the site file"),
            )
            .with_label("credential in plain text")
            .with_help(help)
        })
        .collect();
    (diagnostics, found.into_iter().map(|(pointer, _, _)| pointer).collect())
}

/// A step from a JSON value to one inside it.
#[derive(Debug, Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The JSON pointer of a path of steps.
fn pointer_of(path: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in path {
        // Writing into a String cannot fail.
        let _ = match step {
            Step::Key(key) => write!(pointer, "/{}", escape(key)),
            Step::Index(index) => write!(pointer, "/{index}"),
        };
    }
    pointer
}

type Finding = (String, Option<String>, String);

fn walk<'a>(value: &'a Value, path: &mut Vec<Step<'a>>, key: Option<&'a str>, found: &mut Vec<Finding>) {
    // The path is kept as steps and written out as a pointer only for a finding: nearly no string
    // is one.
    let mut visit = |step: Step<'a>, child: &'a Value, key: Option<&'a str>| {
        if matches!(child, Value::Object(_) | Value::Array(_) | Value::String(_)) {
            path.push(step);
            walk(child, path, key, found);
            path.pop();
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| visit(Step::Key(k), v, Some(k))),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, item)| visit(Step::Index(i), item, key)),
        Value::String(text) => {
            if let Some(what) = credential(key, text) {
                found.push((pointer_of(path), key.map(str::to_owned), what));
            }
        }
        _ => {}
    }
}

/// Whether `key` is a credential key as the site format spells them, or as an HTTP header names
/// one: `X-Api-Key` and `X-Auth-Token` (remote-write `headers`) are `api_key` and `auth_token`.
/// Compared in place, as this runs for every string in the site.
fn is_credential_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    let name = match bytes {
        [b'x' | b'X', b'-' | b'_', rest @ ..] => rest,
        _ => bytes,
    };
    let same = |expected: &str| {
        expected.len() == name.len()
            && expected
                .bytes()
                .zip(name)
                .all(|(e, &b)| e == if b == b'-' { b'_' } else { b.to_ascii_lowercase() })
    };
    CREDENTIAL_KEYS.iter().any(|k| same(k))
}

/// Credentials recognised anywhere in a text (a rule annotation, a description), each with what it
/// is: an Authorization header written out, a JSON Web Token, and tokens with a vendor's fixed
/// prefix (GitHub, GitLab, Slack, AWS access key ids). Bearer tokens are matched in code, below.
const TOKEN_PATTERNS: &[(&str, &str)] = &[
    (
        r#"(?i)\bauthorization\s*[:=]\s*['"]?(?:bearer|basic|token)\s+[A-Za-z0-9\-._~+/]{4,}"#,
        "an Authorization header value",
    ),
    (
        r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
        "a JSON Web Token",
    ),
    (
        r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b",
        "a GitHub token",
    ),
    (r"\bglpat-[A-Za-z0-9_-]{20,}", "a GitLab token"),
    (r"\bxox[abprs]-[A-Za-z0-9-]{10,}", "a Slack token"),
    (r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b", "an AWS access key"),
];

/// The shortest text that [`TOKEN_PATTERNS`] or [`BEARER`] can match: a Slack token, `xoxb-` and
/// ten characters.
const SHORTEST_TOKEN: usize = 15;

/// All of [`TOKEN_PATTERNS`] at once: one pass over each text instead of one per pattern.
static TOKENS: LazyLock<Option<regex::RegexSet>> =
    LazyLock::new(|| regex::RegexSet::new(TOKEN_PATTERNS.iter().map(|(pattern, _)| pattern)).ok());
/// `Bearer <token>`; the token must look like one (long, with a digit), so prose such as "bearer
/// tokens expire" passes.
static BEARER: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(BEARER_PATTERN).ok());
const BEARER_PATTERN: &str = r"(?i)\bbearer\s+([A-Za-z0-9\-._~+/]{16,}=*)";
/// A URL inside a longer text, up to the first character that cannot be part of it.
static URL: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r#"[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>`]+"#).ok());

/// What kind of credential `text` is, if it is one.
fn credential(key: Option<&str>, text: &str) -> Option<String> {
    if let Some(k) = key.filter(|k| is_credential_key(k)) {
        return Some(format!("a plaintext `{k}`"));
    }
    if find::contains(text, "-----BEGIN") && find::contains(text, "PRIVATE KEY") {
        return Some("a private key".to_owned());
    }
    // A header value is the scheme and one credential; prose that starts with "Bearer" is not.
    // Both schemes start with a `b`: other texts are not split into words (long ones were a tenth
    // of the scan).
    if text
        .trim_start()
        .as_bytes()
        .first()
        .is_some_and(|b| b.eq_ignore_ascii_case(&b'b'))
    {
        let mut words = text.split_whitespace();
        if let (Some(scheme), Some(_), None) = (words.next(), words.next(), words.next())
            && (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("basic"))
        {
            return Some("an Authorization header value".to_owned());
        }
    }
    // Most strings of a site (names, label values, durations) are too short for any token.
    if text.len() < SHORTEST_TOKEN {
        return url_credentials(text);
    }
    let hints = Hints::of(text);
    // Whether any pattern matches stops at the first match; which one is asked only then.
    if hints.token
        && let Some(set) = TOKENS.as_ref().filter(|set| set.is_match(text))
        && let Some(first) = set.matches(text).into_iter().next()
    {
        return TOKEN_PATTERNS.get(first).map(|(_, what)| (*what).to_owned());
    }
    // The hint first: the pattern compiles on its first use (a third of a millisecond, for its
    // Unicode `\b` and `\s`), which a site without the word never needs.
    let bearer = hints
        .bearer
        .then(|| BEARER.as_ref())
        .flatten()
        .filter(|re| re.is_match(text))
        .and_then(|re| {
            re.captures_iter(text)
                .find(|c| c[1].bytes().any(|b| b.is_ascii_digit()))
        });
    if bearer.is_some() {
        return Some("a bearer token".to_owned());
    }
    url_credentials(text)
}

/// What one pass over a text finds of the words the patterns start from, so that texts without
/// them (nearly all) neither build the patterns nor run them: building them was a tenth of
/// checking the seed site, and looking for each word in turn a tenth of checking a large one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hints {
    /// What every one of [`TOKEN_PATTERNS`] starts with: `gh[pousr]_`, `eyJ`, `github_pat_`,
    /// `glpat-`, `xox`, `AKIA`, `ASIA`, or `authorization` in any ASCII case.
    token: bool,
    /// `bearer` in any ASCII case (what [`BEARER`] starts with).
    bearer: bool,
}

impl Hints {
    fn of(text: &str) -> Hints {
        let bytes = text.as_bytes();
        let mut hints = Hints {
            token: false,
            bearer: false,
        };
        // Every word is three bytes or longer, so each starts at a pair of bytes; the pair decides
        // cheaply whether the rest is compared, as most letters of prose start none of them (and
        // comparing whenever the first letter matched, at every `a`, `b` and `e`, was most of the scan).
        let at = |i: usize, word: &[u8]| bytes.get(i..i + word.len()) == Some(word);
        let at_any_case = |i: usize, word: &[u8]| {
            bytes
                .get(i..i + word.len())
                .is_some_and(|window| window.eq_ignore_ascii_case(word))
        };
        for (i, pair) in bytes.windows(2).enumerate() {
            let (first, second) = (pair[0], pair[1]);
            if !STARTS_A_WORD[usize::from(first)] {
                continue;
            }
            // Both `(?i)` words start with a letter whose case is ignored; the vendors' prefixes
            // are case-sensitive.
            let token = match (first, second) {
                (b'g', b'h') => matches!(bytes.get(i + 2..i + 4), Some([b'p' | b'o' | b'u' | b's' | b'r', b'_'])),
                (b'g', b'i') => at(i, b"github_pat_"),
                (b'g', b'l') => at(i, b"glpat-"),
                (b'e', b'y') => bytes.get(i + 2) == Some(&b'J'),
                (b'x', b'o') => bytes.get(i + 2) == Some(&b'x'),
                (b'A', b'K') => at(i, b"AKIA"),
                (b'A', b'S') => at(i, b"ASIA"),
                (b'a' | b'A', b'u' | b'U') => at_any_case(i, b"authorization"),
                _ => false,
            };
            hints.token |= token;
            hints.bearer |= matches!((first, second), (b'b' | b'B', b'e' | b'E')) && at_any_case(i, b"bearer");
            if hints.token && hints.bearer {
                break;
            }
        }
        hints
    }
}

/// The bytes that one of the words [`Hints`] looks for starts with.
static STARTS_A_WORD: [bool; 256] = {
    let mut starts = [false; 256];
    let firsts = b"gexAaBb";
    let mut i = 0;
    while i < firsts.len() {
        starts[firsts[i] as usize] = true;
        i += 1;
    }
    starts
};

/// The first credential carried by a URL in `text`.
fn url_credentials(text: &str) -> Option<String> {
    // A URL in the text is a part of it: if the whole text cannot carry a credential, none of its
    // URLs can, and the URL pattern is not run over it.
    if !find::contains(text, "://") || !may_carry_credential(text) {
        return None;
    }
    let re = URL.as_ref()?;
    re.find_iter(text)
        .map(|m| m.as_str().trim_end_matches(['.', ',', ';', ':', ')', ']', '}']))
        .filter(|u| may_carry_credential(u))
        .filter_map(|u| url::Url::parse(u).ok().filter(url::Url::has_host))
        .find_map(|u| url_credential(&u))
}

/// Whether the URL written `text` may carry what [`url_credential`] looks for, so that the many that
/// cannot (runbook links in annotations) are not parsed: a password needs an `@`, a query a `?`,
/// and a token path one of [`TOKEN_PATH_HOSTS`]' paths, written out or made by the parser from
/// backslashes or percent-escapes.
fn may_carry_credential(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3(b'@', b'?', b'%', bytes).is_some()
        || memchr::memchr(b'\\', bytes).is_some()
        // Every path starts with `/`: each `/` is compared with them all, once.
        || memchr::memchr_iter(b'/', bytes).any(|at| {
            TOKEN_PATH_HOSTS
                .iter()
                .any(|(_, path)| bytes[at..].starts_with(path.as_bytes()))
        })
}

/// What credential a URL carries: a password, a token in the path of a known host, or a token-like
/// query parameter.
fn url_credential(url: &url::Url) -> Option<String> {
    if !url.password().unwrap_or_default().is_empty() {
        return Some("a URL with a password".to_owned());
    }
    let host = url.host_str().unwrap_or_default();
    let token_path = TOKEN_PATH_HOSTS.iter().any(|(suffix, path)| {
        (host == *suffix || host.ends_with(&format!(".{suffix}")))
            && url.path().contains(path)
            && url.path().len() > path.len() + 1
    });
    if token_path {
        return Some(format!("a {host} URL with its token in the path"));
    }
    url.query_pairs()
        .find(|(name, value)| !value.is_empty() && TOKEN_PARAMETERS.contains(&name.to_ascii_lowercase().as_str()))
        .map(|(name, _)| format!("a URL with a `{name}` token"))
}

#[cfg(test)]
mod tests {
    use super::{BEARER_PATTERN, SHORTEST_TOKEN, TOKEN_PATTERNS, credential};

    /// `may_carry_credential` compares the token paths only where a `/` is.
    #[test]
    fn every_token_path_starts_with_a_slash() {
        assert!(super::TOKEN_PATH_HOSTS.iter().all(|(_, path)| path.starts_with('/')));
    }

    /// Shorter texts skip the token patterns: none of them may match one.
    #[test]
    fn no_token_pattern_matches_a_shorter_text() {
        for pattern in TOKEN_PATTERNS
            .iter()
            .map(|(pattern, _)| *pattern)
            .chain([BEARER_PATTERN])
        {
            let shortest = regex_syntax::parse(pattern)
                .expect("a valid pattern")
                .properties()
                .minimum_len()
                .expect("a pattern that can match");
            assert!(shortest >= SHORTEST_TOKEN, "{pattern} matches {shortest} bytes");
        }
    }

    #[test]
    fn finds_credentials_but_not_references() {
        assert!(credential(Some("auth_password"), "hunter2").is_some());
        assert!(credential(Some("url"), "https://user:pw@example.com/").is_some());
        assert!(credential(Some("url"), "https://oapi.dingtalk.com/robot/send?access_token=abc").is_some());
        assert!(credential(Some("x"), "-----BEGIN RSA PRIVATE KEY-----\n...").is_some());
        assert!(credential(Some("url"), "http://172.21.210.98:8082/alarm").is_none());
        assert!(credential(Some("api_url"), "https://hooks.slack.com/services/T000/B000/XXXX").is_some());
        assert!(credential(Some("url"), "https://open.feishu.cn/open-apis/bot/v2/hook/0f1e2d3c").is_some());
        assert!(
            credential(
                Some("url"),
                "https://prod-01.westeurope.logic.azure.com/workflows/1/triggers?sig=abc"
            )
            .is_some()
        );
        assert!(
            credential(
                Some("url"),
                "https://acme.webhook.office.com/webhookb2/abc@def/IncomingWebhook/1/2"
            )
            .is_some()
        );
        assert!(credential(Some("bot_token"), "123456:ABC").is_some());
        assert!(credential(Some("api_url"), "https://api.opsgenie.com/").is_none());
        assert!(credential(Some("api_url"), "https://api.telegram.org").is_none());
        assert!(credential(Some("secret"), "alertmanager-smtp").is_none());
        assert!(credential(Some("key"), "healthcheck-client.key").is_none());
        assert!(credential(Some("auth_username"), "sre-monitor@example.com").is_none());
        assert!(credential(Some("X-Api-Key"), "abc123").is_some());
        assert!(credential(Some("X-Auth-Token"), "abc123").is_some());
        assert!(credential(Some("Authorization"), "Bearer abc123").is_some());
        assert!(credential(Some("X-Scope-OrgID"), "tenant-1").is_none());
    }

    /// The byte searches of `may_carry_credential` say what looking for each character and path
    /// in turn says.
    #[test]
    fn may_carry_credential_is_each_character_and_path_looked_for() {
        let plain = |text: &str| {
            text.contains(['@', '?', '\\', '%']) || super::TOKEN_PATH_HOSTS.iter().any(|(_, path)| text.contains(path))
        };
        let mut random = crate::test_texts::Random::new(7);
        let pieces = [
            "@",
            "?",
            "\\",
            "%",
            "/",
            "/services",
            "/services/",
            "/bot",
            "/hook/",
            "/webhook",
            "/api/webhooks/",
            "b",
            "ot",
            "é",
            "https://",
            "x",
        ];
        for _ in 0..20_000 {
            let text = random.text(&pieces, 8);
            assert_eq!(super::may_carry_credential(&text), plain(&text), "{text:?}");
        }
    }

    /// What the hints stood in for: each word looked for in turn.
    fn may_hold_token(text: &str) -> bool {
        let github = text.match_indices("gh").any(|(at, _)| {
            matches!(
                text.as_bytes().get(at + 2..at + 4),
                Some([b'p' | b'o' | b'u' | b's' | b'r', b'_'])
            )
        });
        github
            || ["eyJ", "github_pat_", "glpat-", "xox", "AKIA", "ASIA"]
                .iter()
                .any(|prefix| text.contains(prefix))
            || contains_word(text, "authorization")
    }

    fn contains_word(text: &str, word: &str) -> bool {
        text.as_bytes()
            .windows(word.len())
            .any(|window| window.eq_ignore_ascii_case(word.as_bytes()))
    }

    /// The one-pass hints say what looking for each word in turn says, on texts made of the
    /// words, their near misses and other text, in every combination of up to three pieces.
    #[test]
    fn hints_are_the_words_found_one_by_one() {
        let pieces = [
            "",
            "gh",
            "ghp_",
            "ghx_",
            "gho",
            "_",
            "p",
            "o",
            "u",
            "s",
            "r",
            "eyJ",
            "eyj",
            "EYJ",
            "github_pat_",
            "github_pa",
            "glpat-",
            "glpat",
            "xox",
            "XOX",
            "xo",
            "AKIA",
            "akia",
            "ASIA",
            "ASI",
            "authorization",
            "AuThOrIzAtIoN",
            "authorizatio",
            "bearer",
            "BEARER",
            "beare",
            "b",
            "a",
            "g",
            "é",
            "K",
            "{{ $labels.job }} is down",
            " ",
            "\u{212a}",
        ];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    let expected = super::Hints {
                        token: may_hold_token(&text),
                        bearer: contains_word(&text, "bearer"),
                    };
                    assert_eq!(super::Hints::of(&text), expected, "{text:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 30_000);
    }

    /// The cheap tests in front of the patterns let through every text that a pattern matches.
    #[test]
    fn the_prefilters_pass_every_token() {
        let tokens = [
            "Authorization: Basic dXNlcjpwYXNz",
            "AUTHORIZATION=token abcdef",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.x",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "gho_abcdefghijklmnopqrstuvwxyz0123456789",
            "github_pat_abcdefghijklmnopqrstuvwxyz",
            "glpat-abcdefghijklmnopqrst",
            "xoxb-1234567890-abcdefghij",
            "AKIAIOSFODNN7EXAMPLE",
            "ASIAIOSFODNN7EXAMPLE",
            "auth: Bearer 3f9a8b7c6d5e4f3a2b1c0d9e",
        ];
        let set = super::TOKENS.as_ref().expect("the patterns compile");
        let bearer = super::BEARER.as_ref().expect("the pattern compiles");
        for text in tokens {
            assert!(set.is_match(text) || bearer.is_match(text), "{text:?}");
            let hints = super::Hints::of(text);
            assert!(hints.token || hints.bearer, "{text:?} filtered out");
        }
        // No character outside ASCII is any of their letters to `(?i)` (the Kelvin sign would be a
        // `k`, as the check below shows).
        let beyond_ascii: String = ('\u{80}'..=char::MAX).collect();
        let letters = regex::Regex::new("(?i)[authorizationbearer]").expect("compiles");
        assert!(!letters.is_match(&beyond_ascii));
        assert!(regex::Regex::new("(?i)k").expect("compiles").is_match(&beyond_ascii));
        assert!(!super::Hints::of("{{ $labels.job }} is high: {{ $value | humanize }}").token);
    }

    /// Credentials inside longer text, such as a rule annotation, are found too.
    #[test]
    fn finds_credentials_anywhere_in_a_text() {
        let found = |text: &str| credential(Some("summary"), text);
        assert!(found("curl -H 'Authorization: Bearer abc123def'").is_some());
        assert!(found("call it with Bearer 3f9a8b7c6d5e4f3a2b1c0d9e").is_some());
        assert!(found("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N").is_some());
        assert!(found("see ghp_abcdefghijklmnopqrstuvwxyz0123456789").is_some());
        assert!(found("the bot xoxb-1234567890-abcdefghij").is_some());
        assert!(found("xoxb-1234567890").is_some(), "the shortest token");
        assert!(found("a://b:c@d").is_some(), "a short URL with a password");
        assert!(found("AWS key AKIAIOSFODNN7EXAMPLE here").is_some());
        assert!(found("runbook: https://ops:hunter2@wiki.example.com/runbooks/x.").is_some());
        assert!(found("post to https://oapi.dingtalk.com/robot/send?access_token=abc0123 (the bot)").is_some());
        assert_eq!(
            found("bearer tokens expire after an hour; see https://wiki.example.com/auth?page=2"),
            None
        );
        assert!(
            found("pod {{$labels.pod}} restarted {{ $value }} times, see https://grafana.example.com/d/pods").is_none()
        );
        assert!(found("Basic authentication failed").is_none());
    }
}
