// SPDX-License-Identifier: GPL-3.0-or-later
// The command line: the option table, --help text, and the Config it builds.
#include "options.hpp"

#include "cloud.hpp"
#include "credential_kinds.hpp"
#include "duration.hpp"
#include "errors.hpp"
#include "extra_opts.hpp"
#include "identifier.hpp"
#include "version.hpp"

#include <array>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace cps {
namespace {

struct OptionSpec {
  char short_name; // '\0' when the option has only a long name
  std::string_view long_name;
  std::string_view argument; // empty for a flag
  std::string_view help;     // lines separated by '\n'
  void (*apply)(Config &config, std::string_view value);
  bool optional_value = false; // --name, --name=VALUE or --name VALUE (when VALUE lacks a '-')
  // What an --extra-opts file said that this option replaces when it is on the command line
  // (the options that negate or outrank each other share one); nullptr: apply alone replaces it.
  void (*forget)(Config &config) = nullptr;
  bool command_line_only = false; // refused in an --extra-opts section
};

// --- what a command-line option makes the plugin forget from --extra-opts -------------------

void forget_token_cache(Config &config) {
  config.token_cache = true;
  config.token_cache_dir.clear();
}

void forget_credential(Config &config) {
  for (const CredentialKindSpec &kind : credential_kinds()) {
    kind.clear(config);
  }
}

// --cloud on the command line outranks hosts an --extra-opts file named.
void forget_hosts(Config &config) {
  config.cloud.clear();
  config.authority_host_given = false;
  config.graph_endpoint_given = false;
}

void forget_timeout(Config &config) {
  config.timeout = Config{}.timeout;
  config.timeout_state = Config{}.timeout_state;
}

void forget_verbosity(Config &config) {
  config.verbosity = 0;
}

std::string to_upper(std::string_view text) {
  std::string upper(text);
  for (char &c : upper) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return upper;
}

State parse_state(std::string_view text) {
  std::string name = to_upper(text);
  if (name == "OK" || name == "0") {
    return State::Ok;
  }
  if (name == "WARNING" || name == "1") {
    return State::Warning;
  }
  if (name == "CRITICAL" || name == "2") {
    return State::Critical;
  }
  if (name == "UNKNOWN" || name == "3") {
    return State::Unknown;
  }
  throw UsageError("invalid state '" + std::string(text) +
                   "': use OK, WARNING, CRITICAL or UNKNOWN");
}

// "10", "2.5" or "10:UNKNOWN".
void apply_timeout(Config &config, std::string_view value) {
  std::size_t colon = value.find(':');
  std::string seconds_text(value.substr(0, colon));
  if (colon != std::string_view::npos) {
    config.timeout_state = parse_state(value.substr(colon + 1));
  }
  char *end = nullptr;
  double seconds = std::strtod(seconds_text.c_str(), &end);
  if (seconds_text.empty() || end != seconds_text.c_str() + seconds_text.size() ||
      !(seconds >= 0.001 && seconds <= 3600)) {
    throw UsageError("invalid timeout '" + std::string(value) +
                     "': use seconds, more than 0 and at most 3600, optionally with :STATE");
  }
  config.timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

std::string https_url(std::string_view value, std::string_view option) {
  std::string url(value);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  if (url.rfind("https://", 0) != 0 || url.size() <= 8 ||
      url.find_first_of(" \t\r\n?#") != std::string::npos) {
    throw UsageError(std::string(option) + " must be an https:// URL, got '" + std::string(value) +
                     "'");
  }
  return url;
}

// A time left such as 30d; 0 turns the alert off, a negative one means nothing.
std::int64_t time_left(std::string_view value, std::string_view option) {
  std::int64_t seconds = parse_duration(value);
  if (seconds < 0) {
    throw UsageError("invalid " + std::string(option) + " '" + std::string(value) +
                     "': use a duration such as 30d, 2w or 0");
  }
  return seconds;
}

// --- credential, cloud and proxy options ----------------------------------------------------

AssertionAlgorithm parse_assertion_algorithm(std::string_view value) {
  std::string name = to_upper(value);
  if (name == "PS256") {
    return AssertionAlgorithm::PS256;
  }
  if (name == "RS256") {
    return AssertionAlgorithm::RS256;
  }
  throw UsageError("invalid --assertion-alg '" + std::string(value) + "': use PS256 or RS256");
}

std::string cloud_name(std::string_view value) {
  if (find_cloud(value) == nullptr) {
    std::string names;
    for (const CloudEndpoints &cloud : known_clouds()) {
      names += (names.empty() ? "" : ", ") + std::string(cloud.name);
    }
    throw UsageError("unknown --cloud '" + std::string(value) + "': use " + names);
  }
  return std::string(value);
}

std::string proxy_url(std::string_view value) {
  static constexpr std::array<std::string_view, 6> schemes{"http://",    "https://",  "socks4://",
                                                           "socks4a://", "socks5://", "socks5h://"};
  bool known = false;
  for (std::string_view scheme : schemes) {
    known = known || (value.rfind(scheme, 0) == 0 && value.size() > scheme.size());
  }
  if (!known || value.find_first_of(" \t\r\n") != std::string_view::npos) {
    throw UsageError("--proxy must be a URL such as http://proxy.example:3128 (also https://, "
                     "socks5h://)");
  }
  return std::string(value);
}

// Options before the credential kinds in --help; the kinds come from credential_kinds().
const OptionSpec options_before_credentials[] = {
    {'T', "tenant", "ID|DOMAIN",
     "Tenant ID (GUID) or a verified domain such as contoso.onmicrosoft.com.\n"
     "Default: environment AZURE_TENANT_ID.",
     [](Config &c, std::string_view v) { c.tenant = checked_identifier(v, "tenant"); }},
    {'C', "client-id", "ID",
     "Application (client) ID of the Entra app registration.\n"
     "Default: environment AZURE_CLIENT_ID.",
     [](Config &c, std::string_view v) { c.client_id = checked_identifier(v, "client ID"); }},
};

const OptionSpec options_after_credentials[] = {
    {'\0', "certificate-password-file", "FILE",
     "Password of the PKCS#12 file or encrypted PEM key, read from FILE.\n"
     "Default: environment AZURE_CLIENT_CERTIFICATE_PASSWORD.",
     [](Config &c, std::string_view v) { c.certificate_password_file = std::string(v); }},
    {'\0', "assertion-alg", "PS256|RS256",
     "Signature of the certificate's client assertion: PS256 with an\n"
     "x5t#S256 thumbprint, or RS256 with an x5t (SHA-1) thumbprint for older\n"
     "setups. Default: PS256.",
     [](Config &c, std::string_view v) { c.assertion_algorithm = parse_assertion_algorithm(v); }},
    {'w', "warning", "RANGE", "Warning range for the password-sync age. Default: 3d.",
     [](Config &c, std::string_view v) { c.password_sync.warning = parse_range(v); }},
    {'c', "critical", "RANGE", "Critical range for the password-sync age. Default: none.",
     [](Config &c, std::string_view v) { c.password_sync.critical = parse_range(v); }},
    {'\0', "dirsync-warning", "RANGE", "Warning range for the directory-sync age. Default: 3d.",
     [](Config &c, std::string_view v) { c.dirsync.warning = parse_range(v); }},
    {'\0', "dirsync-critical", "RANGE", "Critical range for the directory-sync age. Default: none.",
     [](Config &c, std::string_view v) { c.dirsync.critical = parse_range(v); }},
    {'\0', "credential-warning", "DURATION",
     "WARNING when the plugin's own client secret or certificate has less\n"
     "than DURATION left (0: never). A secret's end date is read from Graph\n"
     "with the optional permission Application.Read.All. Default: 30d.\n"
     "With both this and --credential-critical 0 no alert comes from the end\n"
     "date and a secret's is not asked for (e.g. in an MSP's customer\n"
     "tenants, where the app is not registered).",
     [](Config &c, std::string_view v) {
       c.credential_warning = time_left(v, "--credential-warning");
     }},
    {'\0', "credential-critical", "DURATION",
     "CRITICAL when it has less than DURATION left; an expired one is\n"
     "CRITICAL (with both thresholds 0 only once no cached token is left).\n"
     "Default: 7d.",
     [](Config &c, std::string_view v) {
       c.credential_critical = time_left(v, "--credential-critical");
     }},
    {'\0', "password-sync", "require|ignore",
     "require: CRITICAL when password hash sync is switched off, WARNING when\n"
     "it is stale. ignore: check directory sync only (tenants without password\n"
     "hash sync). Default: require.",
     [](Config &c, std::string_view v) {
       if (v == "require") {
         c.password_sync_mode = PasswordSyncMode::Require;
       } else if (v == "ignore") {
         c.password_sync_mode = PasswordSyncMode::Ignore;
       } else {
         throw UsageError("invalid --password-sync '" + std::string(v) +
                          "': use require or ignore");
       }
     }},
    {'t', "timeout", "SECONDS[:STATE]",
     "One deadline for the whole check, and the state to report when it\n"
     "passes. Default: 10:CRITICAL.",
     apply_timeout, false, forget_timeout},
    {'\0', "authority-host", "URL",
     "Microsoft Entra token host. Default: environment AZURE_AUTHORITY_HOST,\n"
     "else https://login.microsoftonline.com.",
     [](Config &c, std::string_view v) {
       c.authority_host = https_url(v, "--authority-host");
       c.authority_host_given = true;
     }},
    {'\0', "graph-endpoint", "URL",
     "Microsoft Graph endpoint. Default: https://graph.microsoft.com.",
     [](Config &c, std::string_view v) {
       c.graph_endpoint = https_url(v, "--graph-endpoint");
       c.graph_endpoint_given = true;
     }},
    {'\0', "cloud", "global|usgov|usgovdod|china|bleu|delos|govsg",
     "Microsoft cloud: sets the token host and the Graph endpoint (usgov: GCC\n"
     "High, usgovdod: DoD, china: 21Vianet, bleu: France, delos: Germany,\n"
     "govsg: Singapore government). --authority-host and --graph-endpoint\n"
     "still win. Default: the cloud whose token host AZURE_AUTHORITY_HOST\n"
     "names, else global.",
     [](Config &c, std::string_view v) { c.cloud = cloud_name(v); }, false, forget_hosts},
    {'\0', "ca-file", "FILE",
     "Trust the CA certificates in FILE as well as the system's (for\n"
     "TLS-inspecting proxies). Certificates are always verified.",
     [](Config &c, std::string_view v) { c.ca_file = std::string(v); }},
    {'\0', "proxy", "URL",
     "Send the token and Graph requests through this proxy. Default: libcurl's\n"
     "https_proxy/no_proxy environment. Managed identity endpoints are\n"
     "always reached directly.",
     [](Config &c, std::string_view v) { c.proxy = proxy_url(v); }},
    {'\0', "extra-opts", "[SECTION][@FILE]",
     "Read options from SECTION (default: check_password_sync) of an ini\n"
     "file (default: MP_CONFIG_FILE, else the first of the Monitoring\n"
     "Plugins locations, /etc/monitoring-plugins/monitoring-plugins.ini,\n"
     "/etc/nagios/plugins.ini...). The command line overrides it.",
     [](Config &c, std::string_view v) { c.extra_opts.emplace_back(v); }, true},
    {'\0', "token-cache", "DIR",
     "Keep access tokens in DIR (created 0700; refused when it is a symlink,\n"
     "not yours, or writable by others) and reuse them until 5 minutes\n"
     "before they expire. Default: $XDG_CACHE_HOME/check_password_sync,\n"
     "else ~/.cache/check_password_sync.",
     [](Config &c, std::string_view v) {
       c.token_cache = true;
       c.token_cache_dir = std::string(v);
     },
     false, forget_token_cache},
    {'\0', "no-token-cache", "", "Fetch a new access token every time; read and write no cache.",
     [](Config &c, std::string_view) { c.token_cache = false; }, false, forget_token_cache},
    {'v', "verbose", "",
     "More detail; repeat up to three times (-vvv shows the HTTP exchange).\n"
     "Secrets and tokens are never shown.",
     [](Config &c, std::string_view) { ++c.verbosity; }, false, forget_verbosity},
    {'h', "help", "", "Show this help and exit.",
     [](Config &c, std::string_view) { c.action = Action::Help; }, false, nullptr, true},
    {'V', "version", "", "Show the version and exit.",
     [](Config &c, std::string_view) { c.action = Action::Version; }, false, nullptr, true},
};

const std::vector<OptionSpec> &option_table() {
  static const std::vector<OptionSpec> table = [] {
    std::vector<OptionSpec> all(std::begin(options_before_credentials),
                                std::end(options_before_credentials));
    for (const CredentialKindSpec &kind : credential_kinds()) {
      all.push_back({'\0', kind.option, kind.argument, kind.help, kind.set, kind.optional_value,
                     forget_credential});
    }
    all.insert(all.end(), std::begin(options_after_credentials),
               std::end(options_after_credentials));
    return all;
  }();
  return table;
}

const OptionSpec *find_long(std::string_view name) {
  for (const OptionSpec &spec : option_table()) {
    if (spec.long_name == name) {
      return &spec;
    }
  }
  return nullptr;
}

const OptionSpec *find_short(char name) {
  for (const OptionSpec &spec : option_table()) {
    if (spec.short_name != '\0' && spec.short_name == name) {
      return &spec;
    }
  }
  return nullptr;
}

class ArgumentReader {
public:
  explicit ArgumentReader(const std::vector<std::string> &args) : args_(args) {}
  bool done() const { return index_ >= args_.size(); }
  const std::string &next() { return args_[index_++]; }
  std::string value_for(std::string_view option) {
    if (done()) {
      throw UsageError("option " + std::string(option) + " needs a value");
    }
    return next();
  }
  // The next argument when it can be an optional value (it does not start with '-').
  std::optional<std::string> optional_value() {
    if (done() || args_[index_].empty() || args_[index_][0] == '-') {
      return std::nullopt;
    }
    return next();
  }

private:
  const std::vector<std::string> &args_;
  std::size_t index_ = 0;
};

// Options come in layers: --extra-opts files first, then the command line, which overrides them.
struct Layer {
  bool command_line = false;
  std::set<void (*)(Config &)> forgets; // of the options given in this layer
};

// An empty FILE, DIR, URL or RANGE is a mistake (an unset variable in a command definition).
void apply(Config &config, const OptionSpec &spec, std::string_view value, Layer &layer) {
  if (spec.command_line_only && !layer.command_line) {
    throw UsageError("--" + std::string(spec.long_name) + " belongs on the command line, not in " +
                     "an --extra-opts section");
  }
  if (!spec.argument.empty() && !spec.optional_value && value.empty()) {
    throw UsageError("option --" + std::string(spec.long_name) + " has an empty value: give " +
                     std::string(spec.argument));
  }
  if (spec.forget != nullptr) {
    layer.forgets.insert(spec.forget);
  }
  spec.apply(config, value);
}

void parse_long(Config &config, std::string_view arg, ArgumentReader &reader, Layer &layer) {
  std::string_view body = arg.substr(2);
  std::size_t equals = body.find('=');
  std::string_view name = body.substr(0, equals);
  const OptionSpec *spec = find_long(name);
  if (spec == nullptr) {
    throw UsageError("unknown option '--" + std::string(name) + "'");
  }
  if (spec->argument.empty()) {
    if (equals != std::string_view::npos) {
      throw UsageError("option --" + std::string(name) + " takes no value");
    }
    apply(config, *spec, {}, layer);
  } else if (equals != std::string_view::npos) {
    apply(config, *spec, body.substr(equals + 1), layer);
  } else if (spec->optional_value) {
    apply(config, *spec, reader.optional_value().value_or(""), layer);
  } else {
    apply(config, *spec, reader.value_for("--" + std::string(name)), layer);
  }
}

void parse_short_cluster(Config &config, std::string_view arg, ArgumentReader &reader,
                         Layer &layer) {
  for (std::size_t i = 1; i < arg.size(); ++i) {
    const OptionSpec *spec = find_short(arg[i]);
    if (spec == nullptr) {
      throw UsageError("unknown option '-" + std::string(1, arg[i]) + "'");
    }
    if (spec->argument.empty()) {
      apply(config, *spec, {}, layer);
      continue;
    }
    std::string_view attached = arg.substr(i + 1);
    apply(config, *spec,
          attached.empty() ? std::string_view(reader.value_for(arg.substr(0, i + 1))) : attached,
          layer);
    return;
  }
}

void parse_layer(Config &config, const std::vector<std::string> &args, Layer &layer) {
  ArgumentReader reader(args);
  while (!reader.done()) {
    const std::string &arg = reader.next();
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      parse_long(config, arg, reader, layer);
    } else if (arg.size() > 1 && arg[0] == '-' && arg != "--") {
      parse_short_cluster(config, arg, reader, layer);
    } else {
      throw UsageError("unexpected argument '" + arg + "'");
    }
  }
}

// Applies each --extra-opts section; the file's own errors name the file and section.
void apply_extra_opts(Config &config, const std::vector<std::string> &specs,
                      const Environment &env) {
  for (const std::string &spec : specs) {
    std::vector<std::string> arguments = read_extra_opts(spec, env, real_file_exists());
    Layer file_layer{false, {}};
    try {
      parse_layer(config, arguments, file_layer);
    } catch (const UsageError &error) {
      throw UsageError(std::string(error.what()) + " (from --extra-opts" +
                       (spec.empty() ? "" : "=" + spec) + ")");
    }
  }
}

// Environment values are defaults that the command line overrides.
void apply_environment(Config &config, const Environment &env) {
  config.tenant = env("AZURE_TENANT_ID").value_or("");
  config.client_id = env("AZURE_CLIENT_ID").value_or("");
  if (auto authority = env("AZURE_AUTHORITY_HOST"); authority && !authority->empty()) {
    config.authority_host = *authority;
  }
}

// --cloud sets both hosts unless they were given explicitly (it wins over AZURE_AUTHORITY_HOST).
// Without --cloud, an AZURE_AUTHORITY_HOST that is a known cloud's token host (the AKS workload
// identity webhook sets it) picks that cloud's Graph endpoint too.
void apply_cloud(Config &config) {
  const CloudEndpoints *cloud = !config.cloud.empty() ? find_cloud(config.cloud)
                                : config.authority_host_given
                                    ? nullptr
                                    : cloud_for_authority_host(config.authority_host);
  if (cloud == nullptr) {
    return;
  }
  if (!config.authority_host_given) {
    config.authority_host = std::string(cloud->authority_host);
  }
  if (!config.graph_endpoint_given) {
    config.graph_endpoint = std::string(cloud->graph_endpoint);
  }
}

// Every kind given needs -C, unless it is a kind whose identity is the app (managed identity).
bool needs_client_id(const Config &config) {
  for (const CredentialKindSpec &kind : credential_kinds()) {
    if (kind.option_value(config) && !kind.needs_client_id) {
      return false;
    }
  }
  return true;
}

// A managed identity's token is always for its own tenant: -T is then only checked, not needed.
bool needs_tenant(const Config &config) {
  for (const CredentialKindSpec &kind : credential_kinds()) {
    if (kind.option_value(config) && !kind.uses_token_endpoint) {
      return false;
    }
  }
  return true;
}

void validate(Config &config) {
  if (config.tenant.empty() && needs_tenant(config)) {
    throw UsageError("no tenant: use -T/--tenant or set AZURE_TENANT_ID");
  }
  if (config.client_id.empty() && needs_client_id(config)) {
    throw UsageError("no client ID: use -C/--client-id or set AZURE_CLIENT_ID");
  }
  if (!config.tenant.empty()) {
    config.tenant = checked_identifier(config.tenant, "tenant");
  }
  if (!config.client_id.empty()) {
    config.client_id = checked_identifier(config.client_id, "client ID");
  }
  apply_cloud(config);
  config.authority_host = https_url(config.authority_host, "the authority host");
}

} // namespace

Config parse_options(const std::vector<std::string> &args, const Environment &env) {
  // A first pass finds --help and the --extra-opts files; the second applies the layers in order.
  Config probe;
  Layer probe_layer{true, {}};
  parse_layer(probe, args, probe_layer);
  if (probe.action != Action::Check) {
    return probe;
  }
  Config config;
  apply_environment(config, env);
  apply_extra_opts(config, probe.extra_opts, env);
  for (auto forget : probe_layer.forgets) { // the command line wins over every file
    forget(config);
  }
  Layer command_line{true, {}};
  parse_layer(config, args, command_line);
  validate(config);
  return config;
}

std::vector<std::string_view> long_option_names() {
  std::vector<std::string_view> names;
  for (const OptionSpec &spec : option_table()) {
    names.push_back(spec.long_name);
  }
  return names;
}

std::string version_text() {
  return "check_password_sync " CHECK_PASSWORD_SYNC_VERSION "\n";
}

std::string help_text() {
  std::string text = version_text();
  text += "Checks that a Microsoft 365 tenant's directory sync and password hash sync\n"
          "are enabled and recent, using Microsoft Graph.\n\n"
          "Usage: check_password_sync -T TENANT -C CLIENT_ID [options]\n\nOptions:\n";
  for (const OptionSpec &spec : option_table()) {
    text += spec.short_name ? std::string(" -") + spec.short_name + ", " : std::string("     ");
    text += "--" + std::string(spec.long_name);
    if (spec.optional_value) {
      text += "[=" + std::string(spec.argument) + "]";
    } else if (!spec.argument.empty()) {
      text += "=" + std::string(spec.argument);
    }
    text += "\n";
    std::string_view help = spec.help;
    while (!help.empty()) {
      std::size_t newline = help.find('\n');
      text += "    " + std::string(help.substr(0, newline)) + "\n";
      help = newline == std::string_view::npos ? std::string_view() : help.substr(newline + 1);
    }
  }
  text += "\nRANGE is a Monitoring Plugins range (10, 10:, ~:10, 10:20, @10:20; endpoints\n"
          "inclusive) whose numbers are seconds or durations: 90, 45m, 36h, 3d, 1w, 3d12h.\n"
          "An age outside the warning range is WARNING, outside the critical range\n"
          "CRITICAL; -w 3d warns when the last sync is more than three days old.\n\n";
  text += credential_help_paragraph();
  text += "\nExit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for --help and\n"
          "--version). See check_password_sync(1).\n";
  return text;
}

} // namespace cps
