#pragma once

// Private to audio/: the probe and loudness caches' batch work on a few threads.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

namespace loa::detail {

// Calls `work(i)` once for every i in [0, files.size()), on as many threads as there are cores (at
// most `max_threads`, the calling thread among them), the largest files first so that a long
// recording started last does not keep one core busy alone at the end. `work` must not throw.
void for_each_file_in_parallel(const std::vector<std::filesystem::path>& files,
                               const std::function<void(std::size_t)>& work,
                               unsigned max_threads = 8);

}  // namespace loa::detail
