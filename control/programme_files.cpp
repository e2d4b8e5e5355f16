#include "programme_files.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include "loa/air_station.hpp"
#include "loa/checked_station.hpp"
#include "loa/message_json.hpp"
#include "loa/write_advice.hpp"
#include "schedule_rights.hpp"

namespace loa {

namespace {

bool has_wildcard(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

}  // namespace

std::optional<std::filesystem::path> programme_file(const StationSettings& s,
                                                    const std::string& name) {
  for (const auto& [pattern, pos] : s.include) {
    const std::filesystem::path full = std::filesystem::path(pattern).is_absolute()
                                           ? std::filesystem::path(pattern)
                                           : s.file.parent_path() / pattern;
    if (has_wildcard(full.parent_path().string())) continue;
    for (const char* ext : {".yaml", ".yml"}) {
      const std::filesystem::path f = full.parent_path() / (name + ext);
      if (::fnmatch(full.c_str(), f.c_str(), FNM_PATHNAME) == 0) return f;
    }
  }
  return std::nullopt;
}

bool valid_programme_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

std::string shown_path(const std::string& path, const StationSettings& s) {
  const std::filesystem::path base = s.file.parent_path();
  const std::filesystem::path rel = std::filesystem::path(path).lexically_relative(base);
  if (!rel.empty() && !rel.string().starts_with("..")) return rel.string();
  return path;
}

nlohmann::json diagnostics_json(const Diagnostics& diags, const StationSettings& s, Severity only) {
  auto out = nlohmann::json::array();
  for (const auto& d : diags.all()) {
    if (d.severity != only) continue;
    out.push_back({{"file", shown_path(d.where.path(), s)},
                   {"line", d.where.line},
                   {"column", d.where.column},
                   {"severity", d.severity == Severity::error ? "error" : "warning"},
                   {"message", d.message},
                   {"code", d.code},
                   {"params", params_json(d.params)}});
  }
  return out;
}

void write_atomically(const std::filesystem::path& file, const std::string& text) {
  std::string tmp = (file.parent_path() / ("." + file.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    throw CodedFailure(Message{"programme.file.cannot_save",
                               {{"name", file.filename().string()},
                                {"advice", cannot_write_message(file.parent_path(), errno)}}});
  }
  bool ok = ::fchmod(fd, 0644) == 0;
  std::size_t done = 0;
  while (ok && done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    throw CodedFailure(Message{"programme.file.cannot_save",
                               {{"name", file.filename().string()},
                                {"advice", cannot_write_message(file.parent_path(), error)}}});
  }
}

std::mutex saving_programmes;

bool reload_engine(ControlServer::Context& c, httplib::Response& res, const Message& done,
                   std::string& version) {
  LoadedStation loaded = load_air_station(c.options.config);
  if (!loaded.air) {
    reply_error(res, 500,
                Message{"programme.reload.no_longer_loads",
                        {{"done", done}, {"diagnostics", loaded.diagnostics}}});
    return false;
  }
  version = station_version(loaded.files);
  std::string error;
  if (!c.queue.call([l = std::make_shared<LoadedStation>(std::move(loaded))](
                        AirControl& air) mutable { air.reload(std::move(*l)); },
                    std::chrono::seconds(5), error)) {
    reply_error(res, 503,
                Message{"programme.reload.not_taken", {{"done", done}, {"reason", error}}});
    return false;
  }
  return true;
}

std::optional<SavedProgrammeFile> save_programme_file(ControlServer::Context& c,
                                                      const Caller& caller,
                                                      const std::filesystem::path& file,
                                                      const std::string& text,
                                                      httplib::Response& res, bool only_new) {
  const std::lock_guard lock(saving_programmes);
  std::error_code ec;
  if (only_new && std::filesystem::exists(file, ec)) {
    reply_error(res, 409, Message{"programme.file.exists", {{"name", file.filename().string()}}});
    return std::nullopt;
  }
  const StationSettings& settings = c.snapshot()->air->station->settings;
  const FileOverlay overlay{file, text};
  CheckOptions options;
  options.overlay = &overlay;
  options.command_problems_are_errors = false;
  const CheckedStation checked = check_station(c.options.config, options);
  if (!checked.ok()) {
    const auto n = checked.diags.error_count();
    nlohmann::json j = error_json(n == 1 ? Message{"programme.save.invalid_one"}
                                         : Message{"programme.save.invalid", {{"errors", n}}});
    j["errors"] = diagnostics_json(checked.diags, settings, Severity::error);
    j["warnings"] = diagnostics_json(checked.diags, settings, Severity::warning);
    reply_json(res, 422, j);
    return std::nullopt;
  }
  if (const Diagnostics refused = schedule_rights(caller, checked.station, file);
      refused.has_errors()) {
    nlohmann::json j = error_json(Message{"programme.save.refused"});
    j["errors"] = diagnostics_json(refused, settings, Severity::error);
    reply_json(res, 403, j);
    return std::nullopt;
  }
  write_atomically(file, text);
  SavedProgrammeFile saved;
  if (!reload_engine(c, res, Message{"programme.done.saved"}, saved.version)) return std::nullopt;
  c.record(caller,
           "saved programme file " + file.filename().string() + " (version " + saved.version + ")");
  saved.warnings = diagnostics_json(checked.diags, settings, Severity::warning);
  return saved;
}

}  // namespace loa
