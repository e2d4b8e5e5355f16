#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <stdexcept>

namespace loa {

// A lock-free ring of interleaved float frames between exactly one producer thread and exactly one
// consumer thread (e.g. the renderer and the audio callback). The capacity is a power of two of
// frames, fixed at construction; nothing is allocated afterwards. write() and read() never block
// and never lock, so both sides are real-time safe.
//
// Positions are free-running frame counters (64-bit: they do not wrap in practice); the producer
// owns `tail_`, the consumer owns `head_`, each published with release and read with acquire, on
// cache lines of their own so the two threads do not fight over one line.
class SpscRing {
 public:
  // Holds at least `min_frames` frames (rounded up to a power of two, at least 1) of `channels`
  // samples each. Throws std::invalid_argument for channels < 1.
  explicit SpscRing(std::size_t min_frames, int channels = 1)
      : channels_(channels < 1 ? throw std::invalid_argument("SpscRing: channels must be >= 1")
                               : static_cast<std::size_t>(channels)),
        capacity_(std::bit_ceil(std::max<std::size_t>(min_frames, 1))),
        mask_(capacity_ - 1),
        data_(new float[capacity_ * channels_]()) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const { return capacity_; }  // frames
  int channels() const { return static_cast<int>(channels_); }

  // Producer: copies as many whole frames of `interleaved` as fit; returns the frames written.
  // A trailing partial frame is ignored.
  std::size_t write(std::span<const float> interleaved) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t n = std::min(capacity_ - (tail - head), interleaved.size() / channels_);
    copy_in(tail & mask_, interleaved.data(), n);
    tail_.store(tail + n, std::memory_order_release);
    return n;
  }

  // Consumer: copies up to out.size() / channels() frames into `out`; returns the frames read.
  // The rest of `out` is left as it was.
  std::size_t read(std::span<float> out) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    const std::size_t n = std::min(tail - head, out.size() / channels_);
    copy_out(head & mask_, out.data(), n);
    head_.store(head + n, std::memory_order_release);
    return n;
  }

  // Consumer: drops up to `frames` frames; returns the frames dropped.
  std::size_t skip(std::size_t frames) {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    const std::size_t n = std::min(tail - head, frames);
    head_.store(head + n, std::memory_order_release);
    return n;
  }

  // Either side: frames waiting to be read / room for frames. Exact for the side that calls it
  // about its own direction (the producer's room only grows behind its back, and so on).
  std::size_t readable() const {
    const std::size_t head = head_.load(std::memory_order_acquire);
    const std::size_t tail = tail_.load(std::memory_order_acquire);
    return tail - head;
  }
  std::size_t writable() const { return capacity_ - readable(); }
  // Either side: the frames written since the ring was made (wrapping at SIZE_MAX): whether the
  // producer has written since a moment before.
  std::size_t written() const { return tail_.load(std::memory_order_acquire); }

 private:
  // Nothing to copy may come with a null pointer (an empty span), which memcpy must not get.
  void copy_in(std::size_t at, const float* from, std::size_t frames) {
    if (frames == 0) return;
    const std::size_t first = std::min(frames, capacity_ - at);
    std::memcpy(data_.get() + at * channels_, from, first * channels_ * sizeof(float));
    std::memcpy(data_.get(), from + first * channels_,
                (frames - first) * channels_ * sizeof(float));
  }
  void copy_out(std::size_t at, float* to, std::size_t frames) const {
    if (frames == 0) return;
    const std::size_t first = std::min(frames, capacity_ - at);
    std::memcpy(to, data_.get() + at * channels_, first * channels_ * sizeof(float));
    std::memcpy(to + first * channels_, data_.get(), (frames - first) * channels_ * sizeof(float));
  }

  // 64 bytes: the cache line of every x86-64 and most ARM cores (a constant rather than
  // std::hardware_destructive_interference_size, whose value may differ between compilers).
  static constexpr std::size_t kCacheLine = 64;

  const std::size_t channels_;
  const std::size_t capacity_;
  const std::size_t mask_;
  const std::unique_ptr<float[]> data_;
  alignas(kCacheLine) std::atomic<std::size_t> head_{0};  // next frame to read (consumer)
  // The class's size rounds up to a whole cache line, so nothing after it shares tail_'s line.
  alignas(kCacheLine) std::atomic<std::size_t> tail_{0};  // next frame to write (producer)
};

static_assert(std::atomic<std::size_t>::is_always_lock_free);

}  // namespace loa
