// The run command (see run_command.hpp).
#include "cli/run_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "reports/html_report.hpp"
#include "reports/scenario_report.hpp"

namespace peerlab::cli {

namespace {

// Writes a report file through a temporary name, so that a reader never sees half of it.
bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    if (!f.flush()) {
      err << "error: cannot write '" << path << "'\n";
      std::filesystem::remove(tmp);
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    err << "error: cannot write '" << path << "': " << ec.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

void register_run_command(CLI::App& app, RunArgs& a) {
  auto* c = app.add_subcommand(
      "run", "Run scenarios: a topology, calicoctl commands and faults over time, expectations");
  c->add_option("scenarios", a.files, "scenario files (docs/scenarios.md)")->required();
  c->add_option("--junit", a.junit, "also write JUnit XML here (one testcase per expectation)");
  c->add_option("--json", a.json, "also write JSON here (docs/run-output.schema.json)");
  c->add_option("--html", a.html, "also write a self-contained HTML report here");
  c->add_option("--seed", a.seed, "override the scenarios' seeds");
  c->add_flag("-q,--quiet", a.quiet, "print only each scenario's verdict line");
}

int run_scenarios(const RunArgs& a, const scenarios::FileReader& read, std::ostream& out, std::ostream& err,
                  bool progress) {
  std::vector<scenarios::ScenarioRun> runs;
  runs.reserve(a.files.size());
  int rc = 0;
  for (const auto& file : a.files) {
    scenarios::RunOptions o;
    o.seed = a.seed;
    auto started = std::chrono::steady_clock::now();
    if (progress) {
      // A progress line for long runs, on a terminal only: simulated time and events per second.
      o.progress = [&err, &file, started](sim::Time now, std::uint64_t events) {
        double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        char line[160];
        std::snprintf(line, sizeof line, "\r%s: simulated %s, %.1fM events/s   ", file.c_str(),
                      sim::format_time(now).c_str(),
                      wall > 0 ? static_cast<double>(events) / wall / 1e6 : 0.0);
        err << line << std::flush;
      };
    }
    runs.push_back(scenarios::run_scenario_file(file, read, o));
    if (progress) err << "\r\033[K" << std::flush;
    const auto& r = runs.back().result;
    if (r.verdict == scenarios::Verdict::Error) {
      err << r.diagnostics.to_string();
      err << file << ": the scenario could not run\n";
      rc = 2;
      continue;
    }
    if (!r.diagnostics.items().empty()) err << r.diagnostics.to_string();
    if (a.quiet) {
      out << to_string(r.verdict) << "  " << r.name << " (" << file << ")\n";
    } else {
      if (runs.size() > 1) out << "\n";
      out << reports::scenario_text(r);
    }
    if (r.verdict == scenarios::Verdict::Failed && rc == 0) rc = 1;
  }
  std::vector<const scenarios::ScenarioResult*> results;
  std::vector<const scenarios::ScenarioRun*> finished;
  std::size_t passed = 0, failed = 0, errors = 0;
  for (const auto& run : runs) {
    if (run.result.verdict == scenarios::Verdict::Error) {
      ++errors;
      continue;
    }
    results.push_back(&run.result);
    finished.push_back(&run);
    (run.result.verdict == scenarios::Verdict::Passed ? passed : failed)++;
  }
  if (runs.size() > 1)
    out << "\n"
        << runs.size() << " scenarios: " << passed << " passed, " << failed << " failed"
        << (errors ? ", " + std::to_string(errors) + " could not run" : "") << "\n";
  auto write = [&](const std::string& path, const std::string& text, const char* what) {
    if (path.empty()) return;
    if (!write_file(path, text, err)) {
      rc = 2;
      return;
    }
    err << "wrote the " << what << " to " << path << "\n";
  };
  write(a.junit, reports::scenarios_junit(results), "JUnit report");
  write(a.json, reports::scenarios_json(results), "JSON report");
  write(a.html, reports::scenarios_html(finished), "HTML report");
  return rc;
}

int run_run_command(CLI::App& app, const RunArgs& a) {
  if (!*app.get_subcommand("run")) return -1;
  return run_scenarios(a, scenarios::disk_reader(), std::cout, std::cerr, ::isatty(STDERR_FILENO) != 0);
}

}  // namespace peerlab::cli
