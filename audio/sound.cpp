#include "loa/sound.hpp"

#include "loa/clip_stream.hpp"
#include "loa/house_cache.hpp"

namespace loa {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// Clang 14 (the fuzz preset's compiler) does not deduce an aggregate's arguments by itself.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

std::unique_ptr<MonoSource> open_sound(const Sound& sound, int rate, float gain,
                                       const HouseCache* house) {
  return std::visit(Overloaded{
                        [&](const ChimeSound&) { return open_builtin_chime(rate, gain); },
                        [&](const ClipSound& c) {
                          return house != nullptr ? house->open(c.file, rate, gain)
                                                  : open_clip_stream(c.file, rate, gain);
                        },
                        [&](const RelaySound& r) { return open_relay(r, rate, gain); },
                        [&](const InputSound& i) { return open_input(i, rate, gain); },
                    },
                    sound);
}

}  // namespace loa
