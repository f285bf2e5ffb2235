// The hold and keepalive timers run as the kernel's re-armable timers by default and as plain
// scheduled and cancelled events with SimOptions::detailed_timers. Both models must give the same
// run: the same events in the same order (the fingerprint), the same counters, sessions and routes,
// at every step — including a fault where a hold timer really fires (a silent host failure), a
// killed process and its restart, and a configuration change. Also: next_event_time().
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sim/network.hpp"
#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab::sim {
namespace {

Topology load_fixture(const std::string& name) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/tests/sim/topologies/" + name);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_resources(ss.str(), name);
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  validate(t, ValidationMode::Strict, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

// Everything observable about a network, as text, so that a difference shows where it is.
std::string observe(const Network& net) {
  std::ostringstream o;
  const auto& c = net.counters();
  o << "now " << net.now() << " fingerprint " << net.fingerprint() << " last change " << net.last_change()
    << "\nevents " << c.events << " opens " << c.opens << " updates " << c.updates << " keepalives "
    << c.keepalives << " notifications " << c.notifications << " announced " << c.prefixes_announced
    << " withdrawn " << c.prefixes_withdrawn << " connects " << c.connects << " best changes "
    << c.best_changes << "\n";
  for (SpeakerId s = 0; s < net.speaker_count(); ++s) {
    for (const auto& ss : net.sessions(s))
      o << ss.speaker << " " << ss.protocol << " " << ss.info() << " since " << ss.since << " up "
        << ss.established_at.value_or(-1) << " rx " << ss.updates_received << " tx " << ss.updates_sent
        << " routes " << ss.routes_imported << "\n";
    for (const auto& r : net.routes(s))
      o << "  " << to_string(r.prefix) << (r.best ? " best " : " ") << r.protocol << "\n";
  }
  const auto next = net.next_event_time();
  o << "next event " << (next ? *next : -1) << "\n";
  return o.str();
}

// Runs the same script on both timer models and compares the observations after every step.
struct Twin {
  Twin(const std::string& fixture, std::uint64_t seed = 1) : t(load_fixture(fixture)) {
    SimOptions fast, detailed;
    fast.seed = detailed.seed = seed;
    detailed.detailed_timers = true;
    analytic = std::make_unique<Network>(t, derive_speakers(t), fast);
    reference = std::make_unique<Network>(t, derive_speakers(t), detailed);
  }
  template <class F>
  void both(F&& step, const std::string& what) {
    step(*analytic);
    step(*reference);
    ASSERT_EQ(observe(*analytic), observe(*reference)) << "after " << what;
  }
  Topology t;
  std::unique_ptr<Network> analytic, reference;
};

TEST(TimerModels, GiveTheSameColdStartOnEveryComponentTopology) {
  for (const char* f : {"mesh5.yaml", "mesh5-short-hold.yaml", "rr2-mesh-off.yaml", "as-mismatch.yaml",
                        "one-sided.yaml", "as-per-rack.yaml", "as-per-rack-same-as.yaml"}) {
    SCOPED_TRACE(f);
    for (std::uint64_t seed : {1, 2, 3}) {
      Twin w(f, seed);
      w.both([](Network& n) { n.run(); }, "run");
      // Long after convergence: hundreds of keepalives on every session.
      w.both([](Network& n) { n.run_until(n.now() + 1800 * kSecond); }, "half an hour of keepalives");
    }
  }
}

TEST(TimerModels, GiveTheSameRunWhenAHoldTimerFiresAfterASilentHostFailure) {
  Twin w("mesh5-short-hold.yaml");
  w.both([](Network& n) { n.run(); }, "run");
  w.both([](Network& n) { n.run_until(20 * kSecond); }, "steady state");
  w.both([](Network& n) { n.fail_host("n5"); }, "fail n5");
  // Step event by event through the detection, comparing after each.
  for (int i = 0; i < 400; ++i) {
    const auto next = w.reference->next_event_time();
    ASSERT_EQ(w.analytic->next_event_time(), next);
    if (!next || *next > 40 * kSecond) break;
    w.both([&](Network& n) { n.run_until(*next); }, "event at " + std::to_string(*next));
  }
  const auto ends = w.analytic->sessions(*w.analytic->find_speaker("n1"));
  bool expired = false;
  for (const auto& s : ends) expired |= s.info().find("Hold timer expired") != std::string::npos;
  EXPECT_TRUE(expired) << "the scenario must exercise a hold timer expiry";
  w.both([](Network& n) { n.recover_host("n5"); }, "recover n5");
  w.both([](Network& n) { n.run_until(n.now() + 120 * kSecond); }, "after recovery");
}

TEST(TimerModels, GiveTheSameRunThroughAKilledProcessARestartAndAReconfiguration) {
  Twin w("rr2-mesh-off.yaml");
  w.both([](Network& n) { n.run(); }, "run");
  w.both([](Network& n) { n.run_until(n.now() + 30 * kSecond); }, "steady");
  const std::string victim = w.reference->speaker_config(0).name;
  w.both([&](Network& n) { n.stop_speaker(victim); }, "stop");
  w.both([](Network& n) { n.run_until(n.now() + 200 * kSecond); }, "stopped");
  w.both([&](Network& n) { n.start_speaker(victim); }, "start");
  w.both([](Network& n) { n.run_until(n.now() + 400 * kSecond); }, "restarted");
  auto speakers = derive_speakers(w.t);
  for (auto& s : speakers)
    for (auto& nb : s.neighbors) nb.timers.hold = 30'000;  // every session restarts
  w.both([&](Network& n) { n.reconfigure(w.t, speakers); }, "reconfigure");
  w.both([](Network& n) { n.run_until(n.now() + 600 * kSecond); }, "reconfigured");
}

TEST(NextEventTime, IsTheEarliestPendingEventAndRunningUntilItFiresIt) {
  Topology t = load_fixture("mesh5.yaml");
  Network net(t, derive_speakers(t));
  auto next = net.next_event_time();
  ASSERT_TRUE(next);
  EXPECT_GE(*next, net.now());
  const auto events = net.counters().events;
  net.run_until(*next);
  EXPECT_GT(net.counters().events, events);
  EXPECT_EQ(net.now(), *next);
  auto later = net.next_event_time();
  ASSERT_TRUE(later);
  EXPECT_GE(*later, *next);
}

}  // namespace
}  // namespace peerlab::sim
