// Finding helpers (see finding.hpp).
#include "validators/finding.hpp"

#include <algorithm>
#include <tuple>

namespace peerlab::validators {

std::string_view to_string(FindingSeverity s) {
  switch (s) {
    case FindingSeverity::Info:
      return "info";
    case FindingSeverity::Warning:
      return "warning";
    case FindingSeverity::Error:
      return "error";
  }
  return "info";
}

void sort_findings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(-static_cast<int>(a.severity), a.code, a.loc.file, a.loc.line, a.loc.column, a.message) <
           std::make_tuple(-static_cast<int>(b.severity), b.code, b.loc.file, b.loc.line, b.loc.column, b.message);
  });
}

}  // namespace peerlab::validators
