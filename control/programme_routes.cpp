// GET /api/programmes, GET, PUT and DELETE /api/programmes/NAME (docs/api.md).
#include <fstream>
#include <mutex>
#include <sstream>

#include "control_context.hpp"
#include "loa/checked_station.hpp"
#include "loa/message_json.hpp"
#include "loa/values.hpp"
#include "programme_files.hpp"
#include "schedule_rights.hpp"

namespace loa {

namespace {

constexpr std::size_t kMaxProgrammeFile = 1024 * 1024;

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
                  const auto file = valid_programme_name(name)
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

  c.server->Put(R"(/api/programmes/([^/]+))",
                c.guard(Role::operator_, [&c](const httplib::Request& req, httplib::Response& res,
                                              const Caller& caller) {
                  const std::string name = req.matches[1];
                  if (!valid_programme_name(name)) {
                    reply_error(res, 400, Message{"programme.file.bad_name"});
                    return;
                  }
                  if (req.body.size() > kMaxProgrammeFile) {
                    reply_error(res, 413, Message{"programme.file.too_large"});
                    return;
                  }
                  const auto current = c.snapshot();
                  const StationSettings& settings = current->air->station->settings;
                  const auto file = programme_file(settings, name);
                  if (!file) {
                    reply_error(res, 409, Message{"programme.file.no_folder"});
                    return;
                  }
                  const auto saved = save_programme_file(c, caller, *file, req.body, res);
                  if (!saved) return;
                  reply_json(res, 200,
                             {{"name", name},
                              {"file", shown_path(file->string(), settings)},
                              {"version", saved->version},
                              {"warnings", saved->warnings}});
                }));

  // The file is moved aside while the station is checked without it, so that what remains is
  // judged exactly as loa check would; it comes back when anything is wrong.
  c.server->Delete(
      R"(/api/programmes/([^/]+))",
      c.guard(Role::operator_, [&c](const httplib::Request& req, httplib::Response& res,
                                    const Caller& caller) {
        const std::lock_guard lock(saving_programmes);
        const std::string name = req.matches[1];
        const auto current = c.snapshot();
        const Station& station = *current->air->station;
        const StationSettings& settings = station.settings;
        const auto file =
            valid_programme_name(name) ? programme_file(settings, name) : std::nullopt;
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
          reply_error(res, 500,
                      Message{"programme.delete.failed",
                              {{"file", file->string()}, {"reason", ec.message()}}});
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
        if (!reload_engine(c, res, Message{"programme.done.deleted"}, version)) return;
        c.record(caller, "deleted programme file " + file->filename().string() + " (version " +
                             version + ")");
        reply_json(
            res, 200,
            {{"name", name}, {"file", shown_path(file->string(), settings)}, {"version", version}});
      }));
}

}  // namespace loa
