#pragma once
// The credential list a run uses: the shipped list, then the config's
// `iot.default_credentials_file`, then its inline `iot.default_credentials`.
#include <optional>
#include <string>

#include "config/config.h"
#include "iot/credentials.h"

namespace rampart::iot {

//! nullopt with `error` ("default_credentials_file /x: line 3, column 5: …") when the file
//! cannot be read or parsed.
std::optional<CredentialList> CredentialsForConfig(const IotSettings& settings, std::string* error);

}  // namespace rampart::iot
