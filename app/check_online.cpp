#include "check_online.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "loa/input_device.hpp"
#include "loa/live_sound.hpp"
#include "loa/relay_probe.hpp"

namespace loa {

namespace {

// Every relay or input item of the station's programmes (slots and on-demand lists), in order.
std::vector<const PlayItem*> live_items(const Station& station, PlayItem::Kind kind) {
  std::vector<const PlayItem*> out;
  const auto add = [&](const std::vector<PlayItem>& list) {
    for (const auto& i : list) {
      if (i.kind == kind) out.push_back(&i);
    }
  };
  for (const auto& p : station.programmes) {
    for (const auto& s : p.slots) add(s.play);
    if (p.on_demand) add(p.on_demand->play);
  }
  return out;
}

RelayProbe probe(const std::string& url) {
  try {
    return probe_relay(url);
  } catch (const std::exception& e) {  // not http(s): the offline check has said so already
    RelayProbe failed;
    failed.reason = e.what();
    return failed;
  }
}

}  // namespace

int check_online(const Station& station, std::ostream& out, std::ostream& summary, Language lang) {
  std::map<std::string, RelayProbe> probed;
  int relays = 0;
  int unreachable = 0;
  for (const PlayItem* item : live_items(station, PlayItem::Kind::relay)) {
    ++relays;
    auto it = probed.find(item->ref);
    if (it == probed.end()) it = probed.emplace(item->ref, probe(item->ref)).first;
    const RelayProbe& p = it->second;
    out << item->pos.str() << ": ";
    if (p.ok) {
      std::vector<MessageParam> stream{{"address", item->ref},
                                       {"codec", p.codec},
                                       {"format", p.format},
                                       {"rate", p.rate},
                                       {"channels", p.channels}};
      const Message m = p.channels == 1 ? Message{"check_online.relay_ok.mono", std::move(stream)}
                                        : Message{"check_online.relay_ok", std::move(stream)};
      out << m.text(lang) << '\n';
      continue;
    }
    ++unreachable;
    out << Message{"check_online.relay_unreachable",
                   {{"address", item->ref},
                    {"reason", p.reason},
                    {"fallback", fallback_name(*item)}}}
               .text(lang)
        << '\n';
  }
  int inputs = 0;
  int missing = 0;
  // Each device looked up once: its name when present, else why not.
  std::map<std::string, std::pair<std::string, std::string>> looked_up;
  for (const PlayItem* item : live_items(station, PlayItem::Kind::input)) {
    const auto& all = station.settings.audio.inputs;
    const auto input = std::find_if(all.begin(), all.end(),
                                    [&](const CaptureInput& i) { return i.id == item->ref; });
    if (input == all.end()) continue;  // the offline check has said so
    ++inputs;
    auto seen = looked_up.find(input->device);
    if (seen == looked_up.end()) {
      std::string found;
      std::string why;
      try {
        if (const auto device = find_input_device(input->device, why)) found = device->name;
      } catch (const std::exception& e) {
        why = e.what();
      }
      seen = looked_up.emplace(input->device, std::make_pair(found, why)).first;
    }
    const auto& [name, why] = seen->second;
    out << item->pos.str() << ": ";
    if (!name.empty()) {
      out << Message{"check_online.input_present",
                     {{"input", item->ref}, {"device", input->device}, {"name", name}}}
                 .text(lang)
          << '\n';
      continue;
    }
    ++missing;
    out << Message{"check_online.input_missing",
                   {{"input", item->ref},
                    {"device", input->device},
                    {"reason", why},
                    {"where", input->pos.str()},
                    {"fallback", fallback_name(*item)}}}
               .text(lang)
        << '\n';
  }
  summary << Message{"check_online.summary",
                     {{"relays", relays},
                      {"unreachable", unreachable},
                      {"inputs", inputs},
                      {"missing", missing}}}
                 .text(lang)
          << '\n';
  return unreachable;
}

}  // namespace loa
