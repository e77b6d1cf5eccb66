"""How soon does a saved postmortem show in the live preview, against plain `mkdocs serve`?

For each N (1,000 and 5,000 by default) the corpus of build_bench is made
(the same postmortems as our knowledge base, and copied into a plain MkDocs
site), and each is served the way the README serves it: the command line
of `make serve` (read from the Makefile), on a free local port. Once the
first build is served, one postmortem is edited `--edits` times: a new
sentence and a new tag each time. The clock starts as the file is written
and stops when, polling over HTTP, the postmortem's page shows the sentence
and the new tag's page lists the postmortem. Plain MkDocs has no tag pages;
it is timed to the sentence alone, beside ours.

Budget: the median edit shows within 1.5 s at 1,000 postmortems and 2 s at
5,000 (no budget at other sizes). Exits 1 when one is missed.

    .venv/bin/python bench/preview_bench.py                  # N = 1,000 and 5,000 (several minutes)
    .venv/bin/python bench/preview_bench.py --counts 30      # a smoke run
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import Report, bench_env, ensure_bytecode  # noqa: E402
from build_bench import make_sites  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BUDGETS = {1000: 1.5, 5000: 2.0}
POLL_SECONDS = 0.05
FIRST_BUILD_TIMEOUT = 1800
EDIT_TIMEOUT = 300


def serve_arguments(makefile: Path = REPO / "Makefile") -> list[str]:
    """The arguments `make serve` gives `mkdocs` (after `mkdocs`), with the address left out."""
    text = makefile.read_text(encoding="utf-8")
    recipe = re.search(r"^serve:.*\n((?:\t.*\n)+)", text, re.M)
    if recipe is None:
        raise SystemExit(f"{makefile}: no `serve` target")
    for line in recipe.group(1).splitlines():
        words = shlex.split(line.strip())
        if words and words[0].endswith("mkdocs"):
            arguments, skip = [], False
            for word in words[1:]:
                if skip:
                    skip = False
                elif word in ("--dev-addr", "-a"):
                    skip = True
                else:
                    arguments.append(word)
            return arguments
    raise SystemExit(f"{makefile}: the `serve` target runs no mkdocs command")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=EDIT_TIMEOUT) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Served:
    """One `mkdocs serve` process and what it took."""

    folder: Path
    arguments: list[str]
    port: int = field(default_factory=free_port)
    first_build: float = 0.0

    def __post_init__(self) -> None:
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = tempfile.TemporaryFile()
        command = [sys.executable, "-m", "mkdocs", *self.arguments, "--dev-addr", f"127.0.0.1:{self.port}"]
        started = time.perf_counter()
        self.process = subprocess.Popen(command, cwd=self.folder, env=bench_env(), stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=interruptible)
        while fetch(self.url) is None:
            if self.process.poll() is not None or time.perf_counter() - started > FIRST_BUILD_TIMEOUT:
                self.stop()
                raise SystemExit(f"mkdocs serve in {self.folder} did not come up:\n{self.output()}")
            time.sleep(0.2)
        self.first_build = time.perf_counter() - started
        time.sleep(1.0)  # the file watcher starts after the first build

    def time_edit(self, path: Path, text: str, shown: list[tuple[str, str]]) -> float:
        """Seconds from writing `text` to `path` until every (page, needle) of `shown` is served."""
        started = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        waiting = list(shown)
        while waiting:
            page, needle = waiting[0]
            body = fetch(self.url + page)
            if body is not None and needle in body:
                waiting.pop(0)
                continue
            if self.process.poll() is not None or time.perf_counter() - started > EDIT_TIMEOUT:
                raise SystemExit(f"{self.url}{page} never showed {needle!r}:\n{self.output()}")
            time.sleep(POLL_SECONDS)
        elapsed = time.perf_counter() - started
        time.sleep(1.0)  # let the watcher and the rebuild settle before the next edit
        return elapsed

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")[-3000:]

    def stop(self) -> None:
        """Ctrl-C, as a person stops it (mkdocs removes its temporary site); harder only if that fails."""
        for stop_signal, grace in ((signal.SIGINT, 30), (signal.SIGTERM, 10), (signal.SIGKILL, None)):
            if self.process.poll() is not None:
                break
            os.killpg(self.process.pid, stop_signal)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                continue
        self.log.close()


def interruptible() -> None:
    """In the server's process: Ctrl-C works even when this bench runs as a background job (which ignores it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def editable(paths: list[Path]) -> Path:
    """A postmortem in the middle of the corpus that loads cleanly (the corpus has broken ones)."""
    for path in paths[len(paths) // 2:] + paths:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if text.count("\n---\n") >= 1 and "\ntags: [" in text and "\n## Summary\n\n" in text:
            return path
    raise SystemExit("no editable postmortem in the corpus")


def edited(text: str, token: str) -> str:
    """The postmortem with a new sentence in its summary and a new tag."""
    return (text.replace("\n## Summary\n\n", f"\n## Summary\n\nPreview check {token} was here.\n\n", 1)
            .replace("\ntags: [", f"\ntags: [preview-{token}, ", 1))


def run(served: Served, path: Path, page: str, edits: int, with_tag: bool) -> list[float]:
    original = path.read_text(encoding="utf-8")
    times = []
    try:
        for number in range(edits):
            token = f"zq{number}x{int(time.time())}"
            shown = [(page, f"Preview check {token} was here.")]
            if with_tag:
                shown.append((f"tags/preview-{token}/", f'href="../../{page}"'))
            times.append(served.time_edit(path, edited(original, token), shown))
    finally:
        path.write_text(original, encoding="utf-8")
    return times


def describe(times: list[float]) -> str:
    return f"median {statistics.median(times):5.2f} s  (each: {', '.join(f'{t:.2f}' for t in times)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    parser.add_argument("--edits", type=int, default=3, help="edits timed at each size")
    args = parser.parse_args()
    ensure_bytecode()
    arguments = serve_arguments()
    print(f"served as `make serve` does: mkdocs {' '.join(arguments)} --dev-addr 127.0.0.1:<port>")

    report = Report("preview bench")
    for count in args.counts:
        with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
            baseline_dir, ours_dir, files, _ = make_sites(Path(tmp), count, args.seed, args.broken_ratio)
            path = editable(sorted((ours_dir / "postmortems").glob("*.md")))
            page = f"postmortems/{path.stem}/"
            print(f"N = {count}: editing {path.name} (a sentence and a new tag, {args.edits} times)")
            results = {}
            for label, folder, target, with_tag in (
                ("ours", ours_dir, path, True),
                ("plain", baseline_dir, baseline_dir / "docs" / "postmortems" / path.name, False),
            ):
                served = Served(folder, arguments)
                try:
                    results[label] = run(served, target, page, args.edits, with_tag)
                finally:
                    served.stop()
                shows = "page and new tag page" if with_tag else "page (plain MkDocs has no tag pages)"
                print(f"  {label:<6} first build {served.first_build:6.1f} s; edit shown on {shows}: "
                      f"{describe(results[label])}")
        median = statistics.median(results["ours"])
        if count in BUDGETS:
            report.check(f"N={count} edit shown (median)", median, BUDGETS[count], unit=" s")
        else:
            print(f"  (no budget at N={count}; budgets at {', '.join(str(n) for n in BUDGETS)})")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
