#!/usr/bin/env python3
"""Turns the OpenAPI-schema cases of k8s.io/apiextensions-apiserver's
pkg/apis/apiextensions/validation/validation_test.go (TestValidateCustomResourceDefinition,
TestValidateCustomResourceDefinitionValidation) into portalint conformance data (JSON): one case
per schema, with the schema as a CRD carries it and the verdict of the API server when it
creates a v1 CRD (the options `ValidateCustomResourceDefinition` uses). It reads the Go source
as text with the composite-literal reader of go_cel_tables.py and writes data; no upstream code
is copied into portalint.

usage: go_structural_tables.py validation_test.go > cases.json
"""
import json, sys, os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import go_cel_tables as g  # noqa: E402

# Go field of JSONSchemaProps -> OpenAPI key (beyond the ones go_cel_tables knows).
EXTRA = {
    'ExternalDocs': 'externalDocs', 'Example': 'example', 'ID': 'id', 'Schema': '$schema',
    'Ref': '$ref', 'PatternProperties': 'patternProperties', 'Dependencies': 'dependencies',
    'AdditionalItems': 'additionalItems', 'Definitions': 'definitions',
}
FALSE_IS_UNSET = {'Nullable', 'XEmbeddedResource', 'XIntOrString',
                  'UniqueItems', 'ExclusiveMaximum', 'ExclusiveMinimum'}


def props(fields):
    out = {}
    for k, v in fields.items():
        if k in FALSE_IS_UNSET and not v:
            continue
        if v is None:
            continue
        key = g.FIELDS.get(k) or EXTRA.get(k)
        if key is None:
            raise g.Unsupported('JSONSchemaProps field ' + k)
        if isinstance(v, (list, dict)) and not v and k not in ('Enum', 'Required', 'Properties'):
            continue
        if k in ('Properties', 'Required', 'Enum', 'XListMapKeys') and not v:
            continue
        out[key] = v
    return out


def struct(ty, fields):
    t = ty.split('.')[-1]
    if t == 'JSONSchemaProps':
        return props(fields)
    if t == 'JSONSchemaPropsOrArray':
        if fields.get('JSONSchemas'):
            return list(fields['JSONSchemas'])
        return fields.get('Schema')
    if t == 'JSONSchemaPropsOrBool':
        if fields.get('Schema') is not None:
            return fields['Schema']
        return bool(fields.get('Allows'))
    if t == 'ExternalDocumentation':
        return {k.lower(): v for k, v in fields.items()}
    if t in ('ValidationRule', '') and 'Rule' in fields:
        return {g.FIELDS[k]: v for k, v in fields.items() if k in g.FIELDS}
    return dict(fields, __type__=t)


class Parser(g.Parser):
    def composite(self, ty):
        if ty.endswith('ValidationRules'):
            ty = '[]apiextensions.ValidationRule'
        if ty.endswith('JSONSchemaDefinitions'):
            ty = 'map[string]apiextensions.JSONSchemaProps'
        return super().composite(ty)


def match(kind):
    return lambda *path: {'type': kind, 'path': '.'.join(str(p) for p in path)}


g.struct = struct
g.Parser = Parser
g.FUNCS.update({
    'required': match('required'), 'invalid': match('invalid'), 'unsupported': match('unsupported'),
    'forbidden': match('forbidden'), 'duplicate': match('duplicate'), 'tooMany': match('tooMany'),
    'immutable': match('immutable'), 'invalidtypecode': match('invalid'),
    'invalidIndex': lambda i, *p: {'type': 'invalid', 'path': '.'.join(p) + '[%d]' % i},
    'jsonPtr': lambda x: x, 'jsonSlice': lambda *x: list(x), 'apiextensions.JSON': lambda x: x,
    'apiextensions.ResourceScope': str, 'apiextensions.ConversionStrategyType': str,
    'apiextensions.FieldValueErrorReason': str, 'apiextensions.ConditionStatus': str,
    'apiextensions.CustomResourceDefinitionConditionType': str,
    'ptr.To[int64]': lambda x: x, 'ptr.To[float64]': lambda x: x,
})
g.GLOBALS.update({
    'apiextensions.NamespaceScoped': 'Namespaced', 'apiextensions.ClusterScoped': 'Cluster',
    'apiextensions.WebhookConverter': 'Webhook', 'apiextensions.NoneConverter': 'None',
    'apiextensions.ConditionTrue': 'True', 'apiextensions.Established': 'Established',
    'apiextensions.FieldValueRequired': 'FieldValueRequired',
    'apiextensions.FieldValueForbidden': 'FieldValueForbidden',
    'apiextensions.FieldValueInvalid': 'FieldValueInvalid',
    'apiextensions.FieldValueDuplicate': 'FieldValueDuplicate',
    'singleVersionList': [{'Name': 'version', 'Served': True, 'Storage': True, '__type__': 'CustomResourceDefinitionVersion'}],
    'exampleCert': 'cert',
})

# The options `ValidateCustomResourceDefinition` passes when a v1 CRD is created.
CREATE = {'allowDefaults', 'requireValidPropertyType', 'requireStructuralSchema',
          'requirePrunedDefaults', 'requireAtomicSetType', 'requireMapListKeysMapSetValidation'}

# Errors about the root of the CRD schema only: Crossplane builds that root itself (type
# object, metadata, apiVersion, kind; status subresource), so nested under an XRD's `spec`
# the same schema does not meet them.
ROOT_ONLY = [
    ('invalid', '.openAPIV3Schema'), ('invalid', '.openAPIV3Schema.type'),
    ('forbidden', '.openAPIV3Schema.nullable'), ('forbidden', '.openAPIV3Schema.additionalProperties'),
]
ROOT_PREFIXES = ['.openAPIV3Schema.properties[metadata]', '.openAPIV3Schema.properties[kind]',
                 '.openAPIV3Schema.properties[apiVersion]']


def root_only(e, schema):
    p = e['path']
    shape = ('x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-embedded-resource',
             'x-kubernetes-list-map-keys')
    if e['type'] == 'invalid' and p.endswith('.openAPIV3Schema.type') and any(k in schema for k in shape):
        return False  # the type does not fit the extension: at any level
    if any(e['type'] == t and p.endswith(s) for t, s in ROOT_ONLY):
        return True
    return any(x in p for x in ROOT_PREFIXES)


def has_default(s):
    if isinstance(s, dict):
        return 'default' in s or any(has_default(v) for v in s.values())
    if isinstance(s, list):
        return any(has_default(v) for v in s)
    return False


VALID_TYPES = {'object', 'array', 'string', 'integer', 'number', 'boolean'}


def nodes(s):
    if isinstance(s, dict):
        yield s
        for v in s.values():
            yield from nodes(v)
    elif isinstance(s, list):
        for v in s:
            yield from nodes(v)


def irrelevant(flag, schema):
    """Whether option `flag` cannot change the verdict on `schema` (so a case checked
    without it has the verdict of a v1 CRD create)."""
    all_nodes = list(nodes(schema))
    lists = {n.get('x-kubernetes-list-type') for n in all_nodes}
    if flag in ('allowDefaults', 'requirePrunedDefaults'):
        return not has_default(schema)
    if flag == 'requireValidPropertyType':
        return all(not isinstance(n.get('type'), str) or n['type'] in VALID_TYPES for n in all_nodes)
    if flag == 'requireAtomicSetType':
        return 'set' not in lists
    if flag == 'requireMapListKeysMapSetValidation':
        return not ({'set', 'map'} & lists)
    return False


def reads_root_meta(schema):
    """A root rule that reads `metadata`, `apiVersion` or `kind`: at the root of a CRD those
    are typed by the API server; Crossplane builds that root."""
    for r in schema.get('x-kubernetes-validations') or []:
        text = (r.get('rule') or '') + (r.get('messageExpression') or '')
        if any(w in text for w in ('metadata', 'apiVersion', 'kind')):
            return True
    return False


def schemas_of_crd(res):
    spec = (res or {}).get('Spec') or {}
    found = []
    top = (spec.get('Validation') or {}).get('OpenAPIV3Schema')
    if top is not None:
        found.append(top)
    for v in spec.get('Versions') or []:
        s = ((v or {}).get('Schema') or {}).get('OpenAPIV3Schema')
        if s is not None:
            found.append(s)
    return found


def main():
    src = open(sys.argv[1], encoding='utf-8').read()
    # The options struct is unexported; the reader takes composites of exported names only.
    src = src.replace('validationOptions{', 'ValidationOptions{')
    for var in ('example', 'validValidationSchema', 'validUnstructuralValidationSchema'):
        at = src.index('\nvar %s = ' % var) + len('\nvar %s = ' % var)
        g.GLOBALS[var] = Parser(g.tokens(src[at:at + 20000])).expr()
    out, skipped, seen, kept = [], [], {}, {}

    def add(table, name, schemas, errors, why_not=None):
        base = '%s :: %s' % (table, name)
        n = seen.get(base, 0) + 1
        seen[base] = n
        cid = base if n == 1 else '%s #%d' % (base, n)
        if why_not:
            skipped.append({'id': cid, 'why': why_not})
            return
        expect = 'error' if errors else 'valid'
        key = json.dumps([schemas, expect], sort_keys=True)
        if key in kept:
            skipped.append({'id': cid, 'why': 'the same schema and verdict as `%s`' % kept[key]})
            return
        kept[key] = cid
        case = {'id': cid, 'schemas': schemas, 'expect': expect}
        if errors:
            case['errors'] = ['%s %s' % (e['type'], e['path']) for e in errors]
        out.append(case)

    for fields, problem in g.table(src, 'TestValidateCustomResourceDefinition'):
        name = fields.get('name', '?')
        res = fields.get('resource')
        if problem:
            add('crd', name, None, None, 'not read: ' + problem)
            continue
        if fields.get('oldResource'):
            add('crd', name, None, None, 'an update')
            continue
        schemas = schemas_of_crd(res)
        errors = fields.get('errors') or []
        schema_errs = [e for e in errors if 'openAPIV3Schema' in e['path']]
        other = [e for e in errors if 'openAPIV3Schema' not in e['path']]
        if not schemas:
            add('crd', name, None, None, 'no schema')
        elif any(e['path'].startswith('spec.validation') or '.schema' in e['path'] for e in other) or any(
                e['path'].endswith('openAPIV3Schema') and e['type'] == 'required' for e in schema_errs):
            add('crd', name, None, None, 'an error about where the schema is, not what it says')
        elif schema_errs and all(root_only(e, schemas[0]) for e in schema_errs):
            add('crd', name, None, None, 'only root-level errors (Crossplane builds the root)')
        else:
            add('crd', name, schemas, schema_errs)

    for fields, problem in g.table(src, 'TestValidateCustomResourceDefinitionValidation'):
        name = fields.get('name', '?')
        if problem:
            add('validation', name, None, None, 'not read: ' + problem)
            continue
        schema = (fields.get('input') or {}).get('OpenAPIV3Schema')
        errors = fields.get('expectedErrors') or []
        opts = {k for k, v in (fields.get('opts') or {}).items() if v is True}
        if schema is None:
            add('validation', name, None, None, 'no schema')
        elif errors and 'allowDefaults' not in opts and has_default(schema):
            add('validation', name, None, None, 'checked with defaults disallowed (a v1 CRD allows them)')
        elif reads_root_meta(schema):
            add('validation', name, None, None, 'a root rule reads the metadata the API server types at the root')
        elif not errors and not all(f in opts or irrelevant(f, schema) for f in CREATE):
            add('validation', name, None, None,
                'valid under weaker options than a v1 CRD create (%s)' % ', '.join(sorted(opts)) if opts else
                'valid under weaker options than a v1 CRD create (none set)')
        elif errors and all(root_only(e, schema) for e in errors):
            add('validation', name, None, None, 'only root-level errors (Crossplane builds the root)')
        else:
            add('validation', name, [schema], errors)

    json.dump({'cases': out, 'skipped': skipped}, sys.stdout, ensure_ascii=False, indent=1)
    print()
    print('%d cases (%d error, %d valid), %d skipped' % (
        len(out), sum(c['expect'] == 'error' for c in out), sum(c['expect'] == 'valid' for c in out),
        len(skipped)), file=sys.stderr)


if __name__ == '__main__':
    main()
