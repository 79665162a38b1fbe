#pragma once
// The GoBGP backend: blackhole routes and FlowSpec rules put into a running gobgpd's global RIB
// over its gRPC API (GoBGP 3.x, third_party/gobgp/api). gobgpd then advertises them to the
// routers it peers with; rampart never speaks BGP itself.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "mitigate/mitigation.h"

namespace rampart::mitigate {

//! Announces to gobgpd through its gRPC API (AddPath/DeletePath on the global RIB).
//! - kBlackhole: the prefix in IPv4/IPv6 unicast with origin IGP, the announcement's next hop
//!   (0.0.0.0 / :: when empty, so gobgpd uses its own address; an IPv4 one for an IPv6 prefix
//!   goes IPv4-mapped, ::ffff:a.b.c.d) and its communities.
//! - kFlowspec: the rule in IPv4/IPv6 FlowSpec (SAFI 133) with a traffic-rate extended
//!   community: 0 to discard, else the rule's rate converted to bytes per second.
//! Every call has the settings' timeout as its deadline. Control thread only; not thread-safe.
class GobgpBackend final : public Backend {
 public:
  //! Opens a channel to `settings.api` ("127.0.0.1:50051") and checks that gobgpd answers a
  //! GetBgp within the timeout. nullptr with `*error` set otherwise.
  static std::unique_ptr<GobgpBackend> Connect(const GobgpSettings& settings, std::string* error);
  ~GobgpBackend() override;
  GobgpBackend(const GobgpBackend&) = delete;
  GobgpBackend& operator=(const GobgpBackend&) = delete;

  std::string_view name() const override { return "gobgp"; }
  bool Supports(ActionKind kind) const override;
  //! AddPath. Announcing the same NLRI again replaces the path (gobgpd's implicit withdraw).
  bool Announce(const Announcement& announcement, std::string* error) override;
  //! DeletePath of the same NLRI. gobgpd answers OK when the path is not there.
  bool Withdraw(const Announcement& announcement, std::string* error) override;

 private:
  struct Impl;
  explicit GobgpBackend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace rampart::mitigate
