#include "parallel_files.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>
#include <system_error>
#include <thread>

namespace loa::detail {

void for_each_file_in_parallel(const std::vector<std::filesystem::path>& files,
                               const std::function<void(std::size_t)>& work, unsigned max_threads) {
  std::vector<std::uintmax_t> sizes(files.size(), 0);
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(files[i], ec);
    if (!ec) sizes[i] = size;
  }
  std::vector<std::size_t> order(files.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&sizes](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });

  std::atomic<std::size_t> next{0};
  const auto run = [&] {
    for (std::size_t k = next++; k < order.size(); k = next++) work(order[k]);
  };
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const auto helpers = std::min<std::size_t>(std::min(cores, max_threads), files.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < helpers; ++t) threads.emplace_back(run);
  run();
  for (auto& thread : threads) thread.join();
}

}  // namespace loa::detail
