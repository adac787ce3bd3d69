#!/usr/bin/env python3
"""pty-feed.py FILE WAIT_S CMD...: runs CMD on a pseudo-terminal, types
FILE's bytes into it, waits WAIT_S seconds, then types one Ctrl-D (end of
input at the start of a line). Prints what CMD wrote to the terminal and
exits with CMD's status (124 if CMD still runs 20 s after the Ctrl-D)."""
import os
import pty
import select
import sys
import time


def main():
    data = open(sys.argv[1], "rb").read()
    wait_s = float(sys.argv[2])
    cmd = sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""

    def drain(until):
        nonlocal out
        while time.monotonic() < until:
            r, _, _ = select.select([fd], [], [], max(0.0, until - time.monotonic()))
            if not r:
                return True
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                return False
            if not chunk:
                return False
            out += chunk
        return True

    os.write(fd, data)
    drain(time.monotonic() + wait_s)
    os.write(fd, b"\x04")
    deadline = time.monotonic() + 20
    while drain(min(deadline, time.monotonic() + 0.2)):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            drain(time.monotonic() + 0.2)
            break
        if time.monotonic() >= deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.stdout.write(out.decode(errors="replace"))
            return 124
    else:
        _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status)


sys.exit(main())
