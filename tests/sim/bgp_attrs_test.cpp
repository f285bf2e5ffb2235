#include "sim/bgp_attrs.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>
#include <vector>

namespace peerlab::bgp {
namespace {

IpAddr ip(const char* s) {
  return *parse_ip(s);
}
Prefix pfx(const char* s) {
  return *parse_prefix(s);
}

PathAttributes sample() {
  PathAttributes a;
  a.origin = Origin::Igp;
  a.as_path = {65001, 65000};
  a.next_hop = ip("10.0.0.1");
  a.local_pref = 100;
  return a;
}

TEST(AttrTable, InterningEqualAttributesGivesTheSameId) {
  AttrTable t;
  const AttrId a = t.intern(sample());
  const AttrId b = t.intern(sample());
  EXPECT_EQ(a, b);
  EXPECT_EQ(t.size(), 1U);
}

TEST(AttrTable, NeverHandsOutIdZero) {
  AttrTable t;
  EXPECT_EQ(t.intern(PathAttributes{}), 1U);
  EXPECT_NE(t.intern(sample()), kNoAttrs);
}

TEST(AttrTable, EveryFieldTakesPartInIdentity) {
  AttrTable t;
  std::vector<PathAttributes> variants(8, sample());
  variants[1].origin = Origin::Incomplete;
  variants[2].as_path = {65001};
  variants[3].next_hop = ip("10.0.0.2");
  variants[4].med = 0;
  variants[5].local_pref.reset();
  variants[6].originator_id = 0x0A000001;
  variants[7].cluster_list = {0xF4000001};
  std::unordered_set<AttrId> ids;
  for (const auto& v : variants) ids.insert(t.intern(v));
  EXPECT_EQ(ids.size(), variants.size());
  EXPECT_EQ(t.size(), variants.size());
}

TEST(AttrTable, GetReturnsTheInternedValue) {
  AttrTable t;
  const AttrId id = t.intern(sample());
  EXPECT_EQ(t.get(id), sample());
}

TEST(AttrTable, EditingACopyLeavesTheInternedValueUntouched) {
  AttrTable t;
  const AttrId id = t.intern(sample());
  PathAttributes copy = t.get(id);
  copy.as_path.insert(copy.as_path.begin(), 64512);
  const AttrId edited = t.intern(copy);
  EXPECT_NE(edited, id);
  EXPECT_EQ(t.get(id).as_path, (std::vector<AsNumber>{65001, 65000}));
  EXPECT_EQ(t.get(edited).as_path, (std::vector<AsNumber>{64512, 65001, 65000}));
}

TEST(AttrTable, FindDoesNotIntern) {
  AttrTable t;
  EXPECT_EQ(t.find(sample()), kNoAttrs);
  EXPECT_EQ(t.size(), 0U);
  const AttrId id = t.intern(sample());
  EXPECT_EQ(t.find(sample()), id);
}

TEST(AttrTable, ReferencesStayValidWhileTheTableGrows) {
  AttrTable t;
  const AttrId first = t.intern(sample());
  const PathAttributes* ref = &t.get(first);
  for (std::uint32_t i = 0; i < 20000; ++i) {
    PathAttributes a = sample();
    a.med = i;
    ASSERT_EQ(t.intern(a), i + 2);
  }
  EXPECT_EQ(ref, &t.get(first));
  EXPECT_EQ(*ref, sample());
  EXPECT_EQ(t.size(), 20001U);
  for (std::uint32_t i = 0; i < 20000; i += 997) {
    PathAttributes a = sample();
    a.med = i;
    EXPECT_EQ(t.find(a), i + 2);
    EXPECT_EQ(t.get(i + 2).med, i);
  }
}

TEST(PathAttributes, EqualValuesHashEqually) {
  PathAttributesHash h;
  EXPECT_EQ(h(sample()), h(sample()));
  PathAttributes b = sample();
  b.cluster_list = {1};
  EXPECT_NE(sample(), b);
}

TEST(PathAttributes, FormatsLikeBird) {
  EXPECT_EQ(to_string(Origin::Igp), "IGP");
  EXPECT_EQ(to_string(Origin::Egp), "EGP");
  EXPECT_EQ(to_string(Origin::Incomplete), "Incomplete");
  EXPECT_EQ(origin_code(Origin::Igp), 'i');
  EXPECT_EQ(origin_code(Origin::Egp), 'e');
  EXPECT_EQ(origin_code(Origin::Incomplete), '?');
  EXPECT_EQ(format_as_path({65000, 65002}), "65000 65002");
  EXPECT_EQ(format_as_path({}), "");
  EXPECT_EQ(format_router_id(0xF4000001), "244.0.0.1");
}

TEST(PathAttributes, CountsLocalAsOccurrencesAndFindsTheNeighbourAs) {
  PathAttributes a;
  a.as_path = {65001, 64512, 65000, 64512};
  EXPECT_EQ(count_as(a, 64512), 2);
  EXPECT_EQ(count_as(a, 65002), 0);
  EXPECT_EQ(first_as(a), 65001U);
  EXPECT_EQ(first_as(PathAttributes{}), std::nullopt);
}

TEST(PrefixTable, GivesDenseIdsFromZero) {
  PrefixTable t;
  EXPECT_EQ(t.intern(pfx("10.244.1.0/26")), 0U);
  EXPECT_EQ(t.intern(pfx("10.244.2.0/26")), 1U);
  EXPECT_EQ(t.intern(pfx("10.244.1.0/26")), 0U);
  EXPECT_EQ(t.size(), 2U);
  EXPECT_EQ(t.get(1), pfx("10.244.2.0/26"));
}

TEST(PrefixTable, StoresPrefixesMasked) {
  PrefixTable t;
  const PrefixId id = t.intern(pfx("10.244.1.7/26"));
  EXPECT_EQ(t.get(id), pfx("10.244.1.0/26"));
  EXPECT_EQ(t.find(pfx("10.244.1.0/26")), id);
}

TEST(PrefixTable, DistinguishesLengthsAndFamilies) {
  PrefixTable t;
  const PrefixId a = t.intern(pfx("10.0.0.0/8"));
  const PrefixId b = t.intern(pfx("10.0.0.0/16"));
  const PrefixId c = t.intern(pfx("fd00::/64"));
  EXPECT_NE(a, b);
  EXPECT_NE(b, c);
  EXPECT_EQ(t.find(pfx("10.0.0.0/24")), kNoPrefix);
}

TEST(PrefixTable, HandlesManyPrefixes) {
  PrefixTable t;
  const Prefix pool = pfx("10.0.0.0/8");
  for (std::uint64_t i = 0; i < 50000; ++i) ASSERT_EQ(t.intern(*nth_subnet(pool, 26, i)), i);
  for (std::uint64_t i = 0; i < 50000; i += 4999) EXPECT_EQ(t.find(*nth_subnet(pool, 26, i)), i);
}

// Interned attributes are read by reference while the table grows (a Candidate points at them).
TEST(StableVector, KeepsEveryElementInPlaceAndInOrderAcrossChunks) {
  detail::StableVector<std::string, 2> v;  // chunks of 4
  std::vector<const std::string*> where;
  for (int i = 0; i < 11; ++i) {
    v.push_back(std::to_string(i));
    where.push_back(&v[static_cast<std::size_t>(i)]);
  }
  ASSERT_EQ(v.size(), 11U);
  std::vector<std::string> seen;
  v.for_each([&seen](const std::string& s) { seen.push_back(s); });
  EXPECT_EQ(seen, (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"}));
  for (std::size_t i = 0; i < 11; ++i) {
    EXPECT_EQ(&v[i], where[i]) << i;
    EXPECT_EQ(v[i], std::to_string(i));
  }
}

}  // namespace
}  // namespace peerlab::bgp
