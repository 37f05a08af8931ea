"""Every figure of issues 15 and 16 with its goal and whether it is met, as one table.

A row is ``{"case", "figure", "value", "unit", "goal", "met", "note"}``: ``value`` a number
(or None when the case did not run), ``goal`` readable text (``">= 1.0x"``, ``"< 1000 ms"``,
or ``""`` for a figure shown for context), ``met`` True, False or None (no goal, or not
run). The sub-benchmarks (bench/subscribers.py, bench/export_signups.py, bench/edge.py)
produce rows of the same shape; one that is missing in this checkout is a "not run" row.
"""

import json
import subprocess
import tempfile
from pathlib import Path

from harness import BENCH, PYTHON, ROOT, log

# Issue 16's goals for the origin, as multiples of bare Django's requests/s in the same run.
RATIO_GOALS = {"article-warm": 1.0, "article-cold": 0.15, "signup": 0.15, "search": 0.05}
LABELS = {
    "article-warm": "article, page cache warm (a hit)",
    "article-cold": "article, no cache (every request renders)",
    "home-warm": "home page, page cache warm",
    "home-cold": "home page, no cache",
    "signup": "sign-up POST, unique emails",
    "search": "search ?q=ketamine+depression",
}


def row(case, figure, value, unit="", goal="", met=None, note=""):
    return {
        "case": case,
        "figure": figure,
        "value": value,
        "unit": unit,
        "goal": goal,
        "met": met,
        "note": note,
    }


def not_run(case, why):
    return row(case, "-", None, note=f"not run: {why}")


def origin_rows(results):
    """Rows for the cases bench/run.py measures itself, in issue 16's order; a case not in
    ``results`` is a "not run" row."""
    rows = []
    for key, label in LABELS.items():
        if key not in results:
            rows.append(not_run(label, "not in --cases"))
            continue
        r = results[key]
        rps = r["rps_signups"] if key == "signup" else r["rps"]
        ratio = rps / r["bare_rps"]
        goal = RATIO_GOALS.get(key)
        note = f"{rps:,.0f} req/s, p99 {r['p99_us'] / 1000:.1f} ms, {r['cpu_ms']:.2f} ms CPU/req"
        note += f" (bare {r['bare_cpu_ms']:.2f}), {r['errors']} errors"
        rows.append(
            row(
                label,
                "x bare Django",
                ratio,
                "x",
                f">= {goal}x" if goal else "",
                None if goal is None else ratio >= goal,
                note,
            )
        )
        if key == "signup":
            lost = r["successes"] - r["subscribers_new"]
            rows.append(
                row(
                    label,
                    "successes not stored",
                    lost,
                    "",
                    "0, none doubled",
                    r["consistent"] and r["errors"] == 0,
                    f"{r['successes']} answered with success, {r['subscribers_new']} stored",
                )
            )
    if "stampede" not in results:
        rows.append(not_run("stampede", "not in --cases"))
    else:
        s = results["stampede"]
        quiet, busy = s["quiet"], s["publishing"]
        case = f"stampede: / + {s['pages'] - 1} articles, publishing"
        published = len([p for p in s["publishes"] if "error" not in p])
        rows.append(
            row(
                case,
                "errors while publishing",
                s["errors"],
                "",
                "0",
                s["errors"] == 0,
                f"{published} published",
            )
        )
        rows.append(
            row(
                case,
                "p99 publishing / quiet",
                s["p99_ratio"],
                "x",
                "<= 3.0x",
                s["p99_ratio"] <= 3.0,
                f"p99 {busy['p99_us'] / 1000:.1f} ms vs {quiet['p99_us'] / 1000:.1f} ms quiet; "
                f"{busy['rps']:,.0f} vs {quiet['rps']:,.0f} req/s",
            )
        )
    return rows


def json_rows(case, script, args, timeout):
    """Run ``bench/<script> *args --json PATH`` and return its rows; a "not run" row if the
    script is not in this checkout, or a failed row with the end of its output if it fails."""
    path = BENCH / script
    if not path.exists():
        return [not_run(case, f"bench/{script} is not in this checkout")]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "rows.json"
        log(f"{case}: {script} {' '.join(map(str, args))}")
        result = subprocess.run(
            [str(PYTHON), str(path), *map(str, args), "--json", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0 or not out.exists():
            tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            return [row(case, "-", None, met=False, note=f"failed ({result.returncode}): {' | '.join(tail)}")]
        return json.loads(out.read_text())


def edge_rows(context):
    """Issue 15's Varnish figures from bench/edge.py's ``bench_rows(context)`` (helper module
    of the edge work), or a "not run" row. ``context``: see bench/run.py's docstring."""
    if not (BENCH / "edge.py").exists():
        return [not_run("Varnish", "bench/edge.py is not in this checkout")]
    import edge

    if not hasattr(edge, "bench_rows"):
        return [not_run("Varnish", "bench/edge.py has no bench_rows(context)")]
    return edge.bench_rows(context)


def _value(r):
    if r["value"] is None:
        return "-"
    value = r["value"]
    if isinstance(value, float):
        text = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    else:
        text = f"{value:,}"
    return f"{text} {r['unit']}".strip()


def print_table(rows, width=150):
    """One line per row: case, figure, value, goal, met; notes below the line, indented."""
    print("=" * width)
    print(f"{'case':<46}{'figure':<28}{'value':>16}  {'goal':<18}{'met':<8}note")
    print("-" * width)
    for r in rows:
        met = {True: "met", False: "NOT met", None: ""}[r["met"]]
        if r["value"] is None and r["met"] is None:
            met = "not run"
        print(
            f"{r['case'][:45]:<46}{r['figure'][:27]:<28}{_value(r):>16}  "
            f"{r['goal'][:17]:<18}{met:<8}{r['note']}"
        )
    print("-" * width)
    counted = [r for r in rows if r["met"] is not None]
    print(
        f"Goals met: {sum(1 for r in counted if r['met'])} of {len(counted)}; "
        f"not run: {sum(1 for r in rows if r['value'] is None and r['met'] is None)}."
    )
