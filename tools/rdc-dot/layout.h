// Which way a diagram's ranks run, chosen before Graphviz lays it out: left
// to right (the sketch's way) unless that would be wider than a page.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace rdc::dot {

/// What the user asked for: `--layout auto|lr|tb`.
enum class Layout { Auto, LeftToRight, TopToBottom };

/// Which way a drawing's ranks run (Graphviz's rankdir).
enum class Direction { LeftToRight, TopToBottom };

/// Points (1/72 in): the widest drawing `auto` keeps left to right, an A3
/// page in landscape.
inline constexpr double kPageWidth = 1191;

/// The width a drawing would take laid out left to right, estimated from its
/// boxes' text alone: a layout of a big model takes Graphviz minutes, and
/// DOT output is not laid out at all.
class Extent {
 public:
  /// A node as wide as `chars` characters of 10 pt Helvetica plus `padding` points.
  void node(const std::string& id, size_t chars, double padding);
  /// An edge between two nodes (unknown ones count as points), with a label
  /// of `labelChars` characters (0: none).
  void edge(const std::string& from, const std::string& to, size_t labelChars);
  /// Points: the nodes ranked along their longest path (the back edges of
  /// cycles ignored, as dot does), each rank as wide as its widest node, each
  /// gap between ranks as wide as the rank separation or its widest label.
  double leftToRightWidth() const;

 private:
  struct Edge {
    size_t to;
    double label;
  };
  size_t at(const std::string& id);

  std::map<std::string, size_t> index_;
  std::vector<double> width_;
  std::vector<std::vector<Edge>> out_;
};

/// `auto` runs top to bottom when left to right would be wider than a page.
Direction choose(Layout layout, const Extent& extent);

/// Graphviz's name of a direction: LR or TB.
const char* rankdir(Direction direction);

}  // namespace rdc::dot
