// The generator commands:
//   peerlab generate MODEL [--param value …] [--set key=value …]   prints the expanded design
//   peerlab expand FILE                                              prints FILE with its generator
//                                                                    documents expanded
// Both print a peerlab file (YAML, one document per resource) on stdout and diagnostics on stderr.
// generate exits 2 on a bad parameter (a usage error); expand exits 1 when the file has errors
// and 2 when it cannot be read.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "topology/limits.hpp"

namespace peerlab::cli {

void register_generate_commands(CLI::App& app);
// Runs whichever of generate / expand was parsed; -1 if neither was.
int run_generate_command(CLI::App& app);

// `peerlab expand` on text already read: the resources of every document, generator documents
// replaced by what they expand into, as YAML. Diagnostics go to `err`; the exit status is returned.
// Text beyond `limits` (topology/limits.hpp) is refused before any YAML node is built.
int expand_text(const std::string& text, const std::string& filename, std::ostream& out, std::ostream& err,
                const InputLimits& limits = {});

}  // namespace peerlab::cli
