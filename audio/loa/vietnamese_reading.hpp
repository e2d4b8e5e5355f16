#pragma once

#include <string>
#include <string_view>

namespace loa {

// Notice text as a Vietnamese reader says it, for a speech synthesizer that reads only words:
// dates (17/12/2026), times (7h30, 17:00), numbers (with mốt, lăm, linh, mươi/mười, nghìn, triệu,
// tỷ; 1.500.000; 3,5), phone numbers (0912 345 678, digit by digit), % and common abbreviations
// (UBND, HĐND, TP., THCS, ...) become words; everything else is kept as written. docs/speech.md
// holds the table of examples the tests read. Pure; thread-safe; throws only std::bad_alloc.
std::string read_vietnamese(std::string_view text);

// A whole number in words: 21 -> "hai mươi mốt", 105 -> "một trăm linh năm",
// 2026 -> "hai nghìn không trăm hai mươi sáu". `n` up to 999 999 999 999 999.
std::string vietnamese_number(unsigned long long n);

}  // namespace loa
