#include "scenario/scenario.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "scenario/capture_common.h"
#include "scenario/scenario_internal.h"

namespace rampart::scenario {

using internal::AddressBits;
using internal::FirstHost;
using internal::Host;
using internal::Scene;
using internal::Stream;

bool ValidateScenario(const ScenarioOptions& options, std::string* error) {
  if (options.out.empty()) {
    return Fail(error, "no output file");
  }
  if (!options.target.IsSet()) {
    return Fail(error, "no target address");
  }
  if (options.target_prefix_len > AddressBits(options.target)) {
    return Fail(error, "target prefix length out of range");
  }
  if (!std::isfinite(options.duration_s) || options.duration_s < 0 ||
      options.duration_s > 86400 * 7) {
    return Fail(error, "duration must be between 0 and 604800 seconds");
  }
  // Classic pcap keeps 32-bit seconds; leave room for the longest attack.
  if (options.start_s < 0 || options.start_s > int64_t{0xffffffff} - 2 * 86400 * 7 - 60) {
    return Fail(error, "start must be a Unix time between 1970 and 2105");
  }
  if (!std::isfinite(options.background_pps) || options.background_pps < 0 ||
      options.background_pps > 1e8) {
    return Fail(error, "background rate must be between 0 and 1e8 packets/s");
  }
  if (options.background_pps > 0 && options.clients == 0) {
    return Fail(error, "background traffic needs at least one client");
  }
  if (!std::isfinite(options.flash_crowd_factor) || options.flash_crowd_factor < 1 ||
      options.flash_crowd_factor > 1000) {
    return Fail(error, "flash crowd factor must be between 1 and 1000");
  }
  if (static_cast<double>(options.clients) * options.flash_crowd_factor > 1e7) {
    return Fail(error, "clients * flash crowd factor must stay under 10 million");
  }
  if (options.vector) {
    if (static_cast<size_t>(*options.vector) >= kVectorCount) {
      return Fail(error, "unknown vector");
    }
    if (!std::isfinite(options.attack_pps) || options.attack_pps <= 0 || options.attack_pps > 1e9) {
      return Fail(error, "attack rate must be above 0 and at most 1e9 packets/s");
    }
    if (!std::isfinite(options.attack_start_s) || options.attack_start_s < 0 ||
        !std::isfinite(options.attack_duration_s) || options.attack_duration_s < 0 ||
        options.attack_start_s + options.attack_duration_s > 86400 * 7) {
      return Fail(error, "attack start and duration must be between 0 and 604800 seconds");
    }
    const bool bots = *options.vector == Vector::kHttpFlood || *options.vector == Vector::kTcpStomp;
    if ((!options.spoofed || bots) && (options.sources == 0 || options.sources > 2000000)) {
      return Fail(error, "sources must be between 1 and 2 million (--spoofed for more)");
    }
    if (static_cast<size_t>(options.service) >= static_cast<size_t>(AmplificationService::kCount)) {
      return Fail(error, "unknown amplification service");
    }
  }
  if (options.zone.empty() || options.zone.size() > 240) {
    return Fail(error, "zone must be a domain name of at most 240 characters");
  }
  size_t label = 0;
  for (char c : options.zone) {
    label = c == '.' ? 0 : label + 1;
    if (label > 63) {
      return Fail(error, "zone has a label over 63 characters");
    }
  }
  if (options.zone.front() == '.' || options.zone.back() == '.' ||
      options.zone.find("..") != std::string::npos) {
    return Fail(error, "zone has an empty label");
  }
  return true;
}

bool WriteScenario(const ScenarioOptions& options, std::string* error) {
  if (!ValidateScenario(options, error)) {
    return false;
  }
  // One seed per stream, drawn in a fixed order, so that each part of the scenario is the same
  // whatever the other options.
  Rng master(options.seed);
  const uint64_t clients_seed = master.Next();
  const uint64_t web_seed = master.Next();
  const uint64_t dns_seed = master.Next();
  const uint64_t ntp_seed = master.Next();
  const uint64_t flash_seed = master.Next();
  const uint64_t attack_seed = master.Next();

  const bool v6 = options.target.IsV6();
  Scene scene;
  scene.server.addr = FirstHost(options.target, options.target_prefix_len);
  if (options.target_prefix_len >= AddressBits(options.target)) {
    scene.server.addr = options.target;
  }
  scene.server.ttl = 64;
  scene.resolver = ParseAddress(v6 ? "2001:db8:53::53" : "192.0.2.53");
  scene.ntp_server = ParseAddress(v6 ? "2001:db8:123::123" : "192.0.2.123");

  const int64_t begin = options.start_s * kNsPerS;
  const int64_t end = begin + ToNs(options.duration_s);
  std::vector<std::unique_ptr<Stream>> streams;
  if (options.background_pps > 0) {
    const double web_pps = options.background_pps * 0.7;
    const double factor = options.flash_crowd_factor;
    Rng client_rng(clients_seed);
    const auto total_clients =
        static_cast<size_t>(std::llround(static_cast<double>(options.clients) * factor));
    std::vector<Host> clients =
        internal::MakeClients(std::max<size_t>(total_clients, options.clients), v6, client_rng);
    std::vector<Host> regular(clients.begin(), clients.begin() + options.clients);
    streams.push_back(internal::MakeWebStream(begin, end, web_pps, web_seed, scene, regular));
    streams.push_back(
        internal::MakeDnsStream(begin, end, options.background_pps * 0.2, dns_seed, scene));
    streams.push_back(
        internal::MakeNtpStream(begin, end, options.background_pps * 0.1, ntp_seed, scene));
    if (factor > 1 && clients.size() > options.clients) {
      const int64_t third = (end - begin) / 3;
      std::vector<Host> crowd(clients.begin() + options.clients, clients.end());
      streams.push_back(internal::MakeWebStream(begin + third, begin + 2 * third,
                                                web_pps * (factor - 1), flash_seed, scene,
                                                std::move(crowd)));
    }
  }
  if (options.vector) {
    const int64_t attack_begin = begin + ToNs(options.attack_start_s);
    const int64_t attack_end = attack_begin + ToNs(options.attack_duration_s);
    streams.push_back(internal::MakeAttackStream(attack_begin, attack_end, options, attack_seed));
  }

  CaptureFile file;
  if (!file.Open(options.out, error)) {
    return false;
  }
  struct Head {
    int64_t ts;
    size_t stream;
    bool operator>(const Head& other) const {
      return ts != other.ts ? ts > other.ts : stream > other.stream;
    }
  };
  std::priority_queue<Head, std::vector<Head>, std::greater<>> heads;
  std::vector<Frame> frames(streams.size());
  for (size_t i = 0; i < streams.size(); ++i) {
    int64_t ts = 0;
    if (streams[i]->Next(&ts, &frames[i])) {
      heads.push({ts, i});
    }
  }
  while (!heads.empty()) {
    const Head head = heads.top();
    heads.pop();
    const Frame& frame = frames[head.stream];
    if (!file.Write(head.ts, frame.data(), frame.size(), error)) {
      return false;
    }
    int64_t ts = 0;
    if (streams[head.stream]->Next(&ts, &frames[head.stream])) {
      heads.push({ts, head.stream});
    }
  }
  return file.Close(error);
}

}  // namespace rampart::scenario
