#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 The pipecalc developers
"""Turns bench/run.sh's CSV into the Markdown table of docs/performance.md
and, given a folder, draws the charts there with gnuplot.

usage: report.py CSV MACHINE OUT.md [CHART_DIR]

Every ratio compares two figures of the same run: pipecalcd against the
raw limit of the same transport ("raw": a trivial echo responder) and
against the hand-written epoll reference server."""
import csv
import os
import subprocess
import sys
import tempfile

rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
machine = sys.argv[2]
out_path = sys.argv[3]
chart_dir = sys.argv[4] if len(sys.argv) > 4 else None


def get(scenario, kind, transport, target, pinning, metric):
    for r in rows:
        if (r["scenario"], r["kind"], r["transport"], r["target"], r["pinning"],
                r["metric"]) == (scenario, kind, transport, target, pinning, metric):
            return float(r["value"])
    return None


def num(v, digits=0):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.{digits}f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}×"


lines = [f"Machine: {machine}.", ""]
targets = []

# ---- 1. ping-pong ----------------------------------------------------------
lines += ["### One client, strict ping-pong", "",
          "| transport | pinning | expression | pipecalcd round trips/s | p50 µs | p99 µs "
          "| reference round trips/s | raw round trips/s | ÷ raw | ÷ reference |",
          "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
for t in ("unix", "tcp", "fifo"):
    for pin in ("unpinned", "pinned"):
        for kind in ("trivial", "distinct"):
            pc = get("pingpong", kind, t, "pipecalcd", pin, "round_trips_per_s")
            if pc is None:
                continue
            ref = get("pingpong", kind, t, "reference", pin, "round_trips_per_s")
            raw = get("pingpong", "trivial", t, "raw", pin, "round_trips_per_s")
            lines.append(
                f"| {t} | {pin} | {kind} | {num(pc)} "
                f"| {num(get('pingpong', kind, t, 'pipecalcd', pin, 'p50_us'), 1)} "
                f"| {num(get('pingpong', kind, t, 'pipecalcd', pin, 'p99_us'), 1)} "
                f"| {num(ref)} | {num(raw)} | {ratio(pc, raw)} | {ratio(pc, ref)} |")
            if kind == "trivial":
                need = 0.6 if t == "fifo" else 0.75
                if raw:
                    targets.append((f"ping-pong {t} {pin}: ≥ {need}× raw", pc / raw, need))
                if ref and t == "unix":
                    targets.append((f"ping-pong {t} {pin}: ≥ 0.9× reference", pc / ref, 0.9))
lines.append("")

# ---- 2. concurrent clients -------------------------------------------------
lines += ["### Concurrent ping-pong clients (unix, unpinned)", "",
          "| clients | expression | pipecalcd total round trips/s | p99 µs "
          "| one main loop | p99 µs | reference | p99 µs | raw | ÷ raw | ÷ reference |",
          "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
clients = sorted({int(r["scenario"].split("-")[1]) for r in rows
                  if r["scenario"].startswith("clients-")})
for n in clients:
    for kind in ("trivial", "distinct"):
        s = f"clients-{n}"
        pc = get(s, kind, "unix", "pipecalcd", "unpinned", "round_trips_per_s")
        one = get(s, kind, "unix", "pipecalcd-1loop", "unpinned", "round_trips_per_s")
        ref = get(s, kind, "unix", "reference", "unpinned", "round_trips_per_s")
        raw = get(s, "trivial", "unix", "raw", "unpinned", "round_trips_per_s")
        lines.append(
            f"| {n} | {kind} | {num(pc)} "
            f"| {num(get(s, kind, 'unix', 'pipecalcd', 'unpinned', 'p99_us'), 0)} "
            f"| {num(one)} | {num(get(s, kind, 'unix', 'pipecalcd-1loop', 'unpinned', 'p99_us'), 0)} "
            f"| {num(ref)} | {num(get(s, kind, 'unix', 'reference', 'unpinned', 'p99_us'), 0)} "
            f"| {num(raw)} | {ratio(pc, raw)} | {ratio(pc, ref)} |")
if clients:
    top, four = max(clients), 4
    for kind in ("trivial", "distinct"):
        a = get(f"clients-{top}", kind, "unix", "pipecalcd", "unpinned", "round_trips_per_s")
        b = get(f"clients-{four}", kind, "unix", "pipecalcd", "unpinned", "round_trips_per_s")
        if a and b:
            targets.append((f"{top} clients ({kind}): total ≥ the 4-client total", a / b, 1.0))
        p99 = get(f"clients-{top}", kind, "unix", "pipecalcd", "unpinned", "p99_us")
        if p99:
            targets.append((f"{top} clients ({kind}): p99 < 5 ms (figure: 5000 µs ÷ p99)",
                            5000 / p99, 1.0))
lines.append("")

# ---- 3 and 4. pipelined ------------------------------------------------------
lines += ["### One client pipelining (lines/s; for `batch`, requests/s)", "",
          "| transport | requests | pipecalcd | reference | raw | ÷ raw | ÷ reference |",
          "|---|---|---:|---:|---:|---:|---:|"]
labels = {
    "trivial": "`2+2`, the same every line",
    "func": "`sin(x)^2+cos(x)^2`, the same every line",
    "multi": "`a=2, a*3, a^2` (3 results)",
    "error": "`1+*2` (an error)",
    "distinct": "`(N+1)*2`, never seen before",
    "json-trivial": "JSON-RPC eval `2+2`",
    "json-func": "JSON-RPC eval `sin(x)^2+cos(x)^2`",
    "batch": "JSON-RPC batches of 100 `2+2` evals",
}
for t in ("unix", "tcp", "fifo"):
    for kind in labels:
        metric = "requests_per_s" if kind == "batch" else "lines_per_s"
        pc = get("pipeline", kind, t, "pipecalcd", "unpinned", metric)
        if pc is None:
            continue
        ref = get("pipeline", kind, t, "reference", "unpinned", metric)
        raw = get("pipeline", kind, t, "raw", "unpinned", metric)
        lines.append(f"| {t} | {labels[kind]} | {num(pc)} | {num(ref)} | {num(raw)} "
                     f"| {ratio(pc, raw)} | {ratio(pc, ref)} |")
        if t == "unix" and ref:
            if kind == "distinct":
                targets.append(("pipelined, distinct expressions: ≥ 0.9× reference", pc / ref, 0.9))
            if kind in ("trivial", "func"):
                targets.append((f"pipelined, an expression seen before ({kind}): ≥ 5× reference",
                                pc / ref, 5.0))
pc2 = get("pipeline-2", "distinct", "unix", "pipecalcd", "unpinned", "lines_per_s")
if pc2 is not None:
    one2 = get("pipeline-2", "distinct", "unix", "pipecalcd-1loop", "unpinned", "lines_per_s")
    ref2 = get("pipeline-2", "distinct", "unix", "reference", "unpinned", "lines_per_s")
    raw2 = get("pipeline-2", "distinct", "unix", "raw", "unpinned", "lines_per_s")
    lines += ["", "Two clients pipelining new expressions `(N+1)*2` at once (unix, total lines/s):", "",
              "| pipecalcd, worker per core | pipecalcd, one main loop | reference | raw | workers ÷ one loop | ÷ reference |",
              "|---:|---:|---:|---:|---:|---:|",
              f"| {num(pc2)} | {num(one2)} | {num(ref2)} | {num(raw2)} | {ratio(pc2, one2)} | {ratio(pc2, ref2)} |"]
lines.append("")

# ---- 5. memory -------------------------------------------------------------
lines += ["### Memory (RSS, unix)", "",
          "| connections | pipecalcd idle server KiB | pipecalcd KiB per connection "
          "| reference idle KiB | reference KiB per connection |",
          "|---|---:|---:|---:|---:|"]
mem_labels = {"idle": "idle, never sent a request",
              "one-request": "after one request each",
              "many-expressions": "after 100 distinct expressions each"}
for name, label in mem_labels.items():
    s = f"memory-{name}"
    pc0 = get(s, name, "unix", "pipecalcd", "unpinned", "rss_before_kib")
    pcc = get(s, name, "unix", "pipecalcd", "unpinned", "rss_per_connection_kib")
    if pc0 is None:
        continue
    lines.append(f"| {label} | {num(pc0)} | {num(pcc, 1)} "
                 f"| {num(get(s, name, 'unix', 'reference', 'unpinned', 'rss_before_kib'))} "
                 f"| {num(get(s, name, 'unix', 'reference', 'unpinned', 'rss_per_connection_kib'), 1)} |")
    if name == "idle":
        targets.append(("idle server ≤ 10 MiB RSS (figure: 10240 KiB ÷ RSS)", 10240 / pc0, 1.0))
    if name in ("idle", "one-request") and pcc and pcc > 0:
        targets.append((f"≤ 64 KiB per idle connection ({name}) (figure: 64 ÷ KiB)", 64 / pcc, 1.0))
lines.append("")

# ---- 6. start-up -------------------------------------------------------------
lines += ["### Start-up (whole process, ms)", "",
          "| what | min | median | max |", "|---|---:|---:|---:|"]
start_labels = [("cli", "pipecalcd", "`pipecalc-cli 2+2`, server running"),
                ("socat", "raw", "`echo 2+2 \\| socat - UNIX-CONNECT:…`"),
                ("embedded", "pipecalcd", "`pipecalc-cli 2+2`, no server: starts and stops its own"),
                ("gui", "pipecalcd", "`pipecalc` window to the first result (Xvfb)")]
for kind, target, label in start_labels:
    v = [get("startup", kind, "unix", target, "unpinned", m) for m in ("min_ms", "median_ms", "max_ms")]
    if v[1] is None:
        continue
    lines.append(f"| {label} | {num(v[0], 2)} | {num(v[1], 2)} | {num(v[2], 2)} |")
cli = get("startup", "cli", "unix", "pipecalcd", "unpinned", "median_ms")
socat = get("startup", "socat", "unix", "raw", "unpinned", "median_ms")
if cli and socat:
    lines.append("")
    lines.append(f"`pipecalc-cli` ÷ socat (median): {cli / socat:.2f}×")
    targets.append(("pipecalc-cli 2+2 within 1.5× of socat (figure: 1.5 ÷ ratio)",
                    1.5 / (cli / socat), 1.0))
lines.append("")

# ---- named pipes under wine (bench/wine-npipe.sh) -------------------------------
# wine's named pipes go through wineserver: these figures are wine's, not
# Windows', and only their ratio to the raw echo of the same run means much.
wine = ["### Named pipes under wine (wine's figures, not Windows')", "",
        "`2+2`, one client, npipe://./NAME; raw is a bare named-pipe echo server "
        "(bench/pc-npipe-bench.c) under the same wine in the same run.", "",
        "| scenario | pipecalcd.exe | p50 µs | p99 µs | raw echo | p50 µs | p99 µs | ÷ raw |",
        "|---|---:|---:|---:|---:|---:|---:|---:|"]
for scenario, metric, label in (("pingpong", "round_trips_per_s", "strict ping-pong (round trips/s)"),
                                ("pipeline", "lines_per_s", "pipelined (lines/s)")):
    pc = get(scenario, "trivial", "npipe-wine", "pipecalcd", "unpinned", metric)
    if pc is None:
        continue
    raw = get(scenario, "trivial", "npipe-wine", "raw", "unpinned", metric)
    lat = [num(get(scenario, "trivial", "npipe-wine", t, "unpinned", m), 1)
           if scenario == "pingpong" else "–"
           for t in ("pipecalcd", "raw") for m in ("p50_us", "p99_us")]
    wine.append(f"| {label} | {num(pc)} | {lat[0]} | {lat[1]} "
                f"| {num(raw)} | {lat[2]} | {lat[3]} | {ratio(pc, raw)} |")
if len(wine) > 6:
    lines += wine + [""]

# ---- targets -------------------------------------------------------------------
lines += ["### Targets", "", "| target | figure | met |", "|---|---:|---|"]
for name, value, need in targets:
    lines.append(f"| {name} | {value:.2f} | {'yes' if value >= need else '**no**'} |")
lines.append("")

# bench/wine-npipe.sh alone: only its table.
if rows and all(r["transport"] == "npipe-wine" for r in rows):
    lines = [f"Machine: {machine}.", ""] + (wine + [""] if len(wine) > 6 else [])

with open(out_path, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))

# ---- charts --------------------------------------------------------------------
if chart_dir is None:
    sys.exit(0)
try:
    subprocess.run(["gnuplot", "--version"], check=True, capture_output=True)
except (OSError, subprocess.CalledProcessError):
    print("report.py: gnuplot is missing, no charts drawn", file=sys.stderr)
    sys.exit(0)

tmp = tempfile.mkdtemp()
head = (f'set terminal pngcairo size 900,520 font "DejaVu Sans,10"\n'
        f'set key below\nset grid ytics\nset style data histograms\n'
        f'set style histogram clustered gap 1\nset style fill solid 0.8 border -1\n'
        f'set boxwidth 0.9\nset xtics rotate by -25 scale 0\n')


def plot(name, title, ylabel, header, data, extra=""):
    path = os.path.join(tmp, name + ".dat")
    with open(path, "w") as f:
        f.write("\t".join(f'"{h}"' for h in header) + "\n")
        for row in data:
            f.write("\t".join(f'"{row[0]}"' if i == 0 else ("NaN" if v is None else f"{v:g}")
                              for i, v in enumerate(row)) + "\n")
    cols = " , ".join(f"'{path}' using {i + 2}:xtic(1) title columnhead({i + 2})"
                      if i == 0 else f"'' using {i + 2} title columnhead({i + 2})"
                      for i in range(len(header) - 1))
    script = (head + f'set output "{os.path.join(chart_dir, name + ".png")}"\n'
              f'set title "{title}\\n{machine}"\nset ylabel "{ylabel}"\nset yrange [0:*]\n'
              + extra + f"plot {cols}\n")
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


data = []
for t in ("unix", "tcp", "fifo"):
    for pin in ("unpinned", "pinned"):
        if get("pingpong", "trivial", t, "pipecalcd", pin, "round_trips_per_s") is None:
            continue
        data.append([f"{t} {pin}",
                     get("pingpong", "trivial", t, "raw", pin, "round_trips_per_s"),
                     get("pingpong", "trivial", t, "reference", pin, "round_trips_per_s"),
                     get("pingpong", "trivial", t, "pipecalcd", pin, "round_trips_per_s"),
                     get("pingpong", "distinct", t, "pipecalcd", pin, "round_trips_per_s")])
plot("perf-pingpong", "One client, strict ping-pong", "round trips/s",
     ["", "raw echo", "reference (2+2)", "pipecalcd (2+2)", "pipecalcd (new expression each time)"], data)

data = []
for n in clients:
    data.append([f"{n}",
                 get(f"clients-{n}", "trivial", "unix", "raw", "unpinned", "round_trips_per_s"),
                 get(f"clients-{n}", "distinct", "unix", "reference", "unpinned", "round_trips_per_s"),
                 get(f"clients-{n}", "distinct", "unix", "pipecalcd-1loop", "unpinned", "round_trips_per_s"),
                 get(f"clients-{n}", "distinct", "unix", "pipecalcd", "unpinned", "round_trips_per_s")])
plot("perf-clients", "Concurrent ping-pong clients, unix, new expression each time",
     "total round trips/s",
     ["", "raw echo", "reference", "pipecalcd, one main loop", "pipecalcd, worker per core"], data,
     extra='set xlabel "concurrent clients"\nset xtics rotate by 0\n')

data = []
for kind in ("trivial", "func", "multi", "error", "distinct", "json-trivial", "json-func", "batch"):
    metric = "requests_per_s" if kind == "batch" else "lines_per_s"
    pc = get("pipeline", kind, "unix", "pipecalcd", "unpinned", metric)
    if pc is None:
        continue
    data.append([kind, get("pipeline", kind, "unix", "reference", "unpinned", metric), pc])
plot("perf-pipeline", "One client pipelining, unix (log scale)", "requests/s",
     ["", "reference", "pipecalcd"], data, extra="set logscale y\nset yrange [10000:*]\n")
for r in ("perf-pingpong", "perf-clients", "perf-pipeline"):
    print(f"report.py: drew {os.path.join(chart_dir, r + '.png')}", file=sys.stderr)
