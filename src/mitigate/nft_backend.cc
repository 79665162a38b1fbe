#include "mitigate/nft_backend.h"

#include <fcntl.h>
#include <nftables/libnftables.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

//! nft's table names are identifiers; anything else would let the setting inject nft syntax.
bool ValidTableName(const std::string& table) {
  if (table.empty() || table.size() > 64 ||
      !((table[0] >= 'a' && table[0] <= 'z') || (table[0] >= 'A' && table[0] <= 'Z'))) {
    return false;
  }
  for (const char c : table) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

//! A name under /var/run/netns, never a path elsewhere.
bool ValidNetnsName(const std::string& netns) {
  return !netns.empty() && netns.size() < 256 && netns != "." && netns != ".." &&
         netns.find('/') == std::string::npos;
}

std::string TrimmedMessage(const char* text) {
  std::string out = text == nullptr ? "" : text;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

struct NftCtxFree {
  void operator()(nft_ctx* ctx) const { nft_ctx_free(ctx); }
};

//! Runs the script with a fresh context in the calling thread's network namespace. A fresh
//! context each time because its netlink socket belongs to the namespace it was opened in.
bool RunNftHere(const std::string& commands, std::string* output, std::string* error) {
  const std::unique_ptr<nft_ctx, NftCtxFree> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
  if (!ctx) {
    *error = "nft: cannot create a libnftables context";
    return false;
  }
  if (nft_ctx_buffer_output(ctx.get()) != 0 || nft_ctx_buffer_error(ctx.get()) != 0) {
    *error = "nft: cannot buffer libnftables output";
    return false;
  }
  const int rc = nft_run_cmd_from_buffer(ctx.get(), commands.c_str());
  if (output != nullptr) {
    *output = TrimmedMessage(nft_ctx_get_output_buffer(ctx.get()));
  }
  if (rc != 0) {
    const std::string message = TrimmedMessage(nft_ctx_get_error_buffer(ctx.get()));
    *error = "nft: " + (message.empty() ? std::string("command failed") : message);
    return false;
  }
  return true;
}

class NftBackend final : public Backend {
 public:
  explicit NftBackend(NftSettings settings) : settings_(std::move(settings)) {}

  std::string_view name() const override { return "nftables"; }

  bool Supports(ActionKind kind) const override {
    return kind == ActionKind::kNftDrop || kind == ActionKind::kNftQuarantine;
  }

  bool Announce(const Announcement& announcement, std::string* error) override {
    return Apply(announcement, true, error);
  }

  bool Withdraw(const Announcement& announcement, std::string* error) override {
    return Apply(announcement, false, error);
  }

 private:
  bool Apply(const Announcement& announcement, bool announce, std::string* error) {
    if (!Supports(announcement.kind)) {
      *error = fmt::format("nftables cannot do {}", ActionName(announcement.kind));
      return false;
    }
    if (announcement.addresses.empty()) {
      if (announce) {
        *error = "nftables: the announcement has no addresses";
      }
      return !announce;  // withdrawing nothing is done
    }
    const std::string commands = NftElementCommands(settings_.table, announcement, announce, error);
    if (commands.empty()) {
      return false;
    }
    // The setup goes in front of the first call's elements: one transaction, one netlink round.
    // When a later call fails (the table was flushed away by someone), set up again, once.
    for (int attempt = 0; attempt < 2; ++attempt) {
      const bool with_setup = !ready_;
      const std::string script =
          with_setup ? NftSetupCommands(settings_.table) + commands : commands;
      std::string message;
      if (RunNft(settings_.netns, script, nullptr, &message)) {
        ready_ = true;
        spdlog::debug("nftables{}: {}", settings_.netns.empty() ? "" : " in " + settings_.netns,
                      announcement.ToText());
        return true;
      }
      *error = message;
      if (with_setup) {
        return false;  // the setup itself failed: another try would fail the same way
      }
      ready_ = false;
    }
    return false;
  }

  NftSettings settings_;
  bool ready_ = false;  // the table, sets and chain were set up by an earlier call
};

}  // namespace

std::string NftSetupCommands(const std::string& table) {
  // `table ... { }` adds what is missing and keeps what exists; the chain is flushed and its
  // rules added again so that a restart never duplicates them. Priority -300 (raw) runs before
  // conntrack: a banned source costs no conntrack entry.
  return fmt::format(
      "table inet {0} {{\n"
      "  set drop4 {{ type ipv4_addr; flags timeout; }}\n"
      "  set drop6 {{ type ipv6_addr; flags timeout; }}\n"
      "  set quarantine4 {{ type ipv4_addr; flags timeout; }}\n"
      "  set quarantine6 {{ type ipv6_addr; flags timeout; }}\n"
      "  chain prerouting {{ type filter hook prerouting priority -300; policy accept; }}\n"
      "}}\n"
      "flush chain inet {0} prerouting\n"
      "add rule inet {0} prerouting ip saddr @drop4 counter drop\n"
      "add rule inet {0} prerouting ip6 saddr @drop6 counter drop\n"
      "add rule inet {0} prerouting ip saddr @quarantine4 counter drop\n"
      "add rule inet {0} prerouting ip6 saddr @quarantine6 counter drop\n",
      table);
}

std::string NftElementCommands(const std::string& table, const Announcement& announcement,
                               bool announce, std::string* error) {
  if (!ValidTableName(table)) {
    *error = fmt::format("nftables: invalid table name '{}'", table);
    return "";
  }
  std::string_view set_base;
  if (announcement.kind == ActionKind::kNftDrop) {
    set_base = "drop";
  } else if (announcement.kind == ActionKind::kNftQuarantine) {
    set_base = "quarantine";
  } else {
    *error = fmt::format("nftables cannot do {}", ActionName(announcement.kind));
    return "";
  }
  std::string v4;
  std::string v6;
  for (const IpAddress& address : announcement.addresses) {
    if (!address.IsSet()) {
      *error = "nftables: an address is unset";
      return "";
    }
    std::string& list = address.IsV4() ? v4 : v6;
    list += list.empty() ? "" : ", ";
    list += address.ToString();
  }
  std::string out;
  for (const auto& [list, suffix] : {std::pair{&v4, "4"}, std::pair{&v6, "6"}}) {
    if (list->empty()) {
      continue;
    }
    const std::string element =
        fmt::format("element inet {} {}{} {{ {} }}\n", table, set_base, suffix, *list);
    out += "add " + element;
    if (!announce) {
      out += "delete " + element;
    }
  }
  return out;
}

bool RunNft(const std::string& netns, const std::string& commands, std::string* output,
            std::string* error) {
  if (netns.empty()) {
    return RunNftHere(commands, output, error);
  }
  if (!ValidNetnsName(netns)) {
    *error = fmt::format("nftables: invalid network namespace name '{}'", netns);
    return false;
  }
  bool ok = false;
  std::string thread_error;
  try {
    // The thread exits with the namespace it entered; the calling thread never leaves ours.
    std::thread worker([&] {
      const std::string path = "/var/run/netns/" + netns;
      const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        thread_error = fmt::format("nftables: cannot open {}: {}", path, std::strerror(errno));
        return;
      }
      const int rc = setns(fd, CLONE_NEWNET);
      const int setns_errno = errno;
      close(fd);
      if (rc != 0) {
        thread_error = fmt::format("nftables: cannot enter network namespace {}: {}", netns,
                                   std::strerror(setns_errno));
        return;
      }
      ok = RunNftHere(commands, output, &thread_error);
    });
    worker.join();
  } catch (const std::system_error& e) {
    *error = fmt::format("nftables: cannot start a thread: {}", e.what());
    return false;
  }
  if (!ok) {
    *error = thread_error;
  }
  return ok;
}

std::unique_ptr<Backend> MakeNftBackend(const NftSettings& settings) {
  return std::make_unique<NftBackend>(settings);
}

}  // namespace rampart::mitigate
