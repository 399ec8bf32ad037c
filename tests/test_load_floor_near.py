"""The load benchmark compares each page with the floor measured nearest to it in time (bench/load/run.py)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_module():
    spec = importlib.util.spec_from_file_location("bench_load_run", ROOT / "bench" / "load" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(name, conns, rps):
    return {"name": name, "conns": conns, "rps": rps, "p50": 1, "p95": 10, "p99": 20, "errors": 0, "requests": 100,
            "first_bad": None}


def test_each_page_is_compared_with_the_floor_readings_around_it_at_its_own_connections():
    run = _run_module()
    results = [
        _row("healthz (ceiling)", 16, 1500), _row("healthz (ceiling)", 64, 1400),
        _row("floor (layout)", 16, 300), _row("floor (layout)", 64, 200),
        _row("page a", 16, 120), _row("page a", 64, 90),
        _row("floor (layout), again", 16, 200), _row("floor (layout), again", 64, 100),
        _row("page b", 16, 100), _row("page b", 64, 30),
    ]
    assert run.floor_near(results, 4) == 250  # (300 + 200) / 2
    assert run.floor_near(results, 5) == 150  # (200 + 100) / 2
    assert run.floor_near(results, 8) == 200  # no reading after it: the last one before
    assert run.floor_near(results, 9) == 100
    lines = run.table(results, [16, 64])
    page_a_16 = next(line for line in lines if line.startswith("| page a | 16 "))
    assert "| 250 | 48% | MET | MET |" in page_a_16
    page_b_64 = next(line for line in lines if line.startswith("| page b | 64 "))
    assert "| 100 | 30% | MET | NOT MET |" in page_b_64
    floor_again = next(line for line in lines if line.startswith("| floor (layout), again | 16 "))
    assert floor_again.endswith("| – | – | MET | – |")


def test_without_any_floor_reading_a_page_meets_no_floor_target():
    run = _run_module()
    results = [_row("page a", 16, 120)]
    assert run.floor_near(results, 0) == 0.0
    assert run.table(results, [16])[-1] == "| page a | 16 | 120 | 1 | 10 | 20 | 0 | 0 | 0% | MET | NOT MET |"
