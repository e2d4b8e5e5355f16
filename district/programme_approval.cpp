#include "loa/programme_approval.hpp"

#include <array>
#include <fstream>
#include <sstream>
#include <string>

namespace loa {
namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTag = "loa-ed25519-signature";
constexpr std::size_t kMaxSignatureFile = 4096;

std::string read_programme_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw KeyError(file.string() + ": cannot read the programme file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

fs::path approval_file(const fs::path& programme) {
  fs::path sig = programme;
  sig += ".sig";
  return sig;
}

fs::path approve_programme(const SecretKey& key, const fs::path& programme) {
  const std::string text = read_programme_bytes(programme);
  const auto signature = sign_bytes(key, text);
  const fs::path out = approval_file(programme);
  fs::path temporary = out;
  temporary += ".new";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << kTag << ' ' << key.name << ' ' << to_base64(signature.data(), signature.size()) << '\n';
    file.close();
    if (!file) throw KeyError(temporary.string() + ": cannot write the signature file");
  }
  std::error_code ec;
  fs::rename(temporary, out, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw KeyError(out.string() + ": cannot write the signature file");
  }
  return out;
}

std::optional<Message> approval_problem(const fs::path& programme, std::string_view text,
                                        const std::vector<PublicKey>& trusted) {
  const fs::path sig = approval_file(programme);
  const std::vector<MessageParam> which = {{"file", programme.string()}, {"sig", sig.string()}};
  std::ifstream in(sig, std::ios::binary);
  if (!in) return Message{"approval.unsigned", which};
  std::string line(kMaxSignatureFile, '\0');
  in.read(line.data(), static_cast<std::streamsize>(line.size()));
  line.resize(static_cast<std::size_t>(in.gcount()));
  std::istringstream words(line);
  std::string tag, name, base64, extra;
  words >> tag >> name >> base64;
  std::array<unsigned char, 64> signature{};
  if (tag != kTag || !is_key_name(name) || static_cast<bool>(words >> extra) ||
      !from_base64(base64, signature.data(), signature.size())) {
    return Message{"approval.not_a_signature", which};
  }
  auto params = which;
  params.emplace_back("key", name);
  for (const PublicKey& key : trusted) {
    if (key.name != name) continue;
    if (signature_matches(key, text, signature)) return std::nullopt;
    return Message{"approval.changed", std::move(params)};
  }
  return Message{"approval.untrusted", std::move(params)};
}

}  // namespace loa
