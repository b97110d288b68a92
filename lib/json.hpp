// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing server JSON safely: iterative parser (no recursion on server input), typed member access.
#pragma once

#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace cps {

// Parses body or throws ApiFormatError naming source ("login.microsoftonline.com"). An object
// that names a member twice is refused too.
rapidjson::Document parse_json(std::string_view body, std::string_view source);

// The member's value if it is an object member of that type; nullopt when absent or of another
// type.
const rapidjson::Value *member(const rapidjson::Value &object, const char *name);
std::optional<std::string> string_member(const rapidjson::Value &object, const char *name);

// string_member, and the member's bytes in the document are then overwritten: for tokens, since
// the document's memory is freed without being wiped.
std::optional<std::string> take_string_member(rapidjson::Value &object, const char *name);

} // namespace cps
