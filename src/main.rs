//! The `promsite` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    huge_pages::restart_with_huge_pages();
    promsite::run_as_process(std::env::args_os())
}

/// A fifth of compiling a large site went into page faults on freshly allocated memory. glibc's
/// allocator avoids most of them when it backs its heap with transparent huge pages and grows it
/// in large steps, but it reads those settings only from `GLIBC_TUNABLES`, at start-up. Where the
/// kernel gives huge pages only on request (`madvise`, the usual default), promsite therefore
/// replaces itself once, in the same process, with them set. That costs 1.2 ms; an L site with its
/// output current then compiles in 45 ms instead of 58, with 44 MiB at its peak (mimalloc, the
/// allocator before, was as fast with huge pages but peaked at 54 MiB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod huge_pages {
    use std::os::unix::process::CommandExt as _;

    const TUNABLES: &str = "GLIBC_TUNABLES";
    const THP_MODE: &str = "/sys/kernel/mm/transparent_hugepage/enabled";
    /// Huge pages for the heap, which grows 64 MiB at a time (only the pages touched count), and
    /// one heap per core: each starts with a 2 MiB page, and glibc's default of eight per core gave
    /// the writer's sync threads one each (an L rewrite peaked at 70 MiB instead of 44).
    fn settings() -> String {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        format!("glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.arena_max={cores}")
    }

    pub(super) fn restart_with_huge_pages() {
        // Tunables of the user's own are left alone; after the restart the variable is set, so
        // this happens at most once.
        if std::env::var_os(TUNABLES).is_some()
            || !std::fs::read_to_string(THP_MODE).is_ok_and(|mode| mode.contains("[madvise]"))
        {
            return;
        }
        let Ok(executable) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut command = std::process::Command::new(executable);
        if let Some(name) = args.next() {
            command.arg0(name);
        }
        // `exec` returns only if it failed; promsite then runs as it is, without huge pages.
        let _ = command.args(args).env(TUNABLES, settings()).exec();
    }
}
