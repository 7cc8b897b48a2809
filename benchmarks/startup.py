"""Cold start of PSP Desktop beside a bare PySide6 QMainWindow started in the same run.

Measures, from process spawn: the window painted, and the first page's (Dashboard) data painted, on the demo
database and on a city-scale database. Goals: painted ≤ 1.5× bare; data ≤ 3× bare (demo) and ≤ 3.5× (city).

    python benchmarks/startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from _common import HERE, city_db, demo_db, isolated_env, median


def spawn(cmd: list[str], markers: tuple[str, ...]) -> dict[str, float]:
    """Seconds from spawning `cmd` until it prints each marker line."""
    env = isolated_env()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    seen: dict[str, float] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        name = line.split(" ", 1)[0]
        if name in markers:
            seen[name] = time.perf_counter() - start
        if len(seen) == len(markers):
            break
    proc.wait(timeout=60)
    if len(seen) != len(markers):
        raise RuntimeError(f"{cmd} exited {proc.returncode} before printing {markers}")
    return seen


def app_cmd(db: Path) -> list[str]:
    return [sys.executable, "-c", "import sys; from psp_desktop.app import main; sys.exit(main(sys.argv[1:]))",
            "--db", str(db), "--bench-startup"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    demo, city = demo_db(), city_db()
    bare_cmd = [sys.executable, str(HERE / "bare_window.py")]
    results: dict[str, list[float]] = {k: [] for k in ("bare", "demo_painted", "demo_data", "city_painted",
                                                         "city_data")}
    for run in range(args.runs + 1):  # the first round only warms the file cache
        bare = spawn(bare_cmd, ("painted",))
        on_demo = spawn(app_cmd(demo), ("painted", "data"))
        on_city = spawn(app_cmd(city), ("painted", "data"))
        if run == 0:
            continue
        results["bare"].append(bare["painted"])
        results["demo_painted"].append(on_demo["painted"])
        results["demo_data"].append(on_demo["data"])
        results["city_painted"].append(on_city["painted"])
        results["city_data"].append(on_city["data"])
    bare = median(results["bare"])
    print(f"bare QMainWindow painted: {bare * 1000:.0f} ms (median of {args.runs})")
    goals = {"demo_painted": 1.5, "demo_data": 3.0, "city_painted": 1.5, "city_data": 3.5}
    for key, goal in goals.items():
        value = median(results[key])
        ratio = value / bare
        verdict = "ok" if ratio <= goal else "OVER GOAL"
        print(f"{key:13s} {value * 1000:6.0f} ms  {ratio:4.2f}× bare  (goal ≤ {goal}×) {verdict}")


if __name__ == "__main__":
    main()
