"""Screenshot pages as a given user, for looking at what we build (not a test).

    .venv/bin/python scripts/shoot.py --base http://127.0.0.1:8000 --user pendamping1 \
        --out /tmp/shots /plans/ /  [--width 360]

Logs in through the login form with the demo password, then saves one full-page PNG per path.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="rkt-demo")
    parser.add_argument("--out", default="/tmp/shots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--lang", default="", help="id or en")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": 900 if args.width > 500 else 740})
        if args.user:
            page.goto(f"{args.base}/accounts/login/")
            page.fill("input[name=username]", args.user)
            page.fill("input[name=password]", args.password)
            page.click("button[type=submit].btn-rkt")
        if args.lang:
            page.context.add_cookies([{"name": "django_language", "value": args.lang, "url": args.base}])
        for path in args.paths:
            page.goto(f"{args.base}{path}")
            name = re.sub(r"[^a-zA-Z0-9]+", "_", f"{args.user}_{path}_{args.width}").strip("_") + ".png"
            page.screenshot(path=str(out / name), full_page=True)
            print(out / name)
        browser.close()


if __name__ == "__main__":
    main()
