// The verdict of `peerlab check` for people and for CI: text, JSON (schema "peerlab.check/v1",
// docs/check-output.md) and JUnit XML (testsuites/testsuite/testcase/failure). Pure functions of
// the findings.
#pragma once

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

}  // namespace peerlab::reports
