//! A small typed model of Grafana's classic dashboard JSON (the model Grafana 12 provisions from
//! files), and the builder the dashboards are written with: panels are added in reading order with
//! a width and a height, and [`Board::finish`] lays them out on Grafana's 24-column grid.

use serde::Serialize;

/// The `schemaVersion` of the pinned Grafana release (12.x): Grafana migrates a dashboard with an
/// older version on load, and refuses none that is not newer.
pub const SCHEMA_VERSION: u32 = 41;
/// Grafana's grid is 24 columns wide.
const GRID_WIDTH: u32 = 24;
/// The name of the data source variable every panel queries through.
const DATASOURCE_VAR: &str = "datasource";

/// A dashboard, as Grafana reads it from a provisioned file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Dashboard {
    /// Stable uid (`promsite-<id>`): a user dashboard with the same uid replaces it.
    pub uid: String,
    /// Title.
    pub title: String,
    /// What it shows.
    pub description: String,
    /// Tags (`promsite` and the component).
    pub tags: Vec<String>,
    /// Read-only: the site's repository is the source of truth.
    pub editable: bool,
    /// 1: the crosshair is shared between panels.
    pub graph_tooltip: u8,
    /// Auto-refresh interval.
    pub refresh: &'static str,
    /// Times in the viewer's time zone.
    pub timezone: &'static str,
    /// The default time range.
    pub time: TimeRange,
    /// The variables.
    pub templating: Templating,
    /// Annotations: none beyond Grafana's built-in ones.
    pub annotations: Annotations,
    /// Panels, rows included, in reading order.
    pub panels: Vec<Panel>,
    /// The JSON model's version.
    pub schema_version: u32,
    /// No links to other dashboards.
    pub links: Vec<()>,
}

/// A time range.
#[derive(Debug, Clone, Serialize)]
pub struct TimeRange {
    /// Start, e.g. `now-1h`.
    pub from: &'static str,
    /// End.
    pub to: &'static str,
}

/// The variables of a dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Templating {
    /// In the order they are shown (and resolved).
    pub list: Vec<Variable>,
}

/// No annotations.
#[derive(Debug, Clone, Serialize)]
pub struct Annotations {
    /// Empty.
    pub list: Vec<()>,
}

/// A reference to a data source.
#[derive(Debug, Clone, Serialize)]
pub struct DataSourceRef {
    /// The plugin, `prometheus`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The data source uid, or `${datasource}`.
    pub uid: String,
}

impl DataSourceRef {
    fn variable() -> Self {
        Self {
            kind: "prometheus",
            uid: format!("${{{DATASOURCE_VAR}}}"),
        }
    }
}

/// A template variable.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// `datasource` or `query`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The name panels refer to as `$name`.
    pub name: String,
    /// What the picker is labelled with.
    pub label: String,
    /// For `datasource`: the plugin id; for `query`: `label_values(<selector>, <label>)`.
    pub query: String,
    /// For `query`: the data source it asks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DataSourceRef>,
    /// The initial value: for `datasource`, the provisioned data source; none for `query`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current: Option<Current>,
    /// 0: shown.
    pub hide: u8,
    /// For `datasource`: 1 (on load); for `query`: 2 (when the time range changes).
    pub refresh: u8,
    /// For `query`: 1 (alphabetical).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<u8>,
    /// Whether `All` is offered.
    pub include_all: bool,
    /// Whether several values may be chosen.
    pub multi: bool,
    /// No filtering of the values.
    pub regex: &'static str,
    /// The options Grafana fills in.
    pub options: Vec<()>,
}

/// A variable's initial value.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    /// Shown.
    pub text: String,
    /// Used.
    pub value: String,
}

/// A panel or a row.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Panel {
    /// Unique in the dashboard, from 1 in reading order.
    pub id: u32,
    /// The visualization.
    #[serde(rename = "type")]
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// What the panel shows (the tooltip on its title).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Where it is.
    pub grid_pos: GridPos,
    /// For a row: always expanded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collapsed: Option<bool>,
    /// The data source (not for rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<DataSourceRef>,
    /// The queries (not for rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
    /// Units and ranges (not for rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_config: Option<FieldConfig>,
    /// The visualization's options (not for rows).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<serde_json::Value>,
    /// For a table: its queries' frames merged into one, a row per series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transformations: Option<Vec<serde_json::Value>>,
    /// For a row: its panels when collapsed (never: rows stay open).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panels: Option<Vec<()>>,
}

/// Panel types promsite uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A section heading.
    Row,
    /// Lines over time.
    Timeseries,
    /// One big number per series.
    Stat,
    /// A number against its range.
    Gauge,
    /// One row per series.
    Table,
}

/// A panel's place on the grid.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GridPos {
    /// Height in grid units (30 px).
    pub h: u32,
    /// Width in columns (of 24).
    pub w: u32,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
}

/// A Prometheus query of a panel.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    /// `A`, `B`, …
    pub ref_id: String,
    /// The data source.
    pub datasource: DataSourceRef,
    /// PromQL, with Grafana's variables (`$namespace`) inside label values only.
    pub expr: String,
    /// The series' name in the legend, e.g. `{{pod}}`.
    pub legend_format: String,
    /// An instant query (stats, gauges, tables) rather than a range.
    pub instant: bool,
    /// A range query.
    pub range: bool,
    /// `table` for table panels, `time_series` otherwise.
    pub format: &'static str,
    /// The step is the panel's interval.
    pub interval: &'static str,
}

/// Units and thresholds.
#[derive(Debug, Clone, Serialize)]
pub struct FieldConfig {
    /// For every field.
    pub defaults: FieldDefaults,
    /// None.
    pub overrides: Vec<()>,
}

/// The field settings promsite sets.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDefaults {
    /// Grafana's unit id.
    pub unit: &'static str,
    /// Axis or gauge minimum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Axis or gauge maximum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Decimals shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
}

/// The units promsite's panels use, as Grafana's unit ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A plain number (also CPU cores).
    Short,
    /// A ratio 0-1 shown as a percentage.
    Ratio,
    /// Bytes (IEC).
    Bytes,
    /// Bytes per second.
    BytesPerSec,
    /// Seconds.
    Seconds,
    /// Operations per second.
    PerSec,
    /// Requests per second.
    ReqPerSec,
    /// I/O operations per second.
    Iops,
    /// A timestamp in seconds since the epoch, shown as a date.
    Timestamp,
}

impl Unit {
    /// Grafana's id of the unit.
    pub fn id(self) -> &'static str {
        match self {
            Unit::Short => "short",
            Unit::Ratio => "percentunit",
            Unit::Bytes => "bytes",
            Unit::BytesPerSec => "Bps",
            Unit::Seconds => "s",
            Unit::PerSec => "ops",
            Unit::ReqPerSec => "reqps",
            Unit::Iops => "iops",
            Unit::Timestamp => "dateTimeFromNow",
        }
    }
}

/// One query of a panel, as the builder holds it.
#[derive(Debug, Clone)]
pub struct Query {
    /// PromQL.
    pub expr: String,
    /// Legend.
    pub legend: String,
}

/// A panel as the builder holds it, before layout.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The visualization.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Tooltip.
    pub description: String,
    /// Unit.
    pub unit: Unit,
    /// Minimum and maximum.
    pub min: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
    /// Width (columns).
    pub width: u32,
    /// Height (grid units).
    pub height: u32,
    /// Queries.
    pub queries: Vec<Query>,
}

impl Draft {
    /// Adds a query.
    pub fn q(&mut self, expr: impl Into<String>, legend: impl Into<String>) -> &mut Self {
        self.queries.push(Query {
            expr: expr.into(),
            legend: legend.into(),
        });
        self
    }
    /// Sets the tooltip.
    pub fn desc(&mut self, text: impl Into<String>) -> &mut Self {
        self.description = text.into();
        self
    }
    /// Sets the width in columns (of 24).
    pub fn w(&mut self, width: u32) -> &mut Self {
        self.width = width.clamp(1, GRID_WIDTH);
        self
    }
    /// Sets the height in grid units.
    pub fn h(&mut self, height: u32) -> &mut Self {
        self.height = height;
        self
    }
    /// Sets the range of a ratio, a gauge or an axis.
    pub fn range(&mut self, min: f64, max: f64) -> &mut Self {
        self.min = Some(min);
        self.max = Some(max);
        self
    }
}

/// An entry of a board: a row heading or a panel.
#[derive(Debug, Clone)]
pub enum Item {
    /// A row heading.
    Row(String),
    /// A panel.
    Panel(Draft),
}

/// A query variable of a board.
#[derive(Debug, Clone)]
pub struct Var {
    /// `$name`.
    pub name: &'static str,
    /// The picker's label.
    pub label: &'static str,
    /// The series selector the values come from.
    pub selector: String,
    /// The label whose values are offered.
    pub label_name: &'static str,
}

/// The builder of one dashboard.
#[derive(Debug, Clone)]
pub struct Board {
    /// Id: the uid is `promsite-<id>`.
    pub id: &'static str,
    /// Title.
    pub title: &'static str,
    /// What it shows.
    pub description: &'static str,
    /// Tags beyond `promsite`.
    pub tags: Vec<&'static str>,
    /// Variables after the data source.
    pub vars: Vec<Var>,
    /// Rows and panels in reading order.
    pub items: Vec<Item>,
}

impl Board {
    /// An empty board.
    pub fn new(id: &'static str, title: &'static str) -> Self {
        Self {
            id,
            title,
            description: "",
            tags: Vec::new(),
            vars: Vec::new(),
            items: Vec::new(),
        }
    }

    /// Adds a variable offering the values of `label` on the series `selector` selects.
    pub fn var(
        &mut self,
        name: &'static str,
        label: &'static str,
        selector: impl Into<String>,
        label_name: &'static str,
    ) {
        self.vars.push(Var {
            name,
            label,
            selector: selector.into(),
            label_name,
        });
    }

    /// Starts a row.
    pub fn row(&mut self, title: impl Into<String>) {
        self.items.push(Item::Row(title.into()));
    }

    fn panel(&mut self, kind: Kind, title: &str, unit: Unit, width: u32, height: u32) -> &mut Draft {
        self.items.push(Item::Panel(Draft {
            kind,
            title: title.to_owned(),
            description: String::new(),
            unit,
            min: (unit == Unit::Ratio).then_some(0.0),
            max: None,
            width,
            height,
            queries: Vec::new(),
        }));
        match self.items.last_mut() {
            Some(Item::Panel(draft)) => draft,
            _ => unreachable!("a panel was just pushed"),
        }
    }

    /// A time series panel, half the width.
    pub fn graph(&mut self, title: &str, unit: Unit) -> &mut Draft {
        self.panel(Kind::Timeseries, title, unit, 12, 8)
    }

    /// A stat panel, a sixth of the width.
    pub fn stat(&mut self, title: &str, unit: Unit) -> &mut Draft {
        self.panel(Kind::Stat, title, unit, 4, 4)
    }

    /// A gauge, a sixth of the width.
    pub fn gauge(&mut self, title: &str, unit: Unit) -> &mut Draft {
        self.panel(Kind::Gauge, title, unit, 4, 4)
    }

    /// A table, the full width.
    pub fn table(&mut self, title: &str, unit: Unit) -> &mut Draft {
        self.panel(Kind::Table, title, unit, 24, 8)
    }

    /// Every query of the board: the variables' selectors first, then the panels' queries.
    pub fn queries(&self) -> Vec<(&str, &str)> {
        let mut out: Vec<(&str, &str)> = self.vars.iter().map(|v| (v.label, v.selector.as_str())).collect();
        for item in &self.items {
            if let Item::Panel(p) = item {
                out.extend(p.queries.iter().map(|q| (p.title.as_str(), q.expr.as_str())));
            }
        }
        out
    }

    /// The dashboard JSON model, laid out left to right and top to bottom.
    pub fn finish(&self) -> Dashboard {
        let mut panels = Vec::new();
        let (mut x, mut y, mut row_height) = (0, 0, 0);
        for (index, item) in self.items.iter().enumerate() {
            let id = u32::try_from(index + 1).unwrap_or(u32::MAX);
            match item {
                Item::Row(title) => {
                    y += row_height;
                    (x, row_height) = (0, 0);
                    panels.push(row(id, title, y));
                    y += 1;
                }
                Item::Panel(draft) => {
                    if x + draft.width > GRID_WIDTH {
                        y += row_height;
                        (x, row_height) = (0, 0);
                    }
                    let pos = GridPos {
                        h: draft.height,
                        w: draft.width,
                        x,
                        y,
                    };
                    panels.push(panel(id, draft, pos));
                    x += draft.width;
                    row_height = row_height.max(draft.height);
                }
            }
        }
        let mut tags = vec!["promsite".to_owned()];
        tags.extend(self.tags.iter().map(|t| (*t).to_owned()));
        Dashboard {
            uid: uid(self.id),
            title: self.title.to_owned(),
            description: self.description.to_owned(),
            tags,
            editable: false,
            graph_tooltip: 1,
            refresh: "30s",
            timezone: "browser",
            time: TimeRange {
                from: "now-1h",
                to: "now",
            },
            templating: Templating {
                list: std::iter::once(datasource_variable())
                    .chain(self.vars.iter().map(query_variable))
                    .collect(),
            },
            annotations: Annotations { list: Vec::new() },
            panels,
            schema_version: SCHEMA_VERSION,
            links: Vec::new(),
        }
    }
}

/// The uid of a default dashboard.
pub fn uid(id: &str) -> String {
    format!("promsite-{id}")
}

/// The data source variable: any Prometheus data source, the one promsite provisions first.
fn datasource_variable() -> Variable {
    Variable {
        kind: "datasource",
        name: DATASOURCE_VAR.to_owned(),
        label: "Data source".to_owned(),
        query: "prometheus".to_owned(),
        datasource: None,
        current: Some(Current {
            text: crate::model::names::GRAFANA_DATASOURCE_NAME.to_owned(),
            value: crate::model::names::GRAFANA_DATASOURCE_UID.to_owned(),
        }),
        hide: 0,
        refresh: 1,
        sort: None,
        include_all: false,
        multi: false,
        regex: "",
        options: Vec::new(),
    }
}

fn query_variable(var: &Var) -> Variable {
    let query = format!("label_values({}, {})", var.selector, var.label_name);
    Variable {
        kind: "query",
        name: var.name.to_owned(),
        label: var.label.to_owned(),
        query,
        datasource: Some(DataSourceRef::variable()),
        current: None,
        hide: 0,
        refresh: 2,
        sort: Some(1),
        include_all: false,
        multi: false,
        regex: "",
        options: Vec::new(),
    }
}

fn row(id: u32, title: &str, y: u32) -> Panel {
    Panel {
        id,
        kind: Kind::Row,
        title: title.to_owned(),
        description: String::new(),
        grid_pos: GridPos {
            h: 1,
            w: GRID_WIDTH,
            x: 0,
            y,
        },
        collapsed: Some(false),
        datasource: None,
        targets: None,
        field_config: None,
        options: None,
        transformations: None,
        panels: Some(Vec::new()),
    }
}

fn panel(id: u32, draft: &Draft, grid_pos: GridPos) -> Panel {
    let instant = draft.kind != Kind::Timeseries;
    let targets = draft
        .queries
        .iter()
        .enumerate()
        .map(|(i, q)| Target {
            ref_id: ref_id(i),
            datasource: DataSourceRef::variable(),
            expr: q.expr.clone(),
            legend_format: q.legend.clone(),
            instant,
            range: !instant,
            format: if draft.kind == Kind::Table {
                "table"
            } else {
                "time_series"
            },
            interval: "",
        })
        .collect();
    Panel {
        id,
        kind: draft.kind,
        title: draft.title.clone(),
        description: draft.description.clone(),
        grid_pos,
        collapsed: None,
        datasource: Some(DataSourceRef::variable()),
        targets: Some(targets),
        field_config: Some(FieldConfig {
            defaults: FieldDefaults {
                unit: draft.unit.id(),
                min: draft.min,
                max: draft
                    .max
                    .or((draft.unit == Unit::Ratio && draft.kind == Kind::Gauge).then_some(1.0)),
                decimals: None,
            },
            overrides: Vec::new(),
        }),
        options: Some(options(draft)),
        transformations: (draft.kind == Kind::Table).then(|| vec![serde_json::json!({ "id": "merge", "options": {} })]),
        panels: None,
    }
}

/// The options promsite sets per visualization; Grafana fills in the rest.
fn options(draft: &Draft) -> serde_json::Value {
    use serde_json::json;
    match draft.kind {
        Kind::Timeseries => json!({
            "legend": { "displayMode": "table", "placement": "right", "showLegend": true, "calcs": ["lastNotNull", "max"] },
            "tooltip": { "mode": "multi", "sort": "desc" }
        }),
        Kind::Stat => json!({
            "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false },
            "colorMode": "value", "graphMode": "none", "textMode": "auto"
        }),
        Kind::Gauge => json!({
            "reduceOptions": { "calcs": ["lastNotNull"], "fields": "", "values": false },
            "showThresholdLabels": false, "showThresholdMarkers": true
        }),
        Kind::Table => json!({ "showHeader": true, "cellHeight": "sm" }),
        Kind::Row => json!({}),
    }
}

/// `A` … `Z`, then `AA`, …
fn ref_id(index: usize) -> String {
    let letter = |i: usize| char::from(b'A' + u8::try_from(i % 26).unwrap_or(0));
    if index < 26 {
        letter(index).to_string()
    } else {
        format!("{}{}", letter(index / 26 - 1), letter(index))
    }
}
