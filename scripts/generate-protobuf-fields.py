#!/usr/bin/env python3
"""Generates apiserver/src/protobuf/fields.rs: the protobuf field table of every message the
served kinds reach (and `Status`, `WatchEvent`), for decoding `application/vnd.kubernetes.protobuf`
request bodies and encoding responses.

Inputs (no protoc needed):

* the prost-generated Rust of the crate `k8s-pb` (crates.io), found under
  ~/.cargo/registry/src/*/k8s-pb-<version>/src (or given with --k8s-pb DIR): one
  `#[prost(<type>, optional|repeated|btree_map = "...", tag = "N")]` attribute and one
  `pub <snake_name>: <rust type>,` per field, message references as Rust paths;
* openapi/definitions/v1.36.json: the OpenAPI v2 definitions the kinds reach, which give
  the JSON property names (a prost name maps to the property whose name, lower-cased and
  without underscores, is the same: `host_ipc` <-> `hostIPC`) and the roots (definitions
  with `x-kubernetes-group-version-kind`);
* apiserver/src/protobuf/go-fields.txt: the Go struct fields of those types, as a Go binary
  that links k8s.io/api holds them in its reflection data (field name, json tag, pointer or
  not). Refreshed with `--go-binary PATH` (a kubectl binary; the machine image ships
  /usr/lib/google-cloud-sdk/bin/kubectl.1.33), read from the committed file otherwise.

Why the Go facts matter: Kubernetes' generated marshallers write every non-pointer scalar
field, zero or not, so a zero value on the wire is either a set pointer (Go's JSON writes it),
a non-pointer field without `omitempty` (written too) or a non-pointer `omitempty` field (left
out). A scalar field the Go facts do not know (a field newer than the binary) keeps its zero
value when present (new optional fields are pointers by API convention).

A field of message type with no property of its own whose message's properties are all
properties of the parent is an embedded Go struct (`json:",inline"`, e.g. `Volume.volumeSource`)
and is decoded into the parent object. Any other field the script cannot map makes it fail.

Usage: python3 scripts/generate-protobuf-fields.py [--k8s-pb DIR] [--go-binary PATH] [--check]
  --check  exit 1 if the committed file differs from what would be generated.
"""

import argparse
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENAPI = os.path.join(ROOT, "openapi/definitions/v1.36.json")
GO_FIELDS = os.path.join(ROOT, "apiserver/src/protobuf/go-fields.txt")
OUT = os.path.join(ROOT, "apiserver/src/protobuf/fields.rs")

# Messages with their own JSON form (custom MarshalJSON in Go), decoded by hand.
SPECIAL = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "Time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "MicroTime",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "RawJson",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "RawJson",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "IntOrString",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "Quantity",
}

# Kinds that are not request bodies of any endpoint.
NOT_BODIES = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
}

# Messages the server writes but never reads: in the table (for encoding), not in KINDS.
WRITTEN_ONLY = [
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
]

# Go facts (pointer, omitempty) of v1.36 types and fields the Go binary of go-fields.txt does not
# have, read from the Go sources (k8s.io/api and k8s.io/apimachinery at v1.36).
GO_FACTS_EXTRA = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status": {
        "metadata": (False, True), "status": (False, True), "message": (False, True),
        "reason": (False, True), "details": (True, True), "code": (False, True),
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails": {
        "name": (False, True), "group": (False, True), "kind": (False, True),
        "uid": (False, True), "causes": (False, True), "retryAfterSeconds": (False, True),
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.StatusCause": {
        "reason": (False, True), "message": (False, True), "field": (False, True),
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta": {
        "selfLink": (False, True), "resourceVersion": (False, True), "continue": (False, True),
        "remainingItemCount": (True, True),
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent": {
        "type": (False, False), "object": (False, False),
    },
    "io.k8s.api.core.v1.ContainerExtendedResourceRequest": {
        "containerName": (False, False), "resourceName": (False, False), "requestName": (False, False),
    },
    "io.k8s.api.core.v1.ContainerRestartRule": {"action": (False, True), "exitCodes": (True, True)},
    "io.k8s.api.core.v1.EnvVarSource": {"fileKeyRef": (True, True)},
    "io.k8s.api.core.v1.VolumeProjection": {"podCertificate": (True, True)},
    "io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes": {"operator": (False, False)},
    "io.k8s.api.core.v1.FileKeySelector": {
        "volumeName": (False, False), "path": (False, False), "key": (False, False),
        "optional": (True, True),
    },
    "io.k8s.api.core.v1.PodCertificateProjection": {
        "signerName": (False, True), "keyType": (False, True), "maxExpirationSeconds": (True, True),
        "credentialBundlePath": (False, True), "keyPath": (False, True),
        "certificateChainPath": (False, True),
    },
    "io.k8s.api.core.v1.PodExtendedResourceClaimStatus": {"resourceClaimName": (False, False)},
    "io.k8s.api.core.v1.PodSpec": {"hostnameOverride": (True, True)},
    "io.k8s.api.core.v1.PodStatus": {"extendedResourceClaimStatus": (True, True), "resources": (True, True)},
}

# The options kinds every group version registers: decoded whatever the apiVersion.
ANY_VERSION = {"io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"}

# Fields of k8s-pb that v1.36 no longer has: left out of the table (their tags are skipped
# like any unknown field). Every other unmappable field fails the script.
REMOVED = {
    # 1.35 alpha (GenericWorkload), replaced by `schedulingGroup` in 1.36.
    ("io.k8s.api.core.v1.PodSpec", "workload_ref"),
}

SCALARS = {
    "string": "Str",
    "bytes": "Bytes",
    "bool": "Bool",
    "int32": "I32",
    "int64": "I64",
    "double": "F64",
}


def fail(msg):
    sys.exit(f"generate-protobuf-fields: {msg}")


def find_k8s_pb(given):
    if given:
        return given
    found = sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*/k8s-pb-*/src")))
    if not found:
        fail("k8s-pb sources not found; run `cargo download`/`cargo fetch` of k8s-pb or pass --k8s-pb")
    return found[-1]


PROST_ATTR = re.compile(r"#\[prost\((.*)\)\]\s*$")
STRUCT = re.compile(r"^pub struct (\w+) \{")
FIELD = re.compile(r"^\s*pub (r#)?(\w+):(.*)$")


def parse_attr(text):
    """`message, optional, tag = "1"` -> dict."""
    out = {"flags": set()}
    for part in re.findall(r'\w+(?:\s*=\s*"[^"]*")?', text):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip().strip('"')
        else:
            out["flags"].add(part)
    return out


def resolve(module, path):
    """A Rust type path as written in `module` -> (module path, name)."""
    segs = path.split("::")
    if segs[0] == "crate":
        base = []
        segs = segs[1:]
    elif segs[0] == "super" or len(segs) == 1:
        base = list(module)
    else:
        fail(f"unexpected type path {path} in {'::'.join(module)}")
    while segs and segs[0] == "super":
        base.pop()
        segs = segs[1:]
    return tuple(base + segs[:-1]), segs[-1]


def rust_message_type(rust_type):
    """The message path inside Option<...>/Vec<...>/Box<...>/BTreeMap<String, ...>."""
    t = re.sub(r"\s+", "", rust_type).rstrip(",")
    t = re.sub(r",>", ">", t)
    wrappers = [
        "::core::option::Option<",
        "::prost::alloc::vec::Vec<",
        "::prost::alloc::boxed::Box<",
        "::prost::alloc::collections::BTreeMap<::prost::alloc::string::String,",
    ]
    changed = True
    while changed:
        changed = False
        for w in wrappers:
            if t.startswith(w) and t.endswith(">"):
                t = t[len(w) : -1]
                changed = True
    if "<" in t:
        fail(f"cannot read type {rust_type}")
    return t


def parse_k8s_pb(src):
    """openapi-style name -> list of fields (dicts)."""
    messages = {}
    for path in sorted(glob.glob(os.path.join(src, "**/mod.rs"), recursive=True)):
        rel = os.path.relpath(os.path.dirname(path), src)
        module = tuple(rel.split(os.sep))
        with open(path) as f:
            lines = f.read().split("\n")
        current = None
        attr = None
        i = 0
        while i < len(lines):
            line = lines[i]
            m = STRUCT.match(line)
            if m:
                current = "io.k8s." + ".".join(module) + "." + m.group(1)
                messages[current] = {"module": module, "fields": []}
            elif line.startswith("}"):
                current = None
            elif current:
                a = PROST_ATTR.search(line.strip())
                if a and line.strip().startswith("#[prost("):
                    if "oneof" in a.group(1) or "enumeration" in a.group(1):
                        fail(f"{current}: unsupported attribute {line.strip()}")
                    attr = parse_attr(a.group(1))
                else:
                    fm = FIELD.match(line)
                    if fm and attr is not None:
                        rust_type = fm.group(3)
                        while not (
                            rust_type.rstrip().endswith(",")
                            and rust_type.count("<") == rust_type.count(">")
                        ):
                            i += 1
                            rust_type += lines[i]
                        messages[current]["fields"].append(
                            {"name": fm.group(2), "attr": attr, "rust_type": rust_type}
                        )
                        attr = None
            i += 1
    return messages


def field_type(messages, msg_name, field):
    """(kind, scalar or message name, cardinality) of one prost field."""
    attr = field["attr"]
    flags = attr["flags"]
    module = messages[msg_name]["module"]
    if "btree_map" in attr:
        key, value = [s.strip() for s in attr["btree_map"].split(",")]
        if key != "string":
            fail(f"{msg_name}.{field['name']}: map key {key}")
        card = "Map"
        base = value
    else:
        base = next(iter(flags & (set(SCALARS) | {"message"})), None)
        if base is None:
            if "bytes" in attr:
                base = "bytes"
            else:
                fail(f"{msg_name}.{field['name']}: no type in {attr}")
        card = "Rep" if "repeated" in flags else "One"
    if base == "message":
        mod, name = resolve(module, rust_message_type(field["rust_type"]))
        target = "io.k8s." + ".".join(mod) + "." + name
        return "message", messages[msg_name]["canonical"].get(target.lower(), target), card
    if base not in SCALARS:
        fail(f"{msg_name}.{field['name']}: scalar type {base}")
    return "scalar", base, card


def norm(name):
    return name.replace("_", "").lower()


# --- Go facts from a Go binary's reflection data ------------------------------------------


def go_struct_fields(path):
    """{(package path, type name): [(Go name, tag, kind, embedded)]} of every struct type in
    an ELF Go binary (Go 1.20+ layout) whose fields carry protobuf tags.

    Struct types (`abi.StructType`: a 48-byte `abi.Type` whose kind byte (offset 23) is 25,
    the package path, then the fields slice at offset 56) are found by scanning .rodata;
    each field (`abi.StructField`: name, type, offset) points at a name blob (flags, varint
    length, name, varint length, tag) and at the field's `abi.Type` (kind 22: a pointer).
    Type names and package paths are `nameOff`s from the start of .rodata (the module's
    `types`)."""
    import struct

    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        fail(f"{path}: not a 64-bit ELF file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    sections = {}
    headers = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx][4]
    for name, _, _, addr, off, size in headers:
        end = data.index(b"\0", strtab + name)
        sections[data[strtab + name : end].decode()] = (addr, off, size)
    if ".rodata" not in sections:
        fail(f"{path}: no .rodata section")
    ro_addr, ro_off, ro_size = sections[".rodata"]

    def in_rodata(va):
        return ro_addr <= va < ro_addr + ro_size

    def off(va):
        return va - ro_addr + ro_off

    def varint(o):
        v = shift = 0
        while True:
            b = data[o]
            o += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return v, o

    def name_at(va):
        o = off(va)
        flags = data[o]
        n, p = varint(o + 1)
        name = data[p : p + n].decode("latin1")
        tag = ""
        if flags & 2:
            tn, q = varint(p + n)
            tag = data[q : q + tn].decode("latin1")
        return flags, name, tag

    structs = {}
    for o in range(ro_off, ro_off + ro_size - 96, 8):
        if data[o + 23] & 0x1F != 25:
            continue
        fptr, flen, fcap = struct.unpack_from("<QQQ", data, o + 56)
        if not (0 < flen < 1000 and flen == fcap and in_rodata(fptr)):
            continue
        fields = []
        for i in range(flen):
            name_ptr, type_ptr, _ = struct.unpack_from("<QQQ", data, off(fptr) + 24 * i)
            if not (in_rodata(name_ptr) and in_rodata(type_ptr)):
                fields = None
                break
            flags, name, tag = name_at(name_ptr)
            fields.append((name, tag, data[off(type_ptr) + 23] & 0x1F, bool(flags & 8)))
        if not fields or not any('protobuf:"' in f[1] for f in fields):
            continue
        tflag = data[o + 20]
        type_name = name_at(ro_addr + struct.unpack_from("<i", data, o + 40)[0])[1]
        if tflag & 2:  # TFlagExtraStar
            type_name = type_name[1:]
        if not tflag & 1:  # no UncommonType: not a named type
            continue
        pkg = name_at(ro_addr + struct.unpack_from("<i", data, o + 80)[0])[1]
        structs[(pkg, type_name.split(".", 1)[-1])] = fields
    if not structs:
        fail(f"{path}: no struct types with protobuf tags found")
    return structs


def write_go_fields(binary, wanted):
    """Writes GO_FIELDS from `binary` for the definitions in `wanted`."""
    import hashlib
    import subprocess as sp

    structs = go_struct_fields(binary)
    with open(binary, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    try:
        version = sp.run([binary, "version", "--client"], capture_output=True, text=True).stdout
        version = version.splitlines()[0].strip() if version else "unknown"
    except OSError:
        version = "unknown"
    lines = [
        "# Go struct fields of the Kubernetes types the protobuf decoder reads, from the",
        "# reflection data of a Go binary: `<definition> <field>...`, a field as its json name",
        "# with `*` when the Go field is a pointer and `?` when its json tag has omitempty;",
        "# `-` for an embedded (inline) struct. Generated by",
        "# `scripts/generate-protobuf-fields.py --go-binary PATH`: do not edit.",
        f"# binary: {os.path.basename(binary)} ({version}), sha256 {digest}",
    ]
    count = 0
    for (pkg, type_name), fields in sorted(structs.items()):
        if not (pkg.startswith("k8s.io/api/") or pkg.startswith("k8s.io/apimachinery/")):
            continue
        definition = "io.k8s." + pkg[len("k8s.io/") :].replace("/", ".") + "." + type_name
        if definition not in wanted:
            continue
        tokens = []
        for name, tag, kind, embedded in fields:
            m = re.search(r'json:"([^"]*)"', tag)
            parts = m.group(1).split(",") if m else [name]
            if parts[0] == "-":
                continue
            if embedded and parts[0] == "":
                tokens.append("-")
                continue
            tokens.append(parts[0] + ("*" if kind == 22 else "") + ("?" if "omitempty" in parts[1:] else ""))
        lines.append(definition + " " + " ".join(tokens))
        count += 1
    with open(GO_FIELDS, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {GO_FIELDS}: {count} types from {binary}")


def read_go_fields():
    """{definition: {json name: (pointer, omitempty)}} and the binary's description."""
    facts = {}
    source = "unknown"
    with open(GO_FIELDS) as f:
        for line in f:
            if line.startswith("# binary: "):
                source = line[len("# binary: ") :].strip()
            if line.startswith("#") or not line.strip():
                continue
            definition, *tokens = line.split()
            fields = {}
            for t in tokens:
                if t == "-":
                    continue
                name = t.rstrip("*?")
                fields[name] = ("*" in t, "?" in t)
            facts[definition] = fields
    return facts, source


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--k8s-pb")
    ap.add_argument("--go-binary", help="refresh go-fields.txt from this Go binary (kubectl)")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    src = find_k8s_pb(args.k8s_pb)
    version = re.search(r"k8s-pb-([0-9][^/]*)/src", src)
    version = version.group(1) if version else "unknown"
    with open(OPENAPI) as f:
        defs = json.load(f)
    # prost spells acronyms in CamelCase (`HpaScalingPolicy` for `HPAScalingPolicy`): messages
    # and references are named by their OpenAPI definition, matched case-insensitively.
    canonical = {name.lower(): name for name in defs}
    messages = {canonical.get(k.lower(), k): v for k, v in parse_k8s_pb(src).items()}
    for message in messages.values():
        message["canonical"] = canonical

    roots = sorted(
        name
        for name, d in defs.items()
        if "x-kubernetes-group-version-kind" in d and not name.endswith("List") and name not in NOT_BODIES
    )
    # The closure of message types over the prost fields.
    order = []
    seen = set()
    stack = list(reversed(roots + WRITTEN_ONLY))
    while stack:
        name = stack.pop()
        if name in seen or name in SPECIAL:
            continue
        seen.add(name)
        if name not in messages:
            fail(f"{name}: no such message in k8s-pb {version}")
        order.append(name)
        for field in messages[name]["fields"]:
            if (name, field["name"]) in REMOVED:
                continue
            kind, target, _ = field_type(messages, name, field)
            if kind == "message" and target not in seen:
                stack.append(target)
    order.sort()
    index = {name: i for i, name in enumerate(order)}

    # An embedded struct with no definition of its own (`EphemeralContainerCommon`): its
    # properties are those of the parent that its fields name.
    for name in order:
        props = defs.get(name, {}).get("properties", {})
        by_norm = {norm(p): p for p in props}
        for field in messages[name]["fields"]:
            if (name, field["name"]) in REMOVED:
                continue
            kind, target, card = field_type(messages, name, field)
            if kind != "message" or norm(field["name"]) in by_norm or target in defs or target in SPECIAL:
                continue
            names = [by_norm.get(norm(f["name"])) for f in messages[target]["fields"]]
            if card != "One" or None in names:
                continue  # reported below
            defs[target] = {"properties": {p: props[p] for p in names}}

    if args.go_binary:
        write_go_fields(args.go_binary, set(order))
    go_fields, go_source = read_go_fields()
    unknown_go = []  # scalar fields the Go facts do not have
    removed_seen = set()
    missing = []  # OpenAPI properties with no protobuf field
    table = []
    for name in order:
        if name not in defs:
            fail(f"{name}: no OpenAPI definition")
        props = defs[name].get("properties", {})
        by_norm = {}
        for p in props:
            if norm(p) in by_norm:
                fail(f"{name}: properties {by_norm[norm(p)]} and {p} collide")
            by_norm[norm(p)] = p
        mapped = set()
        rows = []
        for field in messages[name]["fields"]:
            if (name, field["name"]) in REMOVED:
                removed_seen.add((name, field["name"]))
                continue
            kind, target, card = field_type(messages, name, field)
            tag = int(field["attr"]["tag"])
            json_name = by_norm.get(norm(field["name"]))
            if kind == "message":
                ty = SPECIAL.get(target) or f"Msg({index[target]})"
            else:
                ty = SCALARS[target]
            if json_name is None:
                # An embedded struct: all its properties are the parent's.
                sub = defs.get(target, {}).get("properties")
                if kind == "message" and card == "One" and sub and set(sub) <= set(props):
                    rows.append((tag, "", ty, "Inline", f"{target.rsplit('.', 1)[1]}, inline"))
                    mapped |= set(sub)
                    continue
                fail(f"{name}: prost field {field['name']} (tag {tag}) maps to no OpenAPI property")
            mapped.add(json_name)
            if card == "One":
                go = go_fields.get(name, {}).get(json_name)
                if go is None:
                    go = GO_FACTS_EXTRA.get(name, {}).get(json_name)
                if go is None:
                    unknown_go.append(f"{name}.{json_name}")
                    card = "Opt"
                else:
                    pointer, omitempty = go
                    if pointer:
                        card = "Ptr"
                    elif kind == "scalar" and omitempty:
                        card = "Omit"
                    else:
                        card = "Opt"
            rows.append((tag, json_name, ty, card, None))
        for p in sorted(set(props) - mapped - {"apiVersion", "kind"}):
            missing.append(f"{name}.{p}")
        # Every field of the Go struct must be in the table, unless v1.36 dropped it.
        if name in go_fields:
            for p in sorted(set(go_fields[name]) - mapped - {"apiVersion", "kind"}):
                if p in props:
                    fail(f"{name}.{p}: a Go field the table does not have")
        rows.sort()
        table.append((name, rows))

    if REMOVED - removed_seen:
        fail(f"REMOVED names fields k8s-pb {version} does not have: {sorted(REMOVED - removed_seen)}")

    kinds = []
    for name in roots:
        for gvk in defs[name]["x-kubernetes-group-version-kind"]:
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            if name in ANY_VERSION:
                api_version = "*"
            entry = (api_version, gvk["kind"], index[name])
            if entry not in kinds:
                kinds.append(entry)
    kinds.sort()

    n_fields = sum(len(rows) for _, rows in table)
    out = []
    out.append("// @generated by scripts/generate-protobuf-fields.py: do not edit.")
    out.append("//")
    out.append(f"// Source: the prost-generated Rust of the crate k8s-pb {version} (crates.io), the")
    out.append("// OpenAPI definitions openapi/definitions/v1.36.json (JSON names, roots) and the Go")
    out.append(f"// struct fields of go-fields.txt ({go_source}).")
    out.append(f"// {len(table)} messages, {n_fields} fields, {len(kinds)} kinds.")
    if missing:
        out.append(f"// OpenAPI v1.36 properties k8s-pb {version} has no field for ({len(missing)}; not decoded):")
        for m in missing:
            out.append(f"//   {m}")
    if unknown_go:
        out.append(f"// Fields the Go facts do not know (newer than the binary: a zero kept, always encoded) ({len(unknown_go)}):")
        for m in unknown_go:
            out.append(f"//   {m}")
    out.append("")
    out.append("use super::Card::*;")
    out.append("use super::Ty::*;")
    out.append("use super::{Message, f};")
    out.append("")
    out.append("/// Every message, by name; `Msg(i)` is `MESSAGES[i]`.")
    out.append(f"pub(super) static MESSAGES: [Message; {len(table)}] = [")
    for i, (name, rows) in enumerate(table):
        out.append(f"    // {i}")
        out.append("    Message {")
        out.append(f'        name: "{name}",')
        if not rows:
            out.append("        fields: &[],")
        else:
            out.append("        fields: &[")
            for tag, json_name, ty, card, comment in rows:
                line = f'            f({tag}, "{json_name}", {ty}, {card}),'
                if comment:
                    line += f" // {comment}"
                out.append(line)
            out.append("        ],")
        out.append("    },")
    out.append("];")
    out.append("")
    out.append('/// (apiVersion, kind) of the envelope -> message; apiVersion `*` matches any.')
    out.append(f"pub(super) static KINDS: [(&str, &str, u16); {len(kinds)}] = [")
    for api_version, kind, i in kinds:
        out.append(f'    ("{api_version}", "{kind}", {i}),')
    out.append("];")
    text = "\n".join(out) + "\n"
    # As `rustfmt` would leave it, so that formatting the crate does not change it.
    try:
        text = subprocess.run(
            ["rustfmt", "--edition", "2024"], input=text, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        fail(f"rustfmt failed: {e}")

    if args.check:
        with open(OUT) as f:
            if f.read() != text:
                fail(f"{OUT} is stale: run scripts/generate-protobuf-fields.py")
        return
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"wrote {OUT}: {len(table)} messages, {n_fields} fields, {len(kinds)} kinds, {len(missing)} missing properties")
    for m in missing:
        print(f"  missing in k8s-pb {version}: {m}")
    for m in unknown_go:
        print(f"  not in the Go facts: {m}")


if __name__ == "__main__":
    main()
