// Vietnamese text as it is read before speech: every row of the table in docs/speech.md is a case,
// so the documentation and the reading cannot drift apart.
#include "loa/vietnamese_reading.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace loa {
namespace {

struct Example {
  std::string written;
  std::string read;
};

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(' ');
  const auto b = s.find_last_not_of(' ');
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<Example> docs_examples() {
  std::ifstream in(LOA_DOCS_DIR "/speech.md");
  std::vector<Example> out;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.find("reading-examples: begin") != std::string::npos) inside = true;
    if (line.find("reading-examples: end") != std::string::npos) break;
    if (!inside || !line.starts_with("| `")) continue;
    const auto tick = line.find("` |", 3);
    if (tick == std::string::npos) continue;
    std::string read = line.substr(tick + 3);
    if (!read.empty() && read.back() == '|') read.pop_back();
    out.push_back({line.substr(3, tick - 3), trim(read)});
  }
  return out;
}

TEST(VietnameseReading, ReadsEveryExampleOfTheDocsTable) {
  const auto examples = docs_examples();
  ASSERT_GE(examples.size(), 30U) << "the table in docs/speech.md was not found";
  for (const auto& e : examples) EXPECT_EQ(read_vietnamese(e.written), e.read) << e.written;
}

TEST(VietnameseReading, KeepsTextWithoutNumbersAsWritten) {
  const std::string text = "Đề nghị bà con đưa trẻ đi tiêm chủng đầy đủ.";
  EXPECT_EQ(read_vietnamese(text), text);
}

TEST(VietnameseReading, ReadsNumbersUpToTheThousandsOfBillions) {
  EXPECT_EQ(vietnamese_number(999'999'999'999'999ULL),
            "chín trăm chín mươi chín nghìn tỷ chín trăm chín mươi chín tỷ chín trăm chín mươi "
            "chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín");
  EXPECT_EQ(vietnamese_number(1'000'001), "một triệu không trăm linh một");
}

TEST(VietnameseReading, LeavesImpossibleDatesAndTimesAsNumbers) {
  EXPECT_EQ(read_vietnamese("32/13"), "ba mươi hai/mười ba");
  EXPECT_EQ(read_vietnamese("25:70"), "hai mươi lăm:bảy mươi");
}

}  // namespace
}  // namespace loa
