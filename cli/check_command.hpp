// `peerlab check FILE`: static lint plus the checks on the simulated network, as text, JSON or
// JUnit; exit 0 clean, 1 findings at or above --fail-on, 2 the input could not be read.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "validators/checks.hpp"

namespace peerlab::cli {

struct CheckArgs {
  std::vector<std::string> files;
  std::string format = "text";
  std::string fail_on = "error";
  std::string output;  // file; default stdout
  validators::CheckOptions options;
  bool no_simulation = false;
};

void register_check_command(CLI::App& app, CheckArgs& args);
int run_check_command(CLI::App& app, const CheckArgs& args);

}  // namespace peerlab::cli
