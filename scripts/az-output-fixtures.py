#!/usr/bin/env python3
"""Expected `-o tsv` / `-o table` / `--query` outputs, computed by the Azure CLI's own formatter.

az formats output with knack (microsoft/knack: knack/output.py format_tsv/format_table, and
knack/query.py, which runs the query with jmespath.Options(OrderedDict)). This script feeds
kvwire-shaped documents through exactly that code and writes what it prints to
tests/fixtures/az-output/cases.json; kvwire's tests compare its own output with it, without Python.

    python3 -m venv /tmp/azout && /tmp/azout/bin/pip install knack==0.12.0
    /tmp/azout/bin/python scripts/az-output-fixtures.py
"""
import collections
import json
import pathlib
import sys

import jmespath
import knack
import tabulate
from knack.output import format_table, format_tsv
from knack.util import CLIError, CommandResultItem

KUBELET = {
    "clientId": "00000000-0000-0000-0000-0000000000c1",
    "objectId": "00000000-0000-0000-0000-0000000000b1",
    "resourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/c-agentpool",
}
VERIFY = {
    "apps": [
        {
            "name": "billing",
            "ok": True,
            "checks": [{"check": "grant", "ok": True}, {"check": "secret", "ok": False}],
            "scope": {"vault": "kv-demo", "secrets": 4},
            "failed": 1,
            "note": None,
            "id": "hidden-from-tables",
            "type": "app",
        },
        {
            "name": "ledger",
            "ok": False,
            "checks": [],
            "scope": None,
            "failed": 0,
            "note": "düsseldorf ✓",
            "etag": "x",
        },
    ],
    "failed": 1,
    "errors": [],
}
PLAN = {
    "format_version": "1",
    "command": "up",
    "changes": {"add": 3, "change": 1, "remove": 0},
    "steps": [
        {"address": "role_assignment.secrets_user", "action": "create", "ratio": 0.5},
        {"address": "identity.app", "action": "no-op", "ratio": 1.0},
    ],
}

# (name, document, query or None). Each runs through format_tsv and format_table.
CASES = [
    ("kubelet-whole", KUBELET, None),
    ("kubelet-clientId", KUBELET, "clientId"),
    ("kubelet-missing", KUBELET, "nothing"),
    ("kubelet-list", KUBELET, "[clientId, objectId]"),
    ("kubelet-hash-order", KUBELET, "{res: resourceId, client: clientId, obj: objectId}"),
    ("verify-whole", VERIFY, None),
    ("verify-apps", VERIFY, "apps"),
    ("verify-apps-names", VERIFY, "apps[].name"),
    ("verify-apps-hash", VERIFY, "apps[].{Name: name, Ok: ok, Failed: failed, Note: note}"),
    ("verify-apps-lists", VERIFY, "apps[].[name, ok, checks, scope]"),
    ("verify-failed", VERIFY, "failed"),
    ("verify-ok-bool", VERIFY, "apps[0].ok"),
    ("verify-filter", VERIFY, "apps[?ok].name | [0]"),
    ("plan-steps", PLAN, "steps"),
    ("plan-changes", PLAN, "changes"),
    ("plan-length", PLAN, "length(steps)"),
    ("plan-nested-only", PLAN, "{c: changes}"),
    # A literal's keys written sorted: kvwire's JMESPath crate orders a literal object's keys
    # (docs/output.md says so); this case is about how cells quote, not that.
    ("plan-quotes", PLAN, "[[`{\"f\": false, \"it's\": \"a \\\"b\\\"\", \"n\": null}`, `[1, 2.5, \"x\"]`]]"),
]


def run(fmt, doc, query):
    result = doc
    if query is not None:
        result = jmespath.compile(query).search(doc, jmespath.Options(collections.OrderedDict))
    if result is None:
        # knack/cli.py: `if cmd_result and cmd_result.result is not None:` prints nothing.
        return {"stdout": ""}
    item = CommandResultItem(result, is_query_active=query is not None)
    try:
        return {"stdout": fmt(item)}
    except CLIError as e:
        return {"error": str(e)}


def main():
    out = []
    for name, doc, query in CASES:
        out.append(
            {
                "name": name,
                "document": doc,
                "query": query,
                "tsv": run(format_tsv, doc, query),
                "table": run(format_table, doc, query),
            }
        )
    meta = {
        "generated_by": "scripts/az-output-fixtures.py",
        "knack": knack.__version__ if hasattr(knack, "__version__") else "0.12.0",
        "jmespath": jmespath.__version__,
        "tabulate": tabulate.__version__,
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/az-output/cases.json"
    path.write_text(json.dumps({"meta": meta, "cases": out}, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
