// Line charts through PLplot's svg device: an SVG document without prolog, the same bytes for the
// same chart, ids under the chart's prefix, user text drawn as text (PLplot's '#' escapes and markup
// neutralised), bad input refused with a message, and nothing printed.
#include "reports/plot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>

namespace peerlab::reports {
namespace {

LineChart sample_chart() {
  LineChart c;
  c.title = "BGP sessions";
  c.x_label = "simulated time (s)";
  c.y_label = "session ends";
  c.series.push_back({"Established", {{0, 0}, {0.5, 4}, {1.2, 12}, {3, 20}}, true, false});
  c.series.push_back({"configured", {{0, 20}, {3, 20}}, true, true});
  c.markers = {{1.0, "1"}, {2.5, "2"}};
  c.id_prefix = "s1-sessions";
  return c;
}

// PLplot's svg device writes every character of a text as a character reference (&#x41;).
std::string as_svg_text(const std::string& s) {
  std::string out;
  char buf[16];
  for (unsigned char c : s) {
    std::snprintf(buf, sizeof buf, "&#x%x;", c);
    out += buf;
  }
  return out;
}

TEST(LineChart, IsAnSvgDocumentWithoutXmlProlog) {
  std::string svg, error;
  ASSERT_TRUE(line_chart_svg(sample_chart(), svg, error)) << error;
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(svg.find("<?xml"), std::string::npos);
  EXPECT_EQ(svg.find("<!DOCTYPE"), std::string::npos);
  EXPECT_NE(svg.find(as_svg_text("BGP sessions")), std::string::npos);
  EXPECT_NE(svg.find(as_svg_text("Established")), std::string::npos);
  EXPECT_NE(svg.find(as_svg_text("simulated time (s)")), std::string::npos);
}

TEST(LineChart, GivesTheSameBytesForTheSameChart) {
  std::string a, b, error;
  ASSERT_TRUE(line_chart_svg(sample_chart(), a, error)) << error;
  ASSERT_TRUE(line_chart_svg(sample_chart(), b, error)) << error;
  EXPECT_EQ(a, b);
}

TEST(LineChart, NamesEveryIdUnderItsPrefixSoThatChartsCanShareAPage) {
  std::string svg, error;
  ASSERT_TRUE(line_chart_svg(sample_chart(), svg, error)) << error;
  std::regex id(R"re(id="([^"]*)")re");
  std::size_t ids = 0;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), id); it != std::sregex_iterator(); ++it, ++ids)
    EXPECT_EQ((*it)[1].str().rfind("s1-sessions-", 0), 0u) << (*it)[1];
  EXPECT_GT(ids, 0u);
  EXPECT_EQ(svg.find("text-clipping"), std::string::npos);
  EXPECT_NE(svg.find("url(#s1-sessions-clip"), std::string::npos);
}

TEST(LineChart, DrawsHashesAndMarkupInLabelsAsPlainText) {
  auto c = sample_chart();
  c.title = "#g <script>alert(1)</script> & #u";
  c.series[0].name = "<b>#1</b>";
  std::string svg, error;
  ASSERT_TRUE(line_chart_svg(c, svg, error)) << error;
  EXPECT_NE(svg.find(as_svg_text("#g <script>alert(1)</script> & #u")), std::string::npos);
  EXPECT_NE(svg.find(as_svg_text("<b>#1</b>")), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
}

TEST(LineChart, RefusesPointsThatAreNotFiniteNumbers) {
  auto c = sample_chart();
  c.series[0].points.push_back({4, std::nan("")});
  std::string svg, error;
  EXPECT_FALSE(line_chart_svg(c, svg, error));
  EXPECT_EQ(error, "the chart has a point or marker that is not a finite number");
}

TEST(LineChart, DrawsAnEmptyChartAndASinglePoint) {
  LineChart empty;
  empty.title = "nothing yet";
  std::string svg, error;
  EXPECT_TRUE(line_chart_svg(empty, svg, error)) << error;
  LineChart one;
  one.series.push_back({"one", {{2, 3}}, false, false});
  EXPECT_TRUE(line_chart_svg(one, svg, error)) << error;
  EXPECT_NE(svg.find(as_svg_text("one")), std::string::npos);
}

TEST(LineChart, PrintsNothingOnStdoutOrStderr) {
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  std::string svg, error;
  bool ok = line_chart_svg(sample_chart(), svg, error);
  const std::string out = testing::internal::GetCapturedStdout();
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_TRUE(ok) << error;
  EXPECT_EQ(out, "");
  EXPECT_EQ(err, "");
}

TEST(LineChart, DrawsAStaircaseThatHoldsEachValueUntilTheNextPoint) {
  LineChart c;
  c.series.push_back({"steps", {{0, 1}, {1, 2}}, true, false});
  c.x_max = 2;
  std::string svg, error;
  ASSERT_TRUE(line_chart_svg(c, svg, error)) << error;
  // The series (the first palette colour) is one polyline through (0,1) (1,1) (1,2) (2,2); the legend
  // draws a two-point sample of it.
  std::regex line(R"re(stroke="#1565C0"[^>]*points="([^"]*)")re", std::regex::icase);
  std::vector<long> counts;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), line); it != std::sregex_iterator(); ++it) {
    auto pts = (*it)[1].str();
    counts.push_back(std::count(pts.begin(), pts.end(), ','));
  }
  EXPECT_NE(std::find(counts.begin(), counts.end(), 4), counts.end()) << testing::PrintToString(counts);
}

}  // namespace
}  // namespace peerlab::reports
