#!/usr/bin/env python3
"""peerlab check's machine-readable outputs: the JSON validates against docs/check-output.schema.json,
the JUnit XML has the testsuites/testsuite/testcase/failure shape CI systems read, and the exit
status follows --fail-on. Run by CTest with the built peerlab."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

root = Path(__file__).resolve().parents[2]
peerlab = sys.argv[1]
schema = json.loads((root / "docs/check-output.schema.json").read_text())
cases = {
    "tests/sim/topologies/mesh5.yaml": (0, 0),           # (exit with --fail-on error, failures in junit)
    "tests/sim/topologies/one-sided.yaml": (1, None),
    "tests/validators/fixtures/checks/loop.yaml": (1, None),
    "examples/fabric-two-racks.yaml": (0, 0),
    "tests/validators/fixtures/checks/K101-limit-from-file.yaml": (0, 0),
}
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


for rel, (want_exit, want_junit_failures) in cases.items():
    path = str(root / rel)
    j = subprocess.run([peerlab, "check", path, "--format", "json"], capture_output=True, text=True)
    check(j.returncode == want_exit, f"{rel}: json exit {j.returncode}, expected {want_exit}")
    try:
        doc = json.loads(j.stdout)
        jsonschema.validate(doc, schema)
        check(True, "")
        check((doc["verdict"] == "fail") == (want_exit == 1), f"{rel}: verdict {doc['verdict']}")
    except Exception as e:  # noqa: BLE001 - report any parse or schema problem as a failure
        check(False, f"{rel}: JSON does not validate: {e}")
    x = subprocess.run([peerlab, "check", path, "--format", "junit"], capture_output=True, text=True)
    try:
        tree = ET.fromstring(x.stdout)
        check(tree.tag == "testsuites", f"{rel}: root is {tree.tag}")
        suites = tree.findall("testsuite")
        check(len(suites) == 1, f"{rel}: {len(suites)} testsuites")
        cases_ = suites[0].findall("testcase")
        fails = [c for c in cases_ if c.find("failure") is not None]
        check(int(suites[0].get("tests")) == len(cases_), f"{rel}: tests attribute")
        check(int(suites[0].get("failures")) == len(fails), f"{rel}: failures attribute")
        check(all(c.get("classname", "").startswith("peerlab.check.") and c.get("name") for c in cases_),
              f"{rel}: testcase names")
        if want_junit_failures is not None:
            check(len(fails) == want_junit_failures, f"{rel}: {len(fails)} junit failures")
        else:
            check(len(fails) > 0, f"{rel}: expected junit failures")
    except ET.ParseError as e:
        check(False, f"{rel}: JUnit XML does not parse: {e}")

# --fail-on warning turns the fabric example's warnings (a single ToR per rack) into a failure.
w = subprocess.run([peerlab, "check", str(root / "examples/fabric-two-racks.yaml"), "--fail-on", "warning"],
                   capture_output=True, text=True)
check(w.returncode == 1, f"--fail-on warning exit {w.returncode}")

# The reachability matrix: per node for a small design (every cell of a clean mesh "delivered").
m = json.loads(subprocess.run([peerlab, "check", str(root / "tests/sim/topologies/mesh5.yaml"), "--format", "json"],
                              capture_output=True, text=True).stdout)["summary"].get("matrix", {})
check(m.get("grouping") == "node" and m.get("groups") == ["n1", "n2", "n3", "n4", "n5"], f"mesh5 matrix groups {m}")
check(all(c["pairs"] == c["delivered"] for row in m.get("cells", []) for c in row), "mesh5 matrix all delivered")
t = subprocess.run([peerlab, "check", str(root / "tests/sim/topologies/mesh5.yaml")], capture_output=True, text=True)
check("reachability (row: source node, column: block owner):" in t.stdout, "text report prints the matrix")

# Limits: the file's CheckLimits (3 sessions per node) triggers K101; a flag overrides it.
k = str(root / "tests/validators/fixtures/checks/K101-limit-from-file.yaml")
kt = subprocess.run([peerlab, "check", k], capture_output=True, text=True).stdout
check("limit 3 from " + k + ":54:23" in kt, "K101 cites the file's limit")
kf = subprocess.run([peerlab, "check", k, "--max-sessions-per-node", "10"], capture_output=True, text=True).stdout
check("[K101]" not in kf, "--max-sessions-per-node 10 overrides the file's 3")
kf = subprocess.run([peerlab, "check", k, "--max-sessions-per-node", "2"], capture_output=True, text=True).stdout
check("more than 2 BGP sessions (n1 has 4; limit 2 from --max-sessions-per-node)" in kf, "K101 cites the flag")

bad = subprocess.run([peerlab, "check", str(root / "does-not-exist.yaml")], capture_output=True, text=True)
check(bad.returncode == 2, f"unreadable input exit {bad.returncode}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
