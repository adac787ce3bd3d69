#!/usr/bin/env python3
"""interleave.py — time commands against each other in one run, interleaved.

    interleave.py [--runs N] [--warmup W] \\
        --cmd NAME 'COMMAND WORDS' [--cmd ...] \\
        [--goal 'WHAT' NAME PEER MAX ...]

Each round runs every --cmd once, in order, so load that comes and goes on a
shared machine falls on all of them alike. A command is split with shlex and
started with posix_spawn (no shell), stdin from /dev/null, stdout and stderr
to /dev/null; wall time is taken around spawn and wait4, CPU time (user +
system) from wait4's rusage. The exit status of every run must equal the
first run's (a command that starts failing half-way is reported, not timed).

Prints one line per command (median, min and max wall ms, median CPU ms)
and, per --goal, the ratio median(NAME) / median(PEER) with the peer's own
median from this run, and "met" when the ratio is <= MAX, else "NOT met"
(MAX "-": the ratio only, no goal).
Exit status 0 (slowness is never a failure; a broken command is: 2).
Only the standard library.
"""
import argparse
import os
import shlex
import statistics
import sys
import time


def spawn(argv, devnull):
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ,
                          file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                        (os.POSIX_SPAWN_DUP2, devnull, 1),
                                        (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, status, ru = os.wait4(pid, 0)
    wall = (time.perf_counter() - t0) * 1000.0
    return os.waitstatus_to_exitcode(status), wall, (ru.ru_utime + ru.ru_stime) * 1000.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--cmd", nargs=2, action="append", metavar=("NAME", "COMMAND"), default=[])
    ap.add_argument("--goal", nargs=4, action="append", metavar=("WHAT", "NAME", "PEER", "MAX"),
                    default=[])
    a = ap.parse_args()
    cmds = [(name, shlex.split(c)) for name, c in a.cmd]
    names = [n for n, _ in cmds]
    for what, n, p, _ in a.goal:
        for x in (n, p):
            if x not in names:
                ap.error("--goal %r: no --cmd named %r" % (what, x))
    devnull = os.open(os.devnull, os.O_RDWR)
    first = {}
    for _ in range(a.warmup):
        for name, argv in cmds:
            first[name] = spawn(argv, devnull)[0]
    wall = {n: [] for n in names}
    cpu = {n: [] for n in names}
    for _ in range(a.runs):
        for name, argv in cmds:
            rc, w, c = spawn(argv, devnull)
            if first.setdefault(name, rc) != rc:
                print("interleave: %s exited %d, earlier %d: %s" % (name, rc, first[name],
                      shlex.join(argv)), file=sys.stderr)
                return 2
            wall[name].append(w)
            cpu[name].append(c)
    width = max(len(n) for n in names)
    print("  %-*s  %9s %9s %9s %9s  (%d interleaved runs, ms; exit status)" %
          (width, "command", "median", "min", "max", "cpu", a.runs))
    for n in names:
        print("  %-*s  %9.2f %9.2f %9.2f %9.2f  %d" % (width, n, statistics.median(wall[n]),
              min(wall[n]), max(wall[n]), statistics.median(cpu[n]), first[n]))
    for what, n, p, mx in a.goal:
        mn, mp = statistics.median(wall[n]), statistics.median(wall[p])
        ratio = mn / mp if mp > 0 else float("inf")
        verdict = "no goal" if mx == "-" else "goal <= %.2fx: %s" % (
            float(mx), "met" if ratio <= float(mx) else "NOT met")
        print("  %s: %.2f ms vs %s %.2f ms (same run) = %.2fx, %s" % (what, mn, p, mp, ratio, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
