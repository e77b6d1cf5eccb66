"""How fast does the CLI start, compared with an interpreter that only imports click?

Times, with the venv's own interpreter and its `postmortem` script:

  baseline  `python -c "import click"`;
  help      `postmortem --help`                       (budget 1.5x the baseline);
  new       `postmortem new "..." --no-input --severity SEV2 --tag bench
            --author bench` in a throw-away knowledge base, writing a new
            postmortem (dated today) each run          (budget 2.5x).

The package's bytecode is compiled first, as installing it does.

Each command runs `--runs` times, interleaved with the others so that a
busy moment of the machine falls on all of them; the median wall time is
compared. Exits 1 when a budget is missed.

    .venv/bin/python bench/startup_bench.py
    .venv/bin/python bench/startup_bench.py --runs 5      # a smoke run
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import Report, bench_env, ensure_bytecode, median  # noqa: E402

HELP_BUDGET = 1.5
NEW_BUDGET = 2.5


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=bench_env())
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    ensure_bytecode()

    python = Path(sys.executable)
    script = python.parent / "postmortem"
    if not script.is_file():
        raise SystemExit(f"{script} not found: install the package into this interpreter's environment")
    times: dict[str, list[float]] = {"baseline": [], "help": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        root = Path(tmp)
        (root / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
        (root / "postmortems").mkdir()
        commands = {
            "baseline": lambda n: [str(python), "-c", "import click"],
            "help": lambda n: [str(script), "--help"],
            "new": lambda n: [str(script), "new", f"Start-up bench incident {n + 1}", "--no-input", "--severity", "SEV2",
                              "--tag", "bench", "--author", "bench"],
        }
        for name, command in commands.items():  # warm the disk cache once (incident 0)
            timed(command(-1), root)
        for n in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command(n), root))

    baseline = median(times["baseline"])
    report = Report("start-up bench")
    print(f"{args.runs} runs each, median wall time, {python}")
    print(f"  python -c 'import click'     {baseline * 1000:7.1f} ms   (baseline)")
    for name, label, budget in (("help", "postmortem --help", HELP_BUDGET),
                                ("new", "postmortem new --no-input", NEW_BUDGET)):
        value = median(times[name])
        print(f"  {label:<28} {value * 1000:7.1f} ms   {value / baseline:.2f}x")
        report.check(f"{label} / import click", value / baseline, budget)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
