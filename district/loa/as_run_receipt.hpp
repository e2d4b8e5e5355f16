#pragma once
// The district's receipt for a station's as-run (docs/district.md, "Wire"): which rows its
// database has taken. The broker's acknowledgement only says the broker has a message; a broker
// that loses its saved state (a crash between autosaves) would lose rows a station believed
// delivered. A station sends again the rows the district has not receipted (station_link.cpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loa {

// loa/D/receipts/S: the district writes it, only station S reads it (the ACL's pattern).
std::string receipt_topic(std::string_view district, std::string_view station);

// {"schema":1,"station":S,"seqs":[...]}: the rows (by their outbox seq) the district has stored or
// refused for good; either way the station need not send them again.
std::string receipt_message(std::string_view station, const std::vector<std::int64_t>& seqs);

// The seqs of a receipt addressed to `station`. Throws WireRefused (district_wire.hpp): not JSON,
// another schema, another station, a seq that is not a whole number above 0, more than
// kMaxAsRunRows of them.
std::vector<std::int64_t> parse_receipt(std::string_view payload, std::string_view station);

// The seq of every row of an as-run message that has one (a whole number above 0), to receipt;
// none for a payload that is not an as-run message. Never throws.
std::vector<std::int64_t> as_run_seqs(std::string_view payload) noexcept;

}  // namespace loa
