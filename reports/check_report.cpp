// Check report formats (see check_report.hpp).
#include "reports/check_report.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/escape.hpp"
#include "reports/tables.hpp"

namespace peerlab::reports {

using validators::Finding;
using validators::FindingSeverity;

bool check_failed(const CheckReport& r) {
  for (const auto& f : r.findings)
    if (f.severity >= r.fail_on) return true;
  return false;
}

namespace {

std::map<FindingSeverity, std::size_t> counts(const CheckReport& r) {
  std::map<FindingSeverity, std::size_t> c;
  for (const auto& f : r.findings) ++c[f.severity];
  return c;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// A cell of the per-node matrix: "ok", the failing walk's result, or "delivered/pairs" when a
// node owns several blocks and only some fail; per group always "delivered/pairs".
std::string cell_text(const validators::ReachabilitySummary& m, const validators::ReachabilityCell& c) {
  if (c.pairs == 0) return "-";
  if (m.grouping == "node") {
    if (c.delivered == c.pairs) return "ok";
    if (c.delivered == 0 && c.failure) return std::string(validators::to_string(*c.failure));
  }
  return std::to_string(c.delivered) + "/" + std::to_string(c.pairs);
}

}  // namespace

std::string matrix_text(const validators::ReachabilitySummary& m) {
  if (m.groups.empty()) return "";
  Row header{"from \\ to"};
  for (const auto& g : m.groups) header.push_back(g);
  std::vector<Row> rows;
  for (std::size_t i = 0; i < m.groups.size(); ++i) {
    Row row{m.groups[i]};
    for (std::size_t j = 0; j < m.groups.size(); ++j) row.push_back(cell_text(m, m.cells[i][j]));
    rows.push_back(std::move(row));
  }
  std::string title = m.grouping == "node" ? "reachability (row: source node, column: block owner):\n"
                                           : "reachability per " + m.grouping +
                                                 " (delivered/pairs; row: source, column: block owner):\n";
  return title + tabwriter_table(header, rows);
}

std::string check_text(const CheckReport& r) {
  auto c = counts(r);
  std::ostringstream o;
  o << "peerlab check: " << r.input << "\n";
  o << "verdict: " << (check_failed(r) ? "FAIL" : "PASS") << " ("
    << plural(c[FindingSeverity::Error], "error") << ", " << plural(c[FindingSeverity::Warning], "warning")
    << ", " << c[FindingSeverity::Info] << " info)\n";
  const auto& s = r.summary;
  o << "simulated: " << plural(s.speakers, "speaker") << ", " << plural(s.sessions / 2, "session") << " ("
    << s.established << " of " << s.sessions << " ends established), " << s.outcome;
  if (s.converged_ms) o << " at " << *s.converged_ms / 1000 << "." << (*s.converged_ms % 1000) / 100 << "s";
  o << "; " << s.delivered << " of " << s.pairs << " node-to-block pairs reachable";
  if (s.failure_cases) o << "; " << s.failure_cases << " failure cases simulated";
  o << "\n";
  if (!s.matrix.groups.empty()) o << "\n" << matrix_text(s.matrix);
  for (const auto& f : r.findings) {
    o << "\n"
      << validators::to_string(f.severity) << "[" << f.code << "] " << f.title << ": " << f.message << "\n";
    if (f.loc.line > 0 || !f.loc.file.empty()) o << "  at " << format_loc(f.loc) << "\n";
    for (const auto& e : f.evidence) o << "  - " << e << "\n";
    if (f.severity != FindingSeverity::Info) {
      if (!f.explanation.empty()) o << "  why: " << f.explanation << "\n";
      if (!f.fix.empty()) o << "  fix: " << f.fix << "\n";
    }
  }
  return o.str();
}

nlohmann::ordered_json finding_json(const validators::Finding& f) {
  nlohmann::ordered_json x;
  x["code"] = f.code;
  x["severity"] = std::string(validators::to_string(f.severity));
  x["title"] = f.title;
  x["message"] = f.message;
  x["location"] =
      f.loc.file.empty() && f.loc.line == 0
          ? nlohmann::ordered_json(nullptr)
          : nlohmann::ordered_json{{"file", f.loc.file}, {"line", f.loc.line}, {"column", f.loc.column}};
  x["explanation"] = f.explanation;
  x["fix"] = f.fix;
  x["evidence"] = f.evidence;
  return x;
}

std::string check_json(const CheckReport& r) {
  auto c = counts(r);
  nlohmann::ordered_json j;
  j["schema"] = "peerlab.check/v1";
  j["input"] = r.input;
  j["verdict"] = check_failed(r) ? "fail" : "pass";
  j["fail_on"] = std::string(validators::to_string(r.fail_on));
  j["counts"] = {{"error", c[FindingSeverity::Error]},
                 {"warning", c[FindingSeverity::Warning]},
                 {"info", c[FindingSeverity::Info]}};
  const auto& s = r.summary;
  nlohmann::ordered_json sum;
  sum["speakers"] = s.speakers;
  sum["session_ends"] = s.sessions;
  sum["established_ends"] = s.established;
  sum["outcome"] = s.outcome;
  sum["converged_ms"] =
      s.converged_ms ? nlohmann::ordered_json(*s.converged_ms) : nlohmann::ordered_json(nullptr);
  sum["pairs"] = s.pairs;
  sum["reachable_pairs"] = s.delivered;
  sum["failure_cases"] = s.failure_cases;
  if (!s.matrix.groups.empty()) {
    nlohmann::ordered_json m;
    m["grouping"] = s.matrix.grouping;
    m["groups"] = s.matrix.groups;
    auto rows = nlohmann::ordered_json::array();
    for (const auto& r : s.matrix.cells) {
      auto row = nlohmann::ordered_json::array();
      for (const auto& c : r) {
        nlohmann::ordered_json cell{{"pairs", c.pairs}, {"delivered", c.delivered}};
        cell["failure"] = c.failure ? nlohmann::ordered_json(std::string(validators::to_string(*c.failure)))
                                    : nlohmann::ordered_json(nullptr);
        row.push_back(std::move(cell));
      }
      rows.push_back(std::move(row));
    }
    m["cells"] = std::move(rows);
    sum["matrix"] = std::move(m);
  }
  j["summary"] = sum;
  auto arr = nlohmann::ordered_json::array();
  for (const auto& f : r.findings) arr.push_back(finding_json(f));
  j["findings"] = std::move(arr);
  return j.dump(2) + "\n";
}

std::string check_junit(const CheckReport& r) {
  // One testcase per finding: findings at or above the threshold are failures; others pass and
  // carry their message in system-out (info findings always exist: R100, K100, V100).
  std::size_t failures = 0;
  for (const auto& f : r.findings) failures += f.severity >= r.fail_on;
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<testsuites name=\"peerlab check\" tests=\"" << r.findings.size() << "\" failures=\"" << failures
    << "\" errors=\"0\">\n";
  o << "  <testsuite name=\"" << xml_escape(r.input) << "\" tests=\"" << r.findings.size() << "\" failures=\""
    << failures << "\" errors=\"0\" skipped=\"0\">\n";
  for (const auto& f : r.findings) {
    std::string name = f.code + " " + f.title + ": " + f.message;
    o << "    <testcase classname=\"peerlab.check." << xml_escape(f.code) << "\" name=\"" << xml_escape(name)
      << "\">\n";
    std::string body;
    if (f.loc.line > 0 || !f.loc.file.empty()) body += "at " + format_loc(f.loc) + "\n";
    for (const auto& e : f.evidence) body += "- " + e + "\n";
    if (!f.explanation.empty()) body += "why: " + f.explanation + "\n";
    if (!f.fix.empty()) body += "fix: " + f.fix + "\n";
    if (f.severity >= r.fail_on)
      o << "      <failure type=\"" << validators::to_string(f.severity) << "\" message=\""
        << xml_escape(f.message) << "\">" << xml_escape(body) << "</failure>\n";
    else
      o << "      <system-out>" << xml_escape(body.empty() ? f.message : body) << "</system-out>\n";
    o << "    </testcase>\n";
  }
  o << "  </testsuite>\n</testsuites>\n";
  return o.str();
}

}  // namespace peerlab::reports
