// The --max-… flags (see limit_options.hpp). Sizes in bytes accept a unit: 64MiB, 2GB, 512k.
#include "cli/limit_options.hpp"

namespace peerlab::cli {

namespace {
InputLimits& limits() {
  static InputLimits l;
  return l;
}
}  // namespace

const InputLimits& input_limits() {
  return limits();
}

void add_limit_options(CLI::App* cmd) {
  auto& l = limits();
  const InputLimits d;
  cmd->add_option("--max-file-size", l.max_file_bytes,
                  "largest input file read, in bytes (units: KiB, MiB, GiB)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str(std::to_string(d.max_file_bytes >> 20) + "MiB")
      ->group("Limits");
  cmd->add_option("--max-depth", l.max_depth, "deepest nesting of YAML lists and mappings")
      ->check(CLI::Range(1, 1000))
      ->default_val(d.max_depth)
      ->group("Limits");
  cmd->add_option("--max-yaml-nodes", l.max_yaml_nodes, "most YAML nodes in one document, aliases expanded")
      ->default_val(d.max_yaml_nodes)
      ->group("Limits");
  cmd->add_option("--max-resources", l.max_resources, "most resources in one file, generators expanded")
      ->default_val(d.max_resources)
      ->group("Limits");
  cmd->add_option("--max-sim-memory", l.max_sim_memory,
                  "largest predicted memory of a simulation, in bytes (units: MiB, GiB)")
      ->transform(CLI::AsSizeValue(false))
      ->default_str(std::to_string(d.max_sim_memory >> 30) + "GiB")
      ->group("Limits");
}

}  // namespace peerlab::cli
