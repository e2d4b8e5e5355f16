#pragma once
// Ports on 127.0.0.1 for the servers the tests start as processes (a broker, Icecast).

namespace loa::test {

// A TCP port of 127.0.0.1 free now (the kernel's choice, released at once for the server to bind).
// Throws std::runtime_error if none can be had.
int free_loopback_port();

// Whether something accepts TCP connections on 127.0.0.1:`port`.
bool loopback_listening(int port);

}  // namespace loa::test
