#!/usr/bin/env python3
"""Generate the committed Azure "wire vocabularies" under tests/fixtures/wire/.

Run by hand, never by tests:

    python3 -m venv /tmp/wirevenv
    /tmp/wirevenv/bin/pip install -r scripts/requirements-wire.txt
    /tmp/wirevenv/bin/python3 scripts/wire-vocabulary.py        # writes tests/fixtures/wire/*.json
    /tmp/wirevenv/bin/python3 scripts/wire-vocabulary.py --check  # exits 1 if the files would change

The script imports the OFFICIAL Azure SDK for Python model classes and introspects
them at runtime (no regex over model source):

* TypeSpec-generated models (`rest_field(name=..., visibility=[...])`): the
  `_RestField` descriptors found on the class and its bases, exactly as the
  package's own `Model.__new__` collects them. Wire name = `name=` or, when
  absent, the Python attribute name as-is (that is what `model_base` does).
  Types come from the class annotations; `format=` refines dates and bytes.
  Read-only = visibility is exactly ["read"].
* autorest/msrest models (`_attribute_map` / `_validation`): dotted keys are
  un-flattened into inline `object`s (an escaped `\\.` is a literal dot);
  read-only = `_validation[attr]["readonly"]`.

TypeSpec-generated packages have no class for paged list bodies (their pagers
read `value` / `nextLink` straight from the JSON), so for those the list root is
SYNTHESIZED from the pager's own source: the item model and the two JSON keys are
read out of the list operation's `extract_data` code. The README says which.

Output format: see tests/fixtures/wire/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import enum
import importlib
import importlib.metadata
import inspect
import json
import re
import sys
import typing
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "tests" / "fixtures" / "wire"

# ---------------------------------------------------------------------------
# What to generate. `pin` must equal the installed package version and
# `api_version` must equal what that package's models are generated for: the
# script checks both and refuses to write otherwise.
# ---------------------------------------------------------------------------

CS = dict(
    package="azure-mgmt-containerservice",
    pin="41.8.0",
    api_version="2026-08-01",
    module="azure.mgmt.containerservice.models",
    api_version_from=("config", "azure.mgmt.containerservice._configuration", "ContainerServiceClientConfiguration"),
)
AUTH = dict(
    package="azure-mgmt-authorization",
    pin="4.0.0",
    api_version="2022-04-01",
    module="azure.mgmt.authorization.v2022_04_01.models",
    api_version_from=("subpackage", "azure.mgmt.authorization.v2022_04_01"),
)
MSI = dict(
    package="azure-mgmt-msi",
    pin="7.1.0",
    api_version="2024-11-30",
    module="azure.mgmt.msi.v2024_11_30.models",
    api_version_from=("subpackage", "azure.mgmt.msi.v2024_11_30"),
)
KV = dict(
    package="azure-mgmt-keyvault",
    pin="14.0.1",
    api_version="2026-02-01",
    module="azure.mgmt.keyvault.models",
    api_version_from=("config", "azure.mgmt.keyvault._configuration", "KeyVaultManagementClientConfiguration"),
)
SECRETS = dict(
    package="azure-keyvault-secrets",
    pin="4.11.3",
    api_version="2025-07-01",
    module="azure.keyvault.secrets._generated.models",
    api_version_from=("config", "azure.keyvault.secrets._generated._configuration", "KeyVaultClientConfiguration"),
)

ACR = dict(
    package="azure-mgmt-containerregistry",
    pin="15.0.0",
    api_version="2025-11-01",
    module="azure.mgmt.containerregistry.models",
    api_version_from=("config", "azure.mgmt.containerregistry._configuration", "ContainerRegistryManagementClientConfiguration"),
)

# roots: role -> class name, or ("synth-list", ops module, ops class, method, name)
FILES = [
    dict(
        file="managed-cluster.json",
        src=CS,
        roots={
            "resource": "ManagedCluster",
            "list": ("synth-list", "azure.mgmt.containerservice.operations", "ManagedClustersOperations", "list",
                     "ManagedClusterListResult"),
            "tags_object": "TagsObject",
            "error": "ErrorResponse",
            # operation_status=OperationStatusResult: no such class in 2026-08-01 (only in preview api-versions)
        },
    ),
    dict(
        file="agent-pool.json",
        src=CS,
        roots={
            "resource": "AgentPool",
            "list": ("synth-list", "azure.mgmt.containerservice.operations", "AgentPoolsOperations", "list",
                     "AgentPoolListResult"),
            "upgrade_profile": "AgentPoolUpgradeProfile",
            "error": "ErrorResponse",
        },
    ),
    dict(
        # AKS identity bindings (GA in 2026-04-01; `az aks identity-binding create`).
        file="identity-binding.json",
        src=CS,
        roots={
            "resource": "IdentityBinding",
            "list": ("synth-list", "azure.mgmt.containerservice.operations", "IdentityBindingsOperations",
                     "list_by_managed_cluster", "IdentityBindingListResult"),
            "error": "ErrorResponse",
        },
    ),
    dict(
        file="role-assignment.json",
        src=AUTH,
        roots={
            "resource": "RoleAssignment",
            "create": "RoleAssignmentCreateParameters",
            "list": "RoleAssignmentListResult",
            "error": "ErrorResponse",
        },
    ),
    dict(
        file="role-definition.json",
        src=AUTH,
        roots={
            "resource": "RoleDefinition",
            "list": "RoleDefinitionListResult",
            "error": "ErrorResponse",
        },
    ),
    dict(
        file="user-assigned-identity.json",
        src=MSI,
        roots={
            "resource": "Identity",
            "list": "UserAssignedIdentitiesListResult",
            "update": "IdentityUpdate",
        },
    ),
    dict(
        file="federated-identity-credential.json",
        src=MSI,
        roots={
            "resource": "FederatedIdentityCredential",
            "list": "FederatedIdentityCredentialsListResult",
        },
    ),
    dict(
        file="vault.json",
        src=KV,
        roots={
            "resource": "Vault",
            "list": ("synth-list", "azure.mgmt.keyvault.operations", "VaultsOperations", "list_by_resource_group",
                     "VaultListResult"),
            "access_policy_update": "VaultAccessPolicyParameters",
            "create": "VaultCreateOrUpdateParameters",
            "patch": "VaultPatchParameters",
            "error": "CloudError",
        },
    ),
    dict(
        file="container-registry.json",
        src=ACR,
        roots={
            "resource": "Registry",
            "list": ("synth-list", "azure.mgmt.containerregistry.operations", "RegistriesOperations", "list",
                     "RegistryListResult"),
            "error": "ErrorResponse",
        },
    ),
    dict(
        file="keyvault-secret.json",
        src=SECRETS,
        roots={
            "bundle": "SecretBundle",
            "set": "SecretSetParameters",
            "update": "SecretUpdateParameters",
            "list": ("synth-list", "azure.keyvault.secrets._generated._operations._operations",
                     "_KeyVaultClientOperationsMixin", "get_secrets", "SecretListResult"),
            "deleted_bundle": "DeletedSecretBundle",
            "deleted_list": ("synth-list", "azure.keyvault.secrets._generated._operations._operations",
                             "_KeyVaultClientOperationsMixin", "get_deleted_secrets", "DeletedSecretListResult"),
            "error": "KeyVaultError",
        },
    ),
]


class WireError(Exception):
    pass


# ---------------------------------------------------------------------------
# Version checks
# ---------------------------------------------------------------------------

def check_source(src: dict) -> None:
    installed = importlib.metadata.version(src["package"])
    if installed != src["pin"]:
        raise WireError(f"{src['package']}: installed {installed}, pinned {src['pin']} "
                        f"(pip install -r scripts/requirements-wire.txt)")
    kind = src["api_version_from"][0]
    if kind == "config":
        _, modname, clsname = src["api_version_from"]
        text = inspect.getsource(getattr(importlib.import_module(modname), clsname))
        found = re.findall(r'kwargs\.pop\(\s*"api_version",\s*"([^"]+)"\s*\)', text)
        if found != [src["api_version"]]:
            raise WireError(f"{src['package']}: client default api_version {found}, expected {src['api_version']}")
    else:
        _, modname = src["api_version_from"]
        importlib.import_module(modname)  # raises if the subpackage is missing
        tail = modname.rsplit(".", 1)[1]
        if tail != "v" + src["api_version"].replace("-", "_"):
            raise WireError(f"{modname} does not match api_version {src['api_version']}")


# ---------------------------------------------------------------------------
# Model introspection
# ---------------------------------------------------------------------------

class Extractor:
    def __init__(self, modname: str):
        self.mod = importlib.import_module(modname)
        self.models: dict[str, dict] = {}
        self.notes: list[str] = []
        self._pending: list[str] = []

    # -- helpers -----------------------------------------------------------

    def lookup(self, name: str):
        name = name.strip().strip("'\"")
        if name.startswith("_models."):
            name = name[len("_models."):]
        if "." in name:
            name = name.rsplit(".", 1)[1]
        obj = getattr(self.mod, name, None)
        if obj is None:
            raise WireError(f"{self.mod.__name__}: cannot resolve type name {name!r}")
        return obj

    @staticmethod
    def is_enum(obj) -> bool:
        return isinstance(obj, type) and issubclass(obj, enum.Enum)

    @staticmethod
    def enum_schema(e) -> dict:
        values = [m.value for m in e]
        if all(isinstance(v, str) for v in values):
            return {"type": "string", "enum": sorted(values)}
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return {"type": "integer", "enum": sorted(values)}
        raise WireError(f"enum {e.__name__} has mixed values {values}")

    def model_ref(self, cls) -> dict:
        name = cls.__name__
        if getattr(self.mod, name, None) is not cls:
            raise WireError(f"model {cls!r} is not exported by {self.mod.__name__}")
        if name not in self.models and name not in self._pending:
            self._pending.append(name)
        return {"type": "model", "model": name}

    def is_typespec(self, cls) -> bool:
        return isinstance(cls, type) and getattr(cls, "_is_model", False) and not hasattr(cls, "_attribute_map")

    def is_msrest(self, cls) -> bool:
        return isinstance(cls, type) and "_attribute_map" in dir(cls)

    # -- driving -------------------------------------------------------------

    def add_root(self, name: str) -> None:
        cls = self.lookup(name)
        if not (self.is_typespec(cls) or self.is_msrest(cls)):
            raise WireError(f"{name} is not a model class")
        self.model_ref(cls)
        self.drain()

    def add_synth(self, name: str, fields: dict) -> None:
        if name in self.models or hasattr(self.mod, name):
            raise WireError(f"synthesized {name} would shadow a real model")
        self.models[name] = {"fields": fields}
        self.drain()

    def drain(self) -> None:
        while self._pending:
            name = self._pending.pop(0)
            if name in self.models:
                continue
            cls = self.lookup(name)
            self.models[name] = {}  # reserve: breaks recursion
            if self.is_typespec(cls):
                self.models[name] = {"fields": self.typespec_fields(cls)}
            elif self.is_msrest(cls):
                self.models[name] = {"fields": self.msrest_fields(cls)}
            else:
                raise WireError(f"{name}: unknown model kind")

    # -- TypeSpec (rest_field) models ---------------------------------------

    def typespec_fields(self, cls) -> dict:
        # Same collection as model_base.Model.__new__: every public descriptor
        # carrying `_type` on the classes of the MRO, bases first, subclass wins.
        fields_by_attr: dict[str, typing.Any] = {}
        annotations: dict[str, typing.Any] = {}
        for klass in reversed(cls.__mro__):
            for k, v in klass.__dict__.items():
                if k[0] != "_" and hasattr(v, "_type") and hasattr(v, "_rest_name_input"):
                    fields_by_attr[k] = v
            annotations.update(getattr(klass, "__annotations__", {}) if "__annotations__" in klass.__dict__ else {})
        mapping = getattr(cls, "__mapping__", None)
        if mapping:
            self.notes.append(f"{cls.__name__} is polymorphic; subtypes {sorted(mapping)} not expanded")
        out: dict[str, dict] = {}
        for attr, rf in fields_by_attr.items():
            wire = rf._rest_name_input or attr
            if wire in out:
                raise WireError(f"{cls.__name__}: duplicate wire name {wire}")
            if attr not in annotations:
                raise WireError(f"{cls.__name__}.{attr}: no annotation")
            schema = self.typespec_type(annotations[attr], getattr(rf, "_format", None), f"{cls.__name__}.{attr}")
            vis = rf._visibility
            if vis is not None:
                schema["visibility"] = list(vis)
                if list(vis) == ["read"]:
                    schema["readonly"] = True
            if getattr(rf, "_is_discriminator", False):
                self.notes.append(f"{cls.__name__}.{wire} is a discriminator")
            out[wire] = schema
        # Self-check against the package's own bookkeeping: Model.__new__ fills
        # cls._attr_to_rest_field; its wire names must be exactly ours.
        cls.__new__(cls)
        theirs = {rf._rest_name for rf in cls._attr_to_rest_field.values()}
        if theirs != set(out):
            raise WireError(f"{cls.__name__}: wire names differ from model_base: {sorted(theirs ^ set(out))}")
        return out

    def typespec_type(self, ann, fmt, where) -> dict:
        if isinstance(ann, str):
            ann = typing.ForwardRef(ann)
        if isinstance(ann, typing.ForwardRef):
            return self.typespec_type(self.lookup(ann.__forward_arg__), fmt, where)
        origin = typing.get_origin(ann)
        args = typing.get_args(ann)
        if origin is typing.Union:
            non_none = [a for a in args if a is not type(None)]
            if len(non_none) == 1:
                return self.typespec_type(non_none[0], fmt, where)
            resolved = [self.lookup(a.__forward_arg__) if isinstance(a, typing.ForwardRef)
                        else self.lookup(a) if isinstance(a, str) else a for a in non_none]
            enums = [a for a in resolved if self.is_enum(a)]
            rest = [a for a in resolved if not self.is_enum(a)]
            if len(enums) == 1 and rest in ([str], [int]):
                return self.enum_schema(enums[0])
            raise WireError(f"{where}: unsupported union {ann}")
        if origin is typing.Literal:
            if all(isinstance(a, str) for a in args):
                return {"type": "string", "enum": sorted(args)}
            raise WireError(f"{where}: unsupported literal {ann}")
        if origin in (list, typing.List, typing.Sequence, tuple):
            (item,) = args
            return {"type": "array", "items": self.typespec_type(item, fmt, where + "[]")}
        if origin in (dict, typing.Dict, typing.Mapping):
            key, val = args
            if key is not str:
                raise WireError(f"{where}: non-string map key {ann}")
            return {"type": "map", "values": self.typespec_type(val, fmt, where + "{}")}
        if ann is typing.Any:
            return {"type": "any"}
        if ann is str:
            return {"type": "string"}
        if ann is bool:
            return {"type": "boolean"}
        if ann is int:
            return {"type": "integer"}
        if ann in (float, decimal.Decimal):
            return {"type": "number"}
        if ann is datetime.datetime:
            if fmt in (None, "rfc3339"):
                return {"type": "string", "format": "date-time"}
            if fmt == "rfc7231":
                return {"type": "string", "format": "date-time-rfc7231"}
            if fmt == "unix-timestamp":
                return {"type": "integer", "format": "unix-time"}
            raise WireError(f"{where}: datetime format {fmt}")
        if ann is datetime.date:
            return {"type": "string", "format": "date"}
        if ann is datetime.time:
            return {"type": "string", "format": "time"}
        if ann is datetime.timedelta:
            return {"type": "string", "format": "duration"}
        if ann in (bytes, bytearray):
            if fmt in (None, "base64"):
                return {"type": "string", "format": "byte"}
            if fmt == "base64url":
                return {"type": "string", "format": "base64url"}
            raise WireError(f"{where}: bytes format {fmt}")
        if self.is_enum(ann):
            return self.enum_schema(ann)
        if self.is_typespec(ann) or self.is_msrest(ann):
            return self.model_ref(ann)
        raise WireError(f"{where}: unsupported annotation {ann!r}")

    # -- autorest / msrest models ------------------------------------------

    def msrest_enum_hints(self, cls) -> dict[str, typing.Any]:
        """attr -> Enum class, from the generated `:vartype attr: str or ~pkg.Enum` docstrings."""
        hints: dict[str, typing.Any] = {}
        for klass in reversed(cls.__mro__):
            doc = klass.__dict__.get("__doc__") or ""
            for attr, text in re.findall(r":vartype (\w+):(.*?)(?=\n\s*:(?:ivar|vartype)|\Z)", doc, re.S):
                names = re.findall(r"~[\w.]+\.(\w+)", text)
                enums = {n for n in names if self.is_enum(getattr(self.mod, n, None))}
                if len(enums) == 1:
                    hints[attr] = getattr(self.mod, enums.pop())
                elif len(enums) > 1:
                    raise WireError(f"{cls.__name__}.{attr}: several enums in docstring {enums}")
                else:
                    hints.pop(attr, None)
        return hints

    MSREST_SCALARS = {
        "str": {"type": "string"},
        "int": {"type": "integer", "format": "int32"},
        "long": {"type": "integer", "format": "int64"},
        "float": {"type": "number"},
        "decimal": {"type": "number"},
        "bool": {"type": "boolean"},
        "iso-8601": {"type": "string", "format": "date-time"},
        "rfc-1123": {"type": "string", "format": "date-time-rfc1123"},
        "unix-time": {"type": "integer", "format": "unix-time"},
        "duration": {"type": "string", "format": "duration"},
        "date": {"type": "string", "format": "date"},
        "time": {"type": "string", "format": "time"},
        "bytearray": {"type": "string", "format": "byte"},
        "base64": {"type": "string", "format": "base64url"},
        "object": {"type": "any"},
    }

    def msrest_type(self, t: str, enum_cls, where: str) -> dict:
        if t.startswith("[") and t.endswith("]"):
            return {"type": "array", "items": self.msrest_type(t[1:-1], enum_cls, where + "[]")}
        if t.startswith("{") and t.endswith("}"):
            return {"type": "map", "values": self.msrest_type(t[1:-1], enum_cls, where + "{}")}
        if t in self.MSREST_SCALARS:
            schema = dict(self.MSREST_SCALARS[t])
            if enum_cls is not None and t == "str":
                schema = self.enum_schema(enum_cls)
            return schema
        obj = getattr(self.mod, t, None)
        if self.is_enum(obj):
            return self.enum_schema(obj)
        if self.is_msrest(obj):
            return self.model_ref(obj)
        raise WireError(f"{where}: unsupported msrest type {t!r}")

    def msrest_fields(self, cls) -> dict:
        if getattr(cls, "_subtype_map", None):
            self.notes.append(f"{cls.__name__} is polymorphic; subtypes {cls._subtype_map} not expanded")
        validation = getattr(cls, "_validation", {}) or {}
        enum_hints = self.msrest_enum_hints(cls)
        out: dict[str, dict] = {}
        for attr, spec in cls._attribute_map.items():
            key = spec["key"]
            if key == "":
                raise WireError(f"{cls.__name__}.{attr}: additional-properties models are not supported")
            path = [p.replace("\\.", ".") for p in re.split(r"(?<!\\)\.", key)]
            schema = self.msrest_type(spec["type"], enum_hints.get(attr), f"{cls.__name__}.{attr}")
            rules = validation.get(attr, {})
            if rules.get("constant"):
                value = getattr(cls, attr)
                schema["enum"] = [value.value if isinstance(value, enum.Enum) else value]
            if rules.get("readonly"):
                schema["readonly"] = True
            node = out
            for part in path[:-1]:
                holder = node.setdefault(part, {"type": "object", "fields": {}})
                if holder.get("type") != "object":
                    raise WireError(f"{cls.__name__}: {key} nests under non-object {part}")
                node = holder["fields"]
            if path[-1] in node:
                raise WireError(f"{cls.__name__}: duplicate wire path {key}")
            node[path[-1]] = schema
        return out


# ---------------------------------------------------------------------------
# Synthesized list bodies for TypeSpec pagers
# ---------------------------------------------------------------------------

def synth_list(ex: Extractor, ops_mod: str, ops_cls: str, method: str) -> dict:
    func = getattr(getattr(importlib.import_module(ops_mod), ops_cls), method)
    text = inspect.getsource(func)
    m = re.search(r"def extract_data\(pipeline_response\):(.*?)\n\s*def ", text, re.S)
    if not m:
        raise WireError(f"{ops_cls}.{method}: no extract_data in pager")
    body = m.group(1)
    item = re.findall(r"_deserialize\(\s*(?:list|List)\[_models\.(\w+)\],\s*deserialized\.get\(\"(\w+)\", \[\]\)", body)
    nxt = re.findall(r"deserialized\.get\(\"(\w+)\"\) or None", body)
    if len(item) != 1 or len(nxt) != 1:
        raise WireError(f"{ops_cls}.{method}: cannot read pager shape ({item}, {nxt})")
    (model, value_key), next_key = item[0], nxt[0]
    cls = ex.lookup(model)
    return {
        value_key: {"type": "array", "items": ex.model_ref(cls)},
        next_key: {"type": "string"},
    }


# ---------------------------------------------------------------------------

def build(spec: dict) -> tuple[dict, list[str]]:
    src = spec["src"]
    check_source(src)
    ex = Extractor(src["module"])
    roots: dict[str, str] = {}
    for role, target in spec["roots"].items():
        if isinstance(target, tuple):
            _, ops_mod, ops_cls, method, name = target
            ex.add_synth(name, synth_list(ex, ops_mod, ops_cls, method))
            roots[role] = name
        else:
            ex.add_root(target)
            roots[role] = target
    doc = {
        "package": src["package"],
        "package_version": importlib.metadata.version(src["package"]),
        "api_version": src["api_version"],
        "module": src["module"],
        "roots": roots,
        "models": ex.models,
    }
    return doc, ex.notes


def render(doc: dict) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: %(default)s)")
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 if any file would change")
    args = ap.parse_args()
    changed = []
    for spec in FILES:
        try:
            doc, notes = build(spec)
        except WireError as err:
            print(f"error: {spec['file']}: {err}", file=sys.stderr)
            return 2
        text = render(doc)
        path = args.out / spec["file"]
        old = path.read_text(encoding="utf-8") if path.exists() else None
        status = "unchanged" if old == text else ("would change" if args.check else "written")
        if old != text:
            changed.append(spec["file"])
            if not args.check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        print(f"{spec['file']}: {doc['package']} {doc['package_version']} api-version {doc['api_version']}: "
              f"{len(doc['models'])} models, {status}")
        for note in sorted(set(notes)):
            print(f"  note: {note}")
    if args.check and changed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
