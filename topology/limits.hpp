// Limits on what peerlab takes on from one input (docs/hardening.md): a file, once parsed, must
// not exhaust the machine's memory or time. Every reader of untrusted input checks these before
// the work they bound, and reports a diagnostic of the E4xx family that says how big the input
// is, what the limit is, and which flag raises it. The defaults fit a 4 GiB machine with room to
// spare and are far above any real Calico cluster; `--max-…` flags raise them.
//
// - The file size is checked before a file is read.
// - Nesting depth and the number of YAML nodes are counted by a streaming pass over the events
//   of the YAML parser before any node tree is built. Aliases count as the whole node they
//   repeat, so an alias bomb ("billion laughs") is refused after a few thousand events instead
//   of being expanded by the loaders that walk the tree; an alias to a node that contains it
//   (which would never end) is refused too. The same pass stops yaml-cpp 0.7's endless stream of
//   empty documents on some malformed input (E101), before YAML::LoadAll would loop on it.
// - The number of resources counts what the documents hold after generators are expanded.
// - The size of a simulation is predicted from the model before any speaker is derived:
//   session ends (the mesh, global and node-specific peers, selectors, fabric neighbours) and
//   routes (every speaker's Loc-RIB holds every originated prefix, every session end an
//   Adj-RIB-In entry per prefix its peer originates), at a fixed cost in bytes each, against a
//   memory budget.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "topology/diagnostics.hpp"
#include "topology/model.hpp"

namespace peerlab {

struct InputLimits {
  std::uint64_t max_file_bytes = 64ull << 20;  // --max-file-size
  int max_depth = 64;                          // --max-depth (yaml-cpp itself stops at 2000)
  std::uint64_t max_yaml_nodes = 5'000'000;    // --max-yaml-nodes, aliases expanded
  std::uint64_t max_resources = 1'000'000;     // --max-resources, generators expanded
  std::uint64_t max_sim_memory = 4ull << 30;   // --max-sim-memory, predicted bytes
};

// Bytes the predicted size of a simulation charges per speaker, per session end and per route,
// fitted to the peak memory of generated full-mesh, route-reflector and AS-per-rack designs
// (docs/hardening.md has the table): every large one is predicted within +1%..+16%, over rather
// than under. A route (a Loc-RIB entry) is charged enough to cover the Adj-RIB-In entry that
// brought it in designs where each speaker learns every prefix over one session (AS per rack),
// which the per-session-end term does not count. The per-session-end charge was re-fitted in
// session 11, when the simulator stopped keeping a configuration per session end, and the route
// charges in session 12, when its RIB rows lost their growth slack.
inline constexpr std::uint64_t kBytesPerSpeaker = 4096;
inline constexpr std::uint64_t kBytesPerSessionEnd = 416;
inline constexpr std::uint64_t kBytesPerRoute = 48;
// A copy of a route through a reflector session (client Adj-RIB-In, reflector Adj-RIB-Out). The
// client's Loc-RIB entry for it is a route above; the copies themselves cost about a byte each
// beyond it (a client keeps both reflectors' copies inline in the Adj-RIB-In slot of the prefix,
// a reflector's Adj-RIB-Out rows are dense, attributes are shared): the 5,000-client design peaks
// at ~46 bytes per client and prefix in all.
inline constexpr std::uint64_t kBytesPerReflectedRoute = 1;

// "64 MiB", "1.5 GiB", "512 bytes".
std::string format_bytes(std::uint64_t bytes);

// A byte count as the --max-file-size and --max-sim-memory flags take it: digits, then optionally
// a unit (b, k/kb/kib, m/mb/mib, g/gb/gib, t/tb/tib, any case; powers of 1024, as CLI11's
// AsSizeValue(false) reads them for the other commands). nullopt when malformed or too large.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// E401: a file larger than the limit, before it is read.
bool check_file_size(std::uint64_t size, const InputLimits& limits, const std::string& file,
                     Diagnostics& diags);

// E402 (depth) and E403 (YAML nodes, aliases expanded), from a streaming pass over `text`. A YAML
// syntax error is left for the loader to report, except input on which yaml-cpp's parser makes no
// progress (E101). True when the text is within the limits and can be loaded.
bool check_yaml_shape(std::string_view text, const InputLimits& limits, const std::string& file,
                      Diagnostics& diags);

struct SimulationSize {
  std::uint64_t speakers = 0;
  std::uint64_t session_ends = 0;
  std::uint64_t prefixes = 0;          // originated, all speakers together
  std::uint64_t routes = 0;            // Loc-RIB and Adj-RIB-In entries, all speakers together
  std::uint64_t reflected_routes = 0;  // of which through route reflectors (see kBytesPerReflectedRoute)
  std::uint64_t bytes = 0;
};

// The predicted size, in time linear in nodes × peers (it never derives the sessions).
SimulationSize estimate_simulation_size(const Topology& t, int blocks_per_node);

// E405 when the predicted size exceeds the budget; the message gives the numbers. `file` names
// the input in the diagnostic (its first file).
bool check_simulation_size(const Topology& t, int blocks_per_node, const InputLimits& limits,
                           const std::string& file, Diagnostics& diags);

}  // namespace peerlab
