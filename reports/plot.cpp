// Line charts through PLplot (see plot.hpp). PLplot writes to a file, so the chart goes to a
// private temporary file that is read back and removed.
#include "reports/plot.hpp"

#include <plplot/plstream.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace peerlab::reports {

namespace {

// cmap0: 0 background (white), 1 axes and text (black), then the series colours in turn.
constexpr std::array<std::array<int, 3>, 10> kPalette{{{255, 255, 255},
                                                       {0, 0, 0},
                                                       {31, 119, 180},
                                                       {255, 127, 14},
                                                       {44, 160, 44},
                                                       {214, 39, 40},
                                                       {148, 103, 189},
                                                       {140, 86, 75},
                                                       {227, 119, 194},
                                                       {127, 127, 127}}};
constexpr int kSeriesColours = static_cast<int>(kPalette.size()) - 2;
constexpr const char* kMarker = "#(728)";  // a filled circle (Hershey glyph)

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  // A usable axis range: [0, 1] when empty, widened when flat, with a small margin.
  void finish(bool log) {
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (hi - lo < 1e-12) {
      const double pad = log ? 0.5 : (std::abs(lo) > 0 ? std::abs(lo) * 0.1 : 1);
      lo -= pad, hi += pad;
    }
    const double margin = (hi - lo) * 0.05;
    lo -= margin, hi += margin;
  }
};

struct Points {
  std::vector<double> x, y;
};

Points plotted(const PlotSeries& s, const LineChart& c) {
  Points p;
  const std::size_t n = std::min(s.x.size(), s.y.size());
  for (std::size_t i = 0; i < n; ++i) {
    double x = s.x[i], y = s.y[i];
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    if ((c.log_x && x <= 0) || (c.log_y && y <= 0)) continue;
    p.x.push_back(c.log_x ? std::log10(x) : x);
    p.y.push_back(c.log_y ? std::log10(y) : y);
  }
  return p;
}

void draw(plstream& pls, const LineChart& chart) {
  std::array<PLINT, kPalette.size()> r{}, g{}, b{};
  for (std::size_t i = 0; i < kPalette.size(); ++i)
    r[i] = kPalette[i][0], g[i] = kPalette[i][1], b[i] = kPalette[i][2];
  pls.scmap0(r.data(), g.data(), b.data(), static_cast<PLINT>(kPalette.size()));
  pls.init();

  std::vector<Points> points;
  Range xr, yr;
  for (const auto& s : chart.series) {
    points.push_back(plotted(s, chart));
    for (double v : points.back().x) xr.add(v);
    for (double v : points.back().y) yr.add(v);
  }
  xr.finish(chart.log_x);
  yr.finish(chart.log_y);
  pls.col0(1);
  const PLINT axis = (chart.log_x ? 10 : 0) + (chart.log_y ? 20 : 0);
  pls.env(xr.lo, xr.hi, yr.lo, yr.hi, 0, axis);
  pls.lab(chart.x_label.c_str(), chart.y_label.c_str(), chart.title.c_str());

  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (p.x.empty()) continue;
    pls.col0(2 + static_cast<PLINT>(i) % kSeriesColours);
    pls.width(2);
    pls.line(static_cast<PLINT>(p.x.size()), p.x.data(), p.y.data());
    if (chart.markers) pls.string(static_cast<PLINT>(p.x.size()), p.x.data(), p.y.data(), kMarker);
  }
  pls.width(1);

  if (chart.series.empty()) return;
  const auto n = static_cast<PLINT>(chart.series.size());
  std::vector<PLINT> opts(n, PL_LEGEND_LINE | (chart.markers ? PL_LEGEND_SYMBOL : 0));
  std::vector<PLINT> colours(n), styles(n, 1), symbol_numbers(n, 1);
  std::vector<PLFLT> widths(n, 2), symbol_scales(n, 1);
  std::vector<const char*> texts(n), symbols(n, kMarker);
  for (PLINT i = 0; i < n; ++i) {
    colours[i] = 2 + i % kSeriesColours;
    texts[i] = chart.series[i].name.c_str();
  }
  std::vector<PLINT> text_colours(n, 1);
  PLFLT legend_width = 0, legend_height = 0;
  pls.legend(&legend_width, &legend_height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_LEFT | PL_POSITION_TOP | PL_POSITION_INSIDE, 0.02, 0.02, 0.08, 0, 1, 1, 0, 0, n,
             opts.data(), 1.0, 0.8, 2.0, 0.0, text_colours.data(), texts.data(), nullptr, nullptr, nullptr,
             nullptr, colours.data(), styles.data(), widths.data(), colours.data(), symbol_scales.data(),
             symbol_numbers.data(), symbols.data());
}

}  // namespace

std::string render_svg(const LineChart& chart) {
  char path[] = "/tmp/peerlab-plot-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw std::runtime_error("render_svg: cannot create a temporary file");
  close(fd);
  {
    plstream pls;  // plend1 when it goes out of scope, which closes the file
    pls.sdev("svg");
    pls.sfnam(path);
    pls.spage(0, 0, chart.width, chart.height, 0, 0);
    draw(pls, chart);
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::remove(path);
  return text.str();
}

}  // namespace peerlab::reports
