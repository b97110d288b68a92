// SPDX-License-Identifier: GPL-3.0-or-later
// Secrets in memory and reading the client secret.
#include "secret.hpp"

#include "errors.hpp"
#include "fd.hpp"
#include "text.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>

namespace cps {

Secret::Secret(Secret &&other) noexcept : value_(std::move(other.value_)) {
  other.wipe();
}

Secret &Secret::operator=(Secret &&other) noexcept {
  if (this != &other) {
    wipe();
    value_ = std::move(other.value_);
    other.wipe();
  }
  return *this;
}

Secret::~Secret() {
  wipe();
}

void Secret::wipe() noexcept {
  volatile char *bytes = value_.data();
  for (std::size_t i = 0; i < value_.size(); ++i) {
    bytes[i] = 0;
  }
  value_.clear();
}

Secret read_secret_bytes(const std::string &path, std::string_view what, std::size_t max_size) {
  std::string name = std::string(what) + " file '" + path + "'";
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    throw ConfigError("cannot open " + name + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode)) {
    throw ConfigError(name + " is not a regular file");
  }
  if (static_cast<std::size_t>(info.st_size) > max_size) {
    throw ConfigError(name + " is larger than " + std::to_string(max_size / 1024) + " KiB");
  }
  std::string content(static_cast<std::size_t>(info.st_size), '\0');
  if (!read_exactly(fd.get(), content.data(), content.size())) {
    Secret discard(std::move(content));
    throw ConfigError("cannot read " + name);
  }
  if (content.empty()) {
    throw ConfigError(name + " is empty");
  }
  return Secret(std::move(content));
}

Secret read_secret_file(const std::string &path, std::string_view what) {
  Secret raw = read_secret_bytes(path, what, 64 * 1024);
  Secret trimmed{std::string(strip_line_ends(raw.reveal()))};
  if (trimmed.empty()) {
    throw ConfigError(std::string(what) + " file '" + path + "' is empty");
  }
  return trimmed;
}

Secret load_client_secret(const Config &config, const Environment &env) {
  if (!config.client_secret_file.empty()) {
    return read_secret_file(config.client_secret_file, "client secret");
  }
  if (auto value = env("AZURE_CLIENT_SECRET"); value && !value->empty()) {
    return Secret(std::move(*value));
  }
  throw ConfigError("no client secret: use --client-secret-file FILE or set AZURE_CLIENT_SECRET");
}

} // namespace cps
