#!/usr/bin/env python3
"""Turns tests/bench/bench.sh's BENCH lines into tables and a chart.

  report.py --results FILE [--markdown OUT.md] [--svg OUT.svg]
            [--update-doc docs/benchmarks.md]

--markdown writes the generated section alone; --update-doc replaces the
text between <!-- bench:results --> and <!-- /bench:results --> in an
existing document (the prose around it stays). Each value is the median of
the rounds, with the smallest and largest in brackets.
"""
import argparse
import re
import statistics
import sys
from collections import defaultdict

NAMES = {
    "direct": "direct (no balancer)",
    "ipvs-nat": "IPVS NAT",
    "ipvs-nat-ct": "IPVS NAT, vs.conntrack=1",
    "ipvs-nat-tab20": "IPVS NAT, conn_tab_bits=20",
    "fnat-nat": "fnat NAT",
    "fnat-fullnat": "fnat FULLNAT + TOA",
    "fnat-dr": "fnat DR",
}
ORDER = list(NAMES)
SETS = {"bare": "Bare director", "fw": "Director with `-m conntrack --ctstate INVALID -j DROP` on INPUT"}


def parse(path):
    info, runs, scale = {}, defaultdict(list), {}
    for line in open(path, encoding="utf-8"):
        words = line.split()
        if not words:
            continue
        kv = dict(w.split("=", 1) for w in words[1:] if "=" in w)
        if words[0] == "BENCHINFO":
            info.update(kv)
        elif words[0] == "BENCH" and len(words) > 1 and words[1] == "scale":
            scale[(kv["cfg"], kv["metric"])] = num(kv.get("value"))
        elif words[0] == "BENCH":
            runs[(kv["set"], kv["cfg"], kv["metric"])].append(num(kv.get("value")))
    return info, runs, scale


def num(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def stat(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)


def fmt(v, digits=0):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}"


def cell(s, digits=0):
    if s is None:
        return "n/a"
    med, lo, hi = s
    return f"{fmt(med, digits)} ({fmt(lo, digits)}–{fmt(hi, digits)})"


def ratio(a, b):
    if a is None or b is None or b[0] == 0:
        return None
    return a[0] / b[0]


def rfmt(r):
    return "n/a" if r is None else f"{r:.2f}x"


def inverse_ratio(a, b):
    """Capacity from cost: b's cost over a's (how much more a can carry)."""
    if a is None or b is None or a[0] == 0:
        return None
    return b[0] / a[0]


def set_table(runs, set_name):
    cfgs = [c for c in ORDER if (set_name, c, "cps") in runs]
    get = lambda c, m: stat(runs.get((set_name, c, m), []))
    total = lambda c, m: int(sum(v or 0 for v in runs.get((set_name, c, m), [])))
    fw = set_name == "fw"
    lines = [
        f"#### {SETS[set_name]}: TCP connections",
        "",
        "| configuration | conn/s | vs IPVS NAT | vs direct | p50 ms | p99 ms | director µs/conn | capacity vs IPVS NAT | failed conns |"
        + (" dropped by the rule |" if fw else ""),
        "|---|---|---|---|---|---|---|---|---|" + ("---|" if fw else ""),
    ]
    for c in cfgs:
        cps, cost = get(c, "cps"), get(c, "dir_us_per_conn")
        lines.append(
            f"| {NAMES[c]} | {cell(cps)} | {rfmt(ratio(cps, get('ipvs-nat', 'cps')))} "
            f"| {rfmt(ratio(cps, get('direct', 'cps')))} "
            f"| {cell(get(c, 'p50_ms'), 2)} | {cell(get(c, 'p99_ms'), 2)} "
            f"| {cell(cost)} | {rfmt(inverse_ratio(cost, get('ipvs-nat', 'dir_us_per_conn')))} "
            f"| {total(c, 'conn_failed')} |" + (f" {total(c, 'fw_dropped'):,} |" if fw else "")
        )
    lines += [
        "",
        f"#### {SETS[set_name]}: UDP packets and bulk TCP",
        "",
        "| configuration | UDP pps | vs IPVS NAT | vs direct | director µs/packet | capacity vs IPVS NAT | bulk Mbit/s | vs direct |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in cfgs:
        pps, cost, bulk = get(c, "pps"), get(c, "dir_us_per_pkt"), get(c, "bulk_mbps")
        lines.append(
            f"| {NAMES[c]} | {cell(pps)} | {rfmt(ratio(pps, get('ipvs-nat', 'pps')))} "
            f"| {rfmt(ratio(pps, get('direct', 'pps')))} "
            f"| {cell(cost, 2)} | {rfmt(inverse_ratio(cost, get('ipvs-nat', 'dir_us_per_pkt')))} "
            f"| {cell(bulk)} | {rfmt(ratio(bulk, get('direct', 'bulk_mbps')))} |"
        )
    return lines


def scale_table(scale):
    cfgs = [c for c in ORDER if any(k[0] == c for k in scale)]
    if not cfgs:
        return []
    big = max((int(m.split("_")[-1]) for (_, m) in scale if m.startswith("entries_")), default=0)
    g = lambda c, m: scale.get((c, m))
    lines = [
        "#### The table at scale (bare director)",
        "",
        f"| balancer | slab object, bytes | kernel memory per connection at 100k | at {big:,} | entries held | UDP pps, 1k entries | UDP pps, {big:,} entries | kept |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in cfgs:
        p1, pb = g(c, "pps_1k"), g(c, "pps_big")
        kept = None if not p1 or pb is None else pb / p1
        lines.append(
            f"| {NAMES[c]} | {fmt(g(c, 'obj_bytes'))} | {fmt(g(c, 'bytes_per_conn_100000'))} "
            f"| {fmt(g(c, f'bytes_per_conn_{big}'))} | {fmt(g(c, f'entries_{big}'))} "
            f"| {fmt(p1)} | {fmt(pb)} | {'n/a' if kept is None else f'{kept:.0%}'} |"
        )
    return lines


def markdown(info, runs, scale):
    lines = [
        "<!-- bench:results -->",
        f"Run of {info.get('date', '?')}: kernel {info.get('kernel', '?')}, "
        f"{info.get('cpus', '?')} vCPUs and {info.get('mem_mb', '?')} MB under QEMU TCG "
        f"(topology: {info.get('topology', '?')}), {info.get('rounds', '?')} rounds, "
        f"{info.get('seconds', '?')} s per connection-rate run. Each cell: median (min–max) over the rounds.",
        "",
    ]
    for s in SETS:
        if any(k[0] == s for k in runs):
            lines += set_table(runs, s) + [""]
    lines += scale_table(scale) + ["", "![fnat and IPVS, relative to IPVS NAT](benchmarks.svg)", ""]
    lines += summary(runs, scale)
    lines.append("<!-- /bench:results -->")
    return "\n".join(lines) + "\n"


def summary(runs, scale):
    out = ["<!-- bench:summary -->"]
    for s in SETS:
        metrics = ("cps", "pps", "bulk_mbps", "dir_us_per_conn", "dir_us_per_pkt")
        base = {m: stat(runs.get((s, "ipvs-nat", m), [])) for m in metrics}
        for c in ("fnat-nat", "fnat-fullnat", "fnat-dr", "ipvs-nat-ct"):
            if (s, c, "cps") not in runs:
                continue
            mine = {m: stat(runs.get((s, c, m), [])) for m in metrics}
            parts = []
            for m, label in (("cps", "conn/s"), ("pps", "UDP pps"), ("bulk_mbps", "bulk")):
                parts.append(f"{label} {rfmt(ratio(mine[m], base[m]))}")
            parts.append(f"director capacity per conn {rfmt(inverse_ratio(mine['dir_us_per_conn'], base['dir_us_per_conn']))}")
            parts.append(f"per packet {rfmt(inverse_ratio(mine['dir_us_per_pkt'], base['dir_us_per_pkt']))}")
            direct = stat(runs.get((s, "direct", "bulk_mbps"), []))
            parts.append(f"bulk vs direct {rfmt(ratio(stat(runs[(s, c, 'bulk_mbps')]), direct))}")
            out.append(f"- {s}, {NAMES[c]} against IPVS NAT: " + ", ".join(parts))
    ipvs = scale.get(("ipvs-nat", "bytes_per_conn_100000"))
    for c in ("fnat-nat", "fnat-fullnat"):
        mine = scale.get((c, "bytes_per_conn_100000"))
        if ipvs and mine:
            out.append(f"- memory per connection at 100k, {NAMES[c]} against IPVS NAT: {mine / ipvs:.2f}x")
    out.append("<!-- /bench:summary -->")
    return out


def svg(runs):
    # (metric, label, whether smaller is better: a cost, shown as capacity)
    metrics = [("cps", "conn/s", False), ("dir_us_per_conn", "conn per dir. CPU", True),
               ("pps", "UDP pps", False), ("dir_us_per_pkt", "pkt per dir. CPU", True),
               ("bulk_mbps", "bulk", False)]
    sets = [s for s in SETS if any(k[0] == s for k in runs)]
    cfgs = [c for c in ORDER if c != "ipvs-nat" and any(k[1] == c for k in runs)]
    colors = {"direct": "#999999", "ipvs-nat-ct": "#d98c3f", "fnat-nat": "#3f7fd9",
              "fnat-fullnat": "#2a9d5c", "fnat-dr": "#8a5cc7"}
    panel_w, h, top, bottom, left = 560, 300, 40, 60, 50
    width = left + panel_w * len(sets) + 20
    rmax = 0.0
    vals = {}
    if not sets:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n'
    for s in sets:
        for m, _, cost in metrics:
            base = stat(runs.get((s, "ipvs-nat", m), []))
            for c in cfgs:
                mine = stat(runs.get((s, c, m), []))
                r = inverse_ratio(mine, base) if cost else ratio(mine, base)
                vals[(s, m, c)] = r
                if r is not None:
                    rmax = max(rmax, r)
    rmax = max(2.0, min(rmax * 1.1, 50.0))
    plot_h = h - top - bottom
    y = lambda r: top + plot_h - plot_h * min(r, rmax) / rmax
    e = []
    e.append(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h + 30}" '
             'font-family="sans-serif" font-size="11">')
    e.append(f'<rect width="{width}" height="{h + 30}" fill="white"/>')
    for i, s in enumerate(sets):
        x0 = left + i * panel_w
        e.append(f'<text x="{x0 + panel_w / 2}" y="18" text-anchor="middle" font-size="13">'
                 f'{"bare director" if s == "bare" else "with --ctstate INVALID -j DROP"}</text>')
        step = 0.5 if rmax <= 4 else (1 if rmax <= 10 else 5)
        t = 0.0
        while t <= rmax + 1e-9:
            e.append(f'<line x1="{x0}" x2="{x0 + panel_w - 20}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#eee"/>')
            if i == 0:
                e.append(f'<text x="{x0 - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t:g}x</text>')
            t += step
        e.append(f'<line x1="{x0}" x2="{x0 + panel_w - 20}" y1="{y(1):.1f}" y2="{y(1):.1f}" '
                 'stroke="#d33" stroke-dasharray="4 3"/>')
        group_w = (panel_w - 20) / len(metrics)
        bar_w = (group_w - 16) / max(1, len(cfgs))
        for j, (m, label, _) in enumerate(metrics):
            gx = x0 + j * group_w + 8
            for k, c in enumerate(cfgs):
                r = vals.get((s, m, c))
                if r is None:
                    continue
                bx = gx + k * bar_w
                e.append(f'<rect x="{bx:.1f}" y="{y(r):.1f}" width="{bar_w - 2:.1f}" '
                         f'height="{top + plot_h - y(r):.1f}" fill="{colors.get(c, "#555")}">'
                         f'<title>{NAMES[c]} {label}: {r:.2f}x IPVS NAT</title></rect>')
            e.append(f'<text x="{gx + (group_w - 16) / 2:.1f}" y="{top + plot_h + 15}" '
                     f'text-anchor="middle" font-size="10">{label}</text>')
    lx = left
    for c in cfgs:
        e.append(f'<rect x="{lx}" y="{h - 8}" width="10" height="10" fill="{colors.get(c, "#555")}"/>')
        e.append(f'<text x="{lx + 14}" y="{h + 1}">{NAMES[c]}</text>')
        lx += 14 + 7 * len(NAMES[c]) + 16
    e.append(f'<text x="{left}" y="{h + 22}" fill="#d33">dashed: IPVS NAT (1x); bars: ratio to it, '
             'median of the rounds</text>')
    e.append("</svg>")
    return "\n".join(e) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", required=True)
    ap.add_argument("--markdown")
    ap.add_argument("--svg")
    ap.add_argument("--update-doc")
    a = ap.parse_args()
    info, runs, scale = parse(a.results)
    if not runs and not scale:
        sys.exit(f"report: no BENCH results in {a.results}")
    md = markdown(info, runs, scale)
    if a.markdown:
        open(a.markdown, "w", encoding="utf-8").write(md)
    if a.svg:
        open(a.svg, "w", encoding="utf-8").write(svg(runs))
    if a.update_doc:
        doc = open(a.update_doc, encoding="utf-8").read()
        pat = re.compile(r"<!-- bench:results -->.*<!-- /bench:results -->\n", re.S)
        if not pat.search(doc):
            sys.exit(f"report: {a.update_doc} has no <!-- bench:results --> section")
        open(a.update_doc, "w", encoding="utf-8").write(pat.sub(lambda _: md, doc))


if __name__ == "__main__":
    main()
