// The Graphviz adapter: the DOT it writes re-reads through cgraph (agmemread) with the view's
// vertices, edges, clusters and attributes, and every picture format comes out valid (SVG is
// well-formed XML with an <svg> root, PNG has its signature and chunks, PDF its header and trailer).
#include "reports/graphviz_render.hpp"

#include <graphviz/cgraph.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "topology/peerings.hpp"
#include "topology/resources.hpp"
#include "topology/validate.hpp"

// Graphviz 2.42 (Debian 12) never frees some of its own memory: gvconfig's plugin configuration,
// the dot layout's cluster skeletons, the sizing of HTML-like labels, and the fontconfig and pango
// caches behind text measurement (docs/rendering.md). These suppressions name only Graphviz's
// allocator and those libraries; a missing agclose, gvFreeLayout or gvFreeRenderData of ours is
// still reported (checked by removing each one).
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:gmalloc\nleak:zmalloc\nleak:grealloc\nleak:libfontconfig.so\nleak:libpango-1.0.so\n"
         "leak:libpangoft2-1.0.so\nleak:libpangocairo-1.0.so\nleak:libgvplugin_pango.so\nleak:g_realloc\n";
}
#endif

namespace peerlab::reports {
namespace {

Topology load_file(const std::string& relative) {
  std::ifstream in(std::string(PEERLAB_SOURCE_DIR) + "/" + relative);
  std::ostringstream ss;
  ss << in.rdbuf();
  auto parsed = parse_resources(ss.str(), relative);
  EXPECT_FALSE(parsed.diagnostics.has_errors()) << parsed.diagnostics.to_string();
  Topology t;
  Diagnostics d;
  add_resources(t, parsed.resources, d);
  validate(t, ValidationMode::Strict, d);
  EXPECT_FALSE(d.has_errors()) << d.to_string();
  return t;
}

GraphView simulated_view(const std::string& relative, ViewOptions o = {}) {
  Topology t = load_file(relative);
  sim::Network net(t, derive_speakers(t));
  net.run();
  return sessions_view(t, net, o);
}

// ---- reading DOT back through cgraph ----------------------------------------------------------

struct Closer {
  void operator()(Agraph_t* g) const { agclose(g); }
};
using Graph = std::unique_ptr<Agraph_t, Closer>;

Graph reread(const std::string& dot) {
  return Graph(agmemread(dot.c_str()));
}

char* c(const char* s) {
  return const_cast<char*>(s);
}

std::string attr(void* obj, const char* name) {
  const char* v = agget(obj, c(name));
  return v ? v : "";
}

Agnode_t* find_node(Agraph_t* g, const std::string& name) {
  return agnode(g, c(name.c_str()), 0);
}

std::vector<Agedge_t*> edges_between(Agraph_t* g, const std::string& a, const std::string& b) {
  std::vector<Agedge_t*> out;
  Agnode_t* na = find_node(g, a);
  Agnode_t* nb = find_node(g, b);
  if (!na || !nb) return out;
  for (Agedge_t* e = agfstout(g, na); e; e = agnxtout(g, e))
    if (aghead(e) == nb) out.push_back(e);
  for (Agedge_t* e = agfstout(g, nb); e; e = agnxtout(g, e))
    if (aghead(e) == na) out.push_back(e);
  return out;
}

// ---- format checks ----------------------------------------------------------------------------

// A small well-formedness check: declarations, comments, CDATA and processing instructions are
// skipped; every start tag must be closed in order; attribute values must be quoted; there is one
// root element. Returns "" when well formed, else what is wrong; `root` gets the root's name.
std::string xml_problem(const std::string& x, std::string& root) {
  std::vector<std::string> open;
  std::size_t i = 0, roots = 0;
  while ((i = x.find('<', i)) != std::string::npos) {
    if (x.compare(i, 4, "<!--") == 0) {
      auto e = x.find("-->", i);
      if (e == std::string::npos) return "unterminated comment";
      i = e + 3;
      continue;
    }
    if (x.compare(i, 9, "<![CDATA[") == 0) {
      auto e = x.find("]]>", i);
      if (e == std::string::npos) return "unterminated CDATA";
      i = e + 3;
      continue;
    }
    if (x.compare(i, 2, "<?") == 0 || x.compare(i, 2, "<!") == 0) {
      auto e = x.find('>', i);
      if (e == std::string::npos) return "unterminated declaration";
      i = e + 1;
      continue;
    }
    // A tag: find its end outside quoted attribute values.
    std::size_t j = i + 1;
    char quote = 0;
    for (; j < x.size(); ++j) {
      if (quote) {
        if (x[j] == quote) quote = 0;
        if (x[j] == '<') return "'<' inside an attribute value";
      } else if (x[j] == '"' || x[j] == '\'') {
        quote = x[j];
      } else if (x[j] == '>') {
        break;
      }
    }
    if (j >= x.size()) return "unterminated tag";
    std::string tag = x.substr(i + 1, j - i - 1);
    i = j + 1;
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      std::string name = tag.substr(1, tag.find_first_of(" \t\n") - 1);
      if (open.empty() || open.back() != name)
        return "</" + name + "> closes " + (open.empty() ? "nothing" : open.back());
      open.pop_back();
      continue;
    }
    bool self_closing = tag.back() == '/';
    std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
    if (open.empty()) {
      ++roots;
      root = name;
    }
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> is not closed";
  if (roots != 1) return std::to_string(roots) + " root elements";
  return "";
}

bool is_png(const std::string& b) {
  static const std::string signature("\x89PNG\r\n\x1a\n", 8);
  return b.size() > 8 + 25 + 12 && b.compare(0, 8, signature) == 0 && b.compare(12, 4, "IHDR") == 0 &&
         b.compare(b.size() - 8, 4, "IEND") == 0;
}

std::uint32_t png_u32(const std::string& b, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

std::string rendered(const GraphView& v, const std::string& format) {
  std::string out, error;
  EXPECT_TRUE(render(v, format, out, error)) << format << ": " << error;
  EXPECT_TRUE(error.empty()) << error;
  return out;
}

// ---- tests ------------------------------------------------------------------------------------

TEST(GraphvizRender, DotRereadsWithTheViewsNodesEdgesClustersAndAttributes) {
  auto v = simulated_view("tests/sim/topologies/as-per-rack.yaml");
  std::string dot = to_dot(v);
  Graph g = reread(dot);
  ASSERT_TRUE(g) << dot;
  EXPECT_TRUE(agisdirected(g.get()));
  EXPECT_EQ(agnnodes(g.get()), static_cast<int>(v.nodes.size()));
  EXPECT_EQ(agnedges(g.get()), static_cast<int>(v.edges.size()));
  for (const auto& n : v.nodes) EXPECT_NE(find_node(g.get(), n.id), nullptr) << n.id;

  Agnode_t* tor = find_node(g.get(), "tor1");
  ASSERT_NE(tor, nullptr);
  EXPECT_EQ(attr(tor, "shape"), "box");
  EXPECT_EQ(attr(tor, "peripheries"), "2");
  EXPECT_EQ(attr(tor, "fillcolor"), as_palette()[1]);
  EXPECT_EQ(attr(tor, "style"), "filled,rounded");
  EXPECT_EQ(attr(tor, "label"), "tor1\\ntor (reflects), AS 65001\\n10.1.1.1, 10.0.0.11");
  EXPECT_EQ(attr(tor, "peerlab_kind"), "router");
  EXPECT_EQ(attr(find_node(g.get(), "n11"), "shape"), "ellipse");

  // Clusters are subgraphs named cluster_…, holding their members.
  std::vector<std::string> clusters;
  for (Agraph_t* sg = agfstsubg(g.get()); sg; sg = agnxtsubg(sg)) clusters.push_back(agnameof(sg));
  std::sort(clusters.begin(), clusters.end());
  EXPECT_EQ(clusters, (std::vector<std::string>{"cluster_rack1", "cluster_rack2", "cluster_spine-net"}));
  // The text lists them in the view's order, whatever the heap addresses of their names.
  ASSERT_EQ(v.clusters.size(), 3u);
  EXPECT_EQ(v.clusters[0].id, "cluster_rack1");  // the order of their first speaker: nodes, then routers
  EXPECT_LT(dot.find("subgraph cluster_rack1"), dot.find("subgraph cluster_rack2"));
  EXPECT_LT(dot.find("subgraph cluster_rack2"), dot.find("subgraph \"cluster_spine-net\""));
  Agraph_t* rack1 = agsubg(g.get(), c("cluster_rack1"), 0);
  ASSERT_NE(rack1, nullptr);
  EXPECT_EQ(agnnodes(rack1), 4);  // tor1, n11, n12, n13
  EXPECT_NE(agnode(rack1, c("n12"), 0), nullptr);
  EXPECT_EQ(agnode(rack1, c("n21"), 0), nullptr);
  EXPECT_EQ(attr(rack1, "label"), "rack1  10.1.1.0/24");

  auto up = edges_between(g.get(), "spine", "tor1");
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(agnameof(agtail(up[0])), std::string("spine"));
  EXPECT_EQ(attr(up[0], "color"), "#2e7d32:invis:#2e7d32");
  EXPECT_EQ(attr(up[0], "dir"), "none");
  EXPECT_EQ(attr(up[0], "peerlab_kind"), "fabric");
  EXPECT_EQ(attr(up[0], "peerlab_state"), "established");
  auto down = edges_between(g.get(), "tor1", "n13");
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(attr(down[0], "color"), "#2e7d32");
  EXPECT_EQ(attr(down[0], "penwidth"), "2");
  EXPECT_EQ(attr(down[0], "style"), "solid");

  // The title and legend are the graph's HTML-like label.
  EXPECT_TRUE(aghtmlstr(agget(g.get(), c("label"))));
  std::string label = attr(g.get(), "label");
  EXPECT_NE(label.find("6 Calico nodes, 3 routers, 8 sessions"), std::string::npos) << label;
  EXPECT_NE(label.find("Established"), std::string::npos);
  EXPECT_NE(label.find("AS 65002"), std::string::npos);
}

TEST(GraphvizRender, OneSidedAndDownSessionsKeepTheirStyleInDot) {
  auto v = simulated_view("tests/sim/topologies/one-sided.yaml");
  Graph g = reread(to_dot(v));
  ASSERT_TRUE(g);
  Agnode_t* nobody = find_node(g.get(), "addr 10.0.0.43");
  ASSERT_NE(nobody, nullptr);
  EXPECT_EQ(attr(nobody, "shape"), "plaintext");
  auto e = edges_between(g.get(), "n1", "addr 10.0.0.43");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(attr(e[0], "style"), "dashed");
  EXPECT_EQ(attr(e[0], "dir"), "forward");
  EXPECT_EQ(attr(e[0], "color"), "#e08a00");
  EXPECT_NE(attr(e[0], "label").find("one-sided: Connect"), std::string::npos);
}

TEST(GraphvizRender, DotIsDeterministicAndIndependentOfEarlierRendering) {
  auto v =
      simulated_view("examples/fabric-two-racks.yaml", {"fabric-two-racks.yaml", "after convergence", 60});
  std::string first = to_dot(v);
  EXPECT_EQ(first, to_dot(v));
  EXPECT_EQ(first, to_dot(simulated_view("examples/fabric-two-racks.yaml",
                                         {"fabric-two-racks.yaml", "after convergence", 60})));
  // Creating a Graphviz context changes a process-wide default; the text must not change with it.
  std::string svg = rendered(v, "svg");
  EXPECT_EQ(first, to_dot(v));
  EXPECT_EQ(first, rendered(v, "dot"));
  // The laid-out picture is the same every time too.
  EXPECT_EQ(svg, rendered(v, "svg"));
}

TEST(GraphvizRender, SvgIsWellFormedXmlWithAnSvgRootAndTheNodes) {
  auto v = simulated_view("examples/fabric-two-racks.yaml");
  std::string svg = rendered(v, "svg");
  std::string root;
  EXPECT_EQ(xml_problem(svg, root), "");
  EXPECT_EQ(root, "svg");
  EXPECT_NE(svg.find("<svg"), std::string::npos);
  EXPECT_NE(svg.find("<title>node&#45;2b</title>"), std::string::npos);
  EXPECT_NE(svg.find(">rack&#45;1 &#160;10.1.1.0/24<"), std::string::npos) << "cluster label";
  EXPECT_NE(svg.find("stroke=\"#2e7d32\""), std::string::npos);
  // The checker itself notices broken XML.
  EXPECT_NE(xml_problem("<svg><g></svg>", root), "");
  EXPECT_NE(xml_problem("<svg a=\"1\"></svg><svg/>", root), "");
}

TEST(GraphvizRender, PngHasThePngSignatureAndASensibleSize) {
  auto v = simulated_view("tests/sim/topologies/one-sided.yaml");
  std::string png = rendered(v, "png");
  ASSERT_TRUE(is_png(png));
  std::uint32_t width = png_u32(png, 16), height = png_u32(png, 20);
  EXPECT_GT(width, 300u);
  EXPECT_GT(height, 200u);
  EXPECT_LT(width, 5000u);
}

TEST(GraphvizRender, PdfHasItsHeaderAndTrailer) {
  auto v = simulated_view("examples/v3-route-reflectors.yaml");
  std::string pdf = rendered(v, "pdf");
  ASSERT_GT(pdf.size(), 100u);
  EXPECT_EQ(pdf.substr(0, 5), "%PDF-");
  EXPECT_NE(pdf.rfind("%%EOF"), std::string::npos);
}

TEST(GraphvizRender, AggregatedAndCircularLayoutsRender) {
  auto mesh = simulated_view("tests/sim/topologies/mesh5.yaml");
  ASSERT_EQ(mesh.layout, "circo");
  std::string root;
  EXPECT_EQ(xml_problem(rendered(mesh, "svg"), root), "");
  auto racks = simulated_view("tests/sim/topologies/as-per-rack.yaml", {"", "", 3});
  ASSERT_TRUE(racks.aggregated);
  EXPECT_TRUE(is_png(rendered(racks, "png")));
  Graph g = reread(to_dot(racks));
  ASSERT_TRUE(g);
  EXPECT_EQ(attr(find_node(g.get(), "group rack2"), "shape"), "box3d");
  EXPECT_NE(attr(g.get(), "label").find("aggregated: 9 speakers"), std::string::npos);
}

TEST(GraphvizRender, TheUnderlayRenders) {
  auto v = underlay_view(load_file("examples/fabric-two-racks.yaml"));
  Graph g = reread(to_dot(v));
  ASSERT_TRUE(g);
  EXPECT_EQ(agnnodes(g.get()), 10);
  EXPECT_EQ(agnedges(g.get()), 9);
  EXPECT_TRUE(is_png(rendered(v, "png")));
}

TEST(GraphvizRender, LabelsWithQuotesBackslashesAndMarkupSurvive) {
  GraphView v;
  v.title = "a \"quoted\" <title> & more\nsecond line";
  v.legend.push_back({"notes", "x < y & z > w", LegendEntry::Sample::None, "", "", "", "", 1.0});
  GvNode a;
  a.id = "a \"1\"";
  a.label = "back\\slash \"q\" <b>\nline two";
  GvNode b;
  b.id = "b";
  b.cluster = "cluster_x";
  v.nodes = {a, b};
  v.clusters.push_back({"cluster_x", "x & y", "segment", "", ""});
  GvEdge e;
  e.from = a.id;
  e.to = "b";
  e.label = "l\\n";
  e.tooltip = "t";
  v.edges.push_back(e);
  GvEdge dangling;
  dangling.from = "b";
  dangling.to = "nowhere";
  v.edges.push_back(dangling);  // an edge to an unknown vertex is left out
  Graph g = reread(to_dot(v));
  ASSERT_TRUE(g);
  Agnode_t* n = find_node(g.get(), "a \"1\"");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(attr(n, "label"), "back\\\\slash \"q\" <b>\\nline two");
  EXPECT_EQ(agnedges(g.get()), 1);
  std::string root;
  EXPECT_EQ(xml_problem(rendered(v, "svg"), root), "");
  EXPECT_EQ(root, "svg");
}

TEST(GraphvizRender, UnknownFormatsAreRefused) {
  GraphView v;
  std::string out, error;
  EXPECT_FALSE(render(v, "gif", out, error));
  EXPECT_EQ(error, "unknown output format 'gif'; use svg, png, pdf or dot");
  EXPECT_TRUE(render(v, "dot", out, error));
  EXPECT_NE(out.find("digraph"), std::string::npos);
}

TEST(GraphvizRender, TheFormatComesFromTheExtension) {
  EXPECT_EQ(format_for_file("out.svg"), "svg");
  EXPECT_EQ(format_for_file("dir.v2/out.PNG"), "png");
  EXPECT_EQ(format_for_file("a.pdf"), "pdf");
  EXPECT_EQ(format_for_file("a.dot"), "dot");
  EXPECT_EQ(format_for_file("a.gv"), "dot");
  EXPECT_EQ(format_for_file("a.jpeg"), "");
  EXPECT_EQ(format_for_file("dir.v2/out"), "");
}

}  // namespace
}  // namespace peerlab::reports
