// SPDX-License-Identifier: GPL-3.0-or-later
// Verbose output with secrets and tokens redacted.
#include "trace.hpp"

namespace cps {

void Trace::note(int level, std::string_view line) {
  if (wants(level)) {
    lines_.push_back(redact(line));
  }
}

} // namespace cps
