"""Small hostile uploads: how long each takes to be refused and how much memory the refusal costs.

    python bench/crafted_files.py      # every file, one child process each, one JSON line each (DATABASE_URL: a
                                       # bench database, for the plan the workbook is made from)

Each file is checked in a child process of its own, so its peak memory is the process's high-water mark (the
resident set, which counts what Pillow and pypdf allocate in C, unlike tracemalloc; Linux's /proc) above the
same process just before the check, with Django set up, every module imported and the file read; the peak of
Python's own allocations (tracemalloc) during one more check is given beside it. ``measure(bench)`` runs them for
``bench/measures.py``. The files are the ones of the hardening issue: a PNG saying 9400 × 9400 in 280 KB or
less, a plan workbook whose end marker is cleared with a space in B1048576, village data with cells in column
XFD (stating its range, and not), and PDFs that only look like PDFs. Two accepted photos are measured beside them:
a phone's JPEG of 12 megapixels and a PNG just under the pixel limit, each made into its stored copy.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What the bench holds a refusal to: well within a request, far below a worker's memory.
REFUSAL_SECONDS = 1.0
REFUSAL_MB = 50


def png_that_says(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = zlib.compress(b"\x00" * (width + 1) * 64, 9)  # 64 rows of real (black) pixel data, the rest missing
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def phone_photo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((4000, 3000), 10).convert("RGB").save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def largest_png() -> bytes:
    """A PNG just under the pixel limit, of one colour, so it is small: the most an accepted file makes the worker
    decode (a PNG has no reduced-scale decoding, unlike a JPEG)."""
    from django.conf import settings
    from PIL import Image

    width = 7300
    height = settings.RKT_EVIDENCE_MAX_PIXELS // width
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 180, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def _strip_dimension(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(rb"<dimension [^>]*/>", b"", body)
            zout.writestr(item, body)
    return out.getvalue()


def village_data_xfd(rows: int = 2000, stated: bool = True) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kode Desa", "Jumlah Penduduk"])
    for number in range(2, rows + 2):
        sheet.cell(number, 1, f"34.03.01.{2000 + number % 20}")
        sheet.cell(number, 16384, "x")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue() if stated else _strip_dimension(out.getvalue())


def plan_workbook_without_end(plan) -> bytes:
    from openpyxl import load_workbook

    from reports import documents
    from reports.workbook import END_MARKER, KEY_COLUMN, RKT_SHEET, plan_workbook

    book = load_workbook(io.BytesIO(plan_workbook(documents.plan_document(plan))))
    ws = book[RKT_SHEET]
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, KEY_COLUMN).value == END_MARKER:
            ws.cell(row, KEY_COLUMN).value = None
    ws["B1048576"] = " "
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _evidence(content: bytes, name: str) -> Callable[[], str]:
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pillars.evidence import check_upload

    def check() -> str:
        try:
            checked = check_upload(SimpleUploadedFile(name, content))
        except ValidationError as refusal:
            return refusal.messages[0]
        return f"accepted: stored copy of {len(checked.content or b'') // 1024} KB"

    return check


def _village_data(content: bytes) -> Callable[[], str]:
    from villages.spreadsheet import VillageDataFileError, read_table

    def check() -> str:
        try:
            table = read_table(io.BytesIO(content))
        except VillageDataFileError as refusal:
            return str(refusal)
        return f"read {len(table.rows)} rows"

    return check


def _plan_workbook(content: bytes, plan) -> Callable[[], str]:
    from reports.upload.sheet import UploadError, read_rows

    def check() -> str:
        try:
            rows, errors = read_rows(content, plan)
        except UploadError as refusal:
            return str(refusal)
        return f"read {len(rows)} rows, {len(errors)} errors"

    return check


# label: (how the file is made, how it is checked). "crafted file" rows must be refused within the bounds above;
# "accepted photo" rows show what an accepted photo costs.
def _catalogue(plan) -> dict[str, tuple[Callable[[], bytes], Callable[[bytes], Callable[[], str]]]]:
    html = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
    elf = b"%PDF-1.4\n\x7fELF\x02\x01\x01\x00" + bytes(4096) + b"\n%%EOF\n"
    return {
        "crafted file: png saying 9400 × 9400": (lambda: png_that_says(9400, 9400), lambda d: _evidence(d, "peta.png")),
        "crafted file: plan workbook, end marker cleared, space in B1048576": (
            lambda: plan_workbook_without_end(plan),
            lambda d: _plan_workbook(d, plan),
        ),
        "crafted file: village data, cells in column XFD": (village_data_xfd, _village_data),
        "crafted file: village data, column XFD, no stated range": (
            lambda: village_data_xfd(stated=False),
            _village_data,
        ),
        "crafted file: pdf header on html with a script": (lambda: html, lambda d: _evidence(d, "laporan.pdf")),
        "crafted file: pdf header on ELF bytes": (lambda: elf, lambda d: _evidence(d, "laporan.pdf")),
        "accepted photo: phone JPEG 4000 × 3000": (phone_photo, lambda d: _evidence(d, "IMG_0001.jpg")),
        "accepted photo: PNG at the pixel limit": (largest_png, lambda d: _evidence(d, "denah.png")),
    }


def _memory_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (its high-water mark) of this process, from Linux's /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_high_water_mark() -> None:
    # Linux: writing 5 to clear_refs sets VmHWM back to the resident size now, so what set-up left behind as its
    # own peak does not hide the check's.
    Path("/proc/self/clear_refs").write_text("5")


def run_one(label: str, path: Path) -> dict:
    """In this (child) process: read the file, take the baseline, check it three times, report."""
    from bench.exports import export_plan

    _made, checker = _catalogue(export_plan())[label]
    content = path.read_bytes()
    check = checker(content)
    _reset_high_water_mark()
    baseline = _memory_mb("VmRSS")
    times, outcome = [], ""
    for _ in range(3):
        started = time.perf_counter()
        outcome = check()
        times.append(time.perf_counter() - started)
    peak_mb = round(_memory_mb("VmHWM") - baseline, 1)
    tracemalloc.start()
    check()
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "label": label,
        "bytes": len(content),
        "seconds": min(times),
        "peak_mb": peak_mb,
        "python_peak_mb": round(python_peak / 1024 / 1024, 2),
        "outcome": outcome,
    }


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rkt.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")
    # Every module the checks use, imported before the baseline.
    import openpyxl  # noqa: F401
    import pypdf  # noqa: F401

    import pillars.evidence  # noqa: F401
    import reports.upload.sheet  # noqa: F401


def run_all() -> list[dict]:
    """Every file made here, then checked in a child process of its own."""
    from bench.exports import export_plan

    rows = []
    with tempfile.TemporaryDirectory(prefix="rkt-bench-crafted-") as folder:
        for number, (label, (make, _checker)) in enumerate(_catalogue(export_plan()).items()):
            path = Path(folder) / f"file-{number}"
            path.write_bytes(make())
            done = subprocess.run(
                [sys.executable, str(Path(__file__)), "--one", label, str(path)],
                env={**os.environ},
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                raise RuntimeError(done.stderr[-2000:])
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return rows


def measure(bench) -> None:
    _setup()
    for row in run_all():
        bench.results[row["label"]] = {
            "median_ms": round(row["seconds"] * 1000, 1),
            "peak_mb": row["peak_mb"],
            "n": 3,
            "note": f"{row['bytes'] / 1024:,.0f} KB, Python objects {row['python_peak_mb']} MB → {row['outcome']}",
        }


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        _setup()
        print(json.dumps(run_one(sys.argv[2], Path(sys.argv[3]))))
        return
    _setup()
    for row in run_all():
        print(json.dumps(row))


if __name__ == "__main__":
    main()
