// Parsers for the small textual forms inside a YAML model: instance keys,
// binding values (`IN -> OUT`), terms, `for` headers, domain references and
// line types. Shared by the YAML front end and the IR reader, which rebuilds
// the hierarchical model from the same texts.
#pragma once

#include <optional>
#include <string_view>

#include "ir/model/model.h"
#include "ir/support/diagnostics.h"

namespace rdc::syntax {

/// The most `for` loop variables in scope at once inside one component body
/// (`for: i in .., j in ..` counts two). It bounds the elaborator's recursion;
/// both the YAML front end and the IR reader refuse deeper bodies.
constexpr size_t kMaxLoopNesting = 64;

/// The offset of the first `needle` in `text` outside brackets,
/// parentheses, strings (and angle brackets when `angles`); npos if none.
size_t findTopLevel(std::string_view text, std::string_view needle, bool angles);

/// The offset of the first word `word` in `text` outside brackets (as
/// findTopLevel): at the start or after a blank (space or tab), and followed
/// by one; npos if none. `at`, `as` and `in` are such words.
size_t findTopLevelWord(std::string_view text, std::string_view word, bool angles);

/// `text` without the blanks (spaces, tabs, line ends) around it.
std::string_view trimmed(std::string_view text);

/// Whether `text` starts with the word `word` followed by a blank.
bool startsWithWord(std::string_view text, std::string_view word);

/// `expr` at `pos`; reports `expr-syntax` and returns nullopt on failure.
std::optional<SourceExpr> expression(std::string_view text, Pos pos, DiagnosticSink& diags);

/// `Component<args> name[i][j] @ domain` into the instance fields of `item`.
bool instanceKey(std::string_view text, Pos pos, Item& item, DiagnosticSink& diags);

/// `line`, `line[i]` (a binding's key), or an Fn's bundle argument
/// `line[0..n]` (binding.argRange).
bool bindingKey(std::string_view text, Pos pos, Binding& binding, DiagnosticSink& diags);

/// `IN -> OUT` into binding.in / binding.out (also used for `wire:` items).
bool arrow(std::string_view text, Pos pos, Term& in, Term& out, DiagnosticSink& diags);

/// One term: `choose`, `never`, `drop`, `const V`, `input N`, `output N`, or a
/// wire reference `name'[i][*]`, each optionally followed by `@ domain`.
std::optional<Term> term(std::string_view text, Pos pos, DiagnosticSink& diags);

/// `i in 0..n, j in 0..m`; or the header of a conditional box, `if COND`
/// (its body once when COND holds) or `else COND` (once when it does not),
/// as one unnamed variable over 0..1 or 0..0 (see conditionalHeader).
bool forHeader(std::string_view text, Pos pos, std::vector<LoopVar>& loops, DiagnosticSink& diags);

/// A conditional box's one variable: unnamed (no expression can read it),
/// over 0..(COND ? 1 : 0), or 0..(COND ? 0 : 1) for the `else` branch, so
/// that elaboration, sizing, the window rule of unbounded boxes and the IR
/// treat the box as any other `for`. `text` is COND, at `pos`.
bool conditionalHeader(std::string_view text, Pos pos, bool otherBranch, std::vector<LoopVar>& loops,
                       DiagnosticSink& diags);

/// `node[i]` or `client`.
std::optional<DomainRef> domainRef(std::string_view text, Pos pos, DiagnosticSink& diags);

/// `Opt<Int>[n][2]` into a line declaration's type text and dims.
bool lineType(std::string_view text, Pos pos, LineDecl& line, DiagnosticSink& diags);

/// If `line.typeText` is `Set<T>` (at `pos`), marks the line a set and reads
/// T's element dimensions into `line.elementDims`; refuses a T that is not
/// finite (`set-element`). Other types are left as they are.
bool setLine(LineDecl& line, Pos pos, DiagnosticSink& diags);

/// Whether `text` is an identifier: a letter or `_`, then letters, digits, `_`.
bool isIdentifier(std::string_view text);
/// False, with a `syntax` error at `pos`, when `name` is a word of the
/// expression language (isReservedWord): `what` names what is declared.
bool notReserved(std::string_view name, Pos pos, std::string_view what, DiagnosticSink& diags);

}  // namespace rdc::syntax
