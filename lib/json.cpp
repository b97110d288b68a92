// Parsing server JSON safely.
#include "json.hpp"

#include "errors.hpp"

#include <rapidjson/error/en.h>

namespace cps {

rapidjson::Document parse_json(std::string_view body, std::string_view source) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError()) {
    throw ApiFormatError("unexpected answer from " + std::string(source) + ": invalid JSON (" +
                         rapidjson::GetParseError_En(document.GetParseError()) + " at byte " +
                         std::to_string(document.GetErrorOffset()) + ")");
  }
  return document;
}

const rapidjson::Value *member(const rapidjson::Value &object, const char *name) {
  if (!object.IsObject()) {
    return nullptr;
  }
  auto found = object.FindMember(name);
  return found == object.MemberEnd() ? nullptr : &found->value;
}

std::optional<std::string> string_member(const rapidjson::Value &object, const char *name) {
  const rapidjson::Value *value = member(object, name);
  if (value == nullptr || !value->IsString()) {
    return std::nullopt;
  }
  return std::string(value->GetString(), value->GetStringLength());
}

} // namespace cps
