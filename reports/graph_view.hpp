// Graph views: what `peerlab render` draws, as plain data (style.md practice 17). A view is built
// from observations only (the model and a simulated network, read through their public API) and
// knows nothing of Graphviz; reports/graphviz_render.hpp turns it into DOT, SVG, PNG or PDF.
//
// Two layers:
// - sessions: one vertex per BGP speaker (Calico node: ellipse, route reflector: hexagon, fabric
//   router: box), filled with the colour of its AS; one edge per BGP session, the two ends of a
//   session merged into one edge coloured by the worse state of the two (green Established, amber
//   Connect/Active/OpenSent/OpenConfirm, red Idle or down) and drawn by peer type (thin: mesh,
//   medium: node specific, heavy: global, double line: eBGP, dashed: one-sided). A session only one
//   end has configured is a dashed arrow towards the peer address; an address nobody owns is a small
//   point labelled with the address. Speakers sit in clusters by rack or L2 segment.
// - underlay: hosts and L2 segments (segments as boxes, with the hosts attached by their address),
//   and links.
//
// Past `ViewOptions::aggregate_above` speakers (hosts for the underlay) a view is aggregated: the
// plain Calico nodes of a rack or segment become one box with their counts, sessions between the
// same two boxes one edge with a count, and the node-to-node mesh one labelled bundle
// ("mesh: N nodes, N(N-1)/2 sessions"); routers and reflectors stay individual. The legend says so.
//
// Output is deterministic: the same topology, seed and time give the same view, in the same order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "topology/model.hpp"

namespace peerlab::reports {

// A vertex. `id` is unique in the view (speaker names, "addr <ip>" for an address nobody owns,
// "group <cluster>" for an aggregated box, "mesh" for the mesh bundle, "segment <name>").
struct GvNode {
  std::string id;
  std::string label;              // lines separated by '\n'
  std::string kind;               // calico-node, reflector, router, address, group, mesh, segment
  std::string shape = "ellipse";  // Graphviz shape name
  std::string fill;               // "#rrggbb", "" for none
  std::string style = "filled";   // Graphviz style list ("filled", "filled,rounded", "solid")
  int peripheries = 1;            // 2: a double outline (a router that reflects routes)
  std::string cluster;            // id of the GvCluster it is drawn in, "" for the top level
  std::string tooltip;
};

// An edge. Session edges point from the upper tier (spine, router, reflector) to the lower one so
// that a top-down layout ranks the fabric above the nodes; `dir` says how it is drawn.
struct GvEdge {
  std::string from, to;
  std::string label;
  std::string kind;               // session: mesh, global, node specific, fabric; underlay: attach, link
  std::string state;              // session: established, connecting, down; "" for the underlay
  std::string color = "#000000";  // Graphviz colour list: "#2e7d32:invis:#2e7d32" draws a double line
  std::string style = "solid";    // solid, dashed, bold
  double penwidth = 1.0;
  std::string dir = "none";  // none, forward (one-sided: towards the peer), both
  bool one_sided = false;
  std::size_t sessions = 1;  // sessions this edge stands for (more than one when aggregated)
  std::string tooltip;
};

// A cluster (rack or segment). `id` starts with "cluster" as Graphviz requires.
struct GvCluster {
  std::string id;
  std::string label;
  std::string kind;    // rack, segment, subnet
  std::string fill;    // background
  std::string parent;  // enclosing cluster id, "" for the top level
};

// One line of the legend, optionally with a sample: a node (shape, fill; style "double" for a
// double outline) or an edge (colour, style, pen width). `group` orders the legend into columns
// (shapes, AS, state, type) with the notes below them.
struct LegendEntry {
  enum class Sample : unsigned char { None, Node, Edge };
  std::string group;
  std::string text;
  Sample sample = Sample::None;
  std::string shape, fill, color, style;
  double penwidth = 1.0;
};

struct GraphView {
  std::string title;  // first line bold; further lines ('\n') are the key numbers
  std::vector<LegendEntry> legend;
  std::vector<GvNode> nodes;
  std::vector<GvEdge> edges;
  std::vector<GvCluster> clusters;  // parents before children
  bool aggregated = false;
  std::string layout = "dot";  // Graphviz layout engine suited to the view
  std::string rankdir = "TB";

  const GvNode* find_node(const std::string& id) const;
  bool legend_mentions(const std::string& text) const;
};

struct ViewOptions {
  std::string name;                  // the design's name in the title (e.g. the file name)
  std::string when;                  // when it was observed, e.g. "after convergence at 1.234s"
  std::size_t aggregate_above = 60;  // aggregate when there are more speakers (hosts) than this
};

// Sessions of a simulated network (any time: converged, or stopped with run_until). `t` is the
// model the network was built from; it gives the roles (reflector, ToR, spine) and the racks and
// segments the speakers sit in.
GraphView sessions_view(const Topology& t, const sim::Network& net, const ViewOptions& options = {});

// The underlay of a model: hosts, L2 segments (declared, or implicit per subnet as the simulator
// builds them) and links.
GraphView underlay_view(const Topology& t, const ViewOptions& options = {});

// The fixed palette AS colours come from: the ASes of a view sorted ascending take colours in this
// order (wrapping around).
const std::vector<std::string>& as_palette();

}  // namespace peerlab::reports
