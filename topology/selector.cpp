// A recursive-descent parser for Calico's selector syntax (see selector.hpp).
#include "topology/selector.hpp"

#include <cctype>

namespace peerlab {

struct Selector::Expr {
  enum Op { All, Has, Eq, Ne, In, NotIn, Not, And, Or } op = All;
  std::string key;
  std::vector<std::string> values;
  std::shared_ptr<const Expr> a, b;
};

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  std::shared_ptr<const Selector::Expr> parse_all(std::string& error) {
    auto e = parse_or();
    skip();
    if (error_.empty() && pos_ != s_.size()) fail("unexpected '" + std::string(s_.substr(pos_, 1)) + "'");
    error = error_;
    return error_.empty() ? e : nullptr;
  }

 private:
  using E = Selector::Expr;
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool eat(std::string_view tok) {
    skip();
    if (s_.substr(pos_, tok.size()) == tok) {
      pos_ += tok.size();
      return true;
    }
    return false;
  }
  void fail(std::string msg) {
    if (error_.empty()) error_ = msg + " at position " + std::to_string(pos_ + 1);
  }
  std::string ident() {
    skip();
    std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_' ||
                                s_[pos_] == '-' || s_[pos_] == '.' || s_[pos_] == '/'))
      ++pos_;
    if (start == pos_) fail("expected a label name");
    return std::string(s_.substr(start, pos_ - start));
  }
  std::string quoted() {
    skip();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) {
      fail("expected a quoted value");
      return {};
    }
    char q = s_[pos_++];
    auto end = s_.find(q, pos_);
    if (end == std::string_view::npos) {
      fail("unterminated string");
      pos_ = s_.size();
      return {};
    }
    std::string v(s_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return v;
  }
  std::vector<std::string> value_set() {
    std::vector<std::string> out;
    if (!eat("{")) {
      fail("expected '{'");
      return out;
    }
    if (eat("}")) return out;
    do out.push_back(quoted());
    while (error_.empty() && eat(","));
    if (!eat("}")) fail("expected '}'");
    return out;
  }
  std::shared_ptr<const E> make(E::Op op, std::shared_ptr<const E> a = nullptr, std::shared_ptr<const E> b = nullptr) {
    auto e = std::make_shared<E>();
    e->op = op;
    e->a = std::move(a);
    e->b = std::move(b);
    return e;
  }
  std::shared_ptr<const E> parse_or() {
    auto left = parse_and();
    while (error_.empty() && eat("||")) left = make(E::Or, left, parse_and());
    return left;
  }
  std::shared_ptr<const E> parse_and() {
    auto left = parse_unary();
    while (error_.empty() && eat("&&")) left = make(E::And, left, parse_unary());
    return left;
  }
  std::shared_ptr<const E> parse_unary() {
    if (depth_ > 64) {
      fail("selector is nested too deeply");
      return make(E::All);
    }
    if (eat("!")) {
      ++depth_;
      auto inner = parse_unary();
      --depth_;
      return make(E::Not, inner);
    }
    if (eat("(")) {
      ++depth_;
      auto inner = parse_or();
      --depth_;
      if (!eat(")")) fail("expected ')'");
      return inner;
    }
    if (eat("all()")) return make(E::All);
    if (eat("has(")) {
      auto e = std::make_shared<E>();
      e->op = E::Has;
      e->key = ident();
      if (!eat(")")) fail("expected ')'");
      return e;
    }
    auto e = std::make_shared<E>();
    e->key = ident();
    if (!error_.empty()) return e;
    if (eat("==")) {
      e->op = E::Eq;
      e->values.push_back(quoted());
    } else if (eat("!=")) {
      e->op = E::Ne;
      e->values.push_back(quoted());
    } else if (eat("not in")) {
      e->op = E::NotIn;
      e->values = value_set();
    } else if (eat("in")) {
      e->op = E::In;
      e->values = value_set();
    } else {
      fail("expected ==, !=, in or not in after '" + e->key + "'");
    }
    return e;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;
};

bool eval(const Selector::Expr& e, const std::map<std::string, std::string>& labels) {
  using E = Selector::Expr;
  auto value = [&]() -> const std::string* {
    auto it = labels.find(e.key);
    return it == labels.end() ? nullptr : &it->second;
  };
  switch (e.op) {
    case E::All:
      return true;
    case E::Has:
      return value() != nullptr;
    case E::Eq:
      return value() && *value() == e.values[0];
    case E::Ne:
      return !value() || *value() != e.values[0];
    case E::In:
      if (!value()) return false;
      for (const auto& v : e.values)
        if (v == *value()) return true;
      return false;
    case E::NotIn:
      if (!value()) return true;
      for (const auto& v : e.values)
        if (v == *value()) return false;
      return true;
    case E::Not:
      return !eval(*e.a, labels);
    case E::And:
      return eval(*e.a, labels) && eval(*e.b, labels);
    case E::Or:
      return eval(*e.a, labels) || eval(*e.b, labels);
  }
  return false;
}

}  // namespace

Selector Selector::parse(std::string_view text) {
  Selector s;
  Parser p(text);
  s.root_ = p.parse_all(s.error_);
  return s;
}

bool Selector::matches(const std::map<std::string, std::string>& labels) const {
  return root_ && eval(*root_, labels);
}

std::string selector_error(std::string_view text) { return Selector::parse(text).error(); }

}  // namespace peerlab
