// The verdict of `peerlab check` for people and for CI: text, JSON (schema "peerlab.check/v1",
// docs/check-output.md) and JUnit XML (testsuites/testsuite/testcase/failure). Pure functions of
// the findings.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "validators/checks.hpp"
#include "validators/finding.hpp"

namespace peerlab::reports {

struct CheckReport {
  std::string input;  // the file(s) checked, as given
  std::vector<validators::Finding> findings;
  validators::CheckSummary summary;
  validators::FindingSeverity fail_on = validators::FindingSeverity::Error;
};

// True when some finding is at or above the threshold.
bool check_failed(const CheckReport& r);

std::string check_text(const CheckReport& r);
std::string check_json(const CheckReport& r);
std::string check_junit(const CheckReport& r);

// The reachability matrix as a text table (empty without one): per node for a small design, per
// group (delivered/pairs) at size.
std::string matrix_text(const validators::ReachabilitySummary& m);

// One finding as check_json writes it (code, severity, title, message, location, explanation, fix,
// evidence); `peerlab run`'s JSON reuses it.
nlohmann::ordered_json finding_json(const validators::Finding& f);

}  // namespace peerlab::reports
