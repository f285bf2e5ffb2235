// Line charts as SVG, drawn with PLplot's "svg" device: named series of (x, y) points over
// labelled axes, optionally logarithmic. A pure function of its input: the same chart gives a
// byte-identical SVG (PLplot's SVG output carries no date, host or file name), so charts can be
// golden-tested and committed.
//
// General on purpose: `peerlab bench` plots wall time and messages against the number of nodes
// (log-log); scenario reports plot quantities over simulated time.
#pragma once

#include <string>
#include <vector>

namespace peerlab::reports {

struct PlotSeries {
  std::string name;       // shown in the legend
  std::vector<double> x;  // same length as y; points are drawn in the given order
  std::vector<double> y;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<PlotSeries> series;
  bool log_x = false;  // logarithmic axes: points with a coordinate <= 0 are left out
  bool log_y = false;
  bool markers = true;  // a symbol at every point, besides the line
  int width = 800;      // pixels
  int height = 600;
};

// The chart as a standalone SVG document. An empty chart (no points) still gives axes over [0, 1].
std::string render_svg(const LineChart& chart);

}  // namespace peerlab::reports
