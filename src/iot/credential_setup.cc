#include "iot/credential_setup.h"

#include "config/yaml_input.h"

namespace rampart::iot {

std::optional<CredentialList> CredentialsForConfig(const IotSettings& settings,
                                                   std::string* error) {
  CredentialList list = CredentialList::Builtin();
  if (!settings.default_credentials_file.empty()) {
    std::string text;
    std::string read_error;
    if (!ReadConfigFile(settings.default_credentials_file, &text, &read_error)) {
      *error =
          "iot.default_credentials_file " + settings.default_credentials_file + ": " + read_error;
      return std::nullopt;
    }
    std::string parse_error;
    if (!list.AddYaml(text, settings.default_credentials_file, &parse_error)) {
      *error =
          "iot.default_credentials_file " + settings.default_credentials_file + ": " + parse_error;
      return std::nullopt;
    }
  }
  for (const CredentialEntry& entry : settings.default_credentials) {
    DefaultCredential credential;
    credential.user = entry.user;
    credential.password = entry.password;
    credential.source = "config";
    list.Add(std::move(credential));
  }
  return list;
}

}  // namespace rampart::iot
