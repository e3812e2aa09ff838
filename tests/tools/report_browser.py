"""Open a Snakemake report in headless Chromium (Debian's /usr/bin/chromium, driven by
Playwright) and show every result it holds: click through each category and
subcategory, open each file, and record what the browser saw.

Usage: python report_browser.py REPORT.html SCREENSHOT.png  (prints JSON)
"""

from __future__ import annotations

import json
import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# no sandbox as root; no background traffic on this closed network
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SHOWN_IMAGES = """els => els.filter(e => e.src.startsWith('data:image/png'))
                     .map(e => ({width: e.naturalWidth, complete: e.complete}))"""


def walk(report: str, screenshot: str) -> dict:
    url = f"file://{report}"
    seen = {"console_errors": [], "page_errors": [], "failed_requests": [], "files": {},
            "categories": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: m.type == "error" and seen["console_errors"].append(m.text))
        page.on("pageerror", lambda e: seen["page_errors"].append(str(e)))
        page.on("requestfailed", lambda r: seen["failed_requests"].append(r.url[:200]))

        def open_trail(trail):
            page.goto(url)
            page.wait_for_load_state("networkidle")
            for name in trail:
                page.get_by_text(name, exact=True).first.click()
                page.wait_for_timeout(100)

        open_trail([])
        page.screenshot(path=screenshot)
        seen["landing_text"] = page.inner_text("body")
        heading = page.get_by_text("Results", exact=True)
        categories = page.locator("ul li a span").all_inner_texts() if heading.count() else []
        seen["categories"] = [c for c in categories
                              if c not in ("Workflow", "Statistics", "About")]

        def visit(trail):
            open_trail(trail)
            eyes = page.locator("a[iconname=eye]")
            if eyes.count() == 0:
                for sub in page.locator("div.p-3 ul li a span").all_inner_texts():
                    visit(trail + [sub])
                return
            # each file's name is the first cell of its eye's own row (the page holds
            # other tables too: the landing description's answer tables)
            names = [eyes.nth(i).locator("xpath=ancestor::tr[1]/td[1]").inner_text()
                     for i in range(eyes.count())]
            for i, name in enumerate(names):
                open_trail(trail)
                eyes.nth(i).click()
                page.wait_for_timeout(150)
                seen["files"][name.strip()] = {
                    "images": page.eval_on_selector_all("img", SHOWN_IMAGES),
                    "table_rows": page.locator("table tr").count(),
                    "trail": trail}

        for category in seen["categories"]:
            visit([category])
        browser.close()
    return seen


if __name__ == "__main__":
    print(json.dumps(walk(sys.argv[1], sys.argv[2]), indent=1))
