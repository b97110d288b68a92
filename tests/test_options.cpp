// SPDX-License-Identifier: GPL-3.0-or-later
// The command line: defaults, every option in every form, environment fallbacks, validation,
// --help.
#include "lib/credential_kinds.hpp"
#include "lib/errors.hpp"
#include "lib/options.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

#include <doctest/doctest.h>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace cps;

namespace {

using Args = std::vector<std::string>;

const std::string tenant = "11111111-2222-3333-4444-555555555555";
const std::string client = "66666666-7777-8888-9999-000000000000";

// The required options plus extra.
Config parse(Args extra, const Environment &env = environment()) {
  Args args = {"-T", tenant, "-C", client};
  args.insert(args.end(), extra.begin(), extra.end());
  return parse_options(args, env);
}

struct OptionForms {
  Args forms[4];
  std::function<void(const Config &)> check;
};

} // namespace

TEST_CASE("options: defaults") {
  Config config = parse({});
  CHECK(config.action == Action::Check);
  CHECK(config.tenant == tenant);
  CHECK(config.client_id == client);
  CHECK(config.client_secret_file.empty());
  CHECK(range_in_seconds(config.password_sync.warning) == "259200");
  CHECK_FALSE(config.password_sync.critical.has_value());
  CHECK(range_in_seconds(config.dirsync.warning) == "259200");
  CHECK_FALSE(config.dirsync.critical.has_value());
  CHECK(config.password_sync_mode == PasswordSyncMode::Require);
  CHECK(config.credential_warning == 2592000); // 30d
  CHECK(config.credential_critical == 604800); // 7d
  CHECK(config.timeout == std::chrono::milliseconds(10000));
  CHECK(config.timeout_state == State::Critical);
  CHECK(config.authority_host == "https://login.microsoftonline.com");
  CHECK(config.graph_endpoint == "https://graph.microsoft.com");
  CHECK(config.ca_file.empty());
  CHECK(config.token_cache);
  CHECK(config.verbosity == 0);
}

TEST_CASE("options: every option in its long, --opt=value, short and attached forms") {
  const std::vector<OptionForms> table = {
      {{{"--tenant", "contoso.onmicrosoft.com"},
        {"--tenant=contoso.onmicrosoft.com"},
        {"-T", "contoso.onmicrosoft.com"},
        {"-Tcontoso.onmicrosoft.com"}},
       [](const Config &c) { CHECK(c.tenant == "contoso.onmicrosoft.com"); }},
      {{{"--client-id", "abc-123"}, {"--client-id=abc-123"}, {"-C", "abc-123"}, {"-Cabc-123"}},
       [](const Config &c) { CHECK(c.client_id == "abc-123"); }},
      {{{"--client-secret-file", "/etc/secret"}, {"--client-secret-file=/etc/secret"}},
       [](const Config &c) { CHECK(c.client_secret_file == "/etc/secret"); }},
      {{{"--warning", "1h:2h"}, {"--warning=1h:2h"}, {"-w", "1h:2h"}, {"-w1h:2h"}},
       [](const Config &c) { CHECK(range_in_seconds(c.password_sync.warning) == "3600:7200"); }},
      {{{"--critical", "5d"}, {"--critical=5d"}, {"-c", "5d"}, {"-c5d"}},
       [](const Config &c) {
         REQUIRE(c.password_sync.critical.has_value());
         CHECK(range_in_seconds(*c.password_sync.critical) == "432000");
       }},
      {{{"--dirsync-warning", "36h"}, {"--dirsync-warning=36h"}},
       [](const Config &c) { CHECK(range_in_seconds(c.dirsync.warning) == "129600"); }},
      {{{"--dirsync-critical", "@1w:"}, {"--dirsync-critical=@1w:"}},
       [](const Config &c) {
         REQUIRE(c.dirsync.critical.has_value());
         CHECK(range_in_seconds(*c.dirsync.critical) == "@604800:");
       }},
      {{{"--credential-warning", "2w"}, {"--credential-warning=2w"}},
       [](const Config &c) { CHECK(c.credential_warning == 1209600); }},
      {{{"--credential-critical", "36h"}, {"--credential-critical=36h"}},
       [](const Config &c) { CHECK(c.credential_critical == 129600); }},
      {{{"--password-sync", "ignore"}, {"--password-sync=ignore"}},
       [](const Config &c) { CHECK(c.password_sync_mode == PasswordSyncMode::Ignore); }},
      {{{"--timeout", "30:UNKNOWN"},
        {"--timeout=30:UNKNOWN"},
        {"-t", "30:UNKNOWN"},
        {"-t30:UNKNOWN"}},
       [](const Config &c) {
         CHECK(c.timeout == std::chrono::milliseconds(30000));
         CHECK(c.timeout_state == State::Unknown);
       }},
      {{{"--authority-host", "https://127.0.0.1:8443"},
        {"--authority-host=https://127.0.0.1:8443"}},
       [](const Config &c) { CHECK(c.authority_host == "https://127.0.0.1:8443"); }},
      {{{"--graph-endpoint", "https://127.0.0.1:9443"},
        {"--graph-endpoint=https://127.0.0.1:9443"}},
       [](const Config &c) { CHECK(c.graph_endpoint == "https://127.0.0.1:9443"); }},
      {{{"--ca-file", "/tmp/ca.pem"}, {"--ca-file=/tmp/ca.pem"}},
       [](const Config &c) { CHECK(c.ca_file == "/tmp/ca.pem"); }},
      {{{"--no-token-cache"}}, [](const Config &c) { CHECK_FALSE(c.token_cache); }},
      {{{"--verbose"}, {"-v"}}, [](const Config &c) { CHECK(c.verbosity == 1); }},
      {{{"-vvv"}, {"-v", "-v", "-v"}, {"--verbose", "-vv"}, {"-v", "--verbose", "--verbose"}},
       [](const Config &c) { CHECK(c.verbosity == 3); }},
  };
  for (const OptionForms &row : table) {
    for (const Args &form : row.forms) {
      if (form.empty()) {
        continue;
      }
      CAPTURE(form.front());
      row.check(parse(form));
    }
  }
}

TEST_CASE("options: a later option overrides an earlier one") {
  Config config = parse({"-w", "1h", "-w", "2h", "-T", "contoso.onmicrosoft.com"});
  CHECK(range_in_seconds(config.password_sync.warning) == "7200");
  CHECK(config.tenant == "contoso.onmicrosoft.com");
}

TEST_CASE("options: short flags cluster with a value-taking option last") {
  Config config = parse({"-vvt5"});
  CHECK(config.verbosity == 2);
  CHECK(config.timeout == std::chrono::milliseconds(5000));
}

TEST_CASE("options: environment fallbacks and the command line overriding them") {
  Environment env = environment({{"AZURE_TENANT_ID", "contoso.onmicrosoft.com"},
                                 {"AZURE_CLIENT_ID", "env-client"},
                                 {"AZURE_AUTHORITY_HOST", "https://127.0.0.1:8443/"}});
  Config from_env = parse_options({}, env);
  CHECK(from_env.tenant == "contoso.onmicrosoft.com");
  CHECK(from_env.client_id == "env-client");
  CHECK(from_env.authority_host == "https://127.0.0.1:8443"); // trailing slash stripped

  Config overridden = parse_options(
      {"-T", tenant, "--client-id", client, "--authority-host", "https://login.microsoftonline.us"},
      env);
  CHECK(overridden.tenant == tenant);
  CHECK(overridden.client_id == client);
  CHECK(overridden.authority_host == "https://login.microsoftonline.us");

  // An unusable environment value does not matter when the command line replaces it.
  Environment bad = environment({{"AZURE_TENANT_ID", "a/b"}, {"AZURE_AUTHORITY_HOST", "http://x"}});
  Config fixed =
      parse_options({"-T", tenant, "-C", client, "--authority-host", "https://x.example"}, bad);
  CHECK(fixed.tenant == tenant);
  CHECK(fixed.authority_host == "https://x.example");

  // The environment is validated like the command line.
  for (const char *tenant_value : {"a/b", "../x", "a b"}) {
    INFO("AZURE_TENANT_ID := " << std::string(tenant_value));
    CHECK_THROWS_AS(parse_options({"-C", client}, environment({{"AZURE_TENANT_ID", tenant_value}})),
                    UsageError);
    CHECK_THROWS_AS(parse_options({"-T", tenant}, environment({{"AZURE_CLIENT_ID", tenant_value}})),
                    UsageError);
  }
  CHECK_THROWS_AS(parse_options({"-T", tenant, "-C", client},
                                environment({{"AZURE_AUTHORITY_HOST", "http://login.example"}})),
                  UsageError);

  // An empty AZURE_AUTHORITY_HOST keeps the default.
  Config empty_host = parse({}, environment({{"AZURE_AUTHORITY_HOST", ""}}));
  CHECK(empty_host.authority_host == "https://login.microsoftonline.com");
}

TEST_CASE("options: the secret never comes from the command line or AZURE_* besides its file") {
  CHECK_THROWS_AS(parse({"--client-secret", "hunter2"}), UsageError);
  Config config = parse({}, environment({{"AZURE_CLIENT_SECRET", "hunter2"}}));
  CHECK(config.client_secret_file.empty());
}

TEST_CASE("options: tenant and client ID are required") {
  CHECK_THROWS_WITH_AS(parse_options({"-C", client}, environment()),
                       doctest::Contains("AZURE_TENANT_ID"), UsageError);
  CHECK_THROWS_WITH_AS(parse_options({"-T", tenant}, environment()),
                       doctest::Contains("AZURE_CLIENT_ID"), UsageError);
  CHECK_THROWS_AS(parse_options({"-T", "", "-C", client}, environment()), UsageError);
  CHECK_THROWS_AS(parse_options({"--tenant=", "-C", client}, environment()), UsageError);
}

TEST_CASE("options: -t forms") {
  struct Case {
    const char *value;
    long long milliseconds;
    State state;
  };
  for (const Case &row : std::vector<Case>{{"10", 10000, State::Critical},
                                           {"2.5", 2500, State::Critical},
                                           {"10:UNKNOWN", 10000, State::Unknown},
                                           {"10:unknown", 10000, State::Unknown},
                                           {"10:WARNING", 10000, State::Warning},
                                           {"10:OK", 10000, State::Ok},
                                           {"10:3", 10000, State::Unknown},
                                           {"10:CRITICAL", 10000, State::Critical},
                                           {"3600", 3600000, State::Critical},
                                           {"0.5", 500, State::Critical}}) {
    INFO("row.value := " << std::string(row.value));
    Config config = parse({"-t", row.value});
    CHECK(config.timeout == std::chrono::milliseconds(row.milliseconds));
    CHECK(config.timeout_state == row.state);
  }
  for (const char *value : {"5:w?", "0", "0:OK", "3601", "abc", "", ":", "10:", "-1", "10s", "nan",
                            "inf", "10:BOGUS", "10:4"}) {
    INFO("value := " << std::string(value));
    CHECK_THROWS_AS(parse({"-t", value}), UsageError);
  }
}

TEST_CASE("options: --password-sync values") {
  CHECK(parse({"--password-sync", "require"}).password_sync_mode == PasswordSyncMode::Require);
  CHECK(parse({"--password-sync", "ignore"}).password_sync_mode == PasswordSyncMode::Ignore);
  for (const char *value : {"", "yes", "off", "requires", "ignored"}) {
    INFO("value := " << std::string(value));
    CHECK_THROWS_AS(parse({"--password-sync", value}), UsageError);
  }
}

TEST_CASE("options: range options reject bad ranges") {
  for (const char *option : {"-w", "-c", "--dirsync-warning", "--dirsync-critical"}) {
    INFO("option := " << std::string(option));
    CHECK_THROWS_AS(parse({option, "5:1"}), UsageError);
    CHECK_THROWS_AS(parse({option, "1.5h"}), UsageError);
  }
}

TEST_CASE("options: credential thresholds are durations, 0 allowed, negative refused") {
  CHECK(parse({"--credential-warning=0"}).credential_warning == 0);
  for (const char *option : {"--credential-warning", "--credential-critical"}) {
    CAPTURE(option);
    CHECK_THROWS_AS(parse({option, "-1d"}), UsageError);
    CHECK_THROWS_AS(parse({option, "soon"}), UsageError);
    CHECK_THROWS_AS(parse({option, "30d:"}), UsageError);
  }
}

TEST_CASE("options: URLs must be https and lose their trailing slash") {
  for (const char *option : {"--authority-host", "--graph-endpoint"}) {
    INFO("option := " << std::string(option));
    auto url_of = [option](const Config &config) {
      return std::string(option) == "--authority-host" ? config.authority_host
                                                       : config.graph_endpoint;
    };
    CHECK(url_of(parse({option, "https://127.0.0.1:8443/"})) == "https://127.0.0.1:8443");
    CHECK(url_of(parse({option, "https://host.example//"})) == "https://host.example");
    CHECK(url_of(parse({option, "https://host.example/base"})) == "https://host.example/base");
    for (const char *bad :
         {"http://127.0.0.1:8443", "https://", "https:///", "ftp://x", "127.0.0.1:8443", "",
          "https://a b", "https://x/?q=1", "https://x/#f", "HTTP://x"}) {
      INFO("bad := " << std::string(bad));
      CHECK_THROWS_AS(parse({option, bad}), UsageError);
    }
  }
}

TEST_CASE("options: tenant and client ID validation") {
  for (const char *good : {"11111111-2222-3333-4444-555555555555", "contoso.onmicrosoft.com",
                           "organizations", "my_tenant"}) {
    INFO("good := " << std::string(good));
    CHECK(parse({"-T", good}).tenant == good);
    CHECK(parse({"-C", good}).client_id == good);
  }
  for (const char *bad : {"../x", "a/b", "a b", "..", ".x", "a..b", "a?b", "a#b", "a%2Fb", "a&b",
                          "a\nb", "a:b", "a@b"}) {
    INFO("bad := " << std::string(bad));
    CHECK_THROWS_AS(parse({"-T", bad}), UsageError);
    CHECK_THROWS_AS(parse({"-C", bad}), UsageError);
  }
  CHECK_NOTHROW(parse({"-T", std::string(253, 'a')}));
  CHECK_THROWS_AS(parse({"-T", std::string(254, 'a')}), UsageError);
}

TEST_CASE("options: unknown options, missing values, positional arguments") {
  CHECK_THROWS_WITH_AS(parse({"--frobnicate"}), doctest::Contains("--frobnicate"), UsageError);
  CHECK_THROWS_AS(parse({"--frobnicate=1"}), UsageError);
  CHECK_THROWS_WITH_AS(parse({"-x"}), doctest::Contains("-x"), UsageError);
  CHECK_THROWS_AS(parse({"-vx"}), UsageError);
  CHECK_THROWS_WITH_AS(parse({"-w"}), doctest::Contains("needs a value"), UsageError);
  CHECK_THROWS_WITH_AS(parse({"--warning"}), doctest::Contains("needs a value"), UsageError);
  CHECK_THROWS_AS(parse_options({"-T"}, environment()), UsageError);
  CHECK_THROWS_AS(parse({"--no-token-cache=yes"}), UsageError);
  CHECK_THROWS_AS(parse({"--verbose=2"}), UsageError);
  CHECK_THROWS_WITH_AS(parse({"extra"}), doctest::Contains("extra"), UsageError);
  CHECK_THROWS_AS(parse({"-"}), UsageError);
  CHECK_THROWS_AS(parse({"--"}), UsageError);
  CHECK_THROWS_AS(parse({"--TENANT", tenant}), UsageError); // long names are case-sensitive
}

TEST_CASE("options: a value may start with a dash") {
  // "-w" takes the next argument whatever it looks like, as getopt does.
  CHECK_THROWS_AS(parse({"-w", "-5"}), UsageError); // parsed as a range, inverted: rejected
  CHECK(parse({"--ca-file", "-odd-name"}).ca_file == "-odd-name");
}

TEST_CASE("options: help and version need no tenant") {
  CHECK(parse_options({"-h"}, environment()).action == Action::Help);
  CHECK(parse_options({"--help"}, environment()).action == Action::Help);
  CHECK(parse_options({"-V"}, environment()).action == Action::Version);
  CHECK(parse_options({"--version"}, environment()).action == Action::Version);
  CHECK(parse_options({"-v", "--help"}, environment()).action == Action::Help);
  CHECK(version_text().rfind("check_password_sync ", 0) == 0);
  CHECK(version_text().back() == '\n');
}

TEST_CASE("options: help_text mentions every option and fits 80 columns") {
  std::string help = help_text();
  for (const char *option : {"--tenant", "--client-id", "--client-secret-file", "--warning",
                             "--critical", "--dirsync-warning", "--dirsync-critical",
                             "--password-sync", "--timeout", "--authority-host", "--graph-endpoint",
                             "--ca-file", "--no-token-cache", "--verbose", "--help", "--version"}) {
    INFO("option := " << std::string(option));
    CHECK(help.find(option) != std::string::npos);
  }
  for (const char *text : {"-T,", "-C,", "-w,", "-c,", "-t,", "-v,", "-h,", "-V,",
                           "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET",
                           "AZURE_AUTHORITY_HOST", "10:CRITICAL", "require|ignore"}) {
    INFO("text := " << std::string(text));
    CHECK(help.find(text) != std::string::npos);
  }
  std::istringstream lines(help);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    CAPTURE(line);
    CHECK(line.size() <= 80);
    CHECK(line.find('\t') == std::string::npos);
    ++count;
  }
  CHECK(count > 20);
}

// "0" is refused as no time at all, but a positive value below 1 ms truncates to a 0 ms budget, so
// the check times out before its first request. Skipped until lib/options.cpp refuses it too.
TEST_CASE("options: -t below one millisecond is refused, not turned into 0 ms") {
  for (const char *value : {"0.0001", "0.0009"}) {
    INFO("value := " << std::string(value));
    bool usable = true;
    try {
      usable = parse({"-t", value}).timeout.count() > 0;
    } catch (const UsageError &) {
      usable = true; // refused: fine
    }
    CHECK(usable);
  }
}

namespace {

// An ini file for --extra-opts, removed when the test ends.
class IniFile {
public:
  explicit IniFile(const std::string &section_body)
      : path_(folder_.file("plugins.ini", "[check_password_sync]\n" + section_body)) {}
  std::string option() const { return "--extra-opts=@" + path_; }

private:
  test::TempDir folder_;
  std::string path_;
};

// The options an ini section gives, then the command line's.
Config parse_with_ini(const std::string &section_body, Args command_line) {
  IniFile ini(section_body);
  command_line.push_back(ini.option());
  return parse(command_line);
}

// A value for each credential kind's option, as an ini line and as a command-line argument.
std::string credential_value(const CredentialKindSpec &kind) {
  return kind.argument == "FILE" ? "/etc/cps/" + std::string(kind.option) : "";
}

} // namespace

TEST_CASE("options: the command line wins over --extra-opts for options that negate each other") {
  struct Case {
    const char *name;
    std::string ini;
    Args command_line;
    std::function<void(const Config &)> check;
  };
  const std::vector<Case> table = {
      {"--token-cache DIR over no-token-cache", "no-token-cache\n", {"--token-cache", "/var/c"},
       [](const Config &c) {
         CHECK(c.token_cache);
         CHECK(c.token_cache_dir == "/var/c");
       }},
      {"--no-token-cache over token-cache = DIR", "token-cache = /var/c\n", {"--no-token-cache"},
       [](const Config &c) { CHECK_FALSE(c.token_cache); }},
      {"--cloud over the file's hosts",
       "authority-host = https://a.example\ngraph-endpoint = https://g.example\n",
       {"--cloud", "usgov"},
       [](const Config &c) {
         CHECK(c.authority_host == "https://login.microsoftonline.us");
         CHECK(c.graph_endpoint == "https://graph.microsoft.us");
       }},
      {"--authority-host over the file's cloud, whose Graph stays", "cloud = usgov\n",
       {"--authority-host", "https://x.example"},
       [](const Config &c) {
         CHECK(c.authority_host == "https://x.example");
         CHECK(c.graph_endpoint == "https://graph.microsoft.us");
       }},
      {"-v counts from zero", "verbose\nverbose\n", {"-v"},
       [](const Config &c) { CHECK(c.verbosity == 1); }},
      {"-t 5 over timeout = 20:UNKNOWN, state included", "timeout = 20:UNKNOWN\n", {"-t", "5"},
       [](const Config &c) {
         CHECK(c.timeout == std::chrono::milliseconds(5000));
         CHECK(c.timeout_state == State::Critical);
       }},
      {"the file alone still counts", "no-token-cache\ntimeout = 20:UNKNOWN\nverbose\n", {},
       [](const Config &c) {
         CHECK_FALSE(c.token_cache);
         CHECK(c.timeout_state == State::Unknown);
         CHECK(c.verbosity == 1);
       }},
  };
  for (const Case &row : table) {
    INFO("case := " << std::string(row.name));
    row.check(parse_with_ini(row.ini, row.command_line));
  }
}

TEST_CASE("options: a credential kind on the command line replaces the file's, every pair") {
  for (const CredentialKindSpec &file_kind : credential_kinds()) {
    for (const CredentialKindSpec &line_kind : credential_kinds()) {
      if (file_kind.kind == line_kind.kind) {
        continue;
      }
      INFO("file: " << std::string(file_kind.option) << ", command line: "
                    << std::string(line_kind.option));
      std::string file_value = credential_value(file_kind);
      std::string ini = std::string(file_kind.option) +
                        (file_value.empty() ? "" : " = " + file_value) + "\n";
      std::string line_value = credential_value(line_kind);
      Config config = parse_with_ini(
          ini, {"--" + std::string(line_kind.option) + (line_value.empty() ? "" : "=" + line_value)});
      CHECK(line_kind.option_value(config) == std::optional<std::string>(line_value));
      CHECK_FALSE(file_kind.option_value(config).has_value());
    }
  }
}

TEST_CASE("options: help and version are refused in an --extra-opts section") {
  for (const char *line : {"help\n", "version\n"}) {
    INFO("ini := " << std::string(line));
    CHECK_THROWS_WITH_AS(parse_with_ini(line, {}),
                         doctest::Contains("belongs on the command line, not in an --extra-opts "
                                           "section"),
                         UsageError);
  }
}

TEST_CASE("options: an empty value is refused, on the command line and in an ini file") {
  for (const char *option : {"certificate", "client-secret-file", "token-cache",
                             "federated-token-file", "certificate-password-file", "ca-file",
                             "proxy", "tenant", "warning", "timeout", "authority-host"}) {
    INFO("option := " << std::string(option));
    CHECK_THROWS_WITH_AS(parse({"--" + std::string(option), ""}),
                         doctest::Contains(("option --" + std::string(option) +
                                            " has an empty value")
                                               .c_str()),
                         UsageError);
    CHECK_THROWS_WITH_AS(parse({"--" + std::string(option) + "="}),
                         doctest::Contains("has an empty value"), UsageError);
    CHECK_THROWS_WITH_AS(parse_with_ini(std::string(option) + " = \"\"\n", {}),
                         doctest::Contains("has an empty value"), UsageError);
  }
  // An option whose value is optional keeps its meaning: --managed-identity alone is the
  // system-assigned identity.
  CHECK(parse({"--managed-identity="}).managed_identity == std::optional<std::string>(""));
}
