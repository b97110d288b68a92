// SPDX-License-Identifier: GPL-3.0-or-later
// The credential kinds registry: every kind is parsed, chosen, loaded, named in the cache key,
// listed in --help and documented; a kind missing from any of them fails here.
#include "lib/credential_kinds.hpp"
#include "lib/credentials.hpp"
#include "lib/errors.hpp"
#include "lib/options.hpp"
#include "tests/fake_environment.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace cps;

namespace {

const std::string tenant = "contoso.onmicrosoft.com";
const std::string client = "11111111-2222-3333-4444-555555555555";

std::string file_text(const std::string &path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The user documentation: README and the guides in doc/ when they exist.
std::string user_docs() {
  std::string text = file_text("README.md");
  for (const char *guide : {"doc/credentials.md", "doc/reference.md", "doc/options.md"}) {
    text += file_text(guide);
  }
  return text;
}

std::string man_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += c == '-' ? std::string("\\-") : std::string(1, c);
  }
  return out;
}

} // namespace

TEST_CASE("credential kinds: the table is in enum order and its names are unique") {
  const auto &kinds = credential_kinds();
  CHECK(kinds.size() == 5);
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    CHECK(static_cast<std::size_t>(kinds[i].kind) == i);
    CHECK(&credential_kind(kinds[i].kind) == &kinds[i]);
    CHECK(credential_kind_for_option(kinds[i].option) == &kinds[i]);
    for (std::size_t j = i + 1; j < kinds.size(); ++j) {
      CHECK(kinds[i].option != kinds[j].option);
      CHECK((kinds[i].environment.empty() || kinds[i].environment != kinds[j].environment));
    }
  }
  CHECK(credential_kind_for_option("tenant") == nullptr);
}

TEST_CASE("credential kinds: each option is parsed, and a command-line one replaces a file's") {
  for (const CredentialKindSpec &kind : credential_kinds()) {
    CAPTURE(kind.option);
    std::string value = kind.argument == "FILE" ? "/etc/check/x" : client;
    Config config = parse_options(
        {"-T", tenant, "-C", client, "--" + std::string(kind.option) + "=" + value}, environment());
    REQUIRE(kind.option_value(config).has_value());
    CHECK(*kind.option_value(config) == value);
    for (const CredentialKindSpec &other : credential_kinds()) {
      CHECK(other.option_value(config).has_value() == (&other == &kind));
    }
    kind.clear(config);
    CHECK_FALSE(kind.option_value(config).has_value());
  }
}

TEST_CASE("credential kinds: each is chosen by its option and named in the token cache key") {
  Trace trace(0);
  for (const CredentialKindSpec &kind : credential_kinds()) {
    CAPTURE(kind.option);
    Config config;
    config.tenant = tenant;
    config.client_id = client;
    // Files that do not exist: only the kinds that read their file while loading may fail.
    kind.set(config, kind.argument == "FILE" ? "/nonexistent/cps-kind" : "");
    try {
      auto credential = choose_credential(config, environment(), trace);
      CHECK(credential->kind() == kind.kind);
      std::string prefix(kind.cache_identity.substr(0, kind.cache_identity.find('<')));
      CHECK(credential->identity().rfind(prefix, 0) == 0);
      CHECK(credential->description().find(kind.description) != std::string::npos);
    } catch (const ConfigError &error) {
      CHECK(std::string(error.what()).find("/nonexistent/cps-kind") != std::string::npos);
    }
  }
}

TEST_CASE("credential kinds: each variable chooses its kind when no option is given") {
  Trace trace(0);
  Config config;
  config.tenant = tenant;
  config.client_id = client;
  for (const CredentialKindSpec &kind : credential_kinds()) {
    if (kind.environment.empty()) {
      continue;
    }
    CAPTURE(kind.environment);
    try {
      auto credential = choose_credential(
          config, environment({{std::string(kind.environment), "/nonexistent/cps-kind"}}), trace);
      CHECK(credential->kind() == kind.kind);
    } catch (const ConfigError &error) {
      CHECK(std::string(error.what()).find("/nonexistent/cps-kind") != std::string::npos);
    }
  }
}

TEST_CASE("credential kinds: --help, the no-credential message and the docs name every kind") {
  std::string help = help_text();
  std::string none = every_credential_way();
  std::string docs = user_docs();
  std::string man = file_text("man/check_password_sync.1");
  REQUIRE_FALSE(docs.empty());
  REQUIRE_FALSE(man.empty());
  for (const CredentialKindSpec &kind : credential_kinds()) {
    std::string option = "--" + std::string(kind.option);
    CAPTURE(option);
    CHECK(help.find(option) != std::string::npos);
    CHECK(credential_help_paragraph().find(option) != std::string::npos);
    CHECK(none.find(option) != std::string::npos);
    CHECK(docs.find(option) != std::string::npos);
    CHECK(man.find(man_escaped(option)) != std::string::npos);
    if (!kind.environment.empty()) {
      CHECK(none.find(kind.environment) != std::string::npos);
      CHECK(docs.find(kind.environment) != std::string::npos);
      CHECK(man.find(man_escaped(kind.environment)) != std::string::npos);
    }
  }
}
