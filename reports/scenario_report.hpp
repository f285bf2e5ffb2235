// The results of `peerlab run` for people and for CI: a terminal summary per scenario, JUnit XML
// (testsuites/testsuite/testcase/failure, one testsuite per scenario) and JSON (schema
// "peerlab.run/v1", docs/run-output.schema.json). reports/html_report.hpp has the HTML page. Pure
// functions of the results; nothing depends on the wall clock, so the same run gives the same bytes.
//
// Times are simulated time. In text and XML they are seconds with millisecond precision
// (sim::format_time: "45.002s"); in JSON integer microseconds (fields ending in `_us`), exact.
#pragma once

#include <string>
#include <vector>

#include "scenarios/runner.hpp"

namespace peerlab::reports {

// Terminal summary of one run: header (name, file, seed, verdict), the steps with their times and
// what they printed (calicoctl output, node status tables), each expectation PASS/FAIL with its
// message, evidence and, for continuity failures, the pairs with their gaps, the static findings,
// then the outcome line (converged at …, events, messages, fingerprint).
std::string scenario_text(const scenarios::ScenarioResult& r);

// JUnit XML: one testsuite per scenario (its properties: file, seed, verdict, simulated end and
// convergence, events, fingerprint), one testcase per expectation (failure message = the
// expectation's message, body = evidence and gaps), one per failed step, and one `error` testcase
// when the scenario could not run. No `time` attributes: simulated time is in properties and names.
std::string scenarios_junit(const std::vector<const scenarios::ScenarioResult*>& runs);

// {"schema": "peerlab.run/v1", "verdict": …, "scenarios": [...]} with everything in each result.
std::string scenarios_json(const std::vector<const scenarios::ScenarioResult*>& runs);

// The verdict of several runs: error if one could not run, else failed if one failed, else passed.
scenarios::Verdict overall_verdict(const std::vector<const scenarios::ScenarioResult*>& runs);

// Simulated durations for people: "12.4s", "3s", "0.25s", "500us" (at most millisecond precision
// above a millisecond, trailing zeros dropped).
std::string format_duration(sim::Time d);

// How a pair's gaps read: "lost at 45.002s for 12.4s, at 60.000s until the end".
std::string describe_gaps(const std::vector<scenarios::Interval>& gaps);

// The fingerprint as the reports print it: 16 lower-case hex digits.
std::string fingerprint_hex(std::uint64_t fingerprint);

}  // namespace peerlab::reports
