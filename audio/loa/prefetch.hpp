#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "loa/mono_source.hpp"

namespace loa {

// Decodes sources ahead of the thread that mixes them, on worker threads: for `loa render`, where
// every voice is known in advance and decoding and resampling are most of the work, so a second
// core shortens the render. (On air there is no need: it runs in real time.)
//
// `openers` are in the order the consumer will take them (by start). Workers open and read the
// next `ahead` sources not yet taken, plus those taken and still being read, each up to
// `cap_samples` buffered; memory is therefore bounded by about (ahead + sources playing at once) x
// cap_samples floats. A source reads exactly what its opener's source would, and fails the same
// way (at open or after the samples read before the failure).
//
// A source is refilled in bursts: once its buffer falls to half the cap, a worker decodes until it
// is full again, so workers and consumer wake each other once per burst, not once per chunk (each
// wake-up is a system call; on a virtual machine they were a tenth of a render).
//
// take() and the sources it returns are for one consumer thread; the workers are the Prefetcher's.
class Prefetcher {
 public:
  using Opener = std::function<std::unique_ptr<MonoSource>()>;

  Prefetcher(std::vector<Opener> openers, std::size_t threads, std::size_t ahead,
             std::size_t cap_samples);
  ~Prefetcher();
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // Source `i`, reading what the workers decode. Throws what its opener threw. Each i once.
  std::unique_ptr<MonoSource> take(std::size_t i);

 private:
  struct Job;
  class Source;
  void work();
  // The next job a worker should decode a chunk of; nullptr if none. Under the lock.
  Job* next_job();

  std::vector<std::unique_ptr<Job>> jobs_;
  std::size_t ahead_;
  std::size_t cap_;
  std::size_t taken_until_ = 0;  // jobs [0, taken_until_) have been taken
  bool stopping_ = false;
  std::size_t readers_waiting_ = 0;  // consumers waiting on `ready_`
  std::mutex mutex_;
  std::condition_variable work_;   // workers wait here for a source to fill
  std::condition_variable ready_;  // the consumer waits here for samples or an open
  std::vector<std::thread> workers_;
};

}  // namespace loa
