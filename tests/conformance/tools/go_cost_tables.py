#!/usr/bin/env python3
"""Reads the `TestCostEstimation` table of apiextensions-apiserver's
`pkg/apiserver/schema/cel/compilation_test.go` and writes its cases as data: per case and
per variant (`calc`: the schema without limits, `set`: with `setMaxElements` as every
maxItems/maxLength/maxProperties the generator sets) the schema, with its one rule, and the
expected estimated cost (`cost`, when the table gives one) or the cost it must reach
(`at_least`). The schema generators of the Go test are re-expressed here as JSON schemas;
no upstream code is copied.

    python3 go_cost_tables.py compilation_test.go > cases.json
"""
import json
import re
import sys


def prim(t):
    if t in ("duration", "date", "date-time"):
        return {"type": "string", "format": t}
    if t == "int-or-string":
        return {"x-kubernetes-int-or-string": True}
    return {"type": t}


def rule(s, r):
    s = dict(s)
    s["x-kubernetes-validations"] = [{"rule": r}]
    return s


def lim(s, key, m):
    s = dict(s)
    if m is not None:
        s[key] = m
    return s


def obj_req():
    return {
        "type": "object",
        "properties": {"required": {"type": "string"}, "optional": {"type": "string"}},
        "required": ["required"],
    }


def gen(name, args, m):
    a = args
    if name == "genArrayWithRule":
        return rule(lim({"type": "array", "items": prim(a[0])}, "maxItems", m), a[1])
    if name == "genArrayOfArraysWithRule":
        return rule(lim({"type": "array", "items": {"type": "array", "items": {"type": a[0]}}}, "maxItems", m), a[1])
    if name == "genObjectArrayWithRule":
        return rule(lim({"type": "array", "items": obj_req()}, "maxItems", m), a[0])
    if name == "getMapArrayWithRule":
        return rule(lim({"type": "array", "items": {"type": "object", "additionalProperties": {"type": a[0]}}}, "maxItems", m), a[1])
    if name == "genMapWithRule":
        return rule(lim({"type": "object", "additionalProperties": prim(a[0])}, "maxProperties", m), a[1])
    if name == "genStringWithRule":
        return rule(lim({"type": "string"}, "maxLength", m), a[0])
    if name == "genEnumWithRuleAndValues":
        return rule(lim({"type": "string", "enum": a[1:]}, "maxLength", m), a[0])
    if name == "genBytesWithRule":
        return rule(lim({"type": "string", "format": "byte"}, "maxLength", m), a[0])
    if name == "genNestedSpecWithRule":
        return rule(lim({"type": "object", "additionalProperties": lim({"type": "string"}, "maxLength", m)}, "maxProperties", m), a[0])
    if name == "genAllMaxNestedSpecWithRootRule":
        inner = lim(obj_req(), "maxProperties", m)
        return rule(lim({"type": "array", "items": lim({"type": "object", "additionalProperties": inner}, "maxProperties", m)}, "maxItems", m), a[0])
    if name == "genOneMaxNestedSpecWithRootRule":
        return rule({"type": "array", "items": lim({"type": "object", "additionalProperties": obj_req()}, "maxProperties", m)}, a[0])
    if name == "genMapWithCustomItemRule":
        item = {
            "genObjectForMap()": obj_req(),
            "genArrayForMap()": {"type": "array", "items": {"type": "number"}},
            "genMapForMap()": {"type": "object", "additionalProperties": {"type": "number"}},
        }[a[0]]
        return rule(lim({"type": "object", "additionalProperties": item}, "maxProperties", m), a[1])
    raise KeyError(name)


def literal_case(name, m):
    """The cases whose generator is a Go function literal, re-expressed."""
    s = lim({"type": "string"}, "maxLength", m)
    if name == "extended library join":
        return rule(lim({"type": "array", "items": s}, "maxItems", m), "self.join(' ') == 'aa bb'")
    if name == "extended library isSorted":
        return rule(lim({"type": "array", "items": s}, "maxItems", m), "self.isSorted() == true")
    if name == "extended library replace":
        return rule({"type": "object", "properties": {
            "str": s, "before": {"type": "string", "maxLength": 2}, "after": {"type": "string", "maxLength": 4}}},
            "self.str.replace(self.before, self.after) == 'does not matter'")
    if name == "extended library split":
        return rule({"type": "object", "properties": {"str": s, "separator": s}}, "self.str.split(self.separator) == []")
    if name == "extended library lowerAscii":
        return rule(s, "self.lowerAscii() == 'lower!'")
    if name == "IntOrString type with quantity rule":
        return rule(lim({"x-kubernetes-int-or-string": True}, "maxLength", m), "isQuantity(self)")
    raise KeyError(name)


def go_strings(text):
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`|(gen\w+\(\))', text):
        if m.group(3):
            out.append(m.group(3))
        elif m.group(2) is not None:
            out.append(m.group(2))
        else:
            out.append(json.loads('"' + m.group(1) + '"'))
    return out


def main(path):
    src = open(path).read()
    start = src.index("func TestCostEstimation(")
    body = src[start:src.index("for _, testCase := range cases", start)]
    cases = []
    cost_limit = int(re.search(r"costLimit\s*=\s*(\d+)", src).group(1))
    for block in re.split(r"\n\t\t\{\n", body)[1:]:
        name = re.search(r'name:\s*"([^"]*)"', block).group(1)
        num = lambda k: (lambda m: int(m.group(1)) if m else None)(re.search(k + r":\s*([0-9* ]+),", block) and re.search(k + r":\s*(\d+)", block))
        set_max = re.search(r"setMaxElements:\s*([0-9* ]+),", block).group(1)
        set_max = eval(set_max)  # a product of integer literals, such as 3 * 1024 * 2048
        exceeds = "costLimit" in block
        g = re.search(r"schemaGenerator:\s*(\w+)\((.*)\),\n", block)
        for variant, m in (("calc", None), ("set", set_max)):
            if g:
                schema = gen(g.group(1), go_strings(g.group(2)), m)
            else:
                schema = literal_case(name, m)
            key = "expectedCalcCost" if variant == "calc" else "expectedSetCost"
            cost = num(key)
            case = {"id": f"{name} :: {variant}", "schema": schema}
            ex_key = "expectCalcCostExceedsLimit" if variant == "calc" else "expectedSetCostExceedsLimit"
            if re.search(ex_key + r":\s*costLimit", block):
                case["at_least"] = cost_limit
            elif cost:
                case["cost"] = cost
            else:
                case["cost"] = None  # the table checks only that the rule compiles
            cases.append(case)
    json.dump({"cases": cases}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
