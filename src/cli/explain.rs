//! `promsite explain`: what a diagnostic code means, or the codes closest to a mistyped one.

use super::Status;
use crate::diag;

pub(super) fn explain(id: &str) -> Status {
    if let Some(code) = diag::Code::from_id(id) {
        print!("{}", diag::explain(code));
        return Status::Ok;
    }
    let closest = diag::Code::ALL
        .iter()
        .map(|c| c.id())
        .min_by_key(|known| strsim::levenshtein(id, known))
        .filter(|known| strsim::levenshtein(id, known) <= 4);
    eprintln!(
        "error: unknown code `{id}`{}",
        closest.map(|c| format!("; did you mean `{c}`?")).unwrap_or_default()
    );
    eprintln!("known codes:");
    for code in diag::Code::ALL {
        eprintln!("  {}", code.id());
    }
    Status::Error
}
