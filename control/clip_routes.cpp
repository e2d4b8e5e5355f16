// GET /api/clips, POST /api/clips?name=NAME, GET and DELETE /api/clips/NAME (docs/api.md).
#include <algorithm>
#include <fstream>
#include <mutex>

#include "control_context.hpp"
#include "loa/clip_library.hpp"
#include "loa/programme.hpp"

namespace loa {

namespace {

int status_of(UploadOutcome o) {
  switch (o) {
    case UploadOutcome::added:
    case UploadOutcome::replaced:
      return 201;
    case UploadOutcome::exists:
      return 409;
    case UploadOutcome::undecodable:
      return 422;
    case UploadOutcome::too_large:
      return 413;
    case UploadOutcome::bad_name:
      return 400;
    case UploadOutcome::failed:
      break;
  }
  return 500;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::error_code ec;
  return std::filesystem::weakly_canonical(a, ec) == b;
}

// Who names the clip file `file` (canonical): programmes by id (directly, through a playlist, or
// as their chime), playlists, and the station's chime; each once, in the station's order.
std::vector<std::string> clip_users(const Station& station, const std::filesystem::path& file) {
  std::vector<std::string> users;
  const auto add = [&users](std::string who) {
    if (std::find(users.begin(), users.end(), who) == users.end()) users.push_back(std::move(who));
  };
  const auto names = [&](const std::vector<PlayItem>& items) {
    for (const auto& i : items) {
      if (i.kind == PlayItem::Kind::clip && same_file(i.file, file)) return true;
      for (const auto& c : i.fallback_clip) {
        if (same_file(c.file, file)) return true;
      }
      if (i.kind == PlayItem::Kind::playlist || !i.live.fallback_playlist.empty()) {
        const Playlist* l =
            station.playlist(i.kind == PlayItem::Kind::playlist ? i.ref : i.live.fallback_playlist);
        if (l != nullptr) {
          for (const auto& c : l->clips) {
            if (same_file(c.file, file)) return true;
          }
        }
      }
    }
    return false;
  };
  if (station.chime && same_file(station.chime->file, file)) add("the station's chime");
  for (const auto& p : station.programmes) {
    bool uses = p.chime.kind == ChimeChoice::Kind::clip && same_file(p.chime.clip.file, file);
    for (const auto& slot : p.slots) uses = uses || names(slot.play);
    if (p.on_demand) uses = uses || names(p.on_demand->play);
    if (uses) add("programme '" + p.id + "'");
  }
  for (const auto& l : station.playlists) {
    for (const auto& c : l.clips) {
      if (same_file(c.file, file)) add("playlist '" + l.id + "'");
    }
  }
  return users;
}

}  // namespace

void add_clip_routes(ControlServer::Context& c) {
  c.server->Get("/api/clips", c.guard(Role::viewer, [&c](const httplib::Request&,
                                                         httplib::Response& res, const Caller&) {
    // Probes are remembered between requests (a clip is decoded once, until it changes); the
    // station's probe file is read for a head start but written only by loa check and loa run.
    static std::mutex mutex;
    static ProbeCache cache(c.settings.state / "clip-probes.tsv");
    std::vector<LibraryClip> clips;
    {
      const std::lock_guard lock(mutex);
      clips = list_clips(c.snapshot()->air->station->settings.clips, &cache);
    }
    auto out = nlohmann::json::array();
    for (const auto& clip : clips) {
      out.push_back({{"name", clip.name},
                     {"size", clip.size},
                     {"duration", clip.duration ? nlohmann::json(*clip.duration) : nullptr},
                     {"problem", clip.problem}});
    }
    reply_json(res, 200, out);
  }));

  // The body goes to the clips folder as it arrives (ClipUpload): an upload of --max-upload-mb is
  // never held in memory. A refused upload's body is still read to its end (up to the limit), so
  // that the connection stays in step for the page's next request.
  c.server->Post(
      "/api/clips",
      c.guard(Role::operator_, [&c](const httplib::Request& req, httplib::Response& res,
                                    const httplib::ContentReader& body, const Caller& caller) {
        const bool named = req.has_param("name");
        ClipUpload upload(c.snapshot()->air->station->settings.clips, req.get_param_value("name"),
                          req.get_param_value("replace") == "1", c.options.max_upload);
        std::uintmax_t received = 0;
        const bool whole = body([&](const char* data, std::size_t length) {
          received += length;
          if (named && !upload.failed()) upload.write(std::string_view(data, length));
          return received <= c.options.max_upload;
        });
        if (!named) {
          reply_error(res, 400, Message{"clip.upload.no_name"});
          return;
        }
        if (!whole && !upload.failed()) {
          reply_error(res, 400, Message{"clip.upload.cut_short"});
          return;
        }
        const UploadResult r = upload.failed() ? upload.result() : upload.finish();
        const int status = status_of(r.outcome);
        if (status != 201) {
          reply_error(res, status, r.error);
          return;
        }
        c.record(caller, std::string(r.outcome == UploadOutcome::replaced ? "replaced" : "added") +
                             " clip " + r.name + " (" + std::to_string(received) + " bytes)");
        reply_json(
            res, 201,
            {{"name", r.name}, {"duration", r.duration ? nlohmann::json(*r.duration) : nullptr}});
      }));

  c.server->Get(
      R"(/api/clips/(.+))", c.guard(Role::viewer, [&c](const httplib::Request& req,
                                                       httplib::Response& res, const Caller&) {
        const std::string name = req.matches[1];
        const auto file = clip_file(c.snapshot()->air->station->settings.clips, name);
        std::error_code ec;
        const auto size = file ? std::filesystem::file_size(*file, ec) : 0;
        if (!file || ec) {
          reply_error(res, 404, Message{"clip.not_found", {{"name", name}}});
          return;
        }
        auto in = std::make_shared<std::ifstream>(*file, std::ios::binary);
        // Served in pieces (cpp-httplib answers Range requests from the provider).
        res.set_content_provider(
            static_cast<std::size_t>(size), std::string(clip_content_type(name)),
            [in](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
              char buffer[64 * 1024];
              in->seekg(static_cast<std::streamoff>(offset));
              const auto n = static_cast<std::streamsize>(std::min(length, sizeof buffer));
              in->read(buffer, n);
              if (in->gcount() <= 0) return false;
              sink.write(buffer, static_cast<std::size_t>(in->gcount()));
              return true;
            });
      }));

  // A clip the station still names stays: deleting it would make the next load fail.
  c.server->Delete(R"(/api/clips/(.+))", c.guard(Role::operator_, [&c](const httplib::Request& req,
                                                                       httplib::Response& res,
                                                                       const Caller& caller) {
    const std::string name = req.matches[1];
    const auto snapshot = c.snapshot();
    const Station& station = *snapshot->air->station;
    const auto file = clip_file(station.settings.clips, name);
    if (!file) {
      reply_error(res, 404, Message{"clip.not_found", {{"name", name}}});
      return;
    }
    const auto users = clip_users(station, *file);
    if (!users.empty()) {
      std::string list;
      for (const auto& u : users) list += (list.empty() ? "" : ", ") + u;
      nlohmann::json j = error_json(Message{"clip.in_use", {{"name", name}, {"users", list}}});
      j["used_by"] = users;
      reply_json(res, 409, j);
      return;
    }
    std::error_code ec;
    if (!std::filesystem::remove(*file, ec) || ec) {
      reply_error(res, 500,
                  Message{"clip.delete_failed", {{"name", name}, {"reason", ec.message()}}});
      return;
    }
    c.record(caller, "deleted clip " + name);
    reply_json(res, 200, {{"name", name}});
  }));
}

}  // namespace loa
