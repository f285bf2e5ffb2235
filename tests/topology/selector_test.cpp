// Tests of topology/selector.hpp: Calico label selectors as v3 BGPPeer nodeSelector/peerSelector
// use them. Matching semantics, operator precedence, quoting, and the exact error texts.
#include "topology/selector.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace peerlab {
namespace {

using Labels = std::map<std::string, std::string>;

const Labels kTor = {{"rack", "a"}, {"role", "tor"}, {"kubernetes.io/hostname", "node-1"}};

bool matches(std::string_view selector, const Labels& labels = kTor) {
  auto s = Selector::parse(selector);
  EXPECT_TRUE(s.ok()) << selector << ": " << s.error();
  return s.matches(labels);
}

// ---- matching --------------------------------------------------------------------------------

TEST(Selector, AllMatchesEveryNodeIncludingOneWithoutLabels) {
  EXPECT_TRUE(matches("all()"));
  EXPECT_TRUE(matches("all()", {}));
}

TEST(Selector, HasMatchesWhenTheLabelExistsWhateverItsValue) {
  EXPECT_TRUE(matches("has(rack)"));
  EXPECT_TRUE(matches("has(rack)", {{"rack", ""}}));
  EXPECT_FALSE(matches("has(zone)"));
  EXPECT_FALSE(matches("has(rack)", {}));
}

TEST(Selector, NotHasMatchesWhenTheLabelIsAbsent) {
  EXPECT_TRUE(matches("!has(zone)"));
  EXPECT_FALSE(matches("!has(rack)"));
  EXPECT_TRUE(matches("!has(rack)", {}));
}

TEST(Selector, EqualsMatchesOnlyThatValue) {
  EXPECT_TRUE(matches("rack == 'a'"));
  EXPECT_FALSE(matches("rack == 'b'"));
  EXPECT_FALSE(matches("rack == 'A'"));  // values are case-sensitive
  EXPECT_FALSE(matches("zone == 'a'"));  // a missing label equals nothing
}

TEST(Selector, NotEqualsMatchesOtherValuesAndAMissingLabel) {
  EXPECT_TRUE(matches("rack != 'b'"));
  EXPECT_FALSE(matches("rack != 'a'"));
  EXPECT_TRUE(matches("zone != 'a'"));
}

TEST(Selector, InMatchesAnyListedValue) {
  EXPECT_TRUE(matches("rack in {'a', 'b'}"));
  EXPECT_TRUE(matches("rack in {'b','a'}"));
  EXPECT_FALSE(matches("rack in {'b', 'c'}"));
  EXPECT_FALSE(matches("zone in {'a'}"));
  EXPECT_FALSE(matches("rack in {}"));
}

TEST(Selector, NotInMatchesUnlistedValuesAndAMissingLabel) {
  EXPECT_TRUE(matches("rack not in {'b', 'c'}"));
  EXPECT_FALSE(matches("rack not in {'a', 'b'}"));
  EXPECT_TRUE(matches("zone not in {'a'}"));
  EXPECT_TRUE(matches("rack not in {}"));
}

TEST(Selector, AndNeedsBothSides) {
  EXPECT_TRUE(matches("rack == 'a' && role == 'tor'"));
  EXPECT_FALSE(matches("rack == 'a' && role == 'spine'"));
  EXPECT_FALSE(matches("rack == 'b' && role == 'tor'"));
  EXPECT_TRUE(matches("has(rack) && has(role) && !has(zone)"));
}

TEST(Selector, OrNeedsEitherSide) {
  EXPECT_TRUE(matches("rack == 'b' || role == 'tor'"));
  EXPECT_TRUE(matches("rack == 'a' || role == 'spine'"));
  EXPECT_FALSE(matches("rack == 'b' || role == 'spine'"));
  EXPECT_TRUE(matches("has(x) || has(y) || has(rack)"));
}

TEST(Selector, AndBindsTighterThanOr) {
  // true || (false && false) — with || binding tighter it would be (true || false) && false.
  EXPECT_TRUE(matches("has(rack) || has(x) && has(y)"));
  // (false && true) || true
  EXPECT_TRUE(matches("has(x) && has(rack) || has(role)"));
}

TEST(Selector, ParenthesesOverridePrecedence) {
  EXPECT_FALSE(matches("(has(rack) || has(x)) && has(y)"));
  EXPECT_TRUE(matches("(has(rack) || has(x)) && has(role)"));
  EXPECT_TRUE(matches("((rack == 'a'))"));
}

TEST(Selector, NotAppliesToAParenthesisedExpression) {
  EXPECT_FALSE(matches("!(rack == 'a')"));
  EXPECT_TRUE(matches("!(rack == 'a' && role == 'spine')"));
  EXPECT_TRUE(matches("!!has(rack)"));
}

TEST(Selector, NotBindsTighterThanAnd) {
  // (!has(zone)) && has(rack), not !(has(zone) && has(rack)).
  EXPECT_TRUE(matches("!has(zone) && has(rack)"));
  EXPECT_FALSE(matches("!has(rack) && has(rack)"));
}

TEST(Selector, AcceptsSingleAndDoubleQuotes) {
  EXPECT_TRUE(matches("rack == \"a\""));
  EXPECT_TRUE(matches("rack in {\"b\", 'a'}"));
  EXPECT_TRUE(matches("note == \"it's\"", {{"note", "it's"}}));
  EXPECT_TRUE(matches("note == 'say \"hi\"'", {{"note", "say \"hi\""}}));
  EXPECT_TRUE(matches("note == 'two words'", {{"note", "two words"}}));
  EXPECT_TRUE(matches("note == ''", {{"note", ""}}));
}

TEST(Selector, AcceptsKubernetesStyleLabelKeys) {
  EXPECT_TRUE(matches("kubernetes.io/hostname == 'node-1'"));
  EXPECT_TRUE(matches("has(kubernetes.io/hostname)"));
  EXPECT_TRUE(matches("my_label-2 == 'x'", {{"my_label-2", "x"}}));
}

TEST(Selector, IgnoresWhitespaceBetweenTokens) {
  EXPECT_TRUE(matches("  has( rack )  "));
  EXPECT_TRUE(matches("rack=='a'&&role=='tor'"));
  EXPECT_TRUE(matches("\track  ==  'a'\n"));
  EXPECT_TRUE(matches("rack in{'a'}"));
}

TEST(Selector, KeysThatStartLikeKeywordsAreOrdinaryLabels) {
  EXPECT_TRUE(matches("all == 'x'", {{"all", "x"}}));
  EXPECT_TRUE(matches("has == 'x'", {{"has", "x"}}));
  EXPECT_TRUE(matches("note in {'x'}", {{"note", "x"}}));
  EXPECT_TRUE(matches("index not in {'x'}", {{"index", "y"}}));
}

TEST(Selector, ThatParsesReportsNoError) {
  auto s = Selector::parse("has(rack)");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.error(), "");
  EXPECT_EQ(selector_error("rack == 'a' && !has(zone)"), "");
}

// ---- errors ----------------------------------------------------------------------------------

TEST(SelectorError, NamesTheMissingCloseParenthesisOfHas) {
  EXPECT_EQ(selector_error("has(x"), "expected ')' at position 6");
}

TEST(SelectorError, NamesTheMissingValueAfterEquals) {
  EXPECT_EQ(selector_error("a =="), "expected a quoted value at position 5");
}

TEST(SelectorError, RejectsASingleEqualsSign) {
  EXPECT_EQ(selector_error("a = 'b'"), "expected ==, !=, in or not in after 'a' at position 3");
}

TEST(SelectorError, RejectsABareLabelName) {
  EXPECT_EQ(selector_error("rack"), "expected ==, !=, in or not in after 'rack' at position 5");
}

TEST(SelectorError, RejectsAnEmptySelector) {
  EXPECT_EQ(selector_error(""), "expected a label name at position 1");
  EXPECT_EQ(selector_error("   "), "expected a label name at position 4");
}

TEST(SelectorError, RejectsAnUnquotedValue) {
  EXPECT_EQ(selector_error("a == b"), "expected a quoted value at position 6");
}

TEST(SelectorError, RejectsAnUnterminatedString) {
  EXPECT_EQ(selector_error("a == 'b"), "unterminated string at position 7");
  EXPECT_EQ(selector_error("a == \"b'"), "unterminated string at position 7");
}

TEST(SelectorError, RejectsTrailingText) {
  EXPECT_EQ(selector_error("a == 'b' extra"), "unexpected 'e' at position 10");
  EXPECT_EQ(selector_error("has(a))"), "unexpected ')' at position 7");
}

TEST(SelectorError, RejectsAnOperatorWithNoRightHandSide) {
  EXPECT_EQ(selector_error("a == 'b' &&"), "expected a label name at position 12");
  EXPECT_EQ(selector_error("has(a) ||"), "expected a label name at position 10");
}

TEST(SelectorError, RejectsAnUnclosedParenthesis) {
  EXPECT_EQ(selector_error("(a == 'b'"), "expected ')' at position 10");
}

TEST(SelectorError, RejectsASetWithoutBraces) {
  EXPECT_EQ(selector_error("a in 'x'"), "expected '{' at position 6");
  EXPECT_EQ(selector_error("a in {'x'"), "expected '}' at position 10");
  EXPECT_EQ(selector_error("a in {'x',}"), "expected a quoted value at position 11");
}

TEST(SelectorError, RejectsALeadingOperator) {
  EXPECT_EQ(selector_error("== 'b'"), "expected a label name at position 1");
  EXPECT_EQ(selector_error("&& has(a)"), "expected a label name at position 1");
}

TEST(SelectorError, RejectsSelectorsNestedTooDeeply) {
  std::string deep = std::string(100, '(') + "all()" + std::string(100, ')');
  EXPECT_EQ(selector_error(deep), "selector is nested too deeply at position 66");
  std::string nots = std::string(100, '!') + "all()";
  EXPECT_EQ(selector_error(nots), "selector is nested too deeply at position 66");
  // 64 levels are fine.
  EXPECT_EQ(selector_error(std::string(64, '(') + "all()" + std::string(64, ')')), "");
}

TEST(SelectorError, ReportsOnlyTheFirstProblem) {
  EXPECT_EQ(selector_error("has(x && y = 'z"), "expected ')' at position 7");
}

TEST(Selector, ThatFailsToParseMatchesNothingAndKeepsItsError) {
  auto s = Selector::parse("has(x");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.error(), "expected ')' at position 6");
  EXPECT_FALSE(s.matches({{"x", "1"}}));
  EXPECT_FALSE(s.matches({}));
}

}  // namespace
}  // namespace peerlab
