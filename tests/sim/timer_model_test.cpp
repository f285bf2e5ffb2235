// The hold and keepalive timers run as the kernel's re-armable timers by default and as plain
// scheduled and cancelled events with SimOptions::detailed_timers. Both models must give the same
// run: the same events in the same order (the fingerprint), the same counters, sessions and routes,
// at every step — including a fault where a hold timer really fires (a silent host failure), a
// killed process and its restart, and a configuration change.
// Analytic keepalives (SimOptions::analytic_keepalives, the default) must give the same sessions,
// routes, timers and counters as keepalives run as events, through the same faults, with (almost)
// no event at all in steady state. Also: next_event_time().
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

#include "sim/network.hpp"
#include "sim/rng.hpp"
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
// `events`: with the kernel's events (their count, fingerprint and the next one), which analytic
// keepalives change.
std::string observe(const Network& net, bool events = true) {
  std::ostringstream o;
  const auto& c = net.counters();
  o << "now " << net.now() << " last change " << net.last_change();
  if (events) o << " fingerprint " << net.fingerprint() << " events " << c.events;
  o << "\nopens " << c.opens << " updates " << c.updates << " keepalives " << c.keepalives
    << " notifications " << c.notifications << " announced " << c.prefixes_announced << " withdrawn "
    << c.prefixes_withdrawn << " connects " << c.connects << " best changes " << c.best_changes << "\n";
  for (SpeakerId s = 0; s < net.speaker_count(); ++s) {
    for (const auto& ss : net.sessions(s))
      o << ss.speaker << " " << ss.protocol << " " << ss.info() << " since " << ss.since << " up "
        << ss.established_at.value_or(-1) << " rx " << ss.updates_received << " tx " << ss.updates_sent
        << " routes " << ss.routes_imported << "\n";
    for (const auto& r : net.routes(s))
      o << "  " << to_string(r.prefix) << (r.best ? " best " : " ") << r.protocol << "\n";
  }
  if (events) {
    const auto next = net.next_event_time();
    o << "next event " << (next ? *next : -1) << "\n";
  }
  return o.str();
}

// The two models a Twin compares.
enum class Models {
  ReArmableAndDetailedTimers,  // the same events
  AnalyticAndEventKeepalives,  // the same observations, fewer events
};

// Runs the same script on two timer models and compares the observations after every step.
struct Twin {
  Twin(const std::string& fixture, std::uint64_t seed = 1, Models m = Models::ReArmableAndDetailedTimers)
      : t(load_fixture(fixture)), models(m) {
    SimOptions fast, slow;
    fast.seed = slow.seed = seed;
    if (m == Models::ReArmableAndDetailedTimers) {
      fast.analytic_keepalives = slow.analytic_keepalives = false;
      slow.detailed_timers = true;
    } else {
      fast.analytic_keepalives = true;
      slow.analytic_keepalives = false;
    }
    analytic = std::make_unique<Network>(t, derive_speakers(t), fast);
    reference = std::make_unique<Network>(t, derive_speakers(t), slow);
  }
  template <class F>
  void both(F&& step, const std::string& what) {
    step(*analytic);
    step(*reference);
    const bool events = models == Models::ReArmableAndDetailedTimers;
    ASSERT_EQ(observe(*analytic, events), observe(*reference, events)) << "after " << what;
  }
  Topology t;
  Models models;
  std::unique_ptr<Network> analytic, reference;
};

constexpr const char* kComponentTopologies[] = {
    "mesh5.yaml",     "mesh5-short-hold.yaml", "rr2-mesh-off.yaml",       "as-mismatch.yaml",
    "one-sided.yaml", "as-per-rack.yaml",      "as-per-rack-same-as.yaml"};

TEST(TimerModels, GiveTheSameColdStartOnEveryComponentTopology) {
  for (const char* f : kComponentTopologies) {
    SCOPED_TRACE(f);
    for (std::uint64_t seed : {1, 2, 3}) {
      Twin w(f, seed);
      w.both([](Network& n) { n.run(); }, "run");
      // Long after convergence: hundreds of keepalives on every session.
      w.both([](Network& n) { n.run_until(n.now() + 1800 * kSecond); }, "half an hour of keepalives");
    }
  }
}

void silent_host_failure(Models m) {
  Twin w("mesh5-short-hold.yaml", 1, m);
  w.both([](Network& n) { n.run(); }, "run");
  w.both([](Network& n) { n.run_until(20 * kSecond); }, "steady state");
  w.both([](Network& n) { n.fail_host("n5"); }, "fail n5");
  // Step event by event through the detection, comparing after each.
  for (int i = 0; i < 400; ++i) {
    const auto next = w.reference->next_event_time();
    if (m == Models::ReArmableAndDetailedTimers) {
      ASSERT_EQ(w.analytic->next_event_time(), next);
    }
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

TEST(TimerModels, GiveTheSameRunWhenAHoldTimerFiresAfterASilentHostFailure) {
  silent_host_failure(Models::ReArmableAndDetailedTimers);
}

void killed_process_restart_and_reconfiguration(Models m) {
  Twin w("rr2-mesh-off.yaml", 1, m);
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

TEST(TimerModels, GiveTheSameRunThroughAKilledProcessARestartAndAReconfiguration) {
  killed_process_restart_and_reconfiguration(Models::ReArmableAndDetailedTimers);
}

TEST(AnalyticKeepalives, GiveTheSameColdStartAndSteadyStateAsEventsOnEveryComponentTopology) {
  for (const char* f : kComponentTopologies) {
    SCOPED_TRACE(f);
    for (std::uint64_t seed : {1, 2, 3}) {
      Twin w(f, seed, Models::AnalyticAndEventKeepalives);
      w.both([](Network& n) { n.run(); }, "run");
      for (int minute = 1; minute <= 30; ++minute)
        w.both([](Network& n) { n.run_until(n.now() + 60 * kSecond); }, "minute " + std::to_string(minute));
    }
  }
}

// Runs both models `span` further: the reference sends at least `keepalives` keepalives, two
// events each (the sender's timer, the arrival), and the analytic model fires no event at all.
void expect_keepalives_without_events(Twin& w, Time span, const std::string& what, std::uint64_t keepalives) {
  const auto before = w.analytic->counters().events, before_ref = w.reference->counters().events;
  const auto keepalives_before = w.reference->counters().keepalives;
  w.both([span](Network& n) { n.run_until(n.now() + span); }, what);
  EXPECT_GE(w.reference->counters().keepalives - keepalives_before, keepalives);
  EXPECT_GE(w.reference->counters().events - before_ref, 2 * keepalives);
  EXPECT_EQ(w.analytic->counters().events - before, 0U);
}

TEST(AnalyticKeepalives, FireNoEventInSteadyState) {
  Twin w("mesh5-short-hold.yaml", 1, Models::AnalyticAndEventKeepalives);
  w.both([](Network& n) { n.run_until(30 * kSecond); }, "up and keepalives lazy");
  // 20 session ends, a keepalive every 2.25-3 s each: thousands of keepalives.
  expect_keepalives_without_events(w, 3600 * kSecond, "an hour", 20U * 1200U);
}

TEST(AnalyticKeepalives, FireNoEventFromTheMomentEverySessionIsUp) {
  // Default timers: keepalives every 60-80 s, so the first of each end falls after convergence.
  Twin w("mesh5.yaml", 1, Models::AnalyticAndEventKeepalives);
  w.both([](Network& n) { n.run(); }, "cold start");
  expect_keepalives_without_events(w, 600 * kSecond, "ten minutes", 20U * 7U);
  EXPECT_EQ(w.analytic->next_event_time(), std::nullopt);
}

TEST(AnalyticKeepalives, GiveTheSameRunAsEventsWhenAHoldTimerFiresAfterASilentHostFailure) {
  silent_host_failure(Models::AnalyticAndEventKeepalives);
}

TEST(AnalyticKeepalives, GiveTheSameRunAsEventsThroughAKilledProcessARestartAndAReconfiguration) {
  killed_process_restart_and_reconfiguration(Models::AnalyticAndEventKeepalives);
}

TEST(AnalyticKeepalives, GiveTheSameRunAsEventsWhenFaultsCatchKeepalivesInFlight) {
  Twin w("mesh5-slow-lan.yaml", 1, Models::AnalyticAndEventKeepalives);
  w.both([](Network& n) { n.run_until(30 * kSecond); }, "steady");
  // Faults at odd times, each followed by a few seconds stepped event by event (the reference's
  // events, which include every keepalive).
  auto step_through = [&](Time until, const std::string& what) {
    for (int i = 0; i < 2000; ++i) {
      const auto next = w.reference->next_event_time();
      if (!next || *next > until) break;
      w.both([&](Network& n) { n.run_until(*next); }, what + ", event at " + std::to_string(*next));
    }
    w.both([&](Network& n) { n.run_until(until); }, what + ", until " + std::to_string(until));
  };
  Time t = 30 * kSecond;
  std::size_t expired = 0;
  for (int round = 0; round < 6; ++round) {
    t += 4 * kSecond + 137 * kMillisecond * round;
    step_through(t, "round " + std::to_string(round));
    const std::string node = "n" + std::to_string(1 + round % 5);
    w.both([&](Network& n) { n.fail_host(node); }, "fail " + node);
    t += 10 * kSecond;  // longer than the hold time: the peers' hold timers expire
    step_through(t, "after fail " + node);
    for (SpeakerId s = 0; s < w.analytic->speaker_count(); ++s)
      for (const auto& ss : w.analytic->sessions(s))
        expired += ss.info().find("Hold timer expired") != std::string::npos;
    w.both([&](Network& n) { n.recover_host(node); }, "recover " + node);
    t += 15 * kSecond;
    step_through(t, "after recover " + node);
  }
  EXPECT_GE(expired, 6U * 4U);
  EXPECT_GT(w.analytic->counters().keepalives, 1000U);
  // Run to convergence while keepalives travel on every session: those between Established ends
  // do not hold convergence back, so both stop at the same time.
  w.both([](Network& n) { n.stop_speaker("n2"); }, "stop n2");
  w.both([](Network& n) { n.start_speaker("n2"); }, "start n2");
  w.both([](Network& n) { ASSERT_EQ(n.run().outcome, Outcome::Converged); }, "run to convergence");
  w.both([](Network& n) { n.run_until(n.now() + 20 * kSecond); }, "after convergence");
}

// Random timelines of faults and reconfigurations at random times, compared after every step (this found that
// a session must not turn lazy while its peer's hold timer, running since before an outage, is due before the
// next keepalive arrives; 400 seeds passed once, 20 run each time).
void random_faults(const std::string& fixture, std::uint64_t seed, const std::vector<std::string>& hosts,
                   const std::vector<std::string>& segments) {
  SCOPED_TRACE(fixture + " seed " + std::to_string(seed));
  Twin w(fixture, seed, Models::AnalyticAndEventKeepalives);
  Rng rng(seed);
  w.both([](Network& n) { n.run(); }, "run");
  for (int step = 0; step < 40; ++step) {
    const Time wait = static_cast<Time>(rng.uniform(40'000'000)) + 1;  // up to 40 s, in microseconds
    w.both([&](Network& n) { n.run_until(n.now() + wait); }, "step " + std::to_string(step) + " wait");
    const auto& host = hosts[rng.uniform(hosts.size())];
    const auto& segment = segments[rng.uniform(segments.size())];
    std::string what;
    std::function<void(Network&)> fault;
    // A reconfiguration to other timers on one speaker's sessions (which restarts them).
    const Millis hold = rng.uniform(2) ? 9'000 : 30'000;
    auto speakers = derive_speakers(w.t);
    for (auto& sp : speakers)
      if (sp.name == host)
        for (auto& nb : sp.neighbors) nb.timers.hold = hold;
    switch (rng.uniform(8)) {
      case 0:
        what = "fail " + host, fault = [&](Network& n) { n.fail_host(host); };
        break;
      case 1:
        what = "recover " + host, fault = [&](Network& n) { n.recover_host(host); };
        break;
      case 2:
        what = "stop " + host, fault = [&](Network& n) { n.stop_speaker(host); };
        break;
      case 3:
        what = "start " + host, fault = [&](Network& n) { n.start_speaker(host); };
        break;
      case 4:
        what = segment + " down", fault = [&](Network& n) { n.set_segment_up(segment, false); };
        break;
      case 5:
        what = segment + " up", fault = [&](Network& n) { n.set_segment_up(segment, true); };
        break;
      case 6:
        what = "reconfigure " + host + " to hold " + std::to_string(hold) + " ms",
        fault = [&](Network& n) { n.reconfigure(w.t, speakers); };
        break;
      default:
        what = "run to convergence", fault = [](Network& n) { n.run(); };
        break;
    }
    w.both(fault, "step " + std::to_string(step) + ": " + what);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(AnalyticKeepalives, GiveTheSameRunsAsEventsThroughRandomFaultsAtRandomTimes) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    random_faults("mesh5-slow-lan.yaml", seed, {"n1", "n2", "n3", "n4", "n5"}, {"lan"});
    random_faults("as-per-rack.yaml", seed, {"n11", "n12", "n21", "tor1", "spine"},
                  {"rack1", "rack2", "spine-net"});
  }
}

TEST(AnalyticKeepalives, GiveTheSameRunAsEventsWhenARackIsCutOffAndReturns) {
  Twin w("as-per-rack.yaml", 1, Models::AnalyticAndEventKeepalives);
  w.both([](Network& n) { n.run(); }, "run");
  w.both([](Network& n) { n.run_until(n.now() + 100 * kSecond); }, "steady");
  w.both([](Network& n) { ASSERT_TRUE(n.set_segment_up("rack1", false)); }, "rack1 cut off");
  for (int i = 1; i <= 40; ++i)  // through the hold timer expiries and the withdrawals
    w.both([](Network& n) { n.run_until(n.now() + 5 * kSecond); }, "cut off, step " + std::to_string(i));
  w.both([](Network& n) { ASSERT_TRUE(n.set_segment_up("rack1", true)); }, "rack1 back");
  w.both([](Network& n) { n.run_until(n.now() + 300 * kSecond); }, "back");
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
