// Feeds arbitrary bytes as what a station reads on its receipts topic (anyone holding the
// district's account, or a broker gone wrong, could send them) and as an as-run message the
// district answers with a receipt. parse_receipt throws nothing but WireRefused and what it
// takes is a seq above 0, at most kMaxAsRunRows of them, that a receipt of them gives back;
// as_run_seqs never throws (it is noexcept: a throw would end the run) and takes seqs above 0.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "loa/as_run_receipt.hpp"
#include "loa/district_wire.hpp"

namespace {

constexpr std::string_view kStation = "xa-my-an";

void check_seqs(const std::vector<std::int64_t>& seqs) {
  for (const auto seq : seqs) {
    if (seq <= 0) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  check_seqs(loa::as_run_seqs(payload));
  try {
    const auto seqs = loa::parse_receipt(payload, kStation);
    check_seqs(seqs);
    if (seqs.size() > loa::kMaxAsRunRows) std::abort();
    if (loa::parse_receipt(loa::receipt_message(kStation, seqs), kStation) != seqs) std::abort();
  } catch (const loa::WireRefused&) {
  }
  return 0;
}
