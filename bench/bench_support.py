"""What every benchmark here shares: run a command and measure it, compare with a baseline, judge a budget.

`measure` runs one command as a child process and reports its wall time,
its CPU time (user + system, its own children included, so work handed to
another process is counted), the peak of the summed resident memory of its
whole process tree (sampled from /proc, so any child counts as much as the
main process), and the largest single process's peak (`ru_maxrss` from the
kernel). Each command runs under a
fresh wrapper process (this file, run as a script), because RUSAGE_CHILDREN
reports the maximum over every child a process has ever waited for.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
SAMPLE_SECONDS = 0.05


@dataclass
class Measurement:
    wall: float  # seconds
    cpu: float  # seconds, user + system, children included
    peak_tree_mb: float  # peak of the summed RSS of the process and its descendants
    maxrss_mb: float  # the largest single process's peak RSS
    returncode: int = 0
    stderr: str = ""


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def _rss_pages(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_mb(pid: int) -> float:
    """The summed resident memory of `pid` and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_pages(current)
        todo.extend(_children(current))
    return total * PAGE / 1_048_576


def _run_and_sample(command: list[str], cwd: str | None, env: dict | None) -> dict:
    """In the wrapper process: run `command`, sample its tree, report as a dict."""
    peak = 0.0
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: stderr_chunks.append(child.stderr.read()), daemon=True)
    reader.start()
    while child.poll() is None:
        peak = max(peak, tree_rss_mb(child.pid))
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    reader.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_tree_mb": peak,
        "maxrss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "returncode": child.returncode,
        "stderr": b"".join(stderr_chunks).decode("utf-8", "replace")[-4000:],
    }


def measure(command: list[str], cwd: Path | None = None, env: dict | None = None) -> Measurement:
    """Run `command` under a fresh wrapper process and measure it."""
    request = json.dumps({"command": command, "cwd": str(cwd) if cwd else None, "env": env})
    result = subprocess.run([sys.executable, __file__], input=request, capture_output=True, text=True, check=True)
    data = json.loads(result.stdout)
    # The sampler can miss a peak shorter than its interval; the kernel's
    # single-process peak is exact, and the tree is at least that.
    data["peak_tree_mb"] = max(data["peak_tree_mb"], data["maxrss_mb"])
    return Measurement(**data)


@dataclass
class Verdict:
    name: str
    value: float
    budget: float
    # "max": value must be <= budget; "min": value must be >= budget
    kind: str = "max"
    unit: str = "x"

    @property
    def ok(self) -> bool:
        return self.value <= self.budget if self.kind == "max" else self.value >= self.budget

    def line(self) -> str:
        relation = "<=" if self.kind == "max" else ">="
        return (f"{'ok  ' if self.ok else 'MISS'} {self.name}: {self.value:.2f}{self.unit} "
                f"(budget {relation} {self.budget}{self.unit})")


@dataclass
class Report:
    title: str
    verdicts: list[Verdict] = field(default_factory=list)

    def check(self, name: str, value: float, budget: float, kind: str = "max", unit: str = "x") -> Verdict:
        verdict = Verdict(name, value, budget, kind, unit)
        self.verdicts.append(verdict)
        return verdict

    def finish(self) -> int:
        print(f"-- {self.title}: verdicts")
        for verdict in self.verdicts:
            print("   " + verdict.line())
        missed = [v for v in self.verdicts if not v.ok]
        print(f"-- {self.title}: {'all budgets met' if not missed else f'{len(missed)} budget(s) missed'}")
        return 1 if missed else 0


def best(values: list[float]) -> float:
    return min(values)


def median(values: list[float]) -> float:
    return statistics.median(values)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def ensure_bytecode() -> None:
    """Compile the package's modules, as installing it does.

    An editable install writes bytecode on first import, unless
    PYTHONDONTWRITEBYTECODE is set (as in some sandboxes and CI images);
    then every start would compile the sources again, which no installed
    tool does.
    """
    import compileall

    import postmortem_kb

    compileall.compile_dir(str(Path(postmortem_kb.__file__).parent), quiet=1)


def bench_env() -> dict:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("POSTMORTEM_KB_ROOT", None)
    return env


if __name__ == "__main__":
    spec = json.loads(sys.stdin.read())
    print(json.dumps(_run_and_sample(spec["command"], spec["cwd"], spec["env"])))
