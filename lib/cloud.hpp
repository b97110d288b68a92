// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft's clouds (--cloud): each has its own token host and Graph endpoint.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace cps {

struct CloudEndpoints {
  std::string_view name;
  std::string_view authority_host;
  std::string_view graph_endpoint;
  std::string_view description;
};

// global, usgov, usgovdod, china.
const std::array<CloudEndpoints, 4> &known_clouds();

// The cloud of that name, or nullptr.
const CloudEndpoints *find_cloud(std::string_view name);

// The client-credentials scope for a Graph endpoint: "<endpoint>/.default", which asks for the
// app's granted application permissions on that resource (graph-api.md section 3).
std::string graph_scope(std::string_view graph_endpoint);

} // namespace cps
