#include "house_import.hpp"

#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <system_error>

namespace loa::detail {

namespace {

namespace fs = std::filesystem;

// The copy being written: a 32-bit float mono WAV, removed unless finished.
class CopyWriter {
 public:
  CopyWriter(const fs::path& folder, int rate) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    temporary_ = (folder / ".import-XXXXXX").string();
    fd_ = ::mkstemp(temporary_.data());
    if (fd_ < 0) return;
    ::fchmod(fd_, 0644);  // mkstemp's 0600 would hide the copies from the operator's account
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    file_ = sf_open_fd(fd_, SFM_WRITE, &info, SF_FALSE);
    // No PEAK chunk: it would cost a pass over every sample and nothing reads it.
    if (file_ != nullptr) sf_command(file_, SFC_SET_ADD_PEAK_CHUNK, nullptr, SF_FALSE);
  }
  ~CopyWriter() { abandon(); }
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;

  bool ok() const { return file_ != nullptr; }

  void write(std::span<const float> samples) {
    if (file_ == nullptr || samples.empty()) return;
    const auto n = static_cast<sf_count_t>(samples.size());
    if (sf_writef_float(file_, samples.data(), n) != n) abandon();
  }

  // Closes the copy and renames it to `target`; true if it is there. Not synced: on air this runs
  // on the producer thread, which must not wait seconds for an SD card; a copy that a power cut
  // leaves empty does not open and is decoded again (HouseCache::open).
  bool finish(const fs::path& target) {
    if (file_ == nullptr) return false;
    const bool closed = sf_close(file_) == 0;
    file_ = nullptr;
    const bool ok = ::close(fd_) == 0 && closed;
    fd_ = -1;
    std::error_code ec;
    if (ok) fs::rename(temporary_, target, ec);
    if (!ok || ec) fs::remove(temporary_, ec);
    temporary_.clear();
    return ok && !ec;
  }

 private:
  void abandon() noexcept {
    if (file_ != nullptr) sf_close(file_);
    file_ = nullptr;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    if (!temporary_.empty()) fs::remove(temporary_, ec);
    temporary_.clear();
  }

  std::string temporary_;
  int fd_ = -1;
  SNDFILE* file_ = nullptr;
};

// Removes the files of `folder` that start with `stem`, but `keep`. Never throws.
void remove_older_copies(const fs::path& folder, const std::string& stem,
                         const fs::path& keep) noexcept {
  try {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.starts_with(stem) && entry.path() != keep) fs::remove(entry.path(), ec);
    }
  } catch (...) {  // out of memory: they stay, and take only disk
  }
}

class Importing final : public MonoSource {
 public:
  Importing(std::unique_ptr<MonoSource> source, float gain, const fs::path& folder,
            std::string stem, std::string name, int rate)
      : source_(std::move(source)),
        gain_(gain),
        folder_(folder),
        stem_(std::move(stem)),
        name_(std::move(name)),
        writer_(std::make_unique<CopyWriter>(folder, rate)) {
    if (!writer_->ok()) writer_.reset();
  }

  std::size_t read(std::span<float> out) override {
    std::size_t n = 0;
    try {
      n = source_->read(out);
    } catch (...) {
      writer_.reset();  // a clip that fails is not imported
      throw;
    }
    if (writer_) {
      writer_->write(out.first(n));
      if (n < out.size()) {
        const fs::path target = folder_ / name_;
        if (writer_->finish(target)) remove_older_copies(folder_, stem_, target);
        writer_.reset();
      }
    }
    // As ClipStream applies it (the same product, so the same bits as without the cache).
    if (gain_ != 1.0F) {
      for (float& sample : out.first(n)) sample *= gain_;
    }
    return n;
  }

 private:
  std::unique_ptr<MonoSource> source_;
  float gain_;
  fs::path folder_;
  std::string stem_;
  std::string name_;
  std::unique_ptr<CopyWriter> writer_;  // none once finished, abandoned or failed to start
};

}  // namespace

std::unique_ptr<MonoSource> import_while_reading(std::unique_ptr<MonoSource> source, float gain,
                                                 const fs::path& folder, std::string stem,
                                                 std::string name, int rate) {
  return std::make_unique<Importing>(std::move(source), gain, folder, std::move(stem),
                                     std::move(name), rate);
}

}  // namespace loa::detail
