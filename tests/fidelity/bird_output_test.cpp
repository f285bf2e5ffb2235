// The harness's reading of birdc output (BIRD 2.0.12's `show protocols all` and `show route all`,
// as captured from real daemons), its normalizations (docs/fidelity.md N1–N3) and the loopback
// remap. These need no BIRD.
#include <gtest/gtest.h>

#include "tests/fidelity/bird_lab.hpp"

namespace peerlab::fidelity {
namespace {

TEST(BirdOutput, ShowProtocolsAllGivesEveryBgpProtocolWithItsStateAndInfo) {
  const std::string text =
      "BIRD 2.0.12 ready.\n"
      "Name       Proto      Table      State  Since         Info\n"
      "device1    Device     ---        up     08:03:53.783  \n"
      "static4    Static     master4    up     08:03:53.783  \n"
      "Node_127_250_0_1 BGP        ---        up     08:03:54.692  Established   \n"
      "  BGP state:          Established\n"
      "    Neighbor address: 127.250.0.1\n"
      "\n"
      "Node_127_250_0_9 BGP        ---        start  08:03:53.783  Idle          BGP Error: Bad peer AS\n"
      "  BGP state:          Idle\n";
  SpeakerView v;
  parse_protocols(text, v);
  ASSERT_EQ(v.sessions.size(), 2u);
  EXPECT_EQ(v.sessions["Node_127_250_0_1"], (SessionKey{"up", "Established"}));
  EXPECT_EQ(v.sessions["Node_127_250_0_9"], (SessionKey{"start", "Retrying BGP Error: Bad peer AS"}));
  EXPECT_EQ(v.raw_info["Node_127_250_0_9"], "Idle BGP Error: Bad peer AS");
}

TEST(BirdOutput, SessionsSpawnedFromANeighbourRangeAreNamedByTheirAddressAndTheListenerIsDropped) {
  const std::string text =
      "BIRD 2.0.12 ready.\n"
      "Name       Proto      Table      State  Since         Info\n"
      "Dyn_127_250_0_0_24 BGP        ---        start  08:08:21.013  Passive       \n"
      "  BGP state:          Passive\n"
      "    Neighbor range:   127.250.0.0/24\n"
      "\n"
      "Dyn_1      BGP        ---        up     08:08:21.920  Established   \n"
      "  BGP state:          Established\n"
      "    Neighbor address: 127.250.0.2\n";
  SpeakerView v;
  parse_protocols(text, v);
  ASSERT_EQ(v.sessions.size(), 1u);
  EXPECT_EQ(v.sessions["Dyn_127_250_0_2"], (SessionKey{"up", "Established"}));
}

TEST(BirdOutput, ShowRouteAllGivesTheBestRouteOfEachPrefixWithItsBgpAttributes) {
  const std::string text =
      "BIRD 2.0.12 ready.\n"
      "Table master4:\n"
      "10.244.0.128/26      unreachable [Node_127_250_0_1 08:03:54.732 from 127.250.0.1] * (100) [i]\n"
      "\tType: BGP univ\n"
      "\tBGP.origin: IGP\n"
      "\tBGP.as_path: \n"
      "\tBGP.next_hop: 127.250.0.3\n"
      "\tBGP.local_pref: 100\n"
      "\tBGP.originator_id: 127.250.0.3\n"
      "\tBGP.cluster_list: 244.0.0.1\n"
      "                     unreachable [Node_127_250_0_2 08:03:54.733 from 127.250.0.2] (100) [i]\n"
      "\tType: BGP univ\n"
      "\tBGP.next_hop: 127.250.0.9\n"
      "10.244.0.64/26       blackhole [static4 08:03:53.783] * (200)\n"
      "\tType: static univ\n"
      "10.244.1.0/26        unreachable [Peer_127_0_0_1 08:03:54.732 from 127.0.0.1] * (100) [AS65002i]\n"
      "\tType: BGP univ\n"
      "\tBGP.as_path: 65000 65002\n"
      "\tBGP.next_hop: 127.0.0.1\n";
  SpeakerView v;
  parse_routes(text, v);
  ASSERT_EQ(v.best.size(), 3u);
  EXPECT_EQ(v.best["10.244.0.128/26"], (RouteKey{"127.250.0.3", "", "127.250.0.3", "244.0.0.1"}));
  EXPECT_EQ(v.best["10.244.0.64/26"], (RouteKey{"local", "", "", ""}));
  EXPECT_EQ(v.best["10.244.1.0/26"], (RouteKey{"127.0.0.1", "65000 65002", "", ""}));
}

TEST(BirdOutput, InfoIsNormalizedOnlyWhereBirdItselfVariesByTiming) {
  EXPECT_EQ(normalize_info("start", "Active        Socket: Connection reset by peer"),
            "Retrying Socket: Connection closed");
  EXPECT_EQ(normalize_info("start", "Connect"), "Retrying");
  EXPECT_EQ(normalize_info("start", "Passive       Socket: Connection closed"),
            "Passive Socket: Connection closed");
  EXPECT_EQ(normalize_info("up", "Established"), "Established");
  EXPECT_EQ(normalize_info("flush", "BGP Error: Hold timer expired"), "BGP Error: Hold timer expired");
}

TEST(BirdOutput, TheRemapKeepsSubnetsHostBytesAndTheOrderOfAddresses) {
  Topology t;
  Node a, b;
  a.name = "a";
  a.ipv4_address = parse_prefix("10.1.2.11/24");
  b.name = "b";
  b.ipv4_address = parse_prefix("10.0.0.9/16");
  t.nodes = {a, b};
  BgpPeer p;
  p.scope = PeerScope::Node;
  p.node = "a";
  p.peer_ip = parse_ip("10.1.2.200");
  p.as_number = 64511;
  t.peers = {p};
  auto moved = remap_to_loopback(t, 105, 30);
  EXPECT_EQ(to_string(*t.find_node("b")->ipv4_address), "127.105.30.9/24");  // 10.0.0/24 first, narrowed
  EXPECT_EQ(to_string(*t.find_node("a")->ipv4_address), "127.105.31.11/24");
  EXPECT_EQ(to_string(*t.peers[0].peer_ip), "127.105.31.200");
  EXPECT_EQ(to_string(moved.at(*parse_ip("10.1.2.11"))), "127.105.31.11");
}

}  // namespace
}  // namespace peerlab::fidelity
