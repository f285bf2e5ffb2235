// `peerlab run SCENARIO…`: runs scenarios (scenarios/runner.hpp) and reports them: a text summary
// on standard output, and on request JUnit XML, JSON and a self-contained HTML report. Exit 0 when
// every expectation of every scenario held, 1 when one failed (the message says which, when, and
// the evidence), 2 when a scenario could not be read or run.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/runner.hpp"

namespace peerlab::cli {

struct RunArgs {
  std::vector<std::string> files;
  std::string junit, json, html;
  std::optional<std::uint64_t> seed;
  bool quiet = false;  // only the verdict lines
};

void register_run_command(CLI::App& app, RunArgs& args);
int run_run_command(CLI::App& app, const RunArgs& args);

// Runs scenarios read through `read` and writes the reports `args` asks for; used by `run` and by
// the demo (which reads the embedded files). Progress goes to `err` when it is a terminal.
int run_scenarios(const RunArgs& args, const scenarios::FileReader& read, std::ostream& out,
                  std::ostream& err, bool progress);

}  // namespace peerlab::cli
