#!/usr/bin/env python3
"""Whole-process measurements of the performance targets (issue #19, docs/performance.md).

Runs the release binary as a user would and prints one Markdown table: the median wall time of N
runs (and the largest peak RSS) for each target, and `promsite check` side by side with
`promtool check rules` on the same rule files. The divan benchmarks (`cargo bench`) measure the
stages inside one process; this measures what a user waits for.

    cargo build --release
    python3 benches/targets.py                # 9 runs per row (3 for the 50,000-rule site)
    python3 benches/targets.py --runs 21

Environment: PROMSITE (default target/release/promsite), PROMSITE_SYNTH (the binary that generates
the synthetic sites; default PROMSITE), PROMSITE_PROMTOOL (default `promtool`).
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "rule-corpus" / "accepted"
# kube-prometheus' default stack has about 250 rules: the corpus plus realistic synthetic rules.
KUBE_PROMETHEUS_SIZED = 250


def run(cmd, before=None, expect_failure=False):
    """Wall seconds and peak RSS (KiB) of one process; `before` runs first, untimed. `cmd` is the
    command, or a function that returns the next one."""
    if before:
        before()
    if callable(cmd):
        cmd = cmd()
    # stderr goes to a file, not a pipe: a pipe that is read only at the end slowed short runs by
    # milliseconds.
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if (code != 0) != expect_failure:
            stderr.seek(0)
            sys.exit(f"exit status {code}, expected {'a failure' if expect_failure else 0}: {' '.join(map(str, cmd))}\n{stderr.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss


def measure(runs, cmd, before=None, expect_failure=False):
    samples = [run(cmd, before, expect_failure) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def alternate(runs, first, second):
    """Medians of two commands run alternately, so that both see the same host."""
    a, b = [], []
    for _ in range(runs):
        a.append(run(first)[0])
        b.append(run(second)[0])
    return statistics.median(a), statistics.median(b)


def ms(seconds):
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def mib(kib):
    return f"{kib / 1024:.0f} MiB"


def synth(promsite, size, path):
    # An older binary may lack a size: PROMSITE_SYNTH names the one that generates the sites.
    generator = os.environ.get("PROMSITE_SYNTH", promsite)
    path.write_text(subprocess.run([generator, "synth", size, "--rules", "realistic"], check=True,
                                   capture_output=True, text=True).stdout)
    return path


def break_last_expressions(site, path, count):
    """`site` with its last `count` expressions opened by an unclosed `sum((`: errors to print near
    the end of a large file, where printing each one used to read the file from its start."""
    text = site.read_text()
    at = len(text)
    for _ in range(count):
        at = text.rfind("expr = '", 0, at)
        if at < 0:
            sys.exit(f"fewer than {count} single-quoted expr lines in {site}")
        text = text[:at] + "expr = 'sum((" + text[at + len("expr = '"):]
    path.write_text(text)
    return path


def one_rule_changer(site):
    """Before each run, wraps or unwraps the first rule's expression in parentheses: one rule changes."""
    original = site.read_text()
    match = re.search(r"^expr = '(.*)'$", original, re.MULTILINE)
    if not match:
        sys.exit(f"no single-quoted expr line in {site}")
    changed = original[: match.start(1)] + "(" + match.group(1) + ")" + original[match.end(1):]
    state = {"changed": False}

    def flip():
        state["changed"] = not state["changed"]
        site.write_text(changed if state["changed"] else original)

    return flip


def synthetic_rule_files(site_toml, count, directory, per_file=1000):
    """The first `count` rules of a synthetic site as Prometheus rule files of `per_file` rules, in
    block YAML as people write them (JSON, which is YAML too, without PyYAML); the site file
    itself may not exceed 16 MiB."""
    import json
    import tomllib

    try:
        import yaml
    except ImportError:
        yaml = None

    groups, left = [], count
    for group in tomllib.loads(site_toml.read_text())["rule_groups"]:
        if left <= 0:
            break
        rules = group["rules"][:left]
        left -= len(rules)
        groups.append({"name": group["name"], "rules": rules})
    per_group = max(1, len(groups[0]["rules"])) if groups else 1
    chunk = max(1, per_file // per_group)
    for i in range(0, len(groups), chunk):
        document = {"groups": groups[i:i + chunk]}
        text = yaml.safe_dump(document, sort_keys=False, width=1 << 16) if yaml else json.dumps(document, indent=1)
        (directory / f"synthetic-{i // chunk:03}.yml").write_text(text)


SITE_WITH_RULE_FILES = """rule_files = ["rules/*.yml"]

[site]
name = "NAME"

[route]
receiver = "team"

[[receivers]]
name = "team"
email = [{ to = "team@example.com" }]

[alertmanager.smtp]
smarthost = "smtp.example.com:25"
from = "alertmanager@example.com"

[default_rules]
enabled = false
"""


def rule_files_site(promsite, work, name, size, count, with_corpus=False):
    """A site in its own directory whose rules are rule files: the corpus (if asked) and realistic
    synthetic rules up to `count` rules in all."""
    home = work / name
    rules = home / "rules"
    rules.mkdir(parents=True)
    if with_corpus:
        for f in sorted(CORPUS.glob("*.yml")):
            shutil.copy(f, rules / f.name)
    have = count_rules(sorted(rules.glob("*.yml")))
    synthetic_rule_files(synth(promsite, size, work / f"{name}-source.toml"), max(0, count - have), rules)
    site = home / "site.toml"
    site.write_text(SITE_WITH_RULE_FILES.replace("NAME", name))
    files = sorted(rules.glob("*.yml"))
    return site, files, count_rules(files)


def count_rules(paths):
    pattern = re.compile(r"^\s*-?\s*[\"']?(alert|record)[\"']?\s*:", re.MULTILINE)
    return sum(len(pattern.findall(p.read_text())) for p in paths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    promsite = os.environ.get("PROMSITE", str(ROOT / "target" / "release" / "promsite"))
    promtool = os.environ.get("PROMSITE_PROMTOOL", "promtool")
    if not Path(promsite).exists():
        sys.exit(f"{promsite} is missing: run `cargo build --release` first")
    n = args.runs
    rows = []
    with tempfile.TemporaryDirectory(prefix="promsite-targets-") as tmp:
        work = Path(tmp)
        out = work / "out"
        fresh = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
        # "Into an empty out/" is an output directory never used before, as on a fresh clone: on
        # the development machine's ext4, creating files right after deleting many (the previous
        # run's out/) costs two to four times as much (the last row measures that case).
        unused = (work / f"out-{k}" for k in range(1_000_000))
        compile_into_unused = lambda site: lambda: [promsite, "compile", site, "-o", next(unused)]  # noqa: E731
        seed = ROOT / "sites" / "example.toml"
        large = synth(promsite, "l", work / "l.toml")

        t, rss = measure(n, [promsite, "check", large])
        rows.append(("realistic L: `check`", "< 30 ms", ms(t), mib(rss)))
        # A diagnostic's span builds the span index that a site without any never pays for: the
        # case that shortcut does not cover.
        warned, header = work / "l-warning.toml", "\n[prometheus]\n"
        if header not in large.read_text():
            sys.exit(f"no [prometheus] table in {large}")
        warned.write_text(large.read_text().replace(header, header + "admin_api = true\n", 1))
        t, rss = measure(n, [promsite, "check", warned])
        rows.append(("realistic L with one warning: `check` (no goal)", "", ms(t), mib(rss)))
        broken = break_last_expressions(large, work / "l-broken.toml", 40)
        t, rss = measure(n, [promsite, "check", broken], expect_failure=True)
        rows.append(("realistic L with 40 broken rules near its end: `check` (no goal)", "", ms(t), mib(rss)))
        t, rss = measure(n, compile_into_unused(large))
        rows.append(("realistic L: `compile` into an empty `out/`", "< 50 ms", ms(t), mib(rss)))
        run([promsite, "compile", large, "-o", out])
        t, rss = measure(n, [promsite, "compile", large, "-o", out], before=one_rule_changer(large))
        rows.append(("realistic L: `compile` after a one-rule change", "< 50 ms", ms(t), mib(rss)))

        t, rss = measure(n, [promsite, "check", seed])
        rows.append(("seed: `check`", "< 5 ms", ms(t), mib(rss)))
        t, rss = measure(n, compile_into_unused(seed))
        rows.append(("seed: `compile` into an empty `out/`", "< 10 ms", ms(t), mib(rss)))
        t, _ = measure(n, [promsite, "compile", seed, "-o", out], before=fresh)
        after_removal = ("seed: `compile` right after `rm -r out/` (ext4's slow case, no goal)", "", ms(t), "")

        # The same fresh compiles on tmpfs: promsite's own cost without the disk's.
        shm = Path("/dev/shm")
        if shm.is_dir() and os.access(shm, os.W_OK):
            with tempfile.TemporaryDirectory(prefix="promsite-targets-", dir=shm) as memory:
                in_memory = Path(memory) / "out"
                again = lambda: shutil.rmtree(in_memory, ignore_errors=True)  # noqa: E731
                for name, goal, path in (("realistic L", "< 50 ms", large), ("seed", "< 10 ms", seed)):
                    t, rss = measure(n, [promsite, "compile", path, "-o", in_memory], before=again)
                    rows.append((f"{name}: `compile` into an empty `out/` on tmpfs", goal, ms(t), mib(rss)))

        site, files, count = rule_files_site(promsite, work, "kube-prometheus-sized", "m", KUBE_PROMETHEUS_SIZED,
                                             with_corpus=True)
        ours, theirs = alternate(n, [promsite, "check", site], [promtool, "check", "rules", *files])
        rows.append((f"{count} rules in {len(files)} files: `promsite check` / `promtool check rules`",
                     ">= 5x faster", f"{ms(ours)} / {ms(theirs)} = {theirs / ours:.1f}x", ""))

        # 50,000 rules do not fit in one site file (16 MiB at most): they come as rule files, and
        # growth is measured against 2,000 rules read the same way.
        site, _, _ = rule_files_site(promsite, work, "rules-2k", "l", 2_000)
        small = measure(n, [promsite, "check", site])[0]
        site, _, count = rule_files_site(promsite, work, "rules-50k", "xxl", 50_000)
        t, rss = measure(max(3, n // 3), [promsite, "check", site])
        rows.append((f"{count:,} realistic rules in rule files: `check`", "< 2 s", ms(t), mib(rss)))
        rows.append(("the same with 2,000 rules: 25x the rules take", "linear", f"{t / small:.1f}x the time "
                     f"({ms(small)})", ""))
        rows.append(after_removal)

    load = os.getloadavg()[0]
    print(f"Medians of {n} runs ({max(3, n // 3)} for 50,000 rules); load average {load:.1f} on "
          f"{os.cpu_count()} cores; {promtool} {promtool_version(promtool)}.\n")
    print("| target | goal | measured | peak RSS |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def promtool_version(promtool):
    try:
        text = subprocess.run([promtool, "--version"], capture_output=True, text=True).stdout
    except OSError:
        return "(missing)"
    found = re.search(r"version (\S+)", text)
    return found.group(1) if found else "(unknown version)"


if __name__ == "__main__":
    main()
