#include "ir/lang/expr.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ir/support/diagnostics.h"

namespace rdc {

namespace {

struct Token {
  enum class Kind { End, Int, Duration, String, Ident, Op } kind;
  uint32_t offset;
  std::string text;
  int64_t value = 0;
};

// Splits an expression into tokens; stops at the first bad character.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  bool run(std::vector<Token>& out, ExprError* error) {
    while (true) {
      while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      uint32_t start = static_cast<uint32_t>(pos_);
      if (pos_ >= text_.size()) {
        out.push_back({Token::Kind::End, start, "", 0});
        return true;
      }
      unsigned char c = text_[pos_];
      if (std::isdigit(c)) {
        if (!number(out, error)) return false;
      } else if (std::isalpha(c) || c == '_') {
        while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
          ++pos_;
        }
        out.push_back({Token::Kind::Ident, start, std::string(text_.substr(start, pos_ - start))});
      } else if (c == '"') {
        if (!string(out, error)) return false;
      } else {
        static const char* ops[] = {"=>", "==", "!=", "<=", ">=", "&&", "||", "..", "+", "-", "*", "/", "%",
                                    "<",  ">",  "!",  "?",  ":",  "(",  ")",  "[",  "]", ",", ".", "{", "}"};
        bool found = false;
        for (const char* op : ops) {
          std::string_view sv(op);
          if (text_.substr(pos_, sv.size()) == sv) {
            out.push_back({Token::Kind::Op, start, std::string(sv)});
            pos_ += sv.size();
            found = true;
            break;
          }
        }
        if (!found) {
          *error = {"expr-syntax", start,
                    "unexpected character '" + std::string(text_.substr(pos_, characterLength(text_, pos_))) + "'"};
          return false;
        }
      }
    }
  }

 private:
  bool number(std::vector<Token>& out, ExprError* error) {
    uint32_t start = static_cast<uint32_t>(pos_);
    int64_t v = 0;
    while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, text_[pos_] - '0', &v)) {
        *error = {"bad-param", start, "integer literal too large"};
        return false;
      }
      ++pos_;
    }
    std::string_view fraction = decimalFraction(out);
    if (fraction.empty() && startsFraction(out)) {
      size_t end = pos_ + 1;
      while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
      *error = {"expr-syntax", start,
                std::string(text_.substr(start, end - start)) +
                    " is not a whole number: an Int has no fraction (a duration may: 1.5ms)"};
      return false;
    }
    size_t unitStart = pos_;
    while (pos_ < text_.size() && std::isalpha(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    std::string_view unit = text_.substr(unitStart, pos_ - unitStart);
    if (unit.empty()) {
      out.push_back({Token::Kind::Int, start, std::string(text_.substr(start, pos_ - start)), v});  // (for messages)
      return true;
    }
    int64_t scale = unit == "ns"   ? 1
                    : unit == "us" ? 1'000
                    : unit == "ms" ? 1'000'000
                    : unit == "s"  ? 1'000'000'000
                                   : 0;
    if (scale == 0) {
      *error = {"expr-syntax", start, "unknown duration unit '" + std::string(unit) + "' (use ns, us, ms or s)"};
      return false;
    }
    std::string literal(text_.substr(start, pos_ - start));
    std::optional<int64_t> fractionNs = fractionInNanoseconds(fraction, scale);
    if (!fractionNs) {
      *error = {"expr-syntax", start, "duration " + literal + " is not a whole number of nanoseconds"};
      return false;
    }
    if (__builtin_mul_overflow(v, scale, &v) || __builtin_add_overflow(v, *fractionNs, &v)) {
      *error = {"bad-param", start,
                "duration " + literal + " is too large (at most " + durationString(INT64_MAX) + ", 2^63-1 ns)"};
      return false;
    }
    out.push_back({Token::Kind::Duration, start, literal, v});
    return true;
  }

  // The digits after the decimal point of a duration such as `1.5ms`,
  // consumed only when a unit follows them, so that `1..3` stays a range and
  // `t.1.2` two tuple fields. Empty when there is none.
  std::string_view decimalFraction(const std::vector<Token>& out) {
    if (!startsFraction(out)) return {};
    size_t end = pos_ + 1;
    while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
    if (end >= text_.size() || !std::isalpha(static_cast<unsigned char>(text_[end]))) return {};
    std::string_view digits = text_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end;
    return digits;
  }

  // Whether a number just read is followed by `.DIGIT`, a fraction: not a
  // tuple's field number (`t.1.2`), nor a range (`1..3`).
  bool startsFraction(const std::vector<Token>& out) const {
    bool afterField = !out.empty() && out.back().kind == Token::Kind::Op && out.back().text == ".";
    return !afterField && pos_ + 1 < text_.size() && text_[pos_] == '.' &&
           std::isdigit(static_cast<unsigned char>(text_[pos_ + 1]));
  }

  // `0.DIGITS` units of `scale` ns in whole nanoseconds, exactly; nullopt if
  // that is not a whole number (`1.5ns`, `0.0000000001s`).
  static std::optional<int64_t> fractionInNanoseconds(std::string_view digits, int64_t scale) {
    while (!digits.empty() && digits.back() == '0') digits.remove_suffix(1);
    if (digits.size() > 9) return std::nullopt;  // its last digit is not 0: 10^10 cannot divide it times 10^9
    int64_t numerator = 0, denominator = 1;
    for (char d : digits) {
      numerator = numerator * 10 + (d - '0');
      denominator *= 10;
    }
    if (numerator * scale % denominator != 0) return std::nullopt;  // both below 10^18
    return numerator * scale / denominator;
  }

  bool string(std::vector<Token>& out, ExprError* error) {
    uint32_t start = static_cast<uint32_t>(pos_++);
    std::string bytes;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      char c = text_[pos_++];
      if (c != '\\') {
        bytes += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      uint32_t at = static_cast<uint32_t>(pos_ - 1);
      char e = text_[pos_++];
      if (e == 'x' && pos_ + 2 <= text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_])) &&
          std::isxdigit(static_cast<unsigned char>(text_[pos_ + 1]))) {
        bytes += static_cast<char>(std::stoi(std::string(text_.substr(pos_, 2)), nullptr, 16));
        pos_ += 2;
      } else if (e == 'n' || e == 't') {
        bytes += e == 'n' ? '\n' : '\t';
      } else if (e == '"' || e == '\\') {
        bytes += e;
      } else {  // (a byte it did not know was taken as itself: "\q" read as "q")
        *error = {"expr-syntax", at,
                  "unknown escape '\\" + std::string(1, e) +
                      "' in a Bytes literal (escapes: \\\", \\\\, \\n, \\t, \\xNN with two hexadecimal digits)"};
        return false;
      }
    }
    if (pos_ >= text_.size()) {
      *error = {"expr-syntax", start, "unterminated string"};
      return false;
    }
    ++pos_;
    out.push_back({Token::Kind::String, start, bytes});
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Precedence climbing over the token list.
class Parser {
 public:
  Parser(std::vector<Token> tokens, ExprError* error) : toks_(std::move(tokens)), error_(error) {}

  ExprPtr parseAll() {
    ExprPtr e = parseExpr(0);
    if (e && peek().kind != Token::Kind::End) return fail("unexpected '" + peek().text + "'");
    return e;
  }

 private:
  const Token& peek() const { return toks_[pos_]; }
  bool isOp(std::string_view op) const { return peek().kind == Token::Kind::Op && peek().text == op; }
  bool isWord(std::string_view w) const { return peek().kind == Token::Kind::Ident && peek().text == w; }
  bool eatOp(std::string_view op) {
    if (!isOp(op)) return false;
    ++pos_;
    return true;
  }
  ExprPtr fail(std::string message) {
    if (!failed_) *error_ = {"expr-syntax", peek().offset, std::move(message)};
    failed_ = true;
    return nullptr;
  }
  ExprPtr expect(std::string_view op, ExprPtr e) {
    if (!e) return nullptr;
    if (!eatOp(op)) return fail("expected '" + std::string(op) + "'");
    return e;
  }
  ExprPtr tooDeep(uint32_t offset) {
    if (!failed_) {
      *error_ = {"expr-syntax", offset,
                 "expression nested more than " + std::to_string(kMaxExprDepth) +
                     " levels deep (each operator, call, index and parenthesis is a level;"
                     " a chain `a + b + ...` of N terms is N levels)"};
    }
    failed_ = true;
    return nullptr;
  }
  // Recursion guard: `depth` counts the levels enclosing the text being parsed.
  bool tooDeepHere(int depth) {
    if (depth < static_cast<int>(kMaxExprDepth)) return false;
    tooDeep(peek().offset);
    return true;
  }
  // A node above `kids`; refused when it makes the tree too deep (a left-associative
  // chain grows the tree without recursing, so recursion depth alone cannot bound it).
  ExprPtr make(Expr::Kind kind, uint32_t offset, std::string text, std::vector<ExprPtr> kids) {
    auto e = std::make_shared<Expr>();
    e->kind = kind;
    e->offset = offset;
    e->op = opOf(kind, text, kids.size());
    e->id = nextId_++;
    e->text = std::move(text);
    for (const ExprPtr& k : kids) {
      e->height = std::max(e->height, k->height + 1);
      e->size += k->size;  // (no overflow: every node is a byte of text at least, and texts are under 4 GiB)
    }
    if (e->height > kMaxExprDepth) return tooDeep(offset);
    e->kids = std::move(kids);
    return e;
  }

  // Lowest: conditional (right-assoc), then =>, ||, &&, comparison, +-, */%, unary, postfix.
  ExprPtr parseExpr(int depth) {
    if (tooDeepHere(depth)) return nullptr;
    uint32_t offset = peek().offset;
    ExprPtr cond = parseBinary(0, depth);
    if (!cond || !eatOp("?")) return cond;
    ExprPtr yes = parseExpr(depth + 1);
    if (!yes || !eatOp(":")) return yes ? fail("expected ':' in conditional") : nullptr;
    ExprPtr no = parseExpr(depth + 1);
    if (!no) return nullptr;
    return make(Expr::Kind::Cond, offset, "?", {cond, yes, no});
  }

  ExprPtr parseQuant(int depth) {
    uint32_t offset = peek().offset;
    std::string which = toks_[pos_++].text;
    return parseBinder(std::move(which), offset, depth);
  }

  // `VARS in DOMAIN: BODY`, after `forall`, `exists` or a filter's `{`.
  ExprPtr parseBinder(std::string which, uint32_t offset, int depth) {
    std::vector<std::string> vars;
    do {
      if (peek().kind != Token::Kind::Ident) return fail("expected a variable name");
      if (isReservedWord(peek().text))
        return fail("'" + peek().text + "' is a word of the language, not a variable name");
      if (std::find(vars.begin(), vars.end(), peek().text) != vars.end())
        return fail("'" + peek().text + "' is bound twice: the variables of one binding need their own names");
      vars.push_back(toks_[pos_++].text);
    } while (eatOp(","));
    if (!isWord("in")) return fail("expected 'in' after quantified variables");
    ++pos_;
    ExprPtr domain = parseBinary(3, depth + 1);  // stops before ':'
    if (!domain) return nullptr;
    if (eatOp("..")) {
      if (isOp(":")) {  // `LO..`: the iterations of an unbounded box
        domain = make(Expr::Kind::Range, domain->offset, "..", {domain});
      } else {
        ExprPtr hi = parseBinary(3, depth + 1);
        if (!hi) return nullptr;
        domain = make(Expr::Kind::Range, domain->offset, "..", {domain, hi});
      }
      if (!domain) return nullptr;
    }
    if (!eatOp(":")) return fail("expected ':' after the quantifier's domain");
    ExprPtr body = parseExpr(depth + 1);
    if (!body) return nullptr;
    std::vector<ExprPtr> kids{domain, body};
    if (which == "maxBy" || which == "minBy") {  // then `, DEFAULT`, outside the binding
      if (!eatOp(","))
        return fail("expected ', DEFAULT' after " + which + "'s key: " + which + "(v in m: KEY, DEFAULT)");
      ExprPtr otherwise = parseExpr(depth + 1);
      if (!otherwise) return nullptr;
      kids.push_back(otherwise);
    }
    auto quant = make(Expr::Kind::Quant, offset, which, std::move(kids));
    if (!quant) return nullptr;
    auto e = std::make_shared<Expr>(*quant);
    e->vars = std::move(vars);
    return e;
  }

  // After `{`: whether a filter `{VARS in ...` follows rather than a map literal.
  bool filterAhead() const {
    size_t at = pos_;
    while (toks_[at].kind == Token::Kind::Ident && toks_[at].text != "in") {
      ++at;
      if (toks_[at].kind != Token::Kind::Op || toks_[at].text != ",") break;
      ++at;
    }
    return at > pos_ && toks_[at].kind == Token::Kind::Ident && toks_[at].text == "in";
  }

  // What a node's `text` means, looked up once here rather than at every evaluation.
  static Expr::Op opOf(Expr::Kind kind, std::string_view text, size_t arity) {
    using Op = Expr::Op;
    switch (kind) {
      case Expr::Kind::Unary:
        return text == "!" ? Op::Not : Op::Neg;
      case Expr::Kind::Binary: {
        static constexpr std::pair<std::string_view, Op> kBinary[] = {
            {"+", Op::Add}, {"-", Op::Sub},  {"*", Op::Mul}, {"/", Op::Div},     {"%", Op::Mod},
            {"==", Op::Eq}, {"!=", Op::Ne},  {"<", Op::Lt},  {"<=", Op::Le},     {">", Op::Gt},
            {">=", Op::Ge}, {"&&", Op::And}, {"||", Op::Or}, {"=>", Op::Implies}};
        for (const auto& [spelling, op] : kBinary) {
          if (text == spelling) return op;
        }
        return Op::None;
      }
      case Expr::Kind::Call:
        if (arity == 2 && text == "min") return Op::Min;
        if (arity == 2 && text == "max") return Op::Max;
        if (arity == 2 && text == "get") return Op::Get;
        if (arity == 3 && text == "get") return Op::GetEntry;
        if (arity == 1 && text == "size") return Op::Size;
        if (arity == 2 && text == "contains") return Op::Contains;
        if (arity == 2 && text == "count") return Op::Count;
        if (arity == 3 && text == "insert") return Op::Insert;
        if (arity == 2 && text == "union") return Op::Union;
        if (arity == 1 && text == "sign") return Op::Sign;
        if (arity == 1 && text == "signer") return Op::Signer;
        if (arity == 1 && text == "payload") return Op::Payload;
        if (arity == 2 && text == "signedBy") return Op::SignedBy;
        if (arity == 2 && text == "sig") return Op::SigLiteral;
        if (arity == 1 && text == "has") return Op::Has;
        if (arity == 1 && text == "correct") return Op::Correct;
        return Op::OtherCall;
      case Expr::Kind::Quant:
        if (text == "forall") return Op::Forall;
        if (text == "exists") return Op::Exists;
        if (text == "maxBy") return Op::MaxBy;
        if (text == "minBy") return Op::MinBy;
        return Op::Filter;
      default:
        return Op::None;
    }
  }

  static int precedence(const Token& t) {
    if (t.kind != Token::Kind::Op) return -1;
    const std::string& op = t.text;
    if (op == "=>") return 0;
    if (op == "||") return 1;
    if (op == "&&") return 2;
    if (op == "==" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=") return 3;
    if (op == "+" || op == "-") return 4;
    if (op == "*" || op == "/" || op == "%") return 5;
    return -1;
  }

  ExprPtr parseBinary(int minPrec, int depth) {
    if (tooDeepHere(depth)) return nullptr;
    ExprPtr lhs = parseUnary(depth);
    while (lhs) {
      int prec = precedence(peek());
      if (prec < minPrec) break;
      Token op = toks_[pos_++];
      // `=>` is right-associative; the rest are left-associative.
      ExprPtr rhs = parseBinary(op.text == "=>" ? prec : prec + 1, depth + 1);
      if (!rhs) return nullptr;
      lhs = make(Expr::Kind::Binary, op.offset, op.text, {lhs, rhs});
    }
    return lhs;
  }

  ExprPtr parseUnary(int depth) {
    if (tooDeepHere(depth)) return nullptr;
    if (isOp("-") || isOp("!")) {
      Token op = toks_[pos_++];
      ExprPtr operand = parseUnary(depth + 1);
      if (!operand) return nullptr;
      return make(Expr::Kind::Unary, op.offset, op.text, {operand});
    }
    return parsePostfix(depth);
  }

  ExprPtr parsePostfix(int depth) {
    ExprPtr e = parsePrimary(depth);
    while (e) {
      uint32_t offset = peek().offset;
      if (eatOp("[")) {
        ExprPtr index = expect("]", parseExpr(depth + 1));
        if (!index) return nullptr;
        e = make(Expr::Kind::Index, offset, "[]", {e, index});
      } else if (eatOp(".")) {
        if (peek().kind != Token::Kind::Int) return fail("expected a tuple field number after '.'");
        ExprPtr node = make(Expr::Kind::Field, offset, ".", {e});
        if (!node) return nullptr;
        auto field = std::make_shared<Expr>(*node);
        field->value = Value::integer(toks_[pos_++].value);
        e = field;
      } else {
        break;
      }
    }
    return e;
  }

  // `(e)`: the same node, one level higher, so that parentheses count towards
  // the depth as they count towards the parser's recursion.
  ExprPtr grouped(const ExprPtr& inner, uint32_t offset) {
    if (inner->height + 1 > kMaxExprDepth) return tooDeep(offset);
    auto e = std::make_shared<Expr>(*inner);
    e->height = inner->height + 1;
    return e;
  }

  ExprPtr literal(uint32_t offset, Value v) {
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::Literal;
    e->id = nextId_++;
    e->offset = offset;
    e->value = std::move(v);
    return e;
  }

  ExprPtr parsePrimary(int depth) {
    const Token t = peek();
    switch (t.kind) {
      case Token::Kind::Int:
        ++pos_;
        return literal(t.offset, Value::integer(t.value));
      case Token::Kind::Duration:
        ++pos_;
        return literal(t.offset, Value::duration(t.value));
      case Token::Kind::String: {
        ++pos_;
        return literal(t.offset, Value::ofBytes(t.text));
      }
      case Token::Kind::Ident: {
        // A quantifier's body extends as far right as possible.
        if (t.text == "forall" || t.text == "exists") return parseQuant(depth);
        ++pos_;
        if (t.text == "true" || t.text == "false") return literal(t.offset, Value::boolean(t.text == "true"));
        if (t.text == "nil") return literal(t.offset, Value::nil());
        if (eatOp("(")) {
          if ((t.text == "maxBy" || t.text == "minBy") && filterAhead()) return parseExtremeBy(t, depth);
          std::vector<ExprPtr> args;
          if (!eatOp(")")) {
            do {
              ExprPtr arg = parseExpr(depth + 1);
              if (!arg) return nullptr;
              args.push_back(arg);
            } while (eatOp(","));
            if (!eatOp(")")) return fail("expected ')' after call arguments");
          }
          return make(Expr::Kind::Call, t.offset, t.text, std::move(args));
        }
        return make(Expr::Kind::Name, t.offset, t.text, {});
      }
      case Token::Kind::Op:
        if (eatOp("{")) return parseMap(t.offset, depth);
        if (eatOp("(")) {
          if (eatOp(")")) return literal(t.offset, Value::unit());
          std::vector<ExprPtr> items;
          bool trailingComma = false;
          while (true) {
            ExprPtr item = parseExpr(depth + 1);
            if (!item) return nullptr;
            items.push_back(item);
            trailingComma = false;
            if (eatOp(")")) break;
            if (!eatOp(",")) return fail("expected ',' or ')'");
            trailingComma = true;
            if (eatOp(")")) break;
          }
          if (items.size() == 1 && !trailingComma) return grouped(items[0], t.offset);
          return make(Expr::Kind::Tuple, t.offset, "()", std::move(items));
        }
        return fail("unexpected '" + t.text + "'");
      case Token::Kind::End:
        return fail("unexpected end of expression");
    }
    return fail("unexpected token");
  }

  // After `maxBy(` or `minBy(`: `VARS in MAP: KEY, DEFAULT)`.
  ExprPtr parseExtremeBy(const Token& name, int depth) {
    ExprPtr extreme = parseBinder(name.text, name.offset, depth);
    if (!extreme) return nullptr;
    if (!isMapQuantifier(*extreme))
      return fail(name.text + " ranges over a map: " + name.text + "(v in m: KEY, DEFAULT)");
    if (!eatOp(")")) return fail("expected ')' after " + name.text + "'s default");
    return extreme;
  }

  // After `{`: `}`, `KEY: VALUE` pairs separated by commas, then `}`; or a
  // filter `VARS in MAP: CONDITION}`.
  ExprPtr parseMap(uint32_t offset, int depth) {
    if (eatOp("}")) return literal(offset, *Value::map({}));
    if (filterAhead()) {
      ExprPtr filter = parseBinder("filter", offset, depth);
      if (!filter) return nullptr;
      if (!isMapQuantifier(*filter)) return fail("a filter `{VARS in MAP: CONDITION}` ranges over a map");
      if (!eatOp("}")) return fail("expected '}' after a filter's condition");
      return filter;
    }
    std::vector<ExprPtr> kids;
    do {
      ExprPtr key = parseExpr(depth + 1);
      if (!key) return nullptr;
      if (!eatOp(":")) return fail("expected ':' after a map key");
      ExprPtr value = parseExpr(depth + 1);
      if (!value) return nullptr;
      kids.push_back(key);
      kids.push_back(value);
    } while (eatOp(","));
    if (!eatOp("}")) return fail("expected ',' or '}' in a map");
    return make(Expr::Kind::Map, offset, "{}", std::move(kids));
  }

  std::vector<Token> toks_;
  size_t pos_ = 0;
  ExprError* error_;
  bool failed_ = false;
  uint32_t nextId_ = 0;  // Expr::id; a copy of a node (a group, a quantifier's vars) keeps its id
};

// ---- evaluation ----

// Functions the language itself provides; other calls go to the host (checks' has, correct).
bool isBuiltin(const Expr& call) {
  using Op = Expr::Op;
  switch (call.op) {
    case Op::Min:
    case Op::Max:
    case Op::Get:
    case Op::GetEntry:
    case Op::Size:
    case Op::Contains:
    case Op::Count:
    case Op::Insert:
    case Op::Union:
    case Op::Sign:
    case Op::Signer:
    case Op::Payload:
    case Op::SignedBy:
    case Op::SigLiteral:
      return true;
    default:
      return false;
  }
}

bool isSignatureCall(const Expr& call) {
  using Op = Expr::Op;
  return call.op == Op::Sign || call.op == Op::Signer || call.op == Op::Payload || call.op == Op::SignedBy ||
         call.op == Op::SigLiteral;
}

constexpr const char* kSigLiteralMessage =
    "sig(i, v) spells a signed value given from outside the model (--force, --input, a faults file); "
    "a model signs with sign(v) in an Fn";

class Evaluator {
 public:
  Evaluator(NameRef lookup, ExprError* error, ExprHost* host, int64_t signer, bool sigLiterals = false)
      : lookup_(lookup), error_(error), host_(host), signer_(signer), sigLiterals_(sigLiterals) {}

  std::optional<Value> eval(const Expr& e) {
    auto v = formValue(e);
    // Shared parts make a value of 2^k parts in k steps (`(x, x)`), whose
    // comparing and printing would then never end (kMaxValueParts).
    if (v && v->parts() > kMaxValueParts)
      return fail("size-limit", e, "the value would have more than " + std::to_string(kMaxValueParts) + " parts");
    return v;
  }

  std::optional<Value> formValue(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::Literal:
        return e.value;
      case Expr::Kind::Name: {
        for (size_t b = bound_.size(); b > 0; --b) {
          if (bound_[b - 1].first == e.text) return bound_[b - 1].second;
        }
        auto v = lookup_(e);
        if (!v) return fail("unknown-name", e, "unknown name '" + e.text + "'");
        return v;
      }
      case Expr::Kind::Unary: {
        auto v = eval(*e.kids[0]);
        if (!v) return v;
        if (e.op == Expr::Op::Not) {
          if (v->kind != Value::Kind::Bool) return fail("type-mismatch", e, "'!' needs a Bool");
          return Value::boolean(!v->i);
        }
        if (v->kind != Value::Kind::Int && v->kind != Value::Kind::Duration) {
          return fail("type-mismatch", e, "'-' needs an Int or Duration");
        }
        if (v->i == INT64_MIN) return fail("overflow", e, "integer overflow");
        v->i = -v->i;
        return v;
      }
      case Expr::Kind::Binary:
        return binary(e);
      case Expr::Kind::Cond: {
        auto c = eval(*e.kids[0]);
        if (!c) return c;
        if (c->kind != Value::Kind::Bool) return fail("type-mismatch", e, "condition must be a Bool");
        return eval(*e.kids[c->i ? 1 : 2]);
      }
      case Expr::Kind::Tuple: {
        std::vector<Value> items;
        for (const ExprPtr& k : e.kids) {
          auto v = eval(*k);
          if (!v) return v;
          items.push_back(std::move(*v));
        }
        return Value::tuple(std::move(items));
      }
      case Expr::Kind::Map: {
        std::vector<std::pair<Value, Value>> entries;
        for (size_t k = 0; k < e.kids.size(); k += 2) {
          auto key = eval(*e.kids[k]);
          if (!key) return key;
          auto value = eval(*e.kids[k + 1]);
          if (!value) return value;
          entries.emplace_back(std::move(*key), std::move(*value));
        }
        auto m = Value::map(std::move(entries));
        if (!m) return fail("duplicate-key", e, "a map literal gives one key twice");
        return m;
      }
      case Expr::Kind::Field: {
        auto t = eval(*e.kids[0]);
        if (!t) return t;
        if (t->kind != Value::Kind::Tuple || e.value.i < 0 || static_cast<size_t>(e.value.i) >= t->items().size()) {
          return fail("type-mismatch", e, "no field " + std::to_string(e.value.i) + " in " + t->brief());
        }
        return t->items()[e.value.i];
      }
      case Expr::Kind::Call:
        if (host_ && !isBuiltin(e)) return host_->evalHosted(e, error_);
        return call(e);
      case Expr::Kind::Quant:
        if (isMapQuantifier(e)) return mapQuantifier(e);
        [[fallthrough]];
      case Expr::Kind::Index:
      case Expr::Kind::Range:
        if (host_) return host_->evalHosted(e, error_);
        return fail("expr-syntax", e, "indexing and quantifiers over ranges are only allowed in checks");
    }
    return std::nullopt;
  }

 private:
  // forall/exists over a map's entries (short-circuit), or the filter of
  // its entries for which the body holds. Each entry binds the variables
  // (its value, or its key and value) while the body is evaluated.
  std::optional<Value> mapQuantifier(const Expr& e) {
    auto m = eval(*e.kids[0]);
    if (!m) return m;
    if (m->kind != Value::Kind::Map)
      return fail("type-mismatch", e, "a quantifier ranges over a map, not " + m->brief());
    if (e.vars.size() > 2)
      return fail("expr-syntax", e, "a map's entries bind one variable (value) or two (key, value)");
    bool keyed = e.vars.size() == 2;
    if (e.op == Expr::Op::MaxBy || e.op == Expr::Op::MinBy) return extremeBy(e, *m, keyed);
    std::vector<std::pair<Value, Value>> kept;
    size_t mark = bound_.size();
    for (size_t k = 0; k < m->entries(); ++k) {
      bound_.resize(mark);
      if (!step(e)) return std::nullopt;
      if (keyed) bound_.emplace_back(e.vars[0], m->key(k));
      bound_.emplace_back(e.vars.back(), m->mapped(k));
      auto holds = eval(*e.kids[1]);
      if (!holds || holds->kind != Value::Kind::Bool) {
        bound_.resize(mark);
        return holds ? fail("type-mismatch", e, "a quantifier's condition must be a Bool") : holds;
      }
      if (e.op == Expr::Op::Filter) {
        if (holds->i) kept.emplace_back(m->key(k), m->mapped(k));
      } else if (static_cast<bool>(holds->i) != (e.op == Expr::Op::Forall)) {
        bound_.resize(mark);
        return Value::boolean(e.op == Expr::Op::Exists);
      }
    }
    bound_.resize(mark);
    if (e.op == Expr::Op::Filter) return *Value::map(std::move(kept));
    return Value::boolean(e.op == Expr::Op::Forall);
  }

  // One evaluation of a map quantifier's body, counted by the host, or
  // against kMaxExprSteps without one. (The variables bound so far are
  // dropped by the caller on failure.)
  bool step(const Expr& e) {
    if (host_) return host_->step(e, error_);
    steps_ += 1 + expressionSteps(*e.kids[1]);
    if (steps_ + (Value::partsCompared() - comparedBefore_) / kPartsPerStep <= kMaxExprSteps) return true;
    *error_ = {"step-limit", e.offset,
               "stopped after " + std::to_string(kMaxExprSteps) +
                   " steps (evaluations of quantifiers' bodies over maps, and comparisons of large values), the "
                   "limit for one expression"};
    return false;
  }

  // maxBy/minBy: the value of the first entry (in order of key) whose key
  // expression is largest (smallest) in the total order of values, or the
  // default when the map is empty.
  std::optional<Value> extremeBy(const Expr& e, const Value& m, bool keyed) {
    if (m.entries() == 0) return eval(*e.kids[2]);
    size_t mark = bound_.size(), best = 0;
    std::optional<Value> bestKey;
    for (size_t k = 0; k < m.entries(); ++k) {
      bound_.resize(mark);
      if (!step(e)) return std::nullopt;
      if (keyed) bound_.emplace_back(e.vars[0], m.key(k));
      bound_.emplace_back(e.vars.back(), m.mapped(k));
      auto key = eval(*e.kids[1]);
      if (!key) {
        bound_.resize(mark);
        return key;
      }
      if (!bestKey || (e.op == Expr::Op::MaxBy ? *bestKey < *key : *key < *bestKey)) {
        bestKey = std::move(key);
        best = k;
      }
    }
    bound_.resize(mark);
    return m.mapped(best);
  }

  std::optional<Value> fail(const char* code, const Expr& e, std::string message) {
    *error_ = {code, e.offset, std::move(message)};
    return std::nullopt;
  }

  std::optional<Value> call(const Expr& e) {
    if (e.op == Expr::Op::Min || e.op == Expr::Op::Max) {
      auto a = eval(*e.kids[0]);
      if (!a) return a;
      auto b = eval(*e.kids[1]);
      if (!b) return b;
      if (a->kind == Value::Kind::Map) return extremeValue(*a, std::move(*b), e.op == Expr::Op::Max);
      if (a->kind != b->kind || (a->kind != Value::Kind::Int && a->kind != Value::Kind::Duration)) {
        return fail("type-mismatch", e, e.text + " needs two Ints or two Durations");
      }
      return (e.op == Expr::Op::Min) == (a->i <= b->i) ? a : b;
    }
    if (e.op == Expr::Op::Get) {
      auto a = eval(*e.kids[0]);
      if (!a) return a;
      return a->kind == Value::Kind::Nil ? eval(*e.kids[1]) : a;
    }
    if (isSignatureCall(e)) return signatureCall(e);
    if (isBuiltin(e)) return mapCall(e);
    return fail("unknown-name", e,
                "unknown function '" + e.text + "' with " + std::to_string(e.kids.size()) + " arguments");
  }

  // sign, signer, payload, signedBy, and sig where values come from outside.
  std::optional<Value> signatureCall(const Expr& e) {
    using Op = Expr::Op;
    if (e.op == Op::Sign && signer_ == kNoSigner)
      return fail("sign-outside-domain", e, "sign(v) signs in the domain of an Fn or Filter; here there is none");
    if (e.op == Op::SigLiteral && !sigLiterals_) return fail("sig-literal", e, kSigLiteralMessage);
    std::vector<Value> args;
    for (const ExprPtr& k : e.kids) {
      auto v = eval(*k);
      if (!v) return v;
      args.push_back(std::move(*v));
    }
    if (e.op == Op::Sign) return Value::signature(signer_, std::move(args[0]));
    if (e.op == Op::SigLiteral) {
      if (args[0].kind != Value::Kind::Int || args[0].i < 0)
        return fail("type-mismatch", e, "sig(i, v) needs a domain index i >= 0, got " + args[0].brief());
      return Value::signature(args[0].i, std::move(args[1]));
    }
    const Value& s = args[0];
    if (s.kind != Value::Kind::Signed)
      return fail("type-mismatch", e, e.text + " needs a signed value, got " + s.brief());
    if (e.op == Op::Signer) return Value::integer(s.signer());
    if (e.op == Op::Payload) return s.payload();
    if (args[1].kind != Value::Kind::Int) return fail("type-mismatch", e, "signedBy(s, i) needs an Int i");
    return Value::boolean(s.signer() == args[1].i);
  }

  // The largest (or smallest) value of a map in the values' total order, or
  // `otherwise` when the map is empty.
  static Value extremeValue(const Value& m, Value otherwise, bool largest) {
    if (m.entries() == 0) return otherwise;
    const Value* best = &m.mapped(0);
    for (size_t k = 1; k < m.entries(); ++k) {
      if (largest ? *best < m.mapped(k) : m.mapped(k) < *best) best = &m.mapped(k);
    }
    return *best;
  }

  // size, contains, count, get(m, k, d), insert: the map is the first argument.
  std::optional<Value> mapCall(const Expr& e) {
    using Op = Expr::Op;
    std::vector<Value> args;
    for (const ExprPtr& k : e.kids) {
      auto v = eval(*k);
      if (!v) return v;
      args.push_back(std::move(*v));
    }
    const Value& m = args[0];
    if (m.kind != Value::Kind::Map) return fail("type-mismatch", e, e.text + " needs a map, got " + m.brief());
    switch (e.op) {
      case Op::Size:
        return Value::integer(static_cast<int64_t>(m.entries()));
      case Op::Contains:
        return Value::boolean(m.find(args[1]) != nullptr);
      case Op::Count: {
        int64_t n = 0;
        for (size_t k = 0; k < m.entries(); ++k) n += m.mapped(k) == args[1];
        return Value::integer(n);
      }
      case Op::GetEntry: {
        const Value* v = m.find(args[1]);
        return v ? *v : args[2];
      }
      case Op::Union: {  // both maps' entries; where both have a key, the second's value
        if (args[1].kind != Value::Kind::Map) return fail("type-mismatch", e, "union needs two maps");
        std::vector<std::pair<Value, Value>> entries;
        for (size_t k = 0; k < m.entries(); ++k) {
          if (!args[1].find(m.key(k))) entries.emplace_back(m.key(k), m.mapped(k));
        }
        for (size_t k = 0; k < args[1].entries(); ++k) entries.emplace_back(args[1].key(k), args[1].mapped(k));
        return *Value::map(std::move(entries));
      }
      default: {  // Insert: the map with key args[1] (re)bound to args[2]
        std::vector<std::pair<Value, Value>> entries;
        for (size_t k = 0; k < m.entries(); ++k) {
          if (m.key(k) != args[1]) entries.emplace_back(m.key(k), m.mapped(k));
        }
        entries.emplace_back(args[1], args[2]);
        return *Value::map(std::move(entries));
      }
    }
  }

  std::optional<Value> binary(const Expr& e) {
    using Op = Expr::Op;
    auto a = eval(*e.kids[0]);
    if (!a) return a;
    // Short-circuit logic: the right side is only evaluated when needed.
    if (e.op == Op::And || e.op == Op::Or || e.op == Op::Implies) {
      if (a->kind != Value::Kind::Bool) return fail("type-mismatch", e, "'" + e.text + "' needs Bools");
      if (e.op == Op::And && !a->i) return Value::boolean(false);
      if (e.op == Op::Or && a->i) return Value::boolean(true);
      if (e.op == Op::Implies && !a->i) return Value::boolean(true);
      auto b = eval(*e.kids[1]);
      if (!b) return b;
      if (b->kind != Value::Kind::Bool) return fail("type-mismatch", e, "'" + e.text + "' needs Bools");
      return b;
    }
    auto b = eval(*e.kids[1]);
    if (!b) return b;
    if (e.op == Op::Eq) return Value::boolean(*a == *b);
    if (e.op == Op::Ne) return Value::boolean(*a != *b);
    bool numeric = (a->kind == Value::Kind::Int || a->kind == Value::Kind::Duration) &&
                   (b->kind == Value::Kind::Int || b->kind == Value::Kind::Duration);
    if (!numeric) {
      return fail("type-mismatch", e, "'" + e.text + "' needs numbers, got " + a->brief() + " and " + b->brief());
    }
    if (auto why = durationMismatch(e, *a, *b)) return fail("type-mismatch", e, *why);
    Value r;
    r.kind = (a->kind == Value::Kind::Duration || b->kind == Value::Kind::Duration) ? Value::Kind::Duration
                                                                                    : Value::Kind::Int;
    bool overflow = false;
    switch (e.op) {
      case Op::Lt:
        return Value::boolean(a->i < b->i);
      case Op::Le:
        return Value::boolean(a->i <= b->i);
      case Op::Gt:
        return Value::boolean(a->i > b->i);
      case Op::Ge:
        return Value::boolean(a->i >= b->i);
      case Op::Add:
        overflow = __builtin_add_overflow(a->i, b->i, &r.i);
        break;
      case Op::Sub:
        overflow = __builtin_sub_overflow(a->i, b->i, &r.i);
        break;
      case Op::Mul:
        overflow = __builtin_mul_overflow(a->i, b->i, &r.i);
        break;
      case Op::Div:
      case Op::Mod:
        if (b->i == 0) return fail("div-zero", e, "division by zero");
        if (a->i == INT64_MIN && b->i == -1)
          overflow = true;
        else
          r.i = e.op == Op::Div ? a->i / b->i : a->i % b->i;
        break;
      default:
        break;
    }
    if (overflow) return fail("overflow", e, "integer overflow in '" + e.text + "'");
    return r;
  }

  // Why numbers `a` and `b` do not go together under `e`'s operator, by the
  // type checker's rules (TypeChecker's binary), so that a value computed
  // outside an Fn (an `at`, a check, --until) is one an Fn could compute:
  // Durations compare and add only with Durations, multiply by Ints, divide
  // by Ints.
  static std::optional<std::string> durationMismatch(const Expr& e, const Value& a, const Value& b) {
    using Op = Expr::Op;
    bool aDuration = a.kind == Value::Kind::Duration, bDuration = b.kind == Value::Kind::Duration;
    switch (e.op) {
      case Op::Mul:
        if (aDuration && bDuration) return "cannot multiply two Durations";
        return std::nullopt;
      case Op::Div:
      case Op::Mod:
        if (bDuration) return "the divisor must be an Int";
        return std::nullopt;
      case Op::Lt:
      case Op::Le:
      case Op::Gt:
      case Op::Ge:
        if (aDuration != bDuration) return "cannot compare " + a.brief() + " with " + b.brief();
        return std::nullopt;
      default:
        if (aDuration != bDuration)
          return "cannot apply '" + e.text + "' to " + a.brief() + " and " + b.brief() +
                 " (a Duration adds only to a Duration)";
        return std::nullopt;
    }
  }

  NameRef lookup_;
  ExprError* error_;
  ExprHost* host_;
  /// The variables of the map quantifiers being evaluated, innermost last;
  /// they hide names the lookup knows.
  std::vector<std::pair<std::string_view, Value>> bound_;
  int64_t signer_;      // the domain sign(v) signs with; kNoSigner outside any
  bool sigLiterals_;    // whether sig(i, v) may spell a signed value (values from outside)
  uint64_t steps_ = 0;  // map quantifiers' body evaluations, without a host (kMaxExprSteps)
  uint64_t comparedBefore_ = Value::partsCompared();  // when the evaluation began (kPartsPerStep)
};

// ---- types ----

constexpr TypeId kNilType = UINT32_MAX;  // the type of a bare `nil`, before joining
// The type of a bare `{}` before joining: the other branch of a
// conditional, the other side of `==`, or union's other map gives it one.
constexpr TypeId kEmptyMapType = UINT32_MAX - 1;

class TypeChecker {
 public:
  TypeChecker(const TypeLookup& lookup, TypeTable& types, ExprError* error, TypeHost* host, bool inDomain)
      : lookup_(lookup), types_(types), error_(error), host_(host), inDomain_(inDomain) {}

  std::optional<TypeId> check(const Expr& e) {
    auto t = type(e);
    if (t && *t == kNilType) return fail(e, "a bare nil has no type");
    if (t && *t == kEmptyMapType) {
      return fail(e,
                  "an empty map `{}` has no type here: give it one from a typed map (`cond ? m : {}`, "
                  "`m == {}`) or insert into a typed map instead");
    }
    return t;
  }

  std::optional<TypeId> type(const Expr& e) {
    auto t = formType(e);
    // No line may have such a type (TypeTable::kMaxParts), nor may any part
    // of one: refused here, before a chain of `(x, x)` doubles it further
    // (a bare nil's and {}'s placeholder types are not in the table).
    if (t && *t < types_.size() && types_.parts(*t) > TypeTable::kMaxParts)
      return fail(e, "the type of this expression has more than " + std::to_string(TypeTable::kMaxParts) + " parts");
    return t;
  }

  std::optional<TypeId> formType(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::Literal:
        return literalType(e.value);
      case Expr::Kind::Name: {
        for (size_t b = bound_.size(); b > 0; --b) {
          if (bound_[b - 1].first == e.text) return bound_[b - 1].second;
        }
        auto t = lookup_(e.text);
        if (!t) {
          *error_ = {"unknown-name", e.offset, "unknown name '" + e.text + "'"};
          return std::nullopt;
        }
        return t;
      }
      case Expr::Kind::Unary: {
        auto t = type(*e.kids[0]);
        if (!t) return t;
        if (e.op == Expr::Op::Not) return expect(*e.kids[0], *t, TypeTable::kBool);
        if (*t != TypeTable::kInt && *t != TypeTable::kDuration) return fail(e, "'-' needs an Int or Duration");
        return t;
      }
      case Expr::Kind::Binary:
        return binary(e);
      case Expr::Kind::Cond: {
        auto c = type(*e.kids[0]);
        if (!c || !expect(*e.kids[0], *c, TypeTable::kBool)) return std::nullopt;
        auto a = type(*e.kids[1]);
        if (!a) return a;
        auto b = type(*e.kids[2]);
        if (!b) return b;
        auto j = join(*a, *b);
        if (!j) return fail(e, "branches have different types " + show(*a) + " and " + show(*b));
        return j;
      }
      case Expr::Kind::Tuple: {
        std::vector<TypeId> parts;
        for (const ExprPtr& k : e.kids) {
          auto t = check(*k);
          if (!t) return t;
          parts.push_back(*t);
        }
        return types_.tuple(std::move(parts));
      }
      case Expr::Kind::Map: {
        std::optional<TypeId> key, value;
        for (size_t k = 0; k < e.kids.size(); k += 2) {
          auto kt = check(*e.kids[k]);
          if (!kt) return kt;
          auto vt = type(*e.kids[k + 1]);
          if (!vt) return vt;
          if (key && *kt != *key) return fail(*e.kids[k], "map keys of types " + show(*key) + " and " + show(*kt));
          auto joined = value ? join(*value, *vt) : vt;
          if (!joined) return fail(*e.kids[k + 1], "map values of types " + show(*value) + " and " + show(*vt));
          key = kt, value = joined;
        }
        if (*value == kNilType || *value == kEmptyMapType) return fail(e, "a map of bare nils or {} has no type");
        return types_.map(*key, *value);
      }
      case Expr::Kind::Field: {
        auto t = check(*e.kids[0]);
        if (!t) return t;
        const TypeNode& n = types_.node(*t);
        if (n.kind != TypeKind::Tuple || e.value.i < 0 || static_cast<size_t>(e.value.i) >= n.parts.size()) {
          return fail(e, "no field " + std::to_string(e.value.i) + " in " + show(*t));
        }
        return n.parts[e.value.i];
      }
      case Expr::Kind::Call: {
        if (e.op == Expr::Op::Min || e.op == Expr::Op::Max) {
          auto a = check(*e.kids[0]);
          if (a && types_.node(*a).kind == TypeKind::Map) return mapCall(e, *a);
          auto b = a ? check(*e.kids[1]) : std::nullopt;
          if (!b) return std::nullopt;
          if (*a != *b || (*a != TypeTable::kInt && *a != TypeTable::kDuration)) {
            return fail(e, e.text + " needs two Ints or two Durations");
          }
          return a;
        }
        if (e.op == Expr::Op::Get) {
          // get(x, d): the value of an Opt<T> x, or d (a T) when x is nil.
          auto a = type(*e.kids[0]);
          auto b = a ? check(*e.kids[1]) : std::nullopt;
          if (!b) return std::nullopt;
          const TypeNode& n = types_.node(*b);
          if (*a == kNilType) return b;
          if (n.kind == TypeKind::Opt) return fail(e, "get's default must not be an Opt");
          if (*a != *b && types_.opt(*b) != *a)
            return fail(e, "get needs an Opt<T> and a T, got " + show(*a) + " and " + show(*b));
          return b;
        }
        if (isSignatureCall(e)) return signatureCall(e);
        if (isBuiltin(e)) {
          auto m = check(*e.kids[0]);
          if (!m) return m;
          if (types_.node(*m).kind != TypeKind::Map) return fail(e, e.text + " needs a map, got " + show(*m));
          return mapCall(e, *m);
        }
        if (host_) return host_->typeOfHosted(e, error_);
        *error_ = {"unknown-name", e.offset, "unknown function '" + e.text + "'"};
        return std::nullopt;
      }
      case Expr::Kind::Quant:
        if (isMapQuantifier(e)) return mapQuantifier(e);
        [[fallthrough]];
      case Expr::Kind::Index:
      case Expr::Kind::Range:
        if (host_) return host_->typeOfHosted(e, error_);
        *error_ = {"expr-syntax", e.offset, "indexing and quantifiers over ranges are only allowed in checks"};
        return std::nullopt;
    }
    return std::nullopt;
  }

  // forall/exists over a map: Bool; a filter: the map's type.
  std::optional<TypeId> mapQuantifier(const Expr& e) {
    auto m = check(*e.kids[0]);
    if (!m) return m;
    if (types_.node(*m).kind != TypeKind::Map) return fail(e, "a quantifier ranges over a map, not " + show(*m));
    if (e.vars.size() > 2) {
      *error_ = {"expr-syntax", e.offset, "a map's entries bind one variable (value) or two (key, value)"};
      return std::nullopt;
    }
    size_t mark = bound_.size();
    if (e.vars.size() == 2) bound_.emplace_back(e.vars[0], types_.node(*m).parts[0]);
    bound_.emplace_back(e.vars.back(), types_.node(*m).parts[1]);
    auto body = check(*e.kids[1]);
    bound_.resize(mark);
    if (!body) return std::nullopt;
    if (e.op == Expr::Op::MaxBy || e.op == Expr::Op::MinBy) return extremeByDefault(e, types_.node(*m).parts[1]);
    if (!expect(*e.kids[1], *body, TypeTable::kBool)) return std::nullopt;
    return e.op == Expr::Op::Filter ? *m : TypeTable::kBool;
  }

  // maxBy/minBy: any key (values are totally ordered); the default is a
  // value of the map (or nil, for a map of Opt values).
  std::optional<TypeId> extremeByDefault(const Expr& e, TypeId value) {
    auto otherwise = check(*e.kids[2]);
    if (!otherwise) return otherwise;
    bool fits = *otherwise == value || (*otherwise == kNilType && types_.node(value).kind == TypeKind::Opt) ||
                (types_.node(value).kind == TypeKind::Opt && types_.node(value).parts[0] == *otherwise);
    if (!fits) return fail(*e.kids[2], e.text + "'s default must be a " + show(value) + ", got " + show(*otherwise));
    return value;
  }

 private:
  std::string show(TypeId t) const { return t == kNilType ? "nil" : t == kEmptyMapType ? "{}" : types_.name(t); }

  std::optional<TypeId> fail(const Expr& e, std::string message) {
    *error_ = {"type-mismatch", e.offset, std::move(message)};
    return std::nullopt;
  }
  std::optional<TypeId> expect(const Expr& e, TypeId got, TypeId want) {
    if (got != want) return fail(e, "expected " + show(want) + ", got " + show(got));
    return got;
  }

  std::optional<TypeId> literalType(const Value& v) {
    if (v.kind == Value::Kind::Nil) return kNilType;
    if (v.kind == Value::Kind::Map && v.entries() == 0) return kEmptyMapType;
    auto t = typeOfValue(v, types_);
    if (!t) *error_ = {"type-mismatch", 0, "an empty map `{}` has no type here; insert into a typed map instead"};
    return t;
  }

  // The calls on a map `m` of type Map<K, V>: each argument after m must be
  // a K or a V as the call says.
  std::optional<TypeId> mapCall(const Expr& e, TypeId m) {
    using Op = Expr::Op;
    TypeId key = types_.node(m).parts[0], value = types_.node(m).parts[1];
    auto argument = [&](size_t k, TypeId want) -> bool {
      auto t = type(*e.kids[k]);
      if (!t) return false;
      if (*t == want || (*t == kNilType && types_.node(want).kind == TypeKind::Opt)) return true;
      if (*t == kEmptyMapType && types_.node(want).kind == TypeKind::Map) return true;
      if (types_.node(want).kind == TypeKind::Opt && types_.node(want).parts[0] == *t) return true;
      fail(*e.kids[k],
           e.text + "'s argument " + std::to_string(k + 1) + " must be a " + show(want) + ", got " + show(*t));
      return false;
    };
    switch (e.op) {
      case Op::Size:
        return TypeTable::kInt;
      case Op::Contains:
        return argument(1, key) ? std::optional<TypeId>(TypeTable::kBool) : std::nullopt;
      case Op::Count:
        return argument(1, value) ? std::optional<TypeId>(TypeTable::kInt) : std::nullopt;
      case Op::GetEntry:
        return argument(1, key) && argument(2, value) ? std::optional<TypeId>(value) : std::nullopt;
      case Op::Insert:
        return argument(1, key) && argument(2, value) ? std::optional<TypeId>(m) : std::nullopt;
      case Op::Union:
        return argument(1, m) ? std::optional<TypeId>(m) : std::nullopt;
      default:  // min(m, d), max(m, d)
        return argument(1, value) ? std::optional<TypeId>(value) : std::nullopt;
    }
  }

  // sign(v): Signed<T>; signer(s): Int; payload(s): T; signedBy(s, i): Bool.
  std::optional<TypeId> signatureCall(const Expr& e) {
    using Op = Expr::Op;
    if (e.op == Op::Sign && !inDomain_) {
      *error_ = {"sign-outside-domain", e.offset,
                 "sign(v) signs in the domain of an Fn or Filter; a const or a check has none"};
      return std::nullopt;
    }
    if (e.op == Op::SigLiteral) {
      *error_ = {"sig-literal", e.offset, kSigLiteralMessage};
      return std::nullopt;
    }
    auto a = check(*e.kids[0]);
    if (!a) return a;
    if (e.op == Op::Sign) return types_.signedOf(*a);
    if (types_.node(*a).kind != TypeKind::Signed) return fail(e, e.text + " needs a Signed<T>, got " + show(*a));
    if (e.op == Op::Signer) return TypeTable::kInt;
    if (e.op == Op::Payload) return types_.node(*a).parts[0];
    auto i = check(*e.kids[1]);
    if (!i || !expect(*e.kids[1], *i, TypeTable::kInt)) return std::nullopt;
    return TypeTable::kBool;
  }

  // The common type of two branches: equal types, or T with nil / Opt<T>.
  std::optional<TypeId> join(TypeId a, TypeId b) {
    if (a == b) return a;
    auto optOf = [&](TypeId t) { return types_.node(t).kind == TypeKind::Opt ? t : types_.opt(t); };
    if (a == kEmptyMapType && b != kNilType && types_.node(b).kind == TypeKind::Map) return b;
    if (b == kEmptyMapType && a != kNilType && types_.node(a).kind == TypeKind::Map) return a;
    if (a == kEmptyMapType || b == kEmptyMapType) return std::nullopt;
    if (a == kNilType) return optOf(b);
    if (b == kNilType) return optOf(a);
    if (types_.node(a).kind == TypeKind::Opt && types_.node(a).parts[0] == b) return a;
    if (types_.node(b).kind == TypeKind::Opt && types_.node(b).parts[0] == a) return b;
    return std::nullopt;
  }

  std::optional<TypeId> binary(const Expr& e) {
    using Op = Expr::Op;
    auto a = type(*e.kids[0]);
    if (!a) return a;
    auto b = type(*e.kids[1]);
    if (!b) return b;
    if (e.op == Op::And || e.op == Op::Or || e.op == Op::Implies) {
      if (!expect(*e.kids[0], *a, TypeTable::kBool) || !expect(*e.kids[1], *b, TypeTable::kBool)) return std::nullopt;
      return TypeTable::kBool;
    }
    if (e.op == Op::Eq || e.op == Op::Ne) {
      if (!join(*a, *b)) return fail(e, "cannot compare " + show(*a) + " with " + show(*b));
      return TypeTable::kBool;
    }
    bool aNum = *a == TypeTable::kInt || *a == TypeTable::kDuration;
    bool bNum = *b == TypeTable::kInt || *b == TypeTable::kDuration;
    if (!aNum || !bNum) return fail(e, "'" + e.text + "' needs numbers, got " + show(*a) + " and " + show(*b));
    if (e.op == Op::Lt || e.op == Op::Le || e.op == Op::Gt || e.op == Op::Ge) {
      if (*a != *b) return fail(e, "cannot compare " + show(*a) + " with " + show(*b));
      return TypeTable::kBool;
    }
    if (e.op == Op::Mul) {
      if (*a == TypeTable::kDuration && *b == TypeTable::kDuration) return fail(e, "cannot multiply two Durations");
      return *a == TypeTable::kDuration || *b == TypeTable::kDuration ? TypeTable::kDuration : TypeTable::kInt;
    }
    if (e.op == Op::Div || e.op == Op::Mod) {
      if (*b != TypeTable::kInt) return fail(e, "the divisor must be an Int");
      return *a;
    }
    if (*a != *b) return fail(e, "cannot apply '" + e.text + "' to " + show(*a) + " and " + show(*b));
    return a;
  }

  const TypeLookup& lookup_;
  TypeTable& types_;
  ExprError* error_;
  TypeHost* host_;
  bool inDomain_;  // whether sign(v) has a domain to sign in
  /// The variables of the map quantifiers being typed, innermost last.
  std::vector<std::pair<std::string_view, TypeId>> bound_;
};

void collectNames(const Expr& e, std::vector<std::string>& bound, std::vector<std::string>& out) {
  if (e.kind == Expr::Kind::Name) {
    bool isBound = std::find(bound.begin(), bound.end(), e.text) != bound.end();
    if (!isBound && std::find(out.begin(), out.end(), e.text) == out.end()) out.push_back(e.text);
    return;
  }
  if (e.kind == Expr::Kind::Quant) {
    collectNames(*e.kids[0], bound, out);
    size_t mark = bound.size();
    bound.insert(bound.end(), e.vars.begin(), e.vars.end());
    collectNames(*e.kids[1], bound, out);
    bound.resize(mark);
    if (e.kids.size() > 2) collectNames(*e.kids[2], bound, out);  // maxBy's default
    return;
  }
  for (const ExprPtr& k : e.kids) collectNames(*k, bound, out);
}

}  // namespace

bool isReservedWord(std::string_view name) {
  for (std::string_view word : {"nil", "true", "false", "forall", "exists", "in"}) {
    if (name == word) return true;
  }
  return false;
}

ExprPtr parseExpr(std::string_view text, ExprError* error) {
  std::vector<Token> tokens;
  if (!Lexer(text).run(tokens, error)) return nullptr;
  return Parser(std::move(tokens), error).parseAll();
}

std::optional<Value> evalExpr(const Expr& expr, NameRef lookup, ExprError* error, ExprHost* host, int64_t signer) {
  return Evaluator(lookup, error, host, signer).eval(expr);
}

std::optional<int64_t> evalInt(const Expr& expr, NameRef lookup, ExprError* error) {
  auto v = evalExpr(expr, lookup, error);
  if (!v) return std::nullopt;
  if (v->kind != Value::Kind::Int) {
    *error = {"type-mismatch", expr.offset, "expected an integer, got " + v->brief()};
    return std::nullopt;
  }
  return v->i;
}

std::optional<TypeId> typeOfExpr(const Expr& expr, const TypeLookup& lookup, TypeTable& types, ExprError* error,
                                 TypeHost* host, bool inDomain) {
  return TypeChecker(lookup, types, error, host, inDomain).check(expr);
}

bool isMapQuantifier(const Expr& e) {
  if (e.kind != Expr::Kind::Quant) return false;
  const Expr& domain = *e.kids[0];
  return domain.kind != Expr::Kind::Range && domain.op != Expr::Op::Correct;
}

bool isIterationCheck(const Expr& e) {
  return e.kind == Expr::Kind::Quant && e.op == Expr::Op::Forall && e.vars.size() == 1 &&
         e.kids[0]->kind == Expr::Kind::Range && e.kids[0]->kids.size() == 1;
}

std::vector<std::string> freeNames(const Expr& expr) {
  std::vector<std::string> bound, out;
  collectNames(expr, bound, out);
  return out;
}

std::optional<Value> parseValue(std::string_view text, ExprError* error) {
  // The commonest value (what nodes send each other) without a parse:
  // digits, perhaps after a minus, that fit an Int. This also reads back
  // the smallest Int as it is printed, which as an expression is the
  // negation of a literal too large.
  if (!text.empty() && text.size() <= 20 && text.back() >= '0' && text.back() <= '9') {
    int64_t i = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec == std::errc() && end == text.data() + text.size() && text.front() != '+' &&
        (text.size() == 1 || (text[0] != '0' && (text[0] != '-' || text[1] != '0'))))
      return Value::integer(i);
  }
  ExprPtr e = parseExpr(text, error);
  if (!e) return std::nullopt;
  auto none = [](std::string_view) -> std::optional<Value> { return std::nullopt; };
  return Evaluator(none, error, nullptr, kNoSigner, /*sigLiterals=*/true).eval(*e);
}

std::optional<int64_t> parseDuration(std::string_view text, std::string* error) {
  ExprError e;
  auto v = parseValue(text, &e);
  if (v && v->kind == Value::Kind::Duration && v->i >= 0) return v->i;
  std::string why = !v ? e.message : v->kind != Value::Kind::Duration ? "not a duration" : "negative";
  *error = "expected a duration in 0ns.." + durationString(INT64_MAX) + " such as 5ms, got '" + std::string(text) +
           "' (" + why + ")";
  return std::nullopt;
}

}  // namespace rdc
