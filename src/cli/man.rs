//! `promsite man` and `promsite completions`: the man page and shell completions, from the
//! argument types.

use clap::CommandFactory;

use super::output::{self, Stream};
use super::{Cli, Status};

pub(super) fn man() -> Status {
    let mut page = Vec::new();
    match clap_mangen::Man::new(Cli::command()).render(&mut page) {
        Ok(()) => output::print(page),
        Err(e) => {
            Stream::stderr().line(format_args!("error: cannot render the man page: {e}"));
            Status::Error
        }
    }
}

pub(super) fn completions(shell: clap_complete::Shell) -> Status {
    // Into memory first: clap_complete panics when it cannot write.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "promsite", &mut script);
    output::print(script)
}
