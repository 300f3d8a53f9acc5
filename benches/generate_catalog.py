#!/usr/bin/env python3
"""Writes a checkout of U business-unit repositories side by side (bu-<unit>-infrastructure),
each with E Backstage entities (Components, APIs, Resources and a System, owned by the unit's
team groups) in a few catalog files, an org folder with the Groups, and one software template
per unit with its skeleton: a large input for the Backstage and onboarding packs, whose rules
resolve references and compare tenants across every file.

usage: benches/generate_catalog.py OUT_DIR [UNITS=100] [ENTITIES_PER_UNIT=100]

One entity in 50 carries a seeded defect (a dangling owner, a wrong namespace, a missing
description); the run reports them and stays fast.
"""
import os
import sys


def entity(kind, name, unit, owner, i, extra=""):
    defect = i % 50 == 7
    ns = "default" if defect and kind == "Component" else unit
    desc = "" if defect and kind == "API" else f"  description: {kind} {name} of the {unit} business unit\n"
    owner = f"group:{unit}/{unit}-team-x" if defect and kind == "Resource" else owner
    spec = {
        "Component": "  type: service\n  lifecycle: production\n  system: {unit}-core\n",
        "API": "  type: openapi\n  lifecycle: production\n  definition: \"openapi: 3.0.0\"\n  system: {unit}-core\n",
        "Resource": "  type: database\n  system: {unit}-core\n",
        "System": "",
    }[kind].format(unit=unit)
    return (f"apiVersion: backstage.io/v1alpha1\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"{desc}  tags: [{unit}, generated]\n  links:\n    - url: https://{name}.example.com\n"
            f"  annotations:\n    github.com/project-slug: acme/{name}\n{extra}spec:\n  owner: {owner}\n{spec}")


TEMPLATE = """apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: {unit}-service
  namespace: {unit}
  description: New service of the {unit} business unit
  tags: [{unit}]
spec:
  owner: group:{unit}/{unit}
  type: service
  parameters:
    - title: Service
      required: [name]
      properties:
        name:
          type: string
          pattern: '^[a-z0-9-]+$'
          maxLength: 63
        owner:
          type: string
          ui:field: OwnerPicker
          ui:options:
            catalogFilter:
              kind: Group
        repoUrl:
          type: string
          ui:field: RepoUrlPicker
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{{{ parameters.name }}}}
          owner: ${{{{ parameters.owner }}}}
    - id: publish
      action: publish:github
      input:
        repoUrl: ${{{{ parameters.repoUrl }}}}
    - id: register
      action: catalog:register
      input:
        repoContentsUrl: ${{{{ steps['publish'].output.repoContentsUrl }}}}
        catalogInfoPath: /catalog-info.yaml
  output:
    links:
      - title: Repository
        url: ${{{{ steps['publish'].output.remoteUrl }}}}
"""

SKELETON = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${{ values.name | dump }}
spec:
  type: service
  lifecycle: experimental
  owner: ${{ values.owner | dump }}
"""


def main():
    out = sys.argv[1]
    units = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    per_unit = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    groups = []
    for u in range(units):
        unit = f"unit{u:04d}"
        repo = os.path.join(out, f"bu-{unit}-infrastructure")
        os.makedirs(os.path.join(repo, "components"), exist_ok=True)
        os.makedirs(os.path.join(repo, "templates", "service", "skeleton"), exist_ok=True)
        groups.append(f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: {unit}\n  namespace: {unit}\n"
                      f"spec:\n  type: business-unit\n  children: [{unit}-team]\n")
        groups.append(f"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: {unit}-team\n  namespace: {unit}\n"
                      f"spec:\n  type: team\n  parent: {unit}\n  children: []\n")
        owner = f"group:{unit}/{unit}-team"
        docs = [entity("System", f"{unit}-core", unit, owner, 1)]
        kinds = ["Component", "API", "Resource"]
        for i in range(per_unit - 1):
            kind = kinds[i % 3]
            docs.append(entity(kind, f"{unit}-{kind.lower()}-{i:04d}", unit, owner, i))
        # A few catalog files per repository, up to 25 entities each.
        for f in range(0, len(docs), 25):
            with open(os.path.join(repo, "components", f"part-{f // 25:03d}.yaml"), "w") as fh:
                fh.write("---\n".join(docs[f:f + 25]))
        with open(os.path.join(repo, "catalog-info.yaml"), "w") as fh:
            fh.write(f"apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: {unit}-all\n  namespace: {unit}\n"
                     f"spec:\n  targets:\n    - ./components/*.yaml\n    - ./templates/service/template.yaml\n")
        with open(os.path.join(repo, "templates", "service", "template.yaml"), "w") as fh:
            fh.write(TEMPLATE.format(unit=unit))
        with open(os.path.join(repo, "templates", "service", "skeleton", "catalog-info.yaml"), "w") as fh:
            fh.write(SKELETON)
    os.makedirs(os.path.join(out, "org"), exist_ok=True)
    with open(os.path.join(out, "org", "groups.yaml"), "w") as fh:
        fh.write("---\n".join(groups))


if __name__ == "__main__":
    main()
