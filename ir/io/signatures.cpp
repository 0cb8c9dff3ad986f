#include "ir/io/signatures.h"

#include <set>

namespace rdc {

std::optional<std::string> firstForgedSignature(const Trace& trace, const std::vector<bool>& fromNetwork) {
  const TraceHeader& h = trace.header;
  std::set<Value> seen;  // every signed value an event has carried so far
  for (const TraceEvent& e : trace.events) {
    uint32_t domain = e.line < h.lineDomains.size() ? h.lineDomains[e.line] : 0;
    bool delivered = e.line < fromNetwork.size() && fromNetwork[e.line];
    bool judged = (e.how == How::Chosen || e.how == How::Forced) && !delivered;
    std::optional<std::string> forged;
    forEachSignature(e.value, [&](const Value& s) {
      if (forged || !seen.insert(s).second || !judged || s.signer() == domain) return;
      std::string signer =
          s.signer() < static_cast<int64_t>(h.domains.size()) ? h.domains[s.signer()] : "no domain of the model";
      std::string where = domain < h.domains.size() ? h.domains[domain] : "?";
      forged = s.brief() + " (signed by " + signer + ") first appears " + howName(e.how) + " at " +
               (e.line < h.linePaths.size() ? h.linePaths[e.line] : "?") + (e.output ? "'" : "") + ", in " + where +
               ", which cannot have made it";
    });
    if (forged) return forged;
  }
  return std::nullopt;
}

}  // namespace rdc
