// Scenario run reports: text, JUnit XML, JSON (see scenario_report.hpp).
#include "reports/scenario_report.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/check_report.hpp"
#include "reports/ctl_output.hpp"
#include "reports/escape.hpp"
#include "reports/sim_reports.hpp"

namespace peerlab::reports {

using scenarios::ExpectationResult;
using scenarios::Interval;
using scenarios::ScenarioResult;
using scenarios::StepRecord;
using scenarios::Verdict;
using sim::format_time;
using json = nlohmann::ordered_json;

std::string format_duration(sim::Time d) {
  if (d < 0) return "-" + format_duration(-d);
  if (d < sim::kMillisecond) return std::to_string(d) + "us";
  auto ms = sim::to_millis(d);
  std::string s = std::to_string(ms / 1000);
  if (ms % 1000) {
    char frac[8];
    std::snprintf(frac, sizeof frac, ".%03d", static_cast<int>(ms % 1000));
    std::string f = frac;
    while (f.back() == '0') f.pop_back();
    s += f;
  }
  return s + "s";
}

std::string describe_gaps(const std::vector<Interval>& gaps) {
  std::string out;
  for (const auto& g : gaps) {
    out += out.empty() ? "lost at " : ", at ";
    out += format_time(g.from);
    out += g.to ? " for " + format_duration(*g.to - g.from) : " until the end";
  }
  return out.empty() ? "never lost" : out;
}

std::string fingerprint_hex(std::uint64_t fingerprint) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fingerprint));
  return buf;
}

Verdict overall_verdict(const std::vector<const ScenarioResult*>& runs) {
  Verdict v = Verdict::Passed;
  for (const auto* r : runs) {
    if (r->verdict == Verdict::Error) return Verdict::Error;
    if (r->verdict == Verdict::Failed) v = Verdict::Failed;
  }
  return v;
}

namespace {

bool has_loc(const SourceLoc& l) {
  return l.line > 0 || !l.file.empty();
}

// Each line of `text` prefixed with `indent`, trailing blanks dropped (calicoctl's tables pad every
// cell), empty lines kept empty.
std::string indented(const std::string& text, const std::string& indent) {
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    out += line.empty() ? "\n" : indent + line + "\n";
  }
  return out;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string verdict_line(const ScenarioResult& r) {
  switch (r.verdict) {
    case Verdict::Passed:
      return "PASSED (" + plural(r.expectations.size(), "expectation") + " held)";
    case Verdict::Failed: {
      std::size_t steps_failed = 0;
      for (const auto& s : r.steps) steps_failed += !s.ok;
      std::string why = std::to_string(r.failed_expectations()) + " of " +
                        plural(r.expectations.size(), "expectation") + " failed";
      if (steps_failed) why += ", " + plural(steps_failed, "step") + " failed";
      return "FAILED (" + why + ")";
    }
    case Verdict::Error:
      return "ERROR (the scenario could not run)";
  }
  return "?";
}

// What a step printed: a node status table, or calicoctl's output and errors.
std::string step_output(const StepRecord& s) {
  if (!s.status_node.empty()) return node_status(s.status_sessions, s.status_uptime);
  if (s.command && s.result) {
    auto t = format_ctl_result(*s.command, *s.result);
    return t.out + t.err;
  }
  return {};
}

std::string outcome_line(const ScenarioResult& r) {
  std::string o = std::string(sim::to_string(r.outcome));
  if (r.converged_at) o += " at " + format_time(*r.converged_at);
  o += ", ended at " + format_time(r.end);
  const auto& c = r.counters;
  o += "; " + plural(r.events, "event") + "; " +
       plural(c.opens + c.updates + c.keepalives + c.notifications, "BGP message") + " (" +
       std::to_string(c.opens) + " OPEN, " + std::to_string(c.updates) + " UPDATE, " +
       std::to_string(c.keepalives) + " KEEPALIVE, " + std::to_string(c.notifications) + " NOTIFICATION)";
  o += "; fingerprint " + fingerprint_hex(r.fingerprint);
  return o;
}

// The details of an expectation under its line: where it is, evidence, when it did not hold, pairs.
std::string expectation_details(const ExpectationResult& e, const std::string& indent) {
  std::string o;
  if (!e.passed && has_loc(e.loc)) o += indent + "at " + format_loc(e.loc) + "\n";
  for (const auto& line : e.evidence) o += indent + "- " + line + "\n";
  if (!e.violations.empty() && e.pair_gaps.empty()) {
    std::string spans;
    for (const auto& v : e.violations) {
      if (!spans.empty()) spans += ", ";
      spans += "from " + format_time(v.from) +
               (v.to ? " for " + format_duration(*v.to - v.from) : std::string(" until the end"));
    }
    o += indent + "did not hold " + spans + "\n";
  }
  for (const auto& p : e.pair_gaps) {
    o += indent + p.from + " -> " + p.to + ": " + describe_gaps(p.gaps) + "\n";
    if (!p.detail.empty()) o += indent + "  " + p.detail + "\n";
  }
  return o;
}

std::string when_suffix(const ExpectationResult& e) {
  return e.when.empty() ? "" : " (" + e.when + ")";
}

}  // namespace

std::string scenario_text(const ScenarioResult& r) {
  std::ostringstream o;
  o << "scenario: " << r.name << "\n";
  if (!r.file.empty()) o << "file: " << r.file << "\n";
  o << "seed: " << r.seed << "\n";
  o << "verdict: " << verdict_line(r) << "\n";
  if (!r.diagnostics.items().empty()) o << "\n" << indented(r.diagnostics.to_string(), "  ");
  if (r.verdict == Verdict::Error) return o.str();

  if (!r.steps.empty()) {
    o << "\nsteps:\n";
    for (const auto& s : r.steps) {
      std::string at = format_time(s.at);
      o << "  " << at << std::string(at.size() < 9 ? 9 - at.size() : 1, ' ') << s.text;
      if (!s.status_node.empty() && s.text.find(s.status_node) == std::string::npos)
        o << "  [" << s.status_node << "]";
      o << "\n";
      const std::string pad(13, ' ');
      if (!s.ok) o << pad << "FAILED: " << s.error << "\n";
      o << indented(step_output(s), pad);
    }
  }

  if (!r.expectations.empty()) {
    o << "\nexpectations: " << r.expectations.size() - r.failed_expectations() << " of "
      << r.expectations.size() << " passed\n";
    for (const auto& e : r.expectations) {
      o << "  " << (e.passed ? "PASS" : "FAIL") << "  " << e.name << when_suffix(e);
      if (!e.message.empty()) o << ": " << e.message;
      o << "\n" << expectation_details(e, "        ");
    }
  }

  if (!r.findings.empty()) {
    o << "\nfindings (lint of the final model):\n";
    for (const auto& f : r.findings)
      o << "  " << validators::to_string(f.severity) << "[" << f.code << "] " << f.title << ": " << f.message
        << "\n";
  }

  o << "\noutcome: " << outcome_line(r) << "\n";
  return o.str();
}

// ---- JUnit ------------------------------------------------------------------------------------

namespace {

std::string attr(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

std::string property(const char* name, std::string_view value) {
  return "      <property" + attr("name", name) + attr("value", value) + "/>\n";
}

}  // namespace

std::string scenarios_junit(const std::vector<const ScenarioResult*>& runs) {
  struct Suite {
    std::size_t tests = 0, failures = 0, errors = 0;
    std::string body;
  };
  std::vector<Suite> suites;
  std::size_t tests = 0, failures = 0, errors = 0;
  for (const auto* rp : runs) {
    const auto& r = *rp;
    Suite s;
    const std::string classname = "peerlab.run." + r.name;
    auto testcase = [&](const std::string& name, const SourceLoc& loc, const std::string& inner) {
      s.body += "    <testcase" + attr("classname", classname) + attr("name", name);
      if (!loc.file.empty()) s.body += attr("file", loc.file);
      if (loc.line > 0) s.body += attr("line", std::to_string(loc.line));
      s.body += inner.empty() ? "/>\n" : ">\n" + inner + "    </testcase>\n";
      ++s.tests;
    };
    if (r.verdict == Verdict::Error) {
      testcase("scenario runs",
               r.diagnostics.items().empty() ? SourceLoc{r.file, 0, 0} : r.diagnostics.items()[0].loc,
               "      <error" + attr("type", "error") + attr("message", "the scenario could not run") + ">" +
                   xml_escape(r.diagnostics.to_string()) + "</error>\n");
      ++s.errors;
    }
    for (const auto& st : r.steps) {
      if (st.ok) continue;
      std::string body = (st.note.empty() ? "" : "note: " + st.note + "\n") + step_output(st);
      testcase("step at " + format_time(st.at) + ": " + st.text, st.loc,
               "      <failure" + attr("type", "step") + attr("message", st.error) + ">" + xml_escape(body) +
                   "</failure>\n");
      ++s.failures;
    }
    for (const auto& e : r.expectations) {
      std::string inner;
      if (!e.passed) {
        inner = "      <failure" + attr("type", e.kind) + attr("message", e.message) + ">" +
                xml_escape(expectation_details(e, "")) + "</failure>\n";
        ++s.failures;
      } else if (!e.message.empty()) {
        inner = "      <system-out>" + xml_escape(e.message + "\n" + expectation_details(e, "")) +
                "</system-out>\n";
      }
      testcase(e.name + when_suffix(e), e.loc, inner);
    }
    std::string props = "    <properties>\n";
    props += property("file", r.file);
    props += property("seed", std::to_string(r.seed));
    props += property("verdict", scenarios::to_string(r.verdict));
    if (r.verdict != Verdict::Error) {
      props += property("outcome", sim::to_string(r.outcome));
      props += property("simulated_end", format_time(r.end));
      if (r.converged_at) props += property("simulated_converged_at", format_time(*r.converged_at));
      props += property("events", std::to_string(r.events));
      props += property("fingerprint", fingerprint_hex(r.fingerprint));
    }
    props += "    </properties>\n";
    s.body = "  <testsuite" + attr("name", r.name) + attr("tests", std::to_string(s.tests)) +
             attr("failures", std::to_string(s.failures)) + attr("errors", std::to_string(s.errors)) +
             attr("skipped", "0") + (r.file.empty() ? "" : attr("file", r.file)) + ">\n" + props + s.body +
             "  </testsuite>\n";
    tests += s.tests, failures += s.failures, errors += s.errors;
    suites.push_back(std::move(s));
  }
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += "<testsuites" + attr("name", "peerlab run") + attr("tests", std::to_string(tests)) +
       attr("failures", std::to_string(failures)) + attr("errors", std::to_string(errors)) + ">\n";
  for (const auto& s : suites) o += s.body;
  o += "</testsuites>\n";
  return o;
}

// ---- JSON -------------------------------------------------------------------------------------

namespace {

json loc_json(const SourceLoc& l) {
  if (!has_loc(l)) return nullptr;
  return {{"file", l.file}, {"line", l.line}, {"column", l.column}};
}

json opt_time(const std::optional<sim::Time>& t) {
  return t ? json(*t) : json(nullptr);
}

template <class T>
json opt_num(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json intervals_json(const std::vector<Interval>& v) {
  auto a = json::array();
  for (const auto& i : v) a.push_back({{"from_us", i.from}, {"to_us", opt_time(i.to)}});
  return a;
}

json step_json(const StepRecord& s) {
  json j;
  j["at_us"] = s.at;
  j["text"] = s.text;
  j["note"] = s.note;
  j["location"] = loc_json(s.loc);
  j["ok"] = s.ok;
  j["error"] = s.error;
  if (s.command && s.result) {
    auto t = format_ctl_result(*s.command, *s.result);
    j["ctl"] = {{"exit_code", s.result->exit_code}, {"stdout", t.out}, {"stderr", t.err}};
  } else {
    j["ctl"] = nullptr;
  }
  if (!s.status_node.empty()) {
    auto sessions = json::array();
    for (const auto& x : s.status_sessions)
      sessions.push_back({{"protocol", x.protocol},
                          {"peer_address", to_string(x.peer_address)},
                          {"peer_type", std::string(sim::to_string(x.type))},
                          {"peer_as", x.peer_as},
                          {"peer_speaker", x.peer_speaker},
                          {"state", std::string(bgp::to_string(x.proto))},
                          {"bgp_state", std::string(bgp::to_string(x.state))},
                          {"since_us", x.since},
                          {"info", x.info()}});
    j["status"] = {
        {"node", s.status_node}, {"uptime_us", s.status_uptime}, {"sessions", std::move(sessions)}};
  } else {
    j["status"] = nullptr;
  }
  return j;
}

json expectation_json(const ExpectationResult& e) {
  json j;
  j["name"] = e.name;
  j["kind"] = e.kind;
  j["location"] = loc_json(e.loc);
  j["when"] = e.when;
  j["passed"] = e.passed;
  j["checked_at_us"] = e.checked_at;
  j["message"] = e.message;
  j["evidence"] = e.evidence;
  j["violations"] = intervals_json(e.violations);
  auto gaps = json::array();
  for (const auto& p : e.pair_gaps)
    gaps.push_back({{"from", p.from}, {"to", p.to}, {"gaps", intervals_json(p.gaps)}, {"detail", p.detail}});
  j["pair_gaps"] = std::move(gaps);
  return j;
}

json scenario_json(const ScenarioResult& r) {
  json j;
  j["name"] = r.name;
  j["file"] = r.file;
  j["description"] = r.description;
  j["seed"] = r.seed;
  j["verdict"] = std::string(scenarios::to_string(r.verdict));
  auto diags = json::array();
  for (const auto& d : r.diagnostics.items())
    diags.push_back({{"severity", d.severity == Severity::Error ? "error" : "warning"},
                     {"code", d.code},
                     {"location", loc_json(d.loc)},
                     {"message", d.message},
                     {"hint", d.hint}});
  j["diagnostics"] = std::move(diags);
  j["outcome"] = std::string(sim::to_string(r.outcome));
  j["end_us"] = r.end;
  j["converged_at_us"] = opt_time(r.converged_at);
  j["events"] = r.events;
  j["fingerprint"] = fingerprint_hex(r.fingerprint);
  const auto& c = r.counters;
  j["counters"] = {{"events", c.events},
                   {"opens", c.opens},
                   {"updates", c.updates},
                   {"keepalives", c.keepalives},
                   {"notifications", c.notifications},
                   {"prefixes_announced", c.prefixes_announced},
                   {"prefixes_withdrawn", c.prefixes_withdrawn},
                   {"connects", c.connects},
                   {"best_changes", c.best_changes}};
  j["failed_expectations"] = r.failed_expectations();
  auto steps = json::array();
  for (const auto& s : r.steps) steps.push_back(step_json(s));
  j["steps"] = std::move(steps);
  auto exps = json::array();
  for (const auto& e : r.expectations) exps.push_back(expectation_json(e));
  j["expectations"] = std::move(exps);
  auto timeline = json::array();
  for (const auto& t : r.timeline)
    timeline.push_back({{"t_us", t.t},
                        {"sessions", t.sessions},
                        {"established", t.established},
                        {"pairs", opt_num(t.pairs)},
                        {"delivered", opt_num(t.delivered)},
                        {"best_routes", t.best_routes},
                        {"messages", t.messages},
                        {"updates", t.updates}});
  j["timeline"] = std::move(timeline);
  auto findings = json::array();
  for (const auto& f : r.findings) findings.push_back(finding_json(f));
  j["findings"] = std::move(findings);
  return j;
}

}  // namespace

std::string scenarios_json(const std::vector<const ScenarioResult*>& runs) {
  json j;
  j["schema"] = "peerlab.run/v1";
  j["verdict"] = std::string(scenarios::to_string(overall_verdict(runs)));
  auto arr = json::array();
  for (const auto* r : runs) arr.push_back(scenario_json(*r));
  j["scenarios"] = std::move(arr);
  return j.dump(2) + "\n";
}

}  // namespace peerlab::reports
