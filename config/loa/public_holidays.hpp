#pragma once

#include "loa/values.hpp"

namespace loa {

// Vietnam's public holidays (ngày nghỉ lễ, Tết: Bộ luật Lao động 2019, Điều 112) that fall on
// the same days every year: Tết Dương lịch (1/1); Tết Nguyên Đán from the last day of the lunar
// year (29 or 30 tháng Chạp) to mùng 3; Giỗ Tổ Hùng Vương (10/3 lunar); 30/4; 1/5; Quốc khánh
// (2/9). The law's other days (the fifth day of Tết, the day beside 2/9) are fixed by the
// government each year: a station adds them in `station.holidays`. Pure, never throws.
bool is_public_holiday(const Date& d);

}  // namespace loa
