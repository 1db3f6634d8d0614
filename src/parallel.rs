//! One way to spread independent work over threads, for the pure stages (sites, PromQL) and the
//! writer's syncs alike. Results keep the order of the items, so output never depends on timing.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The cores this process may use.
pub(crate) fn cores() -> usize {
    // Asked once: the answer reads the cgroup files on every call.
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
}

/// `items.iter().map(|item| f(&mut state, item))` on up to `threads` threads, each with its own
/// `state` from `init` (a cache, say). Each thread takes the next item until none is left, so one
/// slow item does not hold up the rest. A panic in `f` is re-raised here: it is a promsite bug.
pub(crate) fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    threads: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(items.len());
    if threads <= 1 {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break done };
            done.push((i, f(&mut state, item)));
        }
    };
    // The calling thread works too: one thread fewer to start, and it keeps its own allocator
    // arena (with huge pages glibc has one per core, and a third thread shares one, lock and all).
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut results = work();
        for worker in workers {
            results.extend(worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        results
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, result)| result).collect()
}

/// How many threads to give `items` pieces of work: one below `parallel_from`, where starting
/// threads costs more than they save, every core from there.
pub(crate) fn threads_for(items: usize, parallel_from: usize) -> usize {
    if items < parallel_from { 1 } else { cores() }
}

/// [`map_with`] without per-thread state, on every core.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_with(items, cores(), || (), |(), item| f(item))
}

/// Whether this is the `promsite` process, which ends when its command does ([`crate::run_as_process`]).
static PROCESS_ENDS_WITH_COMMAND: AtomicBool = AtomicBool::new(false);

/// Whether this is the `promsite` process, which ends when its command does.
pub(crate) fn process_ends_with_this_command() -> bool {
    PROCESS_ENDS_WITH_COMMAND.load(Ordering::Relaxed)
}

/// Marks this process as one that ends when its command does.
pub(crate) fn process_ends_with_command() {
    PROCESS_ENDS_WITH_COMMAND.store(true, Ordering::Relaxed);
}

/// Frees `value` on a thread of its own: freeing a large site's trees costs the main thread
/// milliseconds that nothing waits for. In the `promsite` process, which is about to end, it is
/// not freed at all: the system reclaims the memory at once (freeing a large site took 4% of a
/// check, and a thread to do it takes time to start).
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    if process_ends_with_this_command() {
        std::mem::forget(value);
        return;
    }
    // Without a thread, the closure and the value in it are freed here.
    let _ = std::thread::Builder::new()
        .name("promsite-drop".into())
        .spawn(move || drop(value));
}

/// Frees `value` here, or, in the `promsite` process, which is about to end, not at all: for what
/// borrows and cannot move to another thread (see [`drop_in_background`]).
pub(crate) fn drop_unless_exiting<T>(value: T) {
    if process_ends_with_this_command() {
        std::mem::forget(value);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        for threads in [1, 2, 7] {
            assert_eq!(
                super::map_with(
                    &items,
                    threads,
                    || 0,
                    |seen, n| {
                        *seen += 1;
                        n * 2
                    }
                ),
                items.iter().map(|n| n * 2).collect::<Vec<_>>()
            );
        }
    }
}
