#!/usr/bin/env python3
"""Data-driven explain cases: tests/explain/<case>/{log.txt,expect.json}.

For every case, runs `fixkb explain --offline --format json log.txt` and
checks the findings against expect.json:
  {"findings": [{"entry": ID, "cause": CAUSE, "line": N, "registry": HOST}, ...]}
The first expected finding must be the first actual one (best first); each
further expected finding must appear somewhere. Only the keys given are
compared. {"findings": []} means no finding at all (a negative case), and
exit status 0; a positive case must exit 1. An optional "evidence_origin"
object is compared the same way (only the keys given) with the report's
(where explain says the log comes from). Prints TAP.
A case directory without both files fails.

Also generates a large clean log with the generator meson passes as the
first argument (tests/explain/gen-huge-clean.sh) and expects no finding in
it; a missing generator, one that fails, or a log far smaller than asked
for fails the run instead of skipping the case.

    run-cases.py GENERATOR      (meson: tests/meson.build, explain-cases)
"""
import json
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
from explainenv import explain_env  # noqa: E402

fixkb = os.environ["FIXKB"]
here = os.path.dirname(os.path.abspath(__file__))
env, scratch = explain_env("fixkb-explain.")

n = 0
failed = 0


def tap(ok, name, diag=None):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, name))
    if not ok and diag:
        for line in str(diag).splitlines()[:30]:
            print("#   " + line)
    return ok


def subset(want, got):
    return all(got.get(k) == v for k, v in want.items())


def run(log):
    p = subprocess.run([fixkb, "explain", "--offline", "--format", "json", log],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# real/ is the real-world corpus (run-real.py), not a case
dirs = sorted(d for d in os.listdir(here) if os.path.isdir(os.path.join(here, d))
              and not d.startswith((".", "__")) and d != "real")
for d in dirs:
    missing = [f for f in ("log.txt", "expect.json") if not os.path.isfile(os.path.join(here, d, f))]
    if missing:
        tap(False, "%s: has log.txt and expect.json" % d, "missing: " + ", ".join(missing))
cases = [d for d in dirs if os.path.isfile(os.path.join(here, d, "expect.json"))
         and os.path.isfile(os.path.join(here, d, "log.txt"))]
positives = negatives = 0
for case in cases:
    d = os.path.join(here, case)
    with open(os.path.join(d, "expect.json"), encoding="utf-8") as f:
        expect = json.load(f)
    want = expect.get("findings", [])
    rc, out, err = run(os.path.join(d, "log.txt"))
    try:
        got = json.loads(out).get("findings", [])
    except ValueError:
        tap(False, "%s: json output" % case, err or out[:500])
        continue
    brief = [{k: g.get(k) for k in ("entry", "cause", "line", "registry")} for g in got]
    if not want:
        negatives += 1
        tap(rc == 0 and not got, "%s: no finding (negative)" % case, json.dumps(brief, indent=1))
        continue
    positives += 1
    ok = rc == 1 and got and subset(want[0], got[0])
    ok = ok and all(any(subset(w, g) for g in got) for w in want[1:])
    tap(bool(ok), "%s: %s first" % (case, want[0].get("entry")),
        "want %s\ngot  %s\nrc %d %s" % (json.dumps(want), json.dumps(brief), rc, err))
    if "evidence_origin" in expect:
        origin = json.loads(out).get("evidence_origin") or {}
        tap(subset(expect["evidence_origin"], origin), "%s: evidence origin" % case,
            "want %s\ngot  %s" % (json.dumps(expect["evidence_origin"]), json.dumps(origin)))

HUGE_MB = 20
gen = sys.argv[1] if len(sys.argv) > 1 else None
if not gen or not os.path.isfile(gen):
    tap(False, "huge clean log: the generator exists",
        "run-cases.py GENERATOR: got %r (meson passes tests/explain/gen-huge-clean.sh)" % gen)
else:
    huge = os.path.join(scratch, "huge-clean.log")
    g = subprocess.run(["bash", gen, huge, str(HUGE_MB)], env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    size = os.path.getsize(huge) if os.path.exists(huge) else 0
    if tap(g.returncode == 0 and size >= (HUGE_MB - 1) << 20,
           "huge clean log: generated (%d MB of %d)" % (size >> 20, HUGE_MB),
           "%s exited %d: %s" % (gen, g.returncode, g.stdout.decode("utf-8", "replace")[-500:])):
        rc, out, err = run(huge)
        try:
            got = json.loads(out).get("findings", [])
        except ValueError:
            got = None
        tap(rc == 0 and got == [], "huge clean log (%d MB): no finding" % (size >> 20), err or out[:500])
    if os.path.exists(huge):
        os.unlink(huge)

print("# %d positive and %d negative cases" % (positives, negatives))
print("1..%d" % n)
shutil.rmtree(scratch, ignore_errors=True)
sys.exit(1 if failed else 0)
