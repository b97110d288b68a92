// SPDX-License-Identifier: GPL-3.0-or-later
// Parsing server JSON safely.
#include "json.hpp"

#include "errors.hpp"

#include <rapidjson/error/en.h>
#include <unordered_set>
#include <vector>

namespace cps {

namespace {

// The first member name that appears twice in one object, anywhere in the document. Walks with
// an explicit stack: server input decides the depth.
std::optional<std::string> duplicate_member(const rapidjson::Value &root) {
  std::vector<const rapidjson::Value *> pending{&root};
  std::unordered_set<std::string_view> names;
  while (!pending.empty()) {
    const rapidjson::Value *value = pending.back();
    pending.pop_back();
    if (value->IsArray()) {
      for (const rapidjson::Value &element : value->GetArray()) {
        pending.push_back(&element);
      }
    } else if (value->IsObject()) {
      names.clear();
      for (const auto &member : value->GetObject()) {
        std::string_view name(member.name.GetString(), member.name.GetStringLength());
        if (!names.insert(name).second) {
          return std::string(name);
        }
        pending.push_back(&member.value);
      }
    }
  }
  return std::nullopt;
}

} // namespace

rapidjson::Document parse_json(std::string_view body, std::string_view source) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError()) {
    throw unexpected_answer(source, std::string("invalid JSON (") +
                                        rapidjson::GetParseError_En(document.GetParseError()) +
                                        " at byte " + std::to_string(document.GetErrorOffset()) +
                                        ")");
  }
  // Parsers disagree on which of two equal names counts; an answer that says both is refused.
  if (auto name = duplicate_member(document)) {
    throw unexpected_answer(source, "a JSON object names '" + name->substr(0, 80) + "' twice");
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

std::optional<std::string> take_string_member(rapidjson::Value &object, const char *name) {
  std::optional<std::string> value = string_member(object, name);
  if (value) {
    rapidjson::Value &stored = object.FindMember(name)->value;
    volatile char *bytes = const_cast<char *>(stored.GetString());
    for (rapidjson::SizeType i = 0; i < stored.GetStringLength(); ++i) {
      bytes[i] = 'x';
    }
  }
  return value;
}

} // namespace cps
