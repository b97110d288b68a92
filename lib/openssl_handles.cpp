// SPDX-License-Identifier: GPL-3.0-or-later
// OpenSSL's error queue as text for messages.
#include "openssl_handles.hpp"

#include <array>
#include <openssl/err.h>

namespace cps {

std::string openssl_error_text() {
  unsigned long code = ERR_peek_last_error();
  std::string text;
  if (code != 0) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    text = buffer.data();
  }
  ERR_clear_error();
  return text;
}

} // namespace cps
