"""Check what `make run` and `make test` need from the machine, and say how to get what is missing.

Run with the system Python before the virtual environment exists, so it uses the standard library only.
"""

from __future__ import annotations

import ctypes.util
import sys

problems = []
try:
    import ensurepip  # noqa: F401
    import venv  # noqa: F401
except ImportError:
    problems.append("The Python venv module is missing. Debian/Ubuntu: apt-get install python3-venv")

if not (ctypes.util.find_library("pango-1.0") or ctypes.util.find_library("libpango-1.0-0")):
    problems.append(
        "The Pango library that WeasyPrint needs for PDF exports is missing. "
        "Debian/Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 · macOS: brew install pango · "
        "see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
    )

if problems:
    print("Missing prerequisites:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    sys.exit(1)
