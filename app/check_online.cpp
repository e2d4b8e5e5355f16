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

std::string channels_text(int n) {
  return std::to_string(n) + (n == 1 ? " channel" : " channels");
}

}  // namespace

int check_online(const Station& station, std::ostream& out, std::ostream& summary) {
  std::map<std::string, RelayProbe> probed;
  int relays = 0;
  int unreachable = 0;
  for (const PlayItem* item : live_items(station, PlayItem::Kind::relay)) {
    ++relays;
    auto it = probed.find(item->ref);
    if (it == probed.end()) it = probed.emplace(item->ref, probe(item->ref)).first;
    const RelayProbe& p = it->second;
    out << item->pos.str() << ": relay " << item->ref;
    if (p.ok) {
      out << ": reachable: " << p.codec << " (" << p.format << "), " << p.rate << " Hz, "
          << channels_text(p.channels) << '\n';
      continue;
    }
    ++unreachable;
    out << ": unreachable: " << p.reason
        << ". Open the address in a browser or ask the station that streams it; until it "
           "answers, this item airs its fallback ("
        << fallback_name(*item) << ").\n";
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
    out << item->pos.str() << ": input " << item->ref << ": device \"" << input->device << "\" ";
    if (!name.empty()) {
      out << "present (" << name << ")\n";
      continue;
    }
    ++missing;
    out << "missing: " << why
        << ". Plug it in, or name one that `loa devices` lists in audio.inputs ("
        << input->pos.str() << "); until it is there, this item airs its fallback ("
        << fallback_name(*item) << ").\n";
  }
  summary << "online: " << relays << " relay item(s), " << unreachable << " unreachable; " << inputs
          << " input item(s), " << missing << " with their device missing\n";
  return unreachable;
}

}  // namespace loa
