"""The browse page at scale: what /postmortems/ downloads on a first visit, and how fast a filter renders.

Generates a knowledge base (5,000 postmortems by default, 1% broken, as
the other benches), builds it with `search: pagefind` (the configuration
docs/performance.md gives large knowledge bases: Material's lunr search
would fetch its whole index on every page), serves it on 127.0.0.1 and
opens /postmortems/ in Chromium (Playwright, Debian's /usr/bin/chromium) in
a fresh tab with an empty cache:

  first load   every byte the tab fetched until the table is ready: the
               page, the theme's CSS and JS, our stylesheet and scripts,
               browse.json;
  filter       from setting a filter (or sorting, or typing a search) at
               the start of a frame until that frame, with the new rows, is
               laid out and painted: the median and the slowest of a fixed
               series of changes (and how much of it is our script).

Budgets: first load under 1 MB, filter median under 100 ms. Exits 1 when
a budget is missed, 2 when there is no browser to run.

    .venv/bin/python bench/browse_bench.py                 # 5,000 postmortems
    .venv/bin/python bench/browse_bench.py --count 200     # a smoke run
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests" / "e2e"))
from bench_support import Report, bench_env, ensure_bytecode  # noqa: E402
from build_bench import HOME, OURS  # noqa: E402
from generate_corpus import SERVICES, TAGS, generate  # noqa: E402

BYTES_BUDGET = 1_000_000
FILTER_BUDGET_MS = 100.0
# The series of changes timed, in order: (control, value); "sort:<column>" clicks a header.
CHANGES = [
    ("tag", TAGS[0]), ("severity", "SEV2"), ("service", SERVICES[0]), ("status", "published"),
    ("tag", ""), ("year", "2019"), ("severity", ""), ("q", "database"), ("q", ""), ("service", ""),
    ("sort:duration", None), ("tag", TAGS[3]), ("sort:severity", None), ("status", ""), ("year", ""),
    ("tag", ""), ("sort:detect", None), ("severity", "SEV1"), ("q", "cache stampede"), ("severity", ""),
]

# One change, timed in the page. It starts at the beginning of a frame, where an input event lands, and
# ends when that frame has been laid out and painted: a message posted during the frame is handled only
# after the frame's rendering. Returns (to painted ms, script ms, rows that match).
TIME_CHANGE = """async ([control, value]) => {
  await new Promise(resolve => requestAnimationFrame(resolve));
  const started = performance.now();
  if (control.startsWith("sort:")) {
    document.querySelector(`th[data-sort="${control.slice(5)}"] button`).click();
  } else if (control === "q") {
    const box = document.getElementById("pm-browse-q");
    box.value = value;
    box.dispatchEvent(new Event("input", {bubbles: true}));
  } else {
    const select = document.getElementById("pm-browse-" + control);
    select.value = value;
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }
  const script = performance.now() - started;
  await new Promise(resolve => {
    const channel = new MessageChannel();
    channel.port1.onmessage = resolve;
    channel.port2.postMessage(null);
  });
  return [performance.now() - started, script, Number(document.getElementById("pm-browse").dataset.rendered)];
}"""


def build_site(root: Path) -> tuple[Path, float]:
    config = OURS.replace("      on_load_error: warn\n", "      on_load_error: warn\n      search: pagefind\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = root / "site"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=root,
                            capture_output=True, text=True, env=bench_env())
    if result.returncode != 0:
        raise SystemExit(f"building the site failed:\n{result.stderr[-3000:]}")
    return site, time.perf_counter() - started


def visit(browser, url: str) -> dict:
    """A first visit in a fresh tab: bytes by file, then the timed changes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: dict[str, int] = {}

    def on_response(response):
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # a redirect or an aborted request has no body
            sizes.setdefault(response.url, 0)

    page.on("response", on_response)
    started = time.perf_counter()
    page.goto(url + "postmortems/")
    page.wait_for_selector("#pm-browse.pm-browse-ready", timeout=60_000)
    ready = time.perf_counter() - started
    page.wait_for_load_state("networkidle")
    first_load = dict(sizes)
    timings, scripts, counts = [], [], []
    for control, value in CHANGES:
        took, script, shown = page.evaluate(TIME_CHANGE, [control, value or ""])
        timings.append(took)
        scripts.append(script)
        counts.append(shown)
    outside = [found for found in sizes if not found.startswith(url)]
    context.close()
    return {"bytes": first_load, "ready": ready, "timings": timings, "scripts": scripts, "counts": counts,
            "outside": outside}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    parser.add_argument("--visits", type=int, default=3, help="fresh tabs, each timing the whole series")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it; a later run reuses the site")
    args = parser.parse_args()
    ensure_bytecode()
    if not Path(args.chromium).is_file():
        print(f"no Chromium at {args.chromium}: install it (apt-get install chromium) to run the browse bench")
        return 2
    from browser_support import CHROMIUM_ARGS, SiteServer
    from playwright.sync_api import sync_playwright

    report = Report("browse bench")
    with tempfile.TemporaryDirectory(prefix="browse-bench-") as tmp:
        root = args.keep or Path(tmp)
        if args.keep and (root / "site" / "postmortems" / "browse.json").is_file():
            site, build_seconds = root / "site", 0.0  # built by an earlier run with the same --keep
        else:
            generate(root / "postmortems", args.count, args.seed, args.broken_ratio)
            (root / "docs").mkdir(exist_ok=True)
            (root / "docs" / "index.md").write_text(HOME, encoding="utf-8")
            (root / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
            site, build_seconds = build_site(root)
        listed = json.loads((site / "postmortems" / "browse.json").read_text(encoding="utf-8"))["count"]
        data_bytes = (site / "postmortems" / "browse.json").stat().st_size
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            with SiteServer(site) as server:
                visits = [visit(browser, server.url) for _ in range(args.visits)]
            browser.close()

    first = visits[0]
    total = max(sum(v["bytes"].values()) for v in visits)
    timings = [took for v in visits for took in v["timings"]]
    built = f"build {build_seconds:.1f} s" if build_seconds else "site reused (--keep)"
    print(f"{args.count} postmortems generated, {listed} on the browse page; {built}; "
          f"browse.json {data_bytes / 1e3:.0f} kB")
    print(f"first load of /postmortems/ (fresh tab, empty cache): {total / 1e6:.3f} MB in {len(first['bytes'])} "
          f"files; table ready after {statistics.median(v['ready'] for v in visits):.2f} s")
    for found, size in sorted(first["bytes"].items(), key=lambda item: -item[1])[:8]:
        print(f"  {size / 1e3:8.1f} kB  {found}")
    print(f"filter, sort or search change to rendered rows, {len(timings)} changes over {len(visits)} tabs: "
          f"median {statistics.median(timings):.1f} ms, slowest {max(timings):.1f} ms")
    scripts = [took for v in visits for took in v["scripts"]]
    print(f"  of which the script (filter, sort, write the rows): median {statistics.median(scripts):.1f} ms, "
          f"slowest {max(scripts):.1f} ms")
    for (control, value), took, script, shown in zip(CHANGES, first["timings"], first["scripts"], first["counts"]):
        print(f"  {control}={value or '(all)'}: {took:.1f} ms ({script:.1f} ms script), {shown} rows match")
    if first["outside"]:
        print(f"requests outside the site: {first['outside']}")
        return 1
    report.check("first load of /postmortems/", total / 1e6, BYTES_BUDGET / 1e6, unit=" MB")
    report.check("filter change, median", statistics.median(timings), FILTER_BUDGET_MS, unit=" ms")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
