#include "icecast_socket.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <optional>
#include <string_view>

namespace loa::detail {

namespace {

// The socket's read returns once this much has arrived (or the server closed, or the read's
// longest wait passed): a quarter of a second of a 128 kb/s stream.
constexpr int kLowWater = 4096;
// While connecting and reading the answer's head, the deadline is looked at this often.
constexpr int kPollMs = 100;
// An answer's head longer than this is not an Icecast server's.
constexpr std::size_t kMaxHead = std::size_t{16} * 1024;

struct Address {
  std::string host;  // without the brackets of an IPv6 literal
  std::string port;
  std::string authority;  // for the Host header
  std::string target;     // path and query
};

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// A plain http:// address without credentials, else nothing.
std::optional<Address> plain_http(std::string_view url) {
  constexpr std::string_view scheme = "http://";
  if (!starts_with_nocase(url, scheme)) return std::nullopt;
  url.remove_prefix(scheme.size());
  url = url.substr(0, url.find('#'));
  const auto end = url.find_first_of("/?");
  Address address;
  address.authority = std::string(url.substr(0, end));
  const std::string_view target = end == std::string_view::npos ? "" : url.substr(end);
  address.target = (target.starts_with('/') ? "" : "/") + std::string(target);
  std::string_view authority = address.authority;
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;
  std::string_view port = "80";
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    address.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return std::nullopt;
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.find(':');
    address.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (address.host.empty() || port.empty() || port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  address.port = std::string(port);
  return address;
}

// Waits for `events` on `fd` until the deadline passes or the link stops (false).
bool wait_for(int fd, short events, RelayDeadline& deadline) {
  pollfd entry{fd, events, 0};
  for (;;) {
    if (RelayDeadline::interrupt(&deadline) != 0) return false;
    const int ready = ::poll(&entry, 1, kPollMs);
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return false;
  }
}

// A connected blocking socket, or -1 (a refused or failed connection: FFmpeg says why).
int connect_within(const Address& address, RelayDeadline& deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(address.host.c_str(), address.port.c_str(), &hints, &found) != 0) return -1;
  int connected = -1;
  for (addrinfo* at = found; at != nullptr && connected < 0; at = at->ai_next) {
    const int fd =
        ::socket(at->ai_family, at->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, at->ai_protocol);
    if (fd < 0) continue;
    int error = 0;
    socklen_t length = sizeof error;
    const bool made =
        (::connect(fd, at->ai_addr, at->ai_addrlen) == 0 ||
         (errno == EINPROGRESS && wait_for(fd, POLLOUT, deadline) &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0)) &&
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0;
    if (made) {
      connected = fd;
    } else {
      ::close(fd);
      if (deadline.timed_out() || deadline.stopping()) break;
    }
  }
  ::freeaddrinfo(found);
  return connected;
}

bool send_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// The answer: its head (status line and headers, without the blank line), and the bytes read
// after it. Nothing if it does not come whole within the deadline.
std::optional<std::pair<std::string, std::string>> read_answer(int fd, RelayDeadline& deadline) {
  std::string bytes;
  char chunk[4096];
  while (bytes.size() < kMaxHead) {
    if (const auto end = bytes.find("\r\n\r\n"); end != std::string::npos) {
      return std::pair{bytes.substr(0, end), bytes.substr(end + 4)};
    }
    if (!wait_for(fd, POLLIN, deadline)) return std::nullopt;
    const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return std::nullopt;
    bytes.append(chunk, static_cast<std::size_t>(got));
  }
  return std::nullopt;
}

// The answer's Content-Type if it is a live audio stream loa reads itself (200, an audio type,
// not a playlist's, no length and no chunks), else nothing.
std::optional<std::string> live_audio_type(std::string_view head) {
  const auto line_end = head.find("\r\n");
  const std::string_view status = head.substr(0, line_end);
  if (!(starts_with_nocase(status, "HTTP/1.") || starts_with_nocase(status, "ICY ")) ||
      status.find(" 200") == std::string_view::npos || status.find(" 200") != status.find(' ')) {
    return std::nullopt;
  }
  std::optional<std::string> audio;
  for (auto at = line_end; at != std::string_view::npos && at < head.size();) {
    const auto next = head.find("\r\n", at + 2);
    const std::string_view field = head.substr(at + 2, next - (at + 2));
    at = next;
    if (starts_with_nocase(field, "content-length:") ||
        starts_with_nocase(field, "transfer-encoding:")) {
      return std::nullopt;
    }
    if (starts_with_nocase(field, "content-type:")) {
      std::string type(field.substr(field.find(':') + 1));
      std::transform(type.begin(), type.end(), type.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      type.erase(0, type.find_first_not_of(" \t"));
      const bool playable = (type.starts_with("audio/") || type.starts_with("application/ogg")) &&
                            type.find("mpegurl") == std::string::npos &&
                            type.find("scpls") == std::string::npos;
      audio = playable ? std::optional(type) : std::nullopt;
    }
  }
  return audio;
}

}  // namespace

std::unique_ptr<IcecastSocket> IcecastSocket::open(const std::string& url, RelayDeadline& deadline,
                                                   std::chrono::milliseconds timeout,
                                                   std::chrono::milliseconds longest_wait,
                                                   RelayLink& link) {
  const auto address = plain_http(url);
  if (!address || url.find(".m3u8") != std::string::npos) return nullptr;
  deadline.arm(timeout);
  const int fd = connect_within(*address, deadline);
  if (fd < 0) return nullptr;
  std::unique_ptr<IcecastSocket> opened(new IcecastSocket(fd, deadline, link));
  const std::string request = "GET " + address->target +
                              " HTTP/1.0\r\nHost: " + address->authority +
                              "\r\nUser-Agent: loa (commune loudspeaker station)\r\n"
                              "Accept: */*\r\nConnection: close\r\n\r\n";
  if (!send_all(fd, request)) return nullptr;
  auto answer = read_answer(fd, deadline);
  if (!answer) return nullptr;
  auto type = live_audio_type(answer->first);
  if (!type) return nullptr;
  opened->content_type_ = std::move(*type);
  opened->early_bytes_ = std::move(answer->second);
  const int low_water = kLowWater;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &low_water, sizeof low_water);
  const auto wait_us = std::chrono::microseconds(longest_wait).count();
  const timeval read_wait{static_cast<time_t>(wait_us / 1'000'000),
                          static_cast<suseconds_t>(wait_us % 1'000'000)};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &read_wait, sizeof read_wait);
  return opened;
}

IcecastSocket::IcecastSocket(int fd, RelayDeadline& deadline, RelayLink& link)
    : fd_(fd), deadline_(deadline), link_(link) {
  link_.set_socket(fd_);
}

AVIOContext* IcecastSocket::io() {
  if (io_ != nullptr) return io_;
  constexpr int kBufferSize = 32 * 1024;
  auto* buffer = static_cast<unsigned char*>(av().av_malloc(kBufferSize));
  if (buffer == nullptr) return nullptr;
  io_ = av().avio_alloc_context(buffer, kBufferSize, 0, this, &IcecastSocket::read_for_ffmpeg,
                                nullptr, nullptr);
  if (io_ == nullptr) {
    av().av_free(buffer);
    return nullptr;
  }
  io_->seekable = 0;
  return io_;
}

IcecastSocket::~IcecastSocket() {
  if (io_ != nullptr) {
    av().av_free(io_->buffer);
    av().avio_context_free(&io_);
  }
  link_.set_socket(-1);
  ::close(fd_);
}

const std::string& IcecastSocket::peek(std::size_t bytes) {
  std::uint8_t chunk[4096];
  while (early_bytes_.size() < bytes) {
    const int got = receive(chunk, sizeof chunk);
    if (got <= 0) break;
    early_bytes_.append(reinterpret_cast<const char*>(chunk), static_cast<std::size_t>(got));
  }
  return early_bytes_;
}

int IcecastSocket::read_for_ffmpeg(void* opaque, std::uint8_t* buffer, int size) {
  return static_cast<IcecastSocket*>(opaque)->read(buffer, size);
}

int IcecastSocket::read(std::uint8_t* buffer, int size) {
  if (!early_bytes_.empty()) {
    const auto n = std::min(static_cast<std::size_t>(size), early_bytes_.size());
    std::copy_n(early_bytes_.data(), n, buffer);
    early_bytes_.erase(0, n);
    return static_cast<int>(n);
  }
  return receive(buffer, size);
}

int IcecastSocket::receive(std::uint8_t* buffer, int size) {
  // The deadline is looked at before every read, as FFmpeg's own reading does: a trickle that
  // brings a few bytes each time must not keep a read going past it.
  while (RelayDeadline::interrupt(&deadline_) == 0) {
    const ssize_t got = ::recv(fd_, buffer, static_cast<std::size_t>(size), 0);
    if (got > 0) return static_cast<int>(got);
    if (got == 0) return AVERROR_EOF;
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) return AVERROR(errno);
  }
  return AVERROR_EXIT;
}

}  // namespace loa::detail
