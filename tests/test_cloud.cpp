// SPDX-License-Identifier: GPL-3.0-or-later
// --cloud presets and how they combine with explicit hosts and AZURE_AUTHORITY_HOST.
#include "lib/cloud.hpp"
#include "lib/errors.hpp"
#include "lib/options.hpp"
#include "tests/fake_environment.hpp"

#include <doctest/doctest.h>
#include <map>
#include <string>

using namespace cps;

namespace {

Config parse(std::vector<std::string> args, const Environment &env = environment()) {
  args.insert(args.begin(), {"-T", "contoso.onmicrosoft.com", "-C", "1111"});
  return parse_options(args, env);
}

} // namespace

TEST_CASE("each cloud's token host and Graph endpoint") {
  struct Row {
    const char *cloud, *authority, *graph;
  };
  for (const Row &row :
       {Row{"global", "https://login.microsoftonline.com", "https://graph.microsoft.com"},
        Row{"usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us"},
        Row{"usgovdod", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us"},
        Row{"china", "https://login.chinacloudapi.cn",
            "https://microsoftgraph.chinacloudapi.cn"}}) {
    CAPTURE(row.cloud);
    Config config = parse({"--cloud", row.cloud});
    CHECK(config.authority_host == row.authority);
    CHECK(config.graph_endpoint == row.graph);
    REQUIRE(find_cloud(row.cloud) != nullptr);
    CHECK(find_cloud(row.cloud)->authority_host == row.authority);
  }
  CHECK(find_cloud("germany") == nullptr);
  CHECK_THROWS_WITH_AS(parse({"--cloud", "germany"}),
                       doctest::Contains("use global, usgov, usgovdod, china"), UsageError);
}

TEST_CASE("the token scope is the Graph endpoint's /.default, in every cloud") {
  struct Row {
    const char *cloud, *scope;
  };
  for (const Row &row : {Row{"global", "https://graph.microsoft.com/.default"},
                         Row{"usgov", "https://graph.microsoft.us/.default"},
                         Row{"usgovdod", "https://dod-graph.microsoft.us/.default"},
                         Row{"china", "https://microsoftgraph.chinacloudapi.cn/.default"}}) {
    CAPTURE(row.cloud);
    CHECK(graph_scope(parse({"--cloud", row.cloud}).graph_endpoint) == row.scope);
  }
  // The default (no --cloud) and an endpoint given with a trailing slash.
  CHECK(graph_scope(parse({}).graph_endpoint) == "https://graph.microsoft.com/.default");
  CHECK(graph_scope(parse({"--graph-endpoint", "https://127.0.0.1:8443/"}).graph_endpoint) ==
        "https://127.0.0.1:8443/.default");
}

TEST_CASE("explicit hosts win over --cloud, --cloud wins over AZURE_AUTHORITY_HOST") {
  Config explicit_hosts = parse({"--authority-host", "https://127.0.0.1:1", "--cloud", "china",
                                 "--graph-endpoint", "https://127.0.0.1:2"});
  CHECK(explicit_hosts.authority_host == "https://127.0.0.1:1");
  CHECK(explicit_hosts.graph_endpoint == "https://127.0.0.1:2");
  Config graph_only = parse({"--cloud", "usgov", "--graph-endpoint", "https://127.0.0.1:2"});
  CHECK(graph_only.authority_host == "https://login.microsoftonline.us");
  CHECK(graph_only.graph_endpoint == "https://127.0.0.1:2");
  auto env = environment({{"AZURE_AUTHORITY_HOST", "https://login.example"}});
  CHECK(parse({"--cloud", "usgovdod"}, env).authority_host == "https://login.microsoftonline.us");
  CHECK(parse({}, env).authority_host == "https://login.example");
}

TEST_CASE("sovereign clouds Bleu, Delos and GovSG, and each cloud's token-exchange audience") {
  struct Row {
    const char *cloud, *authority, *graph, *audience;
  };
  for (const Row &row :
       {Row{"bleu", "https://login.sovcloud-identity.fr", "https://graph.svc.sovcloud.fr",
            "api://AzureADTokenExchangeFrance"},
        Row{"delos", "https://login.sovcloud-identity.de", "https://graph.svc.sovcloud.de",
            "api://AzureADTokenExchangeGermany"},
        Row{"govsg", "https://login.sovcloud-identity.sg", "https://graph.svc.sovcloud.sg",
            "api://AzureADTokenExchangeGovSG"},
        Row{"global", "https://login.microsoftonline.com", "https://graph.microsoft.com",
            "api://AzureADTokenExchange"},
        Row{"usgov", "https://login.microsoftonline.us", "https://graph.microsoft.us",
            "api://AzureADTokenExchangeUSGov"},
        Row{"china", "https://login.chinacloudapi.cn", "https://microsoftgraph.chinacloudapi.cn",
            "api://AzureADTokenExchangeChina"}}) {
    CAPTURE(row.cloud);
    Config config = parse({"--cloud", row.cloud});
    CHECK(config.authority_host == row.authority);
    CHECK(config.graph_endpoint == row.graph);
    CHECK(token_exchange_audience(row.authority) == row.audience);
  }
  CHECK(token_exchange_audience("https://127.0.0.1:8443") == "api://AzureADTokenExchange");
}

TEST_CASE("AZURE_AUTHORITY_HOST naming a known cloud's token host picks its Graph endpoint") {
  Config delos = parse({}, environment({{"AZURE_AUTHORITY_HOST", "https://login.sovcloud-identity.de/"}}));
  CHECK(delos.graph_endpoint == "https://graph.svc.sovcloud.de");
  Config usgov = parse({}, environment({{"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us"}}));
  CHECK(usgov.graph_endpoint == "https://graph.microsoft.us");
  Config unknown = parse({}, environment({{"AZURE_AUTHORITY_HOST", "https://127.0.0.1:8443"}}));
  CHECK(unknown.graph_endpoint == "https://graph.microsoft.com");
  Config explicit_graph = parse({"--graph-endpoint", "https://127.0.0.1:2"},
                                environment({{"AZURE_AUTHORITY_HOST", "https://login.chinacloudapi.cn"}}));
  CHECK(explicit_graph.graph_endpoint == "https://127.0.0.1:2");
  Config option_host = parse({"--authority-host", "https://login.chinacloudapi.cn"});
  CHECK(option_host.graph_endpoint == "https://graph.microsoft.com");
  Config dod = parse({"--cloud", "usgovdod"},
                     environment({{"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us"}}));
  CHECK(dod.graph_endpoint == "https://dod-graph.microsoft.us");
}
