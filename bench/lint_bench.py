"""How fast is `postmortem lint` compared with the least any linter must do?

Generates a deterministic corpus (5,000 postmortems, 1% of them broken, by
default) and times, in the same run and with the same interpreter, whole
processes (start-up included):

  floor        one process that reads every file, parses its front matter
               (python-frontmatter) and tokenizes its body (markdown-it-py);
  read floor   one process that reads every file and parses its front matter;
  cold         `postmortem lint --jobs 1` with an empty cache: one process;
  jobs         `postmortem lint` with an empty cache: a process per core;
  cached       `postmortem lint` again over the unchanged files.

Budgets: cold within 1.2x the floor (CPU time: user + system, which other
work on a shared machine disturbs far less than wall time); jobs faster than
the floor (wall time, which is what parallel work saves); cached within 2x
the read floor (wall time). Output is discarded; the best of `--repeat`
runs is kept. The cold budget is judged on the median of paired ratios:
each repeat runs the floor and then lint at once, so a stretch of slow
machine (shared hosts drift by a fifth over minutes) weighs on both sides
of one ratio, instead of a lucky floor and an unlucky lint, or the reverse,
deciding it. Exits 1 when a budget is missed.

    .venv/bin/python bench/lint_bench.py            # 5,000 files
    .venv/bin/python bench/lint_bench.py --count 500 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import Measurement, Report, bench_env, cores, ensure_bytecode, measure  # noqa: E402
from generate_corpus import generate  # noqa: E402

COLD_BUDGET = 1.2
JOBS_BUDGET = 1.0
CACHED_BUDGET = 2.0

FLOOR = """
import sys
from pathlib import Path
import frontmatter
from markdown_it import MarkdownIt

md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
tokens = 0
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        post = frontmatter.loads(text)
        body = post.content
    except Exception:
        body = text
    tokens += len(md.parse(body))
print(tokens)
"""

READ_FLOOR = """
import sys
from pathlib import Path
import frontmatter

keys = 0
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    text = path.read_bytes().decode("utf-8", errors="replace")
    try:
        keys += len(frontmatter.loads(text).metadata)
    except Exception:
        pass
print(keys)
"""


def run(command: list[str], cwd: Path | None = None) -> Measurement:
    result = measure(command, cwd=cwd, env=bench_env())
    # lint exits 1 when it finds errors (the corpus has broken files); 2 or a
    # traceback means the measurement is meaningless.
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return result


def line(label: str, run_: Measurement, files: int) -> str:
    return (f"  {label:<34} {run_.cpu:6.2f} s CPU  {run_.wall:6.2f} s wall  "
            f"({run_.cpu * 1000 / files:.2f} ms CPU/file)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    args = parser.parse_args()
    ensure_bytecode()

    python = sys.executable
    runs: dict[str, list[Measurement]] = {"floor": [], "read": [], "cold": [], "jobs": [], "cached": []}
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as tmp:
        root = Path(tmp)
        (root / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
        folder = root / "postmortems"
        paths = generate(folder, args.count, args.seed, args.broken_ratio)
        size = sum(p.stat().st_size for p in paths)
        print(f"corpus: {len(paths)} postmortems, {size / len(paths) / 1024:.1f} KB average, seed {args.seed}, "
              f"{args.broken_ratio:.0%} broken; {cores()} cores")
        lint = [python, "-m", "postmortem_kb", "--root", str(root), "lint"]
        cache = root / ".postmortem-cache"
        for _ in range(args.repeat):
            runs["floor"].append(run([python, "-c", FLOOR, str(folder)]))
            shutil.rmtree(cache, ignore_errors=True)
            runs["cold"].append(run([*lint, "--jobs", "1"], cwd=root))  # right after its floor: a pair
            runs["read"].append(run([python, "-c", READ_FLOOR, str(folder)]))
            shutil.rmtree(cache, ignore_errors=True)
            runs["jobs"].append(run(lint, cwd=root))
            runs["cached"].append(run(lint, cwd=root))

    # The floor and the one-process cold run are judged on CPU time, the
    # runs that use several processes or a cache on wall time.
    best = {name: min(found, key=lambda r: r.cpu if name in ("floor", "cold") else r.wall)
            for name, found in runs.items()}
    floor_cpu, floor_wall = best["floor"].cpu, min(r.wall for r in runs["floor"])
    read_wall = best["read"].wall
    files = len(paths)
    print(line("floor (read + front matter + tokenize)", best["floor"], files))
    print(line("read floor (read + front matter)", best["read"], files))
    print(line("lint --jobs 1, cold cache", best["cold"], files))
    print(line(f"lint (--jobs {cores()}), cold cache", best["jobs"], files))
    print(line("lint again, unchanged files (cache)", best["cached"], files))
    best_cold = best["cold"].cpu / floor_cpu
    cold = statistics.median(c.cpu / f.cpu for f, c in zip(runs["floor"], runs["cold"]))
    print(f"lint --jobs 1 cold / floor, CPU: {cold:.2f}x, median of {len(runs['cold'])} paired runs "
          f"({', '.join(f'{c.cpu / f.cpu:.2f}' for f, c in zip(runs['floor'], runs['cold']))}); "
          f"best against best {best_cold:.2f}x")
    jobs = best["jobs"].wall / floor_wall
    cached = best["cached"].wall / read_wall
    print(f"ratio cold/floor: {cold:.2f}x CPU, paired median (budget {COLD_BUDGET}x); jobs/floor: {jobs:.2f}x wall "
          f"(budget under {JOBS_BUDGET}x); cached/read floor: {cached:.2f}x wall (budget {CACHED_BUDGET}x)")
    report = Report("lint bench")
    report.check("lint --jobs 1 cold / floor (CPU, median of paired runs)", cold, COLD_BUDGET)
    report.check("lint with jobs, cold / floor (wall)", jobs, JOBS_BUDGET)
    report.check("lint cached / read floor (wall)", cached, CACHED_BUDGET)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
