#!/usr/bin/env bash
# Regenerates openapi/definitions/v1.36.json (the OpenAPI v2 `definitions` of the kinds kubemem
# serves) and openapi/definitions/README.md (its provenance).
#
# Sources:
#   * the PyPI package kubernetes-validate, which ships kube-apiserver v1.36.0's definitions as
#     JSON Schema (`$defs`, `"type": ["string", "null"]`, `$ref: "#/$defs/..."`), but without the
#     enums kube-apiserver publishes: it starts from kubernetes/kubernetes
#     `api/openapi-spec/swagger.json`, which hack/update-openapi-spec.sh captures from a
#     kube-apiserver started with `--feature-gates=...,OpenAPIEnums=false` (kubernetes PR 109178);
#   * the npm package kubernetes-models, whose TypeScript declarations are generated from the
#     `/openapi/v2` of a running kube-apiserver v1.36.0 with its default gates (OpenAPIEnums is
#     beta, on by default since 1.24): each `+enum` field's type is the union of its values and
#     its JSDoc is kube's description, "Possible enum values" paragraph included.
# A live kube-apiserver publishes the enums in /openapi/v2 as in /openapi/v3: both are built
# from the same definitions (GetOpenAPIDefinitionsWithoutDisabledFeatures prunes them only when
# the gate is off).
#
# This script turns kubernetes-validate's schemas back into the form kube-apiserver publishes
# in /openapi/v2:
#   * `type` is one string: "null" is dropped from `["<type>", "null"]`;
#   * `$ref` points at `#/definitions/<name>`;
#   * the `enum` kubernetes-validate adds to every `apiVersion` and `kind` property is dropped
#     (kube has none there);
#   * IntOrString and Quantity, which kubernetes-validate spells as `oneOf`, get kube's own
#     schemas back (`type: string`, `format: int-or-string`, and their descriptions);
#   * everything else — descriptions, `required`, `format`, `additionalProperties` and every
#     `x-kubernetes-*` extension — is kept as it is;
# then adds kube's enums from kubernetes-models: on a property whose TypeScript type is a union
# of string literals, `enum` (the values, in kube's sorted order) and the description with its
# "\n\nPossible enum values:\n - ..." paragraph; on `items` for `Array<...>` and on
# `additionalProperties` for `{[key: string]: ...}` (kube gives those no paragraph). A field is
# taken only when its JSDoc, less the paragraph, is kubernetes-validate's description to the
# byte, and the paragraph lists exactly the values of the union; anything else stops the script.
# (kubernetes-models leaves out apimachinery types; kube marks none of those `+enum`.)
# Only the definitions reachable from the served kinds (list below, which mirrors
# apiserver/src/catalog.rs) and from the meta/v1 types that operations use are kept.
#
# The repo builds without network: the generated file is committed, this script is for updates.
# Needs python3, pip and npm (network access to PyPI and the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=kubernetes-validate
VERSION=1.37.0
SCHEMA_DIR=v1.36.0-local
MODELS=kubernetes-models
MODELS_VERSION=5.1.0
OUT=openapi/definitions/v1.36.json
README=openapi/definitions/README.md

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

pip download --quiet --no-deps --dest "$tmp" "$PACKAGE==$VERSION"
wheel=$(ls "$tmp"/*.whl)
member="kubernetes_validate/kubernetes-json-schema/$SCHEMA_DIR/_definitions.json"
# npm checks the tarball against the registry's sha512 integrity.
npm pack --silent --pack-destination "$tmp" "$MODELS@$MODELS_VERSION" >/dev/null
models=$(ls "$tmp"/*.tgz)

python3 - "$wheel" "$member" "$OUT" "$README" "$PACKAGE" "$VERSION" \
    "$models" "$MODELS" "$MODELS_VERSION" <<'PY'
import hashlib
import json
import re
import sys
import tarfile
import zipfile

wheel, member, out, readme, package, version, models, models_package, models_version = sys.argv[1:]

with zipfile.ZipFile(wheel) as z:
    raw = z.read(member)
source = json.loads(raw)
defs = source["$defs"]

# The kinds kubemem serves (group, version, kind); their lists come along.
SERVED = [
    ("", "v1", k)
    for k in [
        "Namespace", "Pod", "Service", "Endpoints", "ConfigMap", "Secret",
        "ReplicationController", "Node", "Event", "ServiceAccount", "PersistentVolume",
        "PersistentVolumeClaim", "LimitRange", "ResourceQuota", "PodTemplate", "Binding",
        "ComponentStatus",
    ]
] + [
    ("apps", "v1", "Deployment"), ("apps", "v1", "ReplicaSet"), ("apps", "v1", "DaemonSet"),
    ("apps", "v1", "StatefulSet"), ("apps", "v1", "ControllerRevision"),
    ("batch", "v1", "Job"), ("batch", "v1", "CronJob"),
    ("autoscaling", "v1", "HorizontalPodAutoscaler"), ("autoscaling", "v1", "Scale"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("coordination.k8s.io", "v1", "Lease"),
    ("discovery.k8s.io", "v1", "EndpointSlice"),
    ("events.k8s.io", "v1", "Event"),
    ("networking.k8s.io", "v1", "Ingress"), ("networking.k8s.io", "v1", "IngressClass"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
    ("policy", "v1", "PodDisruptionBudget"), ("policy", "v1", "Eviction"),
    ("rbac.authorization.k8s.io", "v1", "Role"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"),
    ("storage.k8s.io", "v1", "StorageClass"),
    ("scheduling.k8s.io", "v1", "PriorityClass"),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
    # The response kinds of subresources.
    ("authentication.k8s.io", "v1", "TokenRequest"),
]
# What operations and discovery reference besides the kinds.
META = [
    "io.k8s.apimachinery.pkg.apis.meta.v1." + n
    for n in [
        "APIGroup", "APIGroupList", "APIResourceList", "APIVersions", "DeleteOptions",
        "Patch", "Status", "WatchEvent",
    ]
] + ["io.k8s.apimachinery.pkg.version.Info"]

def gvks(d):
    return [(g["group"], g["version"], g["kind"]) for g in d.get("x-kubernetes-group-version-kind", [])]

by_gvk = {}
for name, d in defs.items():
    for gvk in gvks(d):
        by_gvk.setdefault(gvk, []).append(name)

roots = list(META)
for g, v, k in SERVED:
    for kind in (k, k + "List"):
        names = by_gvk.get((g, v, kind), [])
        if kind == k and len(names) != 1:
            sys.exit(f"{g}/{v} {kind}: expected one definition, found {names}")
        roots.extend(names)

INT_OR_STRING = {
    "description": "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    "format": "int-or-string",
    "type": "string",
}
QUANTITY = {
    "description": "Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the \"\" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= \"+\" | \"-\" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | \"\" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn't choose the capitalization.)\n\n<decimalExponent> ::= \"e\" <signedNumber> | \"E\" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will remember the type of suffix it had, and will use the same type again when it is serialized.\n\nBefore serializing, Quantity will be put in \"canonical form\". This means that Exponent/suffix will be adjusted up or down (with a corresponding increase or decrease in Mantissa) such that:\n\n- No precision is lost - No fractional digits will be emitted - The exponent (or suffix) is as large as possible.\n\nThe sign will be omitted unless the number is negative.\n\nExamples:\n\n- 1.5 will be serialized as \"1500m\" - 1.5Gi will be serialized as \"1536Mi\"\n\nNote that the quantity will NEVER be internally represented by a floating point number. That is the whole point of this exercise.\n\nNon-canonical values will still parse as long as they are well formed, but will be re-emitted in their canonical form. (So always use canonical form, or don't diff.)\n\nThis format is intended to make it difficult to use these numbers without writing some sort of special handling code in the hopes that that will cause implementors to also use a fixed point implementation.",
    "type": "string",
}
REPLACED = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": INT_OR_STRING,
    "io.k8s.apimachinery.pkg.api.resource.Quantity": QUANTITY,
}
EXTENSIONS = {
    "x-kubernetes-group-version-kind", "x-kubernetes-list-map-keys", "x-kubernetes-list-type",
    "x-kubernetes-map-type", "x-kubernetes-patch-merge-key", "x-kubernetes-patch-strategy",
    "x-kubernetes-unions", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-int-or-string",
    "x-kubernetes-embedded-resource",
}
SCHEMA_KEYS = {
    "$ref", "description", "type", "format", "required", "items", "properties",
    "additionalProperties", "enum",
} | EXTENSIONS

def convert(schema, path):
    out = {}
    for key, value in schema.items():
        if key not in SCHEMA_KEYS:
            sys.exit(f"{path}: unexpected key {key!r}")
        if key == "type":
            if isinstance(value, list):
                value = [t for t in value if t != "null"]
                if len(value) != 1:
                    sys.exit(f"{path}: type {value}")
                value = value[0]
        elif key == "$ref":
            prefix = "#/$defs/"
            if not value.startswith(prefix):
                sys.exit(f"{path}: $ref {value}")
            value = "#/definitions/" + value[len(prefix):]
        elif key == "enum":
            if path.rsplit(".", 1)[-1] not in ("apiVersion", "kind"):
                sys.exit(f"{path}: enum outside apiVersion/kind")
            continue
        elif key == "items" or key == "additionalProperties":
            if isinstance(value, dict):
                value = convert(value, f"{path}[{key}]")
        elif key == "properties":
            value = {name: convert(prop, f"{path}.{name}") for name, prop in value.items()}
        out[key] = value
    return out

def refs(schema):
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield value.rsplit("/", 1)[-1]
            elif key == "properties":
                # Property names are not keywords (JSONSchemaProps has a `$ref` property).
                for prop in value.values():
                    yield from refs(prop)
            elif key not in EXTENSIONS and key != "description":
                yield from refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from refs(value)

# kube's enums, from kubernetes-models' declarations (`<group>/<version>/<Kind>.d.ts`): for
# each definition (`IoK8sApiCoreV1ContainerPort`), each property's JSDoc and TypeScript type.
def jsdoc_line(line):
    # The generator escapes `*` as `\*` (so `*/` as `\*\/`); tsc indents the block by 4.
    if not line.startswith("     *"):
        sys.exit(f"{models}: unexpected JSDoc line {line!r}")
    body = line[len("     *"):]
    body = body[1:] if body.startswith(" ") else body
    return body.replace("*\\/", "*/").replace("\\*", "*")

def declared_fields(text):
    names = re.search(r"export type \{ I(\w+) as I(IoK8s\w+), ", text)
    if not names:
        return None, None
    local, full = names.groups()
    start = re.search(rf"export interface I{local}( extends \w+)? {{\n", text)
    lines = text[start.end():].split("\n")
    fields, doc, i = {}, None, 0
    while lines[i] != "}":
        line = lines[i]
        if line == "    /**":
            doc, i = [], i + 1
            while lines[i] != "     */":
                doc.append(jsdoc_line(lines[i]))
                i += 1
        else:
            # A multi-line type (an inline object) runs until its braces balance.
            depth = line.count("{") - line.count("}")
            while depth:
                i += 1
                line += "\n" + lines[i]
                depth += lines[i].count("{") - lines[i].count("}")
            field = re.fullmatch(r'    "([^"]+)"\??: (.*);', line, re.S)
            if not field:
                sys.exit(f"{models}: {full}: cannot read {line!r}")
            fields[field.group(1)] = ("\n".join(doc) if doc is not None else None, field.group(2))
            doc = None
        i += 1
    return full, fields

DECLARED = {}
with tarfile.open(models) as t:
    for m in t.getmembers():
        if m.isfile() and m.name.endswith(".d.ts") and "/_schemas/" not in m.name:
            full, fields = declared_fields(t.extractfile(m).read().decode())
            if full:
                DECLARED[full] = fields

LITERAL = r'"(?:[^"\\]|\\.)*"'

def literals(ts):
    """The values of a union of string literals (`"SCTP" | "TCP" | "UDP"`), or None."""
    if not re.fullmatch(rf"{LITERAL}( \| {LITERAL})*", ts):
        return None
    return [json.loads(v) for v in re.findall(LITERAL, ts)]

ENUM_HEADER = "Possible enum values:\n"

def split_enum_paragraph(doc):
    """(description, values listed in its "Possible enum values" paragraph)."""
    at = doc.find("\n\n" + ENUM_HEADER)
    if at < 0:
        return doc, None
    lines = doc[at + 2 + len(ENUM_HEADER):].split("\n")
    listed = [re.match(rf" - `({LITERAL})`", l) for l in lines]
    if not all(listed):
        sys.exit(f"unexpected enum paragraph {doc[at:]!r}")
    return doc[:at], [json.loads(m.group(1)) for m in listed]

enum_fields = 0

def add_enums(name, schema):
    """Puts kube's enums on the properties of the converted definition `name`."""
    global enum_fields
    if name.startswith("io.k8s.apimachinery."):
        return
    key = "".join(p[:1].upper() + p[1:] for p in re.split(r"[.-]", name))
    declared = DECLARED.get(key)
    props = schema.get("properties", {})
    if declared is None or set(declared) != set(props):
        sys.exit(f"{name}: {models_package} declares {sorted(declared or [])}, not {sorted(props)}")
    for prop, (doc, ts) in declared.items():
        where, listed = props[prop], None
        if doc is not None:
            base, listed = split_enum_paragraph(doc)
            if base != where.get("description", ""):
                sys.exit(f"{name}.{prop}: {models_package} describes it otherwise:\n{doc!r}")
        values = literals(ts)
        if values is not None:
            if prop in ("apiVersion", "kind") and doc is None:
                continue  # kubernetes-models' own literal types for the kind's GVK
            if listed != values:
                sys.exit(f"{name}.{prop}: enum {values} but the description lists {listed}")
            where["description"] = doc
        elif (inner := re.fullmatch(r"Array<(.*)>", ts, re.S)) and literals(inner.group(1)):
            values, where = literals(inner.group(1)), where["items"]
        elif (inner := re.fullmatch(r"\{\n\s*\[key: string\]: (.*);\n\s*\}", ts)) and literals(inner.group(1)):
            values, where = literals(inner.group(1)), where["additionalProperties"]
        else:
            if doc is not None and listed is not None:
                sys.exit(f"{name}.{prop}: an enum paragraph on a {ts}")
            continue
        if where.get("type") != "string":
            sys.exit(f"{name}.{prop}: enum on a {where.get('type')}")
        where["enum"] = values
        enum_fields += 1

kept = {}
todo = list(roots)
while todo:
    name = todo.pop()
    if name in kept:
        continue
    if name in REPLACED:
        kept[name] = REPLACED[name]
        continue
    kept[name] = convert(defs[name], name)
    add_enums(name, kept[name])
    todo.extend(refs(kept[name]))

def sort_keys(value):
    if isinstance(value, dict):
        return {k: sort_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [sort_keys(v) for v in value]
    return value

text = json.dumps(sort_keys(kept), separators=(",", ":"), ensure_ascii=False) + "\n"
with open(out, "w", encoding="utf-8") as f:
    f.write(text)

wheel_sha = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
member_sha = hashlib.sha256(raw).hexdigest()
models_sha = hashlib.sha256(open(models, "rb").read()).hexdigest()
out_sha = hashlib.sha256(text.encode()).hexdigest()
with open(readme, "w", encoding="utf-8") as f:
    f.write(f"""# OpenAPI definitions

`v1.36.json` holds the OpenAPI v2 `definitions` of kube-apiserver v1.36.0 that the kinds kubemem
serves reach ({len(kept)} definitions, minified, keys sorted as in kube's `swagger.json`),
with the `enum` values and "Possible enum values" paragraphs kube-apiserver publishes
(OpenAPIEnums, on by default) on {enum_fields} fields. It is generated by
`scripts/update-openapi-definitions.sh`; do not edit it by hand.

Provenance:

| what | value |
| --- | --- |
| package | PyPI `{package}=={version}` |
| wheel sha256 | `{wheel_sha}` |
| file | `{member}` |
| file sha256 | `{member_sha}` |
| enums from | npm `{models_package}@{models_version}` (kube-apiserver v1.36.0's `/openapi/v2`) |
| tarball sha256 | `{models_sha}` |
| output sha256 | `{out_sha}` |

kubernetes-validate's schemas come from kubernetes/kubernetes `api/openapi-spec`, which is
captured with the OpenAPIEnums gate off and so has no enums; kubernetes-models' declarations
come from a running kube-apiserver and keep them. Its descriptions of every field of these
definitions match kubernetes-validate's v1.36.0 byte for byte (the script stops otherwise).
The conversion (JSON Schema back to kube's OpenAPI v2 form) is described at the top of the script.
""")
print(f"{out}: {len(kept)} definitions ({enum_fields} enum fields), {len(text)} bytes")
PY
