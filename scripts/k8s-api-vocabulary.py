#!/usr/bin/env python3
"""Write tests/fixtures/k8s/api-server.json: the schema vocabulary kvwire-fake's Kubernetes API
server validates and merges objects with (crates/kvwire-fake/src/kube/schema.rs).

It is a reduction of two official sources, nothing else:

* the Kubernetes OpenAPI v2 specification (`api/openapi-spec/swagger.json` of kubernetes/kubernetes,
  branch release-1.31), as the official Python client pins it: kubernetes-client/python tag
  v31.0.0, file `kubernetes/swagger.json.unprocessed` (the spec its generator fetched for
  KUBERNETES_BRANCH = "release-1.31", before the generator's own rewriting). Its SHA-256 is pinned
  below; the script refuses another file.
* the Secrets Store CSI driver's CRDs (`config/crd/bases/` of kubernetes-sigs/secrets-store-csi-driver):
  tests/fixtures/spc/secretproviderclass-crd.yaml and
  tests/fixtures/k8s/secretproviderclasspodstatus-crd.yaml (vendored verbatim; see SOURCES.md).

From the OpenAPI spec it keeps the definitions reachable from ROOTS, each with its properties'
types, `$ref`s, `required`, `x-kubernetes-group-version-kind`, and the server-side apply
extensions (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`);
descriptions are dropped. From each CRD it keeps the served version's `openAPIV3Schema` (without
descriptions), its plural and scope.

Run by hand, not by the tests (they only read the JSON). Needs PyYAML (`python3 -m pip install
pyyaml` or Debian's python3-yaml):

    git -C <clone of kubernetes-client/python> show v31.0.0:kubernetes/swagger.json.unprocessed > /tmp/k8s-1.31.json
    python3 scripts/k8s-api-vocabulary.py --swagger /tmp/k8s-1.31.json          # (re)writes the JSON
    python3 scripts/k8s-api-vocabulary.py --swagger /tmp/k8s-1.31.json --check  # exit 1 if it would change
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "fixtures" / "k8s" / "api-server.json"
SWAGGER_SHA256 = "ac2a6f2fe9263f1ad488e9ca41640fd50753b603957e0027fd6453c412ea1b7d"
SWAGGER_SOURCE = {
    "repository": "kubernetes-client/python",
    "tag": "v31.0.0",
    "commit": "bc8c6913f95fba5575f56dd60f01f3e4090cd9b4",
    "path": "kubernetes/swagger.json.unprocessed",
    "kubernetes": "release-1.31 api/openapi-spec/swagger.json",
    "sha256": SWAGGER_SHA256,
}
CRDS = [
    REPO / "tests" / "fixtures" / "spc" / "secretproviderclass-crd.yaml",
    REPO / "tests" / "fixtures" / "k8s" / "secretproviderclasspodstatus-crd.yaml",
]
CRD_SOURCE = {
    "repository": "kubernetes-sigs/secrets-store-csi-driver",
    "commit": "0aad886f70e94a6037325f4eaba4660338dde448",
    "path": "config/crd/bases/",
}
# The kinds the fake serves, their lists, and the bodies of discovery and errors.
ROOTS = [
    "io.k8s.api.core.v1.Namespace",
    "io.k8s.api.core.v1.NamespaceList",
    "io.k8s.api.core.v1.ServiceAccount",
    "io.k8s.api.core.v1.ServiceAccountList",
    "io.k8s.api.core.v1.Pod",
    "io.k8s.api.core.v1.PodList",
    "io.k8s.api.core.v1.Event",
    "io.k8s.api.core.v1.EventList",
    "io.k8s.api.apps.v1.Deployment",
    "io.k8s.api.apps.v1.DeploymentList",
    "io.k8s.api.rbac.v1.ClusterRole",
    "io.k8s.api.rbac.v1.ClusterRoleList",
    "io.k8s.api.rbac.v1.ClusterRoleBinding",
    "io.k8s.api.rbac.v1.ClusterRoleBindingList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta",
    "io.k8s.apimachinery.pkg.version.Info",
]
KEEP = {
    "type", "format", "$ref", "items", "additionalProperties", "properties", "required",
    "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    "x-kubernetes-group-version-kind", "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-int-or-string", "enum",
}


def reduce(node, refs):
    """The node without descriptions; `$ref`s shortened to the definition's name and collected."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k not in KEEP:
                continue
            if k == "$ref":
                name = v.rsplit("/", 1)[-1]
                refs.append(name)
                out[k] = name
            elif k == "properties":
                out[k] = {p: reduce(s, refs) for p, s in v.items()}
            elif k in ("items", "additionalProperties") and isinstance(v, dict):
                out[k] = reduce(v, refs)
            else:
                out[k] = v
        return out
    return node


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--swagger", type=Path, required=True, help="kubernetes/swagger.json.unprocessed of v31.0.0")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if the file would change")
    args = ap.parse_args()
    raw = args.swagger.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SWAGGER_SHA256:
        print(f"{args.swagger}: sha256 {digest}, pinned {SWAGGER_SHA256}", file=sys.stderr)
        return 2
    spec = json.loads(raw)
    definitions = {}
    pending = list(ROOTS)
    while pending:
        name = pending.pop()
        if name in definitions:
            continue
        refs = []
        definitions[name] = reduce(spec["definitions"][name], refs)
        pending.extend(refs)
    # resource.Quantity is `type: string` in the spec, but the API server's own schema for server-side
    # apply treats it as an untyped scalar (`cpu: 1` is a valid quantity): mark it so.
    definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"]["format"] = "quantity"
    crds = {}
    for path in CRDS:
        crd = yaml.safe_load(path.read_text())
        group = crd["spec"]["group"]
        for v in crd["spec"]["versions"]:
            if not v.get("served") or not v.get("storage"):
                continue
            kind = crd["spec"]["names"]["kind"]
            crds[f"{group}/{v['name']}/{kind}"] = {
                "plural": crd["spec"]["names"]["plural"],
                "namespaced": crd["spec"]["scope"] == "Namespaced",
                "file": str(path.relative_to(REPO)),
                "schema": reduce(v["schema"]["openAPIV3Schema"], []),
            }
    doc = {
        "generated_by": "scripts/k8s-api-vocabulary.py",
        "openapi": SWAGGER_SOURCE,
        "crd_source": CRD_SOURCE,
        "definitions": dict(sorted(definitions.items())),
        "crds": dict(sorted(crds.items())),
    }
    text = json.dumps(doc, indent=1, sort_keys=False) + "\n"
    old = OUT.read_text() if OUT.exists() else None
    status = "unchanged" if old == text else ("would change" if args.check else "written")
    if old != text and not args.check:
        OUT.write_text(text)
    print(f"{OUT.relative_to(REPO)}: {len(definitions)} definitions, {len(crds)} CRDs, {status}")
    return 1 if args.check and old != text else 0


if __name__ == "__main__":
    sys.exit(main())
