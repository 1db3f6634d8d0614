//! The `promsite` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    promsite::run_as_process(std::env::args_os())
}
