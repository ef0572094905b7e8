#!/usr/bin/env python3
"""Write tests/fixtures/wire/managed-cluster-credentials.json: the wire vocabulary of
ManagedClusters_ListClusterUserCredentials / ListClusterAdminCredentials (`CredentialResults`),
with the same machinery, package and pin as scripts/wire-vocabulary.py's managed-cluster.json
(azure-mgmt-containerservice 41.8.0, api-version 2026-08-01).

Run by hand, in the venv scripts/wire-vocabulary.py documents:

    /tmp/wirevenv/bin/python3 scripts/wire-vocabulary-aks-credentials.py          # writes the file
    /tmp/wirevenv/bin/python3 scripts/wire-vocabulary-aks-credentials.py --check  # exit 1 if it would change
"""

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
spec = importlib.util.spec_from_file_location("wire_vocabulary", HERE / "wire-vocabulary.py")
wv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(wv)

FILE = dict(
    file="managed-cluster-credentials.json",
    src=wv.CS,
    roots={"credentials": "CredentialResults", "error": "ErrorResponse"},
)


def main() -> int:
    doc, notes = wv.build(FILE)
    text = wv.render(doc)
    path = wv.OUT_DIR / FILE["file"]
    old = path.read_text(encoding="utf-8") if path.exists() else None
    check = "--check" in sys.argv
    status = "unchanged" if old == text else ("would change" if check else "written")
    if old != text and not check:
        path.write_text(text, encoding="utf-8")
    print(f"{FILE['file']}: {doc['package']} {doc['package_version']} api-version {doc['api_version']}: "
          f"{len(doc['models'])} models, {status}")
    for note in sorted(set(notes)):
        print(f"  note: {note}")
    return 1 if check and old != text else 0


if __name__ == "__main__":
    sys.exit(main())
