// SPDX-License-Identifier: GPL-3.0-or-later
// --extra-opts: reading options from an ini file section.
#include "extra_opts.hpp"

#include "errors.hpp"
#include "secret.hpp"
#include "text.hpp"

#include <sys/stat.h>

namespace cps {
namespace {

constexpr std::string_view plugin_name = "check_password_sync";
constexpr std::size_t max_ini_size = 64 * 1024;

bool is_option_name(std::string_view name) {
  if (name.empty() || name.front() == '-') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

[[noreturn]] void syntax_error(const std::string &file_name, std::size_t line_number,
                               std::string_view why) {
  throw UsageError("--extra-opts: " + file_name + " line " + std::to_string(line_number) + ": " +
                   std::string(why));
}

// "name = value" -> "--name=value"; "name" -> "--name"; a value in double quotes loses them.
std::string argument_of(std::string_view line, const std::string &file_name,
                        std::size_t line_number) {
  std::size_t equals = line.find('=');
  std::string_view name = trim(line.substr(0, equals));
  if (!is_option_name(name)) {
    syntax_error(file_name, line_number, "expected 'option = value' with a long option name");
  }
  if (name == "extra-opts") {
    syntax_error(file_name, line_number, "extra-opts cannot be nested");
  }
  if (equals == std::string_view::npos) {
    return "--" + std::string(name);
  }
  std::string_view value = trim(line.substr(equals + 1));
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return "--" + std::string(name) + "=" + std::string(value);
}

std::string read_ini_file(const std::string &path) {
  try {
    Secret content = read_secret_bytes(path, "--extra-opts", max_ini_size);
    return content.reveal();
  } catch (const ConfigError &error) {
    throw UsageError(error.what());
  }
}

// NAGIOS_CONFIG_PATH (deprecated upstream, still read): each folder's three file names in turn.
std::vector<std::string> nagios_config_path_files(const Environment &env) {
  std::vector<std::string> files;
  auto path = env("NAGIOS_CONFIG_PATH");
  std::string_view rest = path ? std::string_view(*path) : std::string_view();
  while (!rest.empty()) {
    std::size_t colon = rest.find(':');
    std::string_view folder = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (folder.empty()) {
      continue;
    }
    for (const char *name : {"monitoring-plugins.ini", "plugins.ini", "nagios-plugins.ini"}) {
      files.push_back(std::string(folder) + "/" + name);
    }
  }
  return files;
}

std::string find_ini_file(const Environment &env, const FileExists &exists) {
  if (auto configured = env("MP_CONFIG_FILE"); configured && !configured->empty()) {
    return *configured;
  }
  std::vector<std::string> candidates = nagios_config_path_files(env);
  candidates.insert(candidates.end(), default_ini_files().begin(), default_ini_files().end());
  for (const std::string &candidate : candidates) {
    if (exists(candidate)) {
      return candidate;
    }
  }
  throw UsageError("--extra-opts: no ini file found (MP_CONFIG_FILE unset, none of " +
                   std::to_string(candidates.size()) + " Monitoring Plugins locations from " +
                   candidates.front() + " to " + candidates.back() +
                   " exists); name one with --extra-opts=section@FILE");
}

} // namespace

ExtraOptsSpec parse_extra_opts_spec(std::string_view value) {
  std::size_t at = value.find('@');
  ExtraOptsSpec spec{std::string(value.substr(0, at)), ""};
  if (at != std::string_view::npos) {
    spec.file = std::string(value.substr(at + 1));
    if (spec.file.empty()) {
      throw UsageError("--extra-opts: no file name after '@'");
    }
  }
  if (spec.section.find_first_of("[]\r\n") != std::string::npos) {
    throw UsageError("--extra-opts: invalid section name '" + spec.section + "'");
  }
  return spec;
}

const std::vector<std::string> &default_ini_files() {
  // As current monitoring-plugins releases (lib/parse_ini.c, default_ini_path_names): the current
  // locations first, then the deprecated ones it still reads.
  static const std::vector<std::string> files{
      "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini",
      "/usr/local/etc/monitoring-plugins.ini",
      "/etc/monitoring-plugins/monitoring-plugins.ini",
      "/etc/monitoring-plugins.ini",
      "/etc/nagios/plugins.ini",
      "/usr/local/nagios/etc/plugins.ini",
      "/usr/local/etc/nagios/plugins.ini",
      "/etc/opt/nagios/plugins.ini",
      "/etc/nagios-plugins.ini",
      "/usr/local/etc/nagios-plugins.ini",
      "/etc/opt/nagios-plugins.ini"};
  return files;
}

std::vector<std::string> ini_section_arguments(std::string_view text, std::string_view section,
                                               const std::string &file_name) {
  if (text.find('\0') != std::string_view::npos) {
    throw UsageError("--extra-opts: " + file_name + " holds a NUL byte: not a text ini file");
  }
  constexpr std::string_view utf8_bom = "\xEF\xBB\xBF"; // Windows editors write one
  if (text.substr(0, utf8_bom.size()) == utf8_bom) {
    text.remove_prefix(utf8_bom.size());
  }
  std::vector<std::string> arguments;
  bool found = false;
  bool inside = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    std::size_t newline = text.find('\n');
    std::string_view line = trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.front() == '#' || line.front() == ';') {
      continue;
    }
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3) {
        syntax_error(file_name, line_number, "a section header must look like [name]");
      }
      inside = trim(line.substr(1, line.size() - 2)) == section;
      found = found || inside;
    } else if (inside) {
      arguments.push_back(argument_of(line, file_name, line_number));
    }
  }
  if (!found) {
    throw UsageError("--extra-opts: no section [" + std::string(section) + "] in " + file_name);
  }
  return arguments;
}

FileExists real_file_exists() {
  return [](const std::string &path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0;
  };
}

std::vector<std::string> read_extra_opts(std::string_view value, const Environment &env,
                                         const FileExists &exists) {
  ExtraOptsSpec spec = parse_extra_opts_spec(value);
  std::string section = spec.section.empty() ? std::string(plugin_name) : spec.section;
  std::string file = spec.file.empty() ? find_ini_file(env, exists) : spec.file;
  return ini_section_arguments(read_ini_file(file), section, file);
}

} // namespace cps
