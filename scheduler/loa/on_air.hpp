#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loa/arbiter.hpp"
#include "loa/journal.hpp"
#include "loa/live_sound.hpp"
#include "loa/mixer.hpp"
#include "loa/occurrences.hpp"

namespace loa {

// A validated station, ready for air: what the engine needs of it.
struct AirStation {
  std::shared_ptr<const Station> station;
  ClipTable lengths;  // clip_table() of the station
  // Opens an item's source at the station's rate with its loudness gain. Called on the engine's
  // thread when the item is due; may throw (the item is journaled as failed and stays silent).
  std::function<std::unique_ptr<MonoSource>(const BroadcastItem&)> open;
  // Opens a relay or input item (open_live, live_sound.hpp) reporting to `events`. Called on the
  // engine's thread, for a relay its `preroll:` ahead of its start so that it buffers. Unset:
  // `open` opens live items too, and nothing of theirs is journaled.
  std::function<std::unique_ptr<MonoSource>(const BroadcastItem&, std::shared_ptr<RelayEvents>)>
      open_live;
  // Each input's level as it arrives, measured while open_live's inputs are open (may be null).
  std::shared_ptr<const InputLevels> input_levels;
};

// A stretch during which some zones are (or will be) on air: for the amplifiers.
struct OnAirSpan {
  ZoneSet zones = 0;
  UtcTime start;
  UtcTime end;
};

// A broadcast on air now, for status pages.
struct NowPlaying {
  bool operator==(const NowPlaying&) const = default;
  BroadcastKey key;
  std::string title;
  ZoneSet zones = 0;
  int priority = 50;
  int item = 0;  // index in the broadcast's items
  std::string kind;
  std::string path;
  UtcTime item_start;
  UtcTime item_end;  // as planned (a cut ends it earlier)
};

// A broadcast still to come, for status pages.
struct ComingUp {
  BroadcastKey key;
  std::string title;
  ZoneSet zones = 0;
  int priority = 50;
  UtcTime scheduled;
  bool waiting = false;  // due, but held back by a higher priority on its zones
  bool operator==(const ComingUp&) const = default;
};

// The on-air engine's core: the station's broadcasts, the arbiter that applies the rules, the
// mixer that turns its decisions into audio, and the journal that records what happened. It does
// no I/O of its own besides the journal and the clips it opens, and knows no clock: the caller
// says what time it is and where output frame 0 falls, so the same code runs on air, against a
// recorder, and through a simulated year in a test.
//
// Output frames map to instants by an anchor: frame F airs at anchor_time + (F - anchor_frame) /
// rate. Decisions are taken a little ahead of the audio (kDecisionLead) so that a scheduled start
// lands on its exact frame and a cut can fade out before it.
//
// Journal rows are written when what they record has aired (flush(now)), so the journal never
// says more than what was heard, and a crash loses at most the item that was playing.
//
// One thread (the engine's) calls everything. Throws std::runtime_error on journal failures.
class OnAir final : private ArbiterObserver {
 public:
  static constexpr Micros kDecisionLead = std::chrono::milliseconds(100);
  // How far ahead broadcasts are expanded (for the amplifiers and next_due()).
  static constexpr Micros kHorizon = std::chrono::hours(36);

  OnAir(AirStation station, Journal& journal, std::size_t max_block);
  ~OnAir() override;
  OnAir(const OnAir&) = delete;
  OnAir& operator=(const OnAir&) = delete;

  // Goes on air at `now`, with output frame `frame` (usually position()) airing at `frame_time`.
  // Reads the journal first: a broadcast cut by a crash (or by loa stopping) resumes, restarting
  // its cut item, with the clips it drew, if `now` is within its `late` of the cut, else it is
  // journaled interrupted; broadcasts due since loa last ran play if within their `late`, else
  // they are journaled missed. On a fresh journal (loa never ran) only those still within their
  // `late` play, and none is journaled missed. Nothing journaled airs again. Rotating and shuffled
  // playlists go on from where the journal says they stand.
  void start(UtcTime now, std::int64_t frame, UtcTime frame_time);

  // Renders the next out.size() / channels frames (taking every decision due up to their end).
  void render(std::span<float> out);
  std::int64_t position() const { return mixer_.position(); }
  int channels() const { return channels_; }
  int rate() const { return rate_; }
  // The instant output frame `frame` airs.
  UtcTime time_of(std::int64_t frame) const;
  // Re-anchors the timeline (frame `frame` airs at `t`), e.g. on the sound card's measured clock.
  // Only while nothing is playing or about to (quiet()); returns whether it did.
  bool reanchor(std::int64_t frame, UtcTime t);

  // Keeps the broadcasts of the next kHorizon expanded while the output idles (render() does it on
  // air), so next_due() sees them.
  void look_ahead(UtcTime now);

  // Writes the journal rows of everything that has aired by `now`; marks loa alive.
  void flush(UtcTime now);

  // When the next journal row is due (flush() then).
  std::optional<UtcTime> next_flush() const;
  // Some voice is still sounding or about to (e.g. a cut still fading out).
  bool sounding() const { return !mixer_.idle(); }
  // Nothing on air and nothing decided ahead: the output may close.
  bool quiet() const;
  // The next instant something must be on air: now-ish while on air, else the next broadcast's
  // scheduled time within the horizon.
  std::optional<UtcTime> next_due() const;
  // The next instant the engine must render: next_due(), or earlier by the preroll of a relay or
  // input item due soon (they open ahead only while the engine renders).
  std::optional<UtcTime> next_render() const;
  // What is or will be on air until `until`, for the amplifiers; also what was decided and has
  // ended already (it may still be heard: decisions run ahead of the sound card).
  std::vector<OnAirSpan> upcoming(UtcTime until) const;

  // A new version of the station. Broadcasts not yet started follow it at once; one on air
  // finishes its current item if its programme or slot is gone, else plays on as it was.
  void reload(AirStation station);
  // An ad-hoc broadcast ("play now"): programme 0, slot 0 of `adhoc` (which shares this station's
  // settings and zones), journaled as programme "play-now", slot -1. It starts as soon as the
  // arbiter allows, at `at` at the earliest (or its decision horizon, if later). Returns the time
  // it is scheduled at. Survives reloads; after a restart it is not resumed.
  UtcTime play_now(AirStation adhoc, UtcTime at);
  // What is on air now (decided ahead by up to kDecisionLead), by start.
  std::vector<NowPlaying> now_playing() const;
  // The next `n` broadcasts not yet on air: waiting ones first, then by scheduled time.
  std::vector<ComingUp> coming_up(std::size_t n) const;

  // Stops `zones` (fading out): a broadcast playing only there is cut and dropped, journaled as
  // interrupted for `reason`; one that also plays on other zones goes on there. Broadcasts waiting
  // to start or to resume are not touched (Arbiter::stop).
  void stop(ZoneSet zones, const std::string& reason);
  // Ends the ad-hoc broadcasts of programme `programme` (play_now): one on air is cut on its
  // zones (fading out) and one still to start is withdrawn, journaled for `reason`. Returns the
  // zones they were for (0: there was none).
  ZoneSet end_adhoc(std::string_view programme, const std::string& reason);
  // For loa stopping, the sound device failing or the clock jumping: cuts everything at the first
  // frame not yet rendered, journals it (the broadcasts as interrupted for `reason`, resumable by
  // the next start()), and writes every pending journal row. Call start() to go on air again.
  void halt(const std::string& reason);

  const Station& station() const { return *station_->station; }
  std::shared_ptr<const AirStation> air() const { return station_; }

 private:
  struct Track;
  struct ItemRecord;
  struct Event;
  enum class EventKind { broadcast_begin, item_begin, item_end, broadcast_end, missed };
  struct Upcoming;
  struct Live;

  void item_started(std::size_t b, std::size_t item, UtcTime start, UtcTime end) override;
  void item_ended(std::size_t b, const AiredItem& aired) override;
  void broadcast_done(std::size_t b) override;
  void first_sound(std::size_t b, Broadcast& broadcast, UtcTime at) override;
  void zones_stopped(std::size_t b, ZoneSet zones, UtcTime at) override;

  std::int64_t frame_of(UtcTime t) const;
  void refill_feed(UtcTime until);
  void admit_until(UtcTime t);
  std::size_t add_broadcast(Broadcast b, std::shared_ptr<Track> track);
  void resume_cut(const JournalBroadcast& jb, UtcTime now, const RotationState& drew_from);
  void save_rotation();
  std::optional<std::pair<std::uint32_t, std::uint32_t>> find_slot(const BroadcastKey& key) const;
  JournalBroadcast describe(const Track& t, const Broadcast& b) const;
  void post(Event e);
  void post_begin(UtcTime at, const std::shared_ptr<Track>& track, const Broadcast& b);
  void post_item(UtcTime at, EventKind kind, const std::shared_ptr<Track>& track,
                 std::shared_ptr<ItemRecord> rec, AirStatus status, std::string reason,
                 JournalItem data);
  void maybe_compact();
  void warm_live(UtcTime now);
  bool device_held(const std::string& device) const;
  void warm_broadcast(const Broadcast& b, const Track& track, std::size_t first, UtcTime at,
                      UtcTime now);
  void journal_live();

  std::shared_ptr<const AirStation> station_;
  Journal& journal_;
  int rate_;
  int channels_;
  Mixer mixer_;
  Arbiter arbiter_;
  std::vector<std::shared_ptr<Track>> tracks_;  // parallel to the arbiter's entries
  std::int64_t anchor_frame_ = 0;
  UtcTime anchor_time_;
  // Where rotating and shuffled playlists stand after the last broadcast that started; what the
  // journal says they stand at; and where those the broadcasts on air drew from stood before (by
  // journal id), so a restart can resume them with the same clips.
  RotationState rotation_;
  RotationState saved_rotation_;
  std::map<std::int64_t, RotationState> draws_;
  std::optional<UtcTime>
      fresh_since_;            // set on a fresh journal: broadcasts missed before are not loa's
  std::deque<Upcoming> feed_;  // expanded, not yet handed to the arbiter, by time
  UtcTime feed_end_;           // occurrences before this are in feed_ or handled
  std::deque<Event> events_;   // journal rows waiting for their time
  std::vector<std::pair<std::size_t, std::shared_ptr<ItemRecord>>> voices_;  // tag -> item
  std::size_t next_tag_ = 0;
  std::string cut_reason_;  // why the arbiter is cutting right now (stop, halt)
  std::optional<UtcTime> last_alive_mark_;
  std::size_t done_since_compact_ = 0;
  // Relay and input items opened ahead (a relay's preroll) or on air, whose events are journaled.
  std::vector<std::shared_ptr<Live>> live_;
  std::optional<UtcTime> last_warm_;
};

}  // namespace loa
