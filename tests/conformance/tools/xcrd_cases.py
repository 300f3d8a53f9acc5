#!/usr/bin/env python3
"""Turns Crossplane's XRD-to-CRD tests into portalint conformance data (JSON):

- the tables of crossplane/crossplane-runtime pkg/xcrd/crd_test.go (`TestForCompositeResource`,
  `TestForCompositeResourceClaim`, `TestForCompositeResourceClaimEmptyXrd`,
  `TestValidateClaimNames`): per case an XRD (YAML) and the upstream verdict; for a generated
  CRD its `openAPIV3Schema` without the fields Crossplane adds to `spec` and `status` itself
  (`CompositeResource*Props`), which is what portalint's `schema::xcrd::crd_schema` renders;
- the XRDs of crossplane/crossplane test/e2e/manifests that the e2e tests create and wait to
  be established (accepted) or expect to fail to apply (rejected).

It reads the Go source as text with the composite-literal reader of go_cel_tables.py and
writes data; no upstream code is copied into portalint.

usage: xcrd_cases.py CRD_TEST_GO E2E_DIR > cases.json
  (E2E_DIR: a checkout of crossplane/crossplane's test/e2e/manifests)
"""
import json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import go_structural_tables  # noqa: E402,F401  (patches the reader for JSONSchemaProps)
import go_cel_tables as g  # noqa: E402

# What CompositeResourceSpecProps / ClaimSpecProps / StatusProps add (schemas.go): not part
# of what portalint renders from the XRD (its rules allow these fields by path).
ADDED_SPEC = {'crossplane', 'compositionRef', 'compositionSelector', 'compositionRevisionRef',
              'compositionRevisionSelector', 'compositionUpdatePolicy', 'compositeDeletePolicy',
              'resourceRefs', 'resourceRef', 'claimRef', 'writeConnectionSecretToRef'}
ADDED_STATUS = {'conditions', 'claimConditionTypes', 'connectionDetails'}

old_struct = g.struct


def struct(ty, fields):
    t = ty.split('.')[-1]
    if t == 'JSON':
        return json.loads(fields['Raw'])
    if t == 'JSONSchemaProps':
        # `omitempty`: an empty string is no field in the JSON the API server gets.
        fields = {k: v for k, v in fields.items() if v != ''}
    return old_struct(ty, fields)


g.struct = struct
g.FUNCS.update({
    'strings.Replace': lambda s, old, new, n: s.replace(old, new, n),
    'fmt.Appendf': lambda _nil, fmt, *a: g.sprintf(fmt, *a),
    'xpv2.UpdatePolicy': str, 'xpv2.CompositeDeletePolicy': str,
})
g.GLOBALS.update({'defaultCompositionUpdatePolicy': 'Automatic', 'defaultPolicy': 'Background',
                  'CategoryClaim': 'claim', 'CategoryComposite': 'composite'})


def func_body(src, name):
    start = src.index('func %s(' % name)
    nxt = src.find('\nfunc ', start + 1)
    return src[start:nxt if nxt > 0 else len(src)]


def parse_at(text, marker, ty=None):
    """Parses the Go expression that follows `marker` in `text`."""
    i = text.index(marker) + len(marker)
    p = g.Parser(g.tokens(text[i:]))
    if ty:
        return p.composite(ty)
    return p.expr()


def case_chunks(body):
    """The `"Name": {` entries of a table at two tabs of indentation."""
    body = body[body.index('cases := '):]
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'\n\t\t"(\w+)": \{\n', body)]
    for n, (at, name) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(body)
        yield name, body[at:end]


def strip_added(schema):
    props = schema.get('properties', {})
    for top, added in (('spec', ADDED_SPEC), ('status', ADDED_STATUS)):
        node = props.get(top)
        if node is None:
            continue
        node['properties'] = {k: v for k, v in node.get('properties', {}).items() if k not in added}
    return schema


def go_string_var(body, name):
    m = re.search(r'\n\t*%s\s*:?=\s*(`[^`]*`|"(?:[^"\\]|\\.)*")' % name, body)
    return g.go_string(m.group(1)) if m else None


def xrd_doc(api, name, group, names, versions, scope=None, claim_names=None, extra=None):
    spec = {'group': group, 'names': names}
    if scope:
        spec['scope'] = scope
    if claim_names:
        spec['claimNames'] = claim_names
    spec.update(extra or {})
    spec['versions'] = versions
    return {'apiVersion': 'apiextensions.crossplane.io/' + api, 'kind': 'CompositeResourceDefinition',
            'metadata': {'name': name}, 'spec': spec}


def version(schema, subresources=None):
    v = {'name': 'v1', 'served': True, 'referenceable': True}
    if schema is not None:
        v['schema'] = {'openAPIV3Schema': schema}
    if subresources:
        v['subresources'] = subresources
    return v


NAMES = {'kind': 'CoolComposite', 'listKind': 'CoolCompositeList', 'singular': 'coolcomposite',
         'plural': 'coolcomposites'}
CLAIM_NAMES = {'kind': 'CoolClaim', 'listKind': 'CoolClaimList', 'singular': 'coolclaim',
               'plural': 'coolclaims'}


def for_composite(src):
    body = func_body(src, 'TestForCompositeResource')
    g.GLOBALS['schema'] = go_string_var(src, 'schema')
    out = []
    for name, chunk in case_chunks(body):
        args = chunk[chunk.index('args: args{'):chunk.index('want: want{')]
        want = chunk[chunk.index('want: want{'):]
        reason = parse_at(chunk, 'reason:')
        if re.search(r'\bv:\s*nil', args):
            schema = None
        else:
            schema = json.loads(parse_at(args, 'OpenAPIV3Schema: runtime.RawExtension{Raw: []byte('))
        namespaced = 'CompositeResourceScopeNamespaced' in args
        subresources = None
        if 'Scale: &extv1.CustomResourceSubresourceScale{' in args:
            s = parse_at(args, 'Scale: &extv1.CustomResourceSubresourceScale', 'extv1.CustomResourceSubresourceScale')
            scale = {'specReplicasPath': s['SpecReplicasPath'], 'statusReplicasPath': s['StatusReplicasPath']}
            if s.get('LabelSelectorPath'):
                scale['labelSelectorPath'] = s['LabelSelectorPath']
            subresources = {'scale': scale}
        extra = {}
        if 'DefaultCompositionUpdatePolicy:' in args:
            extra['defaultCompositionUpdatePolicy'] = 'Automatic'
        # No scope in the Go XRD is LegacyCluster: an apiextensions.crossplane.io/v1 XRD
        # (whose default scope that is); Namespaced is the v2 default.
        doc = xrd_doc('v2' if namespaced else 'v1', 'coolcomposites.example.org', 'example.org', NAMES,
                      [version(schema, subresources)], extra=extra)
        case = {'id': 'TestForCompositeResource :: ' + name, 'reason': reason, 'xrd': doc}
        if 'err:' in want and re.search(r'err:\s*errors\.', want):
            case['expect'] = 'rejected'
            case['error'] = 'custom resource validation cannot be nil'
        else:
            case['expect'] = 'accepted'
            case['crd'] = strip_added(parse_at(want, 'OpenAPIV3Schema: &extv1.JSONSchemaProps', 'extv1.JSONSchemaProps'))
        out.append(case)
    return out


def for_claim(src):
    out = []
    body = func_body(src, 'TestForCompositeResourceClaim')
    g.GLOBALS['schema'] = go_string_var(body, 'schema')
    for name, chunk in case_chunks(body):
        schema = json.loads(g.GLOBALS['schema'])
        extra = {}
        if 'DefaultCompositeDeletePolicy:' in chunk[:chunk.index('want:')]:
            extra['defaultCompositeDeletePolicy'] = 'Background'
        doc = xrd_doc('v1', 'coolcomposites.example.org', 'example.org', NAMES, [version(schema)],
                      claim_names=CLAIM_NAMES, extra=extra)
        want = chunk[chunk.index('want:'):]
        out.append({'id': 'TestForCompositeResourceClaim :: ' + name, 'reason': parse_at(chunk, 'reason:'),
                    'xrd': doc, 'expect': 'accepted',
                    'crd': strip_added(parse_at(want, 'OpenAPIV3Schema: &extv1.JSONSchemaProps', 'extv1.JSONSchemaProps'))})
    body = func_body(src, 'TestForCompositeResourceClaimEmptyXrd')
    schema = json.loads(go_string_var(body, 'schema'))
    doc = xrd_doc('v1', 'coolcomposites.example.org', 'example.org', NAMES, [version(schema)],
                  claim_names=CLAIM_NAMES)
    out.append({'id': 'TestForCompositeResourceClaimEmptyXrd', 'reason': 'a claim CRD from an empty schema',
                'xrd': doc, 'expect': 'accepted',
                'crd': strip_added(parse_at(body, 'OpenAPIV3Schema: &extv1.JSONSchemaProps', 'extv1.JSONSchemaProps'))})
    return out


def names_of(fields):
    keys = {'Kind': 'kind', 'ListKind': 'listKind', 'Singular': 'singular', 'Plural': 'plural',
            'Categories': 'categories'}
    return {keys[k]: v for k, v in fields.items() if k in keys}


def claim_names(src):
    """TestValidateClaimNames: the names of each case made real (Kubernetes kinds are
    CamelCase, plurals and singulars lowercase), keeping which of them are equal."""
    out, skipped = [], []
    body = func_body(src, 'TestValidateClaimNames')
    for name, chunk in case_chunks(body):
        if 'ClaimNames:' not in chunk:
            skipped.append({'id': 'TestValidateClaimNames :: ' + name,
                            'why': 'an XRD without claimNames offers no claim: Crossplane never renders a claim CRD for it'})
            continue
        cn = names_of(parse_at(chunk, 'ClaimNames: &extv1.CustomResourceDefinitionNames', 'extv1.CustomResourceDefinitionNames'))
        n = names_of(parse_at(chunk, '\t\t\t\t\tNames: extv1.CustomResourceDefinitionNames', 'extv1.CustomResourceDefinitionNames'))

        def real(names):
            letter = {'kind': lambda v: v.upper() + 'Kind', 'listKind': lambda v: v.upper() + 'KindList',
                      'singular': lambda v: v + 'single', 'plural': lambda v: v + 'plural'}
            return {k: (letter[k](v) if k in letter else v) for k, v in names.items()}
        real_cn, real_n = real(cn), real(n)
        plural = real_n['plural']
        doc = xrd_doc('v1', plural + '.example.org', 'example.org', real_n,
                      [version({'type': 'object', 'properties': {'spec': {'type': 'object'}}})],
                      claim_names=real_cn)
        conflict = [k for k in ('kind', 'plural', 'singular', 'listKind') if cn.get(k) and cn.get(k) == n.get(k)]
        out.append({'id': 'TestValidateClaimNames :: ' + name, 'reason': 'claim %s equals the composite\'s' % conflict[0],
                    'xrd': doc, 'expect': 'rejected',
                    'error': '%s conflicts with composite resource name' % json.dumps(real_cn[conflict[0]])})
    return out, skipped


# The e2e XRDs: created and waited for (established) unless listed here.
E2E_REJECTED = {
    'apiextensions/xrd/validation/xrd-invalid.yaml':
        'TestXRDValidation/InvalidXRDIsRejected: claimNames.plural is not lowercase (the XRD CRD\'s CEL rule)',
}
E2E_SKIPPED = {
    'apiextensions/xrd/validation/xrd-immutable-updated.yaml': 'an update of xrd-valid.yaml (immutable fields): needs the old object',
    'apiextensions/xrd/validation/xrd-valid-updated-invalid.yaml': 'an update of xrd-valid.yaml: needs the old object',
}


def e2e(root):
    out, skipped = [], []
    for dirpath, _dirs, files in sorted(os.walk(root)):
        for f in sorted(files):
            if not f.endswith('.yaml'):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, root)
            text = open(path).read()
            if not re.search(r'^kind: CompositeResourceDefinition\s*$', text, re.M):
                continue
            if rel in E2E_SKIPPED:
                skipped.append({'id': 'e2e :: ' + rel, 'why': E2E_SKIPPED[rel]})
                continue
            case = {'id': 'e2e :: ' + rel, 'yaml': text}
            if rel in E2E_REJECTED:
                case.update(expect='rejected', error=E2E_REJECTED[rel])
            else:
                case.update(expect='accepted', reason='created by the e2e tests and waited for as established')
            out.append(case)
    return out, skipped


def main():
    src = open(sys.argv[1]).read()
    cases = for_composite(src) + for_claim(src)
    more, skipped = claim_names(src)
    cases += more
    more, skipped2 = e2e(sys.argv[2])
    cases += more
    skipped += skipped2
    skipped.append({'id': 'TestSetCrdMetadata (5 cases)', 'why': 'the CRD\'s labels and annotations: no schema, nothing portalint checks'})
    skipped.append({'id': 'TestIsEstablished (2 cases)', 'why': 'reads a CRD status: no XRD'})
    json.dump({'cases': cases, 'skipped': skipped}, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
