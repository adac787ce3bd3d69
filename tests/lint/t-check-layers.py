#!/usr/bin/env python3
"""t-check-layers.py — scripts/check-layers.py must catch what it claims.

Plants one violation of each rule in a small synthetic tree, and one
forbidden include in a copy of the real tree, and checks that the checker
names each (TAP). A checker that passes everything fails this test.
usage: t-check-layers.py SRCROOT"""
import os
import shutil
import subprocess
import sys
import tempfile

root = sys.argv[1]
checker = os.path.join(root, 'scripts', 'check-layers.py')
n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print('%s %d - %s' % ('ok' if cond else 'not ok', n, what))


def run(tree):
    p = subprocess.run([sys.executable, checker, tree], capture_output=True, text=True)
    return p.returncode, p.stdout


def write(tree, rel, text):
    path = os.path.join(tree, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)


def clean_tree(tree):
    write(tree, 'src/util/a.h', '#ifndef A\n#define A\nint a(void);\n#endif\n')
    write(tree, 'src/util/a.c', '#include "util/a.h"\n\nint a(void)\n{\n\treturn 0;\n}\n')
    write(tree, 'src/net/n.h', 'int n(void);\n')
    write(tree, 'src/net/n.c', '#include "net/n.h"\n#include "util/a.h"\n/* stderr in a comment */\n'
          'int n(void)\n{\n\treturn a();\n}\n')
    write(tree, 'src/cause.h', 'int cause(void);\n')
    write(tree, 'checks/p.c', '#include "cause.h"\n#include "net/n.h"\n')
    write(tree, 'src/cmd/c.c', '#include "checks/checks.h"\n#include "util/a.h"\n'
          'static void f(void)\n{\n\tputs("fine here");\n}\n')
    write(tree, 'src/util/msg.c', '#include <stdio.h>\nstatic void w(void)\n{\n\tfputs("x", stderr);\n}\n')


PLANTS = [
    ('include', 'src/util/bad.c', '#include "net/n.h"\n', 'util/ may not include "net/n.h"'),
    ('include', 'src/net/bad.c', '#include "checks/checks.h"\n', 'net/ may not include "checks/checks.h"'),
    ('include', 'src/docker/bad.c', '#include "cmd/cmd.h"\n', 'docker/ may not include "cmd/cmd.h"'),
    ('include', 'checks/bad.c', '#include "render/report.h"\n', 'checks/ may not include "render/report.h"'),
    ('include', 'checks/bad2.c', '#include "engine.h"\n', 'checks/ may not include "engine.h"'),
    ('include', 'src/bad.c', '#include "render/report.h"\n', 'pipeline/ may not include "render/report.h"'),
    ('stderr', 'src/kb2.c', 'static void f(void)\n{\n\tfprintf(stderr, "x");\n}\n', 'stderr'),
    ('stdout', 'src/docker/p.c', 'static void f(void)\n{\n\tprintf("x");\n}\n', 'docker/ never prints'),
    ('banned', 'src/util/b.c', 'static void f(char *d)\n{\n\tstrcpy(d, "x");\n}\n', 'strcpy() is banned'),
    ('banned', 'src/render/b.c', 'static void f(char *d)\n{\n\tsprintf(d, "x");\n}\n', 'sprintf() is banned'),
    ('file-size', 'src/util/big.c', '\n' * 805, 'lines (at most 800)'),
    ('func-size', 'src/util/long.c', 'int f(void)\n{\n' + '\tx++;\n' * 85 + '}\n', 'f() is 87 lines'),
    ('own-header', 'src/util/a.c', '#include "util/buf.h"\n#include "util/a.h"\n', 'not its own "util/a.h"'),
    ('cycle', 'src/net/n.h', '#include "net/m.h"\n', 'modules include each other'),
]

with tempfile.TemporaryDirectory() as tmp:
    tree = os.path.join(tmp, 'clean')
    clean_tree(tree)
    rc, out = run(tree)
    ok(rc == 0, 'a clean synthetic tree passes (%s)' % out.strip().splitlines()[-1])
    for rule, rel, text, expect in PLANTS:
        t = os.path.join(tmp, 'plant-%d' % n)
        clean_tree(t)
        if rule == 'cycle':
            write(t, 'src/net/m.h', '#include "net/n.h"\n')
        write(t, rel, text)
        rc, out = run(t)
        hit = [l for l in out.splitlines() if l.startswith(rel + ':') and (': %s: ' % rule) in l
               and expect in l] if rule != 'cycle' else [l for l in out.splitlines() if expect in l]
        ok(rc == 1 and hit, '%s caught in %s' % (rule, rel))
        if not hit:
            print('# output:\n# ' + out.replace('\n', '\n# '))

    # The real tree, with one forbidden include planted in util/.
    real = os.path.join(tmp, 'real')
    shutil.copytree(os.path.join(root, 'src'), os.path.join(real, 'src'))
    shutil.copytree(os.path.join(root, 'checks'), os.path.join(real, 'checks'))
    before = run(real)[1]
    with open(os.path.join(real, 'src', 'util', 'err.c'), 'a') as f:
        f.write('#include "checks/checks.h"\n')
    rc, out = run(real)
    ok(rc == 1 and 'src/util/err.c' in out and 'util/ may not include "checks/checks.h"' in out
       and 'src/util/err.c' not in before,
       'a forbidden include planted in the real src/util/err.c is caught')

print('1..%d' % n)
sys.exit(1 if failed else 0)
