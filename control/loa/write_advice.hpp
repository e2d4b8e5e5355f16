#pragma once

#include <filesystem>
#include <string>

#include "loa/messages.hpp"

namespace loa {

// Why loa cannot write in `folder` and what the operator can do about it, for the messages of the
// control API when saving a programme or uploading a clip fails: the system's reason for `error`
// (an errno value, as strerror says it) followed by the next step, with the folder made absolute,
// e.g. "Permission denied: loa runs as user 'loa', which may not write in /srv/clips; give it the
// folder: sudo chown -R loa: /srv/clips". The steps name the layout of the Debian package
// (packaging/README.md): loa's service may write only in /var/lib/loa and /etc/loa/programmes.
// Never throws but std::bad_alloc; any thread.
std::string cannot_write_advice(const std::filesystem::path& folder, int error);
// The same as a message with its code (write.*), for the control page.
Message cannot_write_message(const std::filesystem::path& folder, int error);

}  // namespace loa
