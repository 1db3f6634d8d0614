//! Writes the schema that `check` validates site files against: the committed
//! schema/site.schema.json without its annotations (src/check/schema_annotations.rs), compact;
//! and links the `promsite` binary at a fixed address on Linux (below).

#[path = "src/check/schema_annotations.rs"]
mod schema_annotations;

fn main() {
    const SCHEMA: &str = "schema/site.schema.json";
    // A position-independent `promsite` has 33,000 addresses for the dynamic loader to fix at
    // every start, touching 134 pages of its own: 0.7 ms of the 5.5 ms a small site's check took.
    // Linked at a fixed address (as Go links promtool and amtool), the linker fixes them once.
    // Only the binary: the library, tests' helpers and proc-macros stay as they are.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
    println!("cargo::rerun-if-changed={SCHEMA}");
    println!("cargo::rerun-if-changed=src/check/schema_annotations.rs");
    let text = std::fs::read_to_string(SCHEMA).unwrap_or_else(|e| panic!("cannot read {SCHEMA}: {e}"));
    let mut schema: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{SCHEMA} is not JSON: {e}"));
    schema_annotations::strip(&mut schema);
    let out = std::path::Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("site.schema.json");
    let compact = serde_json::to_string(&schema).expect("a JSON value serializes");
    std::fs::write(&out, compact).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
