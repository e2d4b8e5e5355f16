// GET /api/programmes, GET, PUT and DELETE /api/programmes/NAME (docs/api.md).
#include <fcntl.h>
#include <fnmatch.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "control_context.hpp"
#include "loa/air_station.hpp"
#include "loa/checked_station.hpp"
#include "loa/message_json.hpp"
#include "loa/values.hpp"
#include "loa/write_advice.hpp"
#include "schedule_rights.hpp"

namespace loa {

namespace {

constexpr std::size_t kMaxProgrammeFile = 1024 * 1024;

bool has_wildcard(const std::string& s) {
  return s.find_first_of("*?[") != std::string::npos;
}

// The file NAME saves to: in the folder of the first include pattern that has a fixed folder and
// matches NAME.yaml, spelt as that pattern expands (so the loader recognises it).
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

bool valid_name(const std::string& name) {
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

// Writes `text` to `file` so that readers see the old or the new file, never half of one.
void write_atomically(const std::filesystem::path& file, const std::string& text) {
  std::string tmp = (file.parent_path() / ("." + file.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    throw std::runtime_error("cannot save " + file.filename().string() + ": " +
                             cannot_write_advice(file.parent_path(), errno));
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
    throw std::runtime_error("cannot save " + file.filename().string() + ": " +
                             cannot_write_advice(file.parent_path(), error));
  }
}

// One change of the programme files at a time: each is checked against the one before.
std::mutex saving;

// Loads the station as it now is on disk and hands it to the engine; false (and the answer sent)
// when it does not load or the engine does not take it.
bool reload_engine(ControlServer::Context& c, httplib::Response& res, const std::string& done,
                   std::string& version) {
  LoadedStation loaded = load_air_station(c.options.config);
  if (!loaded.air) {
    reply_error(res, 500, done + ", but the station no longer loads: " + loaded.diagnostics);
    return false;
  }
  version = station_version(loaded.files);
  std::string error;
  if (!c.queue.call([l = std::make_shared<LoadedStation>(std::move(loaded))](
                        AirControl& air) mutable { air.reload(std::move(*l)); },
                    std::chrono::seconds(5), error)) {
    reply_error(res, 503, done + " but the engine has not taken it yet: " + error);
    return false;
  }
  return true;
}

}  // namespace

void add_programme_routes(ControlServer::Context& c) {
  c.server->Get(
      "/api/programmes",
      c.guard(Role::viewer, [&c](const httplib::Request&, httplib::Response& res, const Caller&) {
        const auto s = c.snapshot();
        const Station& station = *s->air->station;
        auto out = nlohmann::json::array();
        for (const auto& f : station.files) {
          if (f == station.settings.file) continue;
          const std::string stem = f.stem().string();
          const auto where = programme_file(station.settings, stem);
          nlohmann::json j = {{"name", stem},
                              {"file", shown_path(f.string(), station.settings)},
                              {"editable", where && *where == f}};
          j["programmes"] = nlohmann::json::array();
          for (const auto& p : station.programmes) {
            if (p.pos.path() != f.string()) continue;
            auto zones = nlohmann::json::array();
            for (const auto& id : station.settings.zone_ids()) {
              const auto bit = static_cast<unsigned>(station.settings.zone_index(id));
              if (((p.zones >> bit) & 1U) != 0) zones.push_back(id);
            }
            j["programmes"].push_back({{"id", p.id},
                                       {"title", p.title},
                                       {"priority", std::string(priority_class(p.priority))},
                                       {"zones", zones},
                                       {"on_demand", p.on_demand.has_value()}});
          }
          out.push_back(std::move(j));
        }
        reply_json(res, 200, out);
      }));

  c.server->Get(R"(/api/programmes/([^/]+))",
                c.guard(Role::viewer, [&c](const httplib::Request& req, httplib::Response& res,
                                           const Caller&) {
                  const std::string name = req.matches[1];
                  const auto file = valid_name(name)
                                        ? programme_file(c.snapshot()->air->station->settings, name)
                                        : std::nullopt;
                  std::ifstream in(file.value_or(""), std::ios::binary);
                  if (!file || !in) {
                    reply_error(res, 404, Message{"programme.file.not_found", {{"name", name}}});
                    return;
                  }
                  std::ostringstream text;
                  text << in.rdbuf();
                  res.set_content(text.str(), "text/yaml; charset=utf-8");
                }));

  c.server->Put(
      R"(/api/programmes/([^/]+))",
      c.guard(Role::operator_, [&c](const httplib::Request& req, httplib::Response& res,
                                    const Caller& caller) {
        const std::lock_guard lock(saving);
        const std::string name = req.matches[1];
        if (!valid_name(name)) {
          reply_error(
              res, 400,
              "a programme file name has 1 to 64 letters, digits, '-' or '_' (no folder, no "
              ".yaml)");
          return;
        }
        if (req.body.size() > kMaxProgrammeFile) {
          reply_error(res, 413, "a programme file may be at most 1 MB");
          return;
        }
        const auto current = c.snapshot();
        const StationSettings& settings = current->air->station->settings;
        const auto file = programme_file(settings, name);
        if (!file) {
          reply_error(res, 409,
                      "the station file includes no programmes folder (e.g. include: "
                      "[programmes/*.yaml]); add one to save programmes here");
          return;
        }
        const FileOverlay overlay{*file, req.body};
        CheckOptions options;
        options.overlay = &overlay;
        options.command_problems_are_errors = false;
        const CheckedStation checked = check_station(c.options.config, options);
        if (!checked.ok()) {
          const auto n = checked.diags.error_count();
          nlohmann::json j =
              error_json(n == 1 ? Message{"programme.save.invalid_one"}
                                : Message{"programme.save.invalid", {{"errors", n}}});
          j["errors"] = diagnostics_json(checked.diags, settings, Severity::error);
          j["warnings"] = diagnostics_json(checked.diags, settings, Severity::warning);
          reply_json(res, 422, j);
          return;
        }
        if (const Diagnostics refused = schedule_rights(caller, checked.station, *file);
            refused.has_errors()) {
          nlohmann::json j = error_json(Message{"programme.save.refused"});
          j["errors"] = diagnostics_json(refused, settings, Severity::error);
          reply_json(res, 403, j);
          return;
        }
        write_atomically(*file, req.body);
        std::string version;
        if (!reload_engine(c, res, "the file was saved", version)) return;
        c.record(caller, "saved programme file " + file->filename().string() + " (version " +
                             version + ")");
        reply_json(res, 200,
                   {{"name", name},
                    {"file", shown_path(file->string(), settings)},
                    {"version", version},
                    {"warnings", diagnostics_json(checked.diags, settings, Severity::warning)}});
      }));

  // The file is moved aside while the station is checked without it, so that what remains is
  // judged exactly as loa check would; it comes back when anything is wrong.
  c.server->Delete(
      R"(/api/programmes/([^/]+))",
      c.guard(Role::operator_, [&c](const httplib::Request& req, httplib::Response& res,
                                    const Caller& caller) {
        const std::lock_guard lock(saving);
        const std::string name = req.matches[1];
        const auto current = c.snapshot();
        const Station& station = *current->air->station;
        const StationSettings& settings = station.settings;
        const auto file = valid_name(name) ? programme_file(settings, name) : std::nullopt;
        std::error_code ec;
        if (!file || !std::filesystem::is_regular_file(*file, ec)) {
          reply_error(res, 404, Message{"programme.file.not_found", {{"name", name}}});
          return;
        }
        if (const Diagnostics refused = schedule_rights(caller, station, *file, true);
            refused.has_errors()) {
          nlohmann::json j = error_json(Message{"programme.delete.refused"});
          j["errors"] = diagnostics_json(refused, settings, Severity::error);
          reply_json(res, 403, j);
          return;
        }
        const std::filesystem::path aside =
            file->parent_path() / ("." + file->filename().string() + ".deleting");
        std::filesystem::rename(*file, aside, ec);
        if (ec) {
          reply_error(res, 500, "cannot delete " + file->string() + ": " + ec.message());
          return;
        }
        const CheckedStation checked = check_station(c.options.config, {});
        if (!checked.ok()) {
          std::filesystem::rename(aside, *file, ec);
          const auto n = checked.diags.error_count();
          nlohmann::json j =
              error_json(n == 1 ? Message{"programme.delete.invalid_one"}
                                : Message{"programme.delete.invalid", {{"errors", n}}});
          j["errors"] = diagnostics_json(checked.diags, settings, Severity::error);
          reply_json(res, 422, j);
          return;
        }
        std::filesystem::remove(aside, ec);
        std::string version;
        if (!reload_engine(c, res, "the file was deleted", version)) return;
        c.record(caller, "deleted programme file " + file->filename().string() + " (version " +
                             version + ")");
        reply_json(
            res, 200,
            {{"name", name}, {"file", shown_path(file->string(), settings)}, {"version", version}});
      }));
}

}  // namespace loa
