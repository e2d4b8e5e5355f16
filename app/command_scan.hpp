#pragma once

#include <filesystem>
#include <vector>

namespace loa {

struct ScanArgs {
  std::filesystem::path config;              // empty: no station
  std::vector<std::filesystem::path> paths;  // empty: every clip of the station
  bool json = false;
};

// `loa scan`: measures clips' loudness (EBU R128, of the mono downmix a zone hears) and shows the
// gain each gets on air. With --config: the station's clips (or the PATHs), its loudness target,
// and the cache in its state folder (loudness.tsv). Without: the PATHs, the default target, and no
// cache file. Exit 1 if any clip cannot be measured, 2 on wrong usage.
int run_scan(const ScanArgs& args);

}  // namespace loa
