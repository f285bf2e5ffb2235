// Component tests of the simulated network on small topologies whose sessions and routes were
// worked out by hand, following the observations of real BIRD in bird-behaviour.md (the letter of
// each observation is in the fixture's first line: tests/sim/topologies/*.yaml).
#include "sim/network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

namespace peerlab::sim {
namespace {

Topology load_text(const std::string& text) {
  auto parsed = parse_resources(text, "test.yaml");
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  validate(t, ValidationMode::Strict, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

Topology load_fixture(const std::string& name) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/tests/sim/topologies/" + name);
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_text(ss.str());
}

// A topology and its network; the topology must outlive the network.
struct Sim {
  explicit Sim(Topology topo, SimOptions o = {}) : t(std::move(topo)), net(t, derive_speakers(t), o) {}
  Topology t;
  Network net;

  SpeakerId id(const std::string& name) {
    auto s = net.find_speaker(name);
    EXPECT_TRUE(s.has_value()) << name;
    return s.value_or(0);
  }
  SessionStatus session(const std::string& speaker, const std::string& protocol) {
    for (const auto& s : net.sessions(id(speaker)))
      if (s.protocol == protocol) return s;
    ADD_FAILURE() << speaker << " has no session " << protocol;
    return {};
  }
  std::size_t established() {
    std::size_t n = 0;
    for (SpeakerId i = 0; i < net.speaker_count(); ++i)
      for (const auto& s : net.sessions(i)) n += s.state == bgp::State::Established;
    return n;
  }
  std::size_t session_ends() {
    std::size_t n = 0;
    for (SpeakerId i = 0; i < net.speaker_count(); ++i) n += net.sessions(i).size();
    return n;
  }
  std::vector<RouteView> best_routes(const std::string& speaker) {
    std::vector<RouteView> out;
    for (auto& r : net.routes(id(speaker)))
      if (r.best) out.push_back(r);
    return out;
  }
  std::optional<RouteView> best_route(const std::string& speaker, const std::string& prefix) {
    for (auto& r : best_routes(speaker))
      if (to_string(r.prefix) == prefix) return r;
    return std::nullopt;
  }
};

TEST(Network, AFiveNodeMeshEstablishesEverySessionAndEveryNodeLearnsEveryBlock) {
  Sim s(load_fixture("mesh5.yaml"));
  auto r = s.net.run();
  ASSERT_EQ(r.outcome, Outcome::Converged);
  EXPECT_EQ(s.session_ends(), 20u);
  EXPECT_EQ(s.established(), 20u);
  for (const char* n : {"n1", "n2", "n3", "n4", "n5"}) EXPECT_EQ(s.net.best_route_count(s.id(n)), 5u) << n;
  // iBGP keeps the originator's address as next hop and adds nothing to the AS path.
  auto r3 = s.best_route("n1", "10.244.0.128/26");
  ASSERT_TRUE(r3);
  EXPECT_EQ(to_string(r3->attrs.next_hop), "10.0.0.13");
  EXPECT_TRUE(r3->attrs.as_path.empty());
  EXPECT_EQ(r3->protocol, "Mesh_10_0_0_13");
  // BIRD's default connect delay is 5 s, jittered to 0.75..1.0 of it.
  for (const auto& ss : s.net.sessions(s.id("n1"))) {
    ASSERT_TRUE(ss.established_at);
    EXPECT_GE(*ss.established_at, 3'750'000);
    EXPECT_LE(*ss.established_at, 5'010'000);
  }
  ASSERT_TRUE(r.converged_at);
  EXPECT_LE(*r.converged_at, 5'100'000);
}

TEST(Network, TheMeshIsOneWayTheLowerAddressWaitsPassively) {
  Sim s(load_fixture("mesh5.yaml"));
  s.net.run_until(1'000'000);  // before any connect delay expires
  EXPECT_EQ(s.session("n1", "Mesh_10_0_0_12").info(), "Passive");
  EXPECT_EQ(s.session("n2", "Mesh_10_0_0_11").info(), "Active");
}

TEST(Network, TheSameSeedGivesTheSameRunAndAnotherSeedOtherTimings) {
  auto run = [](std::uint64_t seed) {
    SimOptions o;
    o.seed = seed;
    Sim s(load_fixture("rr2-mesh-off.yaml"), o);
    auto r = s.net.run();
    return std::make_pair(s.net.fingerprint(), r.converged_at.value_or(-1));
  };
  auto a = run(7), b = run(7), c = run(8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.first, c.first);
  EXPECT_NE(a.second, c.second);
}

TEST(Network, RouteReflectorsGiveEveryClientEachRouteOncePerReflector) {
  Sim s(load_fixture("rr2-mesh-off.yaml"));
  ASSERT_EQ(s.net.run().outcome, Outcome::Converged);
  // 6 clients x 2 reflectors + the reflectors' own session, both ends.
  EXPECT_EQ(s.session_ends(), 26u);
  EXPECT_EQ(s.established(), 26u);
  // bird-behaviour.md (b): 15 route entries on a client (own + 7 x 2), 14 on a reflector.
  EXPECT_EQ(s.net.routes(s.id("c1")).size(), 15u);
  EXPECT_EQ(s.net.routes(s.id("rr1")).size(), 14u);
  EXPECT_EQ(s.net.best_route_count(s.id("c1")), 8u);
  // c2's block (nodes get blocks in name order: c1, c2, …) at c1: reflected, next hop unchanged,
  // ORIGINATOR_ID c2, CLUSTER_LIST 244.0.0.1.
  auto r = s.best_route("c1", "10.244.0.64/26");
  ASSERT_TRUE(r);
  EXPECT_EQ(to_string(r->attrs.next_hop), "10.0.0.32");
  ASSERT_TRUE(r->attrs.originator_id);
  EXPECT_EQ(bgp::format_router_id(*r->attrs.originator_id), "10.0.0.32");
  ASSERT_EQ(r->attrs.cluster_list.size(), 1u);
  EXPECT_EQ(bgp::format_router_id(r->attrs.cluster_list[0]), "244.0.0.1");
  // Both paths carry the same originator, so the lowest peer address decides.
  EXPECT_EQ(r->rule, bgp::Rule::LowestPeerAddress);
  EXPECT_EQ(r->protocol, "Node_10_0_0_21");
}

TEST(Network, AChangeOfTwoPrefixesReachesEveryPeerInOneUpdateThroughTheReflectors) {
  // Two new blocks at once: c2 sends each reflector one UPDATE with both, and each reflector
  // reflects them to every other peer in one UPDATE (its changes to the peers interleave, prefix
  // by prefix, and are grouped per peer before they go out).
  Sim s(load_fixture("rr2-mesh-off.yaml"));
  ASSERT_EQ(s.net.run().outcome, Outcome::Converged);
  auto received = [&](const std::string& speaker) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& ss : s.net.sessions(s.id(speaker))) out[ss.protocol] = ss.updates_received;
    return out;
  };
  std::map<std::string, std::map<std::string, std::uint64_t>> before;
  for (const char* n : {"c1", "c3", "c4", "c5", "c6", "rr1", "rr2"}) before[n] = received(n);
  auto speakers = derive_speakers(s.t);
  auto c2 =
      std::find_if(speakers.begin(), speakers.end(), [](const SpeakerConfig& c) { return c.name == "c2"; });
  ASSERT_NE(c2, speakers.end());
  c2->originated.push_back(*parse_prefix("10.244.9.0/26"));
  c2->originated.push_back(*parse_prefix("10.244.9.64/26"));
  s.net.reconfigure(s.t, speakers);
  ASSERT_EQ(s.net.run().outcome, Outcome::Converged);
  for (const char* n : {"c1", "c3", "c4", "c5", "c6"}) {
    for (const auto& [protocol, count] : received(n))
      EXPECT_EQ(count, before[n][protocol] + 1) << n << " " << protocol;
    EXPECT_TRUE(s.best_route(n, "10.244.9.0/26")) << n;
    EXPECT_TRUE(s.best_route(n, "10.244.9.64/26")) << n;
  }
  // From c2 one UPDATE each; from the other reflector one (the reflected pair, dropped on import
  // by the CLUSTER_LIST check: both reflectors are in cluster 244.0.0.1).
  for (const char* n : {"rr1", "rr2"})
    for (const auto& [protocol, count] : received(n)) {
      const bool from_c2_or_rr =
          protocol == "Node_10_0_0_32" || protocol == "Node_10_0_0_21" || protocol == "Node_10_0_0_22";
      EXPECT_EQ(count, before[n][protocol] + (from_c2_or_rr ? 1 : 0)) << n << " " << protocol;
    }
}

TEST(Network, AOneSidedPeeringStaysInStartWithBirdsSocketErrors) {
  Sim s(load_fixture("one-sided.yaml"));
  s.net.run();
  // n2 runs no BGP protocol at all, so (like BIRD, which listens only while it has one) it refuses.
  auto refused = s.session("n1", "Node_10_0_0_42");
  EXPECT_EQ(refused.proto, bgp::ProtoState::Start);
  EXPECT_EQ(refused.info(), "Active Socket: Connection refused");
  auto nobody = s.session("n1", "Node_10_0_0_43");
  EXPECT_EQ(nobody.proto, bgp::ProtoState::Start);
  EXPECT_EQ(nobody.info(), "Connect");
  EXPECT_EQ(nobody.since, 0);  // Since does not move on retries
  EXPECT_TRUE(s.net.sessions(s.id("n2")).empty());
}

TEST(Network, ASpeakerThatRunsBgpButHasNoSessionForTheCallerAcceptsAndClosesAsBirdDoes) {
  // bird-behaviour.md (c), first row: n2 listens (it peers with n3) but has nothing for n1.
  Sim s(load_fixture("one-sided-listening.yaml"));
  s.net.run();
  auto closed = s.session("n1", "Node_10_0_0_42");
  EXPECT_EQ(closed.proto, bgp::ProtoState::Start);
  EXPECT_EQ(closed.info(), "Active Socket: Connection closed");
  EXPECT_EQ(s.session("n2", "Node_10_0_0_43").info(), "Established");
}

TEST(Network, AnAsMismatchCyclesThroughErrorWaitShowingBadPeerAsOnBothSides) {
  Sim s(load_fixture("as-mismatch.yaml"));
  s.net.run_until(3'000'000);
  EXPECT_EQ(s.session("n1", "Node_10_0_0_52").info(), "Idle BGP Error: Bad peer AS");
  EXPECT_EQ(s.session("n2", "Node_10_0_0_51").info(), "Idle Received: Bad peer AS");
  s.net.run_until(120'000'000);
  EXPECT_EQ(s.established(), 0u);
  EXPECT_EQ(s.session("n1", "Node_10_0_0_52").proto, bgp::ProtoState::Start);
  EXPECT_NE(s.session("n1", "Node_10_0_0_52").info().find("BGP Error: Bad peer AS"), std::string::npos);
  // The error wait doubles (5, 10, 20, 30 s with the Calico profile): few attempts in 2 minutes.
  EXPECT_LE(s.net.counters().notifications, 8u);
}

TEST(Network, AsPerRackGivesEveryNodeEveryBlockThroughItsTor) {
  Sim s(load_fixture("as-per-rack.yaml"));
  ASSERT_EQ(s.net.run().outcome, Outcome::Converged);
  EXPECT_EQ(s.established(), s.session_ends());
  for (const char* n : {"n11", "n12", "n13", "n21", "n22", "n23"})
    EXPECT_EQ(s.best_routes(n).size(), 6u) << n;
  // A rack-2 block at n11: via the spine (AS 65000) from rack 2's AS, next hop the spine's address.
  auto r = s.best_route("n11", "10.244.0.192/26");
  ASSERT_TRUE(r);
  EXPECT_EQ(bgp::format_as_path(r->attrs.as_path), "65000 65002");
  EXPECT_EQ(to_string(r->attrs.next_hop), "10.0.0.1");
  // A same-rack block: reflected by the ToR, next hop the originating node.
  auto local = s.best_route("n11", "10.244.0.64/26");
  ASSERT_TRUE(local);
  EXPECT_EQ(to_string(local->attrs.next_hop), "10.1.1.12");
}

TEST(Network, RacksSharingOneAsLoseEachOthersRoutesToTheAsPathLoopCheck) {
  Sim s(load_fixture("as-per-rack-same-as.yaml"));
  s.net.run();
  EXPECT_EQ(s.established(), s.session_ends());  // the drop is silent: sessions stay up
  EXPECT_EQ(s.best_routes("n11").size(), 3u);    // own rack only
  EXPECT_EQ(s.best_routes("tor1").size(), 3u);
}

TEST(Network, AllowingTheLocalAsOnTheTorsHelpsTheTorsButNotTheirIbgpClients) {
  Sim s(load_fixture("as-per-rack-same-as-allowed.yaml"));
  s.net.run();
  EXPECT_EQ(s.best_routes("tor1").size(), 6u);
  EXPECT_EQ(s.best_routes("n11").size(), 3u);
}

TEST(Network, ASilentNodeFailureIsDetectedByTheHoldTimerOnItsPeers) {
  Sim s(load_fixture("mesh5-short-hold.yaml"));
  ASSERT_EQ(s.net.run().outcome, Outcome::Converged);
  const Time fail_at = 20'000'000;
  s.net.run_until(fail_at);
  ASSERT_TRUE(s.best_route("n1", "10.244.1.0/26"));  // n5's block
  ASSERT_TRUE(s.net.fail_host("n5"));
  // Nothing happens before 0.75 x hold - keepalive (the hold timer was restarted at the last
  // keepalive, jittered); by hold time it has expired everywhere.
  s.net.run_until(fail_at + 3'700'000);
  EXPECT_EQ(s.session("n1", "Mesh_10_0_0_65").state, bgp::State::Established);
  s.net.run_until(fail_at + 9'100'000);
  for (const char* n : {"n1", "n2", "n3", "n4"}) {
    auto ss = s.session(n, "Mesh_10_0_0_65");
    EXPECT_NE(ss.state, bgp::State::Established) << n;
    EXPECT_NE(ss.info().find("BGP Error: Hold timer expired"), std::string::npos) << n << ": " << ss.info();
    EXPECT_GE(ss.since, fail_at + 3'750'000) << n;
  }
  EXPECT_FALSE(s.best_route("n1", "10.244.1.0/26"));
  // The other sessions never noticed.
  EXPECT_EQ(s.session("n1", "Mesh_10_0_0_62").state, bgp::State::Established);
}

TEST(Network, AKilledProcessClosesItsSessionsAtOnceAndLaterConnectsAreRefused) {
  Sim s(load_fixture("mesh5-short-hold.yaml"));
  s.net.run();
  const Time at = s.net.now() + 1'000'000;
  s.net.run_until(at);
  ASSERT_TRUE(s.net.stop_speaker("n3"));
  s.net.run_until(at + 1'000);  // one latency later
  auto ss = s.session("n1", "Mesh_10_0_0_63");
  EXPECT_NE(ss.state, bgp::State::Established);
  EXPECT_FALSE(s.best_route("n1", "10.244.0.128/26"));  // graceful restart is off in this fixture
  s.net.run_until(at + 10'000'000);
  EXPECT_EQ(s.session("n5", "Mesh_10_0_0_63").info(), "Active Socket: Connection refused");
  ASSERT_TRUE(s.net.start_speaker("n3"));
  s.net.run_until(at + 20'000'000);
  EXPECT_EQ(s.established(), 20u);
  EXPECT_TRUE(s.best_route("n1", "10.244.0.128/26"));
}

TEST(Network, GracefulRestartKeepsAKilledNodesRoutesAsStaleForTheRestartTime) {
  auto t = load_fixture("mesh5.yaml");
  t.timers.present = true;
  t.timers.profile = "calico";  // graceful restart on, 120 s
  Sim s(std::move(t));
  s.net.run();
  const Time at = s.net.now();
  s.net.stop_speaker("n5");
  s.net.run_until(at + 60'000'000);
  auto r = s.net.routes(s.id("n1"));
  bool stale = false;
  for (const auto& x : r) stale = stale || (to_string(x.prefix) == "10.244.1.0/26" && x.stale);
  EXPECT_TRUE(stale);
  s.net.run_until(at + 121'000'000);
  EXPECT_FALSE(s.best_route("n1", "10.244.1.0/26"));
}

TEST(Network, ADuplicateRouterIdIsRefusedWithBadBgpIdentifier) {
  auto t = load_text(
      "apiVersion: v1\nkind: node\nmetadata: {name: a}\nspec: {bgp: {ipv4Address: 10.0.0.1/24}}\n---\n"
      "apiVersion: peerlab/v1\nkind: Router\nmetadata: {name: r}\nspec:\n  asNumber: 64511\n  routerID: "
      "10.0.0.1\n"
      "  addresses: [10.0.0.254/24]\n  neighbors: [{address: 10.0.0.1, asNumber: 64511}]\n---\n"
      "apiVersion: v1\nkind: bgpPeer\nmetadata: {scope: global, peerIP: 10.0.0.254}\nspec: {asNumber: "
      "64511}\n");
  Sim s(std::move(t));
  s.net.run_until(30'000'000);
  auto info = s.session("a", "Global_10_0_0_254").info() + " / " + s.session("r", "Peer_10_0_0_1").info();
  EXPECT_NE(info.find("Bad BGP identifier"), std::string::npos) << info;
  EXPECT_EQ(s.established(), 0u);
}

TEST(Network, TheDocumentsClusterShowsItsNodeStatusRows) {
  auto t = load_fixture("../../../examples/doc-cluster.yaml");
  t.peers.push_back(BgpPeer{
      PeerScope::Global, "", parse_ip("10.20.30.40"), {}, 64567u, {}, {}, {}, 0, false, ApiFlavor::V1, {}});
  t.peers.push_back(BgpPeer{
      PeerScope::Node, "Node1", parse_ip("192.10.0.0"), {}, 64514u, {}, {}, {}, 0, false, ApiFlavor::V1, {}});
  Sim s(std::move(t));
  s.net.run();
  EXPECT_EQ(s.session("Node1", "Mesh_172_17_42_21").info(), "Established");
  EXPECT_EQ(s.session("Node1", "Mesh_aa_bb__ff").info(), "Established");
  EXPECT_EQ(s.session("Node1", "Global_10_20_30_40").info(), "Connect");
  EXPECT_EQ(s.session("Node1", "Node_192_10_0_0").info(), "Connect");
  EXPECT_EQ(to_string(s.session("Node1", "Node_192_10_0_0").type), "node specific");
  // Each node learns the other's IPv4 and IPv6 blocks.
  EXPECT_EQ(s.net.best_route_count(s.id("Node1")), 4u);
}

TEST(Network, AddingANodeStartsOnlyItsSessionsAsBirdsReconfigureDoes) {
  auto t = load_fixture("mesh5.yaml");
  Sim s(t);
  s.net.run();
  std::map<std::string, Time> since;
  for (const auto& ss : s.net.sessions(s.id("n1"))) since[ss.protocol] = ss.since;
  Topology bigger = s.t;
  Node n6;
  n6.name = "n6";
  n6.ipv4_address = parse_prefix("10.0.0.16/24");
  bigger.nodes.push_back(n6);
  s.net.reconfigure(bigger, derive_speakers(bigger));
  s.net.run();
  for (const auto& ss : s.net.sessions(s.id("n1"))) {
    if (ss.protocol == "Mesh_10_0_0_16") continue;
    EXPECT_EQ(ss.since, since[ss.protocol]) << ss.protocol << " was restarted";
  }
  EXPECT_EQ(s.session("n1", "Mesh_10_0_0_16").state, bgp::State::Established);
  EXPECT_EQ(s.established(), 30u);
  EXPECT_EQ(s.net.best_route_count(s.id("n1")), 6u);
}

TEST(Network, TurningTheMeshOffTearsDownEveryMeshSessionAndItsRoutes) {
  Sim s(load_fixture("mesh5.yaml"));
  s.net.run();
  Topology off = s.t;
  off.config.node_to_node_mesh = false;
  s.net.reconfigure(off, derive_speakers(off));
  s.net.run();
  EXPECT_EQ(s.session_ends(), 0u);
  EXPECT_EQ(s.net.best_route_count(s.id("n1")), 1u);  // its own block only
}

TEST(Network, ChangingATimerRestartsThatNodesSessionsWithOtherConfigurationChange) {
  Sim s(load_fixture("mesh5.yaml"));
  s.net.run();
  const Time at = s.net.now();
  auto speakers = derive_speakers(s.t);
  for (auto& n : speakers[0].neighbors) n.timers.hold = 30'000;  // n1 only
  s.net.reconfigure(s.t, speakers);
  s.net.run_until(at + 1'000);
  EXPECT_EQ(s.session("n2", "Mesh_10_0_0_11").info().find("Received: Other configuration change") !=
                    std::string::npos ||
                s.session("n2", "Mesh_10_0_0_11").state != bgp::State::Established,
            true);
  EXPECT_EQ(s.session("n2", "Mesh_10_0_0_13").since < at, true);  // untouched
  s.net.run();
  EXPECT_EQ(s.established(), 20u);
}

// n1's only neighbour: "uplink", passive (n1 has the lowest address of the mesh), at `address`.
std::vector<SpeakerConfig> with_uplink_on_n1(const Topology& t, const std::string& address) {
  auto speakers = derive_speakers(t);
  NeighborConfig uplink = speakers[0].neighbors.front();
  uplink.protocol_name = "uplink";
  uplink.peer_address = *parse_ip(address);
  speakers[0].neighbors = {uplink};
  return speakers;
}

TEST(Network, ANeighbourWhoseNameIsNotMadeFromItsAddressKeepsTheNameGiven) {
  const Topology t = load_fixture("mesh5.yaml");
  Network net(t, with_uplink_on_n1(t, "10.0.0.12"));
  net.run();
  const auto sessions = net.sessions(*net.find_speaker("n1"));
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].protocol, "uplink");
  EXPECT_EQ(to_string(sessions[0].peer_address), "10.0.0.12");
  EXPECT_EQ(sessions[0].peer_speaker, "n2");
  EXPECT_EQ(sessions[0].state, bgp::State::Established);
}

TEST(Network, ANeighbourReconfiguredToAnotherAddressUnderItsNameAcceptsTheNewPeersConnection) {
  const Topology t = load_fixture("mesh5.yaml");
  Network net(t, with_uplink_on_n1(t, "10.0.0.12"));
  net.run();
  // n1 waits passively: only n3 connecting to it, from 10.0.0.13, can bring "uplink" up again.
  net.reconfigure(t, with_uplink_on_n1(t, "10.0.0.13"));
  net.run();
  const auto sessions = net.sessions(*net.find_speaker("n1"));
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].peer_speaker, "n3");
  EXPECT_EQ(sessions[0].state, bgp::State::Established) << sessions[0].info();
  // The session runs with n3, not with n2 (who still calls the old address): n1 learns n3's block.
  std::vector<Prefix> learned;
  for (const auto& r : net.routes(*net.find_speaker("n1")))
    if (!r.local) learned.push_back(r.prefix);
  EXPECT_EQ(learned, net.speaker_config(*net.find_speaker("n3")).originated);
}

TEST(Network, NeighboursGivenOutOfAddressOrderAreEachFoundWhenTheirPeerConnects) {
  const Topology t = load_fixture("mesh5.yaml");
  auto speakers = derive_speakers(t);
  // n1 has the lowest address: it waits passively, and each peer's connection must find its end.
  std::reverse(speakers[0].neighbors.begin(), speakers[0].neighbors.end());
  std::swap(speakers[0].neighbors[1], speakers[0].neighbors[2]);
  Network net(t, std::move(speakers));
  net.run();
  const auto sessions = net.sessions(*net.find_speaker("n1"));
  ASSERT_EQ(sessions.size(), 4u);
  for (const auto& s : sessions) {
    EXPECT_EQ(s.state, bgp::State::Established) << s.protocol << ": " << s.info();
    EXPECT_EQ(s.protocol, "Mesh_" + protocol_suffix(s.peer_address));
  }
  EXPECT_EQ(net.best_route_count(*net.find_speaker("n1")), 5u);
}

TEST(Network, TheTraceHasOneJsonObjectPerLine) {
  std::ostringstream trace;
  SimOptions o;
  o.trace = &trace;
  Sim s(load_fixture("mesh5.yaml"), o);
  s.net.run();
  std::istringstream in(trace.str());
  std::size_t lines = 0, updates = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    updates += line.find("\"send\":\"UPDATE\"") != std::string::npos;
  }
  EXPECT_GT(lines, 100u);
  EXPECT_EQ(updates, s.net.counters().updates);
}

TEST(Network, EveryRunEndsWithATypedOutcomeAtItsLimits) {
  SimOptions o;
  o.event_limit = 10;
  Sim a(load_fixture("mesh5.yaml"), o);
  EXPECT_EQ(a.net.run().outcome, Outcome::EventLimit);
  SimOptions p;
  p.time_limit = 2'000'000;
  Sim b(load_fixture("mesh5.yaml"), p);
  auto r = b.net.run();
  EXPECT_EQ(r.outcome, Outcome::TimeLimit);
  EXPECT_EQ(r.time, 2'000'000);
}

}  // namespace
}  // namespace peerlab::sim
