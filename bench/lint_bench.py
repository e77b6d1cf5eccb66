"""How fast is `postmortem lint` compared with the least any linter must do?

Generates a deterministic corpus (5,000 postmortems by default), then times,
in the same run and with the same interpreter:

  floor  one process that reads every file, parses its front matter
         (python-frontmatter) and tokenizes its body (markdown-it-py);
  lint   `postmortem lint` over the same knowledge base, output discarded.

Both are timed as whole processes (start-up included) and the best of
`--repeat` runs is kept. The verdict uses CPU time (user + system of the
child process), which other work on a shared machine disturbs far less
than wall time; both are printed. Lint must stay within 1.5x the floor;
the script exits 1 when the budget is blown.

    .venv/bin/python bench/lint_bench.py            # 5,000 files
    .venv/bin/python bench/lint_bench.py --count 500 --repeat 3
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import generate  # noqa: E402

BUDGET = 1.5

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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `command`."""
    cpu_before, start = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu_before
    # lint exits 1 when it finds errors (the corpus has broken files); 2 or a
    # traceback means the measurement is meaningless.
    if result.returncode not in (0, 1) or "Traceback" in result.stderr:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; the best is kept")
    args = parser.parse_args()

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as tmp:
        root = Path(tmp)
        (root / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
        folder = root / "postmortems"
        paths = generate(folder, args.count, args.seed, args.broken_ratio)
        size = sum(p.stat().st_size for p in paths)
        print(f"corpus: {len(paths)} postmortems, {size / len(paths) / 1024:.1f} KB average, seed {args.seed}")

        floors, lints = [], []
        for _ in range(args.repeat):
            floors.append(_timed([python, "-c", FLOOR, str(folder)]))
            lints.append(_timed([python, "-m", "postmortem_kb", "--root", str(root), "lint"], cwd=root))
    floor_wall, floor_cpu = min(floors)
    lint_wall, lint_cpu = min(lints)
    ratio = lint_cpu / floor_cpu
    per_file = 1000 / args.count
    print(f"floor (read + front matter + tokenize): {floor_cpu:.2f} s CPU, {floor_wall:.2f} s wall "
          f"({floor_cpu * per_file:.2f} ms/file)")
    print(f"postmortem lint:                        {lint_cpu:.2f} s CPU, {lint_wall:.2f} s wall "
          f"({lint_cpu * per_file:.2f} ms/file)")
    print(f"ratio lint/floor: {ratio:.2f}x CPU, {lint_wall / floor_wall:.2f}x wall (budget {BUDGET}x CPU)")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main())
