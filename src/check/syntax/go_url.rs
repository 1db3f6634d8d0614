//! URLs as Go's `net/url` reads them. Prometheus and Alertmanager parse every URL with it, and
//! the operator's CRDs require `http://` or `https://`. promsite parses URLs with the WHATWG
//! parser (`url`), which repairs text that Go refuses (`http:host`, `http:///host`, a tab, `%zz`)
//! and reads some text otherwise (a backslash as `/`, `127.1` as `127.0.0.1`); and Alertmanager
//! reads a URL with `{{` as a template. This was found by giving the fuzz corpus's URLs and sites
//! to amtool and the CRD schemas. A URL passes only when both parsers read it alike.

use url::{Host, Url};

/// Why Go refuses `text`, or reads it otherwise than the WHATWG parser read it into `parsed`; the
/// message says what to write instead. `parsed` is an http(s) URL with a host.
pub(crate) fn refusal(text: &str, parsed: &Url) -> Option<String> {
    let Some(rest) = text.strip_prefix("http://").or_else(|| text.strip_prefix("https://")) else {
        return Some(if text.contains("://") {
            "the operator's CRDs require the scheme in lower case, `http://` or `https://`".to_owned()
        } else {
            "the host must follow `http://` or `https://`, with both slashes".to_owned()
        });
    };
    if text.contains("{{") {
        return Some(
            "Alertmanager reads `{{` as the start of a template, which promsite does not check; write `{` as `%7B`"
                .to_owned(),
        );
    }
    if let Some(c) = text.chars().find(char::is_ascii_control) {
        return Some(format!(
            "it holds the control character {c:?}, which Go refuses in a URL"
        ));
    }
    if text.trim() != text {
        return Some("it has white space around it, which the WHATWG parser drops and Go keeps".to_owned());
    }
    if text.contains('\\') {
        return Some("it holds a backslash, which the WHATWG parser reads as `/` and Go as a character".to_owned());
    }
    // Go's order: the fragment is cut off first, then the query, then the authority ends at `/`.
    let (before_fragment, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let before_query = before_fragment
        .split_once('?')
        .map_or(before_fragment, |(before, _)| before);
    let (authority, path) = before_query.split_at(before_query.find('/').unwrap_or(before_query.len()));
    let (userinfo, host_port) = authority
        .rsplit_once('@')
        .map_or((None, authority), |(user, host)| (Some(user), host));
    if let Some(escape) = [userinfo.unwrap_or_default(), path, fragment]
        .into_iter()
        .find_map(bad_escape)
    {
        return Some(format!(
            "Go refuses the escape `{escape}`: write `%` followed by two hex digits, or `%25` for `%` itself"
        ));
    }
    if let Some(c) = userinfo.and_then(|user| {
        user.chars()
            .find(|&c| !(c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c)))
    }) {
        return Some(format!("Go refuses the character {c:?} in a user name"));
    }
    let host = if host_port.starts_with('[') {
        host_port.rsplit_once(']').map_or(host_port, |(host, _)| host)
    } else {
        host_port.rsplit_once(':').map_or(host_port, |(host, _)| host)
    };
    if host.is_empty() {
        return Some("it names no host after `//`, and Alertmanager requires one".to_owned());
    }
    if host.contains('%') {
        return Some(
            "its host is percent-encoded, which Go refuses for ASCII characters; write the host as it is".to_owned(),
        );
    }
    if let Some(c) = host
        .chars()
        .find(|&c| c.is_ascii() && !(c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:[]<>\"".contains(c)))
    {
        return Some(format!("Go refuses the character {c:?} in a host name"));
    }
    if let Some(Host::Ipv4(address)) = parsed.host()
        && address.to_string() != host
    {
        return Some(format!(
            "the WHATWG parser reads the host `{host}` as the address {address} and Go as a name; write `{address}`"
        ));
    }
    None
}

/// The first `%` escape of `part` that is not two hex digits, as Go's unescaping refuses it.
fn bad_escape(part: &str) -> Option<&str> {
    part.match_indices('%').map(|(at, _)| &part[at..]).find_map(|rest| {
        // The `%` and the two characters after it, which may be more than two bytes.
        let end = rest.char_indices().nth(3).map_or(rest.len(), |(end, _)| end);
        (end < 3 || !rest.as_bytes()[1..end].iter().all(u8::is_ascii_hexdigit)).then(|| &rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str) -> Option<String> {
        let parsed = Url::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        refusal(text, &parsed)
    }

    /// Each of these is accepted by the WHATWG parser. amtool 0.33.1 refuses the first list; the
    /// operator's CRDs refuse upper-case schemes; Go reads the rest as other URLs.
    #[test]
    fn urls_go_refuses_or_reads_otherwise_are_refused() {
        let refused_by_amtool = [
            "http:foo",
            "http:/foo",
            "http:///foo",
            "http://ex\tample.com",
            "http://a\\b/",
            " http://x/",
            "http://x/%zz",
            "http://x/%4",
            "http://x/#%g0",
            "http://x/%aé",
            "http://x/%é",
            "http://%41/",
            "http://a{b/",
            "http://a}b:80/",
            "http://u{}@x/",
            "http://u%zz@x/",
            "http://x/{{ $labels.pod }}",
            "http://x/#{{",
        ];
        let refused_by_the_crds = ["HTTP://foo", "Https://foo"];
        // A template (`{{ .Foo }}`) is executed, not read as written, and then never checked as a URL.
        let read_otherwise = [
            "http://x/\\",
            "http://x/ ",
            "http://127.1/",
            "http://0x7f.0.0.1/",
            "http://127.0.0.1./",
            "http://x/{{ .Foo }}",
        ];
        for text in refused_by_amtool
            .into_iter()
            .chain(refused_by_the_crds)
            .chain(read_otherwise)
        {
            assert!(verdict(text).is_some(), "{text:?} accepted");
        }
    }

    #[test]
    fn urls_both_read_alike_are_accepted() {
        for text in [
            "http://172.21.210.98:8082/alarm",
            "https://alerts.example.com/hook?token=%zz&x=100%#top",
            "http://[::1]:9093/",
            "https://例え.jp/",
            "http://x:/",
            "http://x/a%20b",
            "http://user@x/",
            "http://x/ y",
        ] {
            assert_eq!(verdict(text), None, "{text:?}");
        }
    }
}
