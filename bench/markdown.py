"""A bench result as a Markdown table, for the README's performance section.

    python bench/markdown.py bench/results/kabupaten.json [more.json ...]

``bench/run.py`` also writes it beside the JSON (bench/results/<scale>[-postgresql].md).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _cell(value) -> str:
    return "" if value is None else str(value)


KEYS = ("median_ms", "p95_ms", "cpu_ms", "queries", "ratio", "cpu_ratio", "peak_mb", "html_kb")


def table(payload: dict) -> str:
    load = payload.get("load_average")
    start = payload.get("load_average_start")
    head = (
        f"**{payload['scale']} on {payload['database']}**, {payload['machine']}, {payload['when']} UTC"
        + (f", load average {', '.join(f'{v:.1f}' for v in start)} at the start" if start else "")
        + (f", {', '.join(f'{v:.1f}' for v in load)} at the end" if load else "")
        + "\n\n| measure | median ms | p95 ms | CPU ms | queries | × floor | × floor CPU | peak MB | HTML KB "
        + "| target | result |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n"
    )
    rows = []
    for label, row in payload["results"].items():
        if "error" in row:
            rows.append(f"| {label} | error: {row['error']} | | | | | | | | | |")
            continue
        if "value" in row:
            rows.append(f"| {label} | {row['value']} | | | | | | | | | |")
            continue
        result = " ".join(_cell(part) for part in (row.get("verdict"), row.get("note")) if part)
        cells = [row.get(key) for key in KEYS]
        figures = " | ".join(_cell(c) for c in cells)
        rows.append(f"| {label} | {figures} | {_cell(row.get('target'))} | {result} |")
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(table(json.loads(Path(name).read_text())))
