#pragma once
#include "capture/raw_packet.h"
#include "decode/decode_events.h"
#include "decode/packet_meta.h"

namespace rampart {

//! Decodes one captured frame into `meta`, from the link layer to the transport header of the
//! innermost IP datagram. Stateless and allocation-free; every malformed case is counted in
//! `stats` and ends decoding at that layer. Layers are plain function calls chosen by switch
//! (no virtual call per layer), and every read is preceded by a length check.
void DecodePacket(const RawPacket& raw, PacketMeta& meta, DecodeStats& stats);

//! Most IP headers one packet may stack (outer + tunnels) before decoding stops.
constexpr uint8_t kMaxIpLayers = 4;
constexpr uint8_t kMaxVlanTags = 8;
constexpr uint8_t kMaxMplsLabels = 16;

}  // namespace rampart
