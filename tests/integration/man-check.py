#!/usr/bin/env python3
"""man-check.py — the man pages (docs/man/*.scd) against the binary.

usage: man-check.py MANDIR LISTDIR SRCDIR

LISTDIR holds what the binary says about itself (t0020-man.sh writes it):
  commands        `fixkb --list-commands`
  built           the commands whose --help does not say "not built yet"
  global.opts     `fixkb --list-options`
  CMD.opts        `fixkb CMD --list-options`, for every command
  probes          the probe names of `fixkb probe --help`
  audit.rules     "RULE SEVERITY" of `fixkb audit --help`'s rules

Prints one line per check, "ok NAME" or "not ok NAME: what is wrong"; exits
1 if any check failed. Options are the lines of a page's OPTIONS (fixkb.1:
GLOBAL OPTIONS) section that open a definition:
  *--long* _ARG_        *-s*, *--long*        *--long*
and must equal the binary's table: every option there, none more, with the
same short name and argument name; a repeatable (list) option's text says
"Repeatable".
"""
import json
import os
import re
import sys

OPT_RE = re.compile(r'^(?:\*(-[A-Za-z0-9])\*, )?\*(--[a-z0-9][a-z0-9-]*)\*(?: _([A-Za-z]+)_)?\s*$')
DEF_RE = re.compile(r'^\*([a-z_][a-z0-9_]*)\*\s*$')
RULE_RE = re.compile(r'^\*([a-z][a-z0-9-]*)\* \(([a-z]+)\)\s*$')

results = []


def check(name, problems):
    results.append((name, problems))


def sections(path):
    """{title: [lines]} of an scdoc page."""
    out, cur = {}, None
    for line in open(path, encoding='utf-8').read().split('\n'):
        if line.startswith('# '):
            cur = line[2:].strip()
            out[cur] = []
        elif cur is not None:
            out[cur].append(line)
    return out


def definitions(lines, head_re):
    """[(match, text)] of a section's definitions: a line head_re matches,
    then its tab-indented lines (the text, joined)."""
    out = []
    for line in lines:
        m = head_re.match(line)
        if m:
            out.append([m, ''])
        elif out and out[-1] is not None and line.startswith('\t'):
            out[-1][1] += line.strip() + ' '
        elif line.strip() and out:
            out.append(None)
    return [d for d in out if d is not None]


def page_options(lines):
    """{long: (short, arg, description)} of a section's option entries."""
    return {m.group(2): (m.group(1) or '', m.group(3) or '', text)
            for m, text in definitions(lines, OPT_RE)}


def field_texts(lines):
    """{field: its definition's text} of a FIELDS section."""
    return {m.group(1): text for m, text in definitions(lines, DEF_RE)}


def listing(path):
    """{long: (short, arg, kind)} of an opt_print_listing listing."""
    opts = {}
    for line in open(path, encoding='utf-8').read().splitlines():
        f = line.split('\t')
        if len(f) != 5 or not f[0].startswith('--'):
            raise SystemExit('%s: not a listing line: %r' % (path, line))
        opts[f[0]] = (f[1], f[2], f[3])
    return opts


def compare(page, section, documented, table):
    problems = []
    for long in sorted(table):
        short, arg, kind = table[long]
        if long not in documented:
            problems.append('%s has no entry for %s (in # %s)' % (page, long, section))
            continue
        dshort, darg, text = documented[long]
        if dshort != short:
            problems.append('%s: %s: short option %r, the binary has %r' % (page, long, dshort, short))
        if darg != arg:
            problems.append('%s: %s: argument %r, the binary has %r' % (page, long, darg, arg))
        if kind == 'list' and 'repeatable' not in text.lower():
            problems.append('%s: %s is repeatable: its entry does not say so' % (page, long))
    for long in sorted(set(documented) - set(table)):
        problems.append('%s documents %s, which the binary does not have' % (page, long))
    return problems


def main():
    mandir, listdir, srcdir = sys.argv[1:4]
    rd = lambda n: open(os.path.join(listdir, n), encoding='utf-8').read().split()
    commands = [l.split('\t')[0] for l in
                open(os.path.join(listdir, 'commands'), encoding='utf-8').read().splitlines()]
    built = rd('built')
    top = sections(os.path.join(mandir, 'fixkb.1.scd'))

    # fixkb(1): the global options, the commands, the other pages
    check('fixkb.1 documents exactly the global options',
          compare('fixkb.1', 'GLOBAL OPTIONS', page_options(top.get('GLOBAL OPTIONS', [])),
                  listing(os.path.join(listdir, 'global.opts'))))
    named = {l.strip('*') for l in top.get('COMMANDS', []) if l.startswith('*')}
    named = {re.match(r'[a-z]+', n).group(0) for n in named if re.match(r'[a-z]+', n)}
    check('fixkb.1 names every command in COMMANDS',
          ['fixkb.1: COMMANDS does not name %s' % c for c in commands if c not in named] +
          ['fixkb.1: COMMANDS names %s, which the binary does not have' % c
           for c in sorted(named - set(commands))])
    see_also = ' '.join(top.get('SEE ALSO', []))
    pages = sorted(f[:-4] for f in os.listdir(mandir) if f.endswith('.scd'))
    check('fixkb.1 SEE ALSO names every other page',
          ['fixkb.1: SEE ALSO does not name %s' % p for p in pages if p != 'fixkb.1' and
           '*%s*(%s)' % tuple(p.rsplit('.', 1)) not in see_also])

    # one page per built command, its OPTIONS equal to the command's table
    for c in commands:
        page = 'fixkb-%s.1' % c
        path = os.path.join(mandir, page + '.scd')
        if c not in built and not os.path.exists(path):
            check('%s: not built yet, no page needed' % c, [])
            continue
        if not os.path.exists(path):
            check('%s has a man page' % c, ['docs/man/%s.scd is missing: every built command '
                                            'needs one (docs/man/meson.build lists it)' % page])
            continue
        sec = sections(path)
        check('%s documents exactly the options of %s' % (page, c),
              compare(page, 'OPTIONS', page_options(sec.get('OPTIONS', [])),
                      listing(os.path.join(listdir, c + '.opts'))))
        check('%s has NAME, SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS, EXAMPLES, SEE ALSO' % page,
              ['%s: no # %s section' % (page, s) for s in
               ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO')
               if s not in sec])

    # fixkb-probe(1) describes every probe of the table, and no other
    if 'probe' in built:
        sec = sections(os.path.join(mandir, 'fixkb-probe.1.scd'))
        doc = {m.group(1) for m in map(DEF_RE.match, sec.get('DESCRIPTION', [])) if m}
        have = set(rd('probes'))
        check('fixkb-probe.1 describes exactly the probes of `fixkb probe --help`',
              ['fixkb-probe.1 does not describe probe %s' % p for p in sorted(have - doc)] +
              ['fixkb-probe.1 describes %s, which is no probe' % p for p in sorted(doc - have)])

    # fixkb-audit(1) lists exactly the rules of `fixkb audit --help`, with
    # their severity
    if 'audit' in built:
        sec = sections(os.path.join(mandir, 'fixkb-audit.1.scd'))
        doc = {m.group(1): m.group(2) for m in
               map(RULE_RE.match, sec.get('RULES', [])) if m}
        have = dict(l.split()[:2] for l in
                    open(os.path.join(listdir, 'audit.rules'), encoding='utf-8') if l.strip())
        check('fixkb-audit.1 RULES are exactly the rules of `fixkb audit --help`',
              (['`fixkb audit --help` lists no rules'] if not have else []) +
              ['fixkb-audit.1 does not describe rule %s' % r for r in sorted(set(have) - set(doc))] +
              ['fixkb-audit.1 describes rule %s, which audit does not have' % r
               for r in sorted(set(doc) - set(have))] +
              ['fixkb-audit.1: rule %s is %s, audit says %s' % (r, doc[r], have[r])
               for r in sorted(set(doc) & set(have)) if doc[r] != have[r]])

    # fixkb-kb(5): every top-level field of kb/schema.json, every cause code
    sec = sections(os.path.join(mandir, 'fixkb-kb.5.scd'))
    doc = {m.group(1) for m in map(DEF_RE.match, sec.get('FIELDS', [])) if m}
    schema = json.load(open(os.path.join(srcdir, 'kb', 'schema.json'), encoding='utf-8'))
    have = set(schema.get('properties', {}))
    check('fixkb-kb.5 FIELDS are exactly the fields of kb/schema.json',
          ['fixkb-kb.5 does not describe field %s' % f for f in sorted(have - doc)] +
          ['fixkb-kb.5 describes field %s, which kb/schema.json does not have' % f
           for f in sorted(doc - have)])
    # the rows { "code", "description", SEVERITY } of src/cause.c's table
    # and, in each field's text, the members of its objects (a signature's
    # literal, regex, ...), bilingual texts ({en, zh}) aside
    defs = schema.get('$defs', {})

    def resolve(x):
        while isinstance(x, dict) and '$ref' in x:
            x = defs.get(x['$ref'].split('/')[-1], {})
        return x
    texts = field_texts(sec.get('FIELDS', []))
    problems = []
    for field, spec in sorted(schema.get('properties', {}).items()):
        spec = resolve(spec)
        if spec.get('type') == 'array':
            spec = resolve(spec.get('items', {}))
        members = set(spec.get('properties', {})) if spec.get('type') == 'object' else set()
        if not members or members == {'en', 'zh'}:
            continue
        named = set(re.findall(r'\*([a-z_]+)\*', texts.get(field, '')))
        problems += ['fixkb-kb.5: %s: member %s is not described' % (field, m)
                     for m in sorted(members - named)]
    check('fixkb-kb.5 describes every member of kb/schema.json\'s objects', problems)
    cause_c = open(os.path.join(srcdir, 'src', 'cause.c'), encoding='utf-8').read()
    m = re.search(r'causes\[\]\s*=\s*\{(.*?)\n\};', cause_c, re.S)
    have = set(re.findall(r'\{\s*"([a-z_]+)",', m.group(1))) if m else set()
    doc = set(re.findall(r'\*([a-z_]+)\*', ' '.join(sec.get('CAUSE CODES', []))))
    check('fixkb-kb.5 CAUSE CODES are exactly src/cause.c\'s',
          (['src/cause.c: no table "causes[] = { { \\"code\\", ... }, ... };" to compare with']
           if not have else []) +
          ['fixkb-kb.5 does not name cause %s' % c for c in sorted(have - doc)] +
          ['fixkb-kb.5 names cause %s, which src/cause.c does not have' % c
           for c in sorted(doc - have)])

    failed = 0
    for name, problems in results:
        if problems:
            failed += 1
            print('not ok %s: %s' % (name, '; '.join(problems)))
        else:
            print('ok %s' % name)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
