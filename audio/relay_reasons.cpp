#include "relay_reasons.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "ffmpeg_common.hpp"

namespace loa::detail {

namespace {

constexpr int kMaxRedirects = 8;  // as FFmpeg's http protocol (which then fails with EIO alone)

bool contains(std::string_view text, std::string_view part) {
  auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
  std::string a(text), b(part);
  std::transform(a.begin(), a.end(), a.begin(), lower);
  std::transform(b.begin(), b.end(), b.begin(), lower);
  return a.find(b) != std::string::npos;
}

struct Address {
  std::string origin;  // "http://host:port"
  std::string path;    // "/..."
};

std::optional<Address> split(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return std::nullopt;
  const auto slash = url.find('/', scheme + 3);
  if (slash == std::string::npos) return Address{url, "/"};
  return Address{url.substr(0, slash), url.substr(slash)};
}

// What the address answers, looked at again over plain HTTP: "web page", "redirect loop" or "".
// (FFmpeg says only "invalid data" for a web page and "I/O error" for a redirect loop.) Reads at
// most the headers and the first bytes of the body.
std::string look_again(std::string url, int timeout_ms) {
  std::set<std::string> seen;
  for (int hop = 0; hop <= kMaxRedirects + 1; ++hop) {
    if (!url.starts_with("http://") && !url.starts_with("https://")) return "";
    const auto address = split(url);
    if (!address) return "";
    if (!seen.insert(url).second) return "redirect loop";
    httplib::Client client(address->origin);
    client.set_follow_location(false);
    client.set_connection_timeout(std::chrono::milliseconds(timeout_ms));
    client.set_read_timeout(std::chrono::milliseconds(timeout_ms));
    int status = 0;
    std::string location, type, body;
    client.Get(
        address->path, httplib::Headers{},
        [&](const httplib::Response& response) {
          status = response.status;
          location = response.get_header_value("Location");
          type = response.get_header_value("Content-Type");
          return status < 300 || status >= 400;  // a redirect's body is of no interest
        },
        [&](const char* data, std::size_t length) {
          body.append(data, std::min<std::size_t>(length, 512 - body.size()));
          return body.size() < 512;
        });
    if (status >= 300 && status < 400 && !location.empty()) {
      url = location.starts_with("/") ? address->origin + location : location;
      continue;
    }
    if (contains(type, "text/html") || contains(body, "<html") || contains(body, "<!doctype"))
      return "web page";
    return "";
  }
  return "redirect loop";
}

}  // namespace

std::string relay_open_failure(const std::string& url, int code, const std::string& log,
                               int timeout_ms) {
  switch (code) {
    case AVERROR_HTTP_NOT_FOUND:
      return "HTTP 404: the server has no stream at this address (check the URL)";
    case AVERROR_HTTP_FORBIDDEN:
      return "HTTP 403: the server refuses to give this stream (forbidden)";
    case AVERROR_HTTP_UNAUTHORIZED:
      return "HTTP 401: the stream needs a password";
    case AVERROR_HTTP_BAD_REQUEST:
      return "HTTP 400: the server does not understand the request (check the URL)";
    case AVERROR_HTTP_OTHER_4XX:
      return "HTTP error: the server refuses the request (" + log + ")";
    case AVERROR_HTTP_SERVER_ERROR:
      return "HTTP 5xx: the server has an internal failure (" + log + "); try again later";
    default:
      break;
  }
  if (contains(log, "resolve hostname")) {
    return "DNS failure: the server's name cannot be found (check the URL and the station's "
           "network and DNS)";
  }
  if (code == AVERROR(ECONNREFUSED)) {
    return "connection refused: nothing answers at this address and port (the server is down or "
           "the port is wrong)";
  }
  if (code == AVERROR(ETIMEDOUT) || code == AVERROR(EHOSTUNREACH) || code == AVERROR(ENETUNREACH)) {
    return "the server cannot be reached (" + ffmpeg_error_text(code) +
           "): check the station's network";
  }
  if (contains(log, "tls") || contains(log, "certificate") || contains(log, "handshake") ||
      contains(log, "gnutls")) {
    return "TLS failure: the secure connection cannot be made (" + log +
           "); check that the address is right and the station's clock is set";
  }
  if (code == AVERROR_INVALIDDATA || code == AVERROR(EIO) || code == AVERROR_EOF) {
    const std::string found = look_again(url, timeout_ms);
    if (found == "web page") {
      return "not audio: the address gives a web page (HTML), not a stream; find the stream's "
             "own address (it often ends in .mp3, .aac, .ogg or .m3u8)";
    }
    if (found == "redirect loop") {
      return "redirect loop: the server sends loa from address to address without end";
    }
  }
  // The connection was made (else an error above): what came through is not an audio stream.
  if (code != AVERROR(EIO) && code != AVERROR(ECONNRESET) && code != AVERROR(EPIPE) &&
      code != AVERROR_EOF) {
    const std::string detail = log.empty() ? ffmpeg_error_text(code) : log;
    return "not audio: what the server sends cannot be read as an audio stream (" + detail + ")";
  }
  const std::string detail = log.empty() ? ffmpeg_error_text(code) : log;
  return "the stream cannot be opened (" + detail + ")";
}

std::string relay_read_failure(int code, const std::string& log) {
  if (code == AVERROR_EOF) return "the server ended the stream";
  const std::string detail = log.empty() ? ffmpeg_error_text(code) : log;
  return "the stream broke off (" + detail + ")";
}

}  // namespace loa::detail
