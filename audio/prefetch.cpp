#include "loa/prefetch.hpp"

#include <algorithm>
#include <deque>
#include <exception>
#include <utility>

namespace loa {

namespace {

constexpr std::size_t kChunk = 8192;

// Decoded samples; not zeroed when made (the source writes them).
struct Chunk {
  std::unique_ptr<float[]> samples;
  std::size_t size = 0;
};

}  // namespace

struct Prefetcher::Job {
  Opener open;
  std::unique_ptr<MonoSource> source;  // touched by a worker only while `busy`
  std::deque<Chunk> chunks;
  std::size_t offset = 0;  // read from chunks.front()
  std::size_t buffered = 0;
  bool filling = true;  // below half the cap since it was last full: workers refill it
  bool busy = false;    // a worker is decoding it
  bool opened = false;  // its source was opened (by a worker)
  bool done = false;    // the source ended or failed
  bool closed = false;  // the consumer is done with it
  std::exception_ptr error;
  bool failed_at_open = false;
};

class Prefetcher::Source final : public MonoSource {
 public:
  Source(Prefetcher& p, Job& job) : p_(p), job_(job) {}
  ~Source() override {
    std::unique_ptr<MonoSource> drop;
    {
      const std::lock_guard lock(p_.mutex_);
      job_.closed = true;
      job_.chunks.clear();
      job_.buffered = 0;
      if (!job_.busy) drop = std::move(job_.source);
    }
    p_.work_.notify_all();
  }
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;

  std::size_t read(std::span<float> out) override {
    std::size_t got = 0;
    bool wake_workers = false;
    std::unique_lock lock(p_.mutex_);
    while (got < out.size()) {
      if (job_.chunks.empty() && !job_.done) {
        ++p_.readers_waiting_;
        p_.ready_.wait(lock, [this] { return !job_.chunks.empty() || job_.done; });
        --p_.readers_waiting_;
      }
      if (job_.chunks.empty()) break;
      const Chunk& chunk = job_.chunks.front();
      const std::size_t n = std::min(out.size() - got, chunk.size - job_.offset);
      std::copy_n(chunk.samples.get() + job_.offset, n,
                  out.begin() + static_cast<std::ptrdiff_t>(got));
      got += n;
      job_.offset += n;
      job_.buffered -= n;
      if (job_.offset == chunk.size) {
        job_.chunks.pop_front();
        job_.offset = 0;
      }
      if (!job_.filling && !job_.done && job_.buffered <= p_.cap_ / 2) {
        job_.filling = true;
        wake_workers = true;
      }
    }
    // A short read would mean "ended": a failure is thrown instead, as the source itself threw
    // from the read that reached it (what that read had gathered is lost with it, as it was).
    std::exception_ptr error;
    if (got < out.size() && job_.done) error = std::exchange(job_.error, nullptr);
    lock.unlock();
    if (wake_workers) p_.work_.notify_all();
    if (error) std::rethrow_exception(error);
    return got;
  }

 private:
  Prefetcher& p_;
  Job& job_;
};

Prefetcher::Prefetcher(std::vector<Opener> openers, std::size_t threads, std::size_t ahead,
                       std::size_t cap_samples)
    : ahead_(std::max<std::size_t>(ahead, 1)), cap_(std::max(cap_samples, kChunk)) {
  for (auto& o : openers) {
    jobs_.push_back(std::make_unique<Job>());
    jobs_.back()->open = std::move(o);
  }
  for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
    workers_.emplace_back([this] { work(); });
  }
}

Prefetcher::~Prefetcher() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (auto& w : workers_) w.join();
}

std::unique_ptr<MonoSource> Prefetcher::take(std::size_t i) {
  Job& job = *jobs_.at(i);
  std::unique_lock lock(mutex_);
  taken_until_ = std::max(taken_until_, i + 1);
  work_.notify_all();
  // Opening is part of the prefetch: wait until the source is open (or failed to).
  ++readers_waiting_;
  ready_.wait(lock, [&job] { return job.opened || job.done; });
  --readers_waiting_;
  if (job.failed_at_open) std::rethrow_exception(job.error);
  return std::make_unique<Source>(*this, job);
}

Prefetcher::Job* Prefetcher::next_job() {
  const std::size_t end = std::min(jobs_.size(), taken_until_ + ahead_);
  for (std::size_t i = 0; i < end; ++i) {
    Job& j = *jobs_[i];
    if (j.filling && !j.busy && !j.done && !j.closed) return &j;
  }
  return nullptr;
}

void Prefetcher::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    Job* job = nullptr;
    work_.wait(lock, [&] { return stopping_ || (job = next_job()) != nullptr; });
    if (stopping_) return;
    job->busy = true;
    lock.unlock();

    Chunk chunk;
    std::exception_ptr error;
    bool ended = false;
    bool at_open = false;
    const bool was_opened = static_cast<bool>(job->source);
    try {
      if (!job->source) {
        at_open = true;
        job->source = job->open();
        at_open = false;
      }
      chunk.samples.reset(new float[kChunk]);
      chunk.size = job->source->read(std::span<float>(chunk.samples.get(), kChunk));
      ended = chunk.size < kChunk;
    } catch (...) {
      error = std::current_exception();
      chunk.size = 0;
      ended = true;
    }

    std::unique_ptr<MonoSource> drop;
    lock.lock();
    job->busy = false;
    if (!at_open) job->opened = true;
    if (job->closed) {
      drop = std::move(job->source);
    } else if (chunk.size > 0) {
      job->buffered += chunk.size;
      job->chunks.push_back(std::move(chunk));
    }
    if (job->buffered >= cap_) job->filling = false;
    if (ended) {
      job->done = true;
      job->error = error;
      job->failed_at_open = at_open;
      if (!job->closed) drop = std::move(job->source);
    }
    // The consumer waits for samples, an end, or an open: tell it only when it waits.
    if (readers_waiting_ > 0 && (ended || !was_opened || job->chunks.size() == 1)) {
      ready_.notify_all();
    }
    if (drop) {
      lock.unlock();
      drop.reset();
      lock.lock();
    }
  }
}

}  // namespace loa
