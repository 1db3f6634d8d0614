//! The `promsite` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    promsite::run(std::env::args_os())
}
