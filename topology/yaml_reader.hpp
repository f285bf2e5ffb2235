// Reading YAML into plain structs with positions: the parse context (file name + diagnostics
// sink), a description of a node for messages, and a field-by-field mapping reader that reports
// unknown keys with a "did you mean" hint. Shared by every loader (resources, generators,
// scenarios) so that they word their errors the same way. Internal to the loaders: the model
// never sees YAML types (style.md practice 9).
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "topology/diagnostics.hpp"
#include "topology/limits.hpp"
#include "topology/util.hpp"

namespace peerlab::yaml_reader {

// Everything one parse needs: the file name for positions and the diagnostics sink.
struct Ctx {
  std::string file;
  Diagnostics& diags;

  SourceLoc loc(const YAML::Node& n) const {
    if (!n.IsDefined()) return {file, 0, 0};
    auto m = n.Mark();
    if (m.line < 0) return {file, 0, 0};
    return {file, m.line + 1, m.column + 1};
  }
  SourceLoc loc(const YAML::Mark& m) const { return {file, m.line + 1, m.column + 1}; }
  void error(const YAML::Node& at, std::string code, std::string msg, std::string hint = {}) {
    diags.error(std::move(code), loc(at), std::move(msg), std::move(hint));
  }
  void warning(const YAML::Node& at, std::string code, std::string msg, std::string hint = {}) {
    diags.warning(std::move(code), loc(at), std::move(msg), std::move(hint));
  }
};

inline std::string describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Scalar:
      return "'" + n.Scalar() + "'";
    default:
      return "nothing";
  }
}

// Reads a YAML mapping field by field, remembering which keys were read so that the rest can be
// reported as unknown.
class MapReader {
 public:
  MapReader(Ctx& ctx, const YAML::Node& node, std::string what, std::vector<std::string_view> known)
      : ctx_(ctx), node_(node), what_(std::move(what)), known_(std::move(known)) {
    if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
      ctx_.error(node_, "E102", what_ + " must be a mapping, found " + describe(node_),
                 "write it as 'key: value' lines indented under its parent");
      valid_ = false;
    }
  }
  ~MapReader() { report_unknown(); }
  MapReader(const MapReader&) = delete;
  MapReader& operator=(const MapReader&) = delete;

  bool valid() const { return valid_ && node_.IsDefined() && node_.IsMap(); }
  const YAML::Node& node() const { return node_; }

  YAML::Node get(std::string_view key) {
    if (!valid()) return YAML::Node(YAML::NodeType::Undefined);
    for (auto it = node_.begin(); it != node_.end(); ++it)
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    return YAML::Node(YAML::NodeType::Undefined);
  }

  YAML::Node require(std::string_view key, std::string_view hint = {}) {
    auto n = get(key);
    if (valid() && (!n.IsDefined() || n.IsNull()))
      ctx_.error(node_, "E103", what_ + " is missing required field '" + std::string(key) + "'",
                 std::string(hint));
    return n;
  }

  std::optional<std::string> str(std::string_view key, bool required = false, std::string_view hint = {}) {
    auto n = required ? require(key, hint) : get(key);
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    if (!n.IsScalar()) {
      ctx_.error(
          n, "E105",
          "field '" + std::string(key) + "' of " + what_ + " must be a single value, found " + describe(n));
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<bool> boolean(std::string_view key) {
    auto n = get(key);
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    if (n.IsScalar()) {
      auto v = ascii_lower(n.Scalar());
      if (v == "true") return true;
      if (v == "false") return false;
    }
    ctx_.error(
        n, "E105",
        "field '" + std::string(key) + "' of " + what_ + " must be true or false, found " + describe(n));
    return std::nullopt;
  }

 private:
  void report_unknown() {
    if (!valid()) return;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string("?");
      if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
      std::string hint;
      if (auto close = closest_match(key, known_); !close.empty())
        hint = "did you mean '" + close + "'?";
      else if (known_.empty())
        hint = what_ + " takes no fields";
      else {
        hint = "known fields: ";
        for (std::size_t i = 0; i < known_.size(); ++i) hint += (i ? ", " : "") + std::string(known_[i]);
      }
      ctx_.error(it->first, "E104", "unknown field '" + key + "' in " + what_, hint);
    }
  }

  Ctx& ctx_;
  YAML::Node node_;
  std::string what_;
  std::vector<std::string_view> known_;
  bool valid_ = true;
};

// Loads every document of `text` within the input limits (file size E401, nesting depth E402,
// YAML nodes with aliases expanded E403, all checked before yaml-cpp builds a tree, so that an
// alias bomb or an input yaml-cpp would loop on is refused) and reports a syntax error as E101
// at its position. nullopt when nothing can be read.
inline std::optional<std::vector<YAML::Node>> load_documents(std::string_view text, Ctx& ctx,
                                                             const InputLimits& limits) {
  if (!check_file_size(text.size(), limits, ctx.file, ctx.diags)) return std::nullopt;
  if (!check_yaml_shape(text, limits, ctx.file, ctx.diags)) return std::nullopt;
  try {
    return YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg;
    if (!msg.empty()) msg[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(msg[0])));
    ctx.diags.error("E101", ctx.loc(e.mark), "YAML syntax error: " + msg,
                    "check the indentation and quoting around this point");
    return std::nullopt;
  }
}

}  // namespace peerlab::yaml_reader
