// SPDX-License-Identifier: GPL-3.0-or-later
// Process set-up that keeps secrets out of core dumps, and the single write of the output.
#pragma once

#include <string_view>

namespace cps {

// No core dumps (they would hold the secret and the token); SIGPIPE and SIGXFSZ ignored.
void harden_process();

// Writes all of text to standard output, retrying short writes.
void write_stdout(std::string_view text);

} // namespace cps
