#include "sensor/pcap_source.h"

#include <pcap/pcap.h>
#include <poll.h>

#include "core/timestamp.h"

namespace rampart::sensor {

PcapSource::~PcapSource() {
  if (handle_ != nullptr) {
    pcap_close(handle_);
  }
}

bool PcapSource::Open(const Options& options, std::string* error) {
  interface_ = options.interface;
  char message[PCAP_ERRBUF_SIZE] = {};
  handle_ = pcap_create(options.interface.c_str(), message);
  if (handle_ == nullptr) {
    *error = interface_ + ": " + message;
    return false;
  }
  pcap_set_snaplen(handle_, static_cast<int>(options.snaplen));
  pcap_set_promisc(handle_, options.promiscuous ? 1 : 0);
  pcap_set_immediate_mode(handle_, 1);
  pcap_set_buffer_size(handle_, static_cast<int>(options.buffer_mib << 20));
  pcap_set_tstamp_precision(handle_, PCAP_TSTAMP_PRECISION_NANO);
  const int status = pcap_activate(handle_);
  if (status < 0) {
    *error = interface_ + ": " + pcap_geterr(handle_);
    return false;
  }
  if (pcap_setnonblock(handle_, 1, message) != 0) {
    *error = interface_ + ": " + message;
    return false;
  }
  fd_ = pcap_get_selectable_fd(handle_);
  // pcap's DLT values are the link types pcap files carry, which the decoder reads.
  link_type_ = static_cast<uint16_t>(pcap_datalink(handle_));
  return true;
}

bool PcapSource::Wait(int timeout_ms) {
  if (fd_ < 0) {
    return true;  // no selectable descriptor: the non-blocking read is the wait
  }
  pollfd p{fd_, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0;
}

bool PcapSource::Next(RawPacket* packet) {
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  if (pcap_next_ex(handle_, &header, &data) != 1) {
    return false;
  }
  // Nanosecond precision was asked for: tv_usec holds nanoseconds.
  packet->ts_ns = static_cast<TimestampNs>(header->ts.tv_sec) * kNanosPerSecond +
                  static_cast<TimestampNs>(header->ts.tv_usec);
  packet->data = data;
  packet->cap_len = header->caplen;
  packet->wire_len = header->len;
  packet->link_type = link_type_;
  return true;
}

const CaptureCounters& PcapSource::Counters() {
  pcap_stat stats{};
  if (handle_ != nullptr && pcap_stats(handle_, &stats) == 0) {
    // pcap's counters are totals since activation, not deltas.
    counters_.kernel_drops = stats.ps_drop + stats.ps_ifdrop;
  }
  return counters_;
}

}  // namespace rampart::sensor
