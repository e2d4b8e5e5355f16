#pragma once
// The station's API token: what programs such as `loa status` authenticate with (as admin).

#include <filesystem>
#include <optional>
#include <string>

namespace loa {

// The station's API token: STATE/api-token, 64 hex chars of randombytes_buf. Created on first
// call (folder created if missing) with mode 0600 via open(O_CREAT|O_EXCL, 0600), then written and
// fsync'd; read on later calls (trailing whitespace ignored). Throws std::runtime_error naming the
// file if it cannot be created or read, or if it is empty/not 64 hex chars ("... is not a loa API
// token; delete it and restart loa run to make a new one"). Warns nothing itself.
std::string load_or_create_api_token(const std::filesystem::path& state_folder);

// Reads the existing token (for the CLI client); std::nullopt if the file does not exist. Throws
// std::runtime_error with a plain message if it cannot be read (permission denied: "run as the
// user that runs loa") or is not a token.
std::optional<std::string> read_api_token(const std::filesystem::path& state_folder);

}  // namespace loa
