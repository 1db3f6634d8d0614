//! `promsite man` and `promsite completions`: the man page and shell completions, from the
//! argument types.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, Status};

pub(super) fn man() -> Status {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => {
            let _ = std::io::stdout().write_all(&page);
            Status::Ok
        }
        Err(e) => {
            eprintln!("error: cannot render the man page: {e}");
            Status::Error
        }
    }
}

pub(super) fn completions(shell: clap_complete::Shell) -> Status {
    clap_complete::generate(shell, &mut Cli::command(), "promsite", &mut std::io::stdout());
    Status::Ok
}
