// The simulation commands: simulate, status, routes, and calicoctl's node status.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "topology/model.hpp"

namespace peerlab::cli {

struct SimArgs {
  std::vector<std::string> files;
  std::string node;
  std::string at;      // a duration: inspect the state at this simulated time
  std::string until;   // a duration: simulate until then instead of to convergence
  std::string prefix;
  std::string trace;   // file for JSON lines
  std::uint64_t seed = 1;
  int blocks_per_node = 1;
};

// Loads files (or `-`) into a validated topology; prints diagnostics to `err`. nullopt on errors.
std::optional<Topology> load_model(const std::vector<std::string>& files, std::ostream& err);

void register_sim_commands(CLI::App& app, SimArgs& args);
// Runs whichever of the simulation subcommands was parsed; -1 if none was.
int run_sim_command(CLI::App& app, const SimArgs& args);

}  // namespace peerlab::cli
