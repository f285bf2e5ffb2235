// peerlab export bird (see export_command.hpp): load, derive the speakers, render, write.
#include "cli/export_command.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/sim_commands.hpp"
#include "reports/bird_config.hpp"
#include "topology/peerings.hpp"

namespace peerlab::cli {

namespace {

namespace fs = std::filesystem;

// Writes `text` to dir/name through a temporary file in the same directory: write, fsync, rename.
bool write_atomically(const fs::path& dir, const std::string& name, const std::string& text,
                      std::string& error) {
  fs::path final_path = dir / name;
  fs::path tmp = dir / ("." + name + ".tmp");
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create " + tmp.string() + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = "cannot write " + tmp.string() + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    error = "cannot rename " + tmp.string() + " to " + final_path.string() + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

void register_export_command(CLI::App& app, ExportArgs& a) {
  auto* cmd = app.add_subcommand("export", "Export a design as other tools' configuration");
  cmd->require_subcommand(1);
  auto* bird = cmd->add_subcommand(
      "bird",
      "Write each node's and router's BIRD 2 configuration (as calico/node renders it) and index.txt");
  bird->add_option("files", a.files, "peerlab files (- reads stdin)")->required();
  bird->add_option("-o,--output", a.output_dir, "directory to write into (created if missing)")->required();
  bird->add_option("--port", a.port, "TCP port of every session instead of 179 (local/neighbor … port N)")
      ->check(CLI::Range(1, 65535));
  bird->add_flag("--strict-bind", a.strict_bind,
                 "bind each protocol's listening socket to its local address (one daemon per address)");
  bird->add_option("--blocks-per-node", a.blocks_per_node, "IPAM blocks per node and family")
      ->default_val(1)
      ->check(CLI::Range(0, 1 << 16));
}

int run_export_command(CLI::App& app, const ExportArgs& a) {
  auto* cmd = app.get_subcommand("export");
  if (!*cmd) return -1;
  auto t = load_model(a.files, std::cerr);
  if (!t) return 2;
  DeriveOptions d;
  d.blocks_per_node = a.blocks_per_node;
  auto speakers = derive_speakers(*t, d);
  reports::BirdExportOptions o;
  if (a.port > 0) o.port = static_cast<std::uint16_t>(a.port);
  o.strict_bind = a.strict_bind;
  auto files = reports::export_bird(speakers, o);

  std::error_code ec;
  fs::create_directories(a.output_dir, ec);
  if (ec) {
    std::cerr << "error: cannot create " << a.output_dir << ": " << ec.message() << "\n";
    return 2;
  }
  for (const auto& [name, text] : files) {
    std::string error;
    if (!write_atomically(a.output_dir, name, text, error)) {
      std::cerr << "error: " << error << "\n";
      return 2;
    }
  }
  std::cerr << "wrote " << files.size() - 1 << " BIRD configurations and index.txt to " << a.output_dir
            << "\n";
  return 0;
}

}  // namespace peerlab::cli
