#!/usr/bin/env python3
"""Turns one benchmarks/run CSV into a Markdown table (DATE.md), charts (DATE-*.png) and the
six summary lines, printed last.

usage: report.py RESULTS/DATE.csv

The CSV is long: section,client,setting,size_mib,run,metric,value. Every figure in the report is
the median over a setting's runs. Ratios compare figures of the same run of the suite only.
"""
import csv
import statistics
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(path):
    runs = defaultdict(list)
    for r in csv.DictReader(open(path)):
        runs[(r["section"], r["client"], r["setting"], int(r["size_mib"]), r["metric"])].append(float(r["value"]))
    return {k: statistics.median(v) for k, v in runs.items()}


def settings(m, section, size=None):
    """(client, setting, size) in first-seen order for one section."""
    seen = []
    for (s, c, st, sz, _) in m:
        if s == section and (size is None or sz == size) and (c, st, sz) not in seen:
            seen.append((c, st, sz))
    return seen


def fmt(x, digits=2):
    return "n/a" if x is None else f"{x:.{digits}f}"


def auto_section(stem, m):
    """How `auto` moved: from DATE-auto.csv (the tuner's level each second of every auto run),
    the levels it went through in the first run of each context and when, the level it ended
    at, and its rate against the best fixed setting of the same sweep. Plots the traces to
    DATE-auto.png."""
    try:
        rows = list(csv.DictReader(open(stem + "-auto.csv")))
    except FileNotFoundError:
        return []
    traces = defaultdict(list)
    for r in rows:
        if r["run"] == "1":
            traces[r["context"]].append((float(r["elapsed_s"]), int(r["in_flight"])))
    if not traces:
        return []
    md = ["## How `auto` moved (first run of each context)", "",
          "| context | parts in flight allowed (from, s) | at the end | last progress event, s | auto MB/s | best fixed MB/s (setting) |",
          "|---|---|---:|---:|---:|---:|"]
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for context, trace in traces.items():
        steps = [trace[0]] + [(t, level) for (t, level), (_, before) in zip(trace[1:], trace) if level != before]
        path = " → ".join(f"{level} ({t:.1f})" for t, level in steps)
        section, size = ("wan", None) if context.startswith("wan") else ("loopback", int(context.split()[1]))
        fixed = [(v, st) for (s, c, st, sz, metric), v in m.items()
                 if s == section and c == "hoist" and metric == "mb_per_s" and st != "auto" and (size is None or sz == size)]
        auto = [v for (s, c, st, sz, metric), v in m.items()
                if s == section and c == "hoist" and metric == "mb_per_s" and st == "auto" and (size is None or sz == size)]
        best, best_setting = max(fixed) if fixed else (None, None)
        md.append(f"| {context} | {path} | {trace[-1][1]} | {trace[-1][0]:.1f} | {fmt(auto[0] if auto else None, 0)} "
                  f"| {fmt(best, 0)} ({best_setting or 'n/a'}) |")
        ax.step([t for t, _ in trace], [level for _, level in trace], where="post", label=context)
    ax.set_xlabel("seconds since the first part", fontsize=8)
    ax.set_ylabel("parts in flight allowed", fontsize=8)
    ax.set_title("--parallel auto: the tuner's level over one upload", fontsize=9)
    ax.legend(fontsize=7)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    fig.savefig(stem + "-auto.png", dpi=100)
    return md + [""]


def main():
    path = sys.argv[1]
    stem = path[:-len(".csv")]
    m = load(path)
    get = lambda *k: m.get(k)  # noqa: E731
    md = [f"# benchmarks/run: {stem.rsplit('/', 1)[-1]}", ""]
    load_avg = [v for (s, c, st, sz, metric), v in m.items() if s == "meta" and metric == "loadavg"]
    if load_avg:
        md += [f"Load average when the suite started: {load_avg[0]:.2f}.", ""]

    # Loopback.
    sizes = sorted({sz for (s, _, _, sz, _) in m if s == "loopback"})
    summary = {}
    fig, axes = plt.subplots(1, max(1, len(sizes)), figsize=(6 * max(1, len(sizes)), 4), squeeze=False)
    for ax, size in zip(axes[0], sizes):
        md += [f"## Loopback, {size} MiB (medians)", "",
               "| client | setting | MB/s | CPU-s/GiB | peak RSS MiB |", "|---|---|---:|---:|---:|"]
        labels, values = [], []
        for c, st, sz in settings(m, "loopback", size):
            mbps = get("loopback", c, st, sz, "mb_per_s")
            md.append(f"| {c} | {st} | {fmt(mbps, 0)} | {fmt(get('loopback', c, st, sz, 'cpu_s_per_gib'))} "
                      f"| {fmt(get('loopback', c, st, sz, 'peak_rss_mib'), 0)} |")
            labels.append(f"{c} {st}")
            values.append(mbps)
        md.append("")
        ax.barh(labels, values, color=["#2a7" if lab.startswith("hoist") else "#58a" if lab.startswith("curl")
                                       else "#999" for lab in labels])
        ax.invert_yaxis()
        ax.set_title(f"loopback {size} MiB: MB/s (median)", fontsize=9)
        ax.tick_params(labelsize=8)
        best = lambda client: max(((get("loopback", c, st, size, "mb_per_s"), st)  # noqa: E731
                                   for c, st, _ in settings(m, "loopback", size) if c in client), default=(None, None))
        summary[size] = (best(["hoist"]), best(["oss2", "oss-v2"]), best(["curl-sink"]))
    fig.tight_layout()
    fig.savefig(stem + "-loopback.png", dpi=100)

    # Emulated WAN.
    link = next((v for (s, c, st, sz, metric), v in m.items() if s == "wan" and c == "link"), None)
    wan = [(c, st, sz) for c, st, sz in settings(m, "wan") if c not in ("link", "delay-line-check")]
    check = next((v for (s, c, st, sz, metric), v in m.items() if c == "delay-line-check"), None)
    wan_hoist = wan_single = None
    if link:
        rate = next(st for (s, c, st, sz, metric) in m if s == "wan" and c == "link")
        md += [f"## Emulated WAN, {rate} ({link:.0f} MB/s) (medians)", "",
               "| client | setting | MB/s | fraction of the link |", "|---|---|---:|---:|"]
        labels, values = [], []
        for c, st, sz in wan:
            mbps = get("wan", c, st, sz, "mb_per_s")
            md.append(f"| {c} | {st} | {fmt(mbps, 0)} | {fmt(mbps / link)} |")
            labels.append(f"{c} {st}")
            values.append(mbps / link)
        md += ["", f"Delay line check: one `curl -T` stream got {fmt(check)} of the expected "
               "bytes / (bytes / min(link, window/RTT) + 2 RTT).", ""]
        hoist = {st: get("wan", c, st, sz, "mb_per_s") for c, st, sz in wan if c == "hoist"}
        wan_hoist = (hoist["auto"] if "auto" in hoist else max(hoist.values())) / link
        wan_single = next(get("wan", c, st, sz, "mb_per_s") for c, st, sz in wan if c == "curl-single") / link
        fig, ax = plt.subplots(figsize=(6, 3))
        ax.barh(labels, values, color=["#2a7" if lab.startswith("hoist") else "#999" for lab in labels])
        ax.invert_yaxis()
        ax.set_xlim(0, 1.05)
        ax.set_title(f"emulated WAN {rate}: fraction of the link rate", fontsize=9)
        ax.tick_params(labelsize=8)
        fig.tight_layout()
        fig.savefig(stem + "-wan.png", dpi=100)

    md += auto_section(stem, m)

    # Resume, memory, micro.
    resume = settings(m, "resume")
    first_part = None
    if resume:
        part_mib = get("meta", "parts", "part_mib", 0, "mib")
        md += ["## Resume after kill -9 at 50% (counted at the emulator)", "",
               "| client | setting | parts in flight (at the emulator) | re-sent MiB "
               "| parts in flight × part size, MiB | within | restart to first new part, s |",
               "|---|---|---:|---:|---:|---|---:|"]
        for c, st, sz in resume:
            # Parts in flight as the emulator saw them (the most UploadParts in progress at once
            # before the kill); older CSVs lack it, so fall back to a fixed setting.
            in_flight = get("resume", c, st, sz, "in_flight") or (int(st) if st.isdigit() else None)
            bound = in_flight * part_mib if in_flight and part_mib else None
            resent = get("resume", c, st, sz, "resent_mib")
            within = "n/a" if bound is None or resent is None else "yes" if resent <= bound else "**no**"
            md.append(f"| {c} | {st} | {fmt(in_flight, 0)} | {fmt(resent, 1)} | {fmt(bound, 0)} | {within} "
                      f"| {fmt(get('resume', c, st, sz, 'first_part_s'), 3)} |")
            if c == "hoist":
                first_part = get("resume", c, st, sz, "first_part_s")
        md.append("")
    memory = settings(m, "memory")
    if memory:
        md += ["## Memory: hoist upload of sparse files", "",
               "| size GiB | parts in flight | peak RSS MiB | MB/s |", "|---:|---|---:|---:|"]
        for c, st, sz in memory:
            md.append(f"| {sz // 1024} | {'default (auto)' if st == 'default' else st} "
                      f"| {fmt(get('memory', c, st, sz, 'peak_rss_mib'), 0)} "
                      f"| {fmt(get('memory', c, st, sz, 'mb_per_s'), 0)} |")
        md.append("")
    crc = get("micro", "crc64", "1core", 256, "gb_per_s")
    crc_cached = get("micro", "crc64", "1core-in-cache", 0, "gb_per_s")
    kernel = next((st for (s, c, st, sz, metric) in m if s == "micro" and metric == "kernel"), "n/a")
    commits = get("micro", "journal", "commits", 0, "per_s")
    md += ["## Micro", "", f"- CRC-64 kernel ({kernel}): {fmt(crc)} GB/s on one core over 256 MiB, "
           f"{fmt(crc_cached)} GB/s on a 256 KiB buffer in cache",
           f"- journal part commits (synchronous=FULL): {fmt(commits, 0)} per second", ""]

    big = max(summary) if summary else None
    (hoist_best, hoist_setting), (sdk_best, _), (sink, _) = summary[big] if big else ((None,) * 2,) * 3
    cpu = get("loopback", "hoist", hoist_setting, big, "cpu_s_per_gib") if big else None
    lines = [
        f"hoist/best-sdk: {fmt(hoist_best / sdk_best if hoist_best and sdk_best else None)}",
        f"hoist/sink: {fmt(hoist_best / sink if hoist_best and sink else None)}",
        f"cpu-s/GiB: {fmt(cpu)}",
        f"wan hoist/link: {fmt(wan_hoist)}",
        f"wan single-stream/link: {fmt(wan_single)}",
        f"resume first-part-after-restart-s: {fmt(first_part)}",
    ]
    md += ["## Summary", "", "```", *lines, "```", ""]
    with open(stem + ".md", "w") as out:
        out.write("\n".join(md))
    print("\n".join(md[:-len(lines) - 5]))
    print(f"wrote {stem}.csv, {stem}.md and {stem}-*.png")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
