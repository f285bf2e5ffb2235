// Fuzz target: the simulator (sim/network.cpp), on every topology the loader and the strict
// validation accept and whose predicted size fits a small budget, as `peerlab simulate` runs it;
// then through the faults and the reconfiguration that scenarios apply: the first speaker's BGP
// process stopped and started, the last speaker's host failed silently (its peers notice by hold
// timer) and recovered, one segment down and up, and the same configuration applied again (BIRD's
// reconfigure restarts nothing). After every step every speaker's sessions and routes are read as
// the status and route reports read them. The run is bounded (an event and a time limit), so the
// outcome is always typed; nothing may crash, trip an invariant, leak or loop.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/network.hpp"
#include "topology/limits.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace {

using namespace peerlab;

// Reads what `peerlab status` and `peerlab routes` read.
void observe(const sim::Network& net) {
  std::size_t n = 0;
  for (sim::SpeakerId id = 0; id < net.speaker_count(); ++id) {
    for (const sim::SessionStatus& s : net.sessions(id)) n += s.info().size() + s.routes_imported;
    n += net.routes(id).size() + net.best_route_count(id);
  }
  n += net.established_session_ends() + net.counters().events;
  (void)net.fingerprint();
  (void)n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  InputLimits limits;
  limits.max_sim_memory = 16ull << 20;  // a few dozen speakers: each input runs in milliseconds
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = parse_resources(text, "fuzz.yaml", limits);
  Topology t;
  Diagnostics diags = parsed.diagnostics;
  add_resources(t, parsed.resources, diags);
  if (!diags.has_errors()) validate(t, ValidationMode::Strict, diags);
  if (!diags.has_errors()) check_simulation_size(t, 1, limits, "fuzz.yaml", diags);
  if (diags.has_errors()) return 0;

  sim::SimOptions options;
  options.time_limit = 2 * sim::kHour;
  options.event_limit = 20'000;
  sim::Network net(t, derive_speakers(t), options);
  if (net.speaker_count() == 0) return 0;
  (void)net.run();
  observe(net);

  const std::string first = net.speaker_config(0).name;
  const std::string last = net.speaker_config(static_cast<sim::SpeakerId>(net.speaker_count() - 1)).name;
  net.stop_speaker(first);
  (void)net.run_until(net.now() + 30 * sim::kSecond);
  observe(net);
  net.start_speaker(first);
  net.fail_host(last);
  (void)net.run_until(net.now() + 5 * sim::kMinute);
  observe(net);
  net.recover_host(last);
  if (!t.segments.empty()) {
    net.set_segment_up(t.segments.front().name, false);
    (void)net.run_until(net.now() + 5 * sim::kMinute);
    observe(net);
    net.set_segment_up(t.segments.front().name, true);
  }
  (void)net.run();
  observe(net);

  net.reconfigure(t, derive_speakers(t));
  (void)net.run();
  observe(net);
  return 0;
}
