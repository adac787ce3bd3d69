#!/usr/bin/env bash
# bench/audit-walk.sh [FIXKB] — how fast `fixkb audit` walks a tree, against
# `find TREE -name Dockerfile` on the same tree, in the same run.
#
# The tree (generated once into $WORK, kept with KEEP=1): FILES files (default
# 200000) in CONTEXTS build contexts (default 2000). Each context is a project
# with a Dockerfile (ARG/COPY lines), a .gitignore of the usual patterns (that
# match nothing here, so both tools walk the same directories), one in three a
# .dockerignore, one in ten a .docker/config.json with a credential, and the
# rest of its files spread over nested source directories. No .git or
# node_modules (fixkb skips them, find would not: that would flatter fixkb).
#
# Runs RUNS (default 7) interleaved pairs on a warm cache, and reports each
# tool's median wall time, the median ratio, and fixkb's peak RSS (from
# getrusage of the child). Passes when ratio <= 1.5 and RSS <= 20 MB (the
# issue's targets); exits 1 otherwise. On demand, not in the test suite.
set -eu
HERE=$(cd "$(dirname "$0")/.." && pwd)
FIXKB=${1:-${FIXKB:-$HERE/build/fixkb}}
FILES=${FILES:-200000}
CONTEXTS=${CONTEXTS:-2000}
RUNS=${RUNS:-7}
[ -x "$FIXKB" ] || { echo "bench: no fixkb binary at $FIXKB (pass it as \$1)" >&2; exit 2; }
WORK=${WORK:-$(mktemp -d /tmp/fixkb-audit-bench.XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/home"

python3 - "$WORK/tree" "$FILES" "$CONTEXTS" <<'PY'
import base64, os, sys
root, nfiles, nctx = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if os.path.isdir(root):
    sys.exit(0)
per = max(nfiles // nctx, 8)
made = 0
cred = '{"auths":{"registry.example.com":{"auth":"%s"}}}\n' % base64.b64encode(b"ci:benchpw").decode()
for c in range(nctx):
    p = os.path.join(root, "team%02d" % (c % 50), "svc%04d" % c)
    os.makedirs(p)
    files = {
        "Dockerfile": "FROM alpine:3.19\nARG VERSION=1\nCOPY src /app/src\nRUN make\n",
        ".gitignore": "*.log\nbuild/\ndist/\n/coverage\n*.tmp\n",
        "README.md": "# svc\n",
    }
    if c % 3 == 0:
        files[".dockerignore"] = ".git\n*.md\n**/*.tmp\n!keep.tmp\n"
    if c % 10 == 0:
        os.makedirs(os.path.join(p, ".docker"))
        files[".docker/config.json"] = cred
    for name, text in files.items():
        with open(os.path.join(p, name), "w") as f:
            f.write(text)
    made += len(files)
    left = per - len(files)
    for i in range(left):
        d = os.path.join(p, "src", "m%d" % (i % 6), "sub%d" % (i % 3))
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "f%d.c" % i), "w").close()
    made += left
print("bench: generated %d files in %d build contexts under %s" % (made, nctx, root), file=sys.stderr)
PY

python3 - "$FIXKB" "$WORK/tree" "$WORK/home" "$RUNS" <<'PY'
import os, resource, statistics, subprocess, sys, time
fixkb, tree, home, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
env = dict(os.environ, HOME=home, LANG="C", LC_ALL="C")
for k in ("DOCKER_CONFIG", "DOCKER_AUTH_CONFIG", "REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME"):
    env.pop(k, None)
find_cmd = ["find", tree, "-name", "Dockerfile"]
fixkb_cmd = [fixkb, "audit", "--context", tree, "--format", "json", "--timeout", "300"]

def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t0
    if p.returncode not in (0, 1):
        sys.exit("bench: %s failed (%d): %s" % (cmd[0], p.returncode, p.stderr.decode()[:500]))
    return dt, p.stdout

found, _ = None, None
for cmd in (find_cmd, fixkb_cmd):          # warm the cache
    run(cmd)
tf, tk, rss = [], [], 0
for i in range(runs):
    dt, out = run(find_cmd)
    tf.append(dt)
    found = out.count(b"\n")
    dt, out = run(fixkb_cmd)
    tk.append(dt)
# ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure fixkb alone
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.execve(fixkb_cmd[0], fixkb_cmd, env)
_, status, ru = os.wait4(pid, 0)
rss_mb = ru.ru_maxrss / 1024.0
import json
report = json.loads(out)
walk = report["walk"]
mf, mk = statistics.median(tf), statistics.median(tk)
ratio = statistics.median([k / f for k, f in zip(tk, tf)])
print("tree: %d directories, %d files, %d Dockerfiles (find found %d), %d findings"
      % (walk["directories"], walk["files"], walk["dockerfiles"], found, report["summary"]["total"]))
print("find -name Dockerfile: median %.1f ms  (runs: %s)" % (mf * 1000, " ".join("%.0f" % (t * 1000) for t in tf)))
print("fixkb audit          : median %.1f ms  (runs: %s)" % (mk * 1000, " ".join("%.0f" % (t * 1000) for t in tk)))
print("ratio (median of per-run fixkb/find): %.2f  (target <= 1.5)" % ratio)
print("fixkb peak RSS: %.1f MB  (target <= 20)" % rss_mb)
ok = ratio <= 1.5 and rss_mb <= 20 and walk["dockerfiles"] == found
print("bench: %s" % ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
