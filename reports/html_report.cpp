// The HTML report (see html_report.hpp).
#include "reports/html_report.hpp"

#include <algorithm>
#include <mstch/mstch.hpp>

#include "reports/ctl_output.hpp"
#include "reports/graph_view.hpp"
#include "reports/graphviz_render.hpp"
#include "reports/scenario_report.hpp"
#include "reports/sim_reports.hpp"

namespace peerlab::reports {

using scenarios::ScenarioResult;
using scenarios::ScenarioRun;
using scenarios::Verdict;
using sim::format_time;

namespace {

// The page. Mustache: {{x}} is HTML-escaped, {{{x}}} raw (only SVG produced by Graphviz or PLplot).
constexpr const char* kTemplate = R"HTML(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="peerlab">
<title>peerlab run: {{title}}</title>
<style>
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; margin: 0; color: #222; background: #fafafa; font-size: 14px; }
main { max-width: 1100px; margin: 0 auto; padding: 0 20px 40px; }
.banner { padding: 18px 24px; color: #fff; font-size: 26px; font-weight: bold; letter-spacing: 0.04em; }
.banner small { display: block; font-size: 14px; font-weight: normal; letter-spacing: 0; margin-top: 4px; }
.passed { background: #2e7d32; } .failed { background: #c62828; } .error { background: #ef6c00; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-size: 13px; vertical-align: middle; }
nav ul { list-style: none; padding: 0; } nav li { margin: 4px 0; }
a { color: #1565c0; }
section.scenario { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 24px 0; padding: 8px 24px 24px; }
h2 { font-size: 20px; } h3 { font-size: 16px; margin-top: 28px; border-bottom: 1px solid #eee; padding-bottom: 4px; }
.meta { color: #555; } .meta span { margin-right: 18px; white-space: nowrap; }
.description { white-space: pre-wrap; background: #f3f6fb; border-left: 4px solid #1565c0; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid #e5e5e5; padding: 5px 8px; }
th { background: #f2f2f2; font-weight: 600; }
td.pass, .result.pass { color: #2e7d32; font-weight: bold; } td.fail, .result.fail { color: #c62828; font-weight: bold; }
tr.fail td { background: #fff5f5; }
td.num, th.num { text-align: right; white-space: nowrap; }
.loc { color: #777; font-size: 12px; }
.step-note { color: #444; font-style: italic; margin-top: 2px; }
ul.evidence { margin: 4px 0 0; padding-left: 18px; color: #444; }
pre { background: #f6f6f6; border: 1px solid #e3e3e3; padding: 8px; overflow-x: auto; font-size: 12px; margin: 4px 0; }
.charts { display: grid; grid-template-columns: 1fr; gap: 14px; max-width: 960px; }
figure { margin: 0; } figure svg { width: 100%; height: auto; }
.graph svg { max-width: 100%; height: auto; }
.finding { border-left: 4px solid #999; padding: 4px 12px; margin: 10px 0; }
.finding.error { border-color: #c62828; background: #fff; } .finding.warning { border-color: #ef6c00; background: #fff; } .finding.info { border-color: #1565c0; background: #fff; }
.finding .code { font-weight: bold; }
.note { color: #666; font-style: italic; }
footer { color: #888; font-size: 12px; text-align: center; padding: 16px; }
</style>
</head>
<body>
<header id="verdict" class="banner {{verdict_class}}">{{verdict_text}}<small>{{verdict_detail}}</small></header>
<main>
<nav id="index"><h3>Scenarios</h3><ul>
{{#scenarios}}<li><span class="badge {{verdict_class}}">{{verdict_text}}</span> <a href="#{{anchor}}">{{name}}</a> <span class="loc">{{file}}</span></li>
{{/scenarios}}</ul></nav>
{{#scenarios}}
<section class="scenario" id="{{anchor}}">
<h2><span class="badge {{verdict_class}}">{{verdict_text}}</span> {{name}}</h2>
<p class="meta"><span>file: {{file}}</span> <span>seed: {{seed}}</span> <span>{{verdict_line}}</span></p>
{{#has_description}}<p class="description">{{description}}</p>{{/has_description}}
{{#has_diagnostics}}<h3>Diagnostics</h3><pre class="diagnostics">{{diagnostics}}</pre>{{/has_diagnostics}}
{{#ran}}
<p class="meta"><span>outcome: {{outcome}}</span></p>
<h3>Expectations</h3>
{{#has_expectations}}<table class="expectations">
<tr><th>Result</th><th>Expectation</th><th>When</th><th>Message and evidence</th></tr>
{{#expectations}}<tr class="{{class}}"><td class="{{class}}">{{status}}</td><td>{{name}}<div class="loc">{{kind}} {{loc}}</div></td><td>{{when}}</td><td>{{message}}{{#has_evidence}}<ul class="evidence">{{#evidence}}<li>{{.}}</li>{{/evidence}}</ul>{{/has_evidence}}</td></tr>
{{/expectations}}</table>{{/has_expectations}}
{{^has_expectations}}<p class="note">No expectations.</p>{{/has_expectations}}
{{#has_gaps}}<h3>Continuity gaps</h3>
<table class="gaps"><tr><th>Expectation</th><th>From</th><th>To</th><th>Reachability lost</th><th>How the walk ended</th></tr>
{{#gaps}}<tr><td>{{expectation}}</td><td>{{from}}</td><td>{{to}}</td><td>{{gaps}}</td><td>{{detail}}</td></tr>
{{/gaps}}</table>{{/has_gaps}}
<h3>Steps</h3>
{{#has_steps}}<table class="steps"><tr><th class="num">#</th><th class="num">Time</th><th>Step</th><th>Result and output</th></tr>
{{#steps}}<tr class="{{class}}"><td class="num">{{number}}</td><td class="num">{{at}}</td><td><code>{{text}}</code>{{#has_note}}<div class="step-note">{{note}}</div>{{/has_note}}<div class="loc">{{loc}}</div></td><td><span class="result {{class}}">{{result}}</span>{{#has_output}}<pre>{{output}}</pre>{{/has_output}}</td></tr>
{{/steps}}</table>{{/has_steps}}
{{^has_steps}}<p class="note">No steps: the network is simulated from power-on to convergence.</p>{{/has_steps}}
<h3>Over simulated time</h3>
<div class="charts">{{#charts}}<figure class="chart">{{{svg}}}</figure>{{/charts}}</div>
{{#chart_errors}}<p class="note">{{.}}</p>{{/chart_errors}}
<p class="note">Dashed vertical lines are the steps, numbered as in the steps table.</p>
<h3>Sessions at the end</h3>
{{#has_graph}}<div class="graph">{{{graph}}}</div>{{/has_graph}}
{{^has_graph}}<p class="note">{{graph_error}}</p>{{/has_graph}}
<h3>Findings on the final model</h3>
{{#findings}}<div class="finding {{severity}}"><span class="code">{{severity}}[{{code}}]</span> {{title}}: {{message}}{{#has_loc}} <span class="loc">{{loc}}</span>{{/has_loc}}
{{#has_evidence}}<ul class="evidence">{{#evidence}}<li>{{.}}</li>{{/evidence}}</ul>{{/has_evidence}}
{{#has_explanation}}<div><b>Why:</b> {{explanation}}</div>{{/has_explanation}}{{#has_fix}}<div><b>Fix:</b> {{fix}}</div>{{/has_fix}}</div>
{{/findings}}{{^has_findings}}<p class="note">None.</p>{{/has_findings}}
<h3>Node status at the end</h3>
{{#nodes}}<h4>{{name}}</h4><pre class="node-status">{{status}}</pre>
{{/nodes}}{{^has_nodes}}<p class="note">No Calico nodes.</p>{{/has_nodes}}
{{/ran}}
</section>
{{/scenarios}}
</main>
<footer>peerlab run report. All times are simulated time from power-on.</footer>
</body>
</html>
)HTML";

std::string verdict_class(Verdict v) {
  return std::string(scenarios::to_string(v));
}

std::string verdict_upper(Verdict v) {
  switch (v) {
    case Verdict::Passed:
      return "PASSED";
    case Verdict::Failed:
      return "FAILED";
    case Verdict::Error:
      return "ERROR";
  }
  return "?";
}

std::string loc_text(const SourceLoc& l) {
  return l.line > 0 || !l.file.empty() ? format_loc(l) : "";
}

double seconds(sim::Time t) {
  return static_cast<double>(t) / static_cast<double>(sim::kSecond);
}

// Drops the points of a staircase that do not change its value (keeping the last), then, if there
// are still more than `max` points, keeps the lowest and highest of each of max/2 buckets, so that a
// short dip stays visible.
std::vector<PlotPoint> thin(std::vector<PlotPoint> pts, std::size_t max) {
  std::vector<PlotPoint> out;
  for (std::size_t i = 0; i < pts.size(); ++i)
    if (i == 0 || i + 1 == pts.size() || pts[i].y != pts[i - 1].y) out.push_back(pts[i]);
  if (out.size() <= max || max < 4) return out;
  std::vector<PlotPoint> b;
  const std::size_t buckets = max / 2, n = out.size();
  for (std::size_t k = 0; k < buckets; ++k) {
    std::size_t lo = k * n / buckets, hi = (k + 1) * n / buckets;
    if (lo >= hi) continue;
    auto [mn, mx] = std::minmax_element(out.begin() + static_cast<std::ptrdiff_t>(lo),
                                        out.begin() + static_cast<std::ptrdiff_t>(hi),
                                        [](const PlotPoint& a, const PlotPoint& c) { return a.y < c.y; });
    if (mn->x <= mx->x)
      b.push_back(*mn), b.push_back(*mx);
    else
      b.push_back(*mx), b.push_back(*mn);
  }
  b.back() = out.back();
  return b;
}

constexpr std::size_t kMaxPoints = 3000;

}  // namespace

std::vector<LineChart> timeline_charts(const ScenarioResult& r, const std::string& id_prefix) {
  std::vector<PlotMarker> markers;
  for (std::size_t i = 0; i < r.steps.size(); ++i)
    markers.push_back({seconds(r.steps[i].at), std::to_string(i + 1)});
  const double x_end = std::max(seconds(r.end), r.timeline.empty() ? 0.0 : seconds(r.timeline.back().t));

  auto chart = [&](std::string title, std::string y_label, std::string id) {
    LineChart c;
    c.title = std::move(title);
    c.x_label = "simulated time (s)";
    c.y_label = std::move(y_label);
    c.markers = markers;
    c.x_min = 0;
    c.x_max = x_end > 0 ? x_end : 1;
    c.width = 760;
    c.height = 230;
    c.id_prefix = id_prefix + "-" + id;
    return c;
  };
  auto series = [&](std::string name, auto value, bool steps, bool dashed) {
    PlotSeries s;
    s.name = std::move(name);
    s.steps = steps;
    s.dashed = dashed;
    std::vector<PlotPoint> pts;
    for (const auto& t : r.timeline)
      if (auto v = value(t)) pts.push_back({seconds(t.t), static_cast<double>(*v)});
    s.points = thin(std::move(pts), kMaxPoints);
    return s;
  };
  using Sample = scenarios::TimelineSample;
  std::vector<LineChart> charts;

  auto sessions = chart("BGP sessions", "session ends", "sessions");
  sessions.series.push_back(series(
      "Established", [](const Sample& t) { return std::optional<std::size_t>(t.established); }, true, false));
  sessions.series.push_back(series(
      "configured", [](const Sample& t) { return std::optional<std::size_t>(t.sessions); }, true, true));
  charts.push_back(std::move(sessions));

  if (std::any_of(r.timeline.begin(), r.timeline.end(),
                  [](const Sample& t) { return t.pairs.has_value(); })) {
    auto reach = chart("Reachability (node to workload block)", "pairs", "reachability");
    reach.series.push_back(series(
        "reachable", [](const Sample& t) { return t.delivered; }, true, false));
    reach.series.push_back(series(
        "pairs", [](const Sample& t) { return t.pairs; }, true, true));
    charts.push_back(std::move(reach));
  }

  auto routes = chart("Best routes (all speakers)", "routes", "routes");
  routes.series.push_back(series(
      "best routes", [](const Sample& t) { return std::optional<std::size_t>(t.best_routes); }, true, false));
  charts.push_back(std::move(routes));

  auto messages = chart("BGP messages sent (cumulative)", "messages", "messages");
  messages.series.push_back(series(
      "all messages", [](const Sample& t) { return std::optional<std::uint64_t>(t.messages); }, true, false));
  messages.series.push_back(series(
      "UPDATEs", [](const Sample& t) { return std::optional<std::uint64_t>(t.updates); }, true, true));
  charts.push_back(std::move(messages));
  return charts;
}

namespace {

std::string strip_prolog(const std::string& svg) {
  auto p = svg.find("<svg");
  return p == std::string::npos ? svg : svg.substr(p);
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

// Graphviz names its elements graph0, node1, edge1, … in every picture: prefixed per scenario, so
// that ids stay unique on a page with several graphs (and references to them follow).
std::string prefix_ids(std::string svg, const std::string& prefix) {
  replace_all(svg, " id=\"", " id=\"" + prefix + "-");
  replace_all(svg, "url(#", "url(#" + prefix + "-");
  replace_all(svg, "href=\"#", "href=\"#" + prefix + "-");
  return svg;
}

mstch::map scenario_context(const ScenarioRun& run, std::size_t index) {
  const auto& r = run.result;
  const std::string anchor = "scenario-" + std::to_string(index + 1);
  mstch::map m{
      {"anchor", anchor},
      {"name", r.name},
      {"file", r.file},
      {"seed", std::to_string(r.seed)},
      {"verdict_class", verdict_class(r.verdict)},
      {"verdict_text", verdict_upper(r.verdict)},
      {"has_description", !r.description.empty()},
      {"description", r.description},
      {"has_diagnostics", !r.diagnostics.items().empty()},
      {"diagnostics", r.diagnostics.to_string()},
      {"ran", r.verdict != Verdict::Error},
  };
  std::size_t failed_steps = 0;
  for (const auto& s : r.steps) failed_steps += !s.ok;
  std::string line = std::to_string(r.expectations.size() - r.failed_expectations()) + " of " +
                     std::to_string(r.expectations.size()) + " expectations held";
  if (failed_steps) line += ", " + std::to_string(failed_steps) + " step(s) failed";
  m["verdict_line"] = r.verdict == Verdict::Error ? std::string("the scenario could not run") : line;
  if (r.verdict == Verdict::Error) return m;

  std::string outcome = std::string(sim::to_string(r.outcome));
  if (r.converged_at) outcome += " at " + format_time(*r.converged_at);
  outcome += ", ended at " + format_time(r.end) + "; " + std::to_string(r.events) + " events; " +
             std::to_string(r.counters.opens + r.counters.updates + r.counters.keepalives +
                            r.counters.notifications) +
             " BGP messages; fingerprint " + fingerprint_hex(r.fingerprint);
  m["outcome"] = outcome;

  mstch::array exps, gaps;
  for (const auto& e : r.expectations) {
    mstch::array ev;
    for (const auto& x : e.evidence) ev.push_back(x);
    exps.push_back(mstch::map{{"class", std::string(e.passed ? "pass" : "fail")},
                              {"status", std::string(e.passed ? "PASS" : "FAIL")},
                              {"name", e.name},
                              {"kind", e.kind},
                              {"loc", loc_text(e.loc)},
                              {"when", e.when},
                              {"message", e.message},
                              {"has_evidence", !ev.empty()},
                              {"evidence", ev}});
    for (const auto& p : e.pair_gaps)
      gaps.push_back(mstch::map{{"expectation", e.name},
                                {"from", p.from},
                                {"to", p.to},
                                {"gaps", describe_gaps(p.gaps)},
                                {"detail", p.detail}});
  }
  m["has_expectations"] = !exps.empty();
  m["expectations"] = exps;
  m["has_gaps"] = !gaps.empty();
  m["gaps"] = gaps;

  mstch::array steps;
  for (std::size_t i = 0; i < r.steps.size(); ++i) {
    const auto& s = r.steps[i];
    std::string output;
    if (!s.status_node.empty())
      output = node_status(s.status_sessions, s.status_uptime);
    else if (s.command && s.result) {
      auto t = format_ctl_result(*s.command, *s.result);
      output = t.out + t.err;
    }
    steps.push_back(mstch::map{{"number", std::to_string(i + 1)},
                               {"at", format_time(s.at)},
                               {"text", s.text},
                               {"has_note", !s.note.empty()},
                               {"note", s.note},
                               {"loc", loc_text(s.loc)},
                               {"class", std::string(s.ok ? "pass" : "fail")},
                               {"result", s.ok ? std::string("ok") : "FAILED: " + s.error},
                               {"has_output", !output.empty()},
                               {"output", output}});
  }
  m["has_steps"] = !steps.empty();
  m["steps"] = steps;

  mstch::array charts, chart_errors;
  for (const auto& c : timeline_charts(r, anchor)) {
    std::string svg, error;
    if (line_chart_svg(c, svg, error))
      charts.push_back(mstch::map{{"svg", svg}});
    else
      chart_errors.push_back(c.title + ": " + error);
  }
  m["charts"] = charts;
  m["chart_errors"] = chart_errors;

  mstch::array findings;
  for (const auto& f : r.findings) {
    mstch::array ev;
    for (const auto& x : f.evidence) ev.push_back(x);
    findings.push_back(mstch::map{{"severity", std::string(validators::to_string(f.severity))},
                                  {"code", f.code},
                                  {"title", f.title},
                                  {"message", f.message},
                                  {"has_loc", !loc_text(f.loc).empty()},
                                  {"loc", loc_text(f.loc)},
                                  {"has_evidence", !ev.empty()},
                                  {"evidence", ev},
                                  {"has_explanation", !f.explanation.empty()},
                                  {"explanation", f.explanation},
                                  {"has_fix", !f.fix.empty()},
                                  {"fix", f.fix}});
  }
  m["has_findings"] = !findings.empty();
  m["findings"] = findings;

  mstch::array nodes;
  if (run.network) {
    ViewOptions vo;
    vo.name = r.name;
    vo.when = "at the end, " + format_time(r.end);
    std::string svg, error;
    if (render(sessions_view(run.model, *run.network, vo), "svg", svg, error)) {
      m["has_graph"] = true;
      m["graph"] = prefix_ids(strip_prolog(svg), anchor + "-graph");
    } else {
      m["has_graph"] = false;
      m["graph_error"] = "The session graph could not be drawn: " + error;
    }
    for (sim::SpeakerId id = 0; id < run.network->speaker_count(); ++id) {
      const auto& cfg = run.network->speaker_config(id);
      if (cfg.kind != SpeakerKind::CalicoNode) continue;
      nodes.push_back(mstch::map{{"name", cfg.name}, {"status", node_status(*run.network, id)}});
    }
  } else {
    m["has_graph"] = false;
    m["graph_error"] = std::string("No network: the scenario did not start.");
  }
  m["has_nodes"] = !nodes.empty();
  m["nodes"] = nodes;
  return m;
}

}  // namespace

std::string scenarios_html(const std::vector<const ScenarioRun*>& runs) {
  std::vector<const ScenarioResult*> results;
  for (const auto* r : runs) results.push_back(&r->result);
  const Verdict overall = overall_verdict(results);
  std::size_t passed = 0, failed = 0, errors = 0;
  for (const auto* r : results) {
    passed += r->verdict == Verdict::Passed;
    failed += r->verdict == Verdict::Failed;
    errors += r->verdict == Verdict::Error;
  }
  std::string detail = std::to_string(results.size()) +
                       (results.size() == 1 ? " scenario: " : " scenarios: ") + std::to_string(passed) +
                       " passed, " + std::to_string(failed) + " failed";
  if (errors) detail += ", " + std::to_string(errors) + " could not run";

  std::string title;
  mstch::array scenarios;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    title += (i ? ", " : "") + runs[i]->result.name;
    scenarios.push_back(scenario_context(*runs[i], i));
  }
  mstch::map context{{"title", title},
                     {"verdict_class", verdict_class(overall)},
                     {"verdict_text", verdict_upper(overall)},
                     {"verdict_detail", detail},
                     {"scenarios", scenarios}};
  return mstch::render(kTemplate, context);
}

}  // namespace peerlab::reports
