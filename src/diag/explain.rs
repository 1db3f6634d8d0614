//! The long form of every diagnostic code, as `promsite explain CODE` prints it: what the code
//! means, why it is an error, how to fix it, and an example before and after the fix (ruff's
//! template). The match is exhaustive, so a new code does not compile without its explanation,
//! and a test compiles every example to prove the bad one reports its code and the fixed one is
//! clean.

use super::Code;

/// What a code means, why it is a problem, and how to fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// What the code means, in one or two sentences.
    pub what: &'static str,
    /// Why promsite refuses (or warns about) it.
    pub why: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A part of a site file with the problem, and the same part fixed.
    pub example: Example,
}

/// Two versions of the same part of a site file. Each is read together with a minimal valid site
/// (`[site]`, `[route]` and one receiver): its tables are merged into that site's, and its arrays
/// and values replace the site's. A part that is not valid TOML stands on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Reports the code.
    pub bad: &'static str,
    /// Compiles without any diagnostic.
    pub fixed: &'static str,
}

const fn explanation(
    what: &'static str,
    why: &'static str,
    fix: &'static str,
    bad: &'static str,
    fixed: &'static str,
) -> Explanation {
    Explanation {
        what,
        why,
        fix,
        example: Example { bad, fixed },
    }
}

impl Code {
    /// The long explanation of this code.
    #[allow(clippy::too_many_lines, reason = "one arm per code, each a few lines of text")]
    pub fn explanation(self) -> Explanation {
        match self {
            Code::TomlSyntax => explanation(
                "The file is not valid TOML: the parser stopped at the marked position.",
                "Nothing in a file that does not parse can be trusted, so no other check runs until the syntax is right.",
                "Fix the syntax at the marked position: usually an unclosed `[table]` header, a missing quote, or a value without a key. See https://toml.io/en/v1.0.0.",
                "[prometheus\nretention = \"30d\"\n",
                "[prometheus]\nretention = \"30d\"\n",
            ),
            Code::SchemaUnknownKey => explanation(
                "A key that the site format does not define, usually a misspelt one.",
                "A misspelt key would otherwise be ignored silently, and its setting would never take effect.",
                "Use the key that the help suggests, or remove the line. `promsite schema` lists every key.",
                "[prometheus]\nretension = \"30d\"\n",
                "[prometheus]\nretention = \"30d\"\n",
            ),
            Code::SchemaWrongType => explanation(
                "A value of the wrong TOML type, e.g. a string where a number belongs.",
                "promsite would have to guess what was meant, and a guess can be wrong in production.",
                "Write the value with the type the message names: numbers and booleans without quotes, strings in quotes, lists in `[...]`.",
                "[prometheus]\nreplicas = \"2\"\n",
                "[prometheus]\nreplicas = 2\n",
            ),
            Code::SchemaMissingKey => explanation(
                "A required key is absent.",
                "Without it promsite cannot generate the object it belongs to.",
                "Add the key the message names. `docs/site-format.md` marks every required key.",
                "[[nodes]]\nname = \"node-1\"\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n",
            ),
            Code::SchemaInvalidValue => explanation(
                "A value of the right type that the format still does not allow: an unknown choice, a number out of range, or an empty list.",
                "Prometheus, Alertmanager or the operator would reject it, or do something other than intended.",
                "Use one of the values the message lists, or a number within the range.",
                "[alertmanager]\nlog_level = \"verbose\"\n",
                "[alertmanager]\nlog_level = \"debug\"\n",
            ),
            Code::SecretPlaintext => explanation(
                "A password, token, private key or credential-bearing URL is written into the site file.",
                "Site files live in Git, where a credential is readable by everyone with access to the repository, forever.",
                "Store the credential in a Kubernetes Secret in the site's namespace and reference it as `{ secret = \"...\", key = \"...\" }`. Rotate the credential if it was ever committed.",
                "[alertmanager.smtp]\nsmarthost = \"mail.example.com:587\"\nfrom = \"alerts@example.com\"\nauth_username = \"alerts\"\nauth_password = \"hunter2\"\n",
                "[alertmanager.smtp]\nsmarthost = \"mail.example.com:587\"\nfrom = \"alerts@example.com\"\nauth_username = \"alerts\"\nauth_password = { secret = \"alertmanager-smtp\", key = \"password\" }\n",
            ),
            Code::NameInvalid => explanation(
                "A name Kubernetes would reject (names are lower-case DNS-1123: letters, digits and `-`), an invalid Secret key or Service port name, or a site name that would write outside `out/`.",
                "`kubectl apply` would refuse the object, or the output would land in the wrong directory.",
                "Use lower-case letters, digits and `-`, starting and ending with a letter or digit.",
                "[site]\nname = \"Lab_Tokyo\"\n",
                "[site]\nname = \"lab-tokyo\"\n",
            ),
            Code::NameDuplicate => explanation(
                "Two entries of one kind (nodes, receivers, scrapes, API clients, rule groups) share a name.",
                "References by name would be ambiguous, and the generated objects would overwrite each other.",
                "Give each entry its own name, or merge the two entries.",
                "[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n\n[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"https://hooks.example.com/alerts\" }]\n",
                "[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"team-hooks\"\n\n[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n\n[[receivers]]\nname = \"team-hooks\"\nwebhook = [{ url = \"https://hooks.example.com/alerts\" }]\n",
            ),
            Code::RefUnknownNode => explanation(
                "A node name, e.g. in `prometheus.nodes`, that no `[[nodes]]` entry declares.",
                "Pods pinned to a node that does not exist never schedule, and promsite needs the node's taints to tolerate them.",
                "Declare the node in `[[nodes]]`, or fix the spelling to match a declared one.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\", \"node-02\"]\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\", \"node-2\"]\n",
            ),
            Code::RefUnknownReceiver => explanation(
                "A route names a receiver that no `[[receivers]]` entry declares.",
                "Alertmanager refuses a configuration whose routes name unknown receivers, so no alert would be delivered at all.",
                "Declare the receiver in `[[receivers]]`, or use one of the declared names that the help lists.",
                "[route]\nreceiver = \"oncall\"\n\n[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n",
                "[route]\nreceiver = \"team\"\n\n[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n",
            ),
            Code::ValueDuration => explanation(
                "Not a Prometheus duration: an integer followed by a unit (`ms`, `s`, `m`, `h`, `d`, `w`, `y`), possibly several, such as `30s`, `5m` or `1h30m`.",
                "Prometheus and Alertmanager refuse to start with a malformed duration.",
                "Write the duration with a unit and no spaces.",
                "[prometheus]\nretention = \"30 days\"\n",
                "[prometheus]\nretention = \"30d\"\n",
            ),
            Code::ValueQuantity => explanation(
                "Not a Kubernetes quantity such as `10Gi`, `500m` or `2`.",
                "The API server rejects the object; `GB` in particular is not a Kubernetes unit.",
                "Use binary suffixes (`Ki`, `Mi`, `Gi`, `Ti`) for memory and storage, and a number or millicores (`500m`) for CPU.",
                "[prometheus]\nresources = { cpu = \"2\", memory = \"8GB\" }\n",
                "[prometheus]\nresources = { cpu = \"2\", memory = \"8Gi\" }\n",
            ),
            Code::ValueEmail => explanation(
                "Not a valid e-mail address.",
                "Alertmanager would fail to send the notification, and the alert would be lost.",
                "Write a full address such as `team@example.com`.",
                "[[receivers]]\nname = \"team\"\nemail = [{ to = \"team.example.com\" }]\n",
                "[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n",
            ),
            Code::ValueUrl => explanation(
                "Not a valid URL, or a URL whose scheme is not `http` or `https`.",
                "Alertmanager can only post webhooks over HTTP(S).",
                "Write an absolute `http://` or `https://` URL.",
                "[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"ftp://hooks.example.com/alerts\" }]\n",
                "[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"https://hooks.example.com/alerts\" }]\n",
            ),
            Code::ValueAddress => explanation(
                "A node address that is not an IPv4 or IPv6 address.",
                "promsite writes node addresses into Endpoints (e.g. for etcd), which accept only IP addresses.",
                "Write the node's IP address, not a host name.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.300\"\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.30\"\n",
            ),
            Code::ValuePath => explanation(
                "A path that is not absolute: a storage directory on a node, or a metrics path of a scrape.",
                "A local PersistentVolume needs an absolute host path, and a relative metrics path is not a URL path.",
                "Start the path with `/`.",
                "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql-exporter\" }\nport = \"metrics\"\npath = \"metrics\"\n",
                "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql-exporter\" }\nport = \"metrics\"\npath = \"/metrics\"\n",
            ),
            Code::ValueTaint => explanation(
                "Not a taint of the form `key[=value]:Effect`, where the effect is `NoSchedule`, `PreferNoSchedule` or `NoExecute`.",
                "promsite turns taints into tolerations; a malformed one would never match the node's real taint.",
                "Copy the taint as `kubectl describe node` shows it.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\ntaints = [\"dedicated=monitoring:Sometimes\"]\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\ntaints = [\"dedicated=monitoring:NoSchedule\"]\n",
            ),
            Code::ValueLabelName => explanation(
                "Not a label name the target reads: in Prometheus configuration and for Prometheus 2 rules, letters, digits and `_`, not starting with a digit (and not `__`, reserved); in Prometheus 3 rules, any non-empty text but `__name__`.",
                "Prometheus rejects the rule or configuration that uses it.",
                "Replace `-` and other characters with `_`, or target Prometheus 3 (`prometheus.version`) for UTF-8 label names in rules.",
                "[prometheus]\nversion = \"v2.55.1\"\n\n[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\nlabels = { \"product-line\" = \"ocr\" }\n",
                "[prometheus]\nversion = \"v2.55.1\"\n\n[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\nlabels = { product_line = \"ocr\" }\n",
            ),
            Code::ValueK8sLabel => explanation(
                "Not a valid Kubernetes label key or value (at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit).",
                "The API server rejects a selector with such a label, so nothing would be scraped.",
                "Use the label exactly as it is on the Service (`kubectl get svc --show-labels`).",
                "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql exporter\" }\nport = \"metrics\"\n",
                "[[scrape]]\nname = \"mysql\"\nselector = { app = \"mysql-exporter\" }\nport = \"metrics\"\n",
            ),
            Code::ValueApiResource => explanation(
                "An API client resource that promsite cannot map to an API group.",
                "RBAC rules name resources by their plural name within an API group; an unknown name grants nothing.",
                "Use the plural resource name, e.g. `prometheusrules`, `servicemonitors`, `services`. The README lists the known resources.",
                "[[api_clients]]\nname = \"rules-bot\"\nnamespace = \"team-a\"\nresources = [\"prometheusrule\"]\nverbs = [\"get\", \"create\"]\n",
                "[[api_clients]]\nname = \"rules-bot\"\nnamespace = \"team-a\"\nresources = [\"prometheusrules\"]\nverbs = [\"get\", \"create\"]\n",
            ),
            Code::ValueHostPort => explanation(
                "Not a `host:port` pair, e.g. an SMTP server without its port.",
                "Alertmanager requires the port of the SMTP smarthost and refuses the configuration without it.",
                "Add the port: usually `25`, `465` or `587`.",
                "[alertmanager.smtp]\nsmarthost = \"mail.example.com\"\nfrom = \"alerts@example.com\"\n",
                "[alertmanager.smtp]\nsmarthost = \"mail.example.com:587\"\nfrom = \"alerts@example.com\"\n",
            ),
            Code::PromqlSyntax => explanation(
                "A rule's PromQL expression does not parse, or uses an experimental feature that Prometheus rejects by default.",
                "Prometheus refuses to load a rule file with a broken expression, which takes every rule of the group down with it.",
                "Fix the expression at the position the message names; try it in the Prometheus UI first.",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m] > 0'\n",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\n",
            ),
            Code::RuleName => explanation(
                "An alert or record name that the targeted Prometheus rejects: for Prometheus 2 (`prometheus.version` below v3), any name outside the metric-name syntax; for Prometheus 3, which takes any text, a record name with a selector's braces in it.",
                "Prometheus refuses to load the rule group.",
                "Put selectors in `expr` and name records `level:metric:operation`; for Prometheus 2, use letters, digits, `_` and `:`, e.g. `PodRestart`.",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nrecord = 'kube_pod_container_status_restarts_total{namespace=\"ocr\"}:rate5m'\nexpr = 'rate(kube_pod_container_status_restarts_total{namespace=\"ocr\"}[5m])'\n",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nrecord = \"namespace:kube_pod_container_status_restarts:rate5m\"\nexpr = 'rate(kube_pod_container_status_restarts_total{namespace=\"ocr\"}[5m])'\n",
            ),
            Code::RuleKind => explanation(
                "A rule with neither or both of `alert` and `record`, or a recording rule with alert-only fields (`for`, `keep_firing_for`, `annotations`).",
                "Prometheus cannot tell what the rule should do and refuses the group.",
                "Give exactly one of `alert` and `record`; remove alert-only fields from recording rules.",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nrecord = \"namespace:restarts:rate5m\"\nexpr = 'sum by (namespace) (rate(kube_pod_container_status_restarts_total[5m]))'\nfor = \"5m\"\n",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nrecord = \"namespace:restarts:rate5m\"\nexpr = 'sum by (namespace) (rate(kube_pod_container_status_restarts_total[5m]))'\n",
            ),
            Code::AlertMatcher => explanation(
                "Not an Alertmanager matcher: a label name, an operator (`=`, `!=`, `=~`, `!~`) and a quoted value, such as `severity=\"critical\"`.",
                "Alertmanager refuses the configuration, or the route matches other alerts than intended.",
                "Write one label, one operator and a double-quoted value per matcher.",
                "[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['severity==\"critical\"']\nreceiver = \"team\"\n",
                "[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"team\"\n",
            ),
            Code::AlertMatcherClassName => explanation(
                "A matcher's regex names a Unicode class loosely (`\\p{Letter}`, `\\p{greek}`, `\\p{ASCII}`); this is a warning.",
                "Alertmanager 0.33, built with Go 1.25, reads these names; releases built with an older Go refuse the whole configuration, and Prometheus' own matchers refuse them too.",
                "Write the name Go's tables hold, which every release reads: `\\p{L}`, `\\p{Lu}`, `\\p{Greek}`.",
                "[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['team=~\"\\\\p{Letter}+\"']\nreceiver = \"team\"\n",
                "[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['team=~\"\\\\p{L}+\"']\nreceiver = \"team\"\n",
            ),
            Code::AlertTemplate => explanation(
                "A Go template in a rule label or annotation that does not parse, e.g. an unclosed `{{ ... }`.",
                "Prometheus refuses the rule group, or the notification shows the raw template instead of the value.",
                "Close every `{{` with `}}`; refer to labels as `{{ $labels.name }}` and to the value as `{{ $value }}`.",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\nannotations = { summary = \"pod {{ $labels.pod } restarted\" }\n",
                "[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\nannotations = { summary = \"pod {{ $labels.pod }} restarted\" }\n",
            ),
            Code::RefUnknownTimeInterval => explanation(
                "A route mutes or activates itself by a time interval that no `[[time_intervals]]` entry declares.",
                "Alertmanager refuses a configuration that names an unknown time interval, so no alert would be delivered at all.",
                "Declare the interval in `[[time_intervals]]`, or fix the name in `mute_time_intervals` / `active_time_intervals`.",
                "[[route.routes]]\nmatchers = ['team=\"db\"']\nreceiver = \"team\"\nmute_time_intervals = [\"weekend\"]\n",
                "[[route.routes]]\nmatchers = ['team=\"db\"']\nreceiver = \"team\"\nmute_time_intervals = [\"weekend\"]\n\n[[time_intervals]]\nname = \"weekend\"\nintervals = [{ weekdays = [\"saturday\", \"sunday\"] }]\n",
            ),
            Code::RefMissingFile => explanation(
                "A file the site names (a notification template, or the files a `rule_files` pattern should match) cannot be read or does not exist.",
                "promsite copies those files into the output; a missing one would silently drop rules or templates.",
                "Fix the path or pattern (relative to the site file), or add the file to the repository.",
                "rule_files = [\"rules/**/*.rules.yml\"]\n",
                "rule_files = []\n",
            ),
            Code::RefUnknownRuleGroup => explanation(
                "`[default_rules] disabled_groups` names a group that is not one of promsite's default rule groups (`meta`, ...; docs/alerts.md lists them).",
                "A misspelt id would leave the group it meant switched on, silently.",
                "Write the group's id as docs/alerts.md gives it; the message suggests the closest one.",
                "[default_rules]\ndisabled_groups = [\"mtea\"]\n",
                "[default_rules]\ndisabled_groups = [\"meta\"]\n",
            ),
            Code::ValueVersion => explanation(
                "A component version that is not a release tag such as `v0.33.1`.",
                "promsite checks which configuration fields the targeted release supports; `latest` or a branch name cannot be compared with releases.",
                "Pin the release tag the cluster runs, e.g. `version = \"v0.33.1\"`.",
                "[alertmanager]\nversion = \"latest\"\n",
                "[alertmanager]\nversion = \"v0.33.1\"\n",
            ),
            Code::AlertReceiver => explanation(
                "A receiver integration set up in a way Alertmanager rejects, e.g. both a URL and a URL from a Secret, or e-mail without `[alertmanager.smtp]`.",
                "`amtool check-config` and Alertmanager itself refuse such a configuration, so no notification would go out.",
                "Give exactly one of the alternatives the message names, and the global settings the integration needs.",
                "[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"http://hooks.example.com/alert\", url_secret = { secret = \"hook\", key = \"url\" } }]\n",
                "[[receivers]]\nname = \"team\"\nwebhook = [{ url = \"http://hooks.example.com/alert\" }]\n",
            ),
            Code::AlertmanagerVersion => explanation(
                "A configuration field newer than the Alertmanager version the site targets, e.g. a webhook `url_file` before v0.26.",
                "That Alertmanager would refuse the whole configuration at start and keep running the old one.",
                "Raise `alertmanager.version` to at least the release the message names, or do without the field.",
                "[alertmanager]\nversion = \"v0.25.0\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{ url_secret = { secret = \"dingtalk\", key = \"robot-url\" } }]\n",
                "[alertmanager]\nversion = \"v0.33.1\"\n\n[[receivers]]\nname = \"team\"\nwebhook = [{ url_secret = { secret = \"dingtalk\", key = \"robot-url\" } }]\n",
            ),
            Code::RuleFile => explanation(
                "A file matched by `rule_files` is not a Prometheus rule file (`groups:` with `name` and `rules`), has a group without a name, or a rule in it fails a check.",
                "Rules from files are compiled into PrometheusRules like inline ones; a file that does not parse would lose every rule in it.",
                "Fix the file at the position the message names; `promtool check rules FILE` reads the same format.",
                "rule_files = [\"rules/not-rules.yaml\"]\n",
                "rule_files = []\n",
            ),
            Code::RuleIgnoredDocument => explanation(
                "A rule file holds more than one YAML document (`---` between them), as files joined with `cat` do; this is a warning.",
                "Prometheus and promtool read the first document of a rule file only, so the groups after the `---` are silently never loaded.",
                "Delete the `---` so that all groups are in one document, or move the later groups into a file of their own.",
                "rule_files = [\"rules/joined.yaml\"]\n",
                "rule_files = []\n",
            ),
            Code::PrometheusVersion => explanation(
                "A rule or group field newer than the Prometheus version the site targets: `limit` (2.31), `keep_firing_for` (2.42), `query_offset` (2.53), group `labels` (3.0).",
                "That Prometheus would refuse the whole rule file, and the operator would keep the previous rules loaded.",
                "Raise `prometheus.version` to at least the release the message names, or do without the field.",
                "[prometheus]\nversion = \"v2.41.0\"\n\n[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\nkeep_firing_for = \"10m\"\n",
                "[prometheus]\nversion = \"v2.42.0\"\n\n[[rule_groups]]\nname = \"pods\"\n\n[[rule_groups.rules]]\nalert = \"PodRestart\"\nexpr = 'changes(kube_pod_container_status_restarts_total[3m]) > 0'\nkeep_firing_for = \"10m\"\n",
            ),
            Code::AlertTimeInterval => explanation(
                "A time interval Alertmanager cannot use: a range that runs backwards, an unknown weekday or month, or a time outside 00:00-24:00.",
                "Alertmanager refuses the configuration, so no alert would be delivered at all.",
                "Write ranges from earlier to later (`monday:friday`, `09:00` to `17:00`) with the names Alertmanager knows.",
                "[[time_intervals]]\nname = \"office\"\nintervals = [{ weekdays = [\"friday:monday\"] }]\n",
                "[[time_intervals]]\nname = \"office\"\nintervals = [{ weekdays = [\"monday:friday\"] }]\n",
            ),
            Code::AlertUnusedReceiver => explanation(
                "A receiver that no route sends alerts to (a warning).",
                "It is usually a leftover or a typo in a route; its notifications will never be sent.",
                "Route alerts to it with a `[[route.routes]]` entry, or remove it.",
                "[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n\n[[receivers]]\nname = \"old-pager\"\nwebhook = [{ url = \"http://pager.example.com/hook\" }]\n",
                "[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"old-pager\"\n\n[[receivers]]\nname = \"team\"\nemail = [{ to = \"team@example.com\" }]\n\n[[receivers]]\nname = \"old-pager\"\nwebhook = [{ url = \"http://pager.example.com/hook\" }]\n",
            ),
            Code::GrafanaDashboard => explanation(
                "A file below `grafana.dashboards` is not a dashboard Grafana can provision: not a JSON object, or larger than a ConfigMap holds.",
                "Each dashboard is shipped in a ConfigMap of its own; a broken file would only fail inside Grafana, where nobody reads the log.",
                "Export the dashboard again from Grafana (Share, Export, Save to file), or split a dashboard over 1 MiB.",
                "[grafana]\ndashboards = \"dashboards\"\n",
                "[grafana]\nreplicas = 1\n",
            ),
            Code::AlertRoute => explanation(
                "A routing tree Alertmanager rejects: a root route without a receiver, or with `matchers` or `continue`.",
                "The root route must catch every alert; Alertmanager refuses a root route that filters.",
                "Keep the root route's receiver as the catch-all and move matchers into a `[[route.routes]]` entry.",
                "[route]\nreceiver = \"team\"\nmatchers = ['severity=\"critical\"']\n",
                "[route]\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"team\"\n",
            ),
            Code::PlacementReplicas => explanation(
                "More replicas than the nodes they may run on.",
                "promsite places one replica per node, so the extra pods would stay Pending forever.",
                "Lower `replicas`, or add nodes to the component's `nodes`.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\"]\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\", \"node-2\"]\n",
            ),
            Code::PlacementStorage => explanation(
                "Local storage is declared, but `prometheus.nodes` lists no node to hold it.",
                "A local PersistentVolume lives on one node; without nodes there is nowhere to create it.",
                "List the nodes that hold the data in `prometheus.nodes`.",
                "[prometheus.storage]\npath = \"/data/prometheus\"\nsize = \"100Gi\"\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\", \"node-2\"]\n\n[prometheus.storage]\npath = \"/data/prometheus\"\nsize = \"100Gi\"\n",
            ),
            Code::EtcdNoNodes => explanation(
                "`[etcd]` is set, but no node has role `etcd`.",
                "promsite scrapes etcd at the addresses of the etcd nodes; without any, the ServiceMonitor would scrape nothing.",
                "Add `\"etcd\"` to the `roles` of the nodes that run etcd members, or remove `[etcd]`.",
                "[[nodes]]\nname = \"master-1\"\naddress = \"10.0.0.1\"\nroles = [\"control-plane\"]\n\n[etcd]\nclient_cert = { secret = \"etcd-certs\", cert = \"tls.crt\", key = \"tls.key\", ca = \"ca.crt\" }\n",
                "[[nodes]]\nname = \"master-1\"\naddress = \"10.0.0.1\"\nroles = [\"control-plane\", \"etcd\"]\n\n[etcd]\nclient_cert = { secret = \"etcd-certs\", cert = \"tls.crt\", key = \"tls.key\", ca = \"ca.crt\" }\n",
            ),
            Code::NameCollision => explanation(
                "Two generated objects would land in the same file, e.g. a `[[scrape]]` named like a ServiceMonitor promsite generates itself (`etcd`, `prometheus-k8s`, `alertmanager-main`).",
                "One object would silently replace the other in the output.",
                "Rename the entry so that it differs from the names promsite generates itself.",
                "[[scrape]]\nname = \"etcd\"\nselector = { app = \"etcd-backup\" }\nport = \"metrics\"\n",
                "[[scrape]]\nname = \"etcd-backup\"\nselector = { app = \"etcd-backup\" }\nport = \"metrics\"\n",
            ),
            Code::PrometheusAdminApi => explanation(
                "A warning: the Prometheus TSDB admin API is enabled.",
                "Anyone who can reach Prometheus, e.g. through its Ingress, can delete series and take snapshots that fill the disk.",
                "Set `admin_api = false` unless you need the API, and then restrict who can reach Prometheus. When Prometheus is also exposed without authentication, promsite reports the stronger `exposure::unauthenticated-admin-api` instead. `--deny-warnings` turns this warning into a failure.",
                "[prometheus]\nadmin_api = true\n",
                "[prometheus]\nadmin_api = false\n",
            ),
            Code::PortClash => explanation(
                "Two components want the same port: two `node_port`s with one number, or Alertmanager replicas on the host network that could land on one node.",
                "Only one Service can own a NodePort, and only one pod per node can bind a host port: the second would fail to start.",
                "Give each component its own `node_port` (30000-32767); for Alertmanager on the host network, list its nodes in `alertmanager.nodes`.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[alertmanager]\nreplicas = 2\nhost_network = true\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[alertmanager]\nreplicas = 2\nhost_network = true\nnodes = [\"node-1\", \"node-2\"]\n",
            ),
            Code::PlacementSingleNode => explanation(
                "A warning: a workload pinned to nodes runs a single replica, so losing that node stops it.",
                "Pinning is usually done for availability or local data; one pinned replica is a single point of failure.",
                "Run two or more replicas with as many nodes in the component's `nodes`, or remove `nodes` so it can run anywhere. `--deny-warnings` turns this warning into a failure.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[prometheus]\nnodes = [\"node-1\"]\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\n\n[[nodes]]\nname = \"node-2\"\naddress = \"10.0.0.2\"\n\n[prometheus]\nreplicas = 2\nnodes = [\"node-1\", \"node-2\"]\n",
            ),
            Code::AdapterTemplate => explanation(
                "A prometheus-adapter template with an unknown or malformed placeholder; the known ones are `<<.Series>>`, `<<.LabelMatchers>>`, `<<.GroupBy>>` and, in resource templates, `<<.Resource>>`.",
                "prometheus-adapter fails to render the query, so the custom metric never appears and autoscalers that use it stall.",
                "Spell the placeholder exactly, including the plural in `<<.LabelMatchers>>`.",
                "[[adapter.rules]]\nseries_query = 'http_requests_total{namespace!=\"\",pod!=\"\"}'\nresources = { overrides = { namespace = \"namespace\", pod = \"pod\" } }\nmetrics_query = 'sum(rate(<<.Series>>{<<.LabelMatcher>>}[2m])) by (<<.GroupBy>>)'\n",
                "[[adapter.rules]]\nseries_query = 'http_requests_total{namespace!=\"\",pod!=\"\"}'\nresources = { overrides = { namespace = \"namespace\", pod = \"pod\" } }\nmetrics_query = 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'\n",
            ),
            Code::ValueRegex => explanation(
                "Not a valid regular expression, e.g. an unbalanced group.",
                "The program that uses it (prometheus-adapter for naming rules) refuses to start or drops the rule.",
                "Balance every `(` with `)` and escape literal special characters with `\\`.",
                "[[adapter.rules]]\nseries_query = 'http_requests_total{namespace!=\"\",pod!=\"\"}'\nresources = { overrides = { namespace = \"namespace\", pod = \"pod\" } }\nname = { matches = \"^(.*_total$\", as = \"${1}_per_second\" }\nmetrics_query = 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'\n",
                "[[adapter.rules]]\nseries_query = 'http_requests_total{namespace!=\"\",pod!=\"\"}'\nresources = { overrides = { namespace = \"namespace\", pod = \"pod\" } }\nname = { matches = \"^(.*)_total$\", as = \"${1}_per_second\" }\nmetrics_query = 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)'\n",
            ),
            Code::FederateSelector => explanation(
                "A federation `match[]` entry of a `[[static_scrape]]` that is not a PromQL series selector such as `{job=\"node\"}` or `up`.",
                "Prometheus' `/federate` endpoint only takes series selectors: a function, an operator or a range makes every federation scrape fail with a 400 error.",
                "Write a bare selector: a metric name, `{label=\"value\"}`, or both; federate what a recording rule computed instead of computing it in `match[]`.",
                "[[static_scrape]]\nname = \"dc2\"\ntargets = [\"prometheus.dc2.example.com:9090\"]\nfederate = ['rate(up[5m])']\n",
                "[[static_scrape]]\nname = \"dc2\"\ntargets = [\"prometheus.dc2.example.com:9090\"]\nfederate = ['{job=\"node\"}']\n",
            ),
            Code::HttpClient => explanation(
                "HTTP client settings that Prometheus rejects for a scrape or remote-write endpoint: more than one of `basic_auth`, `authorization` and `oauth2`, a client `cert` without its `key`, an `authorization` of type `Basic`, or a reserved header such as `Authorization` or `Content-Type`.",
                "The operator would render a configuration that Prometheus refuses to load, and the Prometheus pods would keep running the previous one.",
                "Use one way of authenticating: `basic_auth`, `authorization` or `oauth2`; give `cert` and `key` together; set credentials through them, never as a header.",
                "[[static_scrape]]\nname = \"mysql-hosts\"\ntargets = [\"db-1.example.com:9104\"]\nbasic_auth = { secret = \"mysql-auth\", username_key = \"username\", password_key = \"password\" }\nauthorization = { credentials = { secret = \"mysql-auth\", key = \"token\" } }\n",
                "[[static_scrape]]\nname = \"mysql-hosts\"\ntargets = [\"db-1.example.com:9104\"]\nbasic_auth = { secret = \"mysql-auth\", username_key = \"username\", password_key = \"password\" }\n",
            ),
            Code::ValueRelabel => explanation(
                "A relabeling step that Prometheus rejects: `replace` (the default action), `hashmod`, `lowercase`, `uppercase`, `keepequal` or `dropequal` without `target_label`; `hashmod` without `modulus`; `labeldrop` or `labelkeep` with anything but `regex`; `keepequal` or `dropequal` with anything but `source_labels` and `target_label`; `lowercase`, `uppercase`, `keepequal` or `dropequal` with a `replacement`; or a label name outside letters, digits and `_` (`replace`'s `target_label` and `labelmap`'s `replacement` may also refer to the regex's groups, `$1` or `${name}`).",
                "Prometheus refuses the whole configuration (the operator skips the ServiceMonitor, PodMonitor or ScrapeConfig), so nothing changes until it is fixed.",
                "Give each action the fields it takes: `replace` a `target_label`; `hashmod` a `target_label` and a `modulus`; `labeldrop` and `labelkeep` only a `regex`; spell label names with letters, digits and `_`.",
                "[[prometheus.remote_write]]\nname = \"mimir\"\nurl = \"https://mimir.example.com/api/v1/push\"\nwrite_relabel = [{ source_labels = [\"instance\"], regex = \"([^:]+):.*\" }]\n",
                "[[prometheus.remote_write]]\nname = \"mimir\"\nurl = \"https://mimir.example.com/api/v1/push\"\nwrite_relabel = [{ source_labels = [\"instance\"], regex = \"([^:]+):.*\", target_label = \"host\", replacement = \"$1\" }]\n",
            ),
            Code::HttpInsecureSkipVerify => explanation(
                "A warning: a scrape, remote-write endpoint or receiver is reached over TLS without verifying the server's certificate (`insecure_skip_verify = true`).",
                "The connection is encrypted but not authenticated: anyone on the path can pose as the server, read the credentials Prometheus or Alertmanager send, and feed them false data. `--deny-warnings` turns this warning into a failure.",
                "Give the CA that signed the server's certificate in `tls_config.ca` (a Secret key), and `server_name` when the address you scrape is not in the certificate.",
                "[[static_scrape]]\nname = \"ipmi\"\ntargets = [\"bmc-1.example.com:9290\"]\nscheme = \"https\"\ntls_config = { insecure_skip_verify = true }\n",
                "[[static_scrape]]\nname = \"ipmi\"\ntargets = [\"bmc-1.example.com:9290\"]\nscheme = \"https\"\ntls_config = { ca = { secret = \"corp-ca\", key = \"ca.crt\" } }\n",
            ),
            Code::AlertUnroutedRule => explanation(
                "A warning: an alerting rule sets labels that every child route of `[route]` refuses, so its alerts only ever reach the root's default receiver.",
                "When a site routes alerts to teams, an alert that falls through to the catch-all usually means a typo in a label or a route. Only labels the rule sets itself (and `alertname`) are compared, so labels from the series never cause this warning; `severity` matchers are not counted either, since routing by severity leaves the lower ones to the default receiver on purpose.",
                "Fix the rule's labels or the route's matchers so that a route takes the alert, or add a route for it.",
                "[[route.routes]]\nmatchers = ['team=\"db\"']\nreceiver = \"team\"\n\n[[rule_groups]]\nname = \"web\"\n\n[[rule_groups.rules]]\nalert = \"WebDown\"\nexpr = 'up{job=\"web\"} == 0'\nlabels = { team = \"web\" }\n",
                "[[route.routes]]\nmatchers = ['team=\"db\"']\nreceiver = \"team\"\n\n[[rule_groups]]\nname = \"web\"\n\n[[rule_groups.rules]]\nalert = \"WebDown\"\nexpr = 'up{job=\"web\"} == 0'\nlabels = { team = \"db\" }\n",
            ),
            Code::AlertSeverityNeverSet => explanation(
                "A warning: a route matches a `severity` that no alerting rule of the site sets, so the route never receives anything.",
                "A route for `severity=\"critical\"` that nothing ever matches is a pager that never rings; usually the rules spell the severity differently (`crit`, `page`). The check only runs when promsite sees every rule (the site has alerting rules of its own, and no API client manages PrometheusRules); promsite's default rules count too.",
                "Make the route match the severities the rules set, or set that severity on the rules that should page.",
                "[[route.routes]]\nmatchers = ['severity=\"page\"']\nreceiver = \"team\"\n\n[[rule_groups]]\nname = \"targets\"\n\n[[rule_groups.rules]]\nalert = \"AppDown\"\nexpr = 'up{job=\"app\"} == 0'\nlabels = { severity = \"critical\" }\n",
                "[[route.routes]]\nmatchers = ['severity=\"page\"']\nreceiver = \"team\"\n\n[[rule_groups]]\nname = \"targets\"\n\n[[rule_groups.rules]]\nalert = \"AppDown\"\nexpr = 'up{job=\"app\"} == 0'\nlabels = { severity = \"page\" }\n",
            ),
            Code::AlertSeverityUnmatched => explanation(
                "A warning: an alerting rule sets a `severity` that no `severity` matcher anywhere in the routing tree accepts.",
                "The routes decide by severity, so an alert with a severity none of them knows is routed by its other labels only, usually not as intended; it is most often a typo.",
                "Use one of the severities the routes match, or add a route for the new severity.",
                "[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['team=\"db\"']\nreceiver = \"team\"\n\n[[rule_groups]]\nname = \"db\"\n\n[[rule_groups.rules]]\nalert = \"DbDown\"\nexpr = 'up{job=\"db\"} == 0'\nlabels = { severity = \"critcal\", team = \"db\" }\n",
                "[[route.routes]]\nmatchers = ['severity=\"critical\"']\nreceiver = \"team\"\n\n[[route.routes]]\nmatchers = ['team=\"db\"']\nreceiver = \"team\"\n\n[[rule_groups]]\nname = \"db\"\n\n[[rule_groups.rules]]\nalert = \"DbDown\"\nexpr = 'up{job=\"db\"} == 0'\nlabels = { severity = \"critical\", team = \"db\" }\n",
            ),
            Code::ExposureUnauthenticated => explanation(
                "A warning: Prometheus or Alertmanager can be reached from outside the cluster without credentials, through an Ingress host with neither `basic_auth` nor `external_auth` (nor a client-certificate `auth-tls-secret` annotation), or through a `node_port`, which opens the port on every node and bypasses the Ingress.",
                "Neither has a login of its own: whoever reaches Prometheus reads every series and can run expensive queries, and whoever reaches Alertmanager can silence every alert.",
                "Add `ingress.basic_auth` (an htpasswd Secret) or `ingress.external_auth` (e.g. oauth2-proxy) and remove the `node_port`s. `--deny-warnings` turns this warning into a failure.",
                "[ingress]\nclass = \"nginx\"\nprometheus = \"prometheus.example.com\"\n",
                "[ingress]\nclass = \"nginx\"\nprometheus = \"prometheus.example.com\"\nbasic_auth = { secret = \"monitoring-basic-auth\" }\ntls_secret = \"monitoring-tls\"\n",
            ),
            Code::ExposureUnauthenticatedAdminApi => explanation(
                "A warning, stronger than `prometheus::admin-api`: the TSDB admin API is enabled and Prometheus is exposed without authentication (an Ingress without `basic_auth` or `external_auth`, or a `node_port`).",
                "Anyone who reaches the Ingress or a node can delete every series and fill the disk with snapshots. It is a warning, not an error, only because existing sites (the example site among them) must keep compiling unchanged; treat it as an error (`--deny-warnings` in CI).",
                "Set `admin_api = false`, or put `ingress.basic_auth` or `ingress.external_auth` in front of Prometheus and remove `prometheus.node_port`.",
                "[prometheus]\nadmin_api = true\n\n[ingress]\nprometheus = \"prometheus.example.com\"\n",
                "[prometheus]\nadmin_api = false\n\n[ingress]\nprometheus = \"prometheus.example.com\"\ntls_secret = \"monitoring-tls\"\nexternal_auth = { url = \"https://oauth2.example.com/oauth2/auth\" }\n",
            ),
            Code::ExposurePlaintextCredentials => explanation(
                "A warning: `ingress.basic_auth` or `ingress.external_auth` guards a Prometheus or Alertmanager host that has no TLS certificate (neither `tls_secret` nor an `[[ingress.tls]]` entry).",
                "Over plain HTTP the browser sends the basic-auth password, or the sign-in session cookie, readable to anyone on the network path: the authentication can be replayed.",
                "Give the hosts a certificate with `ingress.tls_secret` or `[[ingress.tls]]`.",
                "[ingress]\nprometheus = \"prometheus.example.com\"\nbasic_auth = { secret = \"monitoring-basic-auth\" }\n",
                "[ingress]\nprometheus = \"prometheus.example.com\"\nbasic_auth = { secret = \"monitoring-basic-auth\" }\ntls_secret = \"monitoring-tls\"\n",
            ),
            Code::IngressNotExposed => explanation(
                "A `[[ingress.tls]]` host that is none of `ingress.prometheus`, `alertmanager` or `grafana`, or an `[ingress.paths]` entry for a component without a host.",
                "The certificate or path would apply to nothing; usually a typo in a host name, which would leave the intended host without HTTPS.",
                "List only the hosts the Ingresses serve, or set the component's host.",
                "[ingress]\nprometheus = \"prometheus.example.com\"\ntls = [{ hosts = [\"prometheus.example.org\"], secret = \"prometheus-tls\" }]\n",
                "[ingress]\nprometheus = \"prometheus.example.com\"\ntls = [{ hosts = [\"prometheus.example.com\"], secret = \"prometheus-tls\" }]\nbasic_auth = { secret = \"monitoring-basic-auth\" }\n",
            ),
            Code::IngressPathClash => explanation(
                "Two components are exposed at the same host and path.",
                "The ingress controller would send every request to only one of them.",
                "Give each component its own host, or its own path on the shared host in `[ingress.paths]`.",
                "[ingress]\nprometheus = \"monitoring.example.com\"\nalertmanager = \"monitoring.example.com\"\nbasic_auth = { secret = \"monitoring-basic-auth\" }\n",
                "[ingress]\nprometheus = \"monitoring.example.com\"\nalertmanager = \"monitoring.example.com\"\npaths = { prometheus = \"/prometheus\", alertmanager = \"/alertmanager\" }\nbasic_auth = { secret = \"monitoring-basic-auth\" }\ntls_secret = \"monitoring-tls\"\n",
            ),
            Code::IngressAnnotation => explanation(
                "An Ingress annotation promsite cannot write: a key that is not a valid annotation key, an ingress-nginx annotation promsite derives from a typed key (`auth-type`, `auth-secret`, `auth-url`, `backend-protocol`, …), or an `external_auth.response_headers` entry that is not an HTTP header name.",
                "Kubernetes refuses invalid keys; a derived annotation set by hand would contradict the typed setting, and promsite's security warnings rely on the typed keys.",
                "Use `ingress.basic_auth`, `ingress.external_auth` or `web_tls` instead of the annotation, or fix the key.",
                "[ingress]\nprometheus = \"prometheus.example.com\"\nannotations = { \"nginx.ingress.kubernetes.io/auth-url\" = \"https://oauth2.example.com/oauth2/auth\" }\n",
                "[ingress]\nprometheus = \"prometheus.example.com\"\nexternal_auth = { url = \"https://oauth2.example.com/oauth2/auth\" }\ntls_secret = \"monitoring-tls\"\n",
            ),
            Code::ValueByteSize => explanation(
                "`retention_size` is not a size in Prometheus' units: an integer and one of `B`, `KB`, `MB`, `GB`, `TB`, `PB`, `EB`.",
                "Prometheus reads `--storage.tsdb.retention.size` with its own units (powers of 1024, written without the `i` of Kubernetes quantities); anything else stops it at start-up.",
                "Write an integer and a unit, e.g. `80GB`; `Gi`, `GiB` and fractions are not Prometheus' spelling.",
                "[prometheus]\nretention_size = \"80Gi\"\n",
                "[prometheus]\nretention_size = \"80GB\"\n",
            ),
            Code::StorageForm => explanation(
                "A `storage` table has both a local `path` and a `storage_class`, or neither.",
                "promsite either creates local PersistentVolumes at `path` on the pinned nodes, or lets the StorageClass provision the volumes; one volume cannot be both, and without either there is nothing to store on.",
                "Keep `path` for local volumes on the nodes in `nodes`, or `storage_class` for a StorageClass of the cluster (Ceph RBD, Longhorn, vSphere, NFS…), and `size`.",
                "[alertmanager.storage]\nsize = \"1Gi\"\n",
                "[alertmanager.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"1Gi\"\n",
            ),
            Code::StorageRetentionSize => explanation(
                "Prometheus' `retention_size` is as large as its volume (`storage.size`) or larger.",
                "Prometheus deletes old blocks only once the TSDB exceeds `retention_size`; a volume smaller than that fills up first, and Prometheus stops ingesting and crash-loops on a full disk.",
                "Keep `retention_size` at about 80% of `storage.size` (compaction needs room too), or make the volume larger.",
                "[prometheus]\nretention_size = \"100GB\"\n\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"100Gi\"\n",
                "[prometheus]\nretention_size = \"80GB\"\n\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"100Gi\"\n",
            ),
            Code::StorageRetentionHeadroom => explanation(
                "A warning: Prometheus' `retention_size` is above 90% of its volume.",
                "Compaction writes the merged block before it deletes the blocks it replaces, and the WAL grows between checkpoints: a volume filled to `retention_size` has too little room for either, and a full volume stops Prometheus.",
                "Keep `retention_size` at about 80% of `storage.size`.",
                "[prometheus]\nretention_size = \"95GB\"\n\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"100Gi\"\n",
                "[prometheus]\nretention_size = \"80GB\"\n\n[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"100Gi\"\n",
            ),
            Code::StorageSizeChanged => explanation(
                "A warning from `compile` and `diff`: a volume size (`storage.size`) or StorageClass differs from the output already in the directory.",
                "The operator's StatefulSet cannot change its volumeClaimTemplates: the claims of existing replicas keep their old size and class, and only new replicas get the new ones.",
                "To grow provisioned volumes whose StorageClass has `allowVolumeExpansion: true`: apply the output, raise `spec.resources.requests.storage` of each claim (`kubectl patch pvc …`), then delete the StatefulSet with `--cascade=orphan` so the operator recreates it with the new template. Otherwise (a local volume, a class without expansion, a new class, a smaller size) move the data or recreate the claims: make sure the disk behind a local `path` has the room.",
                "[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"200Gi\"   # was 100Gi in the previous output\n",
                "[prometheus.storage]\nstorage_class = \"ceph-rbd\"\nsize = \"200Gi\"\n",
            ),
            Code::ResourcesInvalid => explanation(
                "A `resources` table Kubernetes would refuse: a negative amount, a request above its limit, or one resource set both by a shorthand (`cpu`, `memory`) and in `requests`/`limits`.",
                "The API server rejects a pod template whose request exceeds its limit or is negative, so the component would never start; a value given twice leaves it unclear which one counts.",
                "Give each amount once and keep each request at or below its limit: `memory = \"1Gi\"` is short for `requests.memory` and `limits.memory`.",
                "[grafana.resources]\nrequests = { memory = \"1Gi\" }\nlimits = { memory = \"512Mi\" }\n",
                "[grafana.resources]\nrequests = { memory = \"512Mi\" }\nlimits = { memory = \"1Gi\" }\n",
            ),
            Code::PlacementCapacity => explanation(
                "The requests of what promsite pins to a node (its pinned components, and node-exporter on every node) add up to more CPU or memory than the node's declared `capacity`.",
                "The scheduler places a pod only where its requests fit in what the node can allocate: a pod that fits nowhere it is pinned to stays Pending.",
                "Lower the `resources` requests, pin components to other nodes, or correct `capacity` to what `kubectl describe node` shows as allocatable.",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\ncapacity = { cpu = \"2\", memory = \"128Mi\" }\n\n[kube_state_metrics]\nnodes = [\"node-1\"]\n",
                "[[nodes]]\nname = \"node-1\"\naddress = \"10.0.0.1\"\ncapacity = { cpu = \"2\", memory = \"1Gi\" }\n\n[kube_state_metrics]\nnodes = [\"node-1\"]\n",
            ),
            Code::SiteTooLarge => explanation(
                "The site file is larger than promsite reads (16 MiB); it is refused before it is parsed.",
                "A hand-written site is a few kilobytes; one this large is almost certainly generated by mistake, and parsing it would take unbounded memory.",
                "Split the site, or move generated rules into several smaller sites; check what wrote the file.",
                "# ... 16 MiB of generated [[rule_groups]] ...\n",
                "[[rule_groups]]\nname = \"targets\"\n\n[[rule_groups.rules]]\nalert = \"TargetDown\"\nexpr = 'up == 0'\n",
            ),
        }
    }
}
