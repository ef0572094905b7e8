#!/usr/bin/env python3
"""Write tests/fixtures/k8s/*.json: the wire vocabulary of the Kubernetes objects kvwire emits
(Deployment, ServiceAccount), from the official Kubernetes Python client's models, which are
generated from the Kubernetes OpenAPI specification.

Run by hand, not by the tests (they only read the JSON):

    python3 -m venv /tmp/k8svenv
    /tmp/k8svenv/bin/pip install kubernetes==31.0.0
    /tmp/k8svenv/bin/python3 scripts/k8s-vocabulary.py          # (re)writes tests/fixtures/k8s/
    /tmp/k8svenv/bin/python3 scripts/k8s-vocabulary.py --check  # exit 1 if a file would change

Each model lists its fields by wire name with a type (string, integer, boolean, int-or-string,
any, list, map, model) and whether the client requires it (its setter refuses None).
"""

import importlib.metadata
import inspect
import json
import re
import sys
from pathlib import Path

PIN = "31.0.0"  # kubernetes-client/python 31.x is generated from Kubernetes 1.31
KUBERNETES = "1.31"
ROOTS = {
    "deployment.json": "V1Deployment",
    "service-account.json": "V1ServiceAccount",
}
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "k8s"


def main() -> int:
    installed = importlib.metadata.version("kubernetes")
    if installed != PIN:
        print(f"kubernetes {installed} is installed; pinned {PIN}", file=sys.stderr)
        return 2
    from kubernetes.client import models

    check = "--check" in sys.argv
    changed = False
    for file, root in ROOTS.items():
        seen: dict = {}
        pending = [root]
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            cls = getattr(models, name)
            src = inspect.getsource(cls)
            required = set(re.findall(r"Invalid value for `(\w+)`, must not be `None`", src))
            fields = {}
            for attr, t in cls.openapi_types.items():
                wire = cls.attribute_map[attr]
                fields[wire] = {**kind(t, pending, models), "required": attr in required}
            seen[name] = {"fields": dict(sorted(fields.items()))}
        doc = {
            "package": "kubernetes",
            "package_version": PIN,
            "kubernetes": KUBERNETES,
            "root": root,
            "models": dict(sorted(seen.items())),
        }
        text = json.dumps(doc, indent=1, sort_keys=False) + "\n"
        path = OUT / file
        old = path.read_text() if path.exists() else None
        if old != text:
            changed = True
            if not check:
                OUT.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
        print(f"{file}: {root}, {len(seen)} models, {'unchanged' if old == text else 'written' if not check else 'would change'}")
    return 1 if check and changed else 0


def kind(t: str, pending: list, models) -> dict:
    t = t.strip()
    m = re.fullmatch(r"list\[(.+)\]", t)
    if m:
        return {"type": "list", "items": kind(m.group(1), pending, models)}
    m = re.fullmatch(r"dict\(str, (.+)\)", t)
    if m:
        return {"type": "map", "values": kind(m.group(1), pending, models)}
    simple = {"str": "string", "int": "integer", "bool": "boolean", "float": "number", "datetime": "string"}
    if t in simple:
        return {"type": simple[t]}
    if t == "object":
        # IntOrString (ports) and Quantity (resources) are `object` in the client: a string or a number.
        return {"type": "int-or-string"}
    if hasattr(models, t):
        pending.append(t)
        return {"type": "model", "model": t}
    raise SystemExit(f"unknown type {t!r}")


if __name__ == "__main__":
    sys.exit(main())
