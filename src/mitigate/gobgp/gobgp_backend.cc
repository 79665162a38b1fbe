#include "mitigate/gobgp/gobgp_backend.h"

#include "mitigate/community.h"

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <vector>

#include "attribute.pb.h"
#include "gobgp.grpc.pb.h"
#include "gobgp.pb.h"

namespace rampart::mitigate {
namespace {

// RFC 8955 operator bits as GoBGP's FlowSpecComponentItem.op takes them: gobgpd adds the
// value-length bits itself and sets end-of-list on a component's last item
// (bgp.NewFlowSpecComponentItem / NewFlowSpecComponent in GoBGP 3.10).
constexpr uint32_t kNumEq = 0x01;
constexpr uint32_t kNumGt = 0x02;
constexpr uint32_t kNumLt = 0x04;
constexpr uint32_t kOpAnd = 0x40;
constexpr uint32_t kBitMatch = 0x01;
constexpr uint32_t kBitNot = 0x02;

// RFC 8955 component types.
constexpr uint32_t kDestinationPrefix = 1;
constexpr uint32_t kSourcePrefix = 2;
constexpr uint32_t kIpProtocol = 3;
constexpr uint32_t kDestinationPort = 5;
constexpr uint32_t kSourcePort = 6;
constexpr uint32_t kTcpFlags = 9;
constexpr uint32_t kPacketLength = 10;
constexpr uint32_t kFragment = 12;
constexpr uint64_t kIsFragment = 0x02;  // the IsF bit of the fragment bitmask

constexpr uint32_t kOriginIgp = 0;

std::string StatusText(const grpc::Status& status) {
  // grpc::StatusCode's values, in order.
  // clang-format off
  static constexpr std::array<const char*, 17> kCodes = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
      "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
      "UNAUTHENTICATED"};
  // clang-format on
  const auto code = static_cast<size_t>(status.error_code());
  const std::string name = code < kCodes.size() ? kCodes[code] : std::to_string(code);
  return name + ": " + status.error_message();
}

apipb::Family MakeFamily(const IpAddress& address, bool flowspec) {
  apipb::Family family;
  family.set_afi(address.IsV4() ? apipb::Family::AFI_IP : apipb::Family::AFI_IP6);
  family.set_safi(flowspec ? apipb::Family::SAFI_FLOW_SPEC_UNICAST : apipb::Family::SAFI_UNICAST);
  return family;
}

template <typename Message>
void AddAttribute(apipb::Path* path, const Message& attribute) {
  path->add_pattrs()->PackFrom(attribute);
}

bool AddCommunities(const std::vector<std::string>& texts, apipb::Path* path, std::string* error) {
  if (texts.empty()) {
    return true;
  }
  apipb::CommunitiesAttribute communities;
  for (const std::string& text : texts) {
    const std::optional<Community> value = ParseCommunity(text);
    if (!value || value->large) {
      *error = fmt::format("invalid community '{}' (expected ASN:VALUE)", text);
      return false;
    }
    communities.add_communities(value->Packed());
  }
  AddAttribute(path, communities);
  return true;
}

// The next hop in the prefix's family. Empty means "any": gobgpd then advertises its own
// address (next-hop-self toward eBGP peers), as `gobgp global rib add` does without nexthop.
// An IPv4 next hop for an IPv6 prefix becomes IPv4-mapped (::ffff:a.b.c.d, as 6PE carries
// one in MP_REACH_NLRI), so the one configured RTBH discard address serves both families.
std::optional<std::string> NextHopFor(const Prefix& prefix, const std::string& text,
                                      std::string* error) {
  if (text.empty()) {
    return prefix.address.IsV4() ? "0.0.0.0" : "::";
  }
  const std::optional<IpAddress> next_hop = IpAddress::Parse(text);
  if (!next_hop) {
    *error = fmt::format("invalid next hop '{}'", text);
    return std::nullopt;
  }
  if (prefix.address.IsV4() && !next_hop->IsV4()) {
    *error = fmt::format("IPv6 next hop {} for the IPv4 prefix {}", text, prefix.ToString());
    return std::nullopt;
  }
  if (prefix.address.IsV6() && next_hop->IsV4()) {
    return "::ffff:" + next_hop->ToString();
  }
  return next_hop->ToString();
}

bool BuildBlackhole(const Announcement& announcement, apipb::Path* path, std::string* error) {
  const Prefix& prefix = announcement.prefix;
  if (!prefix.address.IsSet()) {
    *error = "blackhole without a prefix";
    return false;
  }
  const std::optional<std::string> next_hop = NextHopFor(prefix, announcement.next_hop, error);
  if (!next_hop) {
    return false;
  }
  *path->mutable_family() = MakeFamily(prefix.address, /*flowspec=*/false);
  apipb::IPAddressPrefix nlri;
  nlri.set_prefix(prefix.address.ToString());
  nlri.set_prefix_len(prefix.length);
  path->mutable_nlri()->PackFrom(nlri);

  apipb::OriginAttribute origin;
  origin.set_origin(kOriginIgp);
  AddAttribute(path, origin);
  if (prefix.address.IsV4()) {
    apipb::NextHopAttribute attribute;
    attribute.set_next_hop(*next_hop);
    AddAttribute(path, attribute);
  } else {
    // gobgpd takes an IPv6 path's next hop only from MP_REACH_NLRI (api2Path in GoBGP 3.10),
    // which must also carry the NLRI, as the gobgp CLI builds it.
    apipb::MpReachNLRIAttribute reach;
    *reach.mutable_family() = path->family();
    reach.add_next_hops(*next_hop);
    reach.add_nlris()->PackFrom(nlri);
    AddAttribute(path, reach);
  }
  return AddCommunities(announcement.communities, path, error);
}

void AddPrefixRule(uint32_t type, const Prefix& prefix, apipb::FlowSpecNLRI* nlri) {
  apipb::FlowSpecIPPrefix rule;
  rule.set_type(type);
  rule.set_prefix(prefix.address.ToString());
  rule.set_prefix_len(prefix.length);  // IPv6 offset stays 0: match from the first bit
  nlri->add_rules()->PackFrom(rule);
}

struct Item {
  uint32_t op;
  uint64_t value;
};

void AddComponent(uint32_t type, const std::vector<Item>& items, apipb::FlowSpecNLRI* nlri) {
  if (items.empty()) {
    return;
  }
  apipb::FlowSpecComponent component;
  component.set_type(type);
  for (const Item& item : items) {
    apipb::FlowSpecComponentItem* out = component.add_items();
    out->set_op(item.op);
    out->set_value(item.value);
  }
  nlri->add_rules()->PackFrom(component);
}

// "Any of": one ==value item each, ORed. Sorted and deduplicated so that equal rules give equal
// NLRIs, which is what makes a later withdraw find the announced path.
template <typename T>
std::vector<Item> AnyOf(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  std::vector<Item> items;
  items.reserve(values.size());
  for (const T value : values) {
    items.push_back({kNumEq, value});
  }
  return items;
}

// (flags & mask) == value: the bits to be set as one match item ("=S"), the bits to be clear
// as one ANDed not-any item ("&!A"); GoBGP prints SYN-without-ACK as "=S&!A".
std::vector<Item> TcpFlagItems(uint8_t value, uint8_t mask) {
  const uint8_t set = value & mask;
  const uint8_t clear = mask & static_cast<uint8_t>(~value);
  std::vector<Item> items;
  if (set != 0) {
    items.push_back({kBitMatch, set});
  }
  if (clear != 0) {
    items.push_back({(set != 0 ? kOpAnd : 0) | kBitNot, clear});
  }
  return items;
}

std::vector<Item> LengthItems(uint16_t min, uint16_t max) {
  if (max == 0) {
    return {};  // 0/0 = any, as FlowspecRule::ToText prints it
  }
  if (min == max) {
    return {{kNumEq, min}};
  }
  if (min == 0) {
    return {{kNumLt | kNumEq, max}};
  }
  return {{kNumGt | kNumEq, min}, {kOpAnd | kNumLt | kNumEq, max}};
}

bool BuildFlowspec(const Announcement& announcement, apipb::Path* path, std::string* error) {
  if (!announcement.flowspec) {
    *error = "flowspec announcement without a rule";
    return false;
  }
  const FlowspecRule& rule = *announcement.flowspec;
  const IpAddress& destination = rule.destination.address;
  if (!destination.IsSet()) {
    *error = "flowspec rule without a destination";
    return false;
  }
  if (rule.source && rule.source->address.family != destination.family) {
    *error = fmt::format("flowspec source {} and destination {} differ in family",
                         rule.source->ToString(), rule.destination.ToString());
    return false;
  }
  if (rule.packet_length_max != 0 && rule.packet_length_min > rule.packet_length_max) {
    *error = fmt::format("flowspec packet length {}-{} is empty", rule.packet_length_min,
                         rule.packet_length_max);
    return false;
  }
  const bool discard = rule.action == FlowspecRule::Action::kDiscard;
  if (!discard && !(rule.rate_limit_bps > 0)) {
    *error = "flowspec rate-limit without a positive rate";
    return false;
  }

  // Components in ascending type order, as RFC 8955 requires.
  apipb::FlowSpecNLRI nlri;
  AddPrefixRule(kDestinationPrefix, rule.destination, &nlri);
  if (rule.source) {
    AddPrefixRule(kSourcePrefix, *rule.source, &nlri);
  }
  AddComponent(kIpProtocol, AnyOf(rule.protocols), &nlri);
  AddComponent(kDestinationPort, AnyOf(rule.destination_ports), &nlri);
  AddComponent(kSourcePort, AnyOf(rule.source_ports), &nlri);
  AddComponent(kTcpFlags, TcpFlagItems(rule.tcp_flags_value, rule.tcp_flags_mask), &nlri);
  AddComponent(kPacketLength, LengthItems(rule.packet_length_min, rule.packet_length_max), &nlri);
  if (rule.fragments_only) {
    AddComponent(kFragment, {{0, kIsFragment}}, &nlri);  // printed "is-fragment", as the CLI
  }

  *path->mutable_family() = MakeFamily(destination, /*flowspec=*/true);
  path->mutable_nlri()->PackFrom(nlri);
  apipb::OriginAttribute origin;
  origin.set_origin(kOriginIgp);
  AddAttribute(path, origin);
  // FlowSpec has no next hop, but gobgpd wants MP_REACH_NLRI (with the NLRI) to accept it.
  apipb::MpReachNLRIAttribute reach;
  *reach.mutable_family() = path->family();
  reach.add_nlris()->PackFrom(nlri);
  AddAttribute(path, reach);
  // RFC 8955 traffic-rate: bytes per second as an IEEE float; 0 means discard.
  apipb::TrafficRateExtended rate;
  rate.set_asn(0);
  rate.set_rate(discard ? 0.0F : static_cast<float>(rule.rate_limit_bps / 8));
  apipb::ExtendedCommunitiesAttribute extended;
  extended.add_communities()->PackFrom(rate);
  AddAttribute(path, extended);
  return AddCommunities(announcement.communities, path, error);
}

}  // namespace

struct GobgpBackend::Impl {
  GobgpSettings settings;
  std::unique_ptr<apipb::GobgpApi::Stub> stub;

  //! A fresh context per call: the deadline is the settings' timeout from now.
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() +
                          std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              std::chrono::duration<double>(settings.timeout_s)));
    return context;
  }

  //! The path for an announcement (the same for AddPath and DeletePath).
  static bool BuildPath(const Announcement& announcement, apipb::Path* path, std::string* error) {
    switch (announcement.kind) {
      case ActionKind::kBlackhole:
        return BuildBlackhole(announcement, path, error);
      case ActionKind::kFlowspec:
        return BuildFlowspec(announcement, path, error);
      case ActionKind::kNftDrop:
      case ActionKind::kNftQuarantine:
        break;
    }
    *error = fmt::format("the gobgp backend does not do {}", ActionName(announcement.kind));
    return false;
  }
};

GobgpBackend::GobgpBackend(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GobgpBackend::~GobgpBackend() = default;

std::unique_ptr<GobgpBackend> GobgpBackend::Connect(const GobgpSettings& settings,
                                                    std::string* error) {
  if (settings.api.empty()) {
    *error = "gobgp: no API address";
    return nullptr;
  }
  if (!(settings.timeout_s > 0)) {
    *error = fmt::format("gobgp: timeout {} s is not positive", settings.timeout_s);
    return nullptr;
  }
  auto impl = std::make_unique<Impl>();
  impl->settings = settings;
  impl->stub = apipb::GobgpApi::NewStub(
      grpc::CreateChannel(settings.api, grpc::InsecureChannelCredentials()));
  // One cheap call proves the daemon is there and speaks the API, so a wrong address shows
  // at start-up rather than at the first attack.
  const std::unique_ptr<grpc::ClientContext> context = impl->Context();
  apipb::GetBgpResponse response;
  const grpc::Status status = impl->stub->GetBgp(context.get(), apipb::GetBgpRequest(), &response);
  if (!status.ok()) {
    *error = fmt::format("gobgp {}: GetBgp: {}", settings.api, StatusText(status));
    return nullptr;
  }
  return std::unique_ptr<GobgpBackend>(new GobgpBackend(std::move(impl)));
}

bool GobgpBackend::Supports(ActionKind kind) const {
  return kind == ActionKind::kBlackhole || kind == ActionKind::kFlowspec;
}

bool GobgpBackend::Announce(const Announcement& announcement, std::string* error) {
  apipb::AddPathRequest request;
  request.set_table_type(apipb::GLOBAL);
  if (!Impl::BuildPath(announcement, request.mutable_path(), error)) {
    return false;
  }
  const std::unique_ptr<grpc::ClientContext> context = impl_->Context();
  apipb::AddPathResponse response;
  const grpc::Status status = impl_->stub->AddPath(context.get(), request, &response);
  if (!status.ok()) {
    *error = fmt::format("gobgp AddPath {}: {}", announcement.ToText(), StatusText(status));
    return false;
  }
  return true;
}

bool GobgpBackend::Withdraw(const Announcement& announcement, std::string* error) {
  apipb::DeletePathRequest request;
  request.set_table_type(apipb::GLOBAL);
  // Never send a DeletePath without a path: gobgpd would delete every local path.
  if (!Impl::BuildPath(announcement, request.mutable_path(), error)) {
    return false;
  }
  *request.mutable_family() = request.path().family();
  const std::unique_ptr<grpc::ClientContext> context = impl_->Context();
  google::protobuf::Empty response;
  const grpc::Status status = impl_->stub->DeletePath(context.get(), request, &response);
  if (!status.ok()) {
    *error = fmt::format("gobgp DeletePath {}: {}", announcement.ToText(), StatusText(status));
    return false;
  }
  return true;
}

}  // namespace rampart::mitigate
