// SPDX-License-Identifier: GPL-3.0-or-later
// Microsoft's clouds (--cloud): each has its own token host, Graph endpoint and token-exchange
// audience.
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
  // The audience of a token trusted by a federated identity credential (workload identity, a
  // managed identity as the app's credential): api://AzureADTokenExchange and its per-cloud
  // variants (Entra workload identity federation docs).
  std::string_view token_exchange_audience;
};

// global, usgov, usgovdod, china, bleu, delos, govsg.
const std::array<CloudEndpoints, 7> &known_clouds();

// The cloud of that name, or nullptr.
const CloudEndpoints *find_cloud(std::string_view name);

// The client-credentials scope for a Graph endpoint: "<endpoint>/.default", which asks for the
// app's granted application permissions on that resource (graph-api.md section 3).
std::string graph_scope(std::string_view graph_endpoint);

// The first cloud whose token host is authority_host ("https://login.microsoftonline.us" gives
// usgov; a trailing '/' is ignored), or nullptr. For AZURE_AUTHORITY_HOST, which the AKS
// workload identity webhook sets.
const CloudEndpoints *cloud_for_authority_host(std::string_view authority_host);

// The token-exchange audience for that token host: its cloud's, else the global one.
std::string_view token_exchange_audience(std::string_view authority_host);

} // namespace cps
