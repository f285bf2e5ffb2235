// peerlab's command line: wires the libraries together, maps errors to exit codes, prints. Invoked
// as `calicoctl` (the alias installed beside it) it behaves exactly as `peerlab ctl`. The other
// commands first re-execute the program with huge pages for malloc (sim/huge_pages.hpp).
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/ctl_command.hpp"
#include "sim/huge_pages.hpp"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const std::string self = std::filesystem::path(argc > 0 ? argv[0] : "peerlab").filename().string();
  if (self == "calicoctl") return peerlab::cli::run_ctl(args, std::cout, std::cerr);
  if (!args.empty() && args[0] == "ctl")
    return peerlab::cli::run_ctl(std::vector<std::string>(args.begin() + 1, args.end()), std::cout,
                                 std::cerr);
  // Every peerlab command but ctl (a few kilobytes of datastore) may build large tables.
  peerlab::sim::reexec_with_huge_pages(argv);
  return peerlab::cli::run_main(argc, argv);
}
