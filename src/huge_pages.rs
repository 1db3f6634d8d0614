//! A fifth of compiling a large site went into page faults on freshly allocated memory. glibc's
//! allocator avoids most of them when it backs its heap with transparent huge pages and grows it
//! in large steps, but it reads those settings only from `GLIBC_TUNABLES`, at start-up. Where the
//! kernel gives huge pages only on request (`madvise`, the usual default), the `promsite` process
//! therefore replaces itself, in the same process, with them set, once it has found its input
//! large (from the site files' sizes before reading them, or from all it read, rule files too):
//! the restart costs about 1.6 ms (the binary is loaded twice), which a small site does not earn
//! back (the seed site and a 146 KB site with 200 rules checked faster without it,
//! a 1.4 MB site with 2,000 rules 10 ms faster with it). An L site with its output current
//! compiled in 45 ms instead of 58, with 44 MiB at its peak (mimalloc, the allocator before, was
//! as fast with huge pages but peaked at 54 MiB).

/// Input (site files and the files they name) from which the restart pays.
pub(crate) const LARGE_INPUT_BYTES: usize = 512 * 1024;

/// Restarts the `promsite` process with huge pages if its input of `bytes` is large; returns
/// where it does not (a small input, a library caller, tunables of the user's own, a kernel that
/// gives huge pages to every process anyway or to none, or a failed `exec`). Call it before any
/// output or file write: the restarted process does everything again.
pub(crate) fn restart_for_input(bytes: usize) {
    if bytes >= LARGE_INPUT_BYTES && crate::parallel::process_ends_with_this_command() {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        restart();
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn restart() {
    use std::os::unix::process::CommandExt as _;
    const TUNABLES: &str = "GLIBC_TUNABLES";
    const THP_MODE: &str = "/sys/kernel/mm/transparent_hugepage/enabled";
    // Tunables of the user's own are left alone; after the restart the variable is set, so this
    // happens at most once.
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
    // Huge pages for the heap, which grows 64 MiB at a time (only the pages touched count), and
    // one heap per core: each starts with a 2 MiB page, and glibc's default of eight per core gave
    // the writer's threads one each (an L rewrite peaked at 70 MiB instead of 44).
    let settings = format!(
        "glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864:glibc.malloc.arena_max={}",
        crate::parallel::cores()
    );
    // `exec` returns only if it failed; promsite then goes on as it is, without huge pages.
    let _ = command.args(args).env(TUNABLES, settings).exec();
}
