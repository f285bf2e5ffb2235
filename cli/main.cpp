// peerlab's command line: wires the libraries together, maps errors to exit codes, prints. Invoked
// as `calicoctl` (the alias installed beside it) it behaves exactly as `peerlab ctl`. The commands
// that simulate first re-execute the program with huge pages for malloc (sim/huge_pages.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/ctl_command.hpp"
#include "sim/huge_pages.hpp"

namespace {

// The subcommands that build a network and simulate it: where large tables live.
bool simulates(const std::string& command) {
  static const char* const kSimulating[] = {"demo",   "simulate", "status", "routes",
                                            "render", "check",    "run",    "bench"};
  for (const char* c : kSimulating)
    if (command == c) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string self = std::filesystem::path(argc > 0 ? argv[0] : "peerlab").filename().string();
  if (self == "calicoctl") return peerlab::cli::run_ctl(args, std::cout, std::cerr);
  if (!args.empty() && args[0] == "ctl")
    return peerlab::cli::run_ctl(std::vector<std::string>(args.begin() + 1, args.end()), std::cout,
                                 std::cerr);
  if (!args.empty() && simulates(args[0])) peerlab::sim::reexec_with_huge_pages(argv);
  return peerlab::cli::run_main(argc, argv);
}
