#include "mitigate/mitigation.h"

#include <fmt/format.h>

#include <array>

namespace rampart::mitigate {
namespace {

constexpr std::array<std::string_view, 4> kActionNames = {"blackhole", "flowspec", "nft_drop",
                                                          "nft_quarantine"};

template <typename T>
std::string List(const std::vector<T>& values) {
  std::string out;
  for (const T& v : values) {
    if (!out.empty()) {
      out += ',';
    }
    out += std::to_string(v);
  }
  return out;
}

std::string FlagNames(uint8_t flags) {
  static constexpr std::array<const char*, 8> kNames = {"FIN", "SYN", "RST", "PSH",
                                                        "ACK", "URG", "ECE", "CWR"};
  std::string out;
  for (size_t bit = 0; bit < kNames.size(); ++bit) {
    if ((flags & (1u << bit)) != 0) {
      if (!out.empty()) {
        out += ',';
      }
      out += kNames[bit];
    }
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::string_view ActionName(ActionKind kind) {
  return kActionNames[static_cast<size_t>(kind)];
}

std::optional<ActionKind> ActionFromName(std::string_view name) {
  for (size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == name) {
      return static_cast<ActionKind>(i);
    }
  }
  return std::nullopt;
}

std::string FlowspecRule::ToText() const {
  std::string out = "dst " + destination.ToString();
  if (source) {
    out += " src " + source->ToString();
  }
  if (!protocols.empty()) {
    out += " proto " + List(protocols);
  }
  if (!destination_ports.empty()) {
    out += " dport " + List(destination_ports);
  }
  if (!source_ports.empty()) {
    out += " sport " + List(source_ports);
  }
  if (tcp_flags_mask != 0) {
    out += " tcp-flags " + FlagNames(tcp_flags_value) + "/" + FlagNames(tcp_flags_mask);
  }
  if (packet_length_max != 0) {
    out += fmt::format(" len {}-{}", packet_length_min, packet_length_max);
  }
  if (fragments_only) {
    out += " fragment";
  }
  out += action == Action::kDiscard ? " -> discard"
                                    : fmt::format(" -> rate-limit {:.0f} bps", rate_limit_bps);
  return out;
}

std::string Announcement::ToText() const {
  switch (kind) {
    case ActionKind::kBlackhole: {
      std::string communities_text;
      for (const std::string& c : communities) {
        if (!communities_text.empty()) {
          communities_text += ' ';
        }
        communities_text += c;
      }
      return fmt::format("blackhole {} next-hop {} community [{}]", prefix.ToString(), next_hop,
                         communities_text);
    }
    case ActionKind::kFlowspec:
      return "flowspec " + (flowspec ? flowspec->ToText() : std::string("(no rule)"));
    case ActionKind::kNftDrop:
    case ActionKind::kNftQuarantine: {
      std::string list;
      for (const IpAddress& a : addresses) {
        if (!list.empty()) {
          list += ", ";
        }
        list += a.ToString();
      }
      return fmt::format("{} {{ {} }}", ActionName(kind), list);
    }
  }
  return "";
}

}  // namespace rampart::mitigate
