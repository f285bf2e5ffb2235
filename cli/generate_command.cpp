// generate / expand: thin wrappers over topology/generators.hpp. Every generator model is a
// subcommand of `generate` whose options are the model's parameters, named as in the generator
// document (--nodesPerRack) and in kebab case (--nodes-per-rack); `--set key=value` takes any of
// them, so that a parameter can be copied from a document as it is written there.
#include "cli/generate_command.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

#include "cli/limit_options.hpp"
#include "topology/generators.hpp"
#include "topology/resources.hpp"

namespace peerlab::cli {

namespace {

struct ModelCommand {
  std::string model;
  CLI::App* cmd = nullptr;
  std::map<std::string, std::string> values;                  // parameter -> value given
  std::vector<std::pair<std::string, CLI::Option*>> options;  // parameter -> its option
  std::vector<std::string> sets;                              // --set KEY=VALUE
};

struct State {
  CLI::App* generate = nullptr;
  CLI::App* expand = nullptr;
  std::deque<ModelCommand> models;  // a deque: CLI11 keeps references into its elements
  std::string file;
};

State& state() {
  static State s;
  return s;
}

// nodesPerRack -> nodes-per-rack, nodeCIDR -> node-cidr, ipv6NodeCIDR -> ipv6-node-cidr.
std::string kebab_case(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c) && i > 0 &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) ||
         std::isdigit(static_cast<unsigned char>(name[i - 1]))))
      out += '-';
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

// What the option takes, for --help: N, CIDR, ASN, or WORD (the description lists the choices).
std::string value_name(const GeneratorParam& p) {
  const auto ends_with = [&](std::string_view suffix) {
    return p.name.size() >= suffix.size() &&
           p.name.compare(p.name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("CIDR")) return "CIDR";
  if (ends_with("AsNumber") || p.name == "asNumber") return "ASN";
  if (!p.default_value.empty() && p.default_value.find_first_not_of("0123456789") == std::string::npos)
    return "N";
  return "WORD";
}

bool is_marker(std::string_view line, std::string_view marker) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line.substr(0, 3) == marker && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
}

void print_errors(const Diagnostics& diags, const char* what, std::ostream& err) {
  err << diags.to_string();
  const std::size_t n = diags.error_count();
  err << n << (n == 1 ? " error" : " errors") << "; nothing was " << what << "\n";
}

int run_generate(ModelCommand& mc) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const auto& [name, option] : mc.options)
    if (option->count() > 0) params.emplace_back(name, mc.values[name]);
  for (const auto& s : mc.sets) {
    const auto eq = s.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "error: --set '" << s << "' is not KEY=VALUE\n  hint: e.g. --set nodes=50\n";
      return 2;
    }
    params.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  Diagnostics diags;
  auto resources = generate(mc.model, params, diags);
  if (diags.has_errors()) {
    print_errors(diags, "generated", std::cerr);
    return 2;
  }
  std::cerr << diags.to_string();
  std::cout << save_resources(resources);
  return 0;
}

}  // namespace

void register_generate_commands(CLI::App& app) {
  State& st = state();
  st.models.clear();
  st.file.clear();
  st.generate = app.add_subcommand("generate",
                                   "Expand a design (full mesh, route reflectors, AS per rack, AS per "
                                   "compute server) into a peerlab file");
  st.generate->require_subcommand(1);
  st.generate->footer(
      "Each model takes the parameters of its generator document as options (--nodesPerRack or "
      "--nodes-per-rack)\n"
      "or as --set KEY=VALUE. The file goes to stdout; see docs/generators.md.");
  for (const auto& m : generator_models()) {
    ModelCommand& mc = st.models.emplace_back();
    mc.model = m.name;
    mc.cmd = st.generate->add_subcommand(m.name, m.summary + " (kind " + m.kind + ")");
    for (const auto& p : generator_params(m.name)) {
      std::string& slot = mc.values[p.name];
      std::string names = "--" + p.name;
      if (const auto k = kebab_case(p.name); k != p.name) names += ",--" + k;
      const std::string desc =
          p.description + (p.default_value.empty() ? "" : " [default: " + p.default_value + "]");
      CLI::Option* o = p.default_value == "false" || p.default_value == "true"
                           ? mc.cmd->add_flag(names, slot, desc)
                           : mc.cmd->add_option(names, slot, desc)->type_name(value_name(p));
      mc.options.emplace_back(p.name, o);
    }
    mc.cmd->add_option("--set", mc.sets, "a parameter as KEY=VALUE, named as in the generator document")
        ->type_name("KEY=VALUE");
  }
  st.expand = app.add_subcommand("expand", "Print a peerlab file with its generator documents expanded");
  st.expand->add_option("file", st.file, "a peerlab file; - reads stdin")->required();
  add_limit_options(st.expand);
}

int run_generate_command(CLI::App& app) {
  (void)app;
  State& st = state();
  if (st.expand && *st.expand) {
    Diagnostics diags;
    auto text = read_input(st.file, input_limits(), diags);
    if (!text) {
      print_errors(diags, "expanded", std::cerr);
      return diags.items().front().code == "E001" ? 2 : 1;
    }
    return expand_text(*text, st.file == "-" ? "<stdin>" : st.file, std::cout, std::cerr, input_limits());
  }
  if (!st.generate || !*st.generate) return -1;
  for (auto& mc : st.models)
    if (*mc.cmd) return run_generate(mc);
  return -1;  // not reached: generate requires a model
}

int expand_text(const std::string& text, const std::string& filename, std::ostream& out, std::ostream& err,
                const InputLimits& limits) {
  {
    Diagnostics diags;
    if (!check_file_size(text.size(), limits, filename, diags) ||
        !check_yaml_shape(text, limits, filename, diags)) {
      print_errors(diags, "expanded", err);
      return 1;
    }
  }
  // The generator documents are expanded here; the other documents are read by parse_resources
  // from a copy of the text in which the generator documents are blank lines, so that every
  // position stays what it is in the file.
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception&) {
    docs.clear();  // parse_resources reports the syntax error below
  }
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  struct Generator {
    int line;  // 0-based line of the document's first field
    YAML::Node doc;
  };
  std::vector<Generator> generators;
  for (const auto& d : docs) {
    if (!d.IsMap()) continue;
    const auto api = d["apiVersion"], kind = d["kind"];
    if (!api.IsDefined() || !api.IsScalar() || api.Scalar() != "peerlab/v1" || !kind.IsDefined() ||
        !kind.IsScalar() || !is_generator_kind(kind.Scalar()))
      continue;
    const int first = d.Mark().line;
    if (first < 0) continue;
    generators.push_back({first, d});
    for (std::size_t i = static_cast<std::size_t>(first); i < lines.size(); ++i) {
      if (i > static_cast<std::size_t>(first) && (is_marker(lines[i], "---") || is_marker(lines[i], "...")))
        break;
      lines[i] = is_marker(lines[i], "---") ? "---" : "";
    }
  }
  std::string masked;
  for (const auto& l : lines) masked += l + "\n";
  auto parsed = parse_resources(generators.empty() ? text : masked, filename, limits);
  Diagnostics diags = parsed.diagnostics;
  std::vector<Resource> all;
  std::size_t next = 0;
  auto expand_before = [&](int line) {
    for (; next < generators.size() && generators[next].line + 1 <= line; ++next)
      expand_generator_document(generators[next].doc, filename, diags, all);
  };
  for (auto& r : parsed.resources) {
    expand_before(location(r).line);
    all.push_back(std::move(r));
  }
  expand_before(INT_MAX);
  if (diags.has_errors()) {
    print_errors(diags, "expanded", err);
    return 1;
  }
  err << diags.to_string();
  out << save_resources(all);
  return 0;
}

}  // namespace peerlab::cli
