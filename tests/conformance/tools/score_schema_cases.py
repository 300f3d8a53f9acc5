#!/usr/bin/env python3
"""Turns the Score schema tests of score-spec/score-go (schema/schema_test.go `TestSchema`,
schema/validate_test.go) and the samples of score-spec/spec into portalint conformance data
(JSON): per case the Score document (JSON; the test's base document with the case's edits
applied) and the upstream verdict: `valid`, or `invalid` with the JSON pointer (or message
part) the upstream error must contain.

It reads the Go source as text: the composite-literal reader of go_cel_tables.py for values,
and a small reader of the edit statements the table uses (`var x = src["a"].(map…)["b"]`,
`x["k"] = value`, `delete(x, "k")`). No upstream code is copied into portalint.

usage: score_schema_cases.py schema_test.go validate_test.go SAMPLE.yaml... > cases.json
"""
import copy, json, os, re, sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import go_cel_tables as g  # noqa: E402


def load_yaml(text):
    # Score's loaders decode with gopkg.in/yaml.v3 (YAML 1.2 core scalars); the documents of
    # these tests hold no scalar where YAML 1.1 and 1.2 differ.
    return yaml.safe_load(text)


class Edits:
    """Applies the statements of one `Src: func() … { … }()` body."""

    def __init__(self, base, toks):
        self.vars = {}
        self.base = base
        self.p = g.Parser(toks)

    def path(self):
        """`name["a"].(T)["b"]…` → (variable, [keys])."""
        name = self.p.take()[1]
        keys = []
        while True:
            if self.p.peek()[1] == '[':
                self.p.take('[')
                keys.append(self.p.expr())
                self.p.take(']')
            elif self.p.peek()[1] == '.' and self.p.peek(1)[1] == '(':
                self.p.take('.')
                self.p.take('(')
                self.p.skip_type()
                self.p.take(')')
            else:
                return name, keys

    def resolve(self, name, keys):
        node = self.vars[name]
        for k in keys:
            node = node[k]
        return node

    def run(self):
        while True:
            k, v = self.p.peek()
            if v == '}':
                return
            if v == 'var' or (k == 'id' and self.p.peek(1)[1] == ':='):
                if v == 'var':
                    self.p.take('var')
                name = self.p.take()[1]
                self.p.take()  # = or :=
                if self.p.peek()[1] == 'newTestDocument':
                    self.p.take(); self.p.take('('); self.p.take(')')
                    self.vars[name] = copy.deepcopy(self.base)
                else:
                    src, keys = self.path()
                    self.vars[name] = self.resolve(src, keys)
            elif v == 'return':
                self.p.take()
                self.result = self.vars[self.p.take()[1]]
            elif v == 'delete':
                self.p.take(); self.p.take('(')
                src, keys = self.path()
                self.p.take(',')
                key = self.p.expr()
                self.p.take(')')
                self.resolve(src, keys).pop(key, None)
            elif k == 'id':
                src, keys = self.path()
                self.p.take('=')
                value = self.p.expr()
                self.resolve(src, keys[:-1])[keys[-1]] = value
            else:
                raise ValueError('statement at %r' % (self.p.t[self.p.i:self.p.i + 8],))


def test_schema(src):
    base_src = src[src.index('func newTestDocument'):]
    base = load_yaml(g.go_string(re.search(r'`[^`]*`', base_src).group(0)))
    body = src[src.index('func TestSchema'):]
    toks = g.tokens(body[body.index('}{', body.index('var tests')) + 2:])
    p = g.Parser(toks)
    cases = []
    while p.peek()[1] == '{':
        p.take('{')
        case = {}
        while p.peek()[1] != '}':
            field = p.take()[1]
            p.take(':')
            if field == 'Src':
                p.take('func'); p.take('('); p.take(')'); p.skip_type(); p.take('{')
                e = Edits(base, p.t)
                e.p.i = p.i
                e.run()
                p.i = e.p.i
                p.take('}'); p.take('('); p.take(')')
                case['doc'] = e.result
            else:
                case[field] = p.expr()
            if p.peek()[1] == ',':
                p.take(',')
        p.take('}')
        if p.peek()[1] == ',':
            p.take(',')
        cases.append(case)
    out, seen = [], {}
    for c in cases:
        cid = 'TestSchema :: ' + c['Name']
        seen[cid] = seen.get(cid, 0) + 1
        if seen[cid] > 1:
            cid += ' #%d' % seen[cid]
        case = {'id': cid, 'doc': c['doc']}
        if c['Message']:
            case.update(expect='invalid', error=c['Message'])
        else:
            case['expect'] = 'valid'
        out.append(case)
    return out


def validate_tests(src):
    """validate_test.go: the YAML and JSON documents of the TestValidate* functions that
    validate a literal document, each with its assertion."""
    out = []
    for chunk in src.split('\nfunc ')[1:]:
        m = re.match(r'(TestValidate\w*)\(t \*testing\.T\) \{', chunk)
        if not m:
            continue
        name, body = m.group(1), chunk
        lit = re.search(r'var source = \[\]byte\((`[^`]*`)\)', body)
        if not lit:
            continue
        text = g.go_string(lit.group(1))
        doc = json.loads(text) if 'ValidateJson(' in body else load_yaml(text)
        case = {'id': 'validate_test :: ' + name, 'doc': doc,
                'format': 'json' if 'ValidateJson(' in body else 'yaml'}
        if 'assert.NoError(t, err)' in body:
            case['expect'] = 'valid'
        else:
            case['expect'] = 'invalid'
            e = re.search(r'assert\.EqualError\(t, err, "([^"]*)"\)', body)
            if e:
                case['error'] = e.group(1)
        out.append(case)
    return out


def main():
    cases = test_schema(open(sys.argv[1]).read()) + validate_tests(open(sys.argv[2]).read())
    for sample in sys.argv[3:]:
        cases.append({'id': 'spec samples :: ' + os.path.basename(sample),
                      'doc': load_yaml(open(sample).read()), 'expect': 'valid'})
    json.dump({'cases': cases}, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
