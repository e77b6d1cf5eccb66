"""Search that scales: Pagefind against Material's lunr search, in a real browser.

Builds the same generated knowledge base (5,000 postmortems by default)
twice through our plugin: with Material's lunr search (the default) and with
`search: pagefind`. Each site is served on 127.0.0.1 and opened in a fresh
Chromium tab (Playwright, Debian's /usr/bin/chromium, cold cache), which
types each query into the header search box. For each engine it reports:

  time     from the last keystroke until the first result is on screen
           (and from the first keystroke);
  bytes    everything the search fetched to answer: lunr's index and
           worker, or Pagefind's UI, runtime, WebAssembly, index chunks,
           filters and result fragments.

Budgets (Pagefind): results within 0.5 s of typing, under 1 MB downloaded
for a first search. The lunr figures are printed beside them. Exits 1 when
a budget is missed, 2 when there is no browser to run.

    .venv/bin/python bench/search_bench.py                 # 5,000 postmortems
    .venv/bin/python bench/search_bench.py --count 200     # a smoke run
"""

from __future__ import annotations

import argparse
import shutil
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
from build_bench import OURS, HOME  # noqa: E402
from generate_corpus import generate  # noqa: E402

TIME_BUDGET = 0.5
BYTES_BUDGET = 1_000_000
QUERIES = ["certificate", "replication", "quorum"]
RESULT = {"lunr": ".md-search-result__item", "pagefind": ".pagefind-ui__result"}
INPUT = {"lunr": "input[data-md-component='search-query']", "pagefind": ".pm-search input"}
# What a search downloads, by engine (paths under the site root).
SEARCH_FILES = {"lunr": ("search/", "assets/javascripts/workers/", "assets/javascripts/lunr/"),
                "pagefind": ("pagefind/",)}


def build_site(root: Path, engine: str) -> tuple[Path, float]:
    config = OURS.replace("      on_load_error: warn\n", f"      on_load_error: warn\n      search: {engine}\n")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = root / f"site-{engine}"
    shutil.rmtree(site, ignore_errors=True)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=root,
                            capture_output=True, text=True, env=bench_env())
    if result.returncode != 0:
        raise SystemExit(f"building the {engine} site failed:\n{result.stderr[-3000:]}")
    return site, time.perf_counter() - started


def search_once(browser, url: str, engine: str, query: str) -> dict:
    """One query in a fresh tab with an empty cache: timings and bytes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: dict[str, int] = {}

    def on_response(response):
        try:
            sizes[response.url] = len(response.body())
        except Exception:  # a redirect or an aborted request has no body
            sizes.setdefault(response.url, 0)

    page.on("response", on_response)
    page.goto(url)
    page.wait_for_load_state("load")
    box = page.locator(INPUT[engine]).first
    if engine == "lunr":
        page.locator("label.md-search__icon, .md-search__input").first.click()
    else:
        box.click()
    first_key = time.perf_counter()
    # Key by key: both search boxes react to keyboard input.
    box.press_sequentially(query, delay=20)
    typed = time.perf_counter()
    page.locator(RESULT[engine]).first.wait_for(state="visible", timeout=180_000)
    shown = time.perf_counter()
    page.wait_for_load_state("networkidle")
    base = url.rstrip("/") + "/"
    fetched = sum(size for found, size in sizes.items()
                  if found.startswith(base) and found[len(base):].startswith(SEARCH_FILES[engine]))
    count = page.locator(RESULT[engine]).count()
    context.close()
    return {"after_typing": shown - typed, "after_first_key": shown - first_key, "bytes": fetched, "results": count}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--broken-ratio", type=float, default=0.01)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    ensure_bytecode()
    if not Path(args.chromium).is_file():
        print(f"no Chromium at {args.chromium}: install it (apt-get install chromium) to run the search bench")
        return 2
    from browser_support import CHROMIUM_ARGS, SiteServer
    from playwright.sync_api import sync_playwright

    report = Report("search bench")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        root = Path(tmp)
        generate(root / "postmortems", args.count, args.seed, args.broken_ratio)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text(HOME, encoding="utf-8")
        (root / "postmortem-kb.yml").write_text("# defaults\n", encoding="utf-8")
        sites = {engine: build_site(root, engine) for engine in ("pagefind", "lunr")}
        figures: dict[str, list[dict]] = {}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
            for engine, (site, _) in sites.items():
                with SiteServer(site) as server:
                    figures[engine] = [search_once(browser, server.url, engine, query) for query in QUERIES]
            browser.close()
        index_bytes = {engine: sum(p.stat().st_size for p in (site / ("pagefind" if engine == "pagefind" else "search"))
                                   .rglob("*") if p.is_file()) for engine, (site, _) in sites.items()}

    print(f"{args.count} postmortems; queries {', '.join(QUERIES)}; fresh tab and empty cache for each")
    for engine in ("pagefind", "lunr"):
        runs = figures[engine]
        slowest = max(r["after_typing"] for r in runs)
        print(f"  {engine:<8} build {sites[engine][1]:6.1f} s; index on disk {index_bytes[engine] / 1e6:6.1f} MB; "
              f"results {statistics.median(r['after_typing'] for r in runs):6.3f} s after typing "
              f"(slowest {slowest:.3f} s; {statistics.median(r['after_first_key'] for r in runs):.3f} s after the "
              f"first key); first search downloads {max(r['bytes'] for r in runs) / 1e6:.2f} MB; "
              f"{min(r['results'] for r in runs)}+ results shown")
    pagefind, lunr = figures["pagefind"], figures["lunr"]
    time_ratio = statistics.median(r["after_typing"] for r in lunr) / statistics.median(r["after_typing"] for r in pagefind)
    bytes_ratio = max(r["bytes"] for r in lunr) / max(1, max(r["bytes"] for r in pagefind))
    print(f"  lunr/pagefind: {time_ratio:.1f}x the time, {bytes_ratio:.1f}x the bytes")
    report.check("pagefind results after typing (slowest query)", max(r["after_typing"] for r in pagefind),
                 TIME_BUDGET, unit=" s")
    report.check("pagefind first-search download (largest)", max(r["bytes"] for r in pagefind) / 1e6,
                 BYTES_BUDGET / 1e6, unit=" MB")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
