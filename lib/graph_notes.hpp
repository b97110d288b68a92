// SPDX-License-Identifier: GPL-3.0-or-later
// What a check learnt about a tenant's Graph (a property its cloud lacks), kept next to its token.
#pragma once

#include "graph_requests.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace cps {

// What a check learnt about the tenant's Graph, as text kept next to its token: one line
// "lacks <property> <unix time>" per property the cloud's schema lacks. Empty when nothing was
// learnt. Unknown lines are skipped, so the format can grow.
std::string graph_notes_text(const GraphQuery &query, std::int64_t now_unix);

// Narrows query by notes learnt within the last week (after that, Graph is asked again, so a cloud
// that gains the property is noticed).
void apply_graph_notes(std::string_view text, std::int64_t now_unix, GraphQuery &query);

} // namespace cps
