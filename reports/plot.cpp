// Line charts through PLplot's svg device (see plot.hpp).
#include "reports/plot.hpp"

#include <locale.h>
#include <plplot/plstream.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace peerlab::reports {

namespace {

std::mutex plplot_mutex;

// PLplot writes numbers with printf: the C locale for this thread while it draws, so that a
// program that set LC_NUMERIC (a decimal comma) still gets the same SVG.
class CLocale {
 public:
  CLocale() : c_(newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0))), old_(c_ ? uselocale(c_) : nullptr) {}
  ~CLocale() {
    if (c_) {
      uselocale(old_);
      freelocale(c_);
    }
  }
  CLocale(const CLocale&) = delete;
  CLocale& operator=(const CLocale&) = delete;

 private:
  locale_t c_;
  locale_t old_;
};

// cmap0 slots: background, axes and text, grid, markers, then the series palette.
constexpr int kBackground = 0, kInk = 1, kGrid = 2, kMarker = 3, kFirstSeries = 4;

struct Rgb {
  int r, g, b;
};

Rgb parse_rgb(const std::string& hex) {
  auto v = std::strtoul(hex.c_str() + 1, nullptr, 16);
  return {static_cast<int>((v >> 16) & 0xff), static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)};
}

// PLplot reads '#' as the start of an escape sequence (#u superscript, #g Greek …); "##" is a '#'.
std::string pl_text(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '#') out += '#';
    out += c;
  }
  return out;
}

bool svg_device_available() {
  // plgDevs fills arrays the caller provides; n is their size on the way in, the count on the way out.
  std::vector<const char*> menus(256), names(256);
  int n = static_cast<int>(names.size());
  const char** m = menus.data();
  const char** d = names.data();
  plgDevs(&m, &d, &n);
  for (int i = 0; i < n; ++i)
    if (names[static_cast<std::size_t>(i)] && std::strcmp(names[static_cast<std::size_t>(i)], "svg") == 0)
      return true;
  return false;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

struct Range {
  double lo, hi;
};

Range x_range(const LineChart& c) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : c.series)
    for (const auto& p : s.points) lo = std::min(lo, p.x), hi = std::max(hi, p.x);
  for (const auto& m : c.markers) lo = std::min(lo, m.x), hi = std::max(hi, m.x);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (c.x_min) lo = *c.x_min;
  if (c.x_max) hi = *c.x_max;
  if (!(hi > lo)) hi = lo + 1;
  return {lo, hi};
}

Range y_range(const LineChart& c) {
  double hi = c.log_y ? -INFINITY : 0, data_lo = INFINITY;
  for (const auto& s : c.series)
    for (const auto& p : s.points) hi = std::max(hi, p.y), data_lo = std::min(data_lo, p.y);
  if (c.log_y) {
    // Already log10: whole decades around the data.
    if (!std::isfinite(data_lo)) data_lo = 0, hi = 1;
    double lo = c.y_min.value_or(std::floor(data_lo));
    double top = c.y_max.value_or(std::ceil(hi) > hi ? std::ceil(hi) : hi + 1);
    if (!(top > lo)) top = lo + 1;
    return {lo, top};
  }
  double lo = c.y_min.value_or(0);
  hi = c.y_max.value_or(hi > 0 ? hi * 1.12 : 1);
  if (!(hi > lo)) hi = lo + 1;
  return {lo, hi};
}

// The series as PLplot draws it: a staircase holds each y until the next x, and the last y until
// the right edge of the plot.
void series_xy(const PlotSeries& s, double x_end, std::vector<PLFLT>& xs, std::vector<PLFLT>& ys) {
  xs.clear();
  ys.clear();
  for (std::size_t i = 0; i < s.points.size(); ++i) {
    const auto& p = s.points[i];
    if (s.steps && i > 0) {
      xs.push_back(p.x);
      ys.push_back(s.points[i - 1].y);
    }
    xs.push_back(p.x);
    ys.push_back(p.y);
  }
  if (s.steps && !s.points.empty() && s.points.back().x < x_end) {
    xs.push_back(x_end);
    ys.push_back(s.points.back().y);
  }
}

bool finite_chart(const LineChart& c) {
  for (const auto& s : c.series)
    for (const auto& p : s.points)
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) return false;
  for (const auto& m : c.markers)
    if (!std::isfinite(m.x)) return false;
  return true;
}

// Markers at the same x drawn once, their labels joined ("2,3"), so that labels do not overprint.
std::vector<PlotMarker> merged_markers(const std::vector<PlotMarker>& markers) {
  std::vector<PlotMarker> out;
  for (const auto& m : markers) {
    auto same = std::find_if(out.begin(), out.end(), [&](const PlotMarker& o) { return o.x == m.x; });
    if (same == out.end())
      out.push_back(m);
    else if (!m.label.empty())
      same->label += (same->label.empty() ? "" : ",") + m.label;
  }
  return out;
}

// A chart with logarithmic axes, moved to log10 space (PLplot draws log axes over log10 values);
// points that have no logarithm are left out.
LineChart to_log_space(const LineChart& c) {
  if (!c.log_x && !c.log_y) return c;
  LineChart t = c;
  auto lg = [](std::optional<double> v) {
    return v && *v > 0 ? std::optional<double>(std::log10(*v)) : std::nullopt;
  };
  for (auto& s : t.series) {
    std::vector<PlotPoint> kept;
    for (const auto& p : s.points) {
      if ((c.log_x && p.x <= 0) || (c.log_y && p.y <= 0)) continue;
      kept.push_back({c.log_x ? std::log10(p.x) : p.x, c.log_y ? std::log10(p.y) : p.y});
    }
    s.points = std::move(kept);
  }
  if (c.log_x) {
    t.markers.erase(
        std::remove_if(t.markers.begin(), t.markers.end(), [](const PlotMarker& m) { return m.x <= 0; }),
        t.markers.end());
    for (auto& m : t.markers) m.x = std::log10(m.x);
    t.x_min = lg(c.x_min);
    t.x_max = lg(c.x_max);
  }
  if (c.log_y) {
    t.y_min = lg(c.y_min);
    t.y_max = lg(c.y_max);
  }
  return t;
}

void draw(plstream& pls, const LineChart& chart) {
  const LineChart c = to_log_space(chart);
  const auto [x0, x1] = x_range(c);
  const auto [y0, y1] = y_range(c);
  pls.adv(0);
  pls.schr(0, 0.75);
  pls.vpor(0.09, 0.98, 0.17, 0.84);
  pls.wind(x0, x1, y0, y1);

  pls.col0(kGrid);
  pls.width(0.5);
  const std::string xl = c.log_x ? "l" : "", yl = c.log_y ? "l" : "";
  pls.box(("g" + xl).c_str(), 0, 0, ("g" + yl).c_str(), 0, 0);
  pls.width(1);
  pls.col0(kInk);
  pls.box(("bcnst" + xl).c_str(), 0, 0, ("bcnstv" + yl).c_str(), 0, 0);
  pls.mtex("b", 3.0, 0.5, 0.5, pl_text(c.x_label).c_str());
  pls.mtex("l", 4.2, 0.5, 0.5, pl_text(c.y_label).c_str());
  pls.schr(0, 0.95);
  pls.mtex("t", 2.2, 0.0, 0.0, pl_text(c.title).c_str());
  pls.schr(0, 0.65);

  // Markers: dashed vertical lines, labelled just inside the top edge.
  pls.col0(kMarker);
  pls.lsty(2);
  for (const auto& m : merged_markers(c.markers)) {
    if (m.x < x0 || m.x > x1) continue;
    pls.join(m.x, y0, m.x, y1);
    pls.ptex(m.x + (x1 - x0) * 0.004, y1 - (y1 - y0) * 0.05, 1, 0, 0, pl_text(m.label).c_str());
  }
  pls.lsty(1);

  std::vector<PLFLT> xs, ys;
  for (std::size_t i = 0; i < c.series.size(); ++i) {
    const auto& s = c.series[i];
    series_xy(s, x1, xs, ys);
    if (xs.empty()) continue;
    pls.col0(kFirstSeries + static_cast<int>(i % plot_palette().size()));
    pls.lsty(s.dashed ? 3 : 1);
    pls.width(1.6);
    if (xs.size() == 1) {
      PLFLT px = xs[0], py = ys[0];
      pls.poin(1, &px, &py, 17);
    } else {
      pls.line(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
      if (c.point_symbols) {
        std::vector<PLFLT> px, py;
        for (const auto& p : s.points) px.push_back(p.x), py.push_back(p.y);
        pls.poin(static_cast<PLINT>(px.size()), px.data(), py.data(), 17);
      }
    }
  }
  pls.width(1);
  pls.lsty(1);

  // The legend: one row above the plot, right of the middle (the title is on the left).
  if (c.series.empty()) return;
  const auto n = static_cast<PLINT>(c.series.size());
  std::vector<std::string> names;
  std::vector<const char*> texts;
  std::vector<PLINT> opts(n, PL_LEGEND_LINE), text_colors(n, kInk), line_colors, line_styles;
  std::vector<PLFLT> line_widths(n, 1.6);
  for (PLINT i = 0; i < n; ++i) {
    names.push_back(pl_text(c.series[i].name));
    line_colors.push_back(kFirstSeries + static_cast<PLINT>(i % static_cast<PLINT>(plot_palette().size())));
    line_styles.push_back(c.series[i].dashed ? 3 : 1);
  }
  for (const auto& s : names) texts.push_back(s.c_str());
  PLFLT w = 0, h = 0;
  pls.schr(0, 0.7);
  pls.legend(&w, &h, PL_LEGEND_ROW_MAJOR, PL_POSITION_TOP | PL_POSITION_OUTSIDE, 0.22, 0.035, 0.05,
             kBackground, kInk, 1, 1, n, n, opts.data(), 0.8, 0.7, 1.0, 0.0, text_colors.data(), texts.data(),
             nullptr, nullptr, nullptr, nullptr, line_colors.data(), line_styles.data(), line_widths.data(),
             nullptr, nullptr, nullptr, nullptr);
}

}  // namespace

const std::vector<std::string>& plot_palette() {
  static const std::vector<std::string> p = {"#1565c0", "#2e7d32", "#ef6c00",
                                             "#6a1b9a", "#c62828", "#00838f"};
  return p;
}

bool line_chart_svg(const LineChart& chart, std::string& svg, std::string& error) {
  if (!finite_chart(chart)) {
    error = "the chart has a point or marker that is not a finite number";
    return false;
  }
  if (chart.width < 50 || chart.height < 50) {
    error = "the chart is too small to draw (at least 50x50 points)";
    return false;
  }
  std::lock_guard lock(plplot_mutex);
  CLocale c_locale;
  if (!svg_device_available()) {
    error =
        "PLplot's svg output device is not available (Debian package libplplot17 installs it in "
        "/usr/lib/x86_64-linux-gnu/plplot5.15.0/drivers; PLPLOT_DRV_DIR overrides the directory)";
    return false;
  }
  char* buf = nullptr;
  std::size_t len = 0;
  FILE* out = open_memstream(&buf, &len);
  if (!out) {
    error = "cannot open an in-memory stream for PLplot's output";
    return false;
  }
  {
    std::vector<PLINT> r, g, b;
    std::vector<std::string> colours = {"#ffffff", "#333333", "#e6e6e6", "#8a8a8a"};
    colours.insert(colours.end(), plot_palette().begin(), plot_palette().end());
    for (const auto& c : colours) {
      auto rgb = parse_rgb(c);
      r.push_back(rgb.r), g.push_back(rgb.g), b.push_back(rgb.b);
    }
    plstream pls;  // a new PLplot stream; its destructor ends it (plend1), which closes `out`
    pls.sdev("svg");
    pls.sfile(out);
    pls.spage(0, 0, chart.width, chart.height, 0, 0);
    pls.scmap0(r.data(), g.data(), b.data(), static_cast<PLINT>(r.size()));
    pls.init();
    draw(pls, chart);
  }
  std::string text(buf, len);
  std::free(buf);

  auto start = text.find("<svg");
  if (start == std::string::npos) {
    error = "PLplot wrote no SVG";
    return false;
  }
  text.erase(0, start);
  // PLplot names its clip paths text-clipping0, 1, …: the same names in every chart.
  replace_all(text, "id=\"text-clipping", "id=\"" + chart.id_prefix + "-clip");
  replace_all(text, "url(#text-clipping", "url(#" + chart.id_prefix + "-clip");
  svg = std::move(text);
  return true;
}

}  // namespace peerlab::reports
