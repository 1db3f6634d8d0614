//! Validators for single values. Each is pure: text in, a typed value or a problem out. Where a
//! field-specific parser exists (PromQL, e-mail, URLs) it does the work; quantities follow the
//! grammar Kubernetes publishes.

use std::net::IpAddr;

use crate::model::{Duration, Taint};

/// A problem with one value: what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub(crate) message: String,
    pub(crate) help: String,
}

impl Problem {
    pub(crate) fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: help.into(),
        }
    }
}

pub(crate) type Checked<T> = Result<T, Problem>;

/// A Prometheus duration: one or more `<integer><unit>` with units `ms s m h d w y` in decreasing order.
pub(crate) fn duration(text: &str) -> Checked<Duration> {
    let help =
        "write a Prometheus duration: an integer and a unit (ms, s, m, h, d, w, y), e.g. `30s`, `5m`, `1h30m`, `15d`";
    match duration_millis(text) {
        // Bare numbers (seconds to promql-parser) are not durations to Prometheus' config or the
        // operator's CRDs.
        None if !text.ends_with(|c: char| c.is_ascii_alphabetic()) => Err(Problem::new(
            format!("`{text}` is not a Prometheus duration (a unit is required)"),
            help,
        )),
        None | Some(0) => Err(Problem::new(format!("`{text}` is not a Prometheus duration"), help)),
        Some(millis) => match u64::try_from(millis)
            .ok()
            .filter(|&millis| millis <= MAX_DURATION_MILLIS)
        {
            Some(millis) => Ok(Duration::new(text, millis)),
            None => Err(Problem::new(
                format!("`{text}` is longer than the longest duration Prometheus holds (292 years)"),
                help,
            )),
        },
    }
}

/// The longest duration Prometheus holds, `i64::MAX` nanoseconds, in the milliseconds its parser
/// counts in.
pub(crate) const MAX_DURATION_MILLIS: u64 = 9_223_372_036_854;

/// Prometheus' duration units with their length in milliseconds, longest first: the order in
/// which a duration must give them.
pub(crate) const DURATION_UNITS: [(&str, u128); 7] = [
    ("y", 31_536_000_000),
    ("w", 604_800_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1000),
    ("ms", 1),
];

/// The length of a Prometheus duration in milliseconds, as Prometheus reads it (saturating, so
/// that a length too long to hold is still told apart from text that is no duration). Not
/// promql-parser's `parse_duration`: it drops a component whose number exceeds 32 bits (so
/// `4294967296s1ms` is 1 ms) and sets no upper bound, and Prometheus refuses both.
pub(crate) fn duration_millis(text: &str) -> Option<u128> {
    let mut rest = text;
    let (mut total, mut next_unit) = (0_u128, 0);
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let letters = rest[digits..].bytes().take_while(u8::is_ascii_alphabetic).count();
        let (number, unit) = (&rest[..digits], &rest[digits..digits + letters]);
        // Each unit once, in decreasing order.
        let index = next_unit + DURATION_UNITS[next_unit..].iter().position(|(name, _)| *name == unit)?;
        if number.is_empty() {
            return None;
        }
        total = total.saturating_add(
            number
                .parse::<u128>()
                .unwrap_or(u128::MAX)
                .saturating_mul(DURATION_UNITS[index].1),
        );
        next_unit = index + 1;
        rest = &rest[digits + letters..];
    }
    (!text.is_empty()).then_some(total)
}

/// A Kubernetes resource quantity, e.g. `10Gi`, `500m`, `2`, in Kubernetes' own grammar: the
/// pattern its CRDs check quantities with, narrowed to the integer exponents that its
/// `ParseQuantity` reads into 32 bits. (kube_quantity took `+` alone, which the CRDs refuse, and
/// refused the exa suffix `E`.)
pub(crate) fn quantity(text: &str) -> Checked<()> {
    let help = "write a Kubernetes quantity: a number with an optional suffix Ki Mi Gi Ti Pi Ei (powers of 1024), \
                k M G T P E (powers of 1000) or m (milli), e.g. `10Gi`";
    if is_quantity(text) {
        Ok(())
    } else {
        Err(Problem::new(format!("`{text}` is not a Kubernetes quantity"), help))
    }
}

/// The CRDs' pattern `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$`
/// read by hand, with an exponent that fits 32 bits: compiling it as a regex was 280,000
/// instructions of every check (a test holds the two to the same answers).
fn is_quantity(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits_from = |at: usize| {
        bytes
            .get(at..)
            .map_or(0, |rest| rest.iter().take_while(|b| b.is_ascii_digit()).count())
    };
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let whole = digits_from(at);
    at += whole;
    let mut fraction = 0;
    let dot = bytes.get(at) == Some(&b'.');
    if dot {
        fraction = digits_from(at + 1);
        at += 1 + fraction;
    }
    if whole == 0 && !(dot && fraction > 0) {
        return false;
    }
    match &bytes[at..] {
        []
        | [b'K' | b'M' | b'G' | b'T' | b'P' | b'E', b'i']
        | [b'n' | b'u' | b'm' | b'k' | b'M' | b'G' | b'T' | b'P' | b'E'] => true,
        [b'e' | b'E', exponent @ ..] => {
            let digits = exponent
                .strip_prefix(b"+")
                .or_else(|| exponent.strip_prefix(b"-"))
                .unwrap_or(exponent);
            !digits.is_empty()
                && digits.iter().all(u8::is_ascii_digit)
                && text[text.len() - exponent.len()..].parse::<i32>().is_ok()
        }
        _ => false,
    }
}

/// A DNS-1123 label: what Kubernetes requires of namespace, Service and most object names.
pub(crate) fn dns_label(text: &str) -> Checked<()> {
    let valid = !text.is_empty()
        && text.len() <= 63
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a valid Kubernetes name (DNS-1123 label)"),
            "use at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit",
        ))
    }
}

/// A DNS-1123 subdomain: what Kubernetes requires of node, Secret and ConfigMap names.
pub(crate) fn dns_subdomain(text: &str) -> Checked<()> {
    let valid = !text.is_empty() && text.len() <= 253 && text.split('.').all(|label| dns_label(label).is_ok());
    if valid {
        Ok(())
    } else {
        Err(Problem::new(
            format!("`{text}` is not a valid Kubernetes name (DNS-1123 subdomain)"),
            "use at most 253 lower-case letters, digits, `-` and `.`, each dot-separated part starting and ending with a letter or digit",
        ))
    }
}

/// A Prometheus label name in the classic character set, which every Prometheus and Alertmanager version accepts.
pub(crate) fn label_name(text: &str) -> Checked<()> {
    let mut chars = text.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(Problem::new(
            format!("`{text}` is not a valid label name"),
            "label names are letters, digits and `_`, not starting with a digit, e.g. `product_line`",
        ));
    }
    if text.starts_with("__") {
        return Err(Problem::new(
            format!("label name `{text}` is reserved"),
            "names starting with `__` are reserved for Prometheus' internal use; drop the leading underscores",
        ));
    }
    Ok(())
}

/// A metric name, as alert and record names must be.
pub(crate) fn metric_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// A Kubernetes label key (optional DNS prefix, `/`, name) and value, as in Service selectors.
pub(crate) fn k8s_label(key: &str, value: &str) -> Checked<()> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 63
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && s.starts_with(|c: char| c.is_ascii_alphanumeric())
            && s.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    let key_ok = match key.split_once('/') {
        Some((prefix, name)) => dns_subdomain(prefix).is_ok() && name_ok(name),
        None => name_ok(key),
    };
    if !key_ok {
        return Err(Problem::new(
            format!("`{key}` is not a valid Kubernetes label key"),
            "a label key is an optional DNS prefix and `/`, then up to 63 letters, digits, `-`, `_` and `.`",
        ));
    }
    if !(value.is_empty() || name_ok(value)) {
        return Err(Problem::new(
            format!("`{value}` is not a valid Kubernetes label value"),
            "a label value is up to 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit",
        ));
    }
    Ok(())
}

/// An e-mail address (RFC 5322 addr-spec, no display name).
pub(crate) fn email(text: &str) -> Checked<()> {
    let options = email_address::Options::default().without_display_text();
    match email_address::EmailAddress::parse_with_options(text, options) {
        Ok(_) => Ok(()),
        Err(e) => Err(Problem::new(
            format!("`{text}` is not a valid e-mail address: {e}"),
            "write a plain address such as `sre-oncall@example.com`",
        )),
    }
}

/// An absolute http(s) URL.
pub(crate) fn http_url(text: &str) -> Checked<url::Url> {
    let help = "write an absolute URL such as `http://alerts.example.com:8080/hook`";
    let parsed = url::Url::parse(text).map_err(|e| Problem::new(format!("`{text}` is not a valid URL: {e}"), help))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Problem::new(format!("`{text}` is not an http(s) URL"), help));
    }
    if let Some(why) = super::go_url::refusal(text, &parsed) {
        return Err(Problem::new(
            format!("`{text}` is not a URL that Prometheus and Alertmanager read as written: {why}"),
            help,
        ));
    }
    Ok(parsed)
}

/// `host:port`, as SMTP smarthosts are written.
pub(crate) fn host_port(text: &str) -> Checked<()> {
    let help = "write `host:port`, e.g. `mail.example.com:587` or `[2001:db8::1]:25`";
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(Problem::new(format!("`{text}` has no port"), help));
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => host.parse::<IpAddr>().is_ok() || dns_subdomain(&host.to_ascii_lowercase()).is_ok(),
    };
    if !host_ok || port.parse::<u16>().map_or(true, |p| p == 0) {
        return Err(Problem::new(format!("`{text}` is not a valid host:port"), help));
    }
    Ok(())
}

/// An IPv4 or IPv6 address.
pub(crate) fn address(text: &str) -> Checked<IpAddr> {
    text.parse::<IpAddr>().map_err(|_| {
        Problem::new(
            format!("`{text}` is not an IP address"),
            "give the node's InternalIP, e.g. `172.31.243.137`",
        )
    })
}

/// A taint: `key[=value]:Effect`.
pub(crate) fn taint(text: &str) -> Checked<Taint> {
    let help = "write `key[=value]:Effect` with Effect one of NoSchedule, PreferNoSchedule, NoExecute, \
                e.g. `node-role.kubernetes.io/control-plane:NoSchedule`";
    let bad = || Problem::new(format!("`{text}` is not a taint"), help);
    let (key_value, effect) = text.rsplit_once(':').ok_or_else(bad)?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        return Err(Problem::new(format!("`{effect}` is not a taint effect"), help));
    }
    let (key, value) = match key_value.split_once('=') {
        Some((k, v)) => (k, Some(v)),
        None => (key_value, None),
    };
    k8s_label(key, value.unwrap_or("")).map_err(|_| bad())?;
    Ok(Taint {
        key: key.to_owned(),
        value: value.map(str::to_owned),
        effect: effect.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`is_quantity`] answers as the CRDs' pattern, compiled, with the exponent read into 32 bits,
    /// on texts of the characters that matter to it.
    #[test]
    fn quantities_are_read_as_the_pattern_reads_them() {
        let pattern =
            regex::Regex::new(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE]([+-]?[0-9]+))?$")
                .expect("compiles");
        let by_pattern = |text: &str| {
            pattern
                .captures(text)
                .is_some_and(|parts| parts.get(1).is_none_or(|e| e.as_str().parse::<i32>().is_ok()))
        };
        let pieces = [
            "0",
            "1",
            "9",
            "12",
            ".",
            "+",
            "-",
            "e",
            "E",
            "i",
            "K",
            "M",
            "G",
            "T",
            "P",
            "m",
            "n",
            "u",
            "k",
            "x",
            " ",
            "\n",
            "é",
            "2147483647",
            "2147483648",
            "99999999999",
        ];
        let mut random = crate::test_texts::Random::new(0x2545_f491_4f6c_dd1d);
        let (mut valid, mut all) = (0, 0);
        for _ in 0..50_000 {
            let text = random.text(&pieces, 5);
            let expected = by_pattern(&text);
            assert_eq!(is_quantity(&text), expected, "{text:?}");
            valid += usize::from(expected);
            all += 1;
        }
        assert!(valid * 20 > all, "{valid} of {all} valid");
    }

    #[test]
    fn durations() {
        assert_eq!(duration("1h30m").map(|d| d.millis()), Ok(5_400_000));
        assert_eq!(duration("15d").map(|d| d.millis()), Ok(15 * 86_400_000));
        // `-31` and `-1e9` made promql-parser panic (found by fuzzing).
        for bad in [
            "30 days", "30", "1.5h", "", "5x", "-5m", "1m 30s", "-31", "-1e9", "e-31", "m", "5s1m", "1m1m", "0s",
            "1ms5s", "5mss",
        ] {
            assert!(duration(bad).is_err(), "{bad:?} accepted");
        }
        // Prometheus' longest duration is 2^63 - 1 ns; promtool refuses one millisecond more, and a
        // component past 32 bits, which promql-parser dropped (found by comparing with promtool).
        assert_eq!(
            duration("106751d23h47m16s854ms").map(|d| d.millis()),
            Ok(MAX_DURATION_MILLIS)
        );
        assert_eq!(
            duration("1y2w3d4h5m6s7ms").map(|d| d.millis()),
            Ok(31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_007)
        );
        assert_eq!(duration("4294967296s1ms").map(|d| d.millis()), Ok(4_294_967_296_001));
        for long in [
            "106751d23h47m16s855ms",
            "293y",
            "13052h3222221110m",
            "122055555555555555555555555555555555535h5m",
        ] {
            assert!(
                duration(long).is_err_and(|p| p.message.contains("longest duration")),
                "{long:?}"
            );
        }
    }

    #[test]
    fn quantities() {
        for good in [
            "10Gi",
            "500m",
            "2",
            "1.5",
            "1e3",
            "128974848",
            ".5",
            "5.",
            "+1",
            "-1",
            "1E",
            "1.5e+3",
            "1E-3",
            "1e2147483647",
        ] {
            assert!(quantity(good).is_ok(), "{good:?} rejected");
        }
        // `+` and `-` alone were accepted, and the Prometheus CRD refuses them (found by giving the
        // fuzz corpus to the CRD schemas). Kubernetes reads exponents as 32-bit integers.
        for bad in [
            "10GB",
            "ten",
            "",
            " 1Gi",
            "1Gi ",
            "+",
            "-",
            ".",
            "1K",
            "1mi",
            "1e",
            "1e1.5",
            "1Ki2",
            "1e2147483648",
        ] {
            assert!(quantity(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn names() {
        assert!(dns_label("aipaas-japan").is_ok());
        for bad in ["../x", "Upper", "-a", "a-", "a.b", ""] {
            assert!(dns_label(bad).is_err(), "{bad:?} accepted");
        }
        assert!(dns_subdomain("master-01.aipaas.japan").is_ok());
        assert!(dns_subdomain("a..b").is_err());
        assert!(label_name("product_line").is_ok());
        for bad in ["product-line", "1a", "__name__", ""] {
            assert!(label_name(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn endpoints() {
        assert!(host_port("mail.example.com:25").is_ok());
        assert!(host_port("[::1]:25").is_ok());
        for bad in ["mail.example.com", "mail:0", "mail:x", ":25"] {
            assert!(host_port(bad).is_err(), "{bad:?} accepted");
        }
        assert!(email("sre@example.com").is_ok());
        assert!(email("sre.example.com").is_err());
        assert!(http_url("http://172.21.210.98:8082/alarm").is_ok());
        assert!(http_url("ftp://x/").is_err());
    }

    #[test]
    fn taints() {
        let t = taint("node-role.kubernetes.io/control-plane:NoSchedule").expect("valid");
        assert_eq!(
            (t.key.as_str(), t.value, t.effect.as_str()),
            ("node-role.kubernetes.io/control-plane", None, "NoSchedule")
        );
        assert_eq!(
            taint("dedicated=monitoring:NoExecute").expect("valid").value.as_deref(),
            Some("monitoring")
        );
        assert!(taint("dedicated:Sometimes").is_err());
        assert!(taint("no-effect").is_err());
    }
}
