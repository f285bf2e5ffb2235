#!/usr/bin/env python3
"""peerlab run's machine-readable reports: the JSON validates against docs/run-output.schema.json and
agrees with itself (verdicts, counts), and the JUnit XML has the testsuites/testsuite/testcase/failure
shape GitLab, Jenkins and GitHub read, with the attributes they require and no wall-clock time.
Run by CTest on the files peerlab_write_report_samples wrote (argument: their directory)."""
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

root = Path(__file__).resolve().parents[2]
samples = Path(sys.argv[1])
schema = json.loads((root / "docs/run-output.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


# ---- JSON ----
for name, want_verdict, want_scenarios in [("passed.json", "passed", 1), ("all.json", "error", 4)]:
    try:
        doc = json.loads((samples / name).read_text())
        jsonschema.validate(doc, schema)
    except Exception as e:  # noqa: BLE001 - any parse or schema problem is a failure
        check(False, f"{name}: does not validate: {e}")
        continue
    check(doc["verdict"] == want_verdict, f"{name}: verdict {doc['verdict']}, expected {want_verdict}")
    check(len(doc["scenarios"]) == want_scenarios, f"{name}: {len(doc['scenarios'])} scenarios")
    for s in doc["scenarios"]:
        n = s["name"]
        failed_exp = sum(1 for e in s["expectations"] if not e["passed"])
        check(s["failed_expectations"] == failed_exp, f"{name}/{n}: failed_expectations")
        if s["verdict"] == "passed":
            check(failed_exp == 0 and all(st["ok"] for st in s["steps"]), f"{name}/{n}: passed with failures")
        if s["verdict"] != "error":
            times = [t["t_us"] for t in s["timeline"]]
            check(times == sorted(times) and len(times) > 0, f"{name}/{n}: timeline not in time order")
            check(all(t["established"] <= t["sessions"] for t in s["timeline"]), f"{name}/{n}: established > sessions")
        else:
            check(any(d["severity"] == "error" for d in s["diagnostics"]), f"{name}/{n}: error without a diagnostic")

all_doc = json.loads((samples / "all.json").read_text())
stop = next(s for s in all_doc["scenarios"] if s["name"] == "stop-n3")
reach = next(e for e in stop["expectations"] if e["kind"] == "reachability")
check(not reach["passed"] and len(reach["pair_gaps"]) == 5, "stop-n3: the continuity failure and its five pairs")
check(any(g["to_us"] is None for p in reach["pair_gaps"] for g in p["gaps"]), "stop-n3: a gap until the end is null")
check(any(st["ctl"] and st["ctl"]["exit_code"] != 0 and not st["ok"] for st in stop["steps"]), "stop-n3: failed ctl step")
check(stop["steps"][0]["note"] == "calico/node is restarted for an upgrade", "stop-n3: the step's note")
mesh = next(s for s in all_doc["scenarios"] if s["name"] == "mesh-comes-up")
check(any(st["status"] and st["status"]["node"] == "n1" and len(st["status"]["sessions"]) == 4 for st in mesh["steps"]),
      "mesh-comes-up: node status step with n1's four sessions")

# A document that breaks the schema is rejected (the schema is not vacuous).
bad = json.loads((samples / "passed.json").read_text())
bad["scenarios"][0]["fingerprint"] = 12345
try:
    jsonschema.validate(bad, schema)
    check(False, "a numeric fingerprint validates")
except jsonschema.ValidationError:
    check(True, "")

# ---- JUnit ----
for name, want_suites in [("passed.xml", 1), ("all.xml", 4)]:
    text = (samples / name).read_text()
    try:
        tree = ET.fromstring(text)
    except ET.ParseError as e:
        check(False, f"{name}: does not parse: {e}")
        continue
    check(tree.tag == "testsuites", f"{name}: root is {tree.tag}")
    check(not re.search(r'\b(time|timestamp|hostname)="', text), f"{name}: carries wall-clock time or a host name")
    suites = tree.findall("testsuite")
    check(len(suites) == want_suites, f"{name}: {len(suites)} testsuites")
    total = fails = errs = 0
    for s in suites:
        cases = s.findall("testcase")
        f = [c for c in cases if c.find("failure") is not None]
        e = [c for c in cases if c.find("error") is not None]
        check(s.get("name") and int(s.get("tests")) == len(cases), f"{name}/{s.get('name')}: tests attribute")
        check(int(s.get("failures")) == len(f), f"{name}/{s.get('name')}: failures attribute")
        check(int(s.get("errors")) == len(e), f"{name}/{s.get('name')}: errors attribute")
        check(s.get("skipped") == "0", f"{name}/{s.get('name')}: skipped attribute")
        props = {p.get("name"): p.get("value") for p in s.findall("properties/property")}
        check("seed" in props and "verdict" in props, f"{name}/{s.get('name')}: properties")
        check(all(c.get("classname", "").startswith("peerlab.run.") and c.get("name") for c in cases),
              f"{name}/{s.get('name')}: testcase names")
        check(all(x.get("message") is not None for c in cases for x in c if x.tag in ("failure", "error")),
              f"{name}/{s.get('name')}: failure messages")
        total, fails, errs = total + len(cases), fails + len(f), errs + len(e)
    check(int(tree.get("tests")) == total and int(tree.get("failures")) == fails and int(tree.get("errors")) == errs,
          f"{name}: testsuites totals")

junit = ET.fromstring((samples / "all.xml").read_text())
stop_suite = next(s for s in junit.findall("testsuite") if s.get("name") == "stop-n3")
cases = stop_suite.findall("testcase")
reach_case = next(c for c in cases if c.get("name").startswith("reachability continuous"))
body = reach_case.find("failure").text
check("n1 -> n3" in body and "lost at 8.002s for 2.998s" in body, "stop-n3: the pair gaps are in the failure body")
check(any(c.get("name").startswith("step at 10.500s: calicoctl delete") for c in cases), "stop-n3: failed step case")
hostile = next(s for s in junit.findall("testsuite") if "script" in s.get("name"))
check(hostile.get("name") == "<script>alert('name')</script> & \"co\"", "hostile name survives XML escaping")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
