// The `iot` section of the configuration: the IoT-botnet taps' thresholds, watched ports,
// session bounds, extra default credentials and the local resolver policy (docs/iot.md).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_parser_base.h"

namespace rampart::config_internal {
namespace {

std::vector<uint16_t> Ports(ParserBase& p, const Field& f) {
  std::vector<uint16_t> ports;
  if (f.value.IsNull()) {
    return ports;
  }
  if (!f.value.IsSequence()) {
    p.Error(f, fmt::format("'{}' takes a list of TCP ports, e.g. [23, 2323], not {}", f.name,
                           Describe(f.value)));
    return ports;
  }
  size_t index = 0;
  for (const YAML::Node& entry : f.value) {
    const Field item{fmt::format("{}[{}]", f.name, index++), entry, entry};
    if (const auto port = p.Whole(item, 1, 65535)) {
      ports.push_back(static_cast<uint16_t>(*port));
    }
  }
  return ports;
}

void Credentials(ParserBase& p, const Field& f, std::vector<CredentialEntry>& out) {
  if (f.value.IsNull()) {
    return;
  }
  if (!f.value.IsSequence()) {
    p.Error(f, fmt::format("'default_credentials' takes a list of {{user, password}} maps, "
                           "not {}",
                           Describe(f.value)));
    return;
  }
  size_t index = 0;
  for (const YAML::Node& entry : f.value) {
    const std::string path = fmt::format("iot.default_credentials[{}]", index++);
    CredentialEntry credential;
    bool has_user = false;
    bool has_password = false;
    p.ForEachKey(Field{path, entry, entry}, path, kCredentialKeys, [&](const Field& k) {
      if (!k.value.IsScalar()) {
        p.Error(k, fmt::format("'{}' takes text, not {}", k.name, Describe(k.value)));
        return;
      }
      // Verbatim: spaces can be part of a password.
      const std::string& text = k.value.Scalar();
      if (text.size() > (k.name == "user" ? 63u : 127u) ||
          text.find_first_of(std::string("\0\r\n", 3)) != std::string::npos) {
        p.Error(k, fmt::format("'{}' must be at most {} bytes with no NUL, CR or LF", k.name,
                               k.name == "user" ? 63 : 127));
        return;
      }
      (k.name == "user" ? credential.user : credential.password) = text;
      (k.name == "user" ? has_user : has_password) = true;
    });
    if (entry.IsMap() && (!has_user || credential.user.empty() || !has_password)) {
      p.Error(entry.Mark(), fmt::format("{} needs a non-empty 'user' and a 'password' "
                                        "(\"\" for none)",
                                        path));
      continue;
    }
    if (has_user && has_password) {
      out.push_back(std::move(credential));
    }
  }
}

}  // namespace

void ParseIotSection(ParserBase& p, const Field& section, IotSettings& iot) {
  p.ForEachKey(section, "iot", kIotKeys, [&](const Field& f) {
    if (f.name == "enabled") {
      if (const auto on = p.Bool(f)) {
        iot.enabled = *on;
      }
    } else if (f.name == "scans") {
      p.ForEachKey(f, "iot.scans", kIotScanKeys, [&](const Field& k) {
        if (k.name == "window") {
          if (const auto s = p.Duration(k, kMaxHoldSeconds)) {
            iot.scan_window_s = std::max(*s, 1.0);
          }
          return;
        }
        const auto n = p.Whole(k, 1, 1e6);
        if (!n) {
          return;
        }
        (k.name == "min_targets"        ? iot.scan_min_targets
         : k.name == "min_ports"        ? iot.scan_min_ports
         : k.name == "mirai_min_probes" ? iot.mirai_min_probes
                                        : iot.ping_sweep_min_targets) = *n;
      });
    } else if (f.name == "brute_force") {
      p.ForEachKey(f, "iot.brute_force", kIotBruteKeys, [&](const Field& k) {
        if (k.name == "window") {
          if (const auto s = p.Duration(k, kMaxHoldSeconds)) {
            iot.brute_force_window_s = std::max(*s, 1.0);
          }
          return;
        }
        if (const auto n = p.Whole(k, 1, 1e6)) {
          (k.name == "min_failures" ? iot.brute_force_min_failures : iot.brute_force_min_sessions) =
              *n;
        }
      });
    } else if (f.name == "ports") {
      p.ForEachKey(f, "iot.ports", kIotPortKeys, [&](const Field& k) {
        std::vector<uint16_t> ports = Ports(p, k);
        (k.name == "telnet" ? iot.telnet_ports
         : k.name == "ftp"  ? iot.ftp_ports
         : k.name == "http" ? iot.http_ports
         : k.name == "pop3" ? iot.pop3_ports
         : k.name == "imap" ? iot.imap_ports
                            : iot.encrypted_login_ports) = std::move(ports);
      });
    } else if (f.name == "sessions") {
      p.ForEachKey(f, "iot.sessions", kIotSessionKeys, [&](const Field& k) {
        if (k.name == "max") {
          if (const auto n = p.Whole(k, 16, 4'000'000)) {
            iot.max_sessions = *n;
          }
        } else if (const auto n = p.Whole(k, 64, 65536)) {
          iot.session_bytes = *n;
        }
      });
    } else if (f.name == "default_credentials") {
      Credentials(p, f, iot.default_credentials);
    } else if (f.name == "default_credentials_file") {
      if (const auto text = p.Text(f, "a file path")) {
        iot.default_credentials_file = std::string(*text);
      }
    } else {
      for (const PrefixAt& prefix : p.Prefixes(f)) {
        iot.local_resolvers.push_back(prefix.prefix);
      }
    }
  });
}

}  // namespace rampart::config_internal
