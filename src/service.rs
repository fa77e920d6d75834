//! The broadcast loop shared by `tick` and `run`. [glue]
