#!/usr/bin/env python3
"""Timing and reporting helper for benches/compare.sh (run that, not this).

    measure.py time OUT.json RUNS WARMUP LABEL=COMMAND...
        Runs each COMMAND (split like a shell would, run without one) RUNS
        times after WARMUP unmeasured runs, interleaved: every round runs each
        command once, the order rotating from round to round, so a burst of
        load on this shared machine hits all of them alike. Records the
        whole-process wall time of each run, or, for a command that prints a
        line `elapsed=SECONDS` (benches/typst/compile_alone.py), the time it
        measured itself; a run that fails stops everything.
    measure.py rss OUT.json RUNS LABEL=COMMAND...
        Peak resident memory of each COMMAND, through `/usr/bin/time -v`
        ("Maximum resident set size").
    measure.py report RESULTS_DIR
        Prints the Markdown tables from the recorded runs and exits 1 when a
        target is missed.
"""

import json
import math
import os
import re
import shlex
import statistics
import subprocess
import sys
import time


def parse_commands(args):
    out = []
    for a in args:
        label, _, cmd = a.partition("=")
        out.append((label, shlex.split(cmd)))
    return out


def run_once(argv):
    start = time.perf_counter()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    took = time.perf_counter() - start
    if p.returncode != 0:
        sys.stderr.write(p.stderr.decode(errors="replace"))
        sys.exit(f"measure.py: `{shlex.join(argv)}` exited with {p.returncode}")
    # A command that times its own work (Typst's compile alone) says so.
    inner = re.search(rb"^elapsed=([0-9.]+)$", p.stdout, re.M)
    return float(inner.group(1)) if inner else took


def cmd_time(out, runs, warmup, commands):
    commands = parse_commands(commands)
    for _ in range(int(warmup)):
        for _, argv in commands:
            run_once(argv)
    times = {label: [] for label, _ in commands}
    n = len(commands)
    for r in range(int(runs)):
        for k in range(n):
            label, argv = commands[(r + k) % n]
            times[label].append(run_once(argv))
    with open(out, "w") as f:
        json.dump(times, f)


def cmd_rss(out, runs, commands):
    result = {}
    for label, argv in parse_commands(commands):
        kbs = []
        for _ in range(int(runs)):
            p = subprocess.run(["/usr/bin/time", "-v", *argv],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if p.returncode != 0:
                sys.stderr.write(p.stderr)
                sys.exit(f"measure.py: `{shlex.join(argv)}` exited with {p.returncode}")
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
            kbs.append(int(m.group(1)))
        result[label] = kbs
    with open(out, "w") as f:
        json.dump(result, f)


# ---------------------------------------------------------------- report

def load(d, name):
    with open(os.path.join(d, name)) as f:
        return json.load(f)


def med(xs):
    return statistics.median(xs)


def ms(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def paired_ratio(slow, fast):
    """Median of the per-round ratios slow/fast (the rounds are interleaved)."""
    return med([a / b for a, b in zip(slow, fast)])


def cmd_report(d):
    meta = load(d, "meta.json")
    runs = meta["runs"]
    rows, missed = [], []

    def verdict(ok, what):
        if not ok:
            missed.append(what)
        return "met" if ok else "**MISSED**"

    # 1. One document: handbill's whole process against Typst's compile
    # alone (timed inside its process, without Python's start or import).
    t = load(d, "single.json")
    for doc, what in (("leaflet", "A5 leaflet"), ("pack", "briefing pack")):
        hb, ty, typ = t[f"{doc}"], t[f"{doc}-typst"], t[f"{doc}-typst-process"]
        r = paired_ratio(ty, hb)
        rows.append((f"{what}, fresh process: handbill", f"{ms(med(hb))} (min {ms(min(hb))})",
                     "", ""))
        rows.append((f"{what}: Typst {meta['typst']} compile alone (in its process)",
                     f"{ms(med(ty))} (min {ms(min(ty))})", "", ""))
        rows.append((f"{what}: Typst compile alone ÷ handbill process", f"{r:.1f}×", "≥ 5×",
                     verdict(r >= 5, f"{what} 5x faster than Typst's compile alone")))
        rows.append((f"  {what}: Typst in a fresh `python3` process ÷ handbill",
                     f"{paired_ratio(typ, hb):.1f}×", "", "information"))

    # 2. 100 personalised copies.
    t = load(d, "copies.json")
    hb, hb1, ty = t["handbill"], t["handbill-j1"], t["typst"]
    r2 = paired_ratio(ty, hb)
    rows.append((f"100 copies of the pack, one `handbill build` ({meta['cores']} jobs)",
                 f"{ms(med(hb))} (min {ms(min(hb))})", "", ""))
    rows.append(("100 copies, `handbill build --jobs 1`", f"{ms(med(hb1))}", "", ""))
    rows.append(("100 copies, Typst with a reused `typst.Compiler`", f"{ms(med(ty))}", "", ""))
    rows.append(("100 copies: Typst ÷ handbill", f"{r2:.1f}×", "≥ 15×",
                 verdict(r2 >= 15, "100 copies 15x faster than Typst")))
    rows.append(("100 copies: Typst ÷ handbill --jobs 1", f"{paired_ratio(ty, hb1):.1f}×", "",
                 "information"))
    rss = load(d, "rss.json")
    peak = med(rss["handbill"]) / 1024
    rows.append(("100 copies: handbill peak RSS (`/usr/bin/time -v`)", f"{peak:.1f} MB", "< 200 MB",
                 verdict(peak < 200, "100 copies under 200 MB")))
    rows.append(("100 copies: Typst peak RSS, for comparison", f"{med(rss['typst']) / 1024:.1f} MB",
                 "", ""))

    # 2b. 1,000 copies of the leaflet (information: the issue sets no target).
    t = load(d, "leaflets.json")
    hb, ty = t["handbill"], t["typst"]
    rows.append((f"1,000 copies of the leaflet, one `handbill build` ({meta['cores']} jobs)",
                 f"{ms(med(hb))} (min {ms(min(hb))})", "", ""))
    rows.append(("1,000 copies of the leaflet, Typst with a reused `typst.Compiler`",
                 f"{ms(med(ty))}", "", ""))
    rows.append(("1,000 leaflets: Typst ÷ handbill", f"{paired_ratio(ty, hb):.1f}×", "",
                 "information"))

    # 3. Growth with pages.
    g = load(d, "growth.json")
    pages = load(d, "pages.json")
    sizes = sorted(pages, key=lambda k: pages[k])
    t200 = med(g[min(sizes, key=lambda k: abs(pages[k] - 200))])
    p200 = pages[min(sizes, key=lambda k: abs(pages[k] - 200))]
    rows.append((f"{p200}-page pack, fresh process", f"{ms(t200)}", "< 1 s",
                 verdict(t200 < 1.0, "200 pages under 1 s")))
    big = max(sizes, key=lambda k: pages[k])
    t1000 = med(g[big])
    rows.append((f"{pages[big]}-page pack, fresh process", f"{ms(t1000)}", "< 1.2 s",
                 verdict(t1000 < 1.2, "1,000 pages under 1.2 s")))
    big_rss = med(rss["pack-1000"]) / 1024
    rows.append((f"{pages[big]}-page pack: peak RSS", f"{big_rss:.1f} MB", "< 150 MB",
                 verdict(big_rss < 150, "1,000 pages under 150 MB")))
    # The repeated pack sets the same paragraphs again and again, which the
    # layout memo finds: the same pack with every repeat's text its own.
    distinct_pages = load(d, "distinct.json")["pages"]
    t_distinct = med(load(d, "distinct-time.json")["pack-1000-distinct"])
    rows.append((f"{distinct_pages}-page pack, no paragraph repeated, fresh process",
                 f"{ms(t_distinct)}", "", "information"))
    rows.append((f"{distinct_pages}-page pack, no paragraph repeated: peak RSS",
                 f"{med(rss['pack-1000-distinct']) / 1024:.1f} MB", "", "information"))

    print(f"Run {meta['date']} on {meta['machine']}. Medians of {runs} interleaved "
          f"runs (handbill: wall time of the whole process; Typst: its compile alone "
          f"unless said; ratios are medians of per-round ratios). Typst {meta['typst']} "
          f"(typst-py {meta['typst_py']}), {meta['cores']} cores, load average "
          f"at the start {meta['load']}.")
    print()
    print("| measurement | median | target | verdict |")
    print("|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    print(f"Growth with pages (the sample pack's sections repeated; medians of "
          f"{len(g[sizes[0]])} runs):")
    print()
    print("| pages | time | pages/s | ms/page | time ÷ time of the smallest |")
    print("|---|---|---|---|---|")
    base = med(g[sizes[0]])
    for k in sizes:
        tk = med(g[k])
        print(f"| {pages[k]} | {ms(tk)} | {pages[k] / tk:.0f} | {tk / pages[k] * 1000:.2f} | "
              f"{tk / base:.1f}× |")
    # Exponent b of time ≈ a·pages^b between the two largest sizes (fixed
    # start-up costs weigh less there): 1 is linear, 2 quadratic.
    a, b = sizes[-2], sizes[-1]
    expo = math.log(med(g[b]) / med(g[a])) / math.log(pages[b] / pages[a])
    linear = expo < 1.15
    print()
    print(f"Growth exponent from {pages[a]} to {pages[b]} pages: {expo:.2f} "
          f"({'about linear' if linear else 'worse than linear'}).")
    print()
    if missed:
        print("MISSED: " + "; ".join(missed))
        sys.exit(1)
    print("All targets met.")


def main():
    cmd, *args = sys.argv[1:]
    if cmd == "time":
        cmd_time(args[0], args[1], args[2], args[3:])
    elif cmd == "rss":
        cmd_rss(args[0], args[1], args[2:])
    elif cmd == "report":
        cmd_report(args[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
