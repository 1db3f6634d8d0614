//! `promsite explain`: what a diagnostic code means, or the codes closest to a mistyped one.

use super::Status;
use super::output::{self, Stream};
use crate::diag;

pub(super) fn explain(id: &str) -> Status {
    if let Some(code) = diag::Code::from_id(id) {
        return output::print(diag::explain(code));
    }
    let closest = diag::Code::ALL
        .iter()
        .map(|c| c.id())
        .min_by_key(|known| strsim::levenshtein(id, known))
        .filter(|known| strsim::levenshtein(id, known) <= 4);
    let stderr = Stream::stderr();
    stderr.line(format_args!(
        "error: unknown code `{id}`{}",
        closest.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
    ));
    stderr.line("known codes:");
    for code in diag::Code::ALL {
        stderr.line(format_args!("  {}", code.id()));
    }
    Status::Error
}
