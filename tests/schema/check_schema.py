#!/usr/bin/python3
"""Checks docs/peerlab.schema.json against the files it describes.

Every document must be accepted:
  * of examples/*.yaml;
  * of the resource blocks of tests/golden/doc/*.transcript (the lines between "--- file X.yaml"
    and "--- end");
  * of the ```yaml blocks of docs/topology-format.md.
A set of invalid documents (unknown field, bad role, bad duration, ...) must be rejected.

With --peerlab PATH, the same inputs also go through `peerlab validate`: the valid ones must pass
(doc blocks that start with "# (excerpt" are skipped, as they refer to resources declared
elsewhere), and each invalid document must fail with the diagnostic code it is listed with, so
that the schema and the parser are checked to agree.

Needs the Debian packages python3-jsonschema and python3-yaml (run it with /usr/bin/python3).
Prints one line per failure and a closing "N passed, M failed"; exits 1 on any failure.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml
from jsonschema import Draft202012Validator

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML with YAML 1.2 core-schema scalars, as yaml-cpp (peerlab) and VS Code's YAML extension
    read them: only true/false are booleans (on/off/yes/no stay strings), and 010 is ten."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool",
                                   re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:int",
                                   re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def _int12(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _int12)


def load_documents(text):
    return [d for d in yaml.load_all(text, Loader=Yaml12Loader) if d is not None]


def is_resource(doc):
    if isinstance(doc, list):
        return True
    return isinstance(doc, dict) and "apiVersion" in doc and "kind" in doc


def transcript_files(path):
    """(name, text) of every '--- file X' ... '--- end' block of a transcript."""
    out, name, lines = [], None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if name is None:
                m = re.match(r"^--- file (\S+)$", line)
                if m:
                    name, lines = m.group(1), []
            elif line == "--- end":
                out.append((name, "\n".join(lines) + "\n"))
                name = None
            else:
                lines.append(line)
    return out


def markdown_yaml_blocks(path):
    """(line number, text) of every ```yaml block."""
    out, start, lines = [], None, []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if start is None:
                if line.strip() == "```yaml":
                    start, lines = number, []
            elif line.strip() == "```":
                out.append((start, "\n".join(lines) + "\n"))
                start = None
            else:
                lines.append(line)
    return out


# Invalid documents: (what, YAML text, diagnostic code `peerlab validate` must print).
INVALID = [
    ("unknown field in spec", """\
apiVersion: peerlab/v1
kind: Router
metadata: {name: r1}
spec:
  asNumber: 65000
  addresses: [10.0.0.1/24]
  neighbours: []
""", "E104"),
    ("unknown field in metadata (typo)", """\
apiVersion: v1
kind: bgpPeer
metadata: {scope: global, peerIp: 192.20.30.40}
spec: {asNumber: 64567}
""", "E104"),
    ("unknown top-level field", """\
apiVersion: v1
kind: node
metadata: {name: n1}
status: {}
""", "E104"),
    ("bad router role", """\
apiVersion: peerlab/v1
kind: Router
metadata: {name: r1}
spec: {role: leaf, asNumber: 65000, addresses: [10.0.0.1/24]}
""", "E204"),
    ("duration without a unit", """\
apiVersion: peerlab/v1
kind: Segment
metadata: {name: s1}
spec: {cidr: 10.0.0.0/24, latency: 5}
""", "E209"),
    ("duration with an unknown unit", """\
apiVersion: peerlab/v1
kind: BGPTimers
spec: {holdTime: 1d}
""", "E209"),
    ("bad bgpPeer scope", """\
apiVersion: v1
kind: bgpPeer
metadata: {scope: nodes, hostname: n1, peerIP: 10.0.0.1}
spec: {asNumber: 64512}
""", "E204"),
    ("global bgpPeer with a hostname", """\
apiVersion: v1
kind: bgpPeer
metadata: {scope: global, hostname: n1, peerIP: 10.0.0.1}
spec: {asNumber: 64512}
""", "E306"),
    ("node-scope bgpPeer without a node", """\
apiVersion: v1
kind: bgpPeer
metadata: {scope: node, peerIP: 10.0.0.1}
spec: {asNumber: 64512}
""", "E307"),
    ("yes is not a boolean", """\
apiVersion: v1
kind: ipPool
metadata: {cidr: 10.5.0.0/16}
spec: {nat-outgoing: yes}
""", "E105"),
    ("unknown apiVersion", """\
apiVersion: projectcalico.org/v2
kind: BGPPeer
metadata: {name: p}
spec: {peerIP: 10.0.0.1, asNumber: 1}
""", "E107"),
    ("v3 kind under v1", """\
apiVersion: v1
kind: BGPConfiguration
metadata: {name: default}
""", "E106"),
    ("peerSelector with peerIP", """\
apiVersion: projectcalico.org/v3
kind: BGPPeer
metadata: {name: p}
spec: {peerSelector: all(), peerIP: 10.0.0.1}
""", "E306"),
    ("mesh setting on a node BGPConfiguration", """\
apiVersion: projectcalico.org/v3
kind: BGPConfiguration
metadata: {name: node.n1}
spec: {nodeToNodeMeshEnabled: false}
""", "E306"),
    ("bad cluster id", """\
apiVersion: projectcalico.org/v3
kind: Node
metadata: {name: rr}
spec: {bgp: {routeReflectorClusterID: 1.2.3}}
""", "E204"),
    ("pool CIDR without a length", """\
apiVersion: v1
kind: ipPool
metadata: {cidr: 10.5.0.0}
""", "E202"),
    ("bad AS number", """\
apiVersion: v1
kind: bgpPeer
metadata: {scope: global, peerIP: 10.0.0.1}
spec: {asNumber: 4294967296}
""", "E203"),
    ("bad nodeToNodeMesh value", """\
apiVersion: peerlab/v1
kind: ClusterConfig
spec: {nodeToNodeMesh: maybe}
""", "E204"),
    ("unknown field in a neighbour", """\
apiVersion: peerlab/v1
kind: Router
metadata: {name: r1}
spec:
  asNumber: 65000
  addresses: [10.0.0.1/24]
  neighbors: [{address: 10.0.0.2, asNumber: 65001, rrClient: true}]
""", "E104"),
    ("IPIP on an IPv6 pool", """\
apiVersion: v1
kind: ipPool
metadata: {cidr: "fd00::/64"}
spec: {ipip: {enabled: true}}
""", "E208"),
    ("pool smaller than an IPAM block", """\
apiVersion: projectcalico.org/v3
kind: IPPool
metadata: {name: tiny}
spec: {cidr: 10.1.0.0/28}
""", "E205"),
    ("unknown kind in a List", """\
apiVersion: v1
kind: List
items:
  - apiVersion: peerlab/v1
    kind: Switch
    metadata: {name: s}
""", "E106"),
]


class Checker:
    def __init__(self, schema, peerlab):
        self.validator = Draft202012Validator(schema)
        self.peerlab = peerlab
        self.passed = 0
        self.failed = 0

    def ok(self):
        self.passed += 1

    def fail(self, what, detail):
        self.failed += 1
        print(f"FAIL {what}: {detail}")

    def schema_errors(self, doc):
        return sorted(self.validator.iter_errors(doc), key=lambda e: list(e.absolute_path))

    def expect_valid(self, what, doc):
        errors = self.schema_errors(doc)
        if errors:
            e = errors[0]
            where = "/".join(str(p) for p in e.absolute_path) or "(document)"
            self.fail(what, f"schema rejects a valid document at {where}: {e.message[:300]}")
        else:
            self.ok()

    def expect_invalid(self, what, doc):
        if self.schema_errors(doc):
            self.ok()
        else:
            self.fail(what, "schema accepts an invalid document")

    def run_peerlab(self, text, name):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            r = subprocess.run([self.peerlab, "validate", path], capture_output=True, text=True, timeout=60)
            return r.returncode, r.stdout + r.stderr

    def expect_peerlab_valid(self, what, text):
        if not self.peerlab:
            return
        rc, out = self.run_peerlab(text, "doc.yaml")
        if rc == 0:
            self.ok()
        else:
            self.fail(what, "peerlab validate rejects it:\n" + out)

    def expect_peerlab_code(self, what, text, code):
        if not self.peerlab:
            return
        rc, out = self.run_peerlab(text, "bad.yaml")
        if rc != 0 and f"[{code}]" in out:
            self.ok()
        else:
            self.fail(what, f"peerlab validate should fail with {code} (exit {rc}):\n{out}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peerlab", help="a peerlab binary: also run `peerlab validate` on every input")
    args = parser.parse_args()

    with open(os.path.join(ROOT, "docs", "peerlab.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    c = Checker(schema, args.peerlab)

    # Valid: the examples.
    examples = sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml")))
    if not examples:
        c.fail("examples", "no examples/*.yaml found")
    for path in examples:
        rel = os.path.relpath(path, ROOT)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for i, doc in enumerate(load_documents(text), 1):
            c.expect_valid(f"{rel} document {i}", doc)
        c.expect_peerlab_valid(rel, text)

    # Valid: the resource files of the document transcripts.
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "golden", "doc", "*.transcript"))):
        rel = os.path.relpath(path, ROOT)
        for name, text in transcript_files(path):
            for i, doc in enumerate(load_documents(text), 1):
                if is_resource(doc):
                    c.expect_valid(f"{rel} {name} document {i}", doc)

    # Valid: the examples of the format reference.
    doc_path = os.path.join(ROOT, "docs", "topology-format.md")
    for line, text in markdown_yaml_blocks(doc_path):
        what = f"docs/topology-format.md:{line}"
        for i, doc in enumerate(load_documents(text), 1):
            c.expect_valid(f"{what} document {i}", doc)
        if not text.lstrip().startswith("# (excerpt"):
            c.expect_peerlab_valid(what, text)

    # Invalid documents.
    for what, text, code in INVALID:
        docs = load_documents(text)
        c.expect_invalid(what, docs[0])
        c.expect_peerlab_code(what, text, code)

    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
