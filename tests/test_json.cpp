// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for lib/json.cpp: safe parsing and typed member access.
#include "lib/errors.hpp"
#include "lib/json.hpp"

#include <doctest/doctest.h>
#include <string>
#include <string_view>

using namespace cps;

namespace {

const std::string source = "graph.microsoft.com";

} // namespace

TEST_CASE("json: duplicate member names are refused, at any depth") {
  CHECK_THROWS_AS(parse_json(R"({"a":1,"a":2})", "host"), ApiFormatError);
  CHECK_THROWS_AS(parse_json(R"({"x":[{"b":1,"b":1}]})", "host"), ApiFormatError);
  CHECK_NOTHROW(parse_json(R"({"a":{"a":1},"b":[{"a":1},{"a":2}]})", "host"));
}

TEST_CASE("json: trailing content after the document is refused") {
  CHECK_THROWS_AS(parse_json(R"({"a":1} {"a":2})", "host"), ApiFormatError);
}

TEST_CASE("json: string_member gives strings only") {
  rapidjson::Document document = parse_json(R"({"s":"text","n":5,"z":null})", "host");
  CHECK(string_member(document, "s") == std::optional<std::string>("text"));
  CHECK_FALSE(string_member(document, "n"));
  CHECK_FALSE(string_member(document, "z"));
  CHECK_FALSE(string_member(document, "missing"));
  CHECK(member(document, "n") != nullptr);
  CHECK(member(document["s"], "x") == nullptr); // not an object
}

TEST_CASE("json: take_string_member overwrites the value left in the document") {
  for (const char *token : {"short", "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.a-longer-token-value"}) {
    CAPTURE(token);
    rapidjson::Document document =
        parse_json(std::string(R"({"access_token":")") + token + R"(","n":1})", "host");
    CHECK(take_string_member(document, "access_token") == std::optional<std::string>(token));
    std::string left = document["access_token"].GetString();
    CHECK(left.size() == std::string(token).size());
    CHECK(left.find_first_not_of('x') == std::string::npos);
    CHECK_FALSE(take_string_member(document, "n"));
  }
}

TEST_CASE("json: invalid JSON is an ApiFormatError naming the source") {
  for (const char *body : {"", " ", "{", "}", "{\"a\":}", "[1,]", "<html></html>", "nul",
                           "{\"a\":1}{", "\"unterminated", "{'a':1}"}) {
    INFO("body := " << std::string(body));
    CHECK_THROWS_WITH_AS(parse_json(body, source), doctest::Contains("graph.microsoft.com"),
                         ApiFormatError);
  }
  // The view's length counts, not a terminating NUL.
  std::string padded = "{\"a\":1}garbage";
  CHECK_NOTHROW(parse_json(std::string_view(padded).substr(0, 7), source));
}

TEST_CASE("json: deeply nested JSON neither crashes nor recurses") {
  const std::size_t depth = 100000;
  std::string open(depth, '[');
  CHECK_THROWS_AS(parse_json(open, source), ApiFormatError);

  std::string balanced = open + std::string(depth, ']');
  rapidjson::Document arrays = parse_json(balanced, source);
  CHECK(arrays.IsArray());

  std::string objects;
  for (std::size_t i = 0; i < depth; ++i) {
    objects += "{\"value\":";
  }
  objects += "1" + std::string(depth, '}');
  CHECK(parse_json(objects, source).IsObject());
  CHECK(parse_json(R"({"value":[)" + balanced + "]}", source).IsObject());
}

TEST_CASE("json: member and string_member") {
  rapidjson::Document document = parse_json(R"({"s":"a\u0000b","n":1,"o":{}})", source);
  REQUIRE(string_member(document, "s").has_value());
  CHECK(string_member(document, "s")->size() == 3); // embedded NUL kept
  CHECK_FALSE(string_member(document, "n").has_value());
  CHECK_FALSE(string_member(document, "missing").has_value());
  CHECK(member(document, "o") != nullptr);
  CHECK(member(document["n"], "x") == nullptr); // not an object
}
