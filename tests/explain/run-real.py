#!/usr/bin/env python3
"""The real-world explain corpus: tests/explain/real/*.txt.

Each file is one excerpt copied verbatim from a public issue thread, under
a small header (see real/README.md):

    url: https://github.com/OWNER/REPO/issues/N
    tool: what printed it
    registry: the registry it names ('-' if none)
    cause: the cause the thread confirmed (DESIGN.md section 4), or none
    decides: yes | no | -   (whether the text alone decides the cause)
    group: 0 | 1..8 [,...]  (the issue's groups of misses; 0: none of them)
    confirmed: thread | message | inferred
    ---
    the excerpt, verbatim

The corpus is split in two halves by a hash of the thread URL, so that the
excerpts of one thread stay on one side: 'dev' (signatures are written
from it) and 'held' (held back: only its figures are printed, never its
cases). For each excerpt, `fixkb explain --offline --format json` runs on
the text, and the runner measures per half and per group:

    top1    positives whose text decides the cause: the first finding has it
    top3    all positives: the cause is among the first three findings
    none    positives with no finding at all (lower is better)
    false   negatives (cause: none) with any finding (must be 0)

The figures are checked against real/thresholds.json (TAP, one test per
figure and half): the dev half must not regress below what was reached,
the held half must stay at the issue's goals or at what was reached when
the goals were not. --report prints the table; --misses lists the dev
half's misses (never the held half's).
"""
import hashlib
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
from explainenv import explain_env  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "real")
GROUPS = ["0", "1", "2", "3", "4", "5", "6", "7", "8"]
GROUP_NAMES = {
    "0": "none of 1-8", "1": "wrapped/split lines", "2": "prefix cut",
    "3": "URL shapes", "4": "wrappers", "5": "tools not covered",
    "6": "vendor texts", "7": "build secrets/ssh", "8": "status only",
}


def parse(path):
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    head, sep, text = raw.partition("\n---\n")
    if not sep:
        raise ValueError("%s: no '---' line" % path)
    meta = {}
    for line in head.splitlines():
        key, _, value = line.partition(": ")
        meta[key.strip()] = value.strip()
    for key in ("url", "tool", "registry", "cause", "decides", "group", "confirmed"):
        if key not in meta:
            raise ValueError("%s: header has no '%s'" % (path, key))
    meta["text"] = text
    meta["name"] = os.path.basename(path)[:-4]
    meta["groups"] = [g.strip() for g in meta["group"].split(",")]
    meta["half"] = half_of(meta["url"])
    return meta


def half_of(url):
    """'dev' or 'held', from the thread URL (fragment and trailing '/' dropped)."""
    key = url.split("#")[0].rstrip("/").lower()
    return "dev" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "held"


def load():
    cases = []
    for name in sorted(os.listdir(REAL)):
        if name.endswith(".txt"):
            cases.append(parse(os.path.join(REAL, name)))
    return cases


def explain(fixkb, env, text, scratch):
    log = os.path.join(scratch, "log.txt")
    with open(log, "w", encoding="utf-8") as f:
        f.write(text)
    p = subprocess.run([fixkb, "explain", "--offline", "--format", "json", log],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
    if p.returncode not in (0, 1):
        raise RuntimeError("explain exited %d: %s" % (p.returncode, p.stderr.decode()[:300]))
    return [f.get("cause") for f in json.loads(p.stdout.decode("utf-8", "replace"))["findings"]]


def score(cases):
    """Per half and group: counts for top1/top3/none/false."""
    table = {}
    for c in cases:
        for g in ["all"] + c["groups"]:
            row = table.setdefault((c["half"], g), dict.fromkeys(
                ("top1_n", "top1_ok", "pos", "top3_ok", "none", "neg", "false"), 0))
            causes = c["got"]
            if c["cause"] == "none":
                row["neg"] += 1
                row["false"] += bool(causes)
                continue
            row["pos"] += 1
            row["top3_ok"] += c["cause"] in causes[:3]
            row["none"] += not causes
            if c["decides"] == "yes":
                row["top1_n"] += 1
                row["top1_ok"] += bool(causes) and causes[0] == c["cause"]
    return table


def pct(ok, n):
    return 100.0 * ok / n if n else None


def fmt(ok, n):
    return "-" if not n else "%5.1f%% (%d/%d)" % (100.0 * ok / n, ok, n)


def report(table, out):
    for half in ("dev", "held"):
        out.write("# %s half\n" % half)
        out.write("#   %-22s %-18s %-18s %-18s %s\n" % ("group", "top1 (decides)", "top3 (all)",
                                                     "nothing found", "false on negatives"))
        for g in ["all"] + GROUPS:
            row = table.get((half, g))
            if not row:
                continue
            name = "all" if g == "all" else "%s %s" % (g, GROUP_NAMES[g])
            out.write("#   %-22s %-18s %-18s %-18s %s\n" % (
                name, fmt(row["top1_ok"], row["top1_n"]), fmt(row["top3_ok"], row["pos"]),
                fmt(row["none"], row["pos"]), fmt(row["false"], row["neg"])))


def main():
    args = sys.argv[1:]
    fixkb = os.environ["FIXKB"]
    env, scratch = explain_env("fixkb-real.")
    cases = load()
    for c in cases:
        c["got"] = explain(fixkb, env, c["text"], scratch)
    table = score(cases)
    if "--misses" in args:
        for c in cases:
            if c["half"] != "dev":
                continue
            if c["cause"] == "none":
                if c["got"]:
                    print("FALSE %s: %s" % (c["name"], c["got"]))
            elif c["cause"] not in c["got"][:3] or (c["decides"] == "yes" and c["got"][:1] != [c["cause"]]):
                print("MISS  %s [g%s %s]: want %s got %s" % (c["name"], c["group"], c["decides"],
                                                           c["cause"], c["got"][:4]))
    if "--report" in args or "--misses" in args:
        report(table, sys.stdout)
        return 0
    with open(os.path.join(REAL, "thresholds.json"), encoding="utf-8") as f:
        limits = json.load(f)
    n = failed = 0
    halves = {"dev": 0, "held": 0}
    for c in cases:
        halves[c["half"]] += 1
    for half in ("dev", "held"):
        row, lim = table[(half, "all")], limits[half]
        checks = [
            ("top1 where the text decides", pct(row["top1_ok"], row["top1_n"]), ">=", lim["top1"]),
            ("top3 on all positives", pct(row["top3_ok"], row["pos"]), ">=", lim["top3"]),
            ("nothing found", pct(row["none"], row["pos"]), "<=", lim["none"]),
            ("false findings on negatives", row["false"], "<=", lim["false"]),
        ]
        for what, got, op, want in checks:
            n += 1
            ok = got >= want - 1e-9 if op == ">=" else got <= want + 1e-9
            failed += not ok
            print("%s %d - %s half: %s %.1f %s %s" % ("ok" if ok else "not ok", n, half, what,
                                                     got, op, want))
    print("# %d excerpts: %d dev, %d held" % (len(cases), halves["dev"], halves["held"]))
    report(table, sys.stdout)
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
