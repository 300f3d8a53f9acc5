#!/usr/bin/env python3
"""Writes ../backstage_catalog_model/cases.json: the cases of @backstage/catalog-model's
validation tests (see ../backstage_catalog_model/SOURCE.md), transcribed by hand as data:
each case is a whole entity and whether the catalog accepts it (`valid`).

Run: python3 tests/conformance/tools/backstage_catalog_model_cases.py
"""
import copy, json, os

cases = []

def add(source, name, entity, valid):
    cases.append({"id": f"{source}: {name}", "entity": entity, "valid": valid})

# --- SchemaValidEntityPolicy.test.ts -------------------------------------------------
BASE = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "uid": "e01199ab-08cc-44c2-8e19-5c29ded82521",
        "etag": "lsndfkjsndfkjnsdfkjnsd==",
        "name": "my-component-yay",
        "namespace": "the-namespace",
        "labels": {"backstage.io/custom": "ValueStuff"},
        "annotations": {"example.com/bindings": "are-secret"},
        "tags": ["java", "data"],
        "links": [{"url": "https://example.com", "title": "Website", "icon": "website"}],
    },
    # upstream checks the envelope only (spec: {custom: stuff}); a Component also needs its
    # kind fields to pass the catalog, so they are added.
    "spec": {"custom": "stuff", "type": "service", "lifecycle": "production", "owner": "me"},
}

def mut(base, path, value=None, delete=False):
    e = copy.deepcopy(base)
    cur = e
    for k in path[:-1]:
        cur = cur[k]
    if delete:
        cur.pop(path[-1], None)
    else:
        cur[path[-1]] = value
    return e

S = "SchemaValidEntityPolicy"
add(S, "happy path", BASE, True)
add(S, "rejects missing apiVersion", mut(BASE, ["apiVersion"], delete=True), False)
add(S, "rejects bad apiVersion type", mut(BASE, ["apiVersion"], 7), False)
add(S, "rejects missing kind", mut(BASE, ["kind"], delete=True), False)
add(S, "rejects bad kind type", mut(BASE, ["kind"], 7), False)
add(S, "rejects missing metadata", mut(BASE, ["metadata"], delete=True), False)
add(S, "rejects bad metadata type", mut(BASE, ["metadata"], 7), False)
for f in ["uid", "etag", "namespace", "description", "labels", "annotations", "links"]:
    add(S, f"accepts missing {f}", mut(BASE, ["metadata", f], delete=True), True)
for f in ["uid", "etag", "name", "namespace", "description", "labels", "annotations", "tags"]:
    add(S, f"rejects bad {f} type", mut(BASE, ["metadata", f], 7), False)
for f in ["uid", "etag"]:
    add(S, f"rejects empty {f}", mut(BASE, ["metadata", f], ""), False)
add(S, "rejects missing name", mut(BASE, ["metadata", "name"], delete=True), False)
add(S, "accepts empty links array", mut(BASE, ["metadata", "links"], []), True)
for i, v in enumerate(["invalid type", 123, {}, [{"url": "https://foo"}][0]]):
    add(S, f"rejects bad links type {json.dumps(v)}", mut(BASE, ["metadata", "links"], v), False)
# upstream: 'accepts missing spec' (envelope only); a Component without spec is refused by
# its kind schema, so the whole-entity verdict is false.
add(S, "missing spec (Component kind schema needs it)", mut(BASE, ["spec"], delete=True), False)
add(S, "rejects non-object spec", mut(BASE, ["spec"], 7), False)

# --- ComponentEntityV1alpha1.test.ts -------------------------------------------------
COMP = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {"name": "test"},
    "spec": {
        "type": "service", "lifecycle": "production", "owner": "me",
        "subcomponentOf": "monolith", "providesApis": ["api-0"], "consumesApis": ["api-0"],
        "dependsOn": ["resource:resource-0", "component:component-0"], "system": "system",
        "environmentOverrides": {"prod": {}}, "deploysToEnvironments": ["prod"],
    },
}
C = "ComponentEntityV1alpha1"
add(C, "happy path", COMP, True)
add(C, "accepts v1beta1", mut(COMP, ["apiVersion"], "backstage.io/v1beta1"), True)
add(C, "unknown apiVersion backstage.io/v1beta0 (no kind schema matches)", mut(COMP, ["apiVersion"], "backstage.io/v1beta0"), False)
for f in ["type", "lifecycle", "owner"]:
    add(C, f"rejects missing {f}", mut(COMP, ["spec", f], delete=True), False)
for f in ["type", "lifecycle", "owner", "subcomponentOf", "system"]:
    add(C, f"rejects wrong {f}", mut(COMP, ["spec", f], 7), False)
    add(C, f"rejects empty {f}", mut(COMP, ["spec", f], ""), False)
for f in ["subcomponentOf", "providesApis", "consumesApis", "dependsOn", "system",
          "environmentOverrides", "deploysToEnvironments"]:
    add(C, f"accepts missing {f}", mut(COMP, ["spec", f], delete=True), True)
for f in ["providesApis", "consumesApis", "dependsOn"]:
    add(C, f"rejects empty {f}", mut(COMP, ["spec", f], [""]), False)
    # upstream [undefined]; YAML/JSON has no undefined, null is its nearest
    add(C, f"rejects null item in {f}", mut(COMP, ["spec", f], [None]), False)
    add(C, f"accepts no {f}", mut(COMP, ["spec", f], []), True)
add(C, "rejects wrong environmentOverrides", mut(COMP, ["spec", "environmentOverrides"], 7), False)
add(C, "accepts empty environmentOverrides", mut(COMP, ["spec", "environmentOverrides"], {}), True)
add(C, "rejects wrong deploysToEnvironments", mut(COMP, ["spec", "deploysToEnvironments"], 7), False)

# --- KubernetesValidatorFunctions.test.ts (as FieldFormatEntityPolicy applies them) ----
K = "KubernetesValidatorFunctions"
A63, A64 = "a" * 63, "a" * 64
LONG_OK = f"{A63}.{A63}.{A63}.{'a' * 61}/a"
LONG_BAD = f"{A63}.{A63}.{A63}.{'a' * 62}/a"
SIMPLE = {"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
          "metadata": {"name": "test"},
          "spec": {"type": "service", "lifecycle": "production", "owner": "me"}}
names = [(7, False), (None, False), ("", False), ("a", True), ("AZ09", True), (A63, True),
         (A64, False), ("a/b", False), ("a-b", True), ("-a-b", False), ("a-b-", False),
         ("a--b", True), ("a_b", True), ("a.b", True), ("a..b", True)]
for v, ok in names:
    add(K, f"isValidObjectName (metadata.name) {json.dumps(v)}", mut(SIMPLE, ["metadata", "name"], v), ok)
nss = [(7, False), (None, False), ("", False), ("a", True), ("AZ09", False), (A63, True),
       (A64, False), ("a/b", False), ("a-b", True), ("-a-b", False), ("a-b-", False),
       ("a--b", False), ("a_b", False), ("a.b", False)]
for v, ok in nss:
    add(K, f"isValidNamespace (metadata.namespace) {json.dumps(v)}", mut(SIMPLE, ["metadata", "namespace"], v), ok)
keys = [("", False), ("a", True), ("AZ09", True), (A63, True), (A64, False), ("a/b", True),
        ("a-b", True), ("-a-b", False), ("a-b-", False), ("a--b", True), ("a_b", True),
        ("a.b", True), ("a..b", True), ("a/a", True), ("a-b.c/a", True), ("a--b.c/a", False),
        (LONG_OK, True), (LONG_BAD, False), (f"a/{A63}", True), (f"a/{A64}", False)]
for v, ok in keys:
    add(K, f"isValidLabelKey (metadata.labels) {json.dumps(v)}", mut(SIMPLE, ["metadata", "labels"], {v: "x"}), ok)
    add(K, f"isValidAnnotationKey (metadata.annotations) {json.dumps(v)}", mut(SIMPLE, ["metadata", "annotations"], {v: "x"}), ok)
lvals = [(7, False), (None, False), ("", True), ("a", True), ("AZ09", True), (A63, True),
         (A64, False), ("a/b", False), ("a-b", True), ("-a-b", False), ("a-b-", False),
         ("a--b", True), ("a_b", True), ("a.b", True), ("a..b", True)]
for v, ok in lvals:
    add(K, f"isValidLabelValue (metadata.labels) {json.dumps(v)}", mut(SIMPLE, ["metadata", "labels"], {"k": v}), ok)
for v, ok in [(7, False), (None, False), ("", True), ("a", True), ("/" * 6000, True)]:
    add(K, f"isValidAnnotationValue (metadata.annotations) {json.dumps(v)[:20]}", mut(SIMPLE, ["metadata", "annotations"], {"example.com/k": v}), ok)

# --- FieldFormatEntityPolicy.test.ts ---------------------------------------------------
FF = {
    "apiVersion": "backstage.io/v1beta1",
    "kind": "Component",
    "metadata": {
        "uid": "e01199ab-08cc-44c2-8e19-5c29ded82521",
        "etag": "lsndfkjsndfkjnsdfkjnsd==",
        "generation": 13,
        "name": "my-component-yay",
        "namespace": "the-namespace",
        "labels": {"backstage.io/custom": "ValueStuff"},
        "annotations": {"example.com/bindings": "are-secret"},
    },
    # upstream: spec {custom: stuff}; the Component kind fields are added (see above)
    "spec": {"custom": "stuff", "type": "service", "lifecycle": "production", "owner": "me"},
}
F = "FieldFormatEntityPolicy"
add(F, "happy path", FF, True)
add(F, "rejects bad apiVersion 7", mut(FF, ["apiVersion"], 7), False)
add(F, "rejects bad apiVersion a#b", mut(FF, ["apiVersion"], "a#b"), False)
add(F, "rejects bad kind 7", mut(FF, ["kind"], 7), False)
add(F, "rejects bad kind a#b", mut(FF, ["kind"], "a#b"), False)
add(F, "rejects bad name 7", mut(FF, ["metadata", "name"], 7), False)
add(F, "rejects bad name a*1000", mut(FF, ["metadata", "name"], "a" * 1000), False)
add(F, "rejects bad namespace 7", mut(FF, ["metadata", "namespace"], 7), False)
add(F, "rejects bad namespace a*1000", mut(FF, ["metadata", "namespace"], "a" * 1000), False)
e = copy.deepcopy(FF); e["metadata"]["labels"]["a#b"] = "value"
add(F, "rejects bad label key", e, False)
e = copy.deepcopy(FF); e["metadata"]["labels"]["a"] = "a#b"
add(F, "rejects bad label value", e, False)
e = copy.deepcopy(FF); e["metadata"]["annotations"]["a#b"] = "value"
add(F, "rejects bad annotation key", e, False)
e = copy.deepcopy(FF); e["metadata"]["annotations"]["a"] = 7
add(F, "rejects bad annotation value", e, False)

# --- GroupEntityV1alpha1.test.ts -----------------------------------------------------
GROUP = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Group",
    "metadata": {"name": "doe-squad", "description": "A squad for John and Jane"},
    "spec": {
        "type": "squad",
        "profile": {"displayName": "Doe Squad", "email": "doe@doe.org", "picture": "https://doe.org/doe"},
        "parent": "group-a", "children": ["child-a", "child-b"], "members": ["jdoe"],
    },
}
G = "GroupEntityV1alpha1"
add(G, "happy path", GROUP, True)
add(G, "accepts v1beta1", mut(GROUP, ["apiVersion"], "backstage.io/v1beta1"), True)
add(G, "unknown apiVersion backstage.io/v1beta0 (no kind schema matches)", mut(GROUP, ["apiVersion"], "backstage.io/v1beta0"), False)
add(G, "rejects missing type", mut(GROUP, ["spec", "type"], delete=True), False)
add(G, "rejects wrong type", mut(GROUP, ["spec", "type"], 7), False)
add(G, "rejects empty type", mut(GROUP, ["spec", "type"], ""), False)
add(G, "accepts missing profile", mut(GROUP, ["spec", "profile"], delete=True), True)
add(G, "rejects wrong profile", mut(GROUP, ["spec", "profile"], 7), False)
for f in ["displayName", "email", "picture"]:
    add(G, f"profile accepts missing {f}", mut(GROUP, ["spec", "profile", f], delete=True), True)
    add(G, f"profile rejects wrong {f}", mut(GROUP, ["spec", "profile", f], 7), False)
    add(G, f"profile rejects empty {f}", mut(GROUP, ["spec", "profile", f], ""), False)
add(G, "profile accepts unknown additional fields", mut(GROUP, ["spec", "profile", "foo"], "data"), True)
add(G, "accepts missing parent", mut(GROUP, ["spec", "parent"], delete=True), True)
add(G, "rejects empty parent", mut(GROUP, ["spec", "parent"], ""), False)
add(G, "rejects missing children", mut(GROUP, ["spec", "children"], delete=True), False)
for f in ["children", "members"]:
    add(G, f"rejects empty {f}", mut(GROUP, ["spec", f], [""]), False)
    add(G, f"rejects null item in {f}", mut(GROUP, ["spec", f], [None]), False)
    add(G, f"accepts no {f}", mut(GROUP, ["spec", f], []), True)
add(G, "accepts missing members", mut(GROUP, ["spec", "members"], delete=True), True)

# --- the other kinds' tests ----------------------------------------------------------
# Each starts from its test's entity and changes one field, as upstream does. "ignores
# unknown kind" is left out (an unknown kind is not the kind validator's verdict, see
# SOURCE.md); "ignores unknown apiVersion" is a refusal, as for Component and Group.
def kind_cases(name, base, required=(), optional=(), ref_lists=(), extra=()):
    add(name, "happy path", base, True)
    add(name, "accepts v1beta1", mut(base, ["apiVersion"], "backstage.io/v1beta1"), True)
    add(name, "unknown apiVersion backstage.io/v1beta0 (no kind schema matches)", mut(base, ["apiVersion"], "backstage.io/v1beta0"), False)
    for f in required:
        add(name, f"rejects missing {f}", mut(base, ["spec", f], delete=True), False)
        add(name, f"rejects wrong {f}", mut(base, ["spec", f], 7), False)
        add(name, f"rejects empty {f}", mut(base, ["spec", f], ""), False)
    for f in optional:
        add(name, f"accepts missing {f}", mut(base, ["spec", f], delete=True), True)
        add(name, f"rejects wrong {f}", mut(base, ["spec", f], 7), False)
        add(name, f"rejects empty {f}", mut(base, ["spec", f], ""), False)
    for f in ref_lists:
        add(name, f"accepts missing {f}", mut(base, ["spec", f], delete=True), True)
        add(name, f"rejects empty {f}", mut(base, ["spec", f], [""]), False)
        # upstream [undefined]; YAML/JSON has no undefined, null is its nearest
        add(name, f"rejects null item in {f}", mut(base, ["spec", f], [None]), False)
        add(name, f"accepts no {f}", mut(base, ["spec", f], []), True)
    for case_name, entity, ok in extra:
        add(name, case_name, entity, ok)

API = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "API",
    "metadata": {"name": "test"},
    "spec": {
        "type": "openapi", "lifecycle": "production", "owner": "me",
        "definition": "\nopenapi: \"3.0.0\"\ninfo:\n  version: 1.0.0\n  title: Swagger Petstore\npaths:\n  /pets:\n    get:\n      summary: List all pets\n      operationId: listPets\n      responses:\n        '200':\n          description: A paged array of pets\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/Pets\"\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      required:\n        - id\n        - name\n      properties:\n        id:\n          type: integer\n          format: int64\n        name:\n          type: string\n        tag:\n          type: string\n    Pets:\n      type: array\n      items:\n        $ref: \"#/components/schemas/Pet\"\n",
        "system": "system",
    },
}
e = copy.deepcopy(API); e["annotations"] = "Test"
kind_cases("ApiEntityV1alpha1", API, required=["type", "lifecycle", "owner", "definition"],
           optional=["system"], extra=[("rejects additional properties (root annotations)", e, False)])

RESOURCE = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Resource",
    "metadata": {"name": "test"},
    "spec": {"type": "database", "owner": "me",
             "dependsOn": ["component:component-0", "resource:resource-0"], "system": "system"},
}
kind_cases("ResourceEntityV1alpha1", RESOURCE, required=["type", "owner"], optional=["system"],
           ref_lists=["dependsOn"])

SYSTEM = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "System",
    "metadata": {"name": "test"},
    "spec": {"owner": "me", "domain": "domain"},
}
kind_cases("SystemEntityV1alpha1", SYSTEM, required=["owner"], optional=["domain"])

DOMAIN = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Domain",
    "metadata": {"name": "test"},
    "spec": {"owner": "me"},
}
kind_cases("DomainEntityV1alpha1", DOMAIN, required=["owner"])

USER = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "User",
    "metadata": {"name": "doe"},
    "spec": {
        "profile": {"displayName": "John Doe", "email": "john@doe.org", "picture": "https://doe.org/john.jpeg"},
        "memberOf": ["team-a", "developers"],
    },
}
U = "UserEntityV1alpha1"
user_extra = [
    ("spec accepts unknown additional fields", mut(USER, ["spec", "foo"], "data"), True),
    ("accepts missing profile", mut(USER, ["spec", "profile"], delete=True), True),
    ("rejects wrong profile", mut(USER, ["spec", "profile"], 7), False),
]
for f in ["displayName", "email", "picture"]:
    user_extra += [
        (f"profile accepts missing {f}", mut(USER, ["spec", "profile", f], delete=True), True),
        (f"profile rejects wrong {f}", mut(USER, ["spec", "profile", f], 7), False),
        (f"profile rejects empty {f}", mut(USER, ["spec", "profile", f], ""), False),
    ]
user_extra += [
    ("profile accepts unknown additional fields", mut(USER, ["spec", "profile", "foo"], "data"), True),
    ("rejects missing memberOf", mut(USER, ["spec", "memberOf"], delete=True), False),
    ("rejects wrong memberOf", mut(USER, ["spec", "memberOf"], 7), False),
    ("rejects wrong memberOf item", mut(USER, ["spec", "memberOf"], [7, "developers"]), False),
    ("accepts empty memberOf", mut(USER, ["spec", "memberOf"], []), True),
    ("rejects null memberOf", mut(USER, ["spec", "memberOf"], None), False),
]
kind_cases(U, USER, extra=user_extra)

LOCATION = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Location",
    "metadata": {"name": "test"},
    "spec": {"type": "github"},
}
T1 = "https://github.com/backstage/backstage/blob/master/plugins/catalog-backend/examples/artist-lookup-component.yaml"
T2 = "https://github.com/backstage/backstage/blob/master/plugins/catalog-backend/examples/playback-order-component.yaml"
kind_cases("LocationEntityV1alpha1", LOCATION, optional=["type"], extra=[
    ("accepts good target", mut(LOCATION, ["spec", "target"], T1), True),
    ("rejects wrong target", mut(LOCATION, ["spec", "target"], 7), False),
    ("rejects empty target", mut(LOCATION, ["spec", "target"], ""), False),
    ("accepts good targets", mut(LOCATION, ["spec", "targets"], [T1, T2]), True),
    ("accepts empty targets", mut(LOCATION, ["spec", "targets"], []), True),
    ("rejects wrong targets", mut(LOCATION, ["spec", "targets"], 7), False),
])

out = os.path.join(os.path.dirname(__file__), "..", "backstage_catalog_model", "cases.json")
with open(out, "w") as f:
    json.dump({"cases": cases}, f, indent=1)
    f.write("\n")
print(len(cases), "cases")
