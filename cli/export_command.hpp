// peerlab export bird: writes, for every Calico node and fabric router of a design, the BIRD 2
// configuration that expresses the same peerings calico/node would (reports/bird_config.hpp),
// plus index.txt, into a directory. Each file is written atomically (temporary file, fsync,
// rename), so a reader never sees half a configuration.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace peerlab::cli {

struct ExportArgs {
  std::vector<std::string> files;
  std::string output_dir;
  int port = 0;  // 0: BIRD's default (179)
  bool strict_bind = false;
  int blocks_per_node = 1;
};

void register_export_command(CLI::App& app, ExportArgs& args);
// Runs `export bird` if it was parsed: 0 written, 2 bad input or a write failed; -1 if not parsed.
int run_export_command(CLI::App& app, const ExportArgs& args);

}  // namespace peerlab::cli
