#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "loa/clip_probe.hpp"

namespace loa {

// Remembers probe results across runs in one small text file in the station's state folder, keyed
// on the clip's absolute path, size and modification time, so `loa check` and `loa plan` decode
// each clip once. A missing, unreadable or corrupt cache file just means probing again.
// Thread-safe.
class ProbeCache {
 public:
  // `file` is the cache file (for example state/clip-probes.tsv); empty means memory only.
  explicit ProbeCache(std::filesystem::path file);

  // Probes through the cache. Failures are cached as well (same key), so a broken clip that is not
  // touched is not decoded again; fixing or replacing it changes its key. Not cached: "cannot read"
  // failures (permissions, I/O), which a chmod can fix without changing the key, and clips that
  // cannot be examined at all (missing, not a file). A clip rewritten with the same size within the
  // file system's timestamp resolution keeps its key and its old result.
  ProbeResult probe(const std::filesystem::path& clip);

  // probe() of each clip, in the same order, the clips not in the cache probed on all cores.
  std::vector<ProbeResult> probe_all(const std::vector<std::filesystem::path>& clips);

  // Writes the cache atomically (FILE.tmp then rename), creating its folder, if anything changed.
  // Returns false and leaves the old file if that fails (folder not writable, disk full); true if
  // written or nothing needed writing (no changes, or memory only). Never throws.
  bool save() noexcept;

  std::size_t hits() const;
  std::size_t misses() const;

 private:
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  // Absolute path -> (key: size and mtime, result).
  std::unordered_map<std::string, std::pair<std::string, ProbeResult>> entries_;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
  bool dirty_ = false;
};

}  // namespace loa
