// A finding of `peerlab check`: one thing about a design that a reviewer should know, with a stable
// code, a severity, where in the input it comes from, what it means and how to fix it. Static
// lint (validators/lint.hpp) and the checks on the simulated network (validators/checks.hpp)
// produce them; reports/ prints them as text, JSON or JUnit. docs/findings.md catalogues every
// code with an example that triggers it.
//
// Code families: L = static lint on the model, S = sessions, R = reachability, K = scale,
// V = convergence, F = failures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "topology/diagnostics.hpp"

namespace peerlab::validators {

enum class FindingSeverity { Info, Warning, Error };
std::string_view to_string(FindingSeverity s);  // "info", "warning", "error"

struct Finding {
  std::string code;      // stable: "L101"
  FindingSeverity severity = FindingSeverity::Warning;
  std::string title;     // short, stable per code: "one-sided peering"
  std::string message;   // this instance, with the names and numbers involved
  SourceLoc loc;         // the resource it is about (file:line:col), when there is one
  std::string explanation;  // why it matters (per code)
  std::string fix;          // how to fix it
  std::vector<std::string> evidence;  // details: failing pairs, paths, counts
};

// Findings sorted for output: by severity (errors first), then code, then location, then message.
void sort_findings(std::vector<Finding>& findings);

}  // namespace peerlab::validators
