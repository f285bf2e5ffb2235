// Tests of topology/ip.hpp: parsing of IPv4/IPv6 addresses and prefixes, RFC 5952 formatting,
// prefix arithmetic, BIRD protocol-name suffixes and ordering.
#include "topology/ip.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <unordered_set>
#include <vector>

namespace peerlab {
namespace {

IpAddr ip(std::string_view text) {
  auto a = parse_ip(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddr{});
}

Prefix pfx(std::string_view text) {
  auto p = parse_prefix(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(Prefix{});
}

// Round trip through the formatter: what an address written as `in` is printed as.
std::string canon(std::string_view in) {
  return to_string(ip(in));
}

// ---- IPv4 ------------------------------------------------------------------------------------

TEST(ParseIp, AcceptsDottedQuad) {
  auto a = parse_ip("192.20.30.40");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, Family::V4);
  EXPECT_EQ(a->v4_value(), 0xC0141E28u);
  EXPECT_EQ(a->bit_width(), 32);
  EXPECT_EQ(to_string(*a), "192.20.30.40");
}

TEST(ParseIp, KeepsTheUnusedBytesOfAnIpv4AddressZero) {
  auto a = ip("255.255.255.255");
  for (std::size_t i = 4; i < 16; ++i) EXPECT_EQ(a.bytes[i], 0) << i;
  EXPECT_EQ(a, IpAddr::v4(0xFFFFFFFFu));
}

TEST(ParseIp, AcceptsTheLowestAndHighestIpv4Addresses) {
  EXPECT_EQ(to_string(ip("0.0.0.0")), "0.0.0.0");
  EXPECT_EQ(to_string(ip("255.255.255.255")), "255.255.255.255");
}

TEST(ParseIp, RejectsAnOctetAbove255) {
  EXPECT_FALSE(parse_ip("256.1.1.1"));
  EXPECT_FALSE(parse_ip("10.1.2.300"));
  EXPECT_FALSE(parse_ip("1.1.1.1000"));
}

TEST(ParseIp, RejectsAnOctetWithALeadingZero) {
  EXPECT_FALSE(parse_ip("01.2.3.4"));
  EXPECT_FALSE(parse_ip("10.020.3.4"));
  EXPECT_FALSE(parse_ip("10.0.0.00"));
}

TEST(ParseIp, RejectsTheWrongNumberOfOctets) {
  EXPECT_FALSE(parse_ip("1.2.3"));
  EXPECT_FALSE(parse_ip("1.2.3.4.5"));
  EXPECT_FALSE(parse_ip("1"));
}

TEST(ParseIp, RejectsEmptyOctetsSignsAndStrayCharacters) {
  EXPECT_FALSE(parse_ip(""));
  EXPECT_FALSE(parse_ip("1..3.4"));
  EXPECT_FALSE(parse_ip(".1.2.3"));
  EXPECT_FALSE(parse_ip("1.2.3.4."));
  EXPECT_FALSE(parse_ip("1.2.3.-4"));
  EXPECT_FALSE(parse_ip("+1.2.3.4"));
  EXPECT_FALSE(parse_ip(" 1.2.3.4"));
  EXPECT_FALSE(parse_ip("1.2.3.4 "));
  EXPECT_FALSE(parse_ip("1.2.3.a"));
  EXPECT_FALSE(parse_ip("1.2.3.4/24"));
}

TEST(Ipv4Value, RoundTripsThroughTheFactory) {
  for (std::uint32_t v : {0u, 1u, 0x0A000001u, 0x7F000001u, 0xC0A80101u, 0xFFFFFFFFu}) {
    auto a = IpAddr::v4(v);
    EXPECT_EQ(a.family, Family::V4);
    EXPECT_EQ(a.v4_value(), v);
  }
  EXPECT_EQ(to_string(IpAddr::v4(0x0A0B0C0Du)), "10.11.12.13");
}

// ---- IPv6 ------------------------------------------------------------------------------------

TEST(ParseIp, AcceptsFullIpv6) {
  auto a = parse_ip("2001:0db8:0000:0000:0000:ff00:0042:8329");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, Family::V6);
  EXPECT_EQ(a->bit_width(), 128);
  EXPECT_EQ(a->bytes[0], 0x20);
  EXPECT_EQ(a->bytes[1], 0x01);
  EXPECT_EQ(a->bytes[2], 0x0d);
  EXPECT_EQ(a->bytes[3], 0xb8);
  EXPECT_EQ(a->bytes[10], 0xff);
  EXPECT_EQ(a->bytes[13], 0x42);
  EXPECT_EQ(a->bytes[15], 0x29);
}

TEST(ParseIp, AcceptsTheDocumentsIpv6PeerAddress) {
  auto a = ip("aa:bb::ff");
  EXPECT_EQ(a.family, Family::V6);
  EXPECT_EQ(a.bytes[1], 0xaa);
  EXPECT_EQ(a.bytes[3], 0xbb);
  EXPECT_EQ(a.bytes[15], 0xff);
  EXPECT_EQ(to_string(a), "aa:bb::ff");
}

TEST(ParseIp, AcceptsDoubleColonAtTheStartTheEndAndAlone) {
  EXPECT_EQ(canon("::"), "::");
  EXPECT_EQ(canon("::1"), "::1");
  EXPECT_EQ(canon("fe80::"), "fe80::");
  EXPECT_EQ(canon("1:2:3:4:5:6:7::"), "1:2:3:4:5:6:7:0");
  EXPECT_EQ(canon("::2:3:4:5:6:7:8"), "0:2:3:4:5:6:7:8");
}

TEST(ParseIp, AcceptsIpv6WithEmbeddedIpv4) {
  auto a = parse_ip("::ffff:192.0.2.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->family, Family::V6);
  std::array<std::uint8_t, 16> want{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(a->bytes, want);
  // Eight groups written out, the last two as a dotted quad.
  auto b = parse_ip("64:ff9b:0:0:0:0:10.1.2.3");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->bytes[12], 10);
  EXPECT_EQ(b->bytes[15], 3);
  EXPECT_EQ(*b, ip("64:ff9b::a01:203"));
}

TEST(ParseIp, RejectsAnEmbeddedIpv4ThatIsNotLastOrIsInvalid) {
  EXPECT_FALSE(parse_ip("1.2.3.4::"));
  EXPECT_FALSE(parse_ip("::1.2.3.4:1"));
  EXPECT_FALSE(parse_ip("::ffff:1.2.3.256"));
  EXPECT_FALSE(parse_ip("::ffff:1.2.3"));
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7:1.2.3.4"));  // nine groups
}

TEST(ParseIp, AcceptsUpperCaseHexAndPrintsLowerCase) {
  EXPECT_EQ(canon("2001:DB8::ABCD"), "2001:db8::abcd");
  EXPECT_EQ(canon("AA:BB::FF"), "aa:bb::ff");
}

TEST(ParseIp, RejectsTooManyGroups) {
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(parse_ip("1::2:3:4:5:6:7:8"));  // "::" must stand for at least one group
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7:8::"));
}

TEST(ParseIp, RejectsTooFewGroupsWithoutDoubleColon) {
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7"));
  EXPECT_FALSE(parse_ip("1:2"));
}

TEST(ParseIp, RejectsTwoDoubleColons) {
  EXPECT_FALSE(parse_ip("1::2::3"));
  EXPECT_FALSE(parse_ip("::1::"));
  EXPECT_FALSE(parse_ip(":::"));
  EXPECT_FALSE(parse_ip("1:::2"));
}

TEST(ParseIp, RejectsBadIpv6Groups) {
  EXPECT_FALSE(parse_ip("12345::"));         // five hex digits
  EXPECT_FALSE(parse_ip("g::1"));            // not hex
  EXPECT_FALSE(parse_ip(":1:2:3:4:5:6:7"));  // single leading colon
  EXPECT_FALSE(parse_ip("1:2:3:4:5:6:7:"));  // single trailing colon
  EXPECT_FALSE(parse_ip("1::2 "));
  EXPECT_FALSE(parse_ip("fe80::1%eth0"));
  EXPECT_FALSE(parse_ip(":"));
}

TEST(ParseIp, RejectsEmptyText) {
  EXPECT_FALSE(parse_ip(""));
}

// ---- RFC 5952 formatting ---------------------------------------------------------------------

TEST(FormatIp, DropsLeadingZerosInEachGroup) {
  EXPECT_EQ(canon("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  EXPECT_EQ(canon("2001:db8:00aa:0bb:c:0d:00e0:f"), "2001:db8:aa:bb:c:d:e0:f");
}

TEST(FormatIp, CompressesTheLongestRunOfZeroGroups) {
  EXPECT_EQ(canon("2001:db8:0:0:1:0:0:0"), "2001:db8:0:0:1::");
  EXPECT_EQ(canon("2001:0:0:1:0:0:0:1"), "2001:0:0:1::1");
  EXPECT_EQ(canon("0:0:0:0:0:0:0:0"), "::");
  EXPECT_EQ(canon("0:0:0:0:0:0:0:1"), "::1");
  EXPECT_EQ(canon("1:0:0:0:0:0:0:0"), "1::");
}

TEST(FormatIp, CompressesTheFirstRunWhenTwoRunsAreEqual) {
  EXPECT_EQ(canon("2001:db8:0:0:1:0:0:1"), "2001:db8::1:0:0:1");
  EXPECT_EQ(canon("0:0:1:2:3:4:0:0"), "::1:2:3:4:0:0");
}

TEST(FormatIp, DoesNotCompressASingleZeroGroup) {
  EXPECT_EQ(canon("2001:db8:0:1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(canon("2001:db8::1:1:1:1:1"), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(canon("1:0:2:0:3:0:4:0"), "1:0:2:0:3:0:4:0");
}

TEST(FormatIp, PrintsLowerCase) {
  EXPECT_EQ(canon("FE80::ABCD:EF01"), "fe80::abcd:ef01");
  EXPECT_EQ(canon("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF"), "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(FormatIp, PrintsAPrefixAsAddressSlashLength) {
  EXPECT_EQ(to_string(pfx("10.244.0.0/16")), "10.244.0.0/16");
  EXPECT_EQ(to_string(pfx("FD80:24E2:F998:72D6:0:0:0:0/64")), "fd80:24e2:f998:72d6::/64");
  EXPECT_EQ(to_string(pfx("10.1.2.3/24")), "10.1.2.3/24");  // host bits are kept as written
}

// ---- prefixes --------------------------------------------------------------------------------

TEST(ParsePrefix, AcceptsIpv4AndIpv6Cidrs) {
  auto p = parse_prefix("192.168.0.0/16");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->addr, ip("192.168.0.0"));
  EXPECT_EQ(p->length, 16);
  auto q = parse_prefix("fd00::/64");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->addr, ip("fd00::"));
  EXPECT_EQ(q->length, 64);
}

TEST(ParsePrefix, AcceptsLengthsFromZeroToTheFamilysWidth) {
  EXPECT_TRUE(parse_prefix("0.0.0.0/0"));
  EXPECT_TRUE(parse_prefix("10.0.0.1/32"));
  EXPECT_TRUE(parse_prefix("::/0"));
  EXPECT_TRUE(parse_prefix("fd00::1/128"));
}

TEST(ParsePrefix, RejectsALengthAboveTheFamilysWidth) {
  EXPECT_FALSE(parse_prefix("10.0.0.1/33"));
  EXPECT_FALSE(parse_prefix("fd00::1/129"));
  EXPECT_FALSE(parse_prefix("10.0.0.0/1000"));
}

TEST(ParsePrefix, RejectsAMissingOrMalformedLength) {
  EXPECT_FALSE(parse_prefix("10.0.0.0/"));
  EXPECT_FALSE(parse_prefix("10.0.0.0/-1"));
  EXPECT_FALSE(parse_prefix("10.0.0.0/+8"));
  EXPECT_FALSE(parse_prefix("10.0.0.0/8a"));
  EXPECT_FALSE(parse_prefix("10.0.0.0/ 8"));
  EXPECT_FALSE(parse_prefix("10.0.0.0/8/8"));
  EXPECT_FALSE(parse_prefix("/8"));
  EXPECT_FALSE(parse_prefix(""));
}

TEST(ParsePrefix, RejectsABadAddress) {
  EXPECT_FALSE(parse_prefix("10.0.0.256/24"));
  EXPECT_FALSE(parse_prefix("1::2::3/64"));
}

TEST(ParsePrefix, RequiresALengthByDefault) {
  EXPECT_FALSE(parse_prefix("10.0.0.1"));
  EXPECT_FALSE(parse_prefix("10.0.0.1", true));
}

TEST(ParsePrefix, ReadsABareAddressAsAHostPrefixWhenTheLengthIsOptional) {
  auto p4 = parse_prefix("10.0.0.1", false);
  ASSERT_TRUE(p4);
  EXPECT_EQ(p4->length, 32);
  EXPECT_EQ(p4->addr, ip("10.0.0.1"));
  auto p6 = parse_prefix("aa:bb::ff", false);
  ASSERT_TRUE(p6);
  EXPECT_EQ(p6->length, 128);
  // A written length still counts.
  auto p = parse_prefix("10.0.0.1/24", false);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->length, 24);
  EXPECT_FALSE(parse_prefix("10.0.0.300", false));
}

TEST(PrefixMasked, ClearsTheHostBits) {
  EXPECT_EQ(to_string(pfx("10.1.2.3/24").masked()), "10.1.2.0/24");
  EXPECT_EQ(to_string(pfx("10.1.2.3/0").masked()), "0.0.0.0/0");
  EXPECT_EQ(to_string(pfx("10.1.2.3/32").masked()), "10.1.2.3/32");
  EXPECT_EQ(to_string(pfx("10.1.255.255/17").masked()), "10.1.128.0/17");
  EXPECT_EQ(to_string(pfx("fd00:1:2:3:4:5:6:7/64").masked()), "fd00:1:2:3::/64");
  EXPECT_EQ(to_string(pfx("fd00::ffff/122").masked()), "fd00::ffc0/122");
}

TEST(PrefixIsMasked, IsTrueOnlyWithoutHostBits) {
  EXPECT_TRUE(pfx("10.1.2.0/24").is_masked());
  EXPECT_FALSE(pfx("10.1.2.3/24").is_masked());
  EXPECT_TRUE(pfx("10.1.2.3/32").is_masked());
  EXPECT_TRUE(pfx("0.0.0.0/0").is_masked());
  EXPECT_FALSE(pfx("0.0.0.1/0").is_masked());
  EXPECT_TRUE(pfx("fd00::/8").is_masked());
  EXPECT_FALSE(pfx("fd00::1/64").is_masked());
}

TEST(PrefixContains, AcceptsAddressesInsideAndRejectsOnesOutside) {
  auto p = pfx("10.244.0.0/16");
  EXPECT_TRUE(p.contains(ip("10.244.0.0")));
  EXPECT_TRUE(p.contains(ip("10.244.255.255")));
  EXPECT_FALSE(p.contains(ip("10.245.0.0")));
  EXPECT_FALSE(p.contains(ip("10.243.255.255")));
  EXPECT_TRUE(pfx("0.0.0.0/0").contains(ip("203.0.113.9")));
  EXPECT_TRUE(pfx("aa:bb::/64").contains(ip("aa:bb::ff")));
  EXPECT_FALSE(pfx("aa:bb::/64").contains(ip("aa:bc::ff")));
}

TEST(PrefixContains, IgnoresTheHostBitsOfThePrefixItself) {
  EXPECT_TRUE(pfx("10.1.2.3/24").contains(ip("10.1.2.200")));
}

TEST(PrefixContains, NeverMatchesAcrossFamilies) {
  EXPECT_FALSE(pfx("0.0.0.0/0").contains(ip("::")));
  EXPECT_FALSE(pfx("::/0").contains(ip("0.0.0.0")));
  EXPECT_FALSE(pfx("::/0").contains(pfx("10.0.0.0/8")));
}

TEST(PrefixContains, AcceptsOnlyEqualOrLongerPrefixes) {
  EXPECT_TRUE(pfx("10.0.0.0/8").contains(pfx("10.1.0.0/16")));
  EXPECT_TRUE(pfx("10.0.0.0/8").contains(pfx("10.0.0.0/8")));
  EXPECT_FALSE(pfx("10.1.0.0/16").contains(pfx("10.0.0.0/8")));
  EXPECT_FALSE(pfx("10.0.0.0/8").contains(pfx("11.0.0.0/16")));
}

TEST(PrefixOverlaps, IsSymmetricForNestedPrefixes) {
  auto big = pfx("10.0.0.0/8"), small = pfx("10.20.0.0/16");
  EXPECT_TRUE(big.overlaps(small));
  EXPECT_TRUE(small.overlaps(big));
  EXPECT_TRUE(big.overlaps(big));
}

TEST(PrefixOverlaps, IsFalseForDisjointOrAdjacentPrefixes) {
  EXPECT_FALSE(pfx("10.0.0.0/25").overlaps(pfx("10.0.0.128/25")));
  EXPECT_FALSE(pfx("10.0.0.0/8").overlaps(pfx("11.0.0.0/8")));
  EXPECT_FALSE(pfx("fd00::/64").overlaps(pfx("fd00:0:0:1::/64")));
  EXPECT_FALSE(pfx("0.0.0.0/0").overlaps(pfx("::/0")));
}

// ---- nth_subnet ------------------------------------------------------------------------------

TEST(NthSubnet, CountsFromZero) {
  auto p = pfx("10.244.0.0/16");
  EXPECT_EQ(to_string(*nth_subnet(p, 26, 0)), "10.244.0.0/26");
  EXPECT_EQ(to_string(*nth_subnet(p, 26, 1)), "10.244.0.64/26");
  EXPECT_EQ(to_string(*nth_subnet(p, 26, 2)), "10.244.0.128/26");
  EXPECT_EQ(to_string(*nth_subnet(p, 26, 3)), "10.244.0.192/26");
  EXPECT_EQ(to_string(*nth_subnet(p, 26, 4)), "10.244.1.0/26");
}

TEST(NthSubnet, GivesSubnetNumberThreeOfAClusterPoolAtOffset192) {
  // Subnet number 3, counted from 0 as the function documents: the 3rd /26 of 10.244.0.0/16.
  auto s = nth_subnet(pfx("10.244.0.0/16"), 26, 3);
  ASSERT_TRUE(s);
  EXPECT_EQ(to_string(*s), "10.244.0.192/26");
}

TEST(NthSubnet, ReturnsTheLastSubnetAndNothingBeyond) {
  auto p = pfx("10.244.0.0/16");
  auto last = nth_subnet(p, 26, 1023);
  ASSERT_TRUE(last);
  EXPECT_EQ(to_string(*last), "10.244.255.192/26");
  EXPECT_FALSE(nth_subnet(p, 26, 1024));
  EXPECT_FALSE(nth_subnet(p, 26, 1'000'000));
}

TEST(NthSubnet, RejectsASubnetLengthShorterThanThePrefixOrLongerThanTheFamily) {
  EXPECT_FALSE(nth_subnet(pfx("10.244.0.0/16"), 8, 0));
  EXPECT_FALSE(nth_subnet(pfx("10.244.0.0/16"), 33, 0));
  EXPECT_FALSE(nth_subnet(pfx("fd00::/64"), 129, 0));
}

TEST(NthSubnet, OfTheSameLengthIsThePrefixItselfMasked) {
  EXPECT_EQ(to_string(*nth_subnet(pfx("10.1.2.3/24"), 24, 0)), "10.1.2.0/24");
  EXPECT_FALSE(nth_subnet(pfx("10.1.2.3/24"), 24, 1));
}

TEST(NthSubnet, WorksForIpv6) {
  auto p = pfx("fd00::/64");
  EXPECT_EQ(to_string(*nth_subnet(p, 122, 0)), "fd00::/122");
  EXPECT_EQ(to_string(*nth_subnet(p, 122, 1)), "fd00::40/122");
  EXPECT_EQ(to_string(*nth_subnet(p, 122, 5)), "fd00::140/122");
  EXPECT_EQ(to_string(*nth_subnet(pfx("fd00::/48"), 64, 0x10)), "fd00:0:0:10::/64");
  EXPECT_FALSE(nth_subnet(pfx("fd00::/120"), 122, 4));
}

TEST(NthSubnet, HandlesMoreThanSixtyFourExtraBits) {
  // /0 → /128 has 2^128 subnets; any 64-bit n exists.
  auto s = nth_subnet(pfx("::/0"), 128, 0xFFFFFFFFFFFFFFFFull);
  ASSERT_TRUE(s);
  EXPECT_EQ(to_string(*s), "::ffff:ffff:ffff:ffff/128");
  auto t = nth_subnet(pfx("::/0"), 64, 1);
  ASSERT_TRUE(t);
  EXPECT_EQ(to_string(*t), "0:0:0:1::/64");
}

// ---- protocol names --------------------------------------------------------------------------

TEST(ProtocolSuffix, ReplacesDotsAndColonsWithUnderscores) {
  EXPECT_EQ(protocol_suffix(ip("aa:bb::ff")), "aa_bb__ff");
  EXPECT_EQ(protocol_suffix(ip("192.20.30.40")), "192_20_30_40");
}

TEST(ProtocolSuffix, UsesTheCanonicalText) {
  EXPECT_EQ(protocol_suffix(ip("AA:BB:0:0:0:0:0:FF")), "aa_bb__ff");
  EXPECT_EQ(protocol_suffix(ip("::1")), "__1");
}

// ---- ordering and hashing --------------------------------------------------------------------

TEST(IpAddrOrder, PutsEveryIpv4AddressBeforeEveryIpv6Address) {
  EXPECT_LT(ip("255.255.255.255"), ip("::"));
  EXPECT_LT(ip("0.0.0.0"), ip("::1"));
  EXPECT_GT(ip("::"), ip("192.20.30.40"));
}

TEST(IpAddrOrder, OrdersNumericallyWithinAFamily) {
  std::vector<IpAddr> v = {ip("10.0.0.10"), ip("9.255.255.255"), ip("10.0.0.9"),
                           ip("aa:bb::ff"), ip("::1"),           ip("172.17.42.1")};
  std::sort(v.begin(), v.end());
  std::vector<std::string> got;
  for (const auto& a : v) got.push_back(to_string(a));
  EXPECT_EQ(got, (std::vector<std::string>{"9.255.255.255", "10.0.0.9", "10.0.0.10", "172.17.42.1", "::1",
                                           "aa:bb::ff"}));
}

// The comparison works on words; it must give the member-wise order: family, then the bytes one
// by one as unsigned values. Pairs that differ in one byte (each position, values on both sides of
// 0x80) and in the family.
TEST(IpAddrOrder, IsTheFamilyThenByteByByteOrderForAddressesDifferingAnywhere) {
  auto reference = [](const IpAddr& a, const IpAddr& b) -> std::strong_ordering {
    if (a.family != b.family) return a.family <=> b.family;
    for (std::size_t i = 0; i < a.bytes.size(); ++i)
      if (a.bytes[i] != b.bytes[i]) return a.bytes[i] <=> b.bytes[i];
    return std::strong_ordering::equal;
  };
  std::vector<IpAddr> v;
  for (Family f : {Family::V4, Family::V6})
    for (std::size_t pos = 0; pos < 16; ++pos)
      for (std::uint8_t value : {0x00, 0x01, 0x7f, 0x80, 0xff}) {
        IpAddr a;
        a.family = f;
        a.bytes.fill(0x55);
        a.bytes[pos] = value;
        v.push_back(a);
      }
  for (const auto& a : v)
    for (const auto& b : v) {
      EXPECT_EQ(a <=> b, reference(a, b)) << to_string(a) << " vs " << to_string(b);
      EXPECT_EQ(a == b, reference(a, b) == 0) << to_string(a) << " vs " << to_string(b);
    }
}

TEST(PrefixOrder, OrdersByAddressThenLength) {
  EXPECT_LT(pfx("10.0.0.0/8"), pfx("10.0.0.0/16"));
  EXPECT_LT(pfx("10.0.0.0/16"), pfx("10.1.0.0/16"));
  EXPECT_LT(pfx("10.1.0.0/16"), pfx("fd00::/8"));
}

TEST(IpAddrEquality, ComparesFamilyAndBytes) {
  EXPECT_EQ(ip("aa:bb::ff"), ip("aa:bb:0:0::ff"));
  EXPECT_NE(ip("0.0.0.0"), ip("::"));  // same (zero) bytes, different family
}

TEST(IpAddrHash, IsEqualForEqualAddressesAndUsableInASet) {
  IpAddrHash h;
  EXPECT_EQ(h(ip("aa:bb::ff")), h(ip("AA:BB:0::FF")));
  std::unordered_set<IpAddr, IpAddrHash> set = {ip("10.0.0.1"), ip("10.0.0.1"), ip("::"), ip("0.0.0.0")};
  EXPECT_EQ(set.size(), 3u);
}

TEST(IpAddrBit, ReadsBitsFromTheMostSignificant) {
  auto a = ip("128.0.0.1");
  EXPECT_TRUE(a.bit(0));
  EXPECT_FALSE(a.bit(1));
  EXPECT_TRUE(a.bit(31));
  auto b = ip("::1");
  EXPECT_TRUE(b.bit(127));
  EXPECT_FALSE(b.bit(0));
}

}  // namespace
}  // namespace peerlab
