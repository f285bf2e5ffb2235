// Names of scenario enums and the one-line descriptions reports show (see scenario.hpp, runner.hpp).
#include <algorithm>

#include "scenarios/runner.hpp"
#include "scenarios/scenario.hpp"

namespace peerlab::scenarios {

std::string_view to_string(FaultKind k) {
  switch (k) {
    case FaultKind::Stop:
      return "stop";
    case FaultKind::Start:
      return "start";
    case FaultKind::Fail:
      return "fail";
    case FaultKind::Recover:
      return "recover";
    case FaultKind::LinkDown:
      return "link-down";
    case FaultKind::LinkUp:
      return "link-up";
    case FaultKind::SegmentDown:
      return "segment-down";
    case FaultKind::SegmentUp:
      return "segment-up";
  }
  return "?";
}

std::string describe(const Step& s) {
  if (const auto* c = std::get_if<CtlStep>(&s.action)) return c->line;
  const auto& f = std::get<FaultStep>(s.action);
  return std::string(to_string(f.kind)) + " " + f.target;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "passed";
    case Verdict::Failed:
      return "failed";
    case Verdict::Error:
      return "error";
  }
  return "?";
}

std::size_t ScenarioResult::failed_expectations() const {
  return static_cast<std::size_t>(
      std::count_if(expectations.begin(), expectations.end(), [](const auto& e) { return !e.passed; }));
}

}  // namespace peerlab::scenarios
