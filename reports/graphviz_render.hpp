// The Graphviz adapter: the only code that touches cgraph and gvc types (style.md practice 17).
// A GraphView (reports/graph_view.hpp) becomes a cgraph graph; DOT is written with agwrite, and
// pictures are laid out and rendered in memory with gvLayout and gvRenderData. No `dot` program is
// run.
//
// Graphviz (Debian 12: 2.42) finds its layout and render plugins through the plugin configuration
// /usr/lib/x86_64-linux-gnu/graphviz/config6a, which the libgvc6 package writes when it is installed
// (its postinst runs libgvc6-config-update -c, the library's `dot -c`). libgvc6 ships the plugins
// used here: core (dot, svg), dot_layout and neato_layout (dot, neato, fdp, sfdp) and pango (png,
// pdf through cairo). When the configuration is missing, render() fails with a message that says so.
//
// Graphviz is not thread-safe; these functions serialise their use of it with one mutex. One
// Graphviz context serves the whole process (created on first render, freed at exit): Graphviz
// 2.42's pango plugin reads freed memory when a second context follows a freed one.
//
// Known leaks of Graphviz 2.42 (not ours, reported by LeakSanitizer): gvContext() keeps the text of
// the plugin configuration (gvconfig), the dot layout does not free the virtual nodes and edges it
// builds for clusters (class1/class2), HTML-like label sizing leaks, and fontconfig/pango keep
// their caches. See docs/rendering.md for the suppressions.
#pragma once

#include <string>

#include "reports/graph_view.hpp"

namespace peerlab::reports {

// The view as DOT text (a digraph; its edges carry `dir` for how they are drawn). Not laid out:
// the text depends only on the view, so the same view always gives the same bytes.
std::string to_dot(const GraphView& view);

// Lays the view out with view.layout and renders it in `format`: "svg", "png", "pdf", or "dot"
// (the same text as to_dot). On failure returns false and says why in `error`.
bool render(const GraphView& view, const std::string& format, std::string& out_bytes, std::string& error);

// The format for an output file name from its extension (.svg, .png, .pdf, .dot or .gv); "" if the
// extension is none of these.
std::string format_for_file(const std::string& path);

}  // namespace peerlab::reports
