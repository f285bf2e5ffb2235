// The --max-… flags that raise the input limits (topology/limits.hpp), shared by every command
// that loads files: validate, simulate, status, routes, check, render, expand. The values live in
// one InputLimits for the process (a command line runs one command), read with input_limits().
#pragma once

#include <CLI/CLI.hpp>

#include "topology/limits.hpp"

namespace peerlab::cli {

void add_limit_options(CLI::App* cmd);
const InputLimits& input_limits();

}  // namespace peerlab::cli
