// SPDX-License-Identifier: GPL-3.0-or-later
// Managed identity: where the endpoint is, and the Arc key file checks.
#include "lib/errors.hpp"
#include "lib/managed_identity.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using namespace cps;

namespace {

FileExists existing(std::set<std::string> files = {}) {
  return [files](const std::string &path) { return files.count(path) > 0; };
}

// A scratch folder with a token folder inside and room for files outside it; removed at the end.
struct Folders {
  test::TempDir temp;
  std::string root = temp.path(), tokens = temp.folder("tokens");
  std::string write(const std::string &path, std::size_t size) {
    std::ofstream(path) << std::string(size, 'k');
    return path;
  }
};

} // namespace

TEST_CASE("Azure VM: IMDS at 169.254.169.254 unless AZURE_POD_IDENTITY_AUTHORITY_HOST says") {
  ManagedIdentityEndpoint vm = find_managed_identity_endpoint(environment(), existing());
  CHECK(vm.source == ManagedIdentitySource::AzureVm);
  CHECK(vm.token_url == "http://169.254.169.254/metadata/identity/oauth2/token");
  CHECK(vm.api_version == "2018-02-01");
  auto local = find_managed_identity_endpoint(
      environment({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:8080/"}}), existing());
  CHECK(local.token_url == "http://127.0.0.1:8080/metadata/identity/oauth2/token");
}

TEST_CASE("Azure Arc: IDENTITY_ENDPOINT with IMDS_ENDPOINT, or an installed agent") {
  auto arc = find_managed_identity_endpoint(
      environment({{"IDENTITY_ENDPOINT", "http://localhost:40342/metadata/identity/oauth2/token"},
                   {"IMDS_ENDPOINT", "http://localhost:40342"}}),
      existing());
  CHECK(arc.source == ManagedIdentitySource::AzureArc);
  CHECK(arc.token_url == "http://localhost:40342/metadata/identity/oauth2/token");
  CHECK(arc.api_version == "2019-11-01");
  auto agent =
      find_managed_identity_endpoint(environment(), existing({"/opt/azcmagent/bin/himds"}));
  CHECK(agent.source == ManagedIdentitySource::AzureArc);
  CHECK(agent.token_url == "http://127.0.0.1:40342/metadata/identity/oauth2/token");
}

TEST_CASE("identity endpoints: plain HTTP only on this machine or the link-local address") {
  for (const char *url : {"http://10.0.0.5:40342/x", "http://example.com/x", "ftp://127.0.0.1/x",
                          "http://127.0.0.1/x?y=1", "http://127.attacker.example/x",
                          "http://127.0.0.1.nip.io/x", "http://1270.0.0.1/x"}) {
    CAPTURE(url);
    CHECK_THROWS_AS(
        find_managed_identity_endpoint(
            environment({{"IDENTITY_ENDPOINT", url}, {"IMDS_ENDPOINT", url}}), existing()),
        ConfigError);
  }
  CHECK_NOTHROW(find_managed_identity_endpoint(
      environment({{"IDENTITY_ENDPOINT", "https://identity.example/x"},
                   {"IMDS_ENDPOINT", "http://[::1]:40342"}}),
      existing()));
  CHECK_THROWS_WITH_AS(find_managed_identity_endpoint(
                           environment({{"IDENTITY_ENDPOINT", "http://127.0.0.1/x"}}), existing()),
                       doctest::Contains("without IMDS_ENDPOINT"), ConfigError);
}

TEST_CASE("the Arc token folder is a constant: the former test-only variable is ignored") {
  // Icinga's CheckCommand `env` may be set by people without shell access: no variable may move
  // the folder whose files the plugin sends to the identity endpoint.
  const std::string fixed = "/var/opt/azcmagent/tokens";
  const char *variable = "CHECK_PASSWORD_SYNC_TEST_ONLY_ARC_TOKEN_FOLDER";
  CHECK(arc_token_folder() == fixed);
  CHECK(ManagedIdentityRequest{}.arc_folder == fixed);
  Environment hostile = environment({{variable, "/var/lib/icinga2/certs"},
                                     {"IDENTITY_ENDPOINT", "https://identity.example/token"},
                                     {"IMDS_ENDPOINT", "https://identity.example"}});
  auto arc = find_managed_identity_endpoint(hostile, existing());
  CHECK(arc.source == ManagedIdentitySource::AzureArc);
  CHECK(arc.token_url == "https://identity.example/token");
}

TEST_CASE("WWW-Authenticate: Basic realm=<path>") {
  CHECK(basic_realm("Basic realm=/var/opt/azcmagent/tokens/a.key") ==
        "/var/opt/azcmagent/tokens/a.key");
  CHECK(basic_realm("basic realm=\"/t/a.key\"") == "/t/a.key");
  CHECK(basic_realm("Bearer realm=x").empty());
  CHECK(basic_realm("Basic realm=").empty());
  CHECK(basic_realm("").empty());
}

TEST_CASE("the Arc key file: inside the folder, named .key, at most 4096 bytes") {
  Folders folders;
  std::string good = folders.write(folders.tokens + "/good.key", 4096);
  CHECK(read_arc_key_file(good, folders.tokens).reveal() == std::string(4096, 'k'));
  std::string big = folders.write(folders.tokens + "/big.key", 4097);
  CHECK_THROWS_WITH_AS(read_arc_key_file(big, folders.tokens),
                       doctest::Contains("larger than 4096 bytes"), ConfigError);
  std::string named = folders.write(folders.tokens + "/token.txt", 10);
  CHECK_THROWS_WITH_AS(read_arc_key_file(named, folders.tokens),
                       doctest::Contains("does not end in .key"), ConfigError);
  std::string outside = folders.write(folders.root + "/outside.key", 10);
  CHECK_THROWS_WITH_AS(read_arc_key_file(outside, folders.tokens), doctest::Contains("not inside"),
                       ConfigError);
  CHECK_THROWS_AS(read_arc_key_file(folders.tokens + "/../outside.key", folders.tokens),
                  ConfigError);
  std::string link = folders.tokens + "/link.key";
  REQUIRE(symlink(outside.c_str(), link.c_str()) == 0);
  CHECK_THROWS_WITH_AS(read_arc_key_file(link, folders.tokens), doctest::Contains("not inside"),
                       ConfigError);
  CHECK_THROWS_AS(read_arc_key_file(folders.tokens + "/missing.key", folders.tokens), ConfigError);
  std::string newline = folders.tokens + "/nl.key";
  std::ofstream(newline) << "abc\n";
  CHECK(read_arc_key_file(newline, folders.tokens).reveal() == "abc");
}

TEST_CASE("--managed-identity values: client ID, object ID, resource ID; cache names") {
  CHECK(parse_managed_identity("").selector == IdentitySelector::System);
  ManagedIdentityId bare = parse_managed_identity("99999999-8888-7777-6666-555555555555");
  CHECK(bare.selector == IdentitySelector::ClientId);
  CHECK(cache_name(bare) == "99999999-8888-7777-6666-555555555555");
  ManagedIdentityId object = parse_managed_identity("object_id:aaaa-1");
  CHECK(object.selector == IdentitySelector::ObjectId);
  CHECK(object.value == "aaaa-1");
  CHECK(cache_name(object) == "object_id:aaaa-1");
  std::string resource =
      "/subscriptions/0/resourceGroups/g/providers/Microsoft.ManagedIdentity/"
      "userAssignedIdentities/mon(1)";
  ManagedIdentityId by_resource = parse_managed_identity("resource_id:" + resource);
  CHECK(by_resource.selector == IdentitySelector::ResourceId);
  CHECK(cache_name(by_resource) == "resource_id:" + resource);
  CHECK(describe(by_resource) == "user-assigned, resource ID " + resource);
  CHECK(cache_name(parse_managed_identity("")) == "system");
  CHECK_THROWS_WITH_AS(parse_managed_identity("resource_id:/tmp/x"),
                       doctest::Contains("invalid managed identity resource ID"), UsageError);
  CHECK_THROWS_WITH_AS(parse_managed_identity("resource_id:/subscriptions/a&b=c"),
                       doctest::Contains("invalid managed identity resource ID"), UsageError);
  CHECK_THROWS_AS(parse_managed_identity("object_id:a b"), UsageError);
  CHECK_THROWS_AS(parse_managed_identity("client_id:"), UsageError);
}

TEST_CASE("source detection in MSAL's order; IMDS never when an identity variable is set") {
  auto app = find_managed_identity_endpoint(
      environment({{"IDENTITY_ENDPOINT", "http://localhost:8081/msi/token"},
                   {"IDENTITY_HEADER", "h"},
                   {"IMDS_ENDPOINT", "http://localhost:40342"}}),
      existing({"/opt/azcmagent/bin/himds"}));
  CHECK(app.source == ManagedIdentitySource::AppService);
  CHECK(app.api_version == "2019-08-01");
  CHECK(app.identity_header == "h");
  CHECK(app.token_url == "http://localhost:8081/msi/token");
  struct Refused {
    std::map<std::string, std::string> variables;
    const char *names;
  };
  for (const Refused &row :
       {Refused{{{"IDENTITY_ENDPOINT", "http://localhost:1/x"},
                 {"IDENTITY_HEADER", "h"},
                 {"IDENTITY_SERVER_THUMBPRINT", "AB"}},
                "Service Fabric"},
        Refused{{{"MSI_ENDPOINT", "http://localhost:1/x"}}, "Azure Cloud Shell"},
        Refused{{{"MSI_ENDPOINT", "http://localhost:1/x"}, {"MSI_SECRET", "s"}},
                "Azure Machine Learning"},
        Refused{{{"MSI_ENDPOINT", "http://localhost:1/x"}, {"IDENTITY_ENDPOINT", "http://l/x"},
                 {"IMDS_ENDPOINT", "http://localhost:1"}},
                "Azure Cloud Shell"},
        Refused{{{"IDENTITY_HEADER", "h"}}, "IDENTITY_HEADER is set without IDENTITY_ENDPOINT"},
        Refused{{{"IMDS_ENDPOINT", "http://localhost:1"}},
                "IMDS_ENDPOINT is set without IDENTITY_ENDPOINT"}}) {
    CAPTURE(row.names);
    CHECK_THROWS_WITH_AS(find_managed_identity_endpoint(environment(row.variables), existing()),
                         doctest::Contains(row.names), ConfigError);
  }
}

namespace {

std::string base64url(const std::string &text) {
  static const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : text) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) {
    out += alphabet[(buffer << (6 - bits)) & 63];
  }
  return out;
}

std::string token_with(const std::string &claims) {
  return base64url(R"({"alg":"RS256"})") + "." + base64url(claims) + ".c2ln";
}

} // namespace

TEST_CASE("an Arc user-assigned identity is verified against the answer or the token's claims") {
  ManagedIdentityId user{IdentitySelector::ClientId, "99999999-8888-7777-6666-555555555555"};
  std::string system_token = token_with(R"({"appid":"88888888-0000-0000-0000-000000000000",)"
                                        R"("oid":"o-system","xms_mirid":"/subscriptions/s/vm"})");
  std::string user_token = token_with(R"({"appid":"99999999-8888-7777-6666-555555555555",)"
                                      R"("oid":"o-user","xms_mirid":"/subscriptions/s/UAMI"})");
  CHECK_NOTHROW(verify_returned_identity(user, user_token, ""));
  CHECK_NOTHROW(verify_returned_identity(user, system_token, "99999999-8888-7777-6666-555555555555"));
  CHECK_THROWS_WITH_AS(verify_returned_identity(user, system_token, ""),
                       doctest::Contains("client ID 88888888-0000-0000-0000-000000000000, not "
                                         "99999999-8888-7777-6666-555555555555"),
                       ConfigError);
  CHECK_THROWS_AS(verify_returned_identity(user, user_token, "88888888-0000-0000-0000-000000000000"),
                  ConfigError);
  CHECK_NOTHROW(verify_returned_identity({IdentitySelector::ObjectId, "o-user"}, user_token, ""));
  CHECK_THROWS_AS(verify_returned_identity({IdentitySelector::ObjectId, "o-user"}, system_token, ""),
                  ConfigError);
  CHECK_NOTHROW(
      verify_returned_identity({IdentitySelector::ResourceId, "/subscriptions/s/uami"}, user_token, ""));
  CHECK_THROWS_WITH_AS(verify_returned_identity(user, "not-a-jwt", ""),
                       doctest::Contains("cannot verify"), ConfigError);
  CHECK_NOTHROW(verify_returned_identity({}, "not-a-jwt", ""));
}
