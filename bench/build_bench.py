"""How does our site build compare with a plain MkDocs build of the same postmortem files?

For each N (1,000 and 5,000 by default) a deterministic corpus is generated
(`generate_corpus`, 1% broken files by default) and built twice, in the same
run, with the venv's interpreter:

  baseline  a plain `mkdocs build` of the postmortem files themselves, copied
            into docs/postmortems/ with their front matter: mkdocs-material,
            its search plugin, postmortems out of the nav (explicit nav plus
            not_in_nav), no plugin of ours;
  ours      the knowledge base built through the `postmortems` plugin: every
            postmortem page, the tag, service, severity and year indexes,
            the action ledger, metrics with charts, API and feed.

Broken files: MkDocs cannot read a file that is not UTF-8, so the baseline
leaves those out (it keeps the other broken ones, whose front matter MkDocs
ignores). Ours reads every file and, with `on_load_error: warn` and a
non-strict build, lists the ones that cannot be loaded on a page of their
own, as a team that keeps broken files would configure it.

Each build runs in a child process; the figures are CPU time (user and
system, of the build's whole process tree: a build that hands work to
other processes pays for it here), peak memory (the summed resident memory
of that tree, with the largest single process beside it) and wall time,
which is printed but judged nowhere: on a machine with a spare core, work
moved to another process would look free. Runs alternate baseline/ours
and the best of `--repeat` is kept.

Budgets: CPU time within 1.15x of the baseline and peak memory within
1.3x, at every N; our 5,000 build's CPU time no more than 5.5 times our
1,000 one's. Exits 1 when one is missed.

    .venv/bin/python bench/build_bench.py                 # N = 1,000 and 5,000 (several minutes)
    .venv/bin/python bench/build_bench.py --counts 50     # a smoke run
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import Measurement, Report, bench_env, ensure_bytecode, measure  # noqa: E402
from generate_corpus import generate  # noqa: E402

CPU_BUDGET = 1.15
MEMORY_BUDGET = 1.3
SCALING_BUDGET = 5.5

COMMON = """\
site_name: Postmortems
theme:
  name: material
  font: false
extra:
  generator: false
markdown_extensions:
  - tables
  - admonition
  - attr_list
  - md_in_html
  - toc:
      permalink: true
"""

BASELINE = COMMON + """\
plugins:
  - search
nav:
  - Home: index.md
not_in_nav: |
  /postmortems/
"""

OURS = COMMON + """\
plugins:
  - search
  - postmortems:
      on_load_error: warn
nav:
  - Home: index.md
  - Tags: tags/index.md
  - Services: services/index.md
  - Severities: severities/index.md
  - Archive: archive/index.md
  - Action items: actions/index.md
  - Metrics: metrics/index.md
not_in_nav: |
  /postmortems/
  /tags/
  /services/
  /severities/
  /archive/
"""

HOME = "# Postmortems\n\nEvery incident we learn from.\n\n<!-- postmortems:latest -->\n"


def readable_by_mkdocs(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def make_sites(root: Path, count: int, seed: int, broken_ratio: float) -> tuple[Path, Path, int, int]:
    """(baseline folder, our knowledge base, files in ours, files in the baseline)."""
    ours = root / "ours"
    paths = generate(ours / "postmortems", count, seed, broken_ratio)
    (ours / "docs").mkdir(parents=True)
    (ours / "docs" / "index.md").write_text(HOME, encoding="utf-8")
    (ours / "mkdocs.yml").write_text(OURS, encoding="utf-8")
    (ours / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")

    baseline = root / "baseline"
    (baseline / "docs" / "postmortems").mkdir(parents=True)
    (baseline / "docs" / "index.md").write_text(HOME.replace("<!-- postmortems:latest -->\n", ""), encoding="utf-8")
    (baseline / "mkdocs.yml").write_text(BASELINE, encoding="utf-8")
    copied = 0
    for path in paths:
        if readable_by_mkdocs(path):
            shutil.copy(path, baseline / "docs" / "postmortems" / path.name)
            copied += 1
    return baseline, ours, len(paths), copied


def build(folder: Path, site: Path) -> Measurement:
    shutil.rmtree(site, ignore_errors=True)
    result = measure([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=folder,
                     env=bench_env())
    if result.returncode != 0 or "Traceback" in result.stderr:
        raise SystemExit(f"mkdocs build in {folder} failed ({result.returncode}):\n{result.stderr}")
    return result


def best_of(runs: list[Measurement]) -> Measurement:
    """The lowest of each figure: noise (other work on a shared machine) only ever adds."""
    return Measurement(min(r.wall for r in runs), min(r.cpu for r in runs), min(r.peak_tree_mb for r in runs),
                       min(r.maxrss_mb for r in runs))


def row(label: str, run: Measurement) -> str:
    return (f"  {label:<9} cpu {run.cpu:7.2f} s   peak memory {run.peak_tree_mb:7.1f} MB "
            f"(largest process {run.maxrss_mb:.1f} MB)   wall {run.wall:7.2f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=1, help="builds of each; the best is kept")
    args = parser.parse_args()
    ensure_bytecode()

    report = Report("build bench")
    ours_cpu: dict[int, float] = {}
    for count in args.counts:
        with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp:
            baseline_dir, ours_dir, files, copied = make_sites(Path(tmp), count, args.seed, args.broken_ratio)
            print(f"N = {count}: {files} postmortem files ({files - copied} not UTF-8, left out of the baseline)")
            baseline_runs, ours_runs = [], []
            for _ in range(args.repeat):
                baseline_runs.append(build(baseline_dir, Path(tmp) / "site-baseline"))
                ours_runs.append(build(ours_dir, Path(tmp) / "site-ours"))
            baseline, ours = best_of(baseline_runs), best_of(ours_runs)
        print(row("baseline", baseline))
        print(row("ours", ours))
        cpu = ours.cpu / baseline.cpu
        memory = ours.peak_tree_mb / baseline.peak_tree_mb
        print(f"  ratio ours/baseline: cpu {cpu:.2f}x, peak memory {memory:.2f}x "
              f"(largest process {ours.maxrss_mb / baseline.maxrss_mb:.2f}x), wall {ours.wall / baseline.wall:.2f}x")
        report.check(f"N={count} CPU time ours/baseline", cpu, CPU_BUDGET)
        report.check(f"N={count} peak memory ours/baseline", memory, MEMORY_BUDGET)
        ours_cpu[count] = ours.cpu
    if 1000 in ours_cpu and 5000 in ours_cpu:
        scaling = ours_cpu[5000] / ours_cpu[1000]
        print(f"scaling: ours at 5,000 took {scaling:.2f}x the CPU time of ours at 1,000 (linear would be 5x)")
        report.check("CPU time ours 5,000 / ours 1,000", scaling, SCALING_BUDGET)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
