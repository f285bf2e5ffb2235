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
  // Every run stops at these even when the user sets neither (sim::SimOptions' defaults).
  std::string max_sim_time;  // a duration; empty: SimOptions' default (1 hour of simulated time)
  std::uint64_t max_events = sim::SimOptions{}.event_limit;
};

// Loads files (or `-`) into a validated topology within the input limits (--max-…); prints
// diagnostics to `err`. nullopt on errors. With `blocks_per_node`, the topology is going to be
// simulated: its predicted size must fit the memory limit too (E405).
std::optional<Topology> load_model(const std::vector<std::string>& files, std::ostream& err,
                                   std::optional<int> blocks_per_node = 1);

void register_sim_commands(CLI::App& app, SimArgs& args);
// Runs whichever of the simulation subcommands was parsed; -1 if none was.
int run_sim_command(CLI::App& app, const SimArgs& args);

}  // namespace peerlab::cli
