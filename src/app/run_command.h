#pragma once
#include "sensor/sensor.h"

namespace rampart {

//! `rampart run --config FILE`: the live sensor until SIGTERM (docs/sensor.md). Exit 0 after a
//! clean stop, 2 for a configuration or set-up error (the message is on stderr).
int RunSensor(const sensor::RunOptions& options);

}  // namespace rampart
