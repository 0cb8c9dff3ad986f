// The JSON Schema of the model format (ir/model/schema/rdc-model.schema.json),
// embedded at build time and printed by `rdc-lint --schema`.
#pragma once

#include <string_view>

namespace rdc {
std::string_view modelJsonSchema();
}  // namespace rdc
