#pragma once
// The district's side and the station's side of signed campaigns (issue 13): keys, signing a
// bundle, and installing one on a station.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace loa {

struct KeyArgs {
  std::string name;
  std::filesystem::path dir = ".";
};
int run_key_new(const KeyArgs& args);

struct SignArgs {
  std::filesystem::path key;
  std::string district;
  std::string campaign;
  std::uint64_t version = 0;
  std::string valid_from;
  std::string valid_until;
  std::filesystem::path programme;
  std::filesystem::path clips_dir;  // default: the programme file's folder
  std::vector<std::string> clips;
  std::filesystem::path out;
};
int run_sign(const SignArgs& args);

struct CampaignArgs {
  std::filesystem::path config;
  std::filesystem::path bundle;
};
int run_campaign_install(const CampaignArgs& args);
int run_campaign_list(const CampaignArgs& args);

}  // namespace loa
