// The Graphviz adapter (see graphviz_render.hpp): GraphView -> cgraph -> DOT text or a picture.
#include "reports/graphviz_render.hpp"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace peerlab::reports {

namespace {

// Graphviz keeps global state (the error handler, the prototype graph, caches): one user at a time.
std::mutex& graphviz_mutex() {
  static std::mutex m;
  return m;
}

// ---- writing DOT into a std::string: a cgraph I/O discipline whose channel is the string -------

int read_nothing(void*, char*, int) {
  return 0;
}
int append_to_string(void* chan, const char* text) {
  static_cast<std::string*>(chan)->append(text);
  return 0;
}
int flush_nothing(void*) {
  return 0;
}

Agiodisc_t string_io{read_nothing, append_to_string, flush_nothing};

// ---- object IDs in creation order -------------------------------------------------------------
// cgraph's default ID discipline uses the address of the interned name as a named object's ID, and
// keeps subgraphs ordered by ID: agwrite (and the dot layout) would visit clusters in heap-address
// order, which changes from run to run. These IDs count up instead (even for named objects, odd
// for anonymous ones, as the default keeps them apart), so the order is the order of creation.
// Names are kept as cgraph reference-counted strings (agstrdup): cgraph reads a flag stored in
// front of every name it prints (HTML-like or not), so a name must be one of its own strings.
struct IdState {
  Agraph_t* root = nullptr;
  std::map<std::string, IDTYPE, std::less<>> by_name;
  std::map<IDTYPE, char*> names;
  IDTYPE next_named = 2;
  IDTYPE next_anonymous = 1;
};

void* id_open(Agraph_t* g, Agdisc_t*) {
  auto* s = new IdState;
  s->root = g;
  return s;
}

long id_map(void* state, int, char* name, IDTYPE* id, int create) {
  auto* s = static_cast<IdState*>(state);
  if (!name) {
    *id = s->next_anonymous;
    s->next_anonymous += 2;
    return 1;
  }
  if (auto it = s->by_name.find(std::string_view(name)); it != s->by_name.end()) {
    *id = it->second;
    return 1;
  }
  if (!create) return 0;
  *id = s->next_named;
  s->next_named += 2;
  s->by_name.emplace(name, *id);
  s->names.emplace(*id, agstrdup(s->root, name));
  return 1;
}

long id_alloc(void*, int, IDTYPE) {
  return 0;
}  // no IDs chosen by the caller, as the default
void id_free(void*, int, IDTYPE) {}  // names live until the graph closes

char* id_print(void* state, int, IDTYPE id) {
  auto* s = static_cast<IdState*>(state);
  auto it = s->names.find(id);
  return it == s->names.end() ? nullptr : it->second;
}

// agclose calls this after freeing every object and before closing the string dictionary.
void id_close(void* state) {
  auto* s = static_cast<IdState*>(state);
  for (auto& [id, name] : s->names) agstrfree(s->root, name);
  delete s;
}
void id_register(void*, int, void*) {}

Agiddisc_t sequential_ids{id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};
Agdisc_t string_disc{&AgMemDisc, &sequential_ids, &string_io};

// ---- Graphviz's error messages go to a string while we hold the mutex -------------------------

std::string* captured_errors = nullptr;
int capture_error(char* message) {
  if (captured_errors) captured_errors->append(message);
  return 0;
}

class ErrorCapture {
 public:
  ErrorCapture() {
    captured_errors = &text_;
    previous_ = agseterrf(capture_error);
  }
  ~ErrorCapture() {
    agseterrf(previous_);
    captured_errors = nullptr;
  }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  // The messages, one per line, without Graphviz's trailing newlines.
  std::string text() const {
    std::string t = text_;
    while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
    return t;
  }

 private:
  std::string text_;
  agusererrf previous_ = nullptr;
};

// ---- owning handles ---------------------------------------------------------------------------

struct GraphCloser {
  void operator()(Agraph_t* g) const { agclose(g); }
};
using GraphPtr = std::unique_ptr<Agraph_t, GraphCloser>;

struct ContextFreer {
  void operator()(GVC_t* gvc) const { gvFreeContext(gvc); }
};
using ContextPtr = std::unique_ptr<GVC_t, ContextFreer>;

// One Graphviz context for the whole process, created on first use and freed at exit. Graphviz
// 2.42's pango text layout caches a pointer to the last font name it measured, and that name
// belongs to the context: after gvFreeContext, the next context's first label reads freed memory
// (AddressSanitizer: heap-use-after-free in pango_textlayout via textspan_size). Keeping one
// context alive avoids it. Called with the mutex held.
GVC_t* context() {
  static ContextPtr gvc(gvContext());
  return gvc.get();
}

// cgraph's API predates const: it copies every string it is given.
char* cstr(const char* s) {
  return const_cast<char*>(s);
}
char* cstr(const std::string& s) {
  return const_cast<char*>(s.c_str());
}

void set(void* obj, const char* name, const std::string& value) {
  agsafeset(obj, cstr(name), cstr(value), cstr(""));
}

void set_html(Agraph_t* g, void* obj, const char* name, const std::string& html) {
  char* s = agstrdup_html(g, cstr(html));
  agsafeset(obj, cstr(name), s, cstr(""));
  agstrfree(g, s);
}

// A label in Graphviz's escString syntax: backslashes doubled, line breaks as \n (centred lines).
std::string esc(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string html_esc(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "<BR/>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string fmt_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Breaks text into lines of at most `width` characters at spaces.
std::string wrap(const std::string& text, std::size_t width) {
  std::string out, line, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    word.clear();
  };
  for (char c : text) {
    if (c == ' ')
      flush_word();
    else
      word += c;
  }
  flush_word();
  return out + line;
}

// ---- the title and legend: one HTML-like label at the top of the graph ------------------------

std::string shape_glyph(const std::string& shape, bool double_outline) {
  if (double_outline) return "▣";
  if (shape == "ellipse") return "◯";
  if (shape == "hexagon") return "⬡";
  if (shape == "box3d") return "❒";
  if (shape == "doublecircle") return "◎";
  if (shape == "plaintext") return "<I>a.b.c.d</I>";
  return "▢";
}

// A line drawn with box-drawing characters in the edge's colour: thin, medium, heavy (a larger
// heavy line), double, dashed.
std::string edge_glyph(const LegendEntry& e) {
  std::string line, size;
  if (e.color.find(":invis:") != std::string::npos)
    line = "════";
  else if (e.style == "dashed")
    line = "╍╍╍╍";
  else if (e.penwidth >= 3)
    line = "━━━", size = "16";
  else if (e.penwidth >= 1.8)
    line = "━━━━";
  else
    line = "────";
  std::string color = e.color.substr(0, e.color.find(':'));
  std::string font =
      "<FONT COLOR=\"" + html_esc(color) + "\"" + (size.empty() ? "" : " POINT-SIZE=\"" + size + "\"") + ">";
  return font + line + "</FONT>";
}

std::string legend_cell(const LegendEntry& e) {
  std::string swatch;
  switch (e.sample) {
    case LegendEntry::Sample::Node:
      if (!e.fill.empty())
        return "<TR><TD BGCOLOR=\"" + html_esc(e.fill) +
               "\" BORDER=\"1\" FIXEDSIZE=\"TRUE\" WIDTH=\"28\" HEIGHT=\"14\"> </TD><TD ALIGN=\"LEFT\">" +
               html_esc(e.text) + "</TD></TR>";
      swatch = shape_glyph(e.shape, e.style == "double");
      break;
    case LegendEntry::Sample::Edge:
      swatch = edge_glyph(e);
      break;
    case LegendEntry::Sample::None:
      break;
  }
  return "<TR><TD ALIGN=\"CENTER\">" + swatch + "</TD><TD ALIGN=\"LEFT\">" + html_esc(e.text) + "</TD></TR>";
}

std::string title_and_legend(const GraphView& v) {
  std::string h = "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"2\">";
  std::size_t start = 0;
  bool first = true;
  while (start <= v.title.size() && !v.title.empty()) {
    std::size_t end = v.title.find('\n', start);
    std::string line = v.title.substr(start, end == std::string::npos ? std::string::npos : end - start);
    h += "<TR><TD ALIGN=\"LEFT\">" +
         (first ? "<FONT POINT-SIZE=\"16\"><B>" + html_esc(line) + "</B></FONT>" : html_esc(line)) +
         "</TD></TR>";
    first = false;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  // One column per legend group, in order of first appearance; notes span the width below.
  std::vector<std::string> groups;
  for (const auto& e : v.legend)
    if (e.group != "notes" && std::find(groups.begin(), groups.end(), e.group) == groups.end())
      groups.push_back(e.group);
  if (!groups.empty()) {
    h += "<TR><TD ALIGN=\"LEFT\"><TABLE BORDER=\"1\" COLOR=\"#bbbbbb\" CELLBORDER=\"0\" CELLSPACING=\"4\" "
         "CELLPADDING=\"1\" BGCOLOR=\"#ffffff\"><TR>";
    for (const auto& g : groups) {
      h += "<TD ALIGN=\"LEFT\" VALIGN=\"TOP\"><TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"1\" "
           "CELLPADDING=\"1\">";
      for (const auto& e : v.legend)
        if (e.group == g) h += legend_cell(e);
      h += "</TABLE></TD>";
    }
    h += "</TR>";
    for (const auto& e : v.legend)
      if (e.group == "notes")
        h += "<TR><TD ALIGN=\"LEFT\" BALIGN=\"LEFT\" COLSPAN=\"" + std::to_string(groups.size()) + "\">" +
             html_esc(wrap(e.text, 100)) + "</TD></TR>";
    h += "</TABLE></TD></TR>";
  }
  h += "</TABLE>";
  return h;
}

// ---- the view as a cgraph graph ---------------------------------------------------------------

GraphPtr build(const GraphView& v) {
  GraphPtr g(agopen(cstr("peerlab"), Agdirected, &string_disc));
  Agraph_t* root = g.get();
  // Declared explicitly so that the text does not depend on whether a gvContext() (which sets a
  // global default label) was created before.
  agattr(root, AGNODE, cstr("label"), cstr("\\N"));
  set(root, "rankdir", v.rankdir);
  set(root, "newrank", "true");
  set(root, "fontname", "Helvetica");
  set(root, "fontsize", "11");
  set(root, "labelloc", "t");
  set(root, "labeljust", "l");
  set(root, "nodesep", "0.35");
  set(root, "ranksep", "0.7");
  set(root, "pad", "0.3");
  set(root, "bgcolor", "#ffffff");
  set(root, "layout", v.layout);
  if (v.layout != "dot") {
    set(root, "overlap", "false");
    set(root, "sep", "+12");
    // Curved edges around the nodes for small pictures; straight ones for big force-directed
    // ones, where routing splines takes most of the time.
    set(root, "splines", v.layout == "sfdp" ? "false" : "true");
  }
  if (v.aggregated) set(root, "comment", "aggregated view");
  set_html(root, root, "label", title_and_legend(v));
  agattr(root, AGNODE, cstr("fontname"), cstr("Helvetica"));
  agattr(root, AGNODE, cstr("fontsize"), cstr("11"));
  agattr(root, AGEDGE, cstr("fontname"), cstr("Helvetica"));
  agattr(root, AGEDGE, cstr("fontsize"), cstr("9"));
  agattr(root, AGEDGE, cstr("arrowsize"), cstr("0.7"));

  // Clusters, parents first (the view lists them so; a missing parent puts a cluster at the top).
  std::map<std::string, Agraph_t*> subgraphs;
  for (const auto& c : v.clusters) {
    Agraph_t* parent = root;
    if (auto it = subgraphs.find(c.parent); it != subgraphs.end()) parent = it->second;
    Agraph_t* sg = agsubg(parent, cstr(c.id), 1);
    subgraphs[c.id] = sg;
    set(sg, "label", esc(c.label));
    set(sg, "style", "filled,rounded");
    set(sg, "fillcolor", c.fill.empty() ? std::string("#f7f7f7") : c.fill);
    set(sg, "color", "#b0b0b0");
    set(sg, "fontcolor", "#444444");
    set(sg, "peerlab_kind", c.kind);
  }

  std::map<std::string, Agnode_t*> nodes;
  for (const auto& n : v.nodes) {
    Agraph_t* where = root;
    if (auto it = subgraphs.find(n.cluster); it != subgraphs.end()) where = it->second;
    Agnode_t* an = agnode(where, cstr(n.id), 1);
    nodes[n.id] = an;
    set(an, "label", esc(n.label));
    set(an, "shape", n.shape);
    set(an, "style", n.style);
    if (!n.fill.empty()) set(an, "fillcolor", n.fill);
    if (n.peripheries != 1) set(an, "peripheries", std::to_string(n.peripheries));
    if (n.kind == "address") set(an, "fontcolor", "#666666");
    if (!n.tooltip.empty()) set(an, "tooltip", esc(n.tooltip));
    set(an, "peerlab_kind", n.kind);
  }
  for (const auto& e : v.edges) {
    auto from = nodes.find(e.from);
    auto to = nodes.find(e.to);
    if (from == nodes.end() || to == nodes.end()) continue;  // a view always names its nodes
    Agedge_t* ae = agedge(root, from->second, to->second, nullptr, 1);
    set(ae, "color", e.color);
    set(ae, "style", e.style);
    set(ae, "penwidth", fmt_double(e.penwidth));
    set(ae, "dir", e.dir);
    if (e.penwidth > 2.5) set(ae, "arrowsize", "0.5");
    if (!e.label.empty()) {
      // A little space between the line and its label, which dot puts right beside it.
      std::string padded = "  ";
      for (char c : e.label) padded += c == '\n' ? std::string("\n  ") : std::string(1, c);
      set(ae, "label", esc(padded));
      set(ae, "fontcolor", e.color.substr(0, e.color.find(':')));
    }
    if (!e.tooltip.empty()) {
      set(ae, "tooltip", esc(e.tooltip));
      set(ae, "labeltooltip", esc(e.tooltip));
    }
    set(ae, "peerlab_kind", e.kind);
    if (!e.state.empty()) set(ae, "peerlab_state", e.state);
    if (e.sessions != 1) set(ae, "peerlab_sessions", std::to_string(e.sessions));
  }
  return g;
}

std::string write_dot(Agraph_t* g) {
  std::string out;
  agwrite(g, &out);
  return out;
}

}  // namespace

std::string to_dot(const GraphView& view) {
  std::lock_guard lock(graphviz_mutex());
  ErrorCapture errors;
  GraphPtr g = build(view);
  return write_dot(g.get());
}

bool render(const GraphView& view, const std::string& format, std::string& out_bytes, std::string& error) {
  out_bytes.clear();
  error.clear();
  if (format == "dot" || format == "gv") {
    out_bytes = to_dot(view);
    return true;
  }
  if (format != "svg" && format != "png" && format != "pdf") {
    error = "unknown output format '" + format + "'; use svg, png, pdf or dot";
    return false;
  }
  std::lock_guard lock(graphviz_mutex());
  ErrorCapture errors;
  GVC_t* gvc = context();
  if (!gvc) {
    error = "Graphviz: cannot create a context";
    return false;
  }
  GraphPtr g = build(view);
  if (gvLayout(gvc, g.get(), view.layout.c_str()) != 0) {
    error = "Graphviz could not lay the graph out with '" + view.layout + "': " + errors.text() +
            "\n(hint: the plugin configuration /usr/lib/x86_64-linux-gnu/graphviz/config6a may be missing; "
            "reinstalling libgvc6, or running `dot -c` as root, writes it)";
    return false;
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rc = gvRenderData(gvc, g.get(), format.c_str(), &data, &length);
  if (rc == 0 && data) out_bytes.assign(data, length);
  gvFreeRenderData(data);
  gvFreeLayout(gvc, g.get());
  if (rc != 0 || out_bytes.empty()) {
    error = "Graphviz could not render " + format + ": " + errors.text();
    return false;
  }
  return true;
}

std::string format_for_file(const std::string& path) {
  auto dot = path.find_last_of('.');
  auto slash = path.find_last_of('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "svg" || ext == "png" || ext == "pdf" || ext == "dot") return ext;
  if (ext == "gv") return "dot";
  return "";
}

}  // namespace peerlab::reports
