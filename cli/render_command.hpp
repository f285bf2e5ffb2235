// peerlab render: draw a design's BGP sessions (after simulating it) or its underlay, through
// Graphviz's libraries (reports/graphviz_render.hpp), as SVG, PNG, PDF or DOT.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace peerlab::cli {

struct RenderArgs {
  std::vector<std::string> files;
  std::string output;              // format from the extension; empty: DOT to stdout
  std::string at;                  // a duration: the sessions at this simulated time
  std::string layer = "sessions";  // sessions | underlay
  std::uint64_t seed = 1;
  std::size_t aggregate_above = 60;
};

void register_render_command(CLI::App& app, RenderArgs& args);
// Runs `render` if it was parsed: 0 written, 1 Graphviz failed, 2 bad input; -1 if not parsed.
int run_render_command(CLI::App& app, const RenderArgs& args);

}  // namespace peerlab::cli
