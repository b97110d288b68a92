// SPDX-License-Identifier: GPL-3.0-or-later
// Secrets in memory (wiped when dropped) and reading secret files.
#pragma once

#include "config.hpp"
#include "environment.hpp"

#include <string>
#include <string_view>

namespace cps {

// Move-only holder for a secret or token; its bytes are overwritten on destruction.
class Secret {
public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret &) = delete;
  Secret &operator=(const Secret &) = delete;
  Secret(Secret &&other) noexcept;
  Secret &operator=(Secret &&other) noexcept;
  ~Secret();

  const std::string &reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

private:
  void wipe() noexcept;
  std::string value_;
};

// Reads a private file as it is (a regular file of at most max_size bytes, not empty), e.g. a
// certificate with its key. Throws ConfigError.
Secret read_secret_bytes(const std::string &path, std::string_view what, std::size_t max_size);

// Reads a secret file: a regular file of at most 64 KiB, trailing CR/LF removed. Throws
// ConfigError.
Secret read_secret_file(const std::string &path, std::string_view what);

// The client secret from --client-secret-file, else AZURE_CLIENT_SECRET. Throws ConfigError.
Secret load_client_secret(const Config &config, const Environment &env);

} // namespace cps
