#include "command_approve.hpp"

#include <iostream>

#include "commands.hpp"
#include "loa/programme_approval.hpp"

namespace loa {

int run_approve(const ApproveArgs& args) {
  SecretKey key;
  try {
    read_secret_key(args.key, key);
    for (const auto& file : args.files) {
      const auto sig = approve_programme(key, file);
      std::cout << "approved " << file.string() << " with '" << key.name << "' (" << sig.string()
                << "); it airs on stations that trust " << key.name << ".pub, until it is edited\n";
    }
  } catch (const KeyError& e) {
    std::cerr << "loa approve: " << e.what() << '\n';
    return kExitInvalid;
  }
  return kExitOk;
}

}  // namespace loa
