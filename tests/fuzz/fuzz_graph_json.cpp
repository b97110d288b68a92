// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes Graph answer parsing: the $batch answer (sub-responses by id) and the organization,
// onPremisesSynchronization and application bodies, through lib/json's iterative parser.
#include "lib/errors.hpp"
#include "lib/graph_batch.hpp"
#include "lib/graph_parsers.hpp"
#include "lib/json.hpp"
#include "tests/fuzz/fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

void read_as_batch_answer(const std::string &body) {
  cps::HttpResponse response;
  response.status = 200;
  response.content_type = "application/json;odata.metadata=minimal;charset=utf-8";
  response.body = body;
  cps::BatchState state;
  cps::GraphQuery query;
  try {
    cps::read_batch_answer(response, "graph.example", 1764500000, query, state);
    cps::fuzz::require(state.throttled || state.ask_again || cps::batch_complete(query, state),
                       "a batch answer read without error has both results or is throttled");
  } catch (const cps::ApiFormatError &) {
  } catch (const cps::GraphError &) {
  } catch (const cps::ServiceError &) {
  }
}

void read_as_entities(const std::string &body) {
  rapidjson::Document document;
  try {
    document = cps::parse_json(body, "graph.example");
  } catch (const cps::ApiFormatError &) {
    return;
  }
  try {
    cps::SyncStatus status;
    cps::parse_organization(document, "graph.example", status);
  } catch (const cps::ApiFormatError &) {
  }
  try {
    cps::SyncStatus status;
    cps::parse_sync_features(document, "graph.example", status);
  } catch (const cps::ApiFormatError &) {
  }
  cps::SyncStatus status; // the app's secrets are an extra: an odd list is a note, never thrown
  cps::parse_application(document, "graph.example", status);
  cps::fuzz::require(status.application.read != !status.application.note.empty(),
                     "the app's secrets are read, or a note says why not");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  std::string body(reinterpret_cast<const char *>(data), size);
  read_as_batch_answer(body);
  read_as_entities(body);
  return 0;
}
