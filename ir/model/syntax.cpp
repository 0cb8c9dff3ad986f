#include "ir/model/syntax.h"

#include <cctype>

namespace rdc::syntax {

namespace {

bool isSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }
bool isIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A view with its position; trimming and slicing keep the column right.
struct Span {
  std::string_view text;
  Pos pos;

  Span trimmed() const {
    std::string_view t = syntax::trimmed(text);
    return {t, pos.shifted(static_cast<uint32_t>(t.data() - text.data()))};
  }
  Span sub(size_t from, size_t n = std::string_view::npos) const {
    return {text.substr(from, n), pos.shifted(static_cast<uint32_t>(from))};
  }
};

}  // namespace

namespace {

// The first offset outside brackets, parentheses and strings (and angle
// brackets when `angles`) where `matches` holds; npos if none.
template <typename Matches>
size_t findOutsideBrackets(std::string_view text, bool angles, Matches matches) {
  int depth = 0;
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (depth == 0 && matches(i)) return i;
    if (c == '"')
      inString = true;
    else if (c == '(' || c == '[' || (angles && c == '<'))
      ++depth;
    else if ((c == ')' || c == ']' || (angles && c == '>')) && depth > 0)
      --depth;
  }
  return std::string_view::npos;
}

}  // namespace

size_t findTopLevel(std::string_view text, std::string_view needle, bool angles) {
  return findOutsideBrackets(text, angles, [&](size_t i) { return text.substr(i, needle.size()) == needle; });
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  return text;
}

bool startsWithWord(std::string_view text, std::string_view word) {
  return text.size() > word.size() && text.substr(0, word.size()) == word && isSpace(text[word.size()]);
}

size_t findTopLevelWord(std::string_view text, std::string_view word, bool angles) {
  return findOutsideBrackets(
      text, angles, [&](size_t i) { return (i == 0 || isSpace(text[i - 1])) && startsWithWord(text.substr(i), word); });
}

namespace {

std::vector<Span> splitTopLevel(Span span, char sep, bool angles) {
  std::vector<Span> parts;
  size_t start = 0;
  while (true) {
    size_t at = findTopLevel(span.text.substr(start), std::string_view(&sep, 1), angles);
    if (at == std::string_view::npos) {
      parts.push_back(span.sub(start).trimmed());
      return parts;
    }
    parts.push_back(span.sub(start, at).trimmed());
    start += at + 1;
  }
}

// Reads an identifier at the start of `span`; returns its length (0 if none).
size_t identifierLength(std::string_view text) {
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return 0;
  size_t n = 1;
  while (n < text.size() && isIdentChar(text[n])) ++n;
  return n;
}

// Reads `[..][..]` groups at the start of `span` into their inner spans,
// then an optional set element `{a, b}`, which names the element (a, b) of a
// `Set<T>` line: its components are the trailing indices, as `[a][b]`.
bool bracketGroups(Span span, std::vector<Span>& groups, size_t& consumed, DiagnosticSink& diags) {
  size_t i = 0;
  while (i < span.text.size() && span.text[i] == '[') {
    size_t close = findTopLevel(span.text.substr(i + 1), "]", false);
    if (close == std::string_view::npos) {
      diags.error("syntax", span.pos.shifted(static_cast<uint32_t>(i)), "unclosed '['");
      return false;
    }
    groups.push_back(span.sub(i + 1, close).trimmed());
    i += close + 2;
  }
  if (i < span.text.size() && span.text[i] == '{') {
    size_t close = findTopLevel(span.text.substr(i + 1), "}", false);
    Span element = span.sub(i + 1, close == std::string_view::npos ? 0 : close).trimmed();
    if (close == std::string_view::npos || element.text.empty()) {
      diags.error("syntax", span.pos.shifted(static_cast<uint32_t>(i)),
                  close == std::string_view::npos ? "unclosed '{'" : "a set element `{v}` names its value");
      return false;
    }
    for (const Span& part : splitTopLevel(element, ',', false)) groups.push_back(part);
    i += close + 2;
  }
  consumed = i;
  return true;
}

// Splits off a trailing `@ domain`.
bool splitDomain(Span& span, std::optional<DomainRef>& domain, DiagnosticSink& diags) {
  size_t at = findTopLevel(span.text, "@", false);
  if (at == std::string_view::npos) return true;
  domain = domainRef(span.sub(at + 1).trimmed().text, span.sub(at + 1).trimmed().pos, diags);
  span = span.sub(0, at).trimmed();
  return domain.has_value();
}

bool indexTerms(Span span, std::vector<IndexTerm>& out, DiagnosticSink& diags) {
  std::vector<Span> groups;
  size_t consumed = 0;
  if (!bracketGroups(span, groups, consumed, diags)) return false;
  if (consumed != span.text.size()) {
    std::string rest(span.text.substr(consumed));
    // `x[i]'`: an element's output end is written with the prime on the name.
    std::string hint = rest == "'" ? " (an element's output end is primed before its index: `x'[i]`)" : "";
    diags.error("syntax", span.pos.shifted(static_cast<uint32_t>(consumed)), "unexpected '" + rest + "'" + hint);
    return false;
  }
  for (const Span& g : groups) {
    IndexTerm index;
    if (g.text == "*") {
      index.star = true;
    } else {
      auto e = expression(g.text, g.pos, diags);
      if (!e) return false;
      index.expr = *e;
    }
    out.push_back(std::move(index));
  }
  return true;
}

bool expressions(const std::vector<Span>& spans, std::vector<SourceExpr>& out, DiagnosticSink& diags) {
  for (const Span& s : spans) {
    auto e = expression(s.text, s.pos, diags);
    if (!e) return false;
    out.push_back(std::move(*e));
  }
  return true;
}

}  // namespace

bool isIdentifier(std::string_view text) { return !text.empty() && identifierLength(text) == text.size(); }

bool notReserved(std::string_view name, Pos pos, std::string_view what, DiagnosticSink& diags) {
  if (!isReservedWord(name)) return true;
  diags.error("syntax", pos,
              "'" + std::string(name) + "' is a word of the expression language (nil, true, false, forall, exists, " +
                  "in), so " + std::string(what) + " of that name could never be read: name it otherwise");
  return false;
}

std::optional<SourceExpr> expression(std::string_view text, Pos pos, DiagnosticSink& diags) {
  ExprError error;
  ExprPtr e = parseExpr(text, &error);
  if (!e) {
    diags.error(error.code, pos.shifted(error.offset), error.message);
    return std::nullopt;
  }
  return SourceExpr{std::string(text), e, pos};
}

std::optional<DomainRef> domainRef(std::string_view text, Pos pos, DiagnosticSink& diags) {
  Span span = Span{text, pos}.trimmed();
  size_t n = identifierLength(span.text);
  if (n == 0) {
    diags.error("syntax", span.pos, "expected a domain name after '@'");
    return std::nullopt;
  }
  DomainRef ref{std::string(span.text.substr(0, n)), {}, span.pos};
  std::vector<Span> groups;
  size_t consumed = 0;
  Span rest = span.sub(n);
  if (!bracketGroups(rest, groups, consumed, diags)) return std::nullopt;
  if (consumed != rest.text.size()) {
    diags.error("syntax", rest.pos.shifted(static_cast<uint32_t>(consumed)), "unexpected text after the domain");
    return std::nullopt;
  }
  if (!expressions(groups, ref.indices, diags)) return std::nullopt;
  return ref;
}

bool instanceKey(std::string_view text, Pos pos, Item& item, DiagnosticSink& diags) {
  Span span = Span{text, pos}.trimmed();
  if (!splitDomain(span, item.domain, diags)) return false;
  size_t n = identifierLength(span.text);
  if (n == 0) {
    diags.error("syntax", span.pos, "expected `Component name` as the instance key, got '" + std::string(text) + "'");
    return false;
  }
  item.component = std::string(span.text.substr(0, n));
  Span rest = span.sub(n);
  if (!rest.text.empty() && rest.text[0] == '<') {
    size_t close = findTopLevel(rest.text.substr(1), ">", true);
    if (close == std::string_view::npos) {
      diags.error("syntax", rest.pos, "unclosed '<' in component arguments");
      return false;
    }
    Span args = rest.sub(1, close);
    if (!args.trimmed().text.empty() && !expressions(splitTopLevel(args, ',', true), item.args, diags)) {
      return false;
    }
    rest = rest.sub(close + 2);
  }
  rest = rest.trimmed();
  size_t m = identifierLength(rest.text);
  if (m == 0) {
    diags.error("syntax", rest.pos, "expected an instance name after component '" + item.component + "'");
    return false;
  }
  item.name = std::string(rest.text.substr(0, m));
  std::vector<Span> groups;
  size_t consumed = 0;
  Span idx = rest.sub(m);
  if (!bracketGroups(idx, groups, consumed, diags)) return false;
  if (consumed != idx.text.size()) {
    diags.error("syntax", idx.pos.shifted(static_cast<uint32_t>(consumed)),
                "unexpected '" + std::string(idx.text.substr(consumed)) + "' in instance key");
    return false;
  }
  return expressions(groups, item.indices, diags);
}

bool bindingKey(std::string_view text, Pos pos, Binding& binding, DiagnosticSink& diags) {
  Span span = Span{text, pos}.trimmed();
  size_t n = identifierLength(span.text);
  if (n == 0) {
    diags.error("syntax", span.pos, "expected a line name, got '" + std::string(text) + "'");
    return false;
  }
  binding.line = std::string(span.text.substr(0, n));
  std::vector<Span> groups;
  size_t consumed = 0;
  Span idx = span.sub(n);
  if (!bracketGroups(idx, groups, consumed, diags)) return false;
  if (consumed != idx.text.size()) {
    diags.error("syntax", idx.pos.shifted(static_cast<uint32_t>(consumed)), "unexpected text in line name");
    return false;
  }
  size_t dots = groups.size() == 1 ? findTopLevel(groups[0].text, "..", false) : std::string_view::npos;
  if (dots != std::string_view::npos) {  // an Fn's bundle argument: `v[0..n]`
    Span lo = groups[0].sub(0, dots).trimmed(), hi = groups[0].sub(dots + 2).trimmed();
    if (lo.text.empty() || hi.text.empty()) {
      diags.error("syntax", groups[0].pos, "expected a range `0..N` (an Fn's bundle argument of N lines)");
      return false;
    }
    auto loE = expression(lo.text, lo.pos, diags);
    auto hiE = loE ? expression(hi.text, hi.pos, diags) : std::nullopt;
    if (!hiE) return false;
    binding.argRange.emplace(std::move(*loE), std::move(*hiE));
    return true;
  }
  return expressions(groups, binding.keyIndices, diags);
}

bool arrow(std::string_view text, Pos pos, Term& in, Term& out, DiagnosticSink& diags) {
  Span span{text, pos};
  size_t at = findTopLevel(text, "->", false);
  if (at == std::string_view::npos) {
    diags.error("syntax", pos, "expected `SOURCE -> DESTINATION`, got '" + std::string(text) + "'");
    return false;
  }
  if (findTopLevel(text.substr(at + 2), "->", false) != std::string_view::npos) {
    diags.error("syntax", pos, "more than one '->' in '" + std::string(text) + "'");
    return false;
  }
  Span left = span.sub(0, at).trimmed(), right = span.sub(at + 2).trimmed();
  auto a = term(left.text, left.pos, diags);
  auto b = term(right.text, right.pos, diags);
  if (!a || !b) return false;
  in = std::move(*a);
  out = std::move(*b);
  return true;
}

std::optional<Term> term(std::string_view text, Pos pos, DiagnosticSink& diags) {
  Span span = Span{text, pos}.trimmed();
  Term t;
  t.pos = span.pos;
  if (!splitDomain(span, t.domain, diags)) return std::nullopt;
  if (span.text.empty()) {
    diags.error("syntax", span.pos, "expected a source, a sink or a wire name");
    return std::nullopt;
  }
  size_t n = identifierLength(span.text);
  std::string_view word = span.text.substr(0, n);
  Span rest = span.sub(n).trimmed();
  auto bare = [&](Term::Kind kind) -> std::optional<Term> {
    if (!rest.text.empty()) {
      diags.error("syntax", rest.pos, "unexpected text after '" + std::string(word) + "'");
      return std::nullopt;
    }
    t.kind = kind;
    return t;
  };
  if (word == "choose") return bare(Term::Kind::Choose);
  if (word == "never") return bare(Term::Kind::Never);
  if (word == "drop") return bare(Term::Kind::Drop);
  if (word == "const") {
    t.kind = Term::Kind::Const;
    auto e = expression(rest.text, rest.pos, diags);
    if (!e) return std::nullopt;
    t.value = std::move(*e);
    return t;
  }
  if ((word == "input" || word == "output") && !rest.text.empty() && identifierLength(rest.text) > 0) {
    t.kind = word == "input" ? Term::Kind::Input : Term::Kind::Output;
    size_t m = identifierLength(rest.text);
    t.name = std::string(rest.text.substr(0, m));
    if (!notReserved(t.name, rest.pos, word == "input" ? "an input" : "an output", diags)) return std::nullopt;
    Span after = rest.sub(m);
    // `... at TIME`: when the input arrives (the first word `at` outside brackets).
    if (size_t at = findTopLevelWord(after.text, "at", false); at != std::string_view::npos) {
      if (t.kind != Term::Kind::Input) {
        diags.error("syntax", after.pos.shifted(static_cast<uint32_t>(at)), "only an input has an arrival time");
        return std::nullopt;
      }
      Span time = after.sub(at + 2).trimmed();
      auto e = expression(time.text, time.pos, diags);
      if (!e) return std::nullopt;
      t.arrival = std::move(*e);
      after = after.sub(0, at).trimmed();
    }
    size_t eq = findTopLevel(after.text, "=", false);
    if (eq != std::string_view::npos) {
      if (t.kind != Term::Kind::Input) {
        diags.error("syntax", after.pos.shifted(static_cast<uint32_t>(eq)), "only an input has a default value");
        return std::nullopt;
      }
      Span value = after.sub(eq + 1).trimmed();
      auto e = expression(value.text, value.pos, diags);
      if (!e) return std::nullopt;
      t.defaultValue = std::move(*e);
      after = after.sub(0, eq).trimmed();
    }
    // `NAME[idx] as TYPE`: the type is what follows the word `as`.
    size_t as = findTopLevelWord(after.text, "as", true);
    if (as != std::string_view::npos) {
      t.typeText = std::string(after.sub(as + 2).trimmed().text);
      after = after.sub(0, as).trimmed();
    }
    if (!indexTerms(after, t.indices, diags)) return std::nullopt;
    return t;
  }
  if (n == 0) {
    diags.error("syntax", span.pos, "expected a source, a sink or a wire name, got '" + std::string(span.text) + "'");
    return std::nullopt;
  }
  t.kind = Term::Kind::Wire;
  t.name = std::string(word);
  Span after = span.sub(n);
  if (!after.text.empty() && after.text[0] == '\'') {
    t.primed = true;
    after = after.sub(1);
  }
  if (!indexTerms(after, t.indices, diags)) return std::nullopt;
  return t;
}

bool conditionalHeader(std::string_view text, Pos pos, bool otherBranch, std::vector<LoopVar>& loops,
                       DiagnosticSink& diags) {
  Span header = Span{text, pos}.trimmed();
  auto cond = expression(header.text, header.pos, diags);
  if (!cond) return false;
  // Postorder ids after the condition's own, one level above it.
  auto literal = [&](int64_t v, uint32_t id) {
    auto e = std::make_shared<Expr>();
    e->kind = Expr::Kind::Literal;
    e->value = Value::integer(v);
    e->id = id;
    return e;
  };
  uint32_t next = cond->expr->id + 1;
  auto pick = std::make_shared<Expr>();
  pick->kind = Expr::Kind::Cond;
  pick->text = "?";
  // offset 0: a problem with the whole condition is shown at its start
  pick->kids = {cond->expr, literal(otherBranch ? 0 : 1, next), literal(otherBranch ? 1 : 0, next + 1)};
  pick->id = next + 2;
  pick->height = cond->expr->height + 1;
  pick->size = cond->expr->size + 3;
  SourceExpr zero{"0", literal(0, 0), header.pos};
  loops.push_back({"", std::move(zero), SourceExpr{cond->text, std::move(pick), cond->pos}});
  return true;
}

// The first `on demand` in a for header, the two words apart by blanks
// (spaces, tabs), each a whole word (no letter, digit or _ touches it):
// where `on` begins, and where the blanks after `demand` end.
static std::optional<std::pair<size_t, size_t>> onDemandMarker(std::string_view text) {
  auto blank = [](char c) { return c == ' ' || c == '\t'; };
  auto inWord = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t at = text.find("on"); at != std::string_view::npos; at = text.find("on", at + 1)) {
    if (at > 0 && inWord(text[at - 1])) continue;
    size_t word = at + 2, end = word;
    while (end < text.size() && blank(text[end])) ++end;
    if (end == word || text.substr(end, 6) != "demand") continue;
    end += 6;
    if (end < text.size() && inWord(text[end])) continue;
    while (end < text.size() && blank(text[end])) ++end;
    return std::pair{at, end};
  }
  return std::nullopt;
}

bool forHeader(std::string_view text, Pos pos, std::vector<LoopVar>& loops, DiagnosticSink& diags) {
  Span whole = Span{text, pos}.trimmed();
  for (std::string_view word : {"if ", "else "}) {
    if (whole.text.substr(0, word.size()) == word) {
      Span cond = whole.sub(word.size());
      return conditionalHeader(cond.text, cond.pos, word == "else ", loops, diags);
    }
  }
  // `k in 0..K on demand`: one variable, a bounded range; the words may be
  // apart by any blanks, and nowhere else in the header.
  auto marker = onDemandMarker(whole.text);
  bool onDemand = marker && marker->second == whole.text.size();
  if (marker && !onDemand) {
    diags.error("syntax", pos,
                "`on demand` ends the header of a `for` of one variable with a bounded range (`k in 0..K on demand`)");
    return false;
  }
  if (onDemand) whole = whole.sub(0, marker->first).trimmed();
  size_t first = loops.size();
  for (const Span& part : splitTopLevel(whole, ',', false)) {
    size_t n = identifierLength(part.text);
    Span rest = part.sub(n).trimmed();
    if (n == 0 || !startsWithWord(rest.text, "in")) {
      diags.error("syntax", part.pos, "expected `VAR in LO..HI` in for, got '" + std::string(part.text) + "'");
      return false;
    }
    if (!notReserved(part.text.substr(0, n), part.pos, "a loop variable", diags)) return false;
    Span range = rest.sub(2).trimmed();
    size_t dots = findTopLevel(range.text, "..", false);
    if (dots == std::string_view::npos) {
      diags.error("syntax", range.pos, "expected a range `LO..HI`");
      return false;
    }
    Span lo = range.sub(0, dots).trimmed(), hi = range.sub(dots + 2).trimmed();
    auto loE = expression(lo.text, lo.pos, diags);
    if (!loE) return false;
    SourceExpr hiE{"", nullptr, hi.pos};  // `LO..`: unbounded
    if (!hi.text.empty()) {
      auto e = expression(hi.text, hi.pos, diags);
      if (!e) return false;
      hiE = std::move(*e);
    }
    loops.push_back({std::string(part.text.substr(0, n)), std::move(*loE), std::move(hiE)});
  }
  if (onDemand) {
    if (loops.size() != first + 1 || loops.back().unbounded()) {
      diags.error(
          "syntax", pos,
          "`on demand` ends the header of a `for` of one variable with a bounded range (`k in 0..K on demand`)");
      return false;
    }
    loops.back().onDemand = true;
  }
  return true;
}

namespace {

// The dimensions of a finite element type: one per `Int[0..K]` (K), a
// tuple's components in order. Anything else is refused as `set-element`.
bool elementDims(Span type, std::vector<SourceExpr>& dims, DiagnosticSink& diags) {
  type = type.trimmed();
  Span inside = type.text.size() >= 2 ? type.sub(1, type.text.size() - 2).trimmed() : type;
  if (!type.text.empty() && type.text.front() == '(' && type.text.back() == ')' && !inside.text.empty()) {
    for (const Span& part : splitTopLevel(inside, ',', true)) {
      if (!elementDims(part, dims, diags)) return false;
    }
    return true;
  }
  if (type.text.substr(0, 4) == "Int[" && type.text.back() == ']') {
    Span range = type.sub(4, type.text.size() - 5).trimmed();
    size_t dots = findTopLevel(range.text, "..", false);
    if (dots != std::string_view::npos && range.sub(0, dots).trimmed().text == "0") {
      auto hi = expression(range.sub(dots + 2).trimmed().text, range.sub(dots + 2).trimmed().pos, diags);
      if (!hi) return false;
      dims.push_back(std::move(*hi));
      return true;
    }
  }
  diags.error("set-element", type.pos,
              "'" + std::string(type.text) +
                  "' is not a finite element type: a Set's elements are Int[0..K] (the values 0 to K-1) or "
                  "tuples of them, such as (Int[0..n], Int[0..k])");
  return false;
}

}  // namespace

bool setLine(LineDecl& line, Pos pos, DiagnosticSink& diags) {
  std::string_view text = line.typeText;
  if (text.substr(0, 4) != "Set<") return true;
  if (text.back() != '>') {
    diags.error("syntax", pos, "expected `Set<T>`, got '" + line.typeText + "'");
    return false;
  }
  line.set = true;
  line.elementDims.clear();
  return elementDims(Span{text, pos}.sub(4, text.size() - 5), line.elementDims, diags);
}

bool lineType(std::string_view text, Pos pos, LineDecl& line, DiagnosticSink& diags) {
  Span span = Span{text, pos}.trimmed();
  size_t open = findTopLevel(span.text, "[", true);
  Span type = span.sub(0, open).trimmed();
  line.typeText = std::string(type.text);
  if (!setLine(line, type.pos, diags)) return false;
  if (open == std::string_view::npos) return true;
  std::vector<Span> groups;
  size_t consumed = 0;
  Span dims = span.sub(open);
  if (!bracketGroups(dims, groups, consumed, diags)) return false;
  if (consumed != dims.text.size()) {
    diags.error("syntax", dims.pos.shifted(static_cast<uint32_t>(consumed)),
                "unexpected text after the line's dimensions");
    return false;
  }
  return expressions(groups, line.dims, diags);
}

}  // namespace rdc::syntax
