#include "loa/live_sound.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "loa/sound.hpp"

namespace loa {

namespace {

class FallbackFill final : public MonoSource {
 public:
  FallbackFill(std::vector<FallbackClip> clips, std::int64_t frames, int rate,
               const HouseCache* house)
      : clips_(std::move(clips)), left_(frames), rate_(rate), house_(house) {}

  std::size_t read(std::span<float> out) override {
    const auto n = static_cast<std::size_t>(
        std::min<std::int64_t>(left_, static_cast<std::int64_t>(out.size())));
    std::size_t done = 0;
    // Opening every clip in turn and none giving a sample: silence for the rest.
    std::size_t fruitless = 0;
    while (done < n) {
      if (!current_) {
        if (clips_.empty() || fruitless > clips_.size()) break;
        const FallbackClip& clip = clips_[next_];
        next_ = (next_ + 1) % clips_.size();
        try {
          current_ = open_sound(ClipSound{clip.file}, rate_, clip.gain, house_);
        } catch (const std::exception&) {
          ++fruitless;
          continue;
        }
      }
      std::size_t got = 0;
      try {
        got = current_->read(out.subspan(done, n - done));
      } catch (const std::exception&) {
        got = 0;
      }
      fruitless = got == 0 ? fruitless + 1 : 0;
      done += got;
      if (done < n) current_.reset();
    }
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(done),
              out.begin() + static_cast<std::ptrdiff_t>(n), 0.0F);
    left_ -= static_cast<std::int64_t>(n);
    return n;
  }

 private:
  std::vector<FallbackClip> clips_;
  std::int64_t left_;
  int rate_;
  const HouseCache* house_;
  std::size_t next_ = 0;
  std::unique_ptr<MonoSource> current_;
};

constexpr std::chrono::milliseconds kInputJitter{200};

// A relay's or input's dead air, fallback and return, from its item; levelled live to the
// loudness its station evens clips out to, or as they come when the station's loudness is
// off.
RelaySettings relay_settings(const Station& station, const PlayItem& live,
                             std::vector<FallbackClip> fallback) {
  RelaySettings settings;
  settings.level_to_lufs = station.settings.audio.loudness;
  settings.dead_air = std::chrono::duration_cast<std::chrono::milliseconds>(live.live.dead_air);
  settings.fallback = std::move(fallback);
  settings.return_now = live.live.return_now;
  return settings;
}

}  // namespace

std::int64_t frames_of(Micros length, int rate) {
  return (length.count() * rate + 500'000) / 1'000'000;
}

std::vector<FallbackClip> fallback_clips(const Station& station, const PlayItem& live,
                                         const ClipGain& gain) {
  std::vector<FallbackClip> out;
  const auto add = [&](const PlayItem& clip) {
    if (auto g = gain(clip)) out.push_back({clip.file, *g});
  };
  for (const auto& c : live.fallback_clip) add(c);
  if (!live.live.fallback_playlist.empty()) {
    if (const Playlist* pl = station.playlist(live.live.fallback_playlist)) {
      for (const auto& c : pl->clips) add(c);
    }
  }
  return out;
}

std::string fallback_name(const PlayItem& live) {
  if (!live.fallback_clip.empty()) return "clip " + live.fallback_clip.front().ref;
  if (!live.live.fallback_playlist.empty()) return "playlist " + live.live.fallback_playlist;
  return "silence";
}

std::unique_ptr<MonoSource> open_fallback_fill(std::vector<FallbackClip> clips, std::int64_t frames,
                                               int rate, const HouseCache* house) {
  return std::make_unique<FallbackFill>(std::move(clips), frames, rate, house);
}

std::unique_ptr<MonoSource> open_live(const Station& station, const BroadcastItem& item,
                                      const LiveContext& context) {
  const PlayItem& live = *item.clip;
  const std::int64_t frames = frames_of(item.length, context.rate);
  std::vector<FallbackClip> fallback = fallback_clips(station, live, context.gain);
  if (item.kind == BroadcastItem::Kind::relay) {
    RelaySound relay;
    relay.url = live.ref;
    relay.frames = frames;
    relay.settings = relay_settings(station, live, std::move(fallback));
    relay.events = context.events;
    // A live source has no loudness known ahead: no gain of its own (levelled live in audio/).
    return open_sound(relay, context.rate, 1.0F, context.house);
  }
  InputSound input;
  input.frames = frames;
  input.settings = relay_settings(station, live, std::move(fallback));
  // A capture device delivers every period, steadily: a network's 2 s jitter allowance would only
  // delay the voice by 2 s. An input opened ahead (on_air.cpp) airs from the last 200 ms it holds.
  input.settings.jitter = kInputJitter;
  input.events = context.events;
  const auto& inputs = station.settings.audio.inputs;
  const auto found = std::find_if(inputs.begin(), inputs.end(),
                                  [&](const CaptureInput& i) { return i.id == live.ref; });
  // The loader refuses an unknown id: as a relay's address that is not http(s), it throws.
  if (found == inputs.end()) {
    throw std::invalid_argument("the input " + live.ref + " is not one of audio.inputs");
  }
  input.device = found->device;
  input.channel = found->channel;
  if (context.input_levels) {
    if (const auto level = context.input_levels->find(found->id);
        level != context.input_levels->end()) {
      input.level = level->second;
    }
  }
  // As a relay: no gain of its own, levelled live (or not) by its settings.
  return open_sound(input, context.rate, 1.0F, context.house);
}

}  // namespace loa
