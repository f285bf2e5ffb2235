// Charts as SVG through PLplot (Debian's libplplot-dev; the C++ binding `plstream` and the "svg"
// device). The only code that touches PLplot types: callers describe a chart as plain data (a
// title, axis labels, named series of (x, y) points, vertical markers) and get SVG text back, ready
// to write to a file or to inline in an HTML page.
//
// PLplot (Debian 12: 5.15) loads its output devices as plugins from its driver directory
// (/usr/lib/x86_64-linux-gnu/plplot5.15.0/drivers, svg.so in the libplplot17 package; PLPLOT_DRV_DIR
// overrides it). PLplot ends the process when asked for a device it cannot load, so the svg device is
// looked up first (plgDevs) and its absence reported as an error instead. The SVG is written to an
// in-memory stream (open_memstream + plsfile), never to a file.
//
// Output is deterministic: the same chart gives the same bytes (PLplot's svg device writes no date
// or name; numbers are printed in the C locale whatever the program's LC_NUMERIC). The XML prolog
// and DOCTYPE are dropped so that the text can be inlined in HTML as it is, and every id in it
// starts with LineChart::id_prefix so that several charts can share one page.
//
// PLplot is not thread-safe; line_chart_svg serialises its use of it with one mutex.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace peerlab::reports {

struct PlotPoint {
  double x = 0, y = 0;
};

struct PlotSeries {
  std::string name;               // in the legend
  std::vector<PlotPoint> points;  // in increasing x
  bool steps = false;             // a staircase: each y holds until the next x (counts that jump)
  bool dashed = false;
};

// A vertical line across the plot at x, with a short label at its top (an event on the x axis).
struct PlotMarker {
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string title, x_label, y_label;
  std::vector<PlotSeries> series;  // coloured in order from a fixed palette
  std::vector<PlotMarker> markers;
  // Axis ranges; from the data (and markers) when absent, y from 0 and with headroom at the top.
  std::optional<double> x_min, x_max, y_min, y_max;
  // Logarithmic axes (decades labelled 10^n): points with a coordinate <= 0 are left out.
  bool log_x = false, log_y = false;
  bool point_symbols = false;       // a symbol at every point, besides the line (measured samples)
  int width = 720, height = 270;    // the picture's size in points
  std::string id_prefix = "chart";  // every id in the SVG starts with it
};

// The chart as an SVG document (no XML prolog). On failure returns false and says why in `error`.
bool line_chart_svg(const LineChart& chart, std::string& svg, std::string& error);

// The fixed series palette ("#rrggbb"), in the order series take their colours (wrapping around).
const std::vector<std::string>& plot_palette();

}  // namespace peerlab::reports
