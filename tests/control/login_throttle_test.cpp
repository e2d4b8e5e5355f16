// Password guessing is slowed per address: three tries free, then waits that double.
#include "loa/login_throttle.hpp"

#include <gtest/gtest.h>

namespace loa {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const LoginThrottle::Clock::time_point kT0 =
    LoginThrottle::Clock::time_point() + std::chrono::hours(1000);

TEST(LoginThrottle, ThreeFailuresAreFreeThenWaitsDoubleUpToFiveMinutes) {
  LoginThrottle t;
  auto now = kT0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(t.refused("10.0.0.5", now).has_value()) << i;
    t.failed("10.0.0.5", now);
  }
  for (int wait : {2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300}) {
    ASSERT_EQ(t.refused("10.0.0.5", now), seconds(wait));
    EXPECT_EQ(t.refused("10.0.0.5", now + seconds(wait) - milliseconds(1)), seconds(1));
    now += seconds(wait);
    EXPECT_FALSE(t.refused("10.0.0.5", now).has_value()) << wait;
    t.failed("10.0.0.5", now);
  }
}

TEST(LoginThrottle, RetryAfterIsRoundedUp) {
  LoginThrottle t;
  for (int i = 0; i < 3; ++i) t.failed("10.0.0.5", kT0);
  EXPECT_EQ(t.refused("10.0.0.5", kT0 + milliseconds(500)), seconds(2));
  EXPECT_EQ(t.refused("10.0.0.5", kT0 + milliseconds(1500)), seconds(1));
}

TEST(LoginThrottle, ASuccessClearsTheAddress) {
  LoginThrottle t;
  for (int i = 0; i < 5; ++i) t.failed("10.0.0.5", kT0);
  ASSERT_TRUE(t.refused("10.0.0.5", kT0).has_value());
  t.succeeded("10.0.0.5");
  EXPECT_FALSE(t.refused("10.0.0.5", kT0).has_value());
  for (int i = 0; i < 2; ++i) t.failed("10.0.0.5", kT0);
  EXPECT_FALSE(t.refused("10.0.0.5", kT0).has_value());
  t.failed("10.0.0.5", kT0);
  EXPECT_EQ(t.refused("10.0.0.5", kT0), seconds(2));
}

TEST(LoginThrottle, OtherAddressesAreNotSlowed) {
  LoginThrottle t;
  for (int i = 0; i < 6; ++i) t.failed("10.0.0.5", kT0);
  EXPECT_TRUE(t.refused("10.0.0.5", kT0).has_value());
  EXPECT_FALSE(t.refused("10.0.0.6", kT0).has_value());
  EXPECT_FALSE(t.refused("::1", kT0).has_value());
}

TEST(LoginThrottle, ForgetsTheOldestOfTenThousandAddresses) {
  LoginThrottle t;
  for (int i = 0; i < 3; ++i) t.failed("10.0.0.5", kT0);
  for (int i = 0; i < 9999; ++i) t.failed("addr-" + std::to_string(i), kT0);
  EXPECT_TRUE(t.refused("10.0.0.5", kT0).has_value());
  t.failed("one more", kT0);
  EXPECT_FALSE(t.refused("10.0.0.5", kT0).has_value());
}

}  // namespace
}  // namespace loa
