#pragma once

#include <string_view>

namespace loa {

// One message: its stable code (docs/api.md, "Messages"), its English template (the text loa
// has always printed) and its Vietnamese one. {name} is a placeholder ([a-z_] only; any other
// brace is text): both templates have the same ones.
struct MessageText {
  std::string_view code;
  std::string_view en;
  std::string_view vi;
};

// The one table of loa's messages, for the command line (messages.hpp) and the page
// (GET /api/messages). constexpr, so that MessageCode can check a code when it is compiled.
// clang-format off
inline constexpr MessageText kMessageCatalog[] = {
#include "loa/message_catalog.inc"
};
// clang-format on

}  // namespace loa
