#include "sim/bgp_policy.hpp"

#include <gtest/gtest.h>

#include <array>

namespace peerlab::bgp {
namespace {

IpAddr ip(const char* s) {
  return *parse_ip(s);
}
Prefix pfx(const char* s) {
  return *parse_prefix(s);
}
std::uint32_t rid(const char* s) {
  return ip(s).v4_value();
}

SpeakerConfig speaker(AsNumber as, const char* address) {
  SpeakerConfig s;
  s.name = address;
  s.local_as = as;
  s.router_id = rid(address);
  s.addresses = {ip(address)};
  return s;
}

NeighborConfig neighbor(const char* address, AsNumber as) {
  NeighborConfig n;
  n.peer_address = ip(address);
  n.peer_as = as;
  return n;
}

// Session parameters seen from a speaker in AS 64512 with router id / address 10.0.0.1.
SessionParams ibgp(bool rr_client = false, std::uint32_t cluster = rid("10.0.0.1")) {
  SessionParams s;
  s.local_as = 64512;
  s.peer_as = 64512;
  s.ibgp = true;
  s.rr_client = rr_client;
  s.cluster_id = cluster;
  s.router_id = rid("10.0.0.1");
  s.local_address = ip("10.0.0.1");
  return s;
}

SessionParams ebgp(AsNumber peer_as = 65000) {
  SessionParams s = ibgp();
  s.peer_as = peer_as;
  s.ibgp = false;
  return s;
}

PeerFacts from_session(const SessionParams& s, const char* address) {
  return peer_facts(s, ip(address), rid(address));
}

PathAttributes path(std::vector<AsNumber> as_path, const char* next_hop = "10.0.0.9") {
  PathAttributes a;
  a.as_path = std::move(as_path);
  a.next_hop = ip(next_hop);
  return a;
}

// ---- session parameters ----

TEST(SessionParams, IsIbgpWhenBothAsesMatch) {
  const SpeakerConfig n1 = speaker(64511, "127.0.0.11");
  EXPECT_TRUE(session_params(n1, neighbor("127.0.0.12", 64511)).ibgp);
  EXPECT_FALSE(session_params(n1, neighbor("127.0.0.12", 64999)).ibgp);
  const SessionParams s = session_params(n1, neighbor("127.0.0.12", 64999));
  EXPECT_EQ(s.local_as, 64511U);
  EXPECT_EQ(s.peer_as, 64999U);
  EXPECT_EQ(s.router_id, rid("127.0.0.11"));
}

TEST(SessionParams, ClusterIdIsTheClientSessionsThenTheSpeakersThenTheRouterId) {
  SpeakerConfig rr = speaker(64511, "127.0.0.21");
  NeighborConfig client = neighbor("127.0.0.31", 64511);
  client.rr_client = true;
  client.rr_cluster_id = rid("244.0.0.1");
  EXPECT_EQ(session_params(rr, client).cluster_id, rid("244.0.0.1"));
  // BIRD reads `rr cluster id` only on client sessions.
  NeighborConfig other_rr = neighbor("127.0.0.22", 64511);
  other_rr.rr_cluster_id = rid("244.0.0.1");
  EXPECT_EQ(session_params(rr, other_rr).cluster_id, rid("127.0.0.21"));
  client.rr_cluster_id.reset();
  EXPECT_EQ(session_params(rr, client).cluster_id, rid("127.0.0.21"));
  rr.cluster_id = rid("244.0.0.9");
  EXPECT_EQ(session_params(rr, client).cluster_id, rid("244.0.0.9"));
  EXPECT_EQ(session_params(rr, other_rr).cluster_id, rid("244.0.0.9"));
}

TEST(SessionParams, LocalAddressIsTheSourceAddressElseTheSpeakersFirst) {
  SpeakerConfig n1 = speaker(64511, "127.0.0.11");
  NeighborConfig n = neighbor("127.0.0.12", 64511);
  EXPECT_EQ(session_params(n1, n).local_address, ip("127.0.0.11"));
  n.source_address = ip("198.18.0.11");
  EXPECT_EQ(session_params(n1, n).local_address, ip("198.18.0.11"));
  n1.addresses.clear();
  n.source_address.reset();
  EXPECT_EQ(session_params(n1, n).local_address, IpAddr{});
}

TEST(SessionParams, CarriesTheNeighbourOptions) {
  NeighborConfig n = neighbor("127.0.0.12", 65001);
  n.allow_local_as = 1;
  n.next_hop_self = true;
  n.next_hop_keep = true;
  n.rr_client = true;
  const SessionParams s = session_params(speaker(64512, "127.0.0.11"), n);
  EXPECT_EQ(s.allow_local_as, 1);
  EXPECT_TRUE(s.next_hop_self);
  EXPECT_TRUE(s.next_hop_keep);
  EXPECT_TRUE(s.rr_client);
  const PeerFacts f = peer_facts(s, ip("127.0.0.12"), 42);
  EXPECT_EQ(f, (PeerFacts{42, 65001, s.cluster_id, ip("127.0.0.12"), true, true}));
}

// ---- import ----

TEST(ImportCheck, AcceptsAnOrdinaryRoute) {
  EXPECT_EQ(check_import(path({65001, 65000}), ebgp(65001)), ImportVerdict::Accept);
}

TEST(ImportCheck, DropsRoutesWithOurAsInThePath) {
  // e3a: node in AS 64512 receives a same-rack route "65001 64512" from its ToR.
  EXPECT_EQ(check_import(path({65001, 64512}), ebgp(65001)), ImportVerdict::AsPathLoop);
}

TEST(ImportCheck, AllowLocalAsAcceptsUpToNOccurrences) {
  SessionParams s = ebgp(65001);
  s.allow_local_as = 1;
  EXPECT_EQ(check_import(path({65001, 64512}), s), ImportVerdict::Accept);
  EXPECT_EQ(check_import(path({65001, 65000, 65002, 64512}), s), ImportVerdict::Accept);
  EXPECT_EQ(check_import(path({64512, 65001, 64512}), s), ImportVerdict::AsPathLoop);
  s.allow_local_as = 2;
  EXPECT_EQ(check_import(path({64512, 65001, 64512}), s), ImportVerdict::Accept);
}

TEST(ImportCheck, AppliesTheAsPathCheckOnIbgpToo) {
  // e2b: rack nodes share AS 64512 with their ToR; a route "65000 64512" from the ToR is dropped.
  EXPECT_EQ(check_import(path({65000, 64512}), ibgp()), ImportVerdict::AsPathLoop);
}

TEST(ImportCheck, DropsRoutesCarryingOurRouterIdAsOriginator) {
  PathAttributes a = path({});
  a.originator_id = rid("10.0.0.1");
  EXPECT_EQ(check_import(a, ibgp()), ImportVerdict::OriginatorIdLoop);
  a.originator_id = rid("10.0.0.2");
  EXPECT_EQ(check_import(a, ibgp()), ImportVerdict::Accept);
}

TEST(ImportCheck, DropsRoutesCarryingTheSessionsClusterId) {
  PathAttributes a = path({});
  a.cluster_list = {rid("244.0.0.2"), rid("244.0.0.1")};
  EXPECT_EQ(check_import(a, ibgp(true, rid("244.0.0.1"))), ImportVerdict::ClusterListLoop);
}

// bird-behaviour.md (b): both RRs use cluster id 244.0.0.1 on client sessions only, so a route reflected by
// rr2 (CLUSTER_LIST 244.0.0.1) is accepted by rr1 on their plain iBGP session.
TEST(ImportCheck, ReflectorAcceptsItsClusterIdFromAnotherReflectorOverANonClientSession) {
  SpeakerConfig rr1 = speaker(64511, "127.0.0.21");
  NeighborConfig to_rr2 = neighbor("127.0.0.22", 64511);
  NeighborConfig to_client = neighbor("127.0.0.32", 64511);
  to_client.rr_client = true;
  to_client.rr_cluster_id = rid("244.0.0.1");
  PathAttributes reflected = path({}, "127.0.0.32");
  reflected.originator_id = rid("127.0.0.32");
  reflected.cluster_list = {rid("244.0.0.1")};
  EXPECT_EQ(check_import(reflected, session_params(rr1, to_rr2)), ImportVerdict::Accept);
  EXPECT_EQ(check_import(reflected, session_params(rr1, to_client)), ImportVerdict::ClusterListLoop);
}

TEST(ImportRoute, TreatsLoopsAsWithdrawals) {
  AttrTable t;
  const AttrId looped = t.intern(path({65001, 64512}));
  EXPECT_EQ(import_route(looped, ebgp(65001), t), (ImportResult{ImportVerdict::AsPathLoop, kNoAttrs}));
}

TEST(ImportRoute, KeepsIbgpAttributesAsReceived) {
  AttrTable t;
  PathAttributes a = path({65001});
  a.local_pref = 300;
  a.cluster_list = {7};
  const AttrId id = t.intern(a);
  EXPECT_EQ(import_route(id, ibgp(), t), (ImportResult{ImportVerdict::Accept, id}));
}

TEST(ImportRoute, IgnoresLocalPrefAndReflectorAttributesFromEbgp) {
  AttrTable t;
  PathAttributes a = path({65001});
  a.local_pref = 500;
  a.originator_id = rid("10.0.0.1");  // would be a loop on iBGP
  a.cluster_list = {rid("10.0.0.1")};
  const ImportResult r = import_route(t.intern(a), ebgp(65001), t);
  EXPECT_EQ(r.verdict, ImportVerdict::Accept);
  EXPECT_EQ(t.get(r.attrs), path({65001}));
  const AttrId plain = t.intern(path({65001}));
  EXPECT_EQ(import_route(plain, ebgp(65001), t).attrs, plain);
}

TEST(ImportRoute, VerdictsHaveNames) {
  EXPECT_EQ(to_string(ImportVerdict::Accept), "accepted");
  EXPECT_EQ(to_string(ImportVerdict::AsPathLoop), "AS_PATH loop");
  EXPECT_EQ(to_string(ImportVerdict::OriginatorIdLoop), "ORIGINATOR_ID loop");
  EXPECT_EQ(to_string(ImportVerdict::ClusterListLoop), "CLUSTER_LIST loop");
}

// ---- export decision ----

enum class Src { Local, Ebgp, IbgpNonClient, IbgpClient };
enum class Dst { Ebgp, IbgpNonClient, IbgpClient };

ExportVerdict verdict(Src src, Dst dst) {
  PeerFacts from;
  PeerIndex from_peer = 1;
  switch (src) {
    case Src::Local:
      from_peer = kLocalPeer;
      break;
    case Src::Ebgp:
      from = from_session(ebgp(65001), "10.0.1.1");
      break;
    case Src::IbgpNonClient:
      from = from_session(ibgp(), "10.0.0.2");
      break;
    case Src::IbgpClient:
      from = from_session(ibgp(true), "10.0.0.3");
      break;
  }
  const SessionParams to = dst == Dst::Ebgp ? ebgp(65002) : ibgp(dst == Dst::IbgpClient);
  return check_export(pfx("10.244.1.0/26"), path({}), from_peer, from, 2, to, std::nullopt);
}

TEST(ExportCheck, FollowsTheRouteReflectionSplitHorizonMatrix) {
  using enum ExportVerdict;
  // Rows: source; columns: eBGP, iBGP non-client, iBGP client.
  const std::array<std::array<ExportVerdict, 3>, 4> expected{{
      {{Export, Export, Export}},            // locally originated
      {{Export, Export, Export}},            // learnt over eBGP
      {{Export, IbgpSplitHorizon, Export}},  // learnt from an iBGP non-client
      {{Export, Export, Export}},            // learnt from a client: reflected to everyone
  }};
  for (int s = 0; s < 4; ++s) {
    for (int d = 0; d < 3; ++d) {
      EXPECT_EQ(verdict(static_cast<Src>(s), static_cast<Dst>(d)), expected[s][d])
          << "source " << s << " target " << d;
    }
  }
}

TEST(ExportCheck, NeverSendsARouteBackToThePeerItCameFrom) {
  const PeerFacts from = from_session(ebgp(65001), "10.0.1.1");
  EXPECT_EQ(check_export(pfx("10.244.1.0/26"), path({65001}), 4, from, 4, ebgp(65001), std::nullopt),
            ExportVerdict::ToSourcePeer);
  const PeerFacts client = from_session(ibgp(true), "10.0.0.3");
  EXPECT_EQ(check_export(pfx("10.244.1.0/26"), path({}), 4, client, 4, ibgp(true), std::nullopt),
            ExportVerdict::ToSourcePeer);
}

TEST(ExportCheck, DoesNotReflectToAClientWhoseClusterIdIsInTheList) {
  PathAttributes a = path({});
  a.cluster_list = {rid("244.0.0.1")};
  const PeerFacts other_rr = from_session(ibgp(), "10.0.0.2");
  EXPECT_EQ(check_export(pfx("10.244.1.0/26"), a, 1, other_rr, 2, ibgp(true, rid("244.0.0.1")), std::nullopt),
            ExportVerdict::ClusterListLoop);
  EXPECT_EQ(check_export(pfx("10.244.1.0/26"), a, 1, other_rr, 2, ibgp(true, rid("244.0.0.2")), std::nullopt),
            ExportVerdict::Export);
}

TEST(ExportCheck, ExportsOnlyPrefixesInsideThePools) {
  const std::optional<std::vector<Prefix>> pools =
      std::vector<Prefix>{pfx("10.244.0.0/16"), pfx("fd00::/48")};
  EXPECT_TRUE(export_filter_allows(pfx("10.244.3.0/26"), pools));
  EXPECT_TRUE(export_filter_allows(pfx("10.244.0.0/16"), pools));
  EXPECT_FALSE(export_filter_allows(pfx("10.245.0.0/26"), pools));
  EXPECT_FALSE(export_filter_allows(pfx("10.0.0.0/8"), pools));
  EXPECT_TRUE(export_filter_allows(pfx("fd00:0:0:1::/64"), pools));
  EXPECT_TRUE(export_filter_allows(pfx("192.168.0.0/24"), std::nullopt));
  EXPECT_EQ(check_export(pfx("192.168.0.0/24"), path({}), kLocalPeer, {}, 2, ibgp(), pools),
            ExportVerdict::OutsideExportPrefixes);
  EXPECT_EQ(to_string(ExportVerdict::OutsideExportPrefixes), "outside the export prefixes");
}

// ---- export attributes ----

TEST(ExportAttributes, EbgpPrependsOurAsSetsNextHopSelfAndDropsInternalAttributes) {
  PathAttributes a = path({65002}, "10.0.0.9");
  a.local_pref = 200;
  a.med = 5;
  a.originator_id = 3;
  a.cluster_list = {4};
  const PathAttributes out = export_attributes(a, 1, from_session(ibgp(), "10.0.0.2"), ebgp(65001));
  PathAttributes expected = path({64512, 65002}, "10.0.0.1");
  EXPECT_EQ(out, expected);
}

TEST(ExportAttributes, EbgpNextHopKeepKeepsTheReceivedNextHop) {
  SessionParams to = ebgp(65001);
  to.next_hop_keep = true;
  const PeerFacts from = from_session(ebgp(65002), "10.0.1.1");
  EXPECT_EQ(export_attributes(path({65002}, "10.0.1.1"), 1, from, to).next_hop, ip("10.0.1.1"));
  // Our own routes have no next hop to keep.
  EXPECT_EQ(export_attributes(local_route_attributes(), kLocalPeer, {}, to).next_hop, ip("10.0.0.1"));
  to.next_hop_self = true;
  EXPECT_EQ(export_attributes(path({65002}, "10.0.1.1"), 1, from, to).next_hop, ip("10.0.0.1"));
}

// bird-behaviour.md (e1): the ToR passes the spine's next hop on to its iBGP clients unchanged.
TEST(ExportAttributes, IbgpKeepsTheNextHopOfAnEbgpRoute) {
  const PeerFacts spine = from_session(ebgp(65000), "198.18.0.60");
  const PathAttributes out = export_attributes(path({65000, 65002}, "198.18.0.60"), 1, spine, ibgp(true));
  EXPECT_EQ(out.next_hop, ip("198.18.0.60"));
  EXPECT_EQ(out.as_path, (std::vector<AsNumber>{65000, 65002}));
  EXPECT_EQ(out.local_pref, 100U);
  EXPECT_EQ(out.originator_id, std::nullopt);  // not a reflection
  EXPECT_TRUE(out.cluster_list.empty());
}

TEST(ExportAttributes, IbgpNextHopSelfReplacesTheNextHop) {
  SessionParams to = ibgp();
  to.next_hop_self = true;
  EXPECT_EQ(export_attributes(path({65000}, "198.18.0.60"), 1, from_session(ebgp(65000), "198.18.0.60"), to)
                .next_hop,
            ip("10.0.0.1"));
}

// bird-behaviour.md (a): a mesh peer's block arrives with an empty AS_PATH, NEXT_HOP = the peer, LOCAL_PREF
// 100.
TEST(ExportAttributes, OwnRouteOnIbgpHasEmptyPathOurNextHopAndLocalPref100) {
  const PathAttributes out = export_attributes(local_route_attributes(), kLocalPeer, {}, ibgp());
  PathAttributes expected;
  expected.origin = Origin::Igp;
  expected.next_hop = ip("10.0.0.1");
  expected.local_pref = 100;
  EXPECT_EQ(out, expected);
}

TEST(ExportAttributes, OwnRouteOnEbgpCarriesOnlyOurAs) {
  const PathAttributes out = export_attributes(local_route_attributes(), kLocalPeer, {}, ebgp());
  EXPECT_EQ(out, path({64512}, "10.0.0.1"));
}

TEST(ExportAttributes, IbgpKeepsLocalPrefAndMed) {
  PathAttributes a = path({65001});
  a.local_pref = 250;
  a.med = 30;
  const PathAttributes out = export_attributes(a, 1, from_session(ebgp(65001), "10.0.1.1"), ibgp());
  EXPECT_EQ(out.local_pref, 250U);
  EXPECT_EQ(out.med, 30U);
}

// bird-behaviour.md (b): c1 gets c2's block from rr1 with next hop c2, originator c2, cluster 244.0.0.1.
TEST(ExportAttributes, ReflectingAClientRouteAddsOriginatorAndClusterList) {
  SpeakerConfig rr1 = speaker(64511, "127.0.0.21");
  NeighborConfig c1 = neighbor("127.0.0.31", 64511);
  NeighborConfig c2 = neighbor("127.0.0.32", 64511);
  for (NeighborConfig* c : {&c1, &c2}) {
    c->rr_client = true;
    c->rr_cluster_id = rid("244.0.0.1");
  }
  const PeerFacts from_c2 = peer_facts(session_params(rr1, c2), ip("127.0.0.32"), rid("127.0.0.32"));
  PathAttributes received;
  received.next_hop = ip("127.0.0.32");
  received.local_pref = 100;
  const PathAttributes out = export_attributes(received, 1, from_c2, session_params(rr1, c1));
  PathAttributes expected = received;
  expected.originator_id = rid("127.0.0.32");
  expected.cluster_list = {rid("244.0.0.1")};
  EXPECT_EQ(out, expected);
  // rr1 reflects it to rr2 (plain iBGP) with the client side's cluster id, not its router id.
  const PathAttributes to_rr2 =
      export_attributes(received, 1, from_c2, session_params(rr1, neighbor("127.0.0.22", 64511)));
  EXPECT_EQ(to_rr2.cluster_list, (std::vector<std::uint32_t>{rid("244.0.0.1")}));
}

TEST(ExportAttributes, ReflectingKeepsAnExistingOriginatorAndPrependsTheCluster) {
  PathAttributes a = path({});
  a.originator_id = 77;
  a.cluster_list = {rid("244.0.0.2")};
  const PeerFacts non_client = from_session(ibgp(), "10.0.0.2");
  const PathAttributes out = export_attributes(a, 1, non_client, ibgp(true, rid("244.0.0.1")));
  EXPECT_EQ(out.originator_id, 77U);
  EXPECT_EQ(out.cluster_list, (std::vector<std::uint32_t>{rid("244.0.0.1"), rid("244.0.0.2")}));
}

TEST(ExportAttributes, ReflectingBetweenClientsOfDifferentClustersPrependsBoth) {
  const PeerFacts client_a = from_session(ibgp(true, 0xA), "10.0.0.3");
  const PathAttributes out = export_attributes(path({}), 1, client_a, ibgp(true, 0xB));
  EXPECT_EQ(out.cluster_list, (std::vector<std::uint32_t>{0xB, 0xA}));
  EXPECT_EQ(out.originator_id, rid("10.0.0.3"));
}

TEST(ExportRoute, InternsTheSameResultOnceAndSaysWhyNot) {
  AttrTable t;
  const AttrId own = t.intern(local_route_attributes());
  const Prefix block = pfx("10.244.1.0/26");
  const AttrId a = export_route(block, own, kLocalPeer, {}, 1, ibgp(), std::nullopt, t);
  const AttrId b = export_route(block, own, kLocalPeer, {}, 2, ibgp(), std::nullopt, t);
  EXPECT_NE(a, kNoAttrs);
  EXPECT_EQ(a, b);
  ExportVerdict why = ExportVerdict::Export;
  const PeerFacts mesh_peer = from_session(ibgp(), "10.0.0.2");
  EXPECT_EQ(export_route(block, a, 1, mesh_peer, 2, ibgp(), std::nullopt, t, &why), kNoAttrs);
  EXPECT_EQ(why, ExportVerdict::IbgpSplitHorizon);
}

// bird-behaviour.md (e3): n12 (AS 64512) -> tor1 (AS 65001) -> n11 (AS 64512). n11 drops the route unless
// it allows its own AS once.
TEST(PolicyChain, AsPerComputeClusterNeedsAllowLocalAs) {
  AttrTable t;
  const SpeakerConfig n12 = speaker(64512, "198.18.0.12");
  const SpeakerConfig tor1 = speaker(65001, "198.18.0.50");
  const SpeakerConfig n11 = speaker(64512, "198.18.0.11");
  const Prefix block = pfx("10.244.12.0/26");
  const AttrId sent = export_route(block, t.intern(local_route_attributes()), kLocalPeer, self_facts(n12), 0,
                                   session_params(n12, neighbor("198.18.0.50", 65001)), std::nullopt, t);
  const SessionParams tor_from_n12 = session_params(tor1, neighbor("198.18.0.12", 64512));
  const ImportResult at_tor = import_route(sent, tor_from_n12, t);
  ASSERT_EQ(at_tor.verdict, ImportVerdict::Accept);
  const AttrId to_n11 =
      export_route(block, at_tor.attrs, 0, peer_facts(tor_from_n12, ip("198.18.0.12"), rid("198.18.0.12")), 1,
                   session_params(tor1, neighbor("198.18.0.11", 64512)), std::nullopt, t);
  EXPECT_EQ(t.get(to_n11).as_path, (std::vector<AsNumber>{65001, 64512}));
  EXPECT_EQ(t.get(to_n11).next_hop, ip("198.18.0.50"));
  NeighborConfig n11_to_tor = neighbor("198.18.0.50", 65001);
  EXPECT_EQ(import_route(to_n11, session_params(n11, n11_to_tor), t).verdict, ImportVerdict::AsPathLoop);
  n11_to_tor.allow_local_as = 1;
  EXPECT_EQ(import_route(to_n11, session_params(n11, n11_to_tor), t).verdict, ImportVerdict::Accept);
}

}  // namespace
}  // namespace peerlab::bgp
