#!/usr/bin/env python3
"""Turns the test tables of k8s.io/apiextensions-apiserver's pkg/apiserver/schema/cel/
validation_test.go into portalint conformance data (JSON): one case per rule, with the
schema (OpenAPI v3, as a CRD would carry it), the object, the old object and the upstream
verdict. It reads the Go source as text (a small reader for the composite literals the tables
use) and writes data; no upstream code is copied into portalint.

usage: go_cel_tables.py validation_test.go TestValidationExpressions > cases.json
       go_cel_tables.py validation_test.go TestMessageExpression,TestReasonAndFldPath > messages.json
"""
import json, math, re, sys

# ---------------------------------------------------------------- tokens
TOKEN = re.compile(r'''
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<rune>'(?:[^'\\]|\\.)+')
  | (?P<num>\d+\.\d*(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|0x[0-9a-fA-F]+|\d+)
  | (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>:=|\.\.\.|\S)
''', re.S | re.X)

def go_string(tok):
    if tok[0] == '`':
        return tok[1:-1].replace('\r', '')
    body = tok[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c != '\\':
            out.append(c); i += 1; continue
        n = body[i + 1]
        simple = {'n': '\n', 't': '\t', 'r': '\r', '\\': '\\', '"': '"', "'": "'", 'a': '\a',
                  'b': '\b', 'f': '\f', 'v': '\v'}
        if n in simple:
            out.append(simple[n]); i += 2
        elif n == 'x':
            out.append(chr(int(body[i + 2:i + 4], 16))); i += 4
        elif n == 'u':
            out.append(chr(int(body[i + 2:i + 6], 16))); i += 6
        elif n == 'U':
            out.append(chr(int(body[i + 2:i + 10], 16))); i += 10
        elif n in '01234567':
            out.append(chr(int(body[i + 1:i + 4], 8))); i += 4
        else:
            raise ValueError('escape ' + n)
    # Go strings are bytes; \x escapes in the tables are ASCII, so this is faithful.
    return ''.join(out)

def tokens(src):
    out, i = [], 0
    while i < len(src):
        m = TOKEN.match(src, i)
        if not m:
            raise ValueError('cannot read at %r' % src[i:i + 40])
        i = m.end()
        kind = m.lastgroup
        if kind == 'ws':
            continue
        out.append((kind, m.group()))
    return out

# ---------------------------------------------------------------- values
class Unsupported(Exception):
    pass

def primitive(typ, fmt=''):
    s = {'type': typ}
    if fmt:
        s['format'] = fmt
    return s

def array(list_type, keys, items):
    s = {'type': 'array', 'x-kubernetes-list-type': list_type}
    if items is not None:
        s['items'] = items
    if keys and list_type == 'map':
        s['x-kubernetes-list-map-keys'] = keys
    return s

def with_(s, **kv):
    s = json.loads(json.dumps(s))
    s.update(kv)
    return s

def rules(*r):
    return [dict(x) for x in r]

GLOBALS = {
    'integerType': primitive('integer'), 'int32Type': primitive('integer', 'int32'),
    'int64Type': primitive('integer', 'int64'), 'numberType': primitive('number'),
    'floatType': primitive('number', 'float'), 'doubleType': primitive('number', 'double'),
    'stringType': primitive('string'), 'byteType': primitive('string', 'byte'),
    'booleanType': primitive('boolean'), 'durationFormat': primitive('string', 'duration'),
    'dateFormat': primitive('string', 'date'), 'dateTimeFormat': primitive('string', 'date-time'),
    'math.MaxInt64': 2**63 - 1, 'math.MinInt64': -2**63, 'math.MaxInt32': 2**31 - 1,
    'math.MaxFloat64': 1.7976931348623157e308, 'math.MaxFloat32': 3.4028234663852886e38,
    'math.MaxUint64': 2**64 - 1,
    'true': True, 'false': False, 'nil': None,
    'celconfig.PerCallLimit': 1000000, 'celconfig.RuntimeCELCostBudget': 10000000,
    # TestReasonAndFldPath: the rule reasons and the field.Error types they give.
    'forbiddenReason': 'FieldValueForbidden',
    'apiextensions.FieldValueForbidden': 'FieldValueForbidden',
    'apiextensions.FieldValueRequired': 'FieldValueRequired',
    'apiextensions.FieldValueDuplicate': 'FieldValueDuplicate',
    'apiextensions.FieldValueInvalid': 'FieldValueInvalid',
    'field.ErrorTypeForbidden': 'FieldValueForbidden',
    'field.ErrorTypeRequired': 'FieldValueRequired',
    'field.ErrorTypeDuplicate': 'FieldValueDuplicate',
    'field.ErrorTypeInvalid': 'FieldValueInvalid',
}

def objs(*v):
    return {'val%d' % (i + 1): x for i, x in enumerate(v)}

def schemas(*v):
    return {'type': 'object', 'properties': objs(*v)}

def sprintf(fmt, *args):
    args = list(args)
    def rep(m):
        spec = m.group(0)
        if spec == '%%':
            return '%'
        a = args.pop(0)
        if spec in ('%s', '%v'):
            if isinstance(a, bool):
                return 'true' if a else 'false'
            return str(a)
        if spec == '%d':
            return str(int(a))
        if spec == '%q':
            return json.dumps(a)
        return spec % a
    return re.sub(r'%[-+ #0]*\d*(?:\.\d+)?[a-zA-Z%]', rep, fmt)

def gen_string(n, c):
    return c * n

FUNCS = {
    'primitiveType': primitive,
    'listType': lambda items: array('atomic', None, items),
    'listTypePtr': lambda items: array('atomic', None, items),
    'listSetType': lambda items: array('set', None, items),
    'listMapType': lambda keys, items: array('map', keys, items),
    'listMapTypePtr': lambda keys, items: array('map', keys, items),
    'arrayType': array,
    'objs': objs, 'schemas': schemas,
    'objectType': lambda p: {'type': 'object', 'properties': p},
    'objectTypePtr': lambda p: {'type': 'object', 'properties': p},
    'mapType': lambda v: with_({'type': 'object'}, additionalProperties=v if v is not None else True),
    'mapTypePtr': lambda v: with_({'type': 'object'}, additionalProperties=v if v is not None else True),
    'intOrStringType': lambda: {'x-kubernetes-int-or-string': True},
    'withRule': lambda s, r: with_(s, **{'x-kubernetes-validations': [{'rule': r}]}),
    'withRulePtr': lambda s, r: with_(s, **{'x-kubernetes-validations': [{'rule': r}]}),
    'cloneWithRule': lambda s, r: with_(s, **{'x-kubernetes-validations': [{'rule': r}]}),
    'withRuleMessageAndMessageExpression': lambda s, r, m, me: with_(
        s, **{'x-kubernetes-validations': [{'rule': r, 'message': m, 'messageExpression': me}]}),
    'withRuleAndMessageExpression': lambda s, r, me: with_(
        s, **{'x-kubernetes-validations': [{'rule': r, 'messageExpression': me}]}),
    'withReasonAndFldPath': lambda s, r, p, reason: with_(
        s, **{'x-kubernetes-validations': [dict({'rule': r, 'fieldPath': p}, **({'reason': reason} if reason else {}))]}),
    'withMaxLength': lambda s, n: with_(s, maxLength=n),
    'withMaxItems': lambda s, n: with_(s, maxItems=n),
    'withMaxProperties': lambda s, n: with_(s, maxProperties=n),
    'withDefault': lambda d, s: with_(s, default=d),
    'withNullable': lambda b, s: with_(s, nullable=b) if b else s,
    'withNullablePtr': lambda b, s: with_(s, nullable=b) if b else s,
    'nilInterfaceOfStringSlice': lambda: None,
    'ValsEqualThemselvesAndDataLiteral': lambda a, b, lit: '%s == %s && %s == %s && %s == %s' % (a, lit, lit, a, a, b),
    'fmt.Sprintf': sprintf,
    'int64': int, 'int32': int, 'int': int, 'uint64': int, 'float64': float, 'float32': float,
    'string': str,
    'ptr.To': lambda x: x,
    'genString': gen_string,
    'strings.Repeat': lambda s, n: s * n,
}

# Go struct field -> OpenAPI key. Embedded structs (Generic, Extensions, ValueValidation) flatten.
FIELDS = {
    'Type': 'type', 'Format': 'format', 'Default': 'default', 'Nullable': 'nullable',
    'Description': 'description', 'Title': 'title',
    'Properties': 'properties', 'Items': 'items', 'AdditionalProperties': 'additionalProperties',
    'XPreserveUnknownFields': 'x-kubernetes-preserve-unknown-fields',
    'XEmbeddedResource': 'x-kubernetes-embedded-resource',
    'XIntOrString': 'x-kubernetes-int-or-string', 'XListMapKeys': 'x-kubernetes-list-map-keys',
    'XListType': 'x-kubernetes-list-type', 'XMapType': 'x-kubernetes-map-type',
    'XValidations': 'x-kubernetes-validations', 'Enum': 'enum', 'MaxLength': 'maxLength',
    'MinLength': 'minLength', 'MaxItems': 'maxItems', 'MinItems': 'minItems',
    'MaxProperties': 'maxProperties', 'MinProperties': 'minProperties', 'Pattern': 'pattern',
    'Maximum': 'maximum', 'Minimum': 'minimum', 'Required': 'required',
    'UniqueItems': 'uniqueItems', 'MultipleOf': 'multipleOf',
    'ExclusiveMaximum': 'exclusiveMaximum', 'ExclusiveMinimum': 'exclusiveMinimum',
    'AllOf': 'allOf', 'AnyOf': 'anyOf', 'OneOf': 'oneOf', 'Not': 'not',
    # ValidationRule
    'Rule': 'rule', 'Message': 'message', 'MessageExpression': 'messageExpression',
    'Reason': 'reason', 'FieldPath': 'fieldPath', 'OptionalOldSelf': 'optionalOldSelf',
}

def struct(type_name, fields):
    if type_name == 'field.Error':
        return {'type': fields.get('Type'), 'field': fields.get('Field')}
    if type_name in ('schema.JSON',):
        return fields.get('Object')
    if type_name == 'schema.StructuralOrBool':
        st = fields.get('Structural')
        if st is not None:
            return st
        return bool(fields.get('Bool'))
    out = {}
    for k, v in fields.items():
        if k in ('Generic', 'Extensions', 'ValueValidation', 'ValidationExtensions'):
            if v:
                out.update(v)
            continue
        if k not in FIELDS:
            raise Unsupported('field %s of %s' % (k, type_name))
        if k == 'Nullable' and not v:
            continue
        if k in ('XPreserveUnknownFields', 'XEmbeddedResource', 'XIntOrString') and not v:
            continue
        if v is None:
            continue
        out[FIELDS[k]] = v
    return out

class Parser:
    def __init__(self, toks):
        self.t, self.i = toks, 0

    def peek(self, k=0):
        return self.t[self.i + k] if self.i + k < len(self.t) else ('eof', '')

    def take(self, val=None):
        tok = self.t[self.i]
        if val is not None and tok[1] != val:
            raise ValueError('expected %r, got %r near %r' % (val, tok[1], self.t[self.i:self.i + 8]))
        self.i += 1
        return tok

    def qualified(self):
        name = self.take()[1]
        while self.peek()[1] == '.' and self.peek(1)[0] == 'id':
            self.take('.')
            name += '.' + self.take()[1]
        return name

    def skip_type(self):
        """Skips a Go type; returns its text."""
        text = ''
        while True:
            k, v = self.peek()
            if v == '[':
                self.take(); text += '['
                while self.peek()[1] != ']':
                    text += self.take()[1]
                self.take(); text += ']'
            elif v in ('*', '&'):
                self.take(); text += v
            elif v == 'map':
                self.take(); text += 'map'
            elif v in ('interface', 'struct'):
                self.take(); text += v
                self.take('{')
                depth = 1
                while depth:
                    x = self.take()[1]
                    depth += x == '{'
                    depth -= x == '}'
                return text + '{}'
            elif k == 'id':
                return text + self.qualified()
            else:
                return text

    def expr(self, elided=None):
        v = self.unary(elided)
        while self.peek()[1] in ('+', '-', '*') and self.peek(1)[1] not in ('}',):
            op = self.take()[1]
            w = self.unary(elided)
            if op == '+':
                v = v + w
            elif op == '-':
                v = v - w
            else:
                v = v * w
        return v

    def unary(self, elided):
        k, v = self.peek()
        if v in ('&', '*'):
            self.take()
            return self.unary(elided)
        if v == '-':
            self.take()
            return -self.unary(elided)
        if v == '{':
            return self.composite(elided or '')
        if k in ('str', 'raw'):
            self.take()
            return go_string(v)
        if k == 'rune':
            self.take()
            return go_string('"' + v[1:-1] + '"')
        if k == 'num':
            self.take()
            if v.startswith('0x'):
                return int(v, 16)
            return float(v) if ('.' in v or 'e' in v or 'E' in v) else int(v)
        if v in ('[', 'map'):
            ty = self.skip_type()
            if self.peek()[1] == '(':
                # conversion such as []byte("x")
                self.take('(')
                x = self.expr()
                self.take(')')
                return x
            return self.composite(ty)
        if v == 'func':
            raise Unsupported('function literal')
        if k == 'id':
            name = self.qualified()
            if self.peek()[1] == '[' and name in ('ptr.To',):
                self.take('[')
                self.skip_type()
                self.take(']')
            if self.peek()[1] == '(':
                self.take('(')
                args = []
                while self.peek()[1] != ')':
                    args.append(self.expr())
                    if self.peek()[1] == ',':
                        self.take(',')
                self.take(')')
                if name not in FUNCS:
                    raise Unsupported('call ' + name)
                return FUNCS[name](*args)
            if self.peek()[1] == '{' and (name[0].isupper() or '.' in name) and name not in GLOBALS:
                return self.composite(name)
            if name in GLOBALS:
                return json.loads(json.dumps(GLOBALS[name])) if isinstance(GLOBALS[name], (dict, list)) else GLOBALS[name]
            raise Unsupported('name ' + name)
        raise ValueError('unexpected %r' % (v,))

    def composite(self, ty):
        ty = {'field.ErrorList': '[]field.Error',
              'apiextensions.ValidationRules': '[]apiextensions.ValidationRule'}.get(ty, ty)
        self.take('{')
        elem = None
        if ty.startswith('[]'):
            elem = ty[2:]
        elif ty.startswith('map['):
            elem = ty[ty.index(']') + 1:]
        items, fields, keyed = [], {}, False
        while self.peek()[1] != '}':
            if self.peek(1)[1] == ':' and self.peek()[0] == 'id' and not ty.startswith('map['):
                keyed = True
                name = self.take()[1]
                self.take(':')
                fields[name] = self.expr(elided=None)
            else:
                first = self.expr(elided=elem)
                if self.peek()[1] == ':':
                    self.take(':')
                    fields[first] = self.expr(elided=elem)
                    keyed = True
                else:
                    items.append(first)
            if self.peek()[1] == ',':
                self.take(',')
        self.take('}')
        if ty.startswith('map['):
            return fields
        if ty.startswith('[]'):
            return items
        if keyed or not items:
            return struct(ty, fields)
        raise Unsupported('positional struct ' + ty)

# ---------------------------------------------------------------- tables
def table(src, func):
    start = src.index('func %s(' % func)
    at = src.index('tests := []struct', start)
    p = Parser(tokens(src[at + len('tests := '):]))
    p.skip_type()
    p.take('{')
    cases = []
    while p.peek()[1] != '}':
        begin = p.i
        p.take('{')
        depth, body_end = 1, None
        # Parse field by field so one bad case does not stop the table.
        fields, problem = {}, None
        while p.peek()[1] != '}':
            name = p.take()[1]
            p.take(':')
            mark = p.i
            try:
                fields[name] = p.expr()
            except Unsupported as e:
                problem = problem or str(e)
                p.i = mark
                skip_value(p)
            if p.peek()[1] == ',':
                p.take(',')
        p.take('}')
        if p.peek()[1] == ',':
            p.take(',')
        cases.append((fields, problem))
    return cases

def skip_value(p):
    depth = 0
    while True:
        v = p.peek()[1]
        if depth == 0 and v in (',', '}'):
            return
        if v in ('{', '(', '['):
            depth += 1
        elif v in ('}', ')', ']'):
            depth -= 1
        p.take()

def validations(schema):
    """Every rule of a schema, depth first."""
    out = []
    if isinstance(schema, dict):
        out += [r['rule'] for r in schema.get('x-kubernetes-validations', [])]
        for k in ('properties',):
            for sub in (schema.get(k) or {}).values():
                out += validations(sub)
        for k in ('items', 'additionalProperties'):
            out += validations(schema.get(k))
    return out

def message_cases(src):
    """TestMessageExpression: every case is the rule `false` on {str: string} with the
    case's message and messageExpression, over {str: "a string"}; the verdict is the text
    the error must contain. Cases whose outcome depends on the test's own cost knobs
    (a budget that runs out, a per-call limit of 1) cannot be expressed in a CRD."""
    out, skipped = [], []
    for fields, problem in table(src, 'TestMessageExpression'):
        name = fields.get('name', '?')
        if problem:
            skipped.append({'group': name, 'why': problem})
            continue
        if fields.get('perCallLimit') or (fields.get('expectedRemainingBudget') or 0) < 0:
            skipped.append({'group': name, 'why': 'depends on the test cost budget / per-call limit, not settable in a CRD'})
            continue
        case = {'id': 'TestMessageExpression :: ' + name, 'group': 'TestMessageExpression',
                'schema': {'type': 'object', 'properties': {'str': {'type': 'string'}}},
                'object': {'str': 'a string'}, 'rule': 'false',
                'rule_messageExpression': fields['messageExpression'],
                'expect': 'error', 'message': fields['expectedValidationErr']}
        if fields.get('message'):
            case['rule_message'] = fields['message']
        out.append(case)
    return out, skipped

def reason_cases(src):
    """TestReasonAndFldPath: the schema carries its rules; the verdict is the list of
    errors (type from the rule's reason, field from its fieldPath) under `root`."""
    out, skipped = [], []
    for fields, problem in table(src, 'TestReasonAndFldPath'):
        name = fields.get('name', '?')
        if problem:
            skipped.append({'group': name, 'why': problem})
            continue
        out.append({'id': 'TestReasonAndFldPath :: ' + name, 'group': 'TestReasonAndFldPath',
                    'schema': fields['schema'], 'object': fields['obj'],
                    'rules': validations(fields['schema']), 'expect': 'error',
                    'errors': fields['errors']})
    return out, skipped

def main():
    path, func = sys.argv[1], sys.argv[2]
    src = open(path, encoding='utf-8').read()
    if set(func.split(',')) <= {'TestMessageExpression', 'TestReasonAndFldPath'}:
        out, skipped = [], []
        for f in func.split(','):
            o, s = (message_cases if f == 'TestMessageExpression' else reason_cases)(src)
            out, skipped = out + o, skipped + s
        json.dump({'cases': out, 'skipped': skipped}, sys.stdout, ensure_ascii=False, indent=1)
        print(file=sys.stderr, end='%d cases, %d skipped: %s\n' % (len(out), len(skipped), skipped))
        return
    out, skipped = [], []
    for fields, problem in table(src, func):
        name = fields.get('name', '?')
        if problem:
            skipped.append({'group': name, 'why': problem})
            continue
        base = {k: v for k, v in {
            'group': name, 'schema': fields.get('schema'), 'object': fields.get('obj'),
            'oldObject': fields.get('oldObj'), 'root': fields.get('isRoot', False),
            'oldSchema': fields.get('oldSchema'),
        }.items() if v is not None and v is not False}
        if fields.get('costBudget'):
            base['costBudget'] = fields['costBudget']
        for r in fields.get('valid', []) or []:
            out.append(dict(base, rule=r, expect='valid'))
        for r, msg in (fields.get('errors') or {}).items():
            out.append(dict(base, rule=r, expect='error', message=msg))
    json.dump({'cases': out, 'skipped': skipped}, sys.stdout, ensure_ascii=False, indent=1)
    print(file=sys.stderr, end='%d cases, %d groups skipped: %s\n' % (len(out), len(skipped), skipped))

if __name__ == '__main__':
    main()
