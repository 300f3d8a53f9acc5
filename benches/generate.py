#!/usr/bin/env python3
"""Writes a large platform repository for benchmarking portalint: N template packages
(XRD + go-templating Composition + crossplane.yaml + examples) under templates/<name>/,
derived from the bundled example fixtures/_repos/template-webapp with the defects fixed.

usage: benches/generate.py OUT_DIR N
"""
import os
import sys

XRD = """apiVersion: apiextensions.crossplane.io/v2
kind: CompositeResourceDefinition
metadata:
  name: app{i}s.openportal.dev
  labels:
    openportal.dev/version: "dev"
spec:
  group: openportal.dev
  scope: Namespaced
  names:
    kind: App{i}
    plural: app{i}s
  defaultCompositionRef:
    name: app{i}
  versions:
  - name: v1alpha1
    served: true
    referenceable: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [image]
            properties:
              image: {{type: string, pattern: "^[a-z0-9./:-]+$"}}
              replicas: {{type: integer, minimum: 1, default: 1}}
              size: {{type: string, enum: [small, medium, large], default: small}}
              port: {{x-kubernetes-int-or-string: true}}
          status:
            type: object
            properties:
              url: {{type: string}}
"""

COMPOSITION = """apiVersion: apiextensions.crossplane.io/v1
kind: Composition
metadata:
  name: app{i}
  labels:
    crossplane.io/xrd: app{i}s.openportal.dev
spec:
  compositeTypeRef:
    apiVersion: openportal.dev/v1alpha1
    kind: App{i}
  mode: Pipeline
  pipeline:
  - step: render
    functionRef:
      name: function-go-templating
    input:
      apiVersion: gotemplating.fn.crossplane.io/v1beta1
      kind: GoTemplate
      source: Inline
      inline:
        template: |
          {{{{- $xr := .observed.composite.resource }}}}
          apiVersion: kubernetes.m.crossplane.io/v1alpha1
          kind: Object
          metadata:
            name: {{{{ $xr.metadata.name }}}}-deployment
            annotations:
              gotemplating.fn.crossplane.io/composition-resource-name: deployment
          spec:
            providerConfigRef:
              kind: ClusterProviderConfig
              name: kubernetes-provider
            forProvider:
              manifest:
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: {{{{ $xr.metadata.name }}}}
                  namespace: {{{{ $xr.metadata.namespace }}}}
                spec:
                  replicas: {{{{ $xr.spec.replicas }}}}
          ---
          apiVersion: openportal.dev/v1alpha1
          kind: App{i}
          status:
            url: https://{{{{ $xr.metadata.name }}}}.example.org
  - step: ready
    functionRef:
      name: function-auto-ready
"""

EXAMPLE = """apiVersion: openportal.dev/v1alpha1
kind: App{i}
metadata:
  name: demo-{j}
  namespace: team-{j}
spec:
  image: traefik/whoami:v1.10.1
  replicas: {r}
  size: medium
  port: http
"""


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    for i in range(n):
        base = os.path.join(out, "templates", f"app{i}")
        os.makedirs(os.path.join(base, "examples"), exist_ok=True)
        with open(os.path.join(base, "xrd.yaml"), "w") as f:
            f.write(XRD.format(i=i))
        with open(os.path.join(base, "composition.yaml"), "w") as f:
            f.write(COMPOSITION.format(i=i))
        for j in range(5):
            with open(os.path.join(base, "examples", f"demo-{j}.yaml"), "w") as f:
                f.write(EXAMPLE.format(i=i, j=j, r=j + 1))


if __name__ == "__main__":
    main()
