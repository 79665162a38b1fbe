#pragma once
// The ExaBGP backend: blackhole routes and FlowSpec rules written as text commands of ExaBGP's
// process API into a FIFO that one of ExaBGP's `process`es copies to ExaBGP. ExaBGP (4.2) then
// advertises them to its neighbors; rampart never speaks BGP itself.
//
// The operator's ExaBGP configuration (with ExabgpSettings.pipe = /run/rampart/exabgp.fifo):
//
// clang-format off
//   process rampart {
//     run /bin/sh -c "[ -p /run/rampart/exabgp.fifo ] || mkfifo -m 600 /run/rampart/exabgp.fifo; exec 4<&0; cat <&4 >/dev/null & exec cat /run/rampart/exabgp.fifo 3<>/run/rampart/exabgp.fifo 4<&-";
//     encoder text;
//   }
//   neighbor 192.0.2.254 { ...; api { processes [ rampart ]; } family { ipv4 unicast;
//     ipv6 unicast; ipv4 flow; ipv6 flow; } }
// clang-format on
//
// Why each part:
// - mkfifo: the reader must find a FIFO; its `3<>` would otherwise create a regular file.
// - `3<>fifo` (the reader holds a write end of its own): cat never sees end of file, so it
//   keeps running when rampart restarts. A plain `cat fifo` would exit each time, and ExaBGP
//   stops altogether after 5 respawns within about a minute.
// - `cat <&4 >/dev/null &` drains ExaBGP's replies: ExaBGP writes "done"/"error" for every
//   command to the process's stdin (exabgp.api.ack, on by default) with a blocking write, so
//   a reader that never read them would hang ExaBGP once 64 KiB had piled up. (The fd 4 dance:
//   dash gives background commands /dev/null as stdin unless they redirect it themselves.)
//   Setting exabgp.api.ack=false instead would do too, for every process of that ExaBGP.
// - exec: ExaBGP's SIGTERM on shutdown or reload reaches cat itself, not a shell around it.
// The FIFO's owner must let ExaBGP's user read it: ExaBGP runs its processes as
// exabgp.daemon.user (nobody by default), and a FIFO rampart creates is 0600, rampart's own.
//
// ExaBGP's replies are not read back, so a command ExaBGP rejects is only in ExaBGP's log;
// the commands are built to ExaBGP 4.2.21's grammar (the unit test has it check them).
#include <memory>
#include <string>

#include "config/config.h"
#include "mitigate/mitigation.h"

namespace rampart::mitigate {

//! The process-API command, one line without the newline:
//! - blackhole: `announce route 198.51.100.10/32 next-hop 192.0.2.1 community [65535:666]`
//!   (`next-hop self` when the announcement has none; large communities "a:b:c" go in
//!   `large-community [...]`);
//! - flowspec: `announce flow route { match { destination 198.51.100.10/32; protocol [ =6 ];
//!   destination-port [ =80 ]; tcp-flags [ =syn&!ack ]; packet-length [ >=40&<=60 ]; }
//!   then { discard; } }` (`next-header` for IPv6, `rate-limit <bytes/s>` for a rate limit);
//! and `withdraw ...` of the same. Empty with `*error` set when the announcement cannot be
//! expressed (a malformed community, no rule, a kind ExaBGP does not do).
std::string ExabgpCommand(const Announcement& announcement, bool announce, std::string* error);

//! The ExaBGP backend (name "exabgp"): kBlackhole and kFlowspec. Creates the FIFO (mode 0600)
//! when missing and keeps one write end open between calls; each command is a single write
//! (atomic in a FIFO up to 4 KiB). Never blocks: the FIFO is opened O_NONBLOCK, so with no
//! reader a call fails at once with "ExaBGP is not reading <pipe>", and a full FIFO (ExaBGP
//! stuck) fails after 2 s. When the reader went away (ExaBGP respawned it) the FIFO is opened
//! again, once. Control thread only; not thread-safe.
std::unique_ptr<Backend> MakeExabgpBackend(const ExabgpSettings& settings);

}  // namespace rampart::mitigate
