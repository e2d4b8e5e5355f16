#pragma once
// Approved programme files (`station.approval: required`, issue 13): a programme file airs only
// while FILE.sig beside it holds an ed25519 signature of its exact bytes by a key the station
// trusts. The commune's leadership signs with `loa approve`; any edit after that (on the box or
// in the web editor) takes the file off the air until it is signed again.
//
// FILE.sig is one line of text: "loa-ed25519-signature KEYNAME BASE64".

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "loa/messages.hpp"
#include "loa/signing_key.hpp"

namespace loa {

// Where a programme file's signature is kept: FILE.sig.
std::filesystem::path approval_file(const std::filesystem::path& programme);

// Signs `programme`'s bytes with `key` into its approval file (replaced atomically). Returns the
// approval file. Throws KeyError naming the file that cannot be read or written.
std::filesystem::path approve_programme(const SecretKey& key,
                                        const std::filesystem::path& programme);

// Why `text`, the bytes of `programme` as it would be loaded, does not air on a station that
// trusts `trusted`: no signature, signed by a key not trusted, changed since signed, or a
// signature file that is not one. nullopt when it is approved. Never throws.
std::optional<Message> approval_problem(const std::filesystem::path& programme,
                                        std::string_view text,
                                        const std::vector<PublicKey>& trusted);

}  // namespace loa
