#!/usr/bin/env python3
"""ci-yaml.py — the shipped CI integrations checked without their CI systems.

usage: ci-yaml.py lint-action ACTION_YML
       ci-yaml.py lint-gitlab TEMPLATE_YML
       ci-yaml.py run-action ACTION_YML ACTION_PATH [NAME=VALUE]...
       ci-yaml.py gitlab-script TEMPLATE_YML JOB

lint-action: a YAML parse (python3-yaml, as actionlint is not packaged), then
the keys GitHub's action metadata syntax allows (docs.github.com/en/actions/
reference/workflows-and-actions/metadata-syntax): top-level name, author,
description, inputs, outputs, runs, branding; each input a description and
only required/default/deprecationMessage; each composite output a
description and a value; runs.using composite with steps; each step only the
keys a composite step takes, a shell with every run, unique ids; every
${{ }} expression naming a declared input, an earlier step's id, or the
github/runner/env contexts; and no ${{ }} inside a run script (inputs reach
scripts through env:, never spliced into shell).

lint-gitlab: a YAML parse, then GitLab's CI keywords (docs.gitlab.com/ci/
yaml/): top-level keys are global keywords or jobs, each job's keys are job
keywords, script lists are lists of strings.

run-action: runs the composite action's steps in order as the runner would,
in this environment: each step's env: resolved (inputs with their defaults or
NAME=VALUE overrides, github.action_path, github.token from $GITHUB_TOKEN),
its run script through `bash -e`, its own $GITHUB_OUTPUT file; then the
action's outputs resolved from the steps' outputs. Prints {"outputs": {...},
"steps": [{"id", "rc"}]} and exits with the first failing step's status.

gitlab-script: prints JOB's before_script and script lines, one shell script
(with GitLab's `set -eo pipefail`), for bash to run.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r'\$\{\{\s*(.*?)\s*\}\}')
ACTION_TOP = {'name', 'author', 'description', 'inputs', 'outputs', 'runs', 'branding'}
INPUT_KEYS = {'description', 'required', 'default', 'deprecationMessage'}
OUTPUT_KEYS = {'description', 'value'}
STEP_KEYS = {'id', 'name', 'if', 'run', 'shell', 'uses', 'with', 'env', 'working-directory',
             'continue-on-error'}
SHELLS = {'bash', 'sh', 'pwsh', 'python', 'cmd', 'powershell'}
GITLAB_GLOBAL = {'default', 'include', 'stages', 'variables', 'workflow', 'spec'}
GITLAB_JOB = {'after_script', 'allow_failure', 'artifacts', 'before_script', 'cache', 'coverage',
              'dast_configuration', 'dependencies', 'environment', 'extends', 'hooks', 'identity',
              'id_tokens', 'image', 'inherit', 'interruptible', 'manual_confirmation', 'needs',
              'pages', 'parallel', 'release', 'resource_group', 'retry', 'rules', 'script',
              'secrets', 'services', 'stage', 'tags', 'timeout', 'trigger', 'variables', 'when'}

problems = []


def problem(msg):
    problems.append(msg)


class Loader(yaml.SafeLoader):
    """GitLab's !reference tag, kept as a list."""


Loader.add_constructor('!reference', lambda l, n: l.construct_sequence(n))


def load(path):
    with open(path, encoding='utf-8') as f:
        return yaml.load(f, Loader=Loader)


def check_expr(where, text, inputs, step_ids):
    for m in EXPR.finditer(str(text)):
        e = m.group(1)
        name = re.match(r'^([a-z]+)\.([A-Za-z0-9_-]+)(?:\.outputs\.([A-Za-z0-9_-]+))?$', e)
        if not name:
            problem('%s: expression ${{ %s }} is not a plain context reference' % (where, e))
            continue
        ctx, key = name.group(1), name.group(2)
        if ctx == 'inputs' and key not in inputs:
            problem('%s: ${{ %s }}: no input %r' % (where, e, key))
        elif ctx == 'steps' and (key not in step_ids or not name.group(3)):
            problem('%s: ${{ %s }}: no earlier step id %r with an output' % (where, e, key))
        elif ctx not in ('inputs', 'steps', 'github', 'runner', 'env'):
            problem('%s: ${{ %s }}: unknown context %r' % (where, e, ctx))


def lint_action(path):
    doc = load(path)
    if not isinstance(doc, dict):
        return problem('%s: not a mapping' % path)
    for k in doc:
        if k not in ACTION_TOP:
            problem('top-level key %r is not in the metadata syntax' % k)
    for k in ('name', 'description', 'runs'):
        if k not in doc:
            problem('missing required top-level key %r' % k)
    inputs = doc.get('inputs') or {}
    for name, spec in inputs.items():
        if not isinstance(spec, dict) or 'description' not in spec:
            problem('input %r: needs a description' % name)
            continue
        for k in spec:
            if k not in INPUT_KEYS:
                problem('input %r: key %r not allowed' % (name, k))
        check_expr('input %r default' % name, spec.get('default', ''), inputs, set())
    runs = doc.get('runs') or {}
    if runs.get('using') != 'composite':
        problem('runs.using is %r, not composite' % runs.get('using'))
    ids = set()
    for i, st in enumerate(runs.get('steps') or []):
        where = 'step %d (%s)' % (i + 1, st.get('name', st.get('id', '?')))
        for k in st:
            if k not in STEP_KEYS:
                problem('%s: key %r not allowed in a composite step' % (where, k))
        if 'run' in st:
            if st.get('shell') not in SHELLS:
                problem('%s: a run step needs a shell (got %r)' % (where, st.get('shell')))
            if EXPR.search(st['run']):
                problem('%s: ${{ }} inside the run script (pass it through env:)' % where)
        elif 'uses' not in st:
            problem('%s: neither run nor uses' % where)
        for k, v in (st.get('env') or {}).items():
            check_expr('%s env %s' % (where, k), v, inputs, ids)
        if 'id' in st:
            if st['id'] in ids:
                problem('%s: duplicate id %r' % (where, st['id']))
            ids.add(st['id'])
    for name, spec in (doc.get('outputs') or {}).items():
        if not isinstance(spec, dict) or set(spec) != OUTPUT_KEYS:
            problem('output %r: a composite output has exactly description and value' % name)
            continue
        check_expr('output %r' % name, spec['value'], inputs, ids)
    return doc


def lint_gitlab(path):
    doc = load(path)
    if not isinstance(doc, dict):
        return problem('%s: not a mapping' % path)
    for name, job in doc.items():
        if name in GITLAB_GLOBAL:
            continue
        if not isinstance(job, dict):
            problem('job %r: not a mapping' % name)
            continue
        for k in job:
            if k not in GITLAB_JOB:
                problem('job %r: %r is not a GitLab job keyword' % (name, k))
        for k in ('before_script', 'script', 'after_script'):
            if k in job and not all(isinstance(x, (str, list)) for x in job[k]):
                problem('job %r: %s must be a list of strings' % (name, k))
        if not name.startswith('.') and 'script' not in job and 'trigger' not in job \
                and 'extends' not in job:
            problem('job %r: a visible job needs script' % name)
    return doc


def resolve(text, inputs, ctx):
    def one(m):
        kind, _, rest = m.group(1).partition('.')
        if kind == 'inputs':
            return str(inputs.get(rest, ''))
        if kind == 'steps':
            sid, _, out = rest.partition('.outputs.')
            return ctx['steps'].get(sid, {}).get(out, '')
        if kind == 'github':
            return ctx['github'].get(rest, '')
        return os.environ.get(rest, '') if kind == 'env' else ''
    return EXPR.sub(one, str(text))


def read_outputs(path):
    out = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if '=' in line:
                k, _, v = line.rstrip('\n').partition('=')
                out[k] = v
    return out


def run_action(path, action_path, overrides):
    doc = lint_action(path)
    if problems:
        return 2
    ctx = {'steps': {}, 'github': {'action_path': action_path,
                                   'token': os.environ.get('GITHUB_TOKEN', '')}}
    inputs = {}
    for name, spec in (doc.get('inputs') or {}).items():
        inputs[name] = resolve(spec.get('default', ''), {}, ctx)
    inputs.update(overrides)
    report = {'steps': [], 'outputs': {}}
    rc = 0
    for i, st in enumerate(doc['runs']['steps']):
        env = dict(os.environ)
        for k, v in (st.get('env') or {}).items():
            env[k] = resolve(v, inputs, ctx)
        fd, outfile = tempfile.mkstemp(prefix='gh-output.')
        os.close(fd)
        env['GITHUB_OUTPUT'] = outfile
        r = subprocess.run(['bash', '-e', '-c', st['run']], env=env, stdin=subprocess.DEVNULL)
        sid = st.get('id', 'step%d' % i)
        ctx['steps'][sid] = read_outputs(outfile)
        os.unlink(outfile)
        report['steps'].append({'id': sid, 'rc': r.returncode})
        if r.returncode != 0:
            rc = r.returncode
            break
    for name, spec in (doc.get('outputs') or {}).items():
        report['outputs'][name] = resolve(spec['value'], inputs, ctx)
    print(json.dumps(report))
    return rc


def gitlab_script(path, job):
    doc = lint_gitlab(path)
    if problems:
        return 2
    lines = ['set -eo pipefail']
    for k in ('before_script', 'script'):
        lines.extend(doc[job].get(k, []))
    print('\n'.join(lines))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == 'lint-action':
        lint_action(argv[1])
    elif len(argv) >= 2 and argv[0] == 'lint-gitlab':
        lint_gitlab(argv[1])
    elif len(argv) >= 3 and argv[0] == 'run-action':
        rc = run_action(argv[1], argv[2], dict(a.split('=', 1) for a in argv[3:]))
        for p in problems:
            print('problem: ' + p, file=sys.stderr)
        return rc
    elif len(argv) >= 3 and argv[0] == 'gitlab-script':
        rc = gitlab_script(argv[1], argv[2])
        for p in problems:
            print('problem: ' + p, file=sys.stderr)
        return rc
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for p in problems:
        print('problem: ' + p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
