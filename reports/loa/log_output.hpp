#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <vector>

#include "loa/journal.hpp"
#include "loa/programme.hpp"

namespace loa {

// One broadcast as `loa log --json` prints it and GET /api/log serves it (the contract:
// docs/operator-guide.md lists the fields).
nlohmann::json log_json(const JournalBroadcast& b, const date::time_zone* zone);

// What aired, as `loa log` prints it: a heading per local day, a line per broadcast, an indented
// line per item.
void print_log_text(std::ostream& out, const Station& station,
                    const std::vector<JournalBroadcast>& list);

}  // namespace loa
