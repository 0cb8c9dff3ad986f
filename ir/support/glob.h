// Path globs for the command line: `*` matches any run of characters and
// `?` one character; everything else, brackets included, matches itself,
// so that `rb.echo[2].link[*]` means what it says.
#pragma once

#include <string_view>

namespace rdc {

bool globMatch(std::string_view pattern, std::string_view text);

}  // namespace rdc
