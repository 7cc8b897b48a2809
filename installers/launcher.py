"""The frozen build's entry point: one program under two names, `psp` (command line) and `psp-desktop` (window).

On Linux `psp` is a symbolic link to psp-desktop (one executable, see psp-desktop.spec), so the name the program
was started by decides which main() runs; on Windows each name is its own executable.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main() -> int:
    name = Path(sys.argv[0]).stem.lower()  # the name as started: symbolic links are not resolved
    if name == "psp":
        from psp_desktop.cli import main as run
    else:
        from psp_desktop.app import main as run
    return int(run() or 0)


if __name__ == "__main__":
    sys.exit(main())
