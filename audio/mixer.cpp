#include "loa/mixer.hpp"

#include <algorithm>
#include <exception>

namespace loa {

Mixer::Mixer(int channels, std::size_t max_block)
    : channels_(channels), scratch_(std::max<std::size_t>(max_block, 1)) {}

void Mixer::add(Voice v) {
  if (v.end <= v.start || v.end <= position_) return;
  if (v.start < position_) {  // already under way: join it where the mixer is
    v.skip += position_ - v.start;
    v.start = position_;
  }
  pending_.push_back(std::move(v));
  sorted_ = false;
}

void Mixer::cut(std::size_t tag, std::int64_t end, std::int64_t fade) {
  const auto shorten = [&](Voice& v) {
    const std::int64_t at = std::max(end, position_);
    if (at >= v.end) return;
    v.end = at;
    v.fade_out = std::min(fade, at - v.start);
  };
  for (Active& a : active_) {
    if (a.voice.tag == tag) shorten(a.voice);
  }
  for (Voice& v : pending_) {
    if (v.tag == tag) shorten(v);
  }
  std::erase_if(pending_, [](const Voice& v) { return v.end <= v.start; });
}

void Mixer::silence(std::size_t tag, std::uint64_t channels, std::int64_t at, std::int64_t fade) {
  const auto apply = [&](Voice& v) {
    const std::uint64_t stop = channels & v.channels;
    if (stop == 0) return;
    const std::int64_t when = std::max(at, position_);
    if (v.stop_channels != 0 && v.stop_at <= position_) {  // an earlier silence is complete
      v.channels &= ~v.stop_channels;
      v.stop_channels = 0;
    }
    if (when <= v.start) {
      v.channels &= ~stop;
      v.stop_channels &= ~stop;
      return;
    }
    // One stop instant per voice: a later stop of other channels joins the pending one, at the
    // later of the two instants (stops are asked for in time order).
    v.stop_at = v.stop_channels == 0 ? when : std::max(v.stop_at, when);
    v.stop_channels |= stop;
    v.stop_fade = std::min(fade, v.stop_at - v.start);
  };
  for (Active& a : active_) {
    if (a.voice.tag == tag) apply(a.voice);
  }
  for (Voice& v : pending_) {
    if (v.tag == tag) apply(v);
  }
  std::erase_if(pending_, [](const Voice& v) { return v.channels == 0; });
}

void Mixer::admit(std::int64_t block_end) {
  if (!sorted_) {
    std::sort(pending_.begin(), pending_.end(),
              [](const Voice& a, const Voice& b) { return a.start > b.start; });
    sorted_ = true;
  }
  while (!pending_.empty() && pending_.back().start < block_end) {
    Active a{std::move(pending_.back()), nullptr, 0};
    pending_.pop_back();
    try {
      a.source = a.voice.open();
      for (std::int64_t left = a.voice.skip; left > 0 && a.source;) {
        const auto n = static_cast<std::size_t>(
            std::min<std::int64_t>(left, static_cast<std::int64_t>(scratch_.size())));
        const std::size_t got = a.source->read(std::span<float>(scratch_.data(), n));
        left -= static_cast<std::int64_t>(got);
        if (got < n) break;
      }
    } catch (const std::exception& e) {
      a.source.reset();
      if (on_failure) on_failure(a.voice.tag, e.what());
    }
    active_.push_back(std::move(a));
  }
}

void Mixer::mix(Active& a, std::int64_t block_start, std::span<float> out, std::size_t frames) {
  const std::int64_t block_end = block_start + static_cast<std::int64_t>(frames);
  const std::int64_t from = std::max(a.voice.start + a.read, block_start);
  const std::int64_t to = std::min(a.voice.end, block_end);
  if (to <= from) return;
  const auto n = static_cast<std::size_t>(to - from);
  std::span<float> mono(scratch_.data(), n);
  std::size_t got = 0;
  if (a.source) {
    try {
      got = a.source->read(mono);
    } catch (const std::exception& e) {
      a.source.reset();
      if (on_failure) on_failure(a.voice.tag, e.what());
    }
  }
  std::fill(mono.begin() + static_cast<std::ptrdiff_t>(got), mono.end(), 0.0F);
  if (a.voice.fade_out > 0) {
    const std::int64_t fade_start = a.voice.end - a.voice.fade_out;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t f = from + static_cast<std::int64_t>(i);
      if (f >= fade_start) {
        mono[i] *= static_cast<float>(a.voice.end - f) / static_cast<float>(a.voice.fade_out + 1);
      }
    }
  }
  const auto offset = static_cast<std::size_t>(from - block_start);
  const Voice& v = a.voice;
  for (int c = 0; c < channels_; ++c) {
    if (((v.channels >> c) & 1U) == 0) continue;
    float* dst =
        out.data() + offset * static_cast<std::size_t>(channels_) + static_cast<std::size_t>(c);
    if (((v.stop_channels >> c) & 1U) == 0) {
      for (std::size_t i = 0; i < n; ++i) dst[i * static_cast<std::size_t>(channels_)] += mono[i];
      continue;
    }
    const std::int64_t fade_start = v.stop_at - v.stop_fade;
    for (std::size_t i = 0; i < n; ++i) {
      const std::int64_t f = from + static_cast<std::int64_t>(i);
      if (f >= v.stop_at) break;
      const float gain =
          f < fade_start ? 1.0F
                         : static_cast<float>(v.stop_at - f) / static_cast<float>(v.stop_fade + 1);
      dst[i * static_cast<std::size_t>(channels_)] += mono[i] * gain;
    }
  }
  a.read += static_cast<std::int64_t>(n);
}

void Mixer::render(std::span<float> out) {
  std::fill(out.begin(), out.end(), 0.0F);
  const std::size_t frames = out.size() / static_cast<std::size_t>(channels_);
  const std::int64_t block_end = position_ + static_cast<std::int64_t>(frames);
  admit(block_end);
  // A block may be longer than the scratch buffer: mix it in scratch-sized pieces.
  for (std::size_t done = 0; done < frames;) {
    const std::size_t n = std::min(frames - done, scratch_.size());
    const std::int64_t start = position_ + static_cast<std::int64_t>(done);
    auto piece = out.subspan(done * static_cast<std::size_t>(channels_),
                             n * static_cast<std::size_t>(channels_));
    for (auto& a : active_) mix(a, start, piece, n);
    done += n;
  }
  position_ = block_end;
  std::erase_if(active_, [&](const Active& a) { return a.voice.end <= position_; });
}

}  // namespace loa
