//! Broadcast slots and schedule arithmetic. Pure: `now` is always a parameter. [core]
