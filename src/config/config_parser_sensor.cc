// The `sensor` and `outputs` sections: where `rampart run` reads traffic (interfaces, flow
// collectors), how it runs as a daemon, and where its findings go (docs/sensor.md).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <string>
#include <vector>

#include "config/config.h"
#include "config/config_parser_base.h"
#include "core/ip_address.h"

namespace rampart::config_internal {
namespace {

//! A list of plain strings (interface names).
std::vector<std::string> Names(ParserBase& p, const Field& f) {
  std::vector<std::string> names;
  if (f.value.IsNull()) {
    return names;
  }
  if (!f.value.IsSequence()) {
    p.Error(f, fmt::format("'{}' takes a list of interface names, e.g. [eth0], not {}", f.name,
                           Describe(f.value)));
    return names;
  }
  size_t index = 0;
  for (const YAML::Node& entry : f.value) {
    const Field item{fmt::format("{}[{}]", f.name, index++), entry, entry};
    if (const auto text = p.Text(item, "an interface name")) {
      // IFNAMSIZ is 16 with the terminating zero.
      if (text->empty() || text->size() > 15 || text->find('/') != std::string_view::npos) {
        p.Error(item, fmt::format("{} is not an interface name", Quote(*text)));
      } else {
        names.emplace_back(*text);
      }
    }
  }
  return names;
}

//! "ADDRESS:PORT" or "[IPV6]:PORT".
std::optional<FlowListen> Listen(ParserBase& p, const Field& f) {
  const auto text = p.Text(f, "an address and port like '0.0.0.0:2055' or '[::]:6343'");
  if (!text) {
    return std::nullopt;
  }
  std::string_view host;
  std::string_view port_text;
  if (!text->empty() && text->front() == '[') {
    const size_t close = text->find("]:");
    if (close != std::string_view::npos) {
      host = text->substr(1, close - 1);
      port_text = text->substr(close + 2);
    }
  } else if (const size_t colon = text->rfind(':'); colon != std::string_view::npos) {
    host = text->substr(0, colon);
    port_text = text->substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (host.empty() || !IpAddress::Parse(host) || ec != std::errc() ||
      end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    p.Error(f, fmt::format("{} is not an address and port like '0.0.0.0:2055' or '[::]:6343'",
                           Quote(*text)));
    return std::nullopt;
  }
  return FlowListen{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace

void ParseSensorSection(ParserBase& p, const Field& section, SensorSettings& sensor) {
  p.ForEachKey(section, "sensor", kSensorKeys, [&](const Field& f) {
    if (f.name == "interfaces") {
      sensor.interfaces = Names(p, f);
    } else if (f.name == "capture") {
      if (const auto text = p.Text(f, "af_packet or pcap")) {
        if (*text == "af_packet") {
          sensor.method = CaptureMethod::kAfPacket;
        } else if (*text == "pcap") {
          sensor.method = CaptureMethod::kPcap;
        } else {
          p.Error(f, fmt::format("'capture' is af_packet or pcap, not {}", Quote(*text)));
        }
      }
    } else if (f.name == "workers") {
      if (const auto n = p.Whole(f, 1, 64)) {
        sensor.workers = *n;
      }
    } else if (f.name == "ring_mib") {
      if (const auto n = p.Whole(f, 1, 4096)) {
        sensor.ring_mib = *n;
      }
    } else if (f.name == "snaplen") {
      if (const auto n = p.Whole(f, 128, 65535)) {
        sensor.snaplen = *n;
      }
    } else if (f.name == "promiscuous") {
      if (const auto on = p.Bool(f)) {
        sensor.promiscuous = *on;
      }
    } else if (f.name == "flow_listen") {
      if (!f.value.IsSequence()) {
        p.Error(f, fmt::format("'flow_listen' takes a list like ['0.0.0.0:2055'], not {}",
                               Describe(f.value)));
        return;
      }
      size_t index = 0;
      for (const YAML::Node& entry : f.value) {
        const Field item{fmt::format("flow_listen[{}]", index++), entry, entry};
        if (const auto listen = Listen(p, item)) {
          sensor.flow_listen.push_back(*listen);
        }
      }
    } else if (f.name == "flow_socket_buffer_mib") {
      if (const auto n = p.Whole(f, 1, 1024)) {
        sensor.flow_socket_buffer_mib = *n;
      }
    } else if (f.name == "log_level") {
      if (const auto text = p.Text(f, "a log level")) {
        static constexpr std::string_view kLevels[] = {"trace", "debug", "info",
                                                       "warn",  "error", "off"};
        if (std::find(std::begin(kLevels), std::end(kLevels), *text) == std::end(kLevels)) {
          p.Error(f, fmt::format("'log_level' is one of trace, debug, info, warn, error, off, "
                                 "not {}",
                                 Quote(*text)));
        } else {
          sensor.log_level = std::string(*text);
        }
      }
    } else if (const auto text = p.Text(f, "a path or name")) {
      (f.name == "pid_file" ? sensor.pid_file
       : f.name == "user"   ? sensor.user
                            : sensor.log_file) = std::string(*text);
    }
  });
}

void ParseOutputSection(ParserBase& p, const Field& section, OutputSettings& outputs) {
  p.ForEachKey(section, "outputs", kOutputKeys, [&](const Field& f) {
    if (f.name == "stats_interval" || f.name == "attack_update_interval" ||
        f.name == "notify_timeout") {
      if (const auto seconds = p.Duration(f, 86'400)) {
        if (*seconds < 1) {
          p.Error(f, fmt::format("'{}' must be at least 1s", f.name));
          return;
        }
        (f.name == "stats_interval"           ? outputs.stats_interval_s
         : f.name == "attack_update_interval" ? outputs.attack_update_interval_s
                                              : outputs.notify_timeout_s) = *seconds;
      }
    } else if (f.name == "webhook") {
      p.ForEachKey(f, "outputs.webhook", kWebhookKeys, [&](const Field& w) {
        if (w.name == "url") {
          if (const auto url = p.Text(w, "an http:// or https:// URL")) {
            if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
              p.Error(w, fmt::format("{} is not an http:// or https:// URL", Quote(*url)));
            } else {
              outputs.webhook_url = std::string(*url);
            }
          }
        } else if (w.name == "timeout") {
          if (const auto seconds = p.Duration(w, 300)) {
            outputs.webhook_timeout_s = *seconds;
          }
        } else if (const auto n = p.Whole(w, 0, 20)) {
          outputs.webhook_retries = *n;
        }
      });
    } else if (const auto text = p.Text(f, "a path")) {
      (f.name == "eve"       ? outputs.eve
       : f.name == "history" ? outputs.history
                             : outputs.notify_script) = std::string(*text);
    }
  });
}

}  // namespace rampart::config_internal
