#!/usr/bin/env python3
"""check-layers.py — the layering rules of docs/architecture.md, enforced.

usage: check-layers.py [SRCROOT]        (default: the checkout this script is in)

Reads every .c and .h under SRCROOT/src and SRCROOT/checks and reports,
one line each, "path:line: rule: what":

  include     an #include of ours that crosses a forbidden line (the
              table ALLOWED below: a layer may include only the layers
              listed for it; checks/ may take the cause vocabulary, and
              nothing else, from the pipeline)
  cycle       two modules (x.c + x.h) that include each other, directly
              or through others
  stderr      stderr written anywhere but util/msg.c (the one message
              module)
  stdout      printing from util/, docker/, net/ or checks/ (library code
              never prints; the pipeline prints only to a FILE* it is given)
  banned      strcpy, strcat, sprintf, vsprintf, gets (util/banned.h also
              makes the compiler refuse them)
  file-size   a file over MAX_FILE_LINES lines
  func-size   a function body over MAX_FUNC_LINES lines
  own-header  a .c file whose first include of ours is not its own header

Exit status: 0 clean, 1 violations found, 2 usage error. Comments and
string literals are blanked before the token rules run, so a comment that
mentions stderr is not a violation.
"""
import os
import re
import sys

MAX_FILE_LINES = 800
MAX_FUNC_LINES = 80

# layer -> the layers it may include (itself always included).
ALLOWED = {
    'util': set(),
    'docker': {'util'},
    'net': {'util', 'docker'},
    'checks': {'util', 'docker', 'net'},
    'pipeline': {'util', 'docker', 'net', 'checks'},
    'render': {'util', 'checks', 'pipeline'},
    'fix': {'util', 'docker', 'net', 'checks', 'pipeline'},
    'audit': {'util', 'docker', 'net', 'checks', 'pipeline'},
    'cmd': {'util', 'docker', 'net', 'checks', 'pipeline', 'render', 'fix', 'audit'},
}
# What checks/ may take from the pipeline: the cause vocabulary only.
CHECKS_FROM_PIPELINE = {'cause.h'}
# Headers generated into the build directory, includable by anyone.
GENERATED = {'config.h', 'fixkb-version.h'}
BANNED = ('strcpy', 'strcat', 'sprintf', 'vsprintf', 'gets')
QUIET_LAYERS = {'util', 'docker', 'net', 'checks'}   # never print


def layer_of_path(rel):
    """rel is relative to SRCROOT: src/util/buf.c, checks/x.c, src/kb.c."""
    parts = rel.split('/')
    if parts[0] == 'checks':
        return 'checks'
    if len(parts) == 2:
        return 'pipeline'
    return parts[1]


def layer_of_include(name):
    if '/' not in name:
        return 'pipeline'
    return name.split('/')[0]


def blank_comments_and_strings(text):
    """Same length and lines; comments, strings and chars become spaces."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r'[^\n]', ' ', text[i + 1:j - 1]) + (c if j - 1 > i else ''))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def functions(lines):
    """(name, first_line, body_lines) of each function: a body opens with
    '{' alone at column 0 and closes with '}' at column 0 (the style)."""
    i = 0
    while i < len(lines):
        if lines[i] == '{':
            j = i + 1
            while j < len(lines) and not lines[j].startswith('}'):
                j += 1
            k = i - 1
            while k > 0 and '(' not in lines[k]:
                k -= 1
            m = re.search(r'(\w+)\s*\(', lines[k])
            yield (m.group(1) if m else '?'), k + 1, j - i + 1
            i = j
        i += 1


def sources(root):
    for top in ('src', 'checks'):
        for d, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(('.c', '.h')):
                    p = os.path.join(d, f)
                    yield os.path.relpath(p, root), p


def module_of(rel):
    return rel[:-2]   # src/util/buf.c and src/util/buf.h: one module


def include_target(name):
    """The module an include names (relative to SRCROOT), or None."""
    if name in GENERATED:
        return None
    if name.startswith('checks/'):
        return name[:-2]
    return 'src/' + name[:-2]


def check(root):
    problems = []
    graph = {}
    inc_re = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    for rel, path in sources(root):
        text = open(path, encoding='utf-8', errors='replace').read()
        lines = text.split('\n')
        layer = layer_of_path(rel)
        mod = module_of(rel)
        graph.setdefault(mod, set())
        first_ours = None
        for m in inc_re.finditer(text):
            name = m.group(1)
            line = text.count('\n', 0, m.start()) + 1
            if name in GENERATED:
                continue
            if first_ours is None:
                first_ours = (name, line)
            target = layer_of_include(name)
            if target not in ALLOWED:
                problems.append((rel, line, 'include', '"%s": no such layer' % name))
                continue
            ok = target == layer or target in ALLOWED[layer] or \
                (layer == 'checks' and target == 'pipeline' and name in CHECKS_FROM_PIPELINE)
            if not ok:
                problems.append((rel, line, 'include',
                                 '%s/ may not include "%s" (%s/)' % (layer, name, target)))
            t = include_target(name)
            if t and t != mod:
                graph[mod].add(t)
        if rel.endswith('.c') and os.path.exists(path[:-2] + '.h'):
            own = rel[:-2] + '.h'
            own = own[len('src/'):] if own.startswith('src/') else own
            if first_ours is not None and first_ours[0] != own:
                problems.append((rel, first_ours[1], 'own-header',
                                 'first include is "%s", not its own "%s"' % (first_ours[0], own)))
        code = blank_comments_and_strings(text)
        for no, l in enumerate(code.split('\n'), 1):
            if rel != 'src/util/msg.c' and re.search(r'\bstderr\b|\bperror\s*\(|\bSTDERR_FILENO\b', l):
                if not re.search(r'\bdup2\s*\(', l):
                    problems.append((rel, no, 'stderr', 'only util/msg.c writes to stderr'))
            if layer in QUIET_LAYERS and re.search(
                    r'\bstdout\b|(?<![sv]n)(?<!f)\bprintf\s*\(|\bputs\s*\(|\bputchar\s*\(', l):
                problems.append((rel, no, 'stdout', '%s/ never prints' % layer))
            for b in BANNED:
                if re.search(r'\b%s\s*\(' % b, l) and rel != 'src/util/banned.h':
                    problems.append((rel, no, 'banned', '%s() is banned' % b))
        if len(lines) - (1 if lines and lines[-1] == '' else 0) > MAX_FILE_LINES:
            problems.append((rel, 1, 'file-size', '%d lines (at most %d)'
                             % (len(lines) - 1, MAX_FILE_LINES)))
        if rel.endswith('.c'):
            for name, line, n in functions(lines):
                if n > MAX_FUNC_LINES:
                    problems.append((rel, line, 'func-size', '%s() is %d lines (at most %d)'
                                     % (name, n, MAX_FUNC_LINES)))
    problems += cycles(graph)
    return problems


def cycles(graph):
    """One problem per module-level include cycle (Tarjan's SCCs)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comp.sort()
                out.append((comp[0] + '.c', 1, 'cycle',
                            'modules include each other: ' + ' -> '.join(comp)))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main(argv):
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith('-')):
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    root = argv[1] if len(argv) == 2 else os.path.join(os.path.dirname(__file__), '..')
    if not os.path.isdir(os.path.join(root, 'src')):
        print('check-layers: %s has no src/ folder' % root, file=sys.stderr)
        return 2
    problems = check(root)
    for rel, line, rule, what in sorted(problems):
        print('%s:%d: %s: %s' % (rel, line, rule, what))
    nfiles = sum(1 for _ in sources(root))
    print('check-layers: %d file%s, %d problem%s' % (nfiles, '' if nfiles == 1 else 's',
          len(problems), '' if len(problems) == 1 else 's'))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
